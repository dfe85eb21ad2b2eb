"""Provider kinds from the catalog are advertised in /-/ and served generically.

The default catalog declares http://example.org/occi/dns#record; a catalog of its own adds
a provider link kind. GFD.221 §4.4 lets a provider define kinds; GFD.223 serves every
kind's collection the same way: create, read, list with filters, update, actions, delete
— with each value checked against the declared definition (400 naming the attribute).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from occi_http import (
    ALL_RENDERINGS,
    ENTITY_RENDERINGS,
    categories_of,
    create,
    entity_of,
    locations_of,
    request_kwargs,
    trigger,
)

from occi_operator.endpoint.app import create_app
from occi_operator.endpoint.settings import EndpointSettings
from occi_operator.occi.attributes import AttributeType
from occi_operator.occi.entities import Filter, Link, Resource
from occi_operator.occi.rendering import rendering_for

DNS = "http://example.org/occi/dns#record"
REFRESH = "http://example.org/occi/dns/record/action#refresh"
ALIAS = "http://example.org/occi/dns#alias"


def record(name: str = "www.example.org", **attributes: object) -> Resource:
    return Resource(kind=DNS, title=name, attributes={
        "occi.dns.name": name, "occi.dns.type": "A", "occi.dns.value": "192.0.2.7",
        **attributes})


async def _refused(http: httpx.AsyncClient, entity: Resource, rendering: str) -> str:
    message = rendering_for(rendering).render_entity(entity)
    response = await http.post("/dns/record/", **request_kwargs(message, accept=rendering))
    assert response.status_code == 400, response.text
    return response.text


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_the_provider_kind_is_advertised(http: httpx.AsyncClient, rendering: str) -> None:
    """GET /-/ lists the kind with its parent, location, definitions and action."""
    query = categories_of(await http.get("/-/", headers={"Accept": rendering}))
    kind = next(k for k in query.kinds if k.type_id == DNS)
    assert kind.location == "/dns/record/"
    assert kind.actions == (REFRESH,)
    assert REFRESH in {a.type_id for a in query.actions}
    names = {d.name for d in kind.attributes}
    assert names == {"occi.dns.name", "occi.dns.type", "occi.dns.value", "occi.dns.ttl"}
    if rendering == "application/occi+json":  # JSON carries types and defaults
        ttl = kind.attribute_map()["occi.dns.ttl"]
        assert ttl.type in (AttributeType.NUMBER, AttributeType.INTEGER)
        assert ttl.default == 3600


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_crud_of_a_provider_entity(http: httpx.AsyncClient, rendering: str) -> None:
    """Create (defaults applied), read, partial update, action, delete."""
    location = await create(http, record(), "/dns/record/", rendering=rendering)
    created = entity_of(await http.get(location, headers={"Accept": rendering}))
    assert created.kind == DNS
    assert created.attributes["occi.dns.ttl"] == 3600
    assert created.actions == (REFRESH,)
    change = Resource(kind=DNS, attributes={"occi.dns.ttl": 60})
    message = rendering_for(rendering).render_entity(change)
    updated = await http.post(location, **request_kwargs(message, accept=rendering))
    assert updated.status_code == 200, updated.text
    assert entity_of(updated).attributes["occi.dns.ttl"] == 60
    refreshed = await trigger(http, location, REFRESH, rendering=rendering)
    assert refreshed.status_code == 200, refreshed.text
    assert (await http.delete(location)).status_code in (200, 204)
    assert (await http.get(location)).status_code == 404


@pytest.mark.parametrize(
    ("entity", "named"),
    [
        pytest.param(record(**{"occi.dns.type": "MX"}), "occi.dns.type", id="enum"),
        pytest.param(record(**{"occi.dns.ttl": "soon"}), "occi.dns.ttl", id="integer"),
        pytest.param(record(**{"occi.dns.ttl": -1}), "occi.dns.ttl", id="minimum"),
        pytest.param(record("bad name!"), "occi.dns.name", id="pattern"),
        pytest.param(Resource(kind=DNS, attributes={"occi.dns.name": "a.example",
                                                    "occi.dns.type": "A"}),
                     "occi.dns.value", id="required"),
        pytest.param(record(**{"occi.dns.weight": 3}), "occi.dns.weight", id="undeclared"),
    ],
)
async def test_invalid_values_are_400_naming_the_attribute(
    http: httpx.AsyncClient, entity: Resource, named: str
) -> None:
    """Each declared rule is enforced, and the answer names the attribute."""
    for rendering in ENTITY_RENDERINGS:
        assert named in await _refused(http, entity, rendering)


async def test_an_immutable_attribute_cannot_change(http: httpx.AsyncClient) -> None:
    """mutable: false in the catalog → a different value in an update is a 400."""
    location = await create(http, record(), "/dns/record/")
    change = Resource(kind=DNS, attributes={"occi.dns.name": "other.example.org"})
    message = rendering_for("text/plain").render_entity(change)
    response = await http.post(location, **request_kwargs(message))
    assert response.status_code == 400
    assert "occi.dns.name" in response.text


@pytest.mark.parametrize("rendering", ALL_RENDERINGS)
async def test_the_collection_lists_and_filters(http: httpx.AsyncClient, rendering: str) -> None:
    """GFD.223 §9.1 on a provider collection: everything, then an attribute filter."""
    a = await create(http, record("a.example.org"), "/dns/record/")
    cname = record("b.example.org", **{"occi.dns.type": "CNAME", "occi.dns.value": "a"})
    b = await create(http, cname, "/dns/record/")
    listed = await http.get("/dns/record/", headers={"Accept": rendering})
    assert set(locations_of(listed)) == {a, b}
    filtered = await http.get("/dns/record/", headers={
        "Accept": rendering, "X-OCCI-Attribute": 'occi.dns.type="CNAME"'})
    assert locations_of(filtered) == [b]
    if rendering != "text/uri-list":
        wanted = rendering_for(rendering).render_filter(Filter(categories=(DNS,)))
        response = await http.request("GET", "/resource/", **request_kwargs(wanted))
        assert set(locations_of(response)) == {a, b}


PROVIDER_LINK_CATALOG = """\
kinds:
  - scheme: "http://example.org/occi/dns#"
    term: alias
    title: An alias from one resource to another
    parent: link
    attributes:
      org.example.alias.weight: {type: integer, default: 1, minimum: 0}
