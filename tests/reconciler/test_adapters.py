"""The adapters' tables: desired entities, observations and action steps (pure functions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import ContextFamily, Contextualization
from occi_operator.occi.entities import Link, Resource
from occi_operator.reconciler.adapters import (
    ComputeAdapter,
    NetworkAdapter,
    NetworkInterfaceAdapter,
    StorageAdapter,
    StorageLinkAdapter,
    default_adapters,
)
from occi_operator.reconciler.contract import Resolved
from occi_operator.reconciler.drift import find_drift, partial_update

MARKER = "occi-operator uid=u-1"
OS = "http://occi-operator.dev/occi/os_tpl#cirros"
SMALL = "http://occi-operator.dev/occi/resource_tpl#small"
LARGE = "http://occi-operator.dev/occi/resource_tpl#large"


def spec(resource: dict[str, Any] | None, **lifecycle: Any) -> dict[str, Any]:
    return {"endpointRef": {"name": "cloud"}, "resource": resource, **lifecycle}


def test_every_adapter_stays_small_and_names_its_kind() -> None:
    kinds = [a.kind for a in default_adapters()]
    assert kinds == ["Network", "Storage", "Compute", "NetworkInterface", "StorageLink",
                     "Application", "Component", "ComponentLink", "OCCIResource"]
    for adapter in default_adapters():
        assert adapter.info.occi_kind == adapter.occi_kind
    source = Path(__file__).resolve().parents[2] / "operator/occi_operator/reconciler/adapters"
    for module in source.glob("[!_]*.py"):
        assert len(module.read_text("utf-8").splitlines()) < 150, module.name


@pytest.mark.parametrize(
    ("resource", "templates", "attributes", "mixins"),
    [
        ({}, {}, {}, ()),
        ({"cores": 2, "memory": "512Mi", "hostname": "a.b"}, {},
         {v.COMPUTE_CORES: 2, v.COMPUTE_MEMORY: 0.5, v.COMPUTE_HOSTNAME: "a.b"}, ()),
        ({"osTemplate": "cirros", "resourceTemplate": "small", "architecture": "x64"},
         {"os_template": OS, "resource_template": SMALL},
         {v.COMPUTE_ARCHITECTURE: "x64"}, (OS, SMALL)),
        ({"sshPublicKeys": ["ssh-ed25519 A a", "ssh-rsa B b"]}, {},
         {v.CREDENTIALS_SSH_PUBLICKEY: "ssh-ed25519 A a\nssh-rsa B b"}, (v.SSH_KEY_MIXIN,)),
    ],
    ids=["minimal", "shape-and-units", "templates", "ssh-keys"],
)
def test_compute_desired(resource: dict[str, Any], templates: dict[str, str],
                         attributes: dict[str, Any], mixins: tuple[str, ...]) -> None:
    adapter = ComputeAdapter()
    parsed = adapter.parse_spec(spec(resource))
    desired = adapter.desired(parsed, Resolved(MARKER, "vm", templates=templates))
    assert desired.kind == v.COMPUTE_KIND
    assert desired.attributes == attributes
    assert desired.mixins == mixins
    assert (desired.title, desired.summary) == ("vm", MARKER)


def test_compute_user_data_is_base64_with_its_mixin() -> None:
    adapter = ComputeAdapter()
    parsed = adapter.parse_spec(spec({"userDataSecretRef": {"name": "s", "key": "k"}}))
    desired = adapter.desired(parsed, Resolved(MARKER, "vm",
                                               secrets={"user_data_secret_ref": "hi"}))
    assert desired.attributes[v.COMPUTE_USERDATA] == "aGk="
    assert v.USER_DATA_MIXIN in desired.mixins
    assert "hi" not in repr(Resolved(MARKER, secrets={"user_data_secret_ref": "hi"}))


def compute(state: str, **attributes: Any) -> Resource:
    return Resource(kind=v.COMPUTE_KIND, location="http://e/compute/1", mixins=(OS, SMALL),
                    attributes={v.COMPUTE_STATE: state, v.COMPUTE_CORES: 1,
                                v.COMPUTE_MEMORY: 2.0, **attributes})


@pytest.mark.parametrize(
    ("power", "state", "ready", "action"),
    [
        ("Running", "active", True, None),
        ("Running", "inactive", False, v.COMPUTE_START),
        ("Stopped", "active", False, v.COMPUTE_STOP),
        ("Suspended", "active", False, v.COMPUTE_SUSPEND),
        ("Stopped", "suspended", False, v.COMPUTE_START),
        ("Running", "waiting", False, None),
        ("Running", "error", False, None),
    ],
    ids=["running", "start", "stop", "suspend", "suspended-to-stopped-via-start",
         "provisioning-waits", "error-no-action"],
)
def test_compute_power_state(power: str, state: str, ready: bool, action: str | None) -> None:
    adapter = ComputeAdapter()
    parsed = adapter.parse_spec(spec({"powerState": power}))
    observation = adapter.observe(compute(state), parsed)
    assert observation.ready is ready
    assert observation.failed is (state == "error")
    steps = adapter.steps(compute(state), parsed, {})
    assert [s.invocation.action for s in steps] == ([action] if action else [])


def test_compute_restart_once_per_request() -> None:
    adapter = ComputeAdapter()
    parsed = adapter.parse_spec(spec({"restartRequest": "r1"}))
    (step,) = adapter.steps(compute("active"), parsed, {})
    assert step.invocation.action == v.COMPUTE_RESTART
    assert step.records == {"last_restart_request": "r1"}
    assert adapter.steps(compute("active"), parsed, {"lastRestartRequest": "r1"}) == ()


def test_compute_observation_mirrors_shape() -> None:
    adapter = ComputeAdapter()
    observation = adapter.observe(compute("inactive"), adapter.parse_spec(spec({})))
    assert dict(observation.status) == {
        "cores": 1, "memory": "2Gi", "architecture": None, "hostname": None,
        "os_template": "cirros", "resource_template": "small",
        "power_state": observation.status["power_state"]}
    assert observation.status["power_state"].value == "Stopped"


def test_drift_splits_mutable_from_immutable() -> None:
    adapter = ComputeAdapter()
    parsed = adapter.parse_spec(spec({"cores": 4, "architecture": "x86", "title": "new",
                                      "osTemplate": "debian", "resourceTemplate": "large"}))
    resolved = Resolved(MARKER, "vm", templates={
        "os_template": "http://occi-operator.dev/occi/os_tpl#debian",
        "resource_template": LARGE})
    remote = compute("active", **{v.COMPUTE_ARCHITECTURE: "x64"})
    desired = adapter.desired(parsed, resolved)
    drifts = {d.field: d.mutable for d in find_drift(adapter, parsed, desired, remote, resolved)}
    assert drifts == {"cores": True, "architecture": False, "title": True,
                      "os_template": False, "resource_template": True}
    partial = partial_update(desired, [d for d in find_drift(
        adapter, parsed, desired, remote, resolved) if d.mutable], resolved, remote)
    assert partial.attributes == {v.COMPUTE_CORES: 4}
    assert partial.mixins == (LARGE,)
    assert (partial.title, partial.id, partial.location) == ("new", None, None)


def test_numbers_compare_with_tolerance_and_units() -> None:
    adapter = StorageAdapter()
    parsed = adapter.parse_spec(spec({"size": "1536Mi"}))
    resolved = Resolved(MARKER, "d")
    desired = adapter.desired(parsed, resolved)
    remote = Resource(kind=v.STORAGE_KIND, attributes={v.STORAGE_SIZE: 1.5000000001})
    assert find_drift(adapter, parsed, desired, remote, resolved) == ()


@pytest.mark.parametrize(
    ("online", "state", "ready", "action"),
    [(True, "online", True, None), (True, "offline", False, v.STORAGE_ONLINE),
     (False, "online", False, v.STORAGE_OFFLINE), (False, "offline", True, None)],
    ids=["online", "bring-online", "take-offline", "offline"],
)
def test_storage_online(online: bool, state: str, ready: bool, action: str | None) -> None:
    adapter = StorageAdapter()
    parsed = adapter.parse_spec(spec({"size": "1Gi", "online": online}))
    remote = Resource(kind=v.STORAGE_KIND, attributes={v.STORAGE_STATE: state,
                                                       v.STORAGE_SIZE: 1})
    assert adapter.observe(remote, parsed).ready is ready
    assert [s.invocation.action for s in adapter.steps(remote, parsed, {})] == (
        [action] if action else [])


def test_network_ip_layer_becomes_the_ipnetwork_mixin() -> None:
    adapter = NetworkAdapter()
    parsed = adapter.parse_spec(spec({"vlan": 5, "ipNetwork": {"cidr": "10.0.0.0/24"}}))
    desired = adapter.desired(parsed, Resolved(MARKER, "net"))
    assert desired.mixins == (v.IPNETWORK_MIXIN,)
    assert desired.attributes == {v.NETWORK_VLAN: 5, v.NETWORK_ADDRESS: "10.0.0.0/24",
                                  v.NETWORK_ALLOCATION: "dynamic"}


@pytest.mark.parametrize(
    ("adapter", "resource", "target_field", "target_kind"),
    [
        (NetworkInterfaceAdapter(), {"computeRef": {"name": "vm"}, "networkRef": {"name": "n"},
                                     "address": "10.0.0.5"}, "network_ref", v.NETWORK_KIND),
        (StorageLinkAdapter(), {"computeRef": {"name": "vm"}, "storageRef": {"name": "d"},
                                "mountPoint": "/data"}, "storage_ref", v.STORAGE_KIND),
    ],
    ids=["networkinterface", "storagelink"],
)
def test_links_carry_their_ends_and_the_marker_in_the_title(
    adapter: Any, resource: dict[str, Any], target_field: str, target_kind: str
) -> None:
    parsed = adapter.parse_spec(spec(resource))
    resolved = Resolved(MARKER, "l", references={"compute_ref": "http://e/compute/1",
                                                 target_field: "http://e/x/1"})
    desired = adapter.desired(parsed, resolved)
    assert isinstance(desired, Link)
    assert (desired.source, desired.target, desired.target_kind) == (
        "http://e/compute/1", "http://e/x/1", target_kind)
    assert desired.title == MARKER
    assert adapter.is_link


def test_a_partial_update_never_moves_a_link() -> None:
    adapter = NetworkInterfaceAdapter()
    parsed = adapter.parse_spec(spec({"computeRef": {"name": "vm"},
                                      "networkRef": {"name": "n"}, "mac": "AA:BB:CC:DD:EE:FF"}))
    resolved = Resolved(MARKER, "l")
    desired = adapter.desired(parsed, resolved)
    remote = Link(kind=v.NETWORKINTERFACE_KIND, source="http://e/compute/1",
                  target="http://e/network/1",
                  attributes={v.NETWORKINTERFACE_MAC: "aa:bb:cc:dd:ee:00"})
    drifts = find_drift(adapter, parsed, desired, remote, resolved)
    assert [d.field for d in drifts] == ["mac"]
    partial = partial_update(desired, drifts, resolved, remote)
    assert isinstance(partial, Link)
    assert (partial.source, partial.target) == (remote.source, remote.target)
    same_mac = remote.model_copy(update={"attributes": {
        v.NETWORKINTERFACE_MAC: "aa:bb:cc:dd:ee:ff"}})
    assert find_drift(adapter, parsed, desired, same_mac, resolved) == ()


def test_legacy_openstack_contextualization_is_used_when_offered() -> None:
    adapter = ComputeAdapter()
    parsed = adapter.parse_spec(spec({"userDataSecretRef": {"name": "s", "key": "k"},
                                      "sshPublicKeys": ["ssh-ed25519 A a"]}))
    openstack = Contextualization(
        family=ContextFamily.OPENSTACK,
        user_data=v.OPENSTACK_USER_DATA_MIXIN,
        user_data_attribute=v.OPENSTACK_USER_DATA,
        ssh_key=v.OPENSTACK_PUBLIC_KEY_MIXIN,
        ssh_key_attribute=v.OPENSTACK_PUBLICKEY_DATA,
        ssh_key_name_attribute=v.OPENSTACK_PUBLICKEY_NAME,
    )
    desired = adapter.desired(parsed, Resolved(
        MARKER, "vm", secrets={"user_data_secret_ref": "hi"}, context=openstack))
    assert desired.mixins == (v.OPENSTACK_USER_DATA_MIXIN, v.OPENSTACK_PUBLIC_KEY_MIXIN)
    assert desired.attributes == {
        v.OPENSTACK_USER_DATA: "aGk=",
        v.OPENSTACK_PUBLICKEY_DATA: "ssh-ed25519 A a",
        v.OPENSTACK_PUBLICKEY_NAME: "occi-operator",
    }


def test_a_default_filled_in_by_desired_is_no_drift_on_an_imported_resource() -> None:
    # occi.app.name defaults to the object's name for a create; an imported application
    # that carries another name is not renamed when the spec leaves the name out.
    adapter = next(a for a in default_adapters() if a.kind == "Application")
    resolved = Resolved(MARKER, "shop")
    remote = Resource(kind=v.APPLICATION_KIND, attributes={
        v.APP_NAME: "legacy-shop", v.APP_CONTEXT: "http://git.example/shop"})
    unnamed = adapter.parse_spec(spec({"context": "http://git.example/shop"}))
    assert find_drift(adapter, unnamed, adapter.desired(unnamed, resolved), remote,
                      resolved) == ()
    named = adapter.parse_spec(spec({"context": "http://git.example/shop", "name": "shop"}))
    drifts = find_drift(adapter, named, adapter.desired(named, resolved), remote, resolved)
    assert [(d.attribute, d.desired, d.observed, d.mutable) for d in drifts] == [
        (v.APP_NAME, "shop", "legacy-shop", True)]
