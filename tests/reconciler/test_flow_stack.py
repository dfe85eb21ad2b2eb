"""A whole stack: dependencies wait and guard; a bulk delete in any order tears down validly."""

from __future__ import annotations

import pytest
from flow_support import NAMESPACE, Stack, remote_locations

from occi_operator.occi.client import OCCIClient
from occi_operator.reconciler.dependencies import GUARD_FINALIZER
from occi_operator.reconciler.endpoints import ENDPOINTS
from occi_operator.reconciler.outcome import OutcomeKind

ORDER = ("Network", "Storage", "Compute", "NetworkInterface", "StorageLink")
NAMES = {"Network": "public", "Storage": "disk", "Compute": "vm",
         "NetworkInterface": "vm-eth0", "StorageLink": "vm-disk"}


def apply_stack(stack: Stack) -> None:
    stack.apply("Network", "public", {"ipNetwork": {"cidr": "10.9.0.0/24"}})
    stack.apply("Storage", "disk", {"size": "10Gi"})
    stack.apply("Compute", "vm", {"osTemplate": "cirros", "resourceTemplate": "small"})
    stack.apply("NetworkInterface", "vm-eth0", {
        "computeRef": {"name": "vm"}, "networkRef": {"name": "public"},
    })
    stack.apply("StorageLink", "vm-disk", {
        "computeRef": {"name": "vm"}, "storageRef": {"name": "disk"}, "mountPoint": "/data",
    })


async def converge(stack: Stack) -> None:
    for kind in ORDER:
        outcome = await stack.settle(kind, NAMES[kind])
        assert outcome.kind is OutcomeKind.DONE, (kind, outcome)


async def test_links_wait_for_their_ends_and_say_so(stack: Stack) -> None:
    apply_stack(stack)
    outcome = await stack.step("NetworkInterface", "vm-eth0")
    assert outcome.kind is OutcomeKind.WAITING
    assert outcome.message == "Waiting for Compute/vm to be ready"
    ready = stack.condition("NetworkInterface", "vm-eth0", "Ready")
    assert (ready["status"], ready["reason"]) == ("False", "WaitingForDependency")
    assert stack.condition("NetworkInterface", "vm-eth0", "Reconciling")["status"] == "True"
    await stack.settle("Compute", "vm")
    outcome = await stack.step("NetworkInterface", "vm-eth0")
    assert outcome.message == "Waiting for Network/public to be ready"


async def test_full_stack_converges_and_guards_what_is_referenced(
    stack: Stack, http: OCCIClient
) -> None:
    apply_stack(stack)
    await converge(stack)
    nic = stack.read("NetworkInterface", "vm-eth0")
    assert nic.status["address"].startswith("10.9.0.")
    assert nic.status["source"] == stack.read("Compute", "vm").status["location"]
    assert stack.read("StorageLink", "vm-disk").status["mountPoint"] == "/data"
    for kind in ("Network", "Storage", "Compute"):
        assert GUARD_FINALIZER in stack.read(kind, NAMES[kind]).finalizers, kind
    endpoint = stack.kube.read(ENDPOINTS, NAMESPACE, "cloud")
    assert GUARD_FINALIZER in endpoint.finalizers
    await stack.step("Compute", "vm")  # a resync mirrors the links made since
    compute = stack.read("Compute", "vm")
    assert {link["kind"].rpartition("#")[2] for link in compute.status["links"]} == {
        "networkinterface", "storagelink"}
    assert len(await remote_locations(http, "/networkinterface/")) == 1


@pytest.mark.parametrize(
    "order",
    [ORDER, tuple(reversed(ORDER)), ("Compute", "Network", "StorageLink", "Storage",
                                     "NetworkInterface")],
    ids=["dependencies-first", "links-first", "mixed"],
)
async def test_bulk_delete_in_any_order_leaves_nothing(
    stack: Stack, http: OCCIClient, order: tuple[str, ...]
) -> None:
    apply_stack(stack)
    await converge(stack)
    for kind in order:
        stack.delete(kind, NAMES[kind])
    # kopf retries each deletion handler; round-robin until everything is gone.
    for _ in range(8):
        for kind in order:
            if not stack.gone(kind, NAMES[kind]):
                await stack.finish_delete(kind, NAMES[kind])
    assert [kind for kind in order if not stack.gone(kind, NAMES[kind])] == []
    for collection in ("/compute/", "/network/", "/storage/", "/networkinterface/",
                       "/storagelink/"):
        assert not await remote_locations(http, collection), collection
    assert GUARD_FINALIZER not in stack.kube.read(ENDPOINTS, NAMESPACE, "cloud").finalizers


async def test_a_referenced_network_waits_for_its_interfaces(stack: Stack) -> None:
    apply_stack(stack)
    await converge(stack)
    stack.delete("Network", "public")
    outcome = await stack.finish_delete("Network", "public")
    assert outcome.kind is OutcomeKind.WAITING
    assert "NetworkInterface/vm-eth0" in outcome.message
    assert not stack.gone("Network", "public")
    stack.delete("NetworkInterface", "vm-eth0")
    assert (await stack.finish_delete("NetworkInterface", "vm-eth0")).kind is OutcomeKind.DONE
    assert (await stack.finish_delete("Network", "public")).kind is OutcomeKind.DONE
    assert stack.gone("Network", "public")



async def test_objects_finishing_together_still_release_their_shared_guards(
    stack: Stack,
) -> None:
    apply_stack(stack)
    await converge(stack)
    stack.apply("NetworkInterface", "vm-eth1", {
        "computeRef": {"name": "vm"}, "networkRef": {"name": "public"},
    })
    await stack.settle("NetworkInterface", "vm-eth1")
    for kind in ORDER:
        stack.delete(kind, NAMES[kind])
    stack.delete("NetworkInterface", "vm-eth1")
    # Both interfaces finish their teardown before kopf removes either's finalizer.
    assert (await stack.step("NetworkInterface", "vm-eth0")).kind is OutcomeKind.DONE
    assert GUARD_FINALIZER in stack.read("Network", "public").finalizers
    assert (await stack.step("NetworkInterface", "vm-eth1")).kind is OutcomeKind.DONE
    assert GUARD_FINALIZER not in stack.read("Network", "public").finalizers
    assert not stack.gone("NetworkInterface", "vm-eth0")  # its finalizer is kopf's to drop
