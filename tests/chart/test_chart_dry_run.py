"""The API server accepts every custom resource the chart and the examples carry.

The chart is rendered by Helm's engine (``chart_render``); its CRDs — the files of
``crds/`` and the kopf peering CRDs its templates render — are applied to a testbed API
server of this module's own (the real ``apiextensions-apiserver``; see docs/testbed), and
then every custom resource of the chart (the peering objects, clusterwide and per
namespace) and of ``examples/`` goes through ``kubectl apply --dry-run=server``: the API
server runs its schema, defaults and CEL rules on each and stores nothing. A broken one
is refused with the rule's own message.

Not covered: the chart's ServiceMonitor (its CRD belongs to the Prometheus Operator) and
core objects (Deployment, RBAC), which the testbed does not serve; ``kubernetes-validate``
checks those offline (test_chart_render.py).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import Any

import helm_python as helm
import pytest
import yaml
from chart_render import CHART, ROOT, render_chart

from occi_operator.testbed.build import cache_root, cached_binaries
from occi_operator.testbed.cluster import TIER_ENV, Cluster, start_cluster

NAMESPACE = "dry-run"
#: The groups whose CRDs the chart ships; a custom resource of another group is not ours.
OUR_GROUPS = ("occi.occi-operator.dev", "kopf.dev")
PEERING_VALUES: list[dict[str, Any]] = [
    {"replicas": 2, "peering": {"enabled": True, "name": "occi"}},
    {"replicas": 2, "peering": {"enabled": True, "name": "occi"},
     "watch": {"namespaces": [NAMESPACE]}},
]


def _kubectl(
    cluster: Cluster, *arguments: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*cluster.kubectl_command(), *arguments], input=stdin, capture_output=True, text=True,
        env=cluster.env(), timeout=120, check=False,
    )


def _ok(cluster: Cluster, *arguments: str, stdin: str | None = None) -> str:
    done = _kubectl(cluster, *arguments, stdin=stdin)
    assert done.returncode == 0, f"kubectl {' '.join(arguments)}: {done.stderr}"
    return str(done.stdout)


def _group(document: dict[str, Any]) -> str:
    return str(document.get("apiVersion", "")).rpartition("/")[0]


def chart_documents(chart: helm.Chart) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The chart's CRDs (files and rendered) and its custom resources, over the scenarios."""
    crds = [yaml.safe_load(path.read_text()) for path in sorted((CHART / "crds").glob("*.yaml"))]
    resources: list[dict[str, Any]] = []
    for values in PEERING_VALUES:
        for manifest in render_chart(chart, values, namespace=NAMESPACE):
            body = dict(manifest.body)
            if body["kind"] == "CustomResourceDefinition":
                if all(c["metadata"]["name"] != body["metadata"]["name"] for c in crds):
                    crds.append(body)
            elif _group(body) in OUR_GROUPS:
                resources.append(body)
    return crds, resources


def example_documents() -> list[tuple[str, dict[str, Any]]]:
    """Every custom resource of ``examples/`` (recursively), with the file it came from."""
    found = []
    for path in sorted((ROOT / "examples").rglob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document and _group(document) in OUR_GROUPS:
                found.append((str(path.relative_to(ROOT)), document))
    return found


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Cluster, list[Any]]]:
    """A testbed API server with the chart's CRDs established; the chart's resources."""
    tier = os.environ.get(TIER_ENV, "")
    if tier != "emulated" and cached_binaries() is None:
        pytest.fail(f"NO TESTBED BINARIES IN {cache_root()}: run `occi-operator testbed build` "
                    f"(or set {TIER_ENV}=emulated, which validates nothing)", pytrace=False)
    with helm.Chart.load(str(CHART)) as chart:
        crds, resources = chart_documents(chart)
    cluster = start_cluster(tmp_path_factory.mktemp("dry-run-cluster"),
                            binaries=cached_binaries(), tier=tier or "real")
    try:
        _ok(cluster, "apply", "--server-side", "-f", "-", stdin=yaml.safe_dump_all(crds))
        _ok(cluster, "wait", "--for=condition=Established", "--timeout=60s",
            *(f"crd/{crd['metadata']['name']}" for crd in crds))
        namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}}
        _ok(cluster, "apply", "--validate=false", "-f", "-", stdin=yaml.safe_dump(namespace))
        yield cluster, resources
    finally:
        cluster.stop()


def _dry_run(cluster: Cluster, document: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    return _kubectl(cluster, "apply", "--dry-run=server", "--validate=false",
                    f"--namespace={NAMESPACE}", "-f", "-", stdin=yaml.safe_dump(document))


def test_the_chart_and_the_examples_carry_custom_resources() -> None:
    """The lists below are not empty by accident: the example stack and PaaS are there."""
    kinds = {document["kind"] for _, document in example_documents()}
    assert {"OCCIEndpoint", "Network", "Storage", "Compute", "NetworkInterface",
            "StorageLink"} <= kinds


def test_the_api_server_accepts_every_custom_resource(
    served: tuple[Cluster, list[dict[str, Any]]],
) -> None:
    cluster, chart_resources = served
    assert {r["kind"] for r in chart_resources} == {"ClusterKopfPeering", "KopfPeering"}
    documents = [("chart", r) for r in chart_resources] + example_documents()
    refused = []
    for source, document in documents:
        done = _dry_run(cluster, document)
        if done.returncode != 0 or "(server dry run)" not in done.stdout:
            refused.append(f"{source} {document['kind']}/{document['metadata']['name']}: "
                           f"{done.stderr.strip() or done.stdout.strip()}")
    assert not refused, "\n".join(refused)
    # A dry run stores nothing.
    assert _ok(cluster, "get", "occi", f"--namespace={NAMESPACE}", "-o", "name").strip() == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"managementPolicy": "unmanaged"},
                     "an unmanaged object must set import", id="unmanaged-without-import"),
        pytest.param({"resource": {"resourceTemplate": "small", "cores": 0}},
                     "spec.resource.cores", id="cores-below-minimum"),
    ],
)
def test_the_api_server_refuses_a_broken_one_saying_why(
    served: tuple[Cluster, list[dict[str, Any]]], change: dict[str, Any], message: str,
    request: pytest.FixtureRequest,
) -> None:
    cluster, _ = served
    if cluster.tier == "emulated":
        request.applymarker(pytest.mark.xfail(
            strict=True, reason="THE EMULATED API TIER ENFORCES NO SCHEMA AND NO CEL RULE"))
    compute = next(d for _, d in example_documents() if d["kind"] == "Compute")
    broken = {**compute, "spec": {**compute["spec"], **change}}
    done = _dry_run(cluster, broken)
    assert done.returncode != 0, done.stdout
    assert message in done.stderr, done.stderr
