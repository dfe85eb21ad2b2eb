"""The operator's Prometheus metrics, moved by real passes against the embedded endpoint.

The runtime of ``conftest.py`` (in-memory Kubernetes, in-process endpoint) builds its own
:class:`~occi_operator.reconciler.metrics.OperatorMetrics`; the tests read its registry
after creating, resizing, drifting and deleting objects, and once over HTTP from
:func:`~occi_operator.reconciler.metrics.serve`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from flow_support import NAMESPACE, Stack, rtype
from prometheus_client import CollectorRegistry

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import OCCIClient, RequestRecord
from occi_operator.occi.entities import Resource
from occi_operator.reconciler.kube import KubeObject
from occi_operator.reconciler.metrics import OperatorMetrics, serve
from occi_operator.reconciler.outcome import Outcome, OutcomeKind

ENDPOINT = f"{NAMESPACE}/cloud"
VM = {"resourceTemplate": "small", "osTemplate": "cirros"}


def value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    """A sample's value; 0 when the labelled child does not exist yet."""
    found = registry.get_sample_value(name, labels)
    return 0.0 if found is None else found


def backdate(stack: Stack, kind: str, name: str, seconds: float) -> None:
    """Give the in-memory object a creationTimestamp ``seconds`` ago (MemoryKube sets none)."""
    body = stack.kube.objects[stack.kube._key(rtype(kind), NAMESPACE, name)]
    moment = datetime.now(UTC) - timedelta(seconds=seconds)
    body["metadata"]["creationTimestamp"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_a_create_moves_requests_passes_gauges_and_first_ready(stack: Stack) -> None:
    registry = stack.runtime.metrics.registry
    stack.apply("Compute", "vm", VM)
    backdate(stack, "Compute", "vm", 90)
    assert (await stack.settle("Compute", "vm")).kind is OutcomeKind.DONE
    post = {"endpoint": ENDPOINT, "method": "POST", "kind": "compute", "code": "201"}
    assert value(registry, "occi_operator_occi_requests_total", **post) == 1
    assert value(registry, "occi_operator_occi_requests_total", endpoint=ENDPOINT,
                 method="GET", kind="-", code="200") >= 1  # the query interface
    assert value(registry, "occi_operator_occi_request_duration_seconds_count",
                 endpoint=ENDPOINT, method="POST") == 1
    assert value(registry, "occi_operator_rate_limiter_wait_seconds_count",
                 endpoint=ENDPOINT) >= 2
    assert value(registry, "occi_operator_reconcile_total", kind="Compute",
                 result="Success") == 1
    assert value(registry, "occi_operator_reconcile_total", kind="Compute",
                 result="Progressing") >= 1
    for gauge in ("exists", "ready", "synced"):
        assert value(registry, f"occi_operator_managed_resource_{gauge}", kind="Compute") == 1
        assert value(registry, f"occi_operator_managed_resource_{gauge}", kind="Network") == 0
    assert value(registry, "occi_operator_time_to_first_ready_seconds_count",
                 kind="Compute") == 1
    assert value(registry, "occi_operator_time_to_first_ready_seconds_sum",
                 kind="Compute") >= 90


async def test_drift_is_counted_by_field_found_and_corrected(
    stack: Stack, http: OCCIClient
) -> None:
    registry = stack.runtime.metrics.registry
    stack.apply("Compute", "vm", {**VM, "cores": 2})
    backdate(stack, "Compute", "vm", 5)
    await stack.settle("Compute", "vm")
    location = stack.read("Compute", "vm").status["location"]
    await http.update(location, Resource(kind=v.COMPUTE_KIND, attributes={v.COMPUTE_CORES: 3}))
    stack.apply("Compute", "vm", {**VM, "cores": 2, "title": "again"})  # a pass reads it now
    assert (await stack.settle("Compute", "vm")).kind is OutcomeKind.DONE
    labels = {"kind": "Compute", "field": "cores"}
    assert value(registry, "occi_operator_drift_found_total", **labels) == 1
    assert value(registry, "occi_operator_drift_corrected_total", **labels) == 1
    # The first-ready histogram counts an object once, however often it is Ready again.
    assert value(registry, "occi_operator_time_to_first_ready_seconds_count",
                 kind="Compute") == 1


async def test_immutable_drift_is_found_but_never_corrected(
    stack: Stack, http: OCCIClient
) -> None:
    registry = stack.runtime.metrics.registry
    stack.apply("Network", "net", {"ipNetwork": {"cidr": "10.0.0.0/24"}})
    await stack.settle("Network", "net")
    stack.apply("Network", "net", {"ipNetwork": {"cidr": "10.9.0.0/24"}})
    outcome = await stack.settle("Network", "net")
    assert outcome.kind is OutcomeKind.TERMINAL, outcome
    found = {s.labels["field"] for s in _samples(registry, "occi_operator_drift_found_total")}
    assert found, "no drift counted"
    assert not _samples(registry, "occi_operator_drift_corrected_total")
    assert value(registry, "occi_operator_reconcile_total", kind="Network",
                 result="InvalidConfiguration") == 1
    assert value(registry, "occi_operator_managed_resource_synced", kind="Network") == 0
    assert value(registry, "occi_operator_managed_resource_exists", kind="Network") == 1


async def test_a_deletion_is_timed_and_the_object_no_longer_counted(stack: Stack) -> None:
    registry = stack.runtime.metrics.registry
    stack.apply("Storage", "disk", {"size": "1Gi"})
    await stack.settle("Storage", "disk")
    assert value(registry, "occi_operator_managed_resource_exists", kind="Storage") == 1
    stack.delete("Storage", "disk")  # MemoryKube stamps deletionTimestamp 2026-01-01
    for _ in range(10):
        if (await stack.finish_delete("Storage", "disk")).kind is OutcomeKind.DONE:
            break
    assert stack.gone("Storage", "disk")
    assert value(registry, "occi_operator_deletion_duration_seconds_count", kind="Storage") == 1
    assert value(registry, "occi_operator_managed_resource_exists", kind="Storage") == 0


def test_labels_stay_bounded_and_errors_name_their_class() -> None:
    metrics = OperatorMetrics(kinds=("Compute",))
    observe = metrics.request_observer("cloud")
    for target, status, error in (("4f1c2d9e-77aa", 200, None), ("compute", None,
                                                                 "ConnectError")):
        observe(RequestRecord(method="GET", target=target, status_code=status, error=error,
                              duration=0.01, limiter_wait=0.0))
    registry = metrics.registry
    assert value(registry, "occi_operator_occi_requests_total", endpoint="cloud",
                 method="GET", kind="other", code="200") == 1
    assert value(registry, "occi_operator_occi_requests_total", endpoint="cloud",
                 method="GET", kind="compute", code="ConnectError") == 1


def test_an_object_skipped_after_a_restart_is_counted_from_its_status() -> None:
    metrics = OperatorMetrics(kinds=("Compute",))
    status = {"location": "http://x/compute/1", "observedGeneration": 1, "conditions": [
        {"type": "Ready", "status": "True", "observedGeneration": 1}]}
    obj = KubeObject(type=rtype("Compute"), namespace=NAMESPACE, name="vm", uid="u1",
                     generation=1, resource_version="1", status=status)
    metrics.seen(obj)
    metrics.passed("Compute", Outcome.done())
    assert value(metrics.registry, "occi_operator_managed_resource_ready", kind="Compute") == 1
    assert value(metrics.registry, "occi_operator_time_to_first_ready_seconds_count",
                 kind="Compute") == 0


def test_each_metrics_object_has_its_own_registry() -> None:
    first, second = OperatorMetrics(kinds=("Compute",)), OperatorMetrics(kinds=("Compute",))
    first.passed("Compute", Outcome.done())
    assert value(first.registry, "occi_operator_reconcile_total", kind="Compute",
                 result="Success") == 1
    assert value(second.registry, "occi_operator_reconcile_total", kind="Compute",
                 result="Success") == 0


async def test_metrics_are_served_over_http() -> None:
    metrics = OperatorMetrics(kinds=("Compute",))
    metrics.passed("Compute", Outcome.done())
    runner = await serve(metrics.registry, host="127.0.0.1", port=0)
    try:
        host, port = runner.addresses[0][:2]
        async with httpx.AsyncClient() as client:
            answer = await client.get(f"http://{host}:{port}/metrics")
    finally:
        await runner.cleanup()
    assert answer.status_code == 200
    assert 'occi_operator_reconcile_total{kind="Compute",result="Success"} 1.0' in answer.text
    assert 'occi_operator_managed_resource_exists{kind="Compute"} 0.0' in answer.text
    assert "process_resident_memory_bytes" in answer.text  # the standard process metrics


def _samples(registry: CollectorRegistry, name: str) -> list:  # type: ignore[type-arg]
    return [s for m in registry.collect() for s in m.samples if s.name == name and s.value]


async def test_an_object_deleted_before_reaching_the_endpoint_is_no_longer_counted(
    stack: Stack,
) -> None:
    """No finalizer, so no delete pass: kopf's DELETED event (the 'gone' handler) forgets it."""
    registry = stack.runtime.metrics.registry
    stack.apply("NetworkInterface", "nic", {"computeRef": {"name": "absent"},
                                            "networkRef": {"name": "absent"}})
    outcome = await stack.step("NetworkInterface", "nic")
    assert outcome.reason.value == "WaitingForDependency"
    assert value(registry, "occi_operator_managed_resource_synced", kind="NetworkInterface") == 1
    stack.runtime.gone(stack.read("NetworkInterface", "nic").uid)
    assert value(registry, "occi_operator_managed_resource_synced", kind="NetworkInterface") == 0


def test_every_kind_has_a_gone_handler(stack: Stack) -> None:
    from occi_operator.reconciler.handlers import build_registry
    from occi_operator.reconciler.settings import OperatorSettings

    registry = build_registry(stack.runtime, OperatorSettings())
    watching = registry._watching.get_all_handlers()  # kopf has no public listing
    assert {h.selector.plural for h in watching if h.id == "gone"} == {
        adapter.info.plural for adapter in stack.runtime.adapters}
