"""Updating entities: PUT replaces the mutable part and accepts an echo, POST changes only
what it names, immutable attributes stay, templates resize (GFD.223 §3.5.2–3.5.3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service_support import (
    DEBIAN,
    LARGE,
    MEDIUM,
    SMALL,
    UBUNTU,
    Clock,
    compute,
    network,
    nic,
    open_infrastructure,
    storage,
)

from occi_operator.endpoint.catalog import ATTR_DISK
from occi_operator.endpoint.errors import BadRequestError, ConflictError, NotFoundError
from occi_operator.endpoint.service import Infrastructure
from occi_operator.endpoint.settings import FaultSettings
from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import Link, Resource


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def infra(tmp_path: Path, clock: Clock) -> Iterator[Infrastructure]:
    with open_infrastructure(tmp_path, clock=clock) as opened:
        yield opened


@pytest.fixture
def vm(infra: Infrastructure) -> str:
    """An active small Debian compute with user data."""
    location = infra.create("/compute/", compute(
        DEBIAN, SMALL, v.USER_DATA_MIXIN, title="vm", **{v.COMPUTE_USERDATA: "dXNlcg=="}
    )).location
    infra.advance()
    return location


def test_an_echo_of_the_rendering_changes_nothing(infra: Infrastructure, vm: str) -> None:
    before = infra.get(vm)
    assert before.entity.actions  # the echo carries action links too
    after, created = infra.put(vm, before.entity)
    assert not created
    assert after.entity.model_dump(exclude={"actions"}) == before.entity.model_dump(
        exclude={"actions"})
    assert after.entity.actions == before.entity.actions


def test_put_replaces_the_mutable_part(infra: Infrastructure, vm: str) -> None:
    old = infra.get(vm).entity
    new = Resource(kind=v.COMPUTE_KIND, mixins=(SMALL,), title="renamed",
                   attributes={v.COMPUTE_HOSTNAME: "h.example"})
    record, _ = infra.put(vm, new)
    entity = record.entity
    assert entity.title == "renamed"
    assert entity.attributes[v.COMPUTE_HOSTNAME] == "h.example"
    # Kept: the os_tpl (named by none), immutable user data, the provider's state.
    assert DEBIAN in entity.mixins
    assert v.USER_DATA_MIXIN not in entity.mixins  # a PUT without it removes the mixin
    assert v.COMPUTE_USERDATA not in entity.attributes
    assert entity.attributes[v.COMPUTE_STATE] == old.attributes[v.COMPUTE_STATE]
    assert entity.attributes[v.COMPUTE_CORES] == 1  # from the kept resource_tpl's default


def test_post_changes_only_what_it_names(infra: Infrastructure, vm: str) -> None:
    old = infra.get(vm).entity
    partial = Resource(kind=v.COMPUTE_KIND, attributes={v.COMPUTE_HOSTNAME: "x.example"})
    entity = infra.update(vm, partial).entity
    assert entity.attributes == {**old.attributes, v.COMPUTE_HOSTNAME: "x.example"}
    assert entity.mixins == old.mixins
    assert entity.title == "vm"
    assert infra.update(vm, Resource(kind=v.COMPUTE_KIND, title="t2")).entity.title == "t2"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({v.COMPUTE_STATE: v.STATE_SUSPENDED}, r"occi\.compute\.state: is immutable",
                     id="state"),
        pytest.param({v.COMPUTE_USERDATA: "b3RoZXI="}, r"occi\.compute\.userdata: is immutable",
                     id="user-data"),
        pytest.param({"dev.occi-operator.compute.image": "other"},
                     r"dev\.occi-operator\.compute\.image: is immutable", id="template-image"),
    ],
)
@pytest.mark.parametrize("verb", ["put", "post"])
def test_immutable_attributes_cannot_change(
    infra: Infrastructure, vm: str, change: dict[str, Any], message: str, verb: str
) -> None:
    old = infra.get(vm).entity
    request = old.model_copy(update={"attributes": {**old.attributes, **change}})
    change_it = infra.put if verb == "put" else infra.update
    with pytest.raises(BadRequestError, match=message):
        change_it(vm, request)
    assert infra.get(vm).entity.attributes == old.attributes


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        pytest.param(network(), "the kind cannot change", id="kind"),
        pytest.param(compute().model_copy(update={"id": "other"}), r"occi\.core\.id: is immutable",
                     id="id"),
        pytest.param(compute(UBUNTU), "the os_tpl cannot change", id="os-tpl"),
        pytest.param(compute(SMALL, LARGE), "both resource_tpl", id="two-templates"),
    ],
)
def test_what_cannot_change_is_a_bad_request(
    infra: Infrastructure, vm: str, request_: Resource, message: str
) -> None:
    with pytest.raises(BadRequestError, match=message):
        infra.update(vm, request_)


def test_assigning_a_resource_tpl_resizes(infra: Infrastructure, vm: str) -> None:
    entity = infra.update(vm, compute(LARGE)).entity
    assert SMALL not in entity.mixins
    assert LARGE in entity.mixins
    assert entity.attributes[v.COMPUTE_CORES] == 4
    assert entity.attributes[v.COMPUTE_MEMORY] == 8.0
    assert entity.attributes[ATTR_DISK] == 80  # an immutable provider value follows too


def test_an_echo_with_a_new_resource_tpl_resizes(infra: Infrastructure, vm: str) -> None:
    old = infra.get(vm).entity
    mixins = tuple(MEDIUM if m == SMALL else m for m in old.mixins)
    record, _ = infra.put(vm, old.model_copy(update={"mixins": mixins}))
    assert record.entity.attributes[v.COMPUTE_CORES] == 2
    assert record.entity.attributes[v.COMPUTE_MEMORY] == 4.0


def test_a_value_changed_with_the_template_wins(infra: Infrastructure, vm: str) -> None:
    entity = infra.update(vm, compute(LARGE, **{v.COMPUTE_CORES: 6})).entity
    assert entity.attributes[v.COMPUTE_CORES] == 6
    assert entity.attributes[v.COMPUTE_MEMORY] == 8.0


def test_cores_can_change_without_a_template(infra: Infrastructure, vm: str) -> None:
    assert infra.update(vm, compute(**{v.COMPUTE_CORES: 2})).entity.attributes[
        v.COMPUTE_CORES] == 2


def test_storage_size_change_is_a_resize(infra: Infrastructure) -> None:
    location = infra.create("/storage/", storage(10)).location
    entity = infra.update(location, Resource(kind=v.STORAGE_KIND,
                                             attributes={v.STORAGE_SIZE: 25.5})).entity
    assert entity.attributes[v.STORAGE_SIZE] == 25.5


def test_adding_a_mixin_by_update_needs_its_required_attributes(
    infra: Infrastructure, vm: str
) -> None:
    with pytest.raises(BadRequestError, match=r"occi\.credentials\.ssh\.publickey: is required"):
        infra.update(vm, compute(v.SSH_KEY_MIXIN))
    entity = infra.update(vm, compute(v.SSH_KEY_MIXIN, **{
        v.CREDENTIALS_SSH_PUBLICKEY: "ssh-ed25519 AAAA"})).entity
    assert entity.attributes[v.CREDENTIALS_SSH_PUBLICKEY] == "ssh-ed25519 AAAA"


def test_updating_a_missing_entity_is_not_found(infra: Infrastructure) -> None:
    with pytest.raises(NotFoundError, match="nothing is stored at /compute/nope"):
        infra.update("/compute/nope", compute())


def test_a_lingering_entity_cannot_change(infra: Infrastructure, vm: str) -> None:
    infra.faults.configure(FaultSettings(delete_linger_seconds=10))
    infra.delete(vm)
    with pytest.raises(ConflictError, match="is being deleted"):
        infra.update(vm, compute(**{v.COMPUTE_CORES: 2}))


def test_network_range_change_must_keep_interface_addresses(infra: Infrastructure) -> None:
    net = infra.create("/network/", network("10.0.0.0/24")).location
    infra.create("/compute/", compute(links=(nic(net),)))
    with pytest.raises(ConflictError, match=r"interfaces use 10\.0\.0\.2"):
        infra.put(net, network("10.1.0.0/24"))  # a PUT drops the old gateway: a new default
    with pytest.raises(BadRequestError, match=r"gateway: 10\.0\.0\.1 is outside 10\.1\.0"):
        infra.update(net, network("10.1.0.0/24"))  # a POST keeps the old gateway
    wider = infra.update(net, network("10.0.0.0/16"))
    assert wider.entity.attributes[v.NETWORK_ADDRESS] == "10.0.0.0/16"
    assert wider.entity.attributes[v.NETWORK_GATEWAY] == "10.0.0.1"


def test_put_creates_new_inline_links_and_ignores_echoed_ones(infra: Infrastructure) -> None:
    net = infra.create("/network/", network()).location
    vm = infra.create("/compute/", compute(links=(nic(net),))).location
    echo = infra.get(vm).entity
    assert isinstance(echo, Resource)
    infra.put(vm, echo)
    assert len(infra.get(vm).entity.links) == 1  # type: ignore[union-attr]
    infra.put(vm, echo.model_copy(update={"links": (*echo.links, nic(net))}))
    links = infra.get(vm).entity.links  # type: ignore[union-attr]
    assert [link.attributes[v.NETWORKINTERFACE_INTERFACE] for link in links] == ["eth0", "eth1"]


def test_link_update_keeps_its_ends_and_immutable_interface(infra: Infrastructure) -> None:
    net = infra.create("/network/", network()).location
    other = infra.create("/network/", network()).location
    vm = infra.create("/compute/", compute()).location
    link = infra.create("/networkinterface/", nic(net, vm)).entity
    assert isinstance(link, Link)
    echo, _ = infra.put(str(link.location), link)
    assert echo.entity.attributes == link.attributes
    with pytest.raises(BadRequestError, match="cannot change; delete the link"):
        infra.put(str(link.location), link.model_copy(update={"target": other}))
    renamed = {**link.attributes, v.NETWORKINTERFACE_INTERFACE: "eth7"}
    with pytest.raises(BadRequestError, match=r"occi\.networkinterface\.interface: is immutable"):
        infra.update(str(link.location), link.model_copy(update={"attributes": renamed}))
