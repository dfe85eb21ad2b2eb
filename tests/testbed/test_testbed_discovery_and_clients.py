"""Discovery as kopf and kubectl need it, and the real clients against the front.

kopf waits silently forever when discovery lacks ``v1/namespaces``, ``v1/events`` or
``apiextensions.k8s.io/v1/customresourcedefinitions``; kubectl needs ``/api``, ``/apis``
and the per-group resource lists.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import httpx
import yaml
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config

from occi_operator.testbed.cluster import Cluster
from occi_operator.testbed.core import PRIVATE_GROUP


def _kubectl(testbed: Cluster, *arguments: str, stdin: str = "") -> str:
    result = subprocess.run(
        testbed.kubectl_command(*arguments),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_core_discovery_lists_what_kopf_needs(api: httpx.Client) -> None:
    assert api.get("/api").json()["versions"] == ["v1"]
    resources = {r["name"]: r for r in api.get("/api/v1").json()["resources"]}
    assert {"namespaces", "events", "secrets"} <= set(resources)
    assert resources["namespaces"]["namespaced"] is False
    assert {"list", "watch", "create", "patch"} <= set(resources["events"]["verbs"])


def test_group_discovery_lists_crd_groups_and_hides_the_private_one(
    api: httpx.Client, crd: dict[str, Any]
) -> None:
    groups = {g["name"]: g for g in api.get("/apis").json()["groups"]}
    assert "apiextensions.k8s.io" in groups
    assert groups[crd["spec"]["group"]]["preferredVersion"]["version"] == "v1alpha1"
    assert PRIVATE_GROUP not in groups
    crds = api.get("/apis/apiextensions.k8s.io/v1").json()["resources"]
    assert "customresourcedefinitions" in [r["name"] for r in crds]
    widgets = api.get(f"/apis/{crd['spec']['group']}/v1alpha1").json()["resources"]
    assert "widgets" in [r["name"] for r in widgets]


def test_version_names_the_kubernetes_release(api: httpx.Client, testbed: Cluster) -> None:
    version = api.get("/version").json()
    assert version["gitVersion"] == testbed.kubernetes_version
    assert version["major"] == "1"


def test_kubectl_applies_and_gets_custom_and_core_objects(
    testbed: Cluster, crd: dict[str, Any], namespace: str
) -> None:
    manifests = [
        {"apiVersion": f"{crd['spec']['group']}/v1alpha1", "kind": "Widget",
         "metadata": {"name": "applied", "namespace": namespace}, "spec": {"color": "teal"}},
        {"apiVersion": "v1", "kind": "Secret",
         "metadata": {"name": "applied", "namespace": namespace}, "stringData": {"k": "v"}},
    ]  # fmt: skip
    text = yaml.safe_dump_all(manifests)
    _kubectl(testbed, "apply", "--validate=false", "-f", "-", stdin=text)
    manifests[0]["spec"]["color"] = "navy"  # a second apply patches
    manifests[1]["stringData"] = {"k": "w"}
    _kubectl(testbed, "apply", "--validate=false", "-f", "-", stdin=yaml.safe_dump_all(manifests))
    widget = yaml.safe_load(_kubectl(testbed, "get", "widget", "applied", "-n", namespace,
                                     "-o", "yaml"))  # fmt: skip
    assert widget["spec"] == {"color": "navy", "size": 1}
    secret = yaml.safe_load(_kubectl(testbed, "get", "secret", "applied", "-n", namespace,
                                     "-o", "yaml"))  # fmt: skip
    assert secret["data"] == {"k": "dw=="}
    assert "applied" in _kubectl(testbed, "get", "widgets", "-n", namespace)
    assert namespace in _kubectl(testbed, "get", "namespaces")


def test_the_kubernetes_client_works_through_the_kubeconfig(
    testbed: Cluster, crd: dict[str, Any], namespace: str, tmp_path: Path
) -> None:
    api_client = k8s_config.new_client_from_config(config_file=str(testbed.kubeconfig))
    with api_client:
        core = k8s_client.CoreV1Api(api_client)
        assert namespace in [n.metadata.name for n in core.list_namespace().items]
        core.create_namespaced_secret(
            namespace, {"metadata": {"name": "from-client"}, "stringData": {"a": "b"}}
        )
        assert core.read_namespaced_secret("from-client", namespace).data == {"a": "Yg=="}
        custom = k8s_client.CustomObjectsApi(api_client)
        group = crd["spec"]["group"]
        body = {"apiVersion": f"{group}/v1alpha1", "kind": "Widget",
                "metadata": {"name": "from-client"}, "spec": {}}  # fmt: skip
        # kubernetes 37 sends no Content-Type here; a real server answers 415 without it
        custom.create_namespaced_custom_object(
            group, "v1alpha1", namespace, "widgets", body,
            _headers={"Content-Type": "application/json"},
        )  # fmt: skip
        listed = custom.list_namespaced_custom_object(group, "v1alpha1", namespace, "widgets")
        assert [item["metadata"]["name"] for item in listed["items"]] == ["from-client"]
