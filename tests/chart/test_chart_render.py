"""The chart renders (genuine Helm engine) into valid Kubernetes objects that run safely.

Every rendered object is validated against the Kubernetes OpenAPI schemas with
``kubernetes-validate`` in strict mode (unknown fields fail). Objects of other projects'
CRDs have no schema there: kopf's peerings are checked in test_chart_peering.py, the
ServiceMonitor's fields here.
"""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest
from chart_render import NAMESPACE, SCENARIOS, Manifest, Render, only

from occi_operator.cli.main import build_parser
from occi_operator.cli.run import settings_from
from occi_operator.reconciler.settings import OperatorSettings

KUBERNETES = "1.30.0"
#: Kinds that no Kubernetes schema knows, and what the tests check them against instead.
FOREIGN_KINDS = {"ServiceMonitor", "ClusterKopfPeering", "KopfPeering"}

CASES = [pytest.param(values, id=name) for name, values, _why in SCENARIOS]


def _container(manifests: list[Manifest]) -> dict[str, Any]:
    (deployment,) = only(manifests, "Deployment")
    (container,) = deployment.body["spec"]["template"]["spec"]["containers"]
    return dict(container)


def _settings(container: dict[str, Any]) -> OperatorSettings:
    """What the real `occi-operator run` makes of the rendered arguments."""
    args = build_parser().parse_args(["run", *container["args"]])
    return settings_from(args)


@pytest.mark.parametrize("values", CASES)
def test_every_manifest_is_valid_kubernetes(render: Render, values: dict[str, Any]) -> None:
    manifests = render(values)
    assert manifests
    for manifest in manifests:
        if manifest.kind in FOREIGN_KINDS:
            continue
        kubernetes_validate.validate(dict(manifest.body), KUBERNETES, strict=True)


@pytest.mark.parametrize("values", CASES)
def test_the_pod_runs_locked_down(render: Render, values: dict[str, Any]) -> None:
    manifests = render(values)
    (deployment,) = only(manifests, "Deployment")
    pod = deployment.body["spec"]["template"]["spec"]
    container = _container(manifests)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    assert container["resources"]["requests"]
    assert container["resources"]["limits"]


@pytest.mark.parametrize("values", CASES)
def test_the_arguments_are_understood_by_occi_operator_run(
    render: Render, values: dict[str, Any]
) -> None:
    container = _container(render(values))
    settings = _settings(container)
    watch = values.get("watch", {})
    assert settings.kubernetes.in_cluster
    assert settings.operator_namespace == NAMESPACE
    assert settings.watch.namespaces == tuple(watch.get("namespaces", ()))
    assert settings.watch.label_selector == (watch.get("labelSelector") or None)
    peering = values.get("peering", {})
    assert settings.peering.standalone is not peering.get("enabled", False)
    if peering.get("enabled"):
        assert settings.peering.name == peering["name"]
        assert settings.peering.random_priority  # replicas share one pod template
    assert settings.probe.port == values.get("probe", {}).get("port", 8080)  # chart default


@pytest.mark.parametrize("values", CASES)
def test_the_probes_point_at_the_probe_endpoint(render: Render, values: dict[str, Any]) -> None:
    container = _container(render(values))
    port = _settings(container).probe.port
    if not port:
        assert "livenessProbe" not in container
        assert "readinessProbe" not in container
        return
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["probe"] == port
    for probe in ("livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "probe"}


def test_the_image_defaults_to_the_app_version(render: Render) -> None:
    container = _container(render())
    assert container["image"] == "ghcr.io/occi-operator/occi-operator:0.1.0"
    tagged = _container(render({"image": {"repository": "r.example/occi", "tag": "dev",
                                          "pullPolicy": "Always"}}))
    assert tagged["image"] == "r.example/occi:dev"


def test_standalone_never_runs_two_operators_during_a_rollout(render: Render) -> None:
    (deployment,) = only(render(), "Deployment")
    assert deployment.body["spec"]["strategy"] == {"type": "Recreate"}
    (peered,) = only(render({"replicas": 2, "peering": {"enabled": True, "name": "p"}}),
                     "Deployment")
    assert peered.body["spec"]["replicas"] == 2
    assert "strategy" not in peered.body["spec"]  # rolling: a standby takes over


@pytest.mark.parametrize(
    ("values", "kinds"),
    [
        pytest.param({"metrics": {"enabled": False}}, set(), id="off"),
        pytest.param({}, {"Service"}, id="service-by-default"),
        pytest.param({"metrics": {"enabled": True, "serviceMonitor": {"enabled": True}}},
                     {"Service", "ServiceMonitor"}, id="with-service-monitor"),
    ],
)
def test_metrics_objects_follow_metrics_enabled(
    render: Render, values: dict[str, Any], kinds: set[str]
) -> None:
    manifests = render(values)
    assert {m.kind for m in manifests} & {"Service", "ServiceMonitor"} == kinds
    if "Service" in kinds:
        (service,) = only(manifests, "Service")
        (port,) = service.body["spec"]["ports"]
        assert port["targetPort"] == "metrics"
        container = _container(manifests)
        assert {"name": "metrics", "containerPort": 9090, "protocol": "TCP"} in container["ports"]
        assert "--metrics-port=9090" in container["args"]
    else:
        assert "--metrics-port=0" in _container(manifests)["args"]
    if "ServiceMonitor" in kinds:
        (monitor,) = only(manifests, "ServiceMonitor")
        assert monitor.body["apiVersion"] == "monitoring.coreos.com/v1"
        assert monitor.body["spec"]["endpoints"][0]["port"] == "metrics"
        (service,) = only(manifests, "Service")
        selector = monitor.body["spec"]["selector"]["matchLabels"]
        assert selector.items() <= service.body["metadata"]["labels"].items()


def test_every_object_carries_the_release_labels(render: Render) -> None:
    values = {"peering": {"enabled": True, "name": "p"}, "metrics": {"enabled": True}}
    for manifest in render(values):
        labels = manifest.body["metadata"]["labels"]
        assert labels["app.kubernetes.io/instance"] == "occi", manifest.source
        assert labels["app.kubernetes.io/managed-by"] == "Helm", manifest.source
