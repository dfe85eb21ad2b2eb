"""Rendering charts/occi-operator with a genuine Helm engine, and the value scenarios.

The engine is Helm's own Go SDK (v4), embedded in the PyPI package ``helm-python-sdk``
(import name ``helm_python``: a C ABI over helm.sh/helm/v4, loaded with ctypes) — the
same code path as ``helm template``, including values.schema.json validation and
template ``fail``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "occi-operator"
RELEASE = "occi"
NAMESPACE = "occi-system"


@dataclass(frozen=True)
class Manifest:
    """One rendered object and the template it came from."""

    source: str
    body: Mapping[str, Any]

    @property
    def kind(self) -> str:
        """The object's kind."""
        return str(self.body["kind"])

    @property
    def name(self) -> str:
        """The object's name."""
        return str(self.body["metadata"]["name"])

    @property
    def namespace(self) -> str | None:
        """The object's namespace, if the template sets one."""
        value = self.body["metadata"].get("namespace")
        return None if value is None else str(value)


Render = Callable[..., list[Manifest]]


def render_chart(
    chart: helm.Chart, values: Mapping[str, Any] | None = None, *, namespace: str = NAMESPACE
) -> list[Manifest]:
    """Render like ``helm template RELEASE CHART -n NAMESPACE -f values`` (an install)."""
    files = chart.render(dict(values or {}), name=RELEASE, namespace=namespace, is_install=True)
    found: list[Manifest] = []
    for source, text in sorted(files.items()):
        if source.endswith("NOTES.txt"):
            continue
        for body in yaml.safe_load_all(text):
            if body:
                found.append(Manifest(source, body))
    return found


def only(manifests: list[Manifest], kind: str) -> list[Manifest]:
    """The manifests of one kind."""
    return [m for m in manifests if m.kind == kind]


#: Value sets every render test runs over: (id, values, why).
SCENARIOS: list[tuple[str, dict[str, Any], str]] = [
    ("defaults", {}, "what `helm install` without values gives"),
    ("namespaces", {"watch": {"namespaces": ["team-a", "team-b"]}},
     "a namespace list: Roles per namespace"),
    ("namespaces-incl-own-and-default",
     {"watch": {"namespaces": [NAMESPACE, "default"]}},
     "the operator's own namespace and default are watched: no extra Roles"),
    ("label-selector", {"watch": {"labelSelector": "shard=a"}},
     "sharding by label: cluster-wide RBAC, --selector"),
    ("peering-clusterwide", {"replicas": 3, "peering": {"enabled": True, "name": "occi"}},
     "active/standby across the cluster: ClusterKopfPeering"),
    ("peering-namespaces",
     {"replicas": 2, "peering": {"enabled": True, "name": "occi"},
      "watch": {"namespaces": ["team-a"]}},
     "active/standby per namespace: KopfPeering"),
    ("peering-without-crds", {"peering": {"enabled": True, "name": "occi", "installCRDs": False}},
     "another chart installs kopf's CRDs"),
    ("metrics", {"metrics": {"enabled": True, "serviceMonitor": {"enabled": True}}},
     "metrics Service and ServiceMonitor"),
    ("no-probes", {"probe": {"port": 0}}, "probes off"),
    ("existing-service-account",
     {"serviceAccount": {"create": False, "name": "ops"}, "rbac": {"create": False}},
     "the platform team brings its own account and RBAC"),
]
