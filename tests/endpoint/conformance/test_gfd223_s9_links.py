"""Links over HTTP (GFD.223 §8–§9 with GFD.221 §4.7 and GFD.224 §3.4): inline at creation,
as entities in their own collections, in every rendering, and gone with their source.
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
    network,
    storage,
)

from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import Link, Resource

BASE = "http://occi.test"


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_s9_3_1_a_link_inline_at_creation_is_rendered_with_the_resource(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§9.3.1: a resource created with an inline link carries it, ends absolute."""
    net = await create(http, network("lan", "10.9.0.0/24"), "/network/", rendering=rendering)
    nic = Link(kind=v.NETWORKINTERFACE_KIND, target=net, target_kind=v.NETWORK_KIND)
    vm_entity = compute("with-nic").model_copy(update={"links": (nic,)})
    vm = await create(http, vm_entity, "/compute/", rendering=rendering)
    got = entity_of(await http.get(vm, headers={"Accept": rendering}))
    assert isinstance(got, Resource)
    (link,) = got.links
    assert link.target == net
    assert link.kind == v.NETWORKINTERFACE_KIND
    assert link.id is not None
    if rendering != "application/occi+json":  # GFD.226 link objects have no location member
        assert link.location is not None
        assert link.location.startswith(BASE + "/")


@pytest.mark.parametrize("rendering", ALL_RENDERINGS)
async def test_s9_1_links_are_listed_in_their_own_kind_collection(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§9.1: a link kind's collection lists its links (absolute X-OCCI-Location)."""
    vm = await create(http, compute("src"), "/compute/")
    disk = await create(http, storage("tgt"), "/storage/")
    link = Link(kind=v.STORAGELINK_KIND, source=vm, source_kind=v.COMPUTE_KIND, target=disk,
                target_kind=v.STORAGE_KIND)
    created = await create(http, link, "/storagelink/")
    response = await http.get("/storagelink/", headers={"Accept": rendering})
    assert response.status_code == 200
    assert locations_of(response) == [created]


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_s8_1_a_link_is_an_entity_with_source_and_target(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§8.1: GET of a link renders source, target and their kinds."""
    vm = await create(http, compute("src"), "/compute/")
    disk = await create(http, storage("tgt"), "/storage/")
    link = Link(kind=v.STORAGELINK_KIND, source=vm, target=disk, target_kind=v.STORAGE_KIND,
                attributes={"occi.storagelink.deviceid": "vdb"})
    created = await create(http, link, "/storagelink/", rendering=rendering)
    got = entity_of(await http.get(created, headers={"Accept": rendering}))
    assert isinstance(got, Link)
    assert (got.source, got.target) == (vm, disk)
    assert got.target_kind == v.STORAGE_KIND
    assert got.attributes["occi.storagelink.deviceid"] == "vdb"


async def test_s8_4_deleting_a_resource_deletes_its_links(http: httpx.AsyncClient) -> None:
    """§8.4 with GFD.221 §4.7: a link cannot outlive its source."""
    vm = await create(http, compute("src"), "/compute/")
    disk = await create(http, storage("tgt"), "/storage/")
    created = await create(http, Link(kind=v.STORAGELINK_KIND, source=vm, target=disk),
                           "/storagelink/")
    assert (await http.delete(vm)).status_code == 200
    assert (await http.get(created)).status_code == 404
    assert (await http.get(disk)).status_code == 200
