"""GFD.223 §9: collections — list, create, mixin membership, actions on all, delete all.

§9.1 GET (filtered by Category/X-OCCI-Attribute in any rendering), §9.2 PUT replaces a
mixin collection's members, §9.3.1 POST creates (201, Location, X-OCCI-Location), §9.3.2
POST associates a mixin, §9.3.3 actions on every member, §9.4.1 DELETE all, §9.4.2
DELETE disassociates.
"""

from __future__ import annotations

import httpx
import pytest
from occi_http import (
    ALL_RENDERINGS,
    ENTITY_RENDERINGS,
    compute,
    create,
    entity_of,
    locations_of,
    media_type,
    request_kwargs,
    trigger,
)

from occi_operator.occi import vocabulary as v
from occi_operator.occi.categories import Mixin, QueryInterface
from occi_operator.occi.entities import Filter
from occi_operator.occi.rendering import rendering_for

TAG = Mixin(scheme="http://example.org/my/tags#", term="red", location="/red/")


async def _add_tag(http: httpx.AsyncClient) -> None:
    message = rendering_for("text/plain").render_query_interface(QueryInterface(mixins=(TAG,)))
    response = await http.post("/-/", **request_kwargs(message))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_s9_3_1_create_answers_201_location_and_the_same_url_as_listings(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§9.3.1: 201 Created, Location, the location in the body; identical to the listing."""
    message = rendering_for(rendering).render_entity(compute("new"))
    response = await http.post("/compute/", **request_kwargs(message, accept=rendering))
    assert response.status_code == 201, response.text
    location = response.headers["location"]
    assert location.startswith("http://occi.test/compute/")
    if rendering == "text/plain":
        assert f"X-OCCI-Location: {location}" in response.text
    elif rendering == "text/occi":
        assert response.headers["x-occi-location"] == location
    else:
        assert response.json() == [location]
    listing = await http.get("/compute/", headers={"Accept": "text/plain"})
    assert locations_of(listing) == [location]


async def test_s9_3_1_a_free_client_supplied_id_is_honoured(http: httpx.AsyncClient) -> None:
    """§9.3.1 with GFD.221 (occi.core.id): a free uuid-like id in the body is kept."""
    ident = "6df690d2-3158-40c4-88fb-d1c41584d6e5"
    entity = compute("chosen").model_copy(update={"id": ident})
    location = await create(http, entity, "/compute/")
    assert location == f"http://occi.test/compute/{ident}"


@pytest.mark.parametrize("rendering", ALL_RENDERINGS)
async def test_s9_1_get_lists_the_members(http: httpx.AsyncClient, rendering: str) -> None:
    """§9.1: 200 and an entity collection rendering (locations absolute)."""
    created = [await create(http, compute(f"m{n}"), "/compute/") for n in range(2)]
    response = await http.get("/compute/", headers={"Accept": rendering})
    assert response.status_code == 200
    assert media_type(response) == rendering
    if rendering == "application/occi+json":
        titles = {entity.title for entity in (await _json_members(response))}
        assert titles == {"m0", "m1"}
    else:
        assert locations_of(response) == created


async def _json_members(response: httpx.Response) -> list:  # type: ignore[type-arg]
    from occi_http import collection_of

    return list(collection_of(response).entities)


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_s9_1_a_filter_narrows_the_listing(http: httpx.AsyncClient, rendering: str) -> None:
    """§9.1: a filter (category or attribute) in the request narrows the members."""
    keep = await create(http, compute("keep", **{"occi.compute.hostname": "k"}), "/compute/")
    await create(http, compute("drop", **{"occi.compute.hostname": "d"}), "/compute/")
    wanted = Filter(attributes={"occi.compute.hostname": "k"})
    message = rendering_for(rendering).render_filter(wanted)
    response = await http.request(
        "GET", "/compute/", **request_kwargs(message, accept="text/plain")
    )
    assert response.status_code == 200, response.text
    assert locations_of(response) == [keep]


async def test_s9_1_text_occi_filter_headers_on_a_plain_get(http: httpx.AsyncClient) -> None:
    """§9.1: X-OCCI-Attribute headers on a GET filter, whatever the Accept."""
    keep = await create(http, compute("keep"), "/compute/")
    await create(http, compute("other"), "/compute/")
    response = await http.get(
        "/compute/", headers={"X-OCCI-Attribute": 'occi.core.title="keep"'}
    )
    assert locations_of(response) == [keep]


@pytest.mark.parametrize("rendering", ALL_RENDERINGS)
async def test_s9_3_2_and_s9_4_2_mixin_membership(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§9.3.2 POST associates (200), §9.2 PUT replaces, §9.4.2 DELETE disassociates."""
    await _add_tag(http)
    first = await create(http, compute("a"), "/compute/")
    second = await create(http, compute("b"), "/compute/")
    members = rendering_for(rendering)

    def body(*locations: str) -> dict:  # type: ignore[type-arg]
        return request_kwargs(members.render_locations(list(locations)), accept="text/plain")

    associated = await http.post("/red/", **body(first))
    assert associated.status_code == 200, associated.text
    assert locations_of(associated) == [first]
    assert TAG.type_id in entity_of(await http.get(first)).mixins

    replaced = await http.put("/red/", **body(second))
    assert replaced.status_code == 200, replaced.text
    assert locations_of(replaced) == [second]

    removed = await http.request("DELETE", "/red/", **body(second))
    assert removed.status_code == 200, removed.text
    assert locations_of(await http.get("/red/")) == []
    assert TAG.type_id not in entity_of(await http.get(second)).mixins


async def test_s9_3_3_an_action_on_a_collection_reaches_every_member(
    http: httpx.AsyncClient,
) -> None:
    """§9.3.3: POST /compute/?action=stop → 200 and every member stopped."""
    created = [await create(http, compute(f"s{n}"), "/compute/") for n in range(2)]
    response = await trigger(http, "/compute/", v.COMPUTE_STOP)
    assert response.status_code == 200, response.text
    for location in created:
        state = entity_of(await http.get(location)).attributes[v.COMPUTE_STATE]
        assert state == v.STATE_INACTIVE


async def test_s9_4_1_delete_removes_every_member(http: httpx.AsyncClient) -> None:
    """§9.4.1: DELETE /compute/ → 200 and an empty collection."""
    for n in range(2):
        await create(http, compute(f"d{n}"), "/compute/")
    response = await http.delete("/compute/")
    assert response.status_code == 200
    assert locations_of(await http.get("/compute/")) == []


async def test_s9_2_put_on_a_kind_collection_is_405(http: httpx.AsyncClient) -> None:
    """§9.2: PUT is only defined for mixin collections."""
    response = await http.put("/compute/", content=b"", headers={"Content-Type": "text/plain"})
    assert response.status_code == 405


async def test_s9_a_collection_path_without_its_slash_is_the_collection(
    http: httpx.AsyncClient,
) -> None:
    """§4 (bound paths): /compute names the /compute/ collection."""
    location = await create(http, compute("slash"), "/compute")
    assert locations_of(await http.get("/compute")) == [location]
