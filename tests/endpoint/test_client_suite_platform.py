"""The generic client manages platform entities and provider kinds on the embedded endpoint.

Nothing in :mod:`occi_operator.occi.client` knows the platform or the catalog's DNS kind:
it finds their collections in ``/-/`` and sends what it is given, so create, get, list
(with a filter), update, trigger and delete must work for them in every rendering.
"""

from __future__ import annotations

import pytest
from client_support import BASE_URL, RENDERINGS, client_for, members
from starlette.applications import Starlette

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import OCCIClient
from occi_operator.occi.entities import ActionInvocation, Filter, Link, Resource
from occi_operator.occi.errors import BadRequestError, ConflictError, NotFoundError

POSTGRES = "http://occi-operator.dev/occi/app_tpl#postgresql-16"
DNS = "http://example.org/occi/dns#record"


@pytest.fixture(params=RENDERINGS)
def client(endpoint_app: Starlette, request: pytest.FixtureRequest) -> OCCIClient:
    """A client preferring one rendering, talking to the app in-process."""
    return client_for(endpoint_app, rendering=str(request.param))


async def test_a_paas_stack_through_the_client(client: OCCIClient) -> None:
    """Application, database component and databaseLink: create, read, list, act, delete."""
    async with client:
        assert await client.collection_of(v.APPLICATION_KIND) == BASE_URL + "application/"
        db = await client.create(Resource(kind=v.COMPONENT_KIND, mixins=(POSTGRES,), title="db"))
        app = await client.create(Resource(kind=v.APPLICATION_KIND, title="shop", attributes={
            v.APP_NAME: "shop", v.APP_CONTEXT: "https://git.example/shop.git"}))
        link = await client.create(Link(kind=v.COMPONENTLINK_KIND, source=app, target=db,
                                        mixins=(v.DATABASELINK_MIXIN,)))
        assert link.startswith(BASE_URL + "componentlink/")
        got = await client.get(link)
        assert isinstance(got, Link)
        assert str(got.attributes[v.DATABASE_URI]).startswith("postgresql://shop@")
        assert got.attributes[v.DATABASE_TOKEN]
        application = await client.get(app)
        assert str(application.attributes[v.APP_URL]).startswith("http://shop-")
        listed = await client.list_collection("/component/",
                                              where=Filter(categories=(POSTGRES,)))
        assert members(listed) == {db}
        await client.trigger(app, ActionInvocation(action=v.PLATFORM_STOP))
        assert (await client.get(app)).attributes[v.APP_STATE] == v.STATE_INACTIVE
        with pytest.raises(ConflictError):
            await client.trigger(app, ActionInvocation(action=v.PLATFORM_STOP))
        assert await client.delete(app) is True
        with pytest.raises(NotFoundError):
            await client.get(link)  # a resource goes with its links


async def test_a_provider_kind_through_the_client(client: OCCIClient) -> None:
    """The catalog's DNS kind: discovered, created, updated, acted on, refused when bad."""
    async with client:
        assert await client.collection_of(DNS) == BASE_URL + "dns/record/"
        location = await client.create(Resource(kind=DNS, attributes={
            "occi.dns.name": "www.example.org", "occi.dns.type": "A",
            "occi.dns.value": "192.0.2.1"}))
        await client.update(location, Resource(kind=DNS, attributes={"occi.dns.ttl": 120}))
        assert (await client.get(location)).attributes["occi.dns.ttl"] == 120
        await client.trigger(location, ActionInvocation(
            action="http://example.org/occi/dns/record/action#refresh"))
        listed = await client.list_collection("/dns/record/")
        assert members(listed) == {location}
        with pytest.raises(BadRequestError, match=r"occi\.dns\.type"):
            await client.create(Resource(kind=DNS, attributes={
                "occi.dns.name": "x.example.org", "occi.dns.type": "TXT",
                "occi.dns.value": "v"}))
        assert await client.delete(location) is True
