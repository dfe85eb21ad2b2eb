"""Core/v1 namespaces, secrets and events through the front, with real API semantics.

They are custom resources of a private group behind the front; clients must see plain
``v1`` objects, ``v1`` watch events and ``v1``-worded errors.
"""

from __future__ import annotations

import base64
import json

import httpx
import pytest

MERGE = {"Content-Type": "application/merge-patch+json"}


def _secret(name: str, **fields: object) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, **fields}


def test_secret_lifecycle(api: httpx.Client, namespace: str) -> None:
    secrets = f"/api/v1/namespaces/{namespace}/secrets"
    created = api.post(secrets, json=_secret("creds", data={"user": "YWxpY2U="}))
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["apiVersion"], body["kind"], body["type"]) == ("v1", "Secret", "Opaque")
    assert body["metadata"]["namespace"] == namespace
    assert api.get(f"{secrets}/creds").json()["data"] == {"user": "YWxpY2U="}
    listing = api.get(secrets).json()
    assert (listing["apiVersion"], listing["kind"]) == ("v1", "SecretList")
    assert [item["apiVersion"] for item in listing["items"]] == ["v1"]
    assert api.delete(f"{secrets}/creds").status_code == 200
    gone = api.get(f"{secrets}/creds")
    assert gone.status_code == 404
    assert gone.json()["message"] == 'secrets "creds" not found'


def test_string_data_is_merged_into_data(api: httpx.Client, namespace: str) -> None:
    secrets = f"/api/v1/namespaces/{namespace}/secrets"
    document = _secret("mixed", data={"a": "YQ=="}, stringData={"b": "bee", "a": "override"})
    body = api.post(secrets, json=document).json()
    assert "stringData" not in body
    decoded = {key: base64.b64decode(value).decode() for key, value in body["data"].items()}
    assert decoded == {"a": "override", "b": "bee"}
    patched = api.patch(f"{secrets}/mixed", content=json.dumps({"stringData": {"c": "sea"}}),
                        headers=MERGE).json()  # fmt: skip
    assert sorted(patched["data"]) == ["a", "b", "c"]
    assert base64.b64decode(patched["data"]["c"]) == b"sea"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"k": "not base64!"}, id="not-base64"),
        pytest.param({"k": 42}, id="not-a-string"),
        pytest.param(["k"], id="not-an-object"),
    ],
)
def test_invalid_secret_data_is_a_bad_request(
    api: httpx.Client, namespace: str, data: object
) -> None:
    answer = api.post(f"/api/v1/namespaces/{namespace}/secrets", json=_secret("bad", data=data))
    assert answer.status_code == 400
    assert answer.json()["kind"] == "Status"


def test_a_stale_secret_update_is_a_conflict(api: httpx.Client, namespace: str) -> None:
    secrets = f"/api/v1/namespaces/{namespace}/secrets"
    first = api.post(secrets, json=_secret("s", stringData={"k": "1"})).json()
    api.patch(f"{secrets}/s", content=json.dumps({"stringData": {"k": "2"}}), headers=MERGE)
    conflict = api.put(f"{secrets}/s", json=first)
    assert conflict.status_code == 409
    assert "core.testbed" not in conflict.json()["message"]


def test_namespaces_are_cluster_scoped_and_active(api: httpx.Client, namespace: str) -> None:
    body = api.get(f"/api/v1/namespaces/{namespace}").json()
    assert (body["apiVersion"], body["kind"]) == ("v1", "Namespace")
    assert body["status"] == {"phase": "Active"}
    names = [item["metadata"]["name"] for item in api.get("/api/v1/namespaces").json()["items"]]
    assert {"default", namespace} <= set(names)


def test_events_are_created_and_listed_across_namespaces(
    api: httpx.Client, namespace: str
) -> None:
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"generateName": "widget-"},
        "involvedObject": {"kind": "Widget", "name": "w", "namespace": namespace},
        "reason": "Testing",
        "message": "an event",
        "type": "Normal",
    }
    created = api.post(f"/api/v1/namespaces/{namespace}/events", json=event)
    assert created.status_code == 201, created.text
    name = created.json()["metadata"]["name"]
    assert name.startswith("widget-")
    everywhere = api.get("/api/v1/events").json()["items"]
    assert (namespace, name) in [(e["metadata"]["namespace"], e["metadata"]["name"])
                                 for e in everywhere]  # fmt: skip


def test_a_secret_watch_streams_v1_events(api: httpx.Client, namespace: str) -> None:
    secrets = f"/api/v1/namespaces/{namespace}/secrets"
    since = api.get(secrets).json()["metadata"]["resourceVersion"]
    api.post(secrets, json=_secret("watched", stringData={"k": "v"}))
    api.delete(f"{secrets}/watched")
    seen: list[tuple[str, str, str]] = []
    url = f"{secrets}?watch=true&resourceVersion={since}&timeoutSeconds=10"
    with api.stream("GET", url) as stream:
        for line in stream.iter_lines():
            event = json.loads(line)
            seen.append((event["type"], event["object"]["apiVersion"], event["object"]["kind"]))
            if event["type"] == "DELETED":
                break
    assert seen == [("ADDED", "v1", "Secret"), ("DELETED", "v1", "Secret")]


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/v1/pods", id="unserved-kind"),
        pytest.param("/api/v1/namespaces/default/pods", id="unserved-namespaced-kind"),
        pytest.param("/api/v1/namespaces/default/secrets/a/b", id="too-deep"),
    ],
)
def test_unknown_core_paths_are_404(api: httpx.Client, path: str) -> None:
    answer = api.get(path)
    assert answer.status_code == 404
    assert answer.json()["reason"] == "NotFound"
