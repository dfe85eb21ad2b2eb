"""A resource that is only getting ready is followed up by the settle timer, not by kopf's
retries of the change handler (which kopf records in the object's annotations, one
Kubernetes write per look). Errors and waits for something else stay with kopf."""

from __future__ import annotations

import kopf
import pytest
from flow_support import NAMESPACE, Stack, rtype

from occi_operator.api.v1alpha1.common import ConditionReason
from occi_operator.reconciler.dependencies import FINALIZER
from occi_operator.reconciler.handlers import build_registry
from occi_operator.reconciler.outcome import Outcome, OutcomeKind
from occi_operator.reconciler.settings import OperatorSettings


@pytest.mark.parametrize(("outcome", "deferred"), [
    (Outcome.waiting("Created it; waiting for it to become ready", 2.0), True),
    (Outcome.waiting("Waiting for Network/a to be ready", 5.0,
                     reason=ConditionReason.WAITING_FOR_DEPENDENCY), False),
    (Outcome.transient("the endpoint is unreachable", 10.0), False),
    (Outcome.terminal("fix the spec"), False),
    (Outcome.done(), False),
], ids=["progress-is-deferred", "dependency-stays-with-kopf", "error-stays-with-kopf",
        "terminal-is-kopfs", "done-needs-nothing"])
async def test_only_progress_is_deferred(stack: Stack, outcome: Outcome, deferred: bool) -> None:
    obj = stack.apply("Storage", "disk", {"size": "1Gi"})
    runtime = stack.runtime
    assert runtime.defer(obj, outcome) is deferred
    assert (runtime.settle_wait(obj) is not None) is deferred


async def test_a_created_resource_is_settled_by_the_timer(stack: Stack) -> None:
    stack.apply("Compute", "vm", {"osTemplate": "cirros"})
    runtime = stack.runtime
    obj = stack.read("Compute", "vm")
    outcome = await runtime.reconcile(obj)  # what the create handler runs
    assert outcome.kind is OutcomeKind.WAITING
    assert runtime.defer(obj, outcome)  # the handler ends: kopf records nothing
    obj = stack.read("Compute", "vm")
    assert FINALIZER in obj.finalizers  # so the settle timer (it needs one) runs for it
    wait = runtime.settle_wait(obj)
    assert wait is not None
    assert 0 < wait <= outcome.requeue_after  # type: ignore[operator]
    runtime.settling[obj.uid] = runtime.now()  # the delay has passed
    assert runtime.settle_wait(obj) == 0
    settled = await runtime.settle(obj)
    assert settled.kind is OutcomeKind.DONE
    assert runtime.settle_wait(stack.read("Compute", "vm")) is None  # nothing more to do


def test_the_settle_timer_runs_only_for_objects_getting_ready(stack: Stack) -> None:
    registry = build_registry(stack.runtime, OperatorSettings(timing={"provisioning": 0.5}))
    settle = [h for h in registry._spawning.get_all_handlers() if h.id == "settle"]
    assert {(h.interval, h.initial_delay) for h in settle} == {(0.5, 0.5)}
    when = settle[0].when
    assert when is not None
    ready = {"type": "Ready", "status": "True"}
    body = {"metadata": {"finalizers": [FINALIZER], "generation": 2},
            "status": {"observedGeneration": 2, "conditions": [ready]}}
    assert not when(body=body)  # Ready for its generation
    body["metadata"]["generation"] = 3
    assert when(body=body)  # a new generation is not handled yet
    assert not when(body={"metadata": {"generation": 1}, "status": {}})  # never reached it
    deleting = {"metadata": {"finalizers": [FINALIZER], "deletionTimestamp": "x"}}
    assert not when(body=deleting)
    stalled = {"type": "Stalled", "status": "True"}
    body["status"] = {"observedGeneration": 3, "conditions": [stalled]}
    assert not when(body=body)  # a terminal error waits for a spec change


async def test_a_settle_pass_that_fails_transiently_is_followed_up(stack: Stack) -> None:
    # Only the timer follows the object once its change handler ended: a 409 on the
    # status write (kopf's own write came in between) must not end that.
    stack.apply("Compute", "vm", {"osTemplate": "cirros"})
    runtime = stack.runtime
    obj = stack.read("Compute", "vm")
    assert runtime.defer(obj, await runtime.reconcile(obj))
    stale = stack.read("Compute", "vm")
    stack.kube.apply(rtype("Compute"), NAMESPACE, "vm", {**stale.spec, "note": 1})
    stack.kube.apply(rtype("Compute"), NAMESPACE, "vm", dict(stale.spec))  # a newer version
    runtime.reconciler._written.pop(stale.uid, None)  # as after another process's write
    outcome = await runtime.settle(stale)
    assert outcome.kind is OutcomeKind.TRANSIENT, outcome
    assert runtime.settle_wait(stale) is not None
    runtime.settling[stale.uid] = runtime.now()
    assert (await runtime.settle(stack.read("Compute", "vm"))).kind in (
        OutcomeKind.DONE, OutcomeKind.WAITING)


async def test_a_settle_pass_not_due_sleeps_in_memory(stack: Stack) -> None:
    stack.apply("Storage", "disk", {"size": "1Gi"})
    obj = stack.read("Storage", "disk")
    stack.runtime.defer(obj, Outcome.waiting("getting ready", 30.0))
    registry = build_registry(stack.runtime, OperatorSettings())
    settle = next(h for h in registry._spawning.get_all_handlers() if h.id == "settle")
    with pytest.raises(kopf.TemporaryError) as caught:
        await settle.fn(body=stack.kube.objects[("storages", NAMESPACE, "disk")])
    assert 29 < (caught.value.delay or 0) <= 30
    assert stack.read("Storage", "disk").resource_version == obj.resource_version
