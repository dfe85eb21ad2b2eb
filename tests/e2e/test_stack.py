"""The example stack, end to end: it becomes Ready, shows in ``kubectl get occi``, resizes,
and a bulk ``kubectl delete -f`` leaves nothing behind, here or on the endpoint.

The operator runs as its own process against the real API server; the tests act through
kubectl like a user and look at the endpoint with the OCCI client.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import yaml
from e2e_kube import MANAGED_PLURALS, NAMESPACED, Kubectl, is_ready, wait_until
from e2e_services import Remote, Service

from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import Link, Resource
from occi_operator.testbed.cluster import Cluster

WAIT = "--timeout=90s"


def managed_objects(stack: Path) -> list[str]:
    """``plural.group/name`` of every managed object of a stack directory, in file order."""
    found = []
    for path in sorted(stack.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document and document["kind"] in MANAGED_PLURALS:
                found.append(f"{MANAGED_PLURALS[document['kind']]}/{document['metadata']['name']}")
    return found


def wait_ready(kube: Kubectl, objects: list[str]) -> None:
    """``kubectl wait --for=condition=Ready`` on every object."""
    kube("wait", "--for=condition=Ready", WAIT, *objects, timeout=120)


def remote_entity(remote: Remote, kube: Kubectl, obj: str) -> Resource | Link:
    """The entity the object's status.location names, which must exist."""
    location = kube.get(*obj.split("/"))["status"]["location"]
    entity = remote.get(location)
    assert entity is not None, f"{obj}: {location} does not exist on the endpoint"
    return entity


def test_the_example_stack_becomes_ready(
    kube: Kubectl, stack: Path, remote: Remote, operator: Service
) -> None:
    objects = managed_objects(stack)
    assert len(objects) == 5
    kube.apply(stack)
    wait_ready(kube, objects)

    compute = remote_entity(remote, kube, f"{MANAGED_PLURALS['Compute']}/web")
    assert isinstance(compute, Resource)
    assert compute.attributes[v.COMPUTE_CORES] == 1  # the "small" resource template
    assert compute.attributes[v.COMPUTE_HOSTNAME] == "web"
    assert compute.attributes[v.COMPUTE_STATE] == v.STATE_ACTIVE
    assert any(mixin.endswith("#debian-12") for mixin in compute.mixins), compute.mixins
    user_data = base64.b64decode(str(compute.attributes[v.COMPUTE_USERDATA])).decode()
    assert user_data.startswith("#cloud-config\nhostname: web")
    status = kube.get(MANAGED_PLURALS["Compute"], "web")["status"]
    assert "#cloud-config" not in str(status), "user data must never reach status"
    assert status["cores"] == 1
    assert status["memory"] == "2Gi"

    interface = remote_entity(remote, kube, f"{MANAGED_PLURALS['NetworkInterface']}/web-private")
    network = kube.get(MANAGED_PLURALS["Network"], "private")["status"]["location"]
    assert isinstance(interface, Link)
    assert (interface.source, interface.target) == (compute.location, network)
    disk = remote_entity(remote, kube, f"{MANAGED_PLURALS['StorageLink']}/web-data")
    assert isinstance(disk, Link)
    assert disk.attributes[v.STORAGELINK_DEVICEID] == "/dev/vdb"
    assert disk.attributes[v.STORAGELINK_MOUNTPOINT] == "/data"


def test_kubectl_get_occi_lists_the_stack_as_ready(
    kube: Kubectl, stack: Path, operator: Service, cluster: Cluster
) -> None:
    objects = managed_objects(stack)
    kube.apply(stack)
    wait_ready(kube, objects)

    listed = set(kube.names("occi"))
    expected = {f"{kind.lower()}.occi.occi-operator.dev/{name}" for kind, name in (
        ("Network", "private"), ("Storage", "data"), ("Compute", "web"),
        ("NetworkInterface", "web-private"), ("StorageLink", "web-data"),
        ("OCCIEndpoint", "embedded"))}  # fmt: skip
    assert expected <= listed, listed
    table = kube("get", "occi")
    rows = {line.split()[0]: line.split() for line in table.splitlines() if line.strip()}
    headers = [line.split() for line in table.splitlines() if line.startswith("NAME ")]
    if cluster.tier == "emulated":  # the emulator renders no printer columns, only NAME/AGE
        assert all(header == ["NAME", "AGE"] for header in headers), headers
        return
    assert all("READY" in header for header in headers), headers
    assert headers.count(["NAME", "STATE", "READY", "LOCATION", "AGE"]) == 5, headers
    for name in expected - {"occiendpoint.occi.occi-operator.dev/embedded"}:
        assert rows[name][2] == "True", f"{name}: {rows[name]} is not Ready"


def test_a_new_resource_template_resizes_the_compute(
    kube: Kubectl, stack: Path, remote: Remote, operator: Service
) -> None:
    compute = f"{MANAGED_PLURALS['Compute']}/web"
    kube.apply(stack)
    wait_ready(kube, [compute])

    kube.patch(MANAGED_PLURALS["Compute"], "web",
               {"spec": {"resource": {"resourceTemplate": "medium"}}})  # fmt: skip

    def resized() -> dict[str, object] | None:
        obj = kube.get(MANAGED_PLURALS["Compute"], "web")
        status = obj.get("status") or {}
        return status if is_ready(obj) and status.get("cores") == 2 else None

    status = wait_until(resized, what="the compute to have the 2 cores of 'medium'")
    assert status["memory"] == "4Gi"
    assert status["resourceTemplate"] == "medium"
    entity = remote_entity(remote, kube, compute)
    assert entity.attributes[v.COMPUTE_CORES] == 2
    assert entity.attributes[v.COMPUTE_MEMORY] == 4.0
    assert any(mixin.endswith("#medium") for mixin in entity.mixins), entity.mixins


@pytest.mark.parametrize(
    "reverse",
    [pytest.param(False, id="endpoint-first"), pytest.param(True, id="links-first")],
)
def test_bulk_delete_of_the_stack_leaves_nothing_behind(
    kube: Kubectl, stack: Path, remote: Remote, operator: Service, reverse: bool
) -> None:
    objects = managed_objects(stack)
    kube.apply(stack)
    wait_ready(kube, objects)
    locations = {obj: kube.get(*obj.split("/"))["status"]["location"] for obj in objects}

    files = sorted(stack.glob("*.yaml"), reverse=reverse)
    kube("delete", *(f"--filename={path}" for path in files), "--wait=true", "--timeout=120s",
         timeout=180)  # fmt: skip

    assert kube.names(NAMESPACED) == []
    assert kube.find("secret", "web-user-data") is None
    left = {obj: location for obj, location in locations.items() if remote.get(location)}
    assert left == {}, f"still on the endpoint: {left}"
    every = set().union(*(remote.locations(kind) for kind in (
        v.COMPUTE_KIND, v.NETWORK_KIND, v.STORAGE_KIND, v.NETWORKINTERFACE_KIND,
        v.STORAGELINK_KIND)))  # fmt: skip
    assert not set(locations.values()) & every
