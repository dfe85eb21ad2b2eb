"""A real run is observable: Prometheus metrics move, JSON logs name their object, no secret.

The module runs an operator of its own — on a private cluster (the session's operator
watches every namespace of the session's cluster), with ``--metrics-port`` and
``--log-format json`` set through its environment — against an embedded endpoint that
wants HTTP Basic. The metrics are scraped from ``GET /metrics`` while a Compute is
created, becomes Ready, is resized (drift corrected) and deleted; the log is parsed line
by line after a wrong password and its rotation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from chaos_support import Operator, private_cluster
from e2e_kube import MANAGED_PLURALS, Kubectl, is_ready, wait_until
from e2e_services import Service, start_endpoint
from prometheus_client.parser import text_string_to_metric_families

from occi_operator.testbed.cluster import Cluster
from occi_operator.testbed.process import free_port

API = "occi.occi-operator.dev/v1alpha1"
COMPUTE = MANAGED_PLURALS["Compute"]
NETWORK = MANAGED_PLURALS["Network"]
USER = "metrics-user"
RIGHT = "metrics-horse-battery-staple"
WRONG = "metrics-tr0ub4dor-and-3"


class Observed:
    """The private operator of this module, its namespace and its metrics URL."""

    def __init__(self, kube: Kubectl, operator: Operator, metrics_url: str) -> None:
        self.kube = kube
        self.operator = operator
        self.metrics_url = metrics_url
        self.namespace = kube.namespace or ""

    def apply(self, *documents: dict[str, Any]) -> None:
        self.kube("apply", "--validate=false", "-f", "-", stdin=yaml.safe_dump_all(documents))

    def scrape(self) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
        """Every sample of ``GET /metrics``, by name and labels."""
        with httpx.Client(trust_env=False, timeout=5.0) as http:
            answer = http.get(self.metrics_url)
        answer.raise_for_status()
        return {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(answer.text)
            for sample in family.samples
        }

    def value(self, name: str, **labels: str) -> float:
        return self.scrape().get((name, frozenset(labels.items())), 0.0)

    def log_lines(self) -> list[str]:
        return self.operator.log.read_text(errors="replace").splitlines()


def secret(password: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "credentials"},
            "type": "Opaque", "stringData": {"username": USER, "password": password}}


@pytest.fixture(scope="module")
def observed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Observed]:
    """A private cluster, an endpoint with Basic auth and an operator with metrics, JSON logs."""
    cluster: Cluster = private_cluster(tmp_path_factory.mktemp("metrics-cluster"))
    endpoint: Service | None = None
    operator: Operator | None = None
    try:
        endpoint = start_endpoint(tmp_path_factory.mktemp("metrics-endpoint"),
                                  name="metrics-endpoint", users={USER: RIGHT})
        kubectl = Kubectl(cluster.kubectl_command(), cluster.env())
        namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "observed"}}
        kubectl("apply", "--validate=false", "-f", "-", stdin=yaml.safe_dump(namespace))
        kube = kubectl.in_namespace("observed")
        port = free_port()
        operator = Operator(tmp_path_factory.mktemp("metrics-operator"), cluster, "observed", {
            "OCCI_OPERATOR_METRICS__PORT": str(port),
            "OCCI_OPERATOR_METRICS__HOST": "127.0.0.1",
            "OCCI_OPERATOR_LOG_FORMAT": "json",
        })
        operator.start()
        world = Observed(kube, operator, f"http://127.0.0.1:{port}/metrics")
        world.apply(secret(RIGHT), {
            "apiVersion": API, "kind": "OCCIEndpoint", "metadata": {"name": "cloud"},
            "spec": {"url": endpoint.url, "auth": "basic",
                     "credentialsSecretRef": {"name": "credentials"}},
        })
        yield world
    finally:
        if operator is not None:
            operator.stop()
        if endpoint is not None:
            endpoint.stop()
        cluster.stop()


def ready_at_generation(kube: Kubectl, plural: str, name: str) -> dict[str, Any] | None:
    obj = kube.get(plural, name)
    handled = obj.get("status", {}).get("observedGeneration") == obj["metadata"]["generation"]
    return obj if handled and is_ready(obj) else None


def test_metrics_follow_create_ready_drift_and_delete(observed: Observed) -> None:
    kube, endpoint = observed.kube, f"{observed.namespace}/cloud"
    before = observed.scrape()
    assert ("occi_operator_managed_resource_exists", frozenset({("kind", "Compute")})) in before
    observed.apply({
        "apiVersion": API, "kind": "Compute", "metadata": {"name": "watched"},
        "spec": {"endpointRef": {"name": "cloud"},
                 "resource": {"resourceTemplate": "small", "osTemplate": "cirros"}},
    })
    wait_until(lambda: ready_at_generation(kube, COMPUTE, "watched"),
               what="the Compute to become Ready", alive=observed.operator.dead)
    assert observed.value("occi_operator_occi_requests_total", endpoint=endpoint,
                          method="POST", kind="compute", code="201") == 1
    assert observed.value("occi_operator_occi_request_duration_seconds_count",
                          endpoint=endpoint, method="GET") >= 1
    assert observed.value("occi_operator_rate_limiter_wait_seconds_count",
                          endpoint=endpoint) >= 2
    assert observed.value("occi_operator_reconcile_total", kind="Compute",
                          result="Success") >= 1
    assert observed.value("occi_operator_reconcile_total", kind="Compute",
                          result="Progressing") >= 1
    assert observed.value("occi_operator_managed_resource_ready", kind="Compute") == 1
    assert observed.value("occi_operator_managed_resource_exists", kind="Compute") == 1
    assert observed.value("occi_operator_time_to_first_ready_seconds_count",
                          kind="Compute") == 1

    kube.patch(COMPUTE, "watched", {"spec": {"resource": {"cores": 2}}})
    wait_until(lambda: (obj := ready_at_generation(kube, COMPUTE, "watched"))
               and obj["status"].get("cores") == 2,
               what="the Compute to be resized", alive=observed.operator.dead)
    drift = {"kind": "Compute", "field": "cores"}
    assert observed.value("occi_operator_drift_found_total", **drift) >= 1
    assert observed.value("occi_operator_drift_corrected_total", **drift) >= 1

    kube("delete", COMPUTE, "watched", "--wait=false")
    wait_until(lambda: kube.find(COMPUTE, "watched") is None, what="the Compute to go",
               alive=observed.operator.dead)
    wait_until(lambda: observed.value("occi_operator_deletion_duration_seconds_count",
                                      kind="Compute") == 1,
               what="the deletion to be timed", timeout=10)
    assert observed.value("occi_operator_managed_resource_exists", kind="Compute") == 0
    assert observed.value("occi_operator_occi_requests_total", endpoint=endpoint,
                          method="DELETE", kind="compute", code="200") >= 1


def test_an_object_deleted_before_reaching_the_endpoint_stops_counting(
    observed: Observed,
) -> None:
    kube, gauge = observed.kube, "occi_operator_managed_resource_synced"
    observed.apply({
        "apiVersion": API, "kind": "NetworkInterface", "metadata": {"name": "dangling"},
        "spec": {"endpointRef": {"name": "cloud"},
                 "resource": {"computeRef": {"name": "absent"},
                              "networkRef": {"name": "absent"}}},
    })
    wait_until(lambda: observed.value(gauge, kind="NetworkInterface") == 1,
               what="the waiting link to be counted", alive=observed.operator.dead)
    kube("delete", MANAGED_PLURALS["NetworkInterface"], "dangling")  # no finalizer: at once
    wait_until(lambda: observed.value(gauge, kind="NetworkInterface") == 0,
               what="the deleted link to be forgotten", alive=observed.operator.dead)


def test_json_logs_name_object_and_endpoint_and_never_the_password(
    observed: Observed, tmp_path: Path
) -> None:
    kube = observed.kube
    observed.apply({
        "apiVersion": API, "kind": "OCCIEndpoint", "metadata": {"name": "refusing"},
        "spec": {"url": _endpoint_url(kube), "auth": "basic",
                 "credentialsSecretRef": {"name": "wrong-credentials"}},
    }, {**secret(WRONG), "metadata": {"name": "wrong-credentials"}}, {
        "apiVersion": API, "kind": "Network", "metadata": {"name": "logged"},
        "spec": {"endpointRef": {"name": "refusing"}, "resource": {"title": "logged"}},
    })
    wait_until(lambda: any('"logged"' in line and '"severity": "error"' in line
                           for line in observed.log_lines()),
               what="the refused pass to be logged", alive=observed.operator.dead)
    observed.apply({**secret(RIGHT), "metadata": {"name": "wrong-credentials"}})  # rotation
    wait_until(lambda: ready_at_generation(kube, NETWORK, "logged"),
               what="the Network to become Ready after the rotation",
               alive=observed.operator.dead)
    records = [json.loads(line) for line in observed.log_lines() if line.strip()]
    text = "\n".join(observed.log_lines())
    assert WRONG not in text
    assert RIGHT not in text
    about = [r for r in records if (r.get("object") or {}).get("name") == "logged"]
    assert len(about) >= 2, records[-20:]
    for record in about:
        assert record["object"]["namespace"] == observed.namespace, record
        assert record["endpoint"] == f"{observed.namespace}/refusing", record


def _endpoint_url(kube: Kubectl) -> str:
    return str(kube.get("occiendpoints", "cloud")["spec"]["url"])
