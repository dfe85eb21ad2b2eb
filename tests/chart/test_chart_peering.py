"""Optional kopf peering: kopf's CRDs, the peering object the replicas share, its scope.

kopf (1.45) uses a ClusterKopfPeering when it serves every namespace and a KopfPeering in
each served namespace otherwise (``clusterwide = not settings.watch.namespaces`` in
reconciler/handlers.py); with peering mandatory it needs the object to exist.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from chart_render import Manifest, Render, only

PEERED = {"replicas": 2, "peering": {"enabled": True, "name": "occi"}}


def _crds(manifests: list[Manifest]) -> dict[str, dict[str, Any]]:
    return {
        m.body["spec"]["names"]["kind"]: dict(m.body)
        for m in only(manifests, "CustomResourceDefinition")
    }


def test_no_peering_objects_when_standalone(render: Render) -> None:
    kinds = {m.kind for m in render()}
    assert not kinds & {"ClusterKopfPeering", "KopfPeering", "CustomResourceDefinition"}


def test_kopf_crds_are_shipped_and_kept(render: Render) -> None:
    crds = _crds(render(PEERED))
    assert set(crds) == {"ClusterKopfPeering", "KopfPeering"}
    assert crds["ClusterKopfPeering"]["spec"]["scope"] == "Cluster"
    assert crds["KopfPeering"]["spec"]["scope"] == "Namespaced"
    for kind, crd in crds.items():
        assert crd["metadata"]["name"] == f"{kind.lower()}s.kopf.dev"
        assert crd["spec"]["group"] == "kopf.dev"
        assert crd["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
        (version,) = crd["spec"]["versions"]
        assert version["name"] == "v1"
        assert version["served"]
        assert version["storage"]
        status = version["schema"]["openAPIV3Schema"]["properties"]["status"]
        assert status["x-kubernetes-preserve-unknown-fields"] is True  # peers write freely


def test_kopf_crds_can_be_left_to_another_chart(render: Render) -> None:
    manifests = render({"peering": {"enabled": True, "name": "occi", "installCRDs": False}})
    assert not only(manifests, "CustomResourceDefinition")
    assert only(manifests, "ClusterKopfPeering")


@pytest.mark.parametrize(
    ("watch", "kind", "namespaces"),
    [
        pytest.param({}, "ClusterKopfPeering", [None], id="every-namespace"),
        pytest.param({"labelSelector": "shard=a"}, "ClusterKopfPeering", [None],
                     id="label-selector-is-cluster-wide"),
        pytest.param({"namespaces": ["a", "b"]}, "KopfPeering", ["a", "b"], id="namespace-list"),
    ],
)
def test_the_peering_object_matches_kopfs_scope(
    render: Render, watch: dict[str, Any], kind: str, namespaces: list[str | None]
) -> None:
    manifests = render({**PEERED, "watch": watch})
    peerings = [m for m in manifests if m.kind.endswith("KopfPeering")]
    assert {m.kind for m in peerings} == {kind}
    assert sorted(m.namespace or "" for m in peerings) == sorted(n or "" for n in namespaces)
    (deployment,) = only(manifests, "Deployment")
    args = deployment.body["spec"]["template"]["spec"]["containers"][0]["args"]
    assert "--peering=occi" in args
    schema = _crds(manifests)[kind]["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    for peering in peerings:
        assert peering.name == "occi"
        assert peering.body["apiVersion"] == "kopf.dev/v1"
        jsonschema.validate(dict(peering.body), _json_schema(schema))
        # Created after the CRDs exist: a hook, replaced on upgrade.
        hook = peering.body["metadata"]["annotations"]
        assert hook["helm.sh/hook"] == "post-install,post-upgrade"
        assert hook["helm.sh/hook-delete-policy"] == "before-hook-creation"


def _json_schema(openapi: Any) -> Any:
    """The CRD's structural schema as JSON Schema (drop the x-kubernetes-* markers)."""
    if isinstance(openapi, dict):
        return {k: _json_schema(v) for k, v in openapi.items() if not k.startswith("x-")}
    return openapi
