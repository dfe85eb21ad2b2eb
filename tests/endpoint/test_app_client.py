"""The project's own OCCI client passes against the embedded endpoint, in every rendering.

The client talks to the real app in-process (``httpx.ASGITransport``): discover, resolve
templates, create with links, act, read, update, replace, list, delete — the lifecycle the
operator runs against real clouds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import EndpointConfig, OCCIClient, TemplateFamily
from occi_operator.occi.entities import ActionInvocation, Collection, Filter, Link, Resource
from occi_operator.occi.errors import ConflictError, NotFoundError

RENDERINGS = ["text/plain", "text/occi", "application/occi+json"]


def _members(collection: Collection) -> set[str]:
    """The member locations: listed ones (every rendering sends them here), else entities'."""
    if collection.locations:
        return set(collection.locations)
    return {str(entity.location) for entity in collection.entities}


@pytest.fixture(params=RENDERINGS)
async def client(
    endpoint_app: Starlette, request: pytest.FixtureRequest
) -> AsyncIterator[OCCIClient]:
    """An OCCIClient preferring one rendering, talking to the in-process endpoint."""
    config = EndpointConfig(url="http://occi.test/", rendering=request.param)
    transport = httpx.ASGITransport(app=endpoint_app)
    async with OCCIClient(config, transport=transport) as occi:
        yield occi


async def test_client_lifecycle_discover_create_act_get_delete(client: OCCIClient) -> None:
    """The whole compute lifecycle through the client, templates resolved through /-/."""
    query = await client.discover()
    assert query.find(v.COMPUTE_KIND) is not None
    os_tpl = await client.resolve_template(TemplateFamily.OS, "debian-12")
    size = await client.resolve_template(TemplateFamily.RESOURCE, "medium")

    vm = Resource(kind=v.COMPUTE_KIND, title="web-1", mixins=(os_tpl.type_id, size.type_id))
    location = await client.create(vm)
    assert location.startswith("http://occi.test/compute/")

    got = await client.get(location)
    assert got.title == "web-1"
    assert got.attributes["occi.compute.cores"] == 2
    assert got.attributes[v.COMPUTE_STATE] == v.STATE_ACTIVE

    await client.trigger(location, ActionInvocation(action=v.COMPUTE_STOP))
    assert (await client.get(location)).attributes[v.COMPUTE_STATE] == v.STATE_INACTIVE
    with pytest.raises(ConflictError):
        await client.trigger(location, ActionInvocation(action=v.COMPUTE_STOP))

    assert location in _members(await client.list_collection("/compute/"))

    assert await client.delete(location) is True
    assert await client.delete(location) is False
    with pytest.raises(NotFoundError):
        await client.get(location)


async def test_client_update_replace_and_filter(client: OCCIClient) -> None:
    """Partial update, full replace (PUT is supported here) and a server-side filter."""
    location = await client.create(Resource(kind=v.COMPUTE_KIND, title="before"))
    await client.create(Resource(kind=v.COMPUTE_KIND, title="bystander"))
    await client.update(location, Resource(kind=v.COMPUTE_KIND, title="middle"))
    assert (await client.get(location)).title == "middle"

    current = await client.get(location)
    await client.replace(location, current.model_copy(update={"title": "after"}))
    assert client.put_supported is True
    assert (await client.get(location)).title == "after"

    found = await client.list_collection("/compute/", where=Filter(attributes={
        "occi.core.title": "after"}))
    assert _members(found) == {location}


async def test_client_creates_links_inline_and_as_entities(client: OCCIClient) -> None:
    """A network interface inline at create, a storage link in its own collection."""
    net = await client.create(Resource(
        kind=v.NETWORK_KIND, title="lan",
        mixins=("http://schemas.ogf.org/occi/infrastructure/network#ipnetwork",),
        attributes={"occi.network.address": "10.1.0.0/24"},
    ))
    disk = await client.create(Resource(
        kind=v.STORAGE_KIND, title="disk", attributes={"occi.storage.size": 5.0}
    ))
    nic = Link(kind=v.NETWORKINTERFACE_KIND, target=net, target_kind=v.NETWORK_KIND)
    vm = await client.create(Resource(kind=v.COMPUTE_KIND, title="linked", links=(nic,)))
    attached = await client.create(Link(
        kind=v.STORAGELINK_KIND, source=vm, source_kind=v.COMPUTE_KIND, target=disk,
        target_kind=v.STORAGE_KIND,
    ))
    got = await client.get(vm)
    assert isinstance(got, Resource)
    targets = {link.target for link in got.links}
    assert targets == {net, disk}
    link = await client.get(attached)
    assert isinstance(link, Link)
    assert link.source == vm

    await client.delete(vm)
    with pytest.raises(NotFoundError):
        await client.get(attached)
