"""The runtime's resync decisions: restarts read nothing fresh, due objects are read again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flow_support import NAMESPACE, Stack

from occi_operator.reconciler.endpoints import ENDPOINTS
from occi_operator.reconciler.outcome import OutcomeKind


async def test_a_ready_object_is_fresh_until_its_period_passes(stack: Stack) -> None:
    stack.apply("Storage", "disk", {"size": "1Gi"}, resyncPeriod="10m")
    await stack.settle("Storage", "disk")
    obj = stack.read("Storage", "disk")
    runtime = stack.runtime
    assert runtime.fresh(obj)
    assert not runtime.resync_due(obj)
    later = datetime.now(UTC) + timedelta(minutes=12)
    runtime.now = lambda: later
    assert runtime.resync_due(obj)
    assert not runtime.fresh(obj)


async def test_a_changed_or_unready_object_is_never_fresh(stack: Stack) -> None:
    stack.apply("Storage", "disk", {"size": "1Gi"})
    await stack.settle("Storage", "disk")
    changed = stack.apply("Storage", "disk", {"size": "2Gi"})
    assert not stack.runtime.fresh(changed)
    stack.apply("Compute", "vm", {"osTemplate": "no-such-template"})
    await stack.settle("Compute", "vm")
    stalled = stack.read("Compute", "vm")
    assert not stack.runtime.fresh(stalled)
    assert not stack.runtime.resync_due(stalled)  # terminal: no resync either


async def test_an_idle_resync_writes_nothing(stack: Stack) -> None:
    stack.apply("Network", "net", {"vlan": 3})
    await stack.settle("Network", "net")
    before = stack.kube.writes
    for _ in range(3):
        assert (await stack.step("Network", "net")).kind is OutcomeKind.DONE
    assert stack.kube.writes == before


async def test_nothing_new_is_created_on_an_endpoint_being_deleted(stack: Stack) -> None:
    stack.apply("Network", "old", {"vlan": 1})
    await stack.settle("Network", "old")
    stack.kube.request_delete(ENDPOINTS, NAMESPACE, "cloud")  # guarded: it stays
    assert stack.kube.read(ENDPOINTS, NAMESPACE, "cloud").deleting
    assert (await stack.step("Network", "old")).kind is OutcomeKind.DONE
    stack.apply("Network", "new", {"vlan": 2})
    outcome = await stack.step("Network", "new")
    assert outcome.kind is OutcomeKind.WAITING
    assert "being deleted" in outcome.message
