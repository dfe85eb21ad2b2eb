"""Custom resources on the testbed behave as on a real cluster: the server is the real one.

Registration, create/get/list, the status subresource, generation, conflicts, CEL rules,
JSON-patch tests, watches from a resourceVersion, deletion with finalizers.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from occi_operator.testbed.cluster import Cluster

JSON = {"Content-Type": "application/json"}
MERGE = {"Content-Type": "application/merge-patch+json"}


@pytest.fixture
def widgets(crd: dict[str, Any], namespace: str) -> str:
    """The URL of the Widget collection in this test's namespace."""
    return f"/apis/{crd['spec']['group']}/v1alpha1/namespaces/{namespace}/widgets"


def _widget(name: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "widgets.testbed.example/v1alpha1",
        "kind": "Widget",
        "metadata": {"name": name},
        "spec": spec,
    }


def test_a_registered_crd_is_served_and_listed(api: httpx.Client, widgets: str) -> None:
    answer = api.get(widgets)
    assert answer.status_code == 200
    assert answer.json()["kind"] == "WidgetList"
    crds = api.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions").json()["items"]
    assert "widgets.widgets.testbed.example" in [c["metadata"]["name"] for c in crds]


def test_create_get_list_and_delete(api: httpx.Client, widgets: str) -> None:
    created = api.post(widgets, json=_widget("w1", color="red"))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["metadata"]["uid"]
    assert body["metadata"]["generation"] == 1
    assert body["spec"] == {"color": "red", "size": 1}  # the schema default applied
    assert api.get(f"{widgets}/w1").json()["spec"]["color"] == "red"
    assert [i["metadata"]["name"] for i in api.get(widgets).json()["items"]] == ["w1"]
    assert api.delete(f"{widgets}/w1").status_code == 200
    assert api.get(f"{widgets}/w1").status_code == 404


def test_unknown_fields_are_pruned(api: httpx.Client, widgets: str, real_server: Cluster) -> None:
    document = _widget("pruned", color="blue")
    document["spec"]["unknown"] = "dropped"
    created = api.post(widgets, json=document)
    assert created.status_code == 201
    assert "unknown" not in created.json()["spec"]


def test_status_subresource_does_not_touch_spec_or_generation(
    api: httpx.Client, widgets: str
) -> None:
    api.post(widgets, json=_widget("w2", color="red"))
    patched = api.patch(
        f"{widgets}/w2/status",
        content=json.dumps({"status": {"phase": "Ready"}, "spec": {"color": "green"}}),
        headers=MERGE,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["status"] == {"phase": "Ready"}
    assert patched.json()["spec"]["color"] == "red"  # spec changes via /status are ignored
    assert patched.json()["metadata"]["generation"] == 1
    respec = api.patch(f"{widgets}/w2", content=json.dumps({"spec": {"color": "green"}}),
                       headers=MERGE)  # fmt: skip
    assert respec.json()["metadata"]["generation"] == 2
    assert respec.json()["status"] == {"phase": "Ready"}


def test_cel_rule_refuses_an_invalid_object(
    api: httpx.Client, widgets: str, real_server: Cluster
) -> None:
    refused = api.post(widgets, json=_widget("big", size=11))
    assert refused.status_code == 422
    assert "size must be at most 10" in refused.json()["message"]


def test_stale_resource_version_is_a_conflict(api: httpx.Client, widgets: str) -> None:
    first = api.post(widgets, json=_widget("w3", color="red")).json()
    api.patch(f"{widgets}/w3", content=json.dumps({"spec": {"color": "blue"}}), headers=MERGE)
    first["spec"]["color"] = "black"
    assert api.put(f"{widgets}/w3", json=first).status_code == 409


def test_failed_json_patch_test_is_422(api: httpx.Client, widgets: str) -> None:
    api.post(widgets, json=_widget("w4"))
    operations = [
        {"op": "test", "path": "/metadata/resourceVersion", "value": "1"},
        {"op": "add", "path": "/metadata/finalizers", "value": ["x.example/f"]},
    ]
    answer = api.patch(f"{widgets}/w4", content=json.dumps(operations),
                       headers={"Content-Type": "application/json-patch+json"})  # fmt: skip
    assert answer.status_code == 422


def test_a_patch_without_content_type_is_415(api: httpx.Client, widgets: str) -> None:
    api.post(widgets, json=_widget("w5"))
    answer = api.patch(f"{widgets}/w5", content=json.dumps({"spec": {"size": 2}}))
    assert answer.status_code == 415


def test_finalizer_holds_deletion_until_removed(api: httpx.Client, widgets: str) -> None:
    document = _widget("w6")
    document["metadata"]["finalizers"] = ["x.example/hold"]
    api.post(widgets, json=document)
    assert api.delete(f"{widgets}/w6").status_code == 200
    held = api.get(f"{widgets}/w6").json()
    assert held["metadata"]["deletionTimestamp"]
    more = api.patch(f"{widgets}/w6",
                     content=json.dumps({"metadata": {"finalizers": ["x.example/hold", "y/z"]}}),
                     headers=MERGE)  # fmt: skip
    assert more.status_code == 422  # no new finalizers while deleting
    api.patch(f"{widgets}/w6", content=json.dumps({"metadata": {"finalizers": None}}),
              headers=MERGE)  # fmt: skip
    assert api.get(f"{widgets}/w6").status_code == 404


def test_a_watch_from_a_resource_version_sees_later_events(api: httpx.Client, widgets: str) -> None:
    since = api.get(widgets).json()["metadata"]["resourceVersion"]
    api.post(widgets, json=_widget("watched"))
    api.delete(f"{widgets}/watched")
    seen: list[tuple[str, str]] = []
    url = f"{widgets}?watch=true&resourceVersion={since}&timeoutSeconds=10"
    with api.stream("GET", url) as stream:
        for line in stream.iter_lines():
            event = json.loads(line)
            seen.append((event["type"], event["object"]["metadata"]["name"]))
            if event["type"] == "DELETED":
                break
    assert seen == [("ADDED", "watched"), ("DELETED", "watched")]


def test_large_lists_pass_through_gzipped(
    api: httpx.Client, widgets: str, real_server: Cluster
) -> None:
    # The server gzips answers over 128 KiB; the front must pass them through untouched.
    padding = "x" * 1000
    for index in range(160):
        api.post(widgets, json=_widget(f"bulk-{index}", color=padding))
    with api.stream("GET", widgets, headers={"Accept-Encoding": "gzip"}) as stream:
        raw = b"".join(stream.iter_raw())
        assert stream.headers.get("content-encoding") == "gzip"
    assert len(raw) < 100_000  # still compressed on the wire
    assert len(api.get(widgets).json()["items"]) == 160
