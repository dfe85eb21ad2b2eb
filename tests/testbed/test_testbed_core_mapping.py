"""How the front maps core/v1 onto its private group, and builds ``/apis``: pure functions."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from occi_operator.testbed.core import (
    CORE_KINDS,
    PRIVATE_API_VERSION,
    InvalidBodyError,
    map_core_path,
    prepare_request_body,
    rewrite_response,
)
from occi_operator.testbed.discovery import group_list, version_priority

P = f"/apis/{PRIVATE_API_VERSION}"


@pytest.mark.parametrize(
    ("path", "private", "name"),
    [
        pytest.param("/api/v1/namespaces", f"{P}/corenamespaces", None, id="namespace-list"),
        pytest.param("/api/v1/namespaces/ns1", f"{P}/corenamespaces/ns1", "ns1", id="namespace"),
        pytest.param("/api/v1/namespaces/ns1/secrets", f"{P}/namespaces/ns1/secrets", None,
                     id="secrets-in-namespace"),
        pytest.param("/api/v1/namespaces/ns1/secrets/s", f"{P}/namespaces/ns1/secrets/s", "s",
                     id="one-secret"),
        pytest.param("/api/v1/events", f"{P}/events", None, id="events-everywhere"),
    ],
)  # fmt: skip
def test_core_paths_map_to_private_paths(path: str, private: str, name: str | None) -> None:
    mapped = map_core_path(path)
    assert mapped is not None
    assert (mapped.private_path, mapped.name) == (private, name)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/v1/pods", id="unserved"),
        pytest.param("/api/v1/secrets/s", id="namespaced-kind-without-namespace"),
        pytest.param("/api/v1/namespaces/ns1/namespaces", id="namespace-in-namespace"),
        pytest.param("/api/v1/namespaces/ns1/secrets/s/extra", id="too-deep"),
    ],
)
def test_other_core_paths_map_to_nothing(path: str) -> None:
    assert map_core_path(path) is None


def test_responses_are_rewritten_to_v1_everywhere() -> None:
    item = {"apiVersion": PRIVATE_API_VERSION, "kind": "Secret",
            "metadata": {"managedFields": [{"apiVersion": PRIVATE_API_VERSION}]}}  # fmt: skip
    event = rewrite_response({"type": "ADDED", "object": {"apiVersion": PRIVATE_API_VERSION,
                                                          "items": [item]}})  # fmt: skip
    assert event["object"]["apiVersion"] == "v1"
    assert item["apiVersion"] == "v1"
    assert item["metadata"]["managedFields"][0]["apiVersion"] == "v1"


def test_status_messages_name_core_resources() -> None:
    status = rewrite_response({
        "kind": "Status",
        "message": 'corenamespaces.core.testbed.occi-operator.dev "x" not found',
        "details": {"group": "core.testbed.occi-operator.dev", "kind": "corenamespaces"},
    })  # fmt: skip
    assert status["message"] == 'namespaces "x" not found'
    assert status["details"] == {"group": "", "kind": "namespaces"}


def test_a_create_gets_the_private_api_version_and_the_kind() -> None:
    body = prepare_request_body(CORE_KINDS["events"], {"metadata": {"name": "e"}}, patch=False)
    assert (body["apiVersion"], body["kind"]) == (PRIVATE_API_VERSION, "Event")


def test_a_merge_patch_keeps_null_data_keys_for_removal() -> None:
    patch = prepare_request_body(CORE_KINDS["secrets"], {"data": {"gone": None}}, patch=True)
    assert patch == {"data": {"gone": None}}


def test_string_data_wins_over_data() -> None:
    body: dict[str, Any] = {"data": {"k": "YQ=="}, "stringData": {"k": "b"}}
    prepared = prepare_request_body(CORE_KINDS["secrets"], body, patch=False)
    assert base64.b64decode(prepared["data"]["k"]) == b"b"
    assert prepared["type"] == "Opaque"


def test_a_body_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidBodyError):
        prepare_request_body(CORE_KINDS["secrets"], "text", patch=False)


def _crd(group: str, versions: list[str], established: bool = True) -> dict[str, Any]:
    return {
        "spec": {"group": group, "versions": [{"name": v, "served": True} for v in versions]},
        "status": {"conditions": [{"type": "Established",
                                   "status": "True" if established else "False"}]},
    }  # fmt: skip


def test_group_list_adds_established_crd_groups_with_the_preferred_version() -> None:
    crds = {"items": [
        _crd("a.example", ["v1alpha1", "v1", "v2beta1"]),
        _crd("pending.example", ["v1"], established=False),
        _crd("core.testbed.occi-operator.dev", ["v1"]),
    ]}  # fmt: skip
    groups = {g["name"]: g for g in group_list({"groups": []}, crds)["groups"]}
    assert list(groups) == ["a.example"]
    assert groups["a.example"]["preferredVersion"]["version"] == "v1"
    assert [v["version"] for v in groups["a.example"]["versions"]] == ["v1", "v2beta1", "v1alpha1"]


def test_version_priority_follows_kubernetes() -> None:
    versions = ["v1alpha1", "v11alpha2", "foo1", "v10beta3", "v2", "v1", "v12alpha1", "v3beta1"]
    ordered = sorted(versions, key=version_priority)
    assert ordered == ["v2", "v1", "v10beta3", "v3beta1", "v12alpha1", "v11alpha2", "v1alpha1",
                       "foo1"]  # fmt: skip
