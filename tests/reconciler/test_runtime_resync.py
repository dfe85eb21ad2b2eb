"""The runtime's resync decisions: restarts read nothing fresh, due objects are read again,
after the object's period, else its endpoint's, else the operator's setting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from flow_support import NAMESPACE, Stack
from memory_kube import MemoryKube
from starlette.applications import Starlette

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import EndpointConfig, OCCIClient
from occi_operator.occi.entities import ActionInvocation
from occi_operator.reconciler.dependencies import is_ready
from occi_operator.reconciler.endpoints import ENDPOINTS
from occi_operator.reconciler.outcome import OutcomeKind
from occi_operator.reconciler.runtime import build_runtime
from occi_operator.reconciler.settings import OperatorSettings


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


@pytest.mark.parametrize(
    ("object_period", "endpoint_period", "seconds"),
    [
        (None, None, 3000.0),
        (None, "1m", 60.0),
        ("30s", "1m", 30.0),
        ("30s", None, 30.0),
    ],
    ids=["operator-setting-when-neither-sets-one", "endpoint-over-setting",
         "object-over-endpoint", "object-over-setting"],
)
async def test_resync_period_precedence_object_endpoint_operator(
    kube: MemoryKube, endpoint_app: Starlette, object_period: str | None,
    endpoint_period: str | None, seconds: float,
) -> None:
    endpoint = dict(kube.read(ENDPOINTS, NAMESPACE, "cloud").spec)
    if endpoint_period is not None:
        endpoint["defaultResyncPeriod"] = endpoint_period
    kube.apply(ENDPOINTS, NAMESPACE, "cloud", endpoint)
    start = datetime.now(UTC)
    clock = {"now": start}

    def factory(config: EndpointConfig) -> OCCIClient:
        return OCCIClient(config, transport=httpx.ASGITransport(app=endpoint_app))

    settings = OperatorSettings(resync={"default_period": 3000, "jitter": 0})
    runtime = build_runtime(settings, kube, client_factory=factory, now=lambda: clock["now"])
    try:
        stack = Stack(kube, runtime)
        lifecycle = {} if object_period is None else {"resyncPeriod": object_period}
        stack.apply("Storage", "disk", {"size": "1Gi"}, **lifecycle)
        assert (await stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
        obj = stack.read("Storage", "disk")
        clock["now"] = start + timedelta(seconds=seconds - 5)
        assert not runtime.resync_due(obj)
        clock["now"] = start + timedelta(seconds=seconds + 5)
        assert runtime.resync_due(obj)
    finally:
        await runtime.aclose()


async def test_a_resync_that_started_a_change_stays_due_until_it_is_done(
    stack: Stack, http: OCCIClient
) -> None:
    # No change handler follows a correction the resync made: the timer must.
    stack.apply("Compute", "vm", {"osTemplate": "cirros"})
    assert (await stack.settle("Compute", "vm")).kind is OutcomeKind.DONE
    location = stack.read("Compute", "vm").status["location"]
    await http.trigger(location, ActionInvocation(action=v.COMPUTE_STOP))
    runtime = stack.runtime
    outcome = await runtime.resync(stack.read("Compute", "vm"))
    assert outcome.kind is OutcomeKind.WAITING  # start triggered
    obj = stack.read("Compute", "vm")
    assert not is_ready(obj)
    assert runtime.resync_due(obj)
    assert (await runtime.resync(obj)).kind is OutcomeKind.DONE
    assert not runtime.resync_due(stack.read("Compute", "vm"))
