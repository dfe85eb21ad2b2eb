"""Links: ends that must exist, device names, MACs and IP addresses the provider assigns
(GFD.224 §3.4 networkinterface, ipnetworkinterface, storagelink; GFD.221 §4.7 link)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from service_support import compute, disk, network, nic, open_infrastructure, storage

from occi_operator.endpoint.addresses import is_local_unicast_mac
from occi_operator.endpoint.errors import BadRequestError, ConflictError, NotFoundError
from occi_operator.endpoint.service import Infrastructure
from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import Link


@pytest.fixture
def infra(tmp_path: Path) -> Iterator[Infrastructure]:
    with open_infrastructure(tmp_path) as opened:
        yield opened


@pytest.fixture
def vm(infra: Infrastructure) -> str:
    return infra.create("/compute/", compute()).location


@pytest.fixture
def lan(infra: Infrastructure) -> str:
    return infra.create("/network/", network("10.0.0.0/29")).location


def _link(infra: Infrastructure, link: Link) -> Link:
    collection = "/" + link.kind.rpartition("#")[2] + "/"
    entity = infra.create(collection, link).entity
    assert isinstance(entity, Link)
    return entity


def test_create_minimal_networkinterface(infra: Infrastructure, vm: str) -> None:
    net = infra.create("/network/", network()).location
    link = _link(infra, nic(net, vm))
    assert link.source == vm
    assert link.target == net
    assert link.source_kind == v.COMPUTE_KIND
    assert link.target_kind == v.NETWORK_KIND
    attributes = link.attributes
    assert attributes[v.NETWORKINTERFACE_INTERFACE] == "eth0"
    assert is_local_unicast_mac(str(attributes[v.NETWORKINTERFACE_MAC]))
    assert attributes[v.NETWORKINTERFACE_STATE] == v.STATE_ACTIVE
    assert v.IPNETWORKINTERFACE_MIXIN not in link.mixins  # the network has no IP range
    assert [r.location for r in infra.list("/networkinterface/", where=None)] == [link.location]
    assert infra.get(vm).entity.links == (infra.get(str(link.location)).entity,)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        pytest.param("/compute/missing", "LAN", r"occi\.core\.source /compute/missing: no "
                     "resource", id="missing-source"),
        pytest.param("VM", "/network/missing", r"occi\.core\.target /network/missing: nothing",
                     id="missing-target"),
        pytest.param("LAN", "LAN", "occi.core.source must be a compute", id="source-not-compute"),
        pytest.param("VM", "VM", "occi.core.target must be a .*network", id="target-not-network"),
    ],
)
def test_link_ends_must_exist_and_fit(
    infra: Infrastructure, vm: str, lan: str, source: str, target: str, message: str
) -> None:
    names = {"VM": vm, "LAN": lan}
    with pytest.raises(BadRequestError, match=message):
        infra.create("/networkinterface/", nic(names.get(target, target), names.get(source,
                                                                                     source)))
    assert infra.list("/networkinterface/", where=None) == []


def test_a_link_needs_a_source(infra: Infrastructure, lan: str) -> None:
    with pytest.raises(BadRequestError, match=r"occi\.core\.source: is required"):
        infra.create("/networkinterface/", nic(lan))


def test_a_remote_target_is_accepted_and_inactive(infra: Infrastructure, vm: str) -> None:
    link = _link(infra, disk("https://other.example/storage/9", vm))
    assert link.target == "https://other.example/storage/9"
    assert link.attributes[v.STORAGELINK_STATE] == v.STATE_INACTIVE


def test_a_target_kind_that_does_not_match_is_refused(
    infra: Infrastructure, vm: str, lan: str
) -> None:
    request = nic(lan, vm).model_copy(update={"target_kind": v.STORAGE_KIND})
    with pytest.raises(BadRequestError, match=r"target\.kind .* does not match"):
        infra.create("/networkinterface/", request)


def test_interfaces_are_numbered_per_compute(infra: Infrastructure, vm: str, lan: str) -> None:
    other = infra.create("/compute/", compute()).location
    names = [_link(infra, nic(lan, source)).attributes[v.NETWORKINTERFACE_INTERFACE]
             for source in (vm, vm, other)]
    assert names == ["eth0", "eth1", "eth0"]
    with pytest.raises(ConflictError, match="eth1 is used by another link"):
        infra.create("/networkinterface/", nic(lan, vm, **{v.NETWORKINTERFACE_INTERFACE: "eth1"}))


def test_macs_are_unique_and_a_taken_one_conflicts(
    infra: Infrastructure, vm: str, lan: str
) -> None:
    macs = {_link(infra, nic(lan, vm)).attributes[v.NETWORKINTERFACE_MAC] for _ in range(4)}
    assert len(macs) == 4
    chosen = _link(infra, nic(lan, vm, **{v.NETWORKINTERFACE_MAC: "52:54:00:12:34:56"}))
    assert chosen.attributes[v.NETWORKINTERFACE_MAC] == "52:54:00:12:34:56"
    with pytest.raises(ConflictError, match="52:54:00:12:34:56 is used by another"):
        infra.create("/networkinterface/", nic(lan, vm, **{
            v.NETWORKINTERFACE_MAC: "52:54:00:12:34:56"}))
    with pytest.raises(BadRequestError, match="mac: must match"):
        infra.create("/networkinterface/", nic(lan, vm, **{v.NETWORKINTERFACE_MAC: "nope"}))


def test_dynamic_addresses_come_from_the_network_range(
    infra: Infrastructure, vm: str, lan: str
) -> None:
    links = [_link(infra, nic(lan, vm)) for _ in range(5)]
    addresses = [link.attributes[v.NETWORKINTERFACE_ADDRESS] for link in links]
    assert addresses == ["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"]
    assert all(v.IPNETWORKINTERFACE_MIXIN in link.mixins for link in links)
    assert {link.attributes[v.NETWORKINTERFACE_GATEWAY] for link in links} == {"10.0.0.1"}
    assert {link.attributes[v.NETWORKINTERFACE_ALLOCATION] for link in links} == {"dynamic"}
    with pytest.raises(ConflictError, match=r"10\.0\.0\.0/29 has no free address"):
        infra.create("/networkinterface/", nic(lan, vm))
    infra.delete(str(links[1].location))  # deleting a link frees its address
    assert _link(infra, nic(lan, vm)).attributes[v.NETWORKINTERFACE_ADDRESS] == "10.0.0.3"


@pytest.mark.parametrize(
    ("address", "error", "message"),
    [
        pytest.param("10.0.0.6", None, None, id="free"),
        pytest.param("10.9.0.6", BadRequestError, "outside the network's range", id="outside"),
        pytest.param("10.0.0.1", ConflictError, "gateway", id="gateway"),
        pytest.param("10.0.0.2", ConflictError, "in use by another link", id="taken"),
        pytest.param("ten", BadRequestError, "must be an IP address", id="garbage"),
    ],
)
def test_static_addresses_must_be_inside_and_free(
    infra: Infrastructure, vm: str, lan: str, address: str, error: type[Exception] | None,
    message: str | None,
) -> None:
    _link(infra, nic(lan, vm))  # takes 10.0.0.2
    request = nic(lan, vm, v.IPNETWORKINTERFACE_MIXIN, **{
        v.NETWORKINTERFACE_ADDRESS: address, v.NETWORKINTERFACE_ALLOCATION: "static"})
    if error is None:
        assert _link(infra, request).attributes[v.NETWORKINTERFACE_ADDRESS] == address
        return
    with pytest.raises(error, match=message):
        infra.create("/networkinterface/", request)


def test_static_allocation_needs_an_address(infra: Infrastructure, vm: str, lan: str) -> None:
    request = nic(lan, vm, v.IPNETWORKINTERFACE_MIXIN, **{
        v.NETWORKINTERFACE_ALLOCATION: "static"})
    with pytest.raises(BadRequestError, match="required with the static allocation"):
        infra.create("/networkinterface/", request)


def test_dynamic_allocation_on_a_network_without_range(infra: Infrastructure, vm: str) -> None:
    plain = infra.create("/network/", network()).location
    with pytest.raises(BadRequestError, match=r"no occi\.network\.address range"):
        infra.create("/networkinterface/", nic(plain, vm, v.IPNETWORKINTERFACE_MIXIN))
    static = _link(infra, nic(plain, vm, v.IPNETWORKINTERFACE_MIXIN, **{
        v.NETWORKINTERFACE_ADDRESS: "172.16.0.4"}))
    assert static.attributes[v.NETWORKINTERFACE_ALLOCATION] == "static"


def test_an_address_change_is_checked_like_a_new_one(
    infra: Infrastructure, vm: str, lan: str
) -> None:
    first, second = _link(infra, nic(lan, vm)), _link(infra, nic(lan, vm))
    taken = {**second.attributes, v.NETWORKINTERFACE_ADDRESS: first.attributes[
        v.NETWORKINTERFACE_ADDRESS]}
    with pytest.raises(ConflictError, match="in use by another link"):
        infra.update(str(second.location), second.model_copy(update={"attributes": taken}))
    moved = {**second.attributes, v.NETWORKINTERFACE_ADDRESS: "10.0.0.6"}
    changed = infra.update(str(second.location), second.model_copy(update={"attributes": moved}))
    assert changed.entity.attributes[v.NETWORKINTERFACE_ADDRESS] == "10.0.0.6"


def test_storagelinks_get_device_ids(infra: Infrastructure, vm: str) -> None:
    volumes = [infra.create("/storage/", storage()).location for _ in range(3)]
    links = [_link(infra, disk(volume, vm)) for volume in volumes[:2]]
    assert [link.attributes[v.STORAGELINK_DEVICEID] for link in links] == ["/dev/vdb", "/dev/vdc"]
    assert {link.attributes[v.STORAGELINK_STATE] for link in links} == {v.STATE_ACTIVE}
    with pytest.raises(ConflictError, match="/dev/vdb is used by another link"):
        infra.create("/storagelink/", disk(volumes[2], vm, **{
            v.STORAGELINK_DEVICEID: "/dev/vdb"}))
    mounted = _link(infra, disk(volumes[2], vm, **{v.STORAGELINK_MOUNTPOINT: "/data"}))
    assert mounted.attributes[v.STORAGELINK_MOUNTPOINT] == "/data"


def test_a_storagelink_must_target_a_storage(infra: Infrastructure, vm: str, lan: str) -> None:
    with pytest.raises(BadRequestError, match=r"must be a .*storage"):
        infra.create("/storagelink/", disk(lan, vm))


@pytest.mark.parametrize("end", ["source", "target"])
def test_deleting_a_resource_deletes_its_links(
    infra: Infrastructure, vm: str, lan: str, end: str
) -> None:
    link = _link(infra, nic(lan, vm))
    infra.delete(vm if end == "source" else lan)
    with pytest.raises(NotFoundError):
        infra.get(str(link.location))
    assert infra.list("/networkinterface/", where=None) == []
    remaining = lan if end == "source" else vm
    assert infra.get(remaining).entity.links == ()  # type: ignore[union-attr]