"""


@pytest.fixture
async def custom_http(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An endpoint whose catalog file declares a provider link kind only."""
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(PROVIDER_LINK_CATALOG, encoding="utf-8")
    settings = EndpointSettings(data_dir=tmp_path / "endpoint", provisioning_delay_seconds=0,
                                catalog=catalog)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://occi.test") as http:
            yield http


async def test_a_provider_link_kind_joins_two_resources(custom_http: httpx.AsyncClient) -> None:
    """A kind with parent link is served as a link: ends, defaults, validation."""
    query = categories_of(await custom_http.get("/-/"))
    assert DNS not in {k.type_id for k in query.kinds}  # this catalog has only the alias
    a = await create(custom_http, Resource(kind="http://schemas.ogf.org/occi/infrastructure#"
                                                "network"), "/network/")
    b = await create(custom_http, Resource(kind="http://schemas.ogf.org/occi/infrastructure#"
                                                "network"), "/network/")
    location = await create(custom_http, Link(kind=ALIAS, source=a, target=b), "/alias/")
    alias = entity_of(await custom_http.get(location))
    assert isinstance(alias, Link)
    assert alias.attributes["org.example.alias.weight"] == 1
    bad = Link(kind=ALIAS, source=a, target=b, attributes={"org.example.alias.weight": -2})
    response = await custom_http.post(
        "/alias/", **request_kwargs(rendering_for("text/plain").render_entity(bad)))
    assert response.status_code == 400
    assert "org.example.alias.weight" in response.text
