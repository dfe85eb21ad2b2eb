"""GFD.223 §8: entity instances — GET, PUT (create or replace), POST (update, action), DELETE.

Parametrized over the three renderings that carry entities; text/uri-list carries none
(a request body in it is a 400).
"""

from __future__ import annotations

import uuid

import httpx
import pytest
from occi_http import (
    ENTITY_RENDERINGS,
    compute,
    create,
    entity_of,
    media_type,
    request_kwargs,
    trigger,
)

from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import ActionInvocation, Resource
from occi_operator.occi.rendering import rendering_for


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_s8_1_get_renders_the_entity(http: httpx.AsyncClient, rendering: str) -> None:
    """§8.1: 200 and an entity instance rendering with its actions."""
    location = await create(http, compute("web-1", **{"occi.compute.cores": 2}), "/compute/",
                            rendering=rendering)
    response = await http.get(location, headers={"Accept": rendering})
    assert response.status_code == 200
    assert media_type(response) == rendering
    entity = entity_of(response)
    assert entity.kind == v.COMPUTE_KIND
    assert entity.title == "web-1"
    assert entity.attributes["occi.compute.cores"] == 2
    assert entity.id is not None
    assert location.endswith(entity.id)
    assert entity.actions, "an active compute offers actions"


async def test_s8_1_get_of_nothing_is_404(http: httpx.AsyncClient) -> None:
    """§5.4 404 Not Found for an entity location that holds nothing."""
    response = await http.get(f"/compute/{uuid.uuid4()}")
    assert response.status_code == 404


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_s8_2_1_put_to_a_new_location_creates_201_with_location(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§8.2.1: PUT creates at the given location → 201 Created and Location."""
    ident = str(uuid.uuid4())
    message = rendering_for(rendering).render_entity(compute("put-created"))
    response = await http.put(f"/compute/{ident}", **request_kwargs(message, accept=rendering))
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"http://occi.test/compute/{ident}"
    got = entity_of(await http.get(f"/compute/{ident}"))
    assert got.id == ident
    assert got.title == "put-created"


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_s8_2_2_put_replaces_and_accepts_an_echo_of_its_own_rendering(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§8.2.2: PUT of the rendering just fetched (immutables, actions) → 200 and entity."""
    location = await create(http, compute("before"), "/compute/")
    fetched = await http.get(location, headers={"Accept": rendering})
    echoed = entity_of(fetched)
    changed = echoed.model_copy(update={"title": "after"})
    message = rendering_for(rendering).render_entity(changed)
    response = await http.put(location, **request_kwargs(message, accept=rendering))
    assert response.status_code == 200, response.text
    assert entity_of(response).title == "after"
    assert entity_of(await http.get(location)).title == "after"


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_s8_3_1_post_partially_updates_only_what_it_names(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§8.3.1: POST of a partial rendering → 200 and the entity; the rest is kept."""
    location = await create(
        http, compute("keep", **{"occi.compute.hostname": "h1"}), "/compute/"
    )
    partial = Resource(kind=v.COMPUTE_KIND, attributes={"occi.compute.hostname": "h2"})
    message = rendering_for(rendering).render_entity(partial)
    response = await http.post(location, **request_kwargs(message, accept=rendering))
    assert response.status_code == 200, response.text
    entity = entity_of(await http.get(location))
    assert entity.attributes["occi.compute.hostname"] == "h2"
    assert entity.title == "keep"


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_s8_3_2_an_action_answers_200_and_the_entity(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§8.3.2: POST ?action=term with an action invocation → 200 and the entity."""
    location = await create(http, compute("acting"), "/compute/")
    response = await trigger(http, location, v.COMPUTE_STOP, rendering=rendering,
                             method="graceful")
    assert response.status_code == 200, response.text
    assert entity_of(response).attributes[v.COMPUTE_STATE] == v.STATE_INACTIVE


async def test_s8_3_2_an_action_without_a_body_is_named_by_its_term(
    http: httpx.AsyncClient,
) -> None:
    """§8.3.2: the query's term identifies the action when no body is sent."""
    location = await create(http, compute("term-only"), "/compute/")
    response = await http.post(f"{location}?action=stop")
    assert response.status_code == 200, response.text


async def test_s8_3_2_an_action_that_does_not_fit_the_state_is_409(
    http: httpx.AsyncClient,
) -> None:
    """§5.4 409 Conflict: start on an active compute does not fit its state."""
    location = await create(http, compute("active"), "/compute/")
    response = await trigger(http, location, v.COMPUTE_START)
    assert response.status_code == 409
    assert "active" in response.text


async def test_s8_3_2_a_body_naming_another_action_is_400(http: httpx.AsyncClient) -> None:
    """§8.3.2: the body's action term must equal the query's."""
    location = await create(http, compute("mismatch"), "/compute/")
    message = rendering_for("text/plain").render_action(
        ActionInvocation(action=v.COMPUTE_STOP)
    )
    response = await http.post(f"{location}?action=restart", **request_kwargs(message))
    assert response.status_code == 400


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_s8_4_delete_answers_200_and_the_entity_is_gone(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§8.4: DELETE → 200; a GET afterwards → 404, a second DELETE → 404."""
    location = await create(http, compute("doomed"), "/compute/")
    response = await http.delete(location, headers={"Accept": rendering})
    assert response.status_code == 200
    assert media_type(response) == rendering
    assert (await http.get(location)).status_code == 404
    assert (await http.delete(location)).status_code == 404


async def test_s8_a_uri_list_body_for_an_entity_is_400(http: httpx.AsyncClient) -> None:
    """GFD.223 with GFD.229: text/uri-list carries no entity → 400 naming the reason."""
    response = await http.post(
        "/compute/", content=b"http://occi.test/compute/1\r\n",
        headers={"Content-Type": "text/uri-list"},
    )
    assert response.status_code == 400
    assert "uri-list" in response.text
