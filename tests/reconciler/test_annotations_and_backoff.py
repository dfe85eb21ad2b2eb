"""The user's annotations (pause, reconcile now), duplicates found by marker, and backoff.

* ``paused: "true"``: a pass makes no remote call, says Paused, keeps observedGeneration;
* ``reconcile-requested-at``: makes the object due and is echoed once handled;
* two remote resources carrying one object's marker: Stalled, both listed, none adopted;
* consecutive transient failures of one object wait longer and longer (capped, jittered
  upwards, so never earlier than the endpoint's Retry-After).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from flow_support import BASE_URL, NAMESPACE, Stack, remote_locations, rtype
from memory_kube import MemoryKube
from starlette.applications import Starlette

from occi_operator.endpoint.settings import EndpointSettings, FaultSettings
from occi_operator.occi.client import EndpointConfig, OCCIClient
from occi_operator.occi.errors import ConnectError
from occi_operator.reconciler.annotations import (
    PAUSED,
    RECONCILE_REQUESTED_AT,
    is_paused,
    pending_request,
)
from occi_operator.reconciler.failures import ErrorDelays, outcome_of
from occi_operator.reconciler.kube import KubeObject
from occi_operator.reconciler.outcome import OutcomeKind
from occi_operator.reconciler.runtime import build_runtime
from occi_operator.reconciler.settings import OperatorSettings

DISK = {"size": "1Gi"}


def annotate(stack: Stack, name: str, **annotations: str | None) -> KubeObject:
    """Set (or, with None, remove) annotations of Storage ``name`` as kubectl would."""
    body = stack.kube.objects[("storages", NAMESPACE, name)]
    current: dict[str, Any] = body["metadata"].setdefault("annotations", {})
    for key, value in annotations.items():
        if value is None:
            current.pop(key, None)
        else:
            current[key] = value
    body["metadata"]["resourceVersion"] = str(int(body["metadata"]["resourceVersion"]) + 1000)
    return stack.read("Storage", name)


def conditions(obj: KubeObject) -> dict[str, tuple[str, str]]:
    """Condition type -> (status, reason)."""
    return {c["type"]: (c["status"], c["reason"]) for c in obj.status.get("conditions", ())}


@pytest.mark.parametrize(("value", "paused"), [
    ("true", True), (" True ", True), ("false", False), ("", False), ("yes", False),
], ids=["true", "any-case-and-spaces", "false", "empty", "only-true-counts"])
def test_only_true_pauses(stack: Stack, value: str, paused: bool) -> None:
    stack.apply("Storage", "disk", DISK)
    assert is_paused(annotate(stack, "disk", **{PAUSED: value})) is paused


async def test_a_paused_object_creates_nothing_until_unpaused(
    stack: Stack, http: OCCIClient
) -> None:
    stack.apply("Storage", "disk", DISK)
    annotate(stack, "disk", **{PAUSED: "true"})
    outcome = await stack.step("Storage", "disk")
    assert outcome.kind is OutcomeKind.PAUSED
    assert outcome.requeue_after is None  # only the annotation's removal brings a pass
    obj = stack.read("Storage", "disk")
    assert conditions(obj) == {"Ready": ("False", "Paused"), "Reconciling": ("False", "Paused"),
                               "Stalled": ("False", "Paused")}
    assert obj.status["observedGeneration"] == -1  # nothing of this spec was acted on
    assert not obj.finalizers
    assert not await remote_locations(http, "/storage/")
    annotate(stack, "disk", **{PAUSED: None})
    assert (await stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    assert len(await remote_locations(http, "/storage/")) == 1


async def test_a_paused_ready_object_stays_ready_and_ignores_a_spec_change(
    stack: Stack, http: OCCIClient
) -> None:
    stack.apply("Storage", "disk", DISK)
    assert (await stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    location = stack.read("Storage", "disk").status["location"]
    annotate(stack, "disk", **{PAUSED: "true"})
    stack.apply("Storage", "disk", {"size": "2Gi"})
    assert (await stack.step("Storage", "disk")).kind is OutcomeKind.PAUSED
    obj = stack.read("Storage", "disk")
    assert conditions(obj)["Ready"] == ("True", "Paused")
    assert obj.status["observedGeneration"] == 1  # generation 2 is not handled yet
    assert not stack.runtime.resync_due(obj)
    remote = await http.get(location)
    assert str(remote.attributes.get("occi.storage.size")) in ("1", "1.0")
    annotate(stack, "disk", **{PAUSED: None})
    assert (await stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    assert stack.read("Storage", "disk").status["observedGeneration"] == 2


async def test_a_paused_deletion_keeps_the_remote_resource(
    stack: Stack, http: OCCIClient
) -> None:
    stack.apply("Storage", "disk", {**DISK}, managedOptions={"onDelete": "delete"})
    assert (await stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    annotate(stack, "disk", **{PAUSED: "true"})
    stack.delete("Storage", "disk")
    outcome = await stack.step("Storage", "disk")
    assert outcome.kind is OutcomeKind.WAITING
    assert "Paused" in outcome.message
    assert outcome.requeue_after == stack.runtime.reconciler.timings.paused_deletion
    assert len(await remote_locations(http, "/storage/")) == 1


async def test_a_reconcile_request_is_due_at_once_and_echoed(stack: Stack) -> None:
    stack.apply("Storage", "disk", DISK)
    assert (await stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    ready = stack.read("Storage", "disk")
    assert not stack.runtime.resync_due(ready)
    assert stack.runtime.fresh(ready)
    asked = annotate(stack, "disk", **{RECONCILE_REQUESTED_AT: "2026-11-28T06:00:00Z"})
    assert pending_request(asked) == "2026-11-28T06:00:00Z"
    assert stack.runtime.resync_due(asked)
    assert not stack.runtime.fresh(asked)  # a restarted operator does not skip it
    writes = stack.kube.writes
    assert (await stack.step("Storage", "disk")).kind is OutcomeKind.DONE
    handled = stack.read("Storage", "disk")
    assert handled.status["lastReconcileRequest"] == "2026-11-28T06:00:00Z"
    assert stack.kube.writes == writes + 1
    assert pending_request(handled) is None
    assert not stack.runtime.resync_due(handled)


async def test_a_request_while_paused_waits_for_the_pause_to_end(stack: Stack) -> None:
    stack.apply("Storage", "disk", DISK)
    assert (await stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    annotate(stack, "disk", **{PAUSED: "true", RECONCILE_REQUESTED_AT: "now"})
    assert not stack.runtime.resync_due(stack.read("Storage", "disk"))
    await stack.step("Storage", "disk")
    assert "lastReconcileRequest" not in stack.read("Storage", "disk").status
    annotate(stack, "disk", **{PAUSED: None})
    await stack.step("Storage", "disk")
    assert stack.read("Storage", "disk").status["lastReconcileRequest"] == "now"


async def test_two_resources_with_one_marker_stall_and_adopt_neither(
    stack: Stack, http: OCCIClient
) -> None:
    stack.apply("Storage", "disk", DISK)
    assert (await stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    first = stack.read("Storage", "disk").status["location"]
    twin = (await http.get(first)).model_copy(update={"location": None, "id": None})
    second = await http.create(twin, collection="/storage/")  # a duplicate, as if leaked
    body = stack.kube.objects[("storages", NAMESPACE, "disk")]
    body["status"].pop("location")
    body["status"]["createPending"] = "2026-11-28T06:00:00Z"  # a crash after the POST
    outcome = await stack.step("Storage", "disk")
    assert outcome.kind is OutcomeKind.TERMINAL
    assert first in outcome.message
    assert second in outcome.message
    assert RECONCILE_REQUESTED_AT in outcome.message  # the way out
    obj = stack.read("Storage", "disk")
    assert conditions(obj)["Stalled"] == ("True", "UnrecoverableError")
    assert "location" not in obj.status
    assert await remote_locations(http, "/storage/") == {first, second}  # nothing more made


@pytest.mark.parametrize(("delay", "failures", "share", "expected"), [
    (1.0, 1, 0.0, 1.0),
    (1.0, 2, 0.0, 2.0),
    (1.0, 4, 0.0, 8.0),
    (1.0, 30, 0.0, 300.0),
    (1.0, 4, 0.5, 8.8),
    (600.0, 1, 0.0, 600.0),
    (600.0, 5, 0.0, 600.0),
], ids=["first-failure-waits-the-delay", "second-doubles", "fourth-is-eight-times",
        "capped", "jitter-only-stretches", "long-retry-after-kept",
        "long-retry-after-not-doubled-past-it"])
def test_backoff_doubles_up_to_the_cap(
    delay: float, failures: int, share: float, expected: float
) -> None:
    assert ErrorDelays(max_backoff=300.0, jitter=0.2).backoff(
        delay, failures, share
    ) == pytest.approx(expected)


class TestFailingEndpoint:
    """Every create answered 503: each retry of one object waits longer than the last."""

    @pytest.fixture
    def endpoint_settings(self, tmp_path: Path) -> EndpointSettings:
        return EndpointSettings(
            data_dir=tmp_path / "endpoint", provisioning_delay_seconds=0,
            faults=FaultSettings(server_error_rate={"post": 1.0}, seed=3),
        )

    async def test_consecutive_failures_back_off(self, stack: Stack) -> None:
        stack.apply("Storage", "disk", DISK)
        delays = []
        for _ in range(4):
            outcome = await stack.step("Storage", "disk")
            assert outcome.kind is OutcomeKind.TRANSIENT, outcome
            assert outcome.requeue_after is not None
            delays.append(outcome.requeue_after)
        base = stack.runtime.reconciler.timings.errors.transient
        for number, delay in enumerate(delays):
            assert base * 2**number <= delay <= base * 2**number * 1.2 + 1e-9
        assert stack.kube.exists(rtype("Storage"), NAMESPACE, "disk")


class _BusyOnCreate(httpx.AsyncBaseTransport):
    """The in-process endpoint, except that every create is answered 503 Retry-After: 7."""

    def __init__(self, app: Starlette) -> None:
        self.inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/"):
            return httpx.Response(503, headers={"Retry-After": "7"}, text="busy")
        return await self.inner.handle_async_request(request)


async def test_retry_after_is_the_floor_of_the_requeue_delay(
    kube: MemoryKube, endpoint_app: Starlette
) -> None:
    def factory(config: EndpointConfig) -> OCCIClient:
        return OCCIClient(config, transport=_BusyOnCreate(endpoint_app))

    settings = OperatorSettings(timing={"transient_error": 1.0})  # shorter than asked
    runtime = build_runtime(settings, kube, client_factory=factory)
    try:
        stack = Stack(kube, runtime)
        stack.apply("Storage", "disk", DISK)
        first = await stack.step("Storage", "disk")
        second = await stack.step("Storage", "disk")
    finally:
        await runtime.aclose()
    assert first.kind is OutcomeKind.TRANSIENT
    assert first.requeue_after is not None
    assert 7.0 <= first.requeue_after <= 7.0 * 1.2
    assert second.requeue_after is not None
    assert 14.0 <= second.requeue_after <= 14.0 * 1.2


def test_no_answer_at_all_says_the_endpoint_is_unreachable() -> None:
    refused = ConnectError("cannot connect: refused", method="GET", url="http://cloud/compute/")
    outcome = outcome_of(refused, doing="reading Compute/vm", delays=ErrorDelays(transient=3.0))
    assert outcome.kind is OutcomeKind.TRANSIENT
    assert outcome.reason.value == "TransientError"
    assert "unreachable" in outcome.message
    assert outcome.requeue_after == 3.0


async def test_a_failed_resync_stays_due_until_a_resync_succeeds(
    stack: Stack, endpoint_app: Starlette
) -> None:
    stack.apply("Storage", "disk", DISK)
    assert (await stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    admin = httpx.AsyncClient(transport=httpx.ASGITransport(app=endpoint_app),
                              base_url=BASE_URL)
    async with admin:
        answer = await admin.put("/-/faults", json={"server_error_rate": {"get": 1.0}})
        assert answer.status_code == 200
        failed = await stack.runtime.resync(stack.read("Storage", "disk"))
        assert failed.kind is OutcomeKind.TRANSIENT
        broken = stack.read("Storage", "disk")
        assert conditions(broken)["Ready"] == ("False", "TransientError")
        assert stack.runtime.resync_due(broken)  # not Ready, yet the timer must retry it
        answer = await admin.put("/-/faults", json={})
        assert answer.status_code == 200
    assert (await stack.runtime.resync(broken)).kind is OutcomeKind.DONE
    assert not stack.runtime.resync_due(stack.read("Storage", "disk"))
