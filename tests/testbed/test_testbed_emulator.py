"""The emulated tier's own rules, in process: patches, selectors, the store, watches.

The HTTP behaviour of the emulator is covered by the other testbed tests, which run
against it when ``OCCI_TESTBED=emulated``.
"""

from __future__ import annotations

from typing import Any

import pytest

from occi_operator.testbed.emulator.kinds import CRD_TYPE, from_crd
from occi_operator.testbed.emulator.patches import (
    PatchError,
    apply_defaults,
    json_patch,
    merge_patch,
)
from occi_operator.testbed.emulator.selectors import field_selector, label_selector
from occi_operator.testbed.emulator.store import ApiError, Store

DOC = {"metadata": {"resourceVersion": "7", "finalizers": ["a"]}, "spec": {"x": 1}}


@pytest.mark.parametrize(
    ("operations", "expected"),
    [
        pytest.param([{"op": "test", "path": "/metadata/resourceVersion", "value": "7"},
                      {"op": "add", "path": "/metadata/finalizers/-", "value": "b"}],
                     ["a", "b"], id="test-then-append"),
        pytest.param([{"op": "remove", "path": "/metadata/finalizers/0"}], [],
                     id="remove-by-index"),
        pytest.param([{"op": "replace", "path": "/metadata/finalizers", "value": ["z"]}], ["z"],
                     id="replace"),
    ],
)  # fmt: skip
def test_json_patch_operations(operations: list[dict[str, Any]], expected: list[str]) -> None:
    assert json_patch(DOC, operations)["metadata"]["finalizers"] == expected
    assert DOC["metadata"]["finalizers"] == ["a"]  # the input is never changed


@pytest.mark.parametrize(
    "operations",
    [
        pytest.param([{"op": "test", "path": "/metadata/resourceVersion", "value": "6"}],
                     id="failed-test"),
        pytest.param([{"op": "replace", "path": "/spec/missing", "value": 1}],
                     id="replace-missing"),
    ],
)  # fmt: skip
def test_json_patch_failures_are_422(operations: list[dict[str, Any]]) -> None:
    with pytest.raises(PatchError) as raised:
        json_patch(DOC, operations)
    assert raised.value.status == 422


def test_merge_patch_merges_objects_and_removes_nulls() -> None:
    merged = merge_patch({"a": {"b": 1, "c": 2}, "d": [1]}, {"a": {"c": None, "e": 3}, "d": [2]})
    assert merged == {"a": {"b": 1, "e": 3}, "d": [2]}


def test_schema_defaults_fill_nested_objects() -> None:
    schema = {"properties": {"spec": {"properties": {
        "policy": {"default": "managed"},
        "opts": {"properties": {"keep": {"default": True}}},
    }}}}  # fmt: skip
    obj: dict[str, Any] = {"spec": {"opts": {}}}
    assert apply_defaults(obj, schema) == {"spec": {"opts": {"keep": True}, "policy": "managed"}}


@pytest.mark.parametrize(
    ("selector", "matches"),
    [
        pytest.param("app=web", True, id="equals"),
        pytest.param("app!=web", False, id="not-equals"),
        pytest.param("tier", True, id="exists"),
        pytest.param("!tier", False, id="not-exists"),
        pytest.param("app in (db,web),tier notin (x)", True, id="sets"),
    ],
)
def test_label_selectors(selector: str, matches: bool) -> None:
    obj = {"metadata": {"labels": {"app": "web", "tier": "front"}}}
    assert label_selector(selector)(obj) is matches


def test_field_selectors_read_dotted_paths() -> None:
    obj = {"metadata": {"name": "n", "namespace": "ns"}}
    assert field_selector("metadata.name=n,metadata.namespace!=other")(obj)
    assert not field_selector("metadata.name=m")(obj)


def _crd() -> dict[str, Any]:
    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "things.example.org"},
        "spec": {"group": "example.org", "scope": "Namespaced",
                 "names": {"plural": "things", "singular": "thing", "kind": "Thing"},
                 "versions": [{"name": "v1", "served": True, "storage": True,
                               "subresources": {"status": {}},
                               "schema": {"openAPIV3Schema": {"properties": {"spec": {
                                   "properties": {"size": {"default": 1}}}}}}}]},
    }  # fmt: skip


def _thing(name: str, **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "example.org/v1", "kind": "Thing",
            "metadata": {"name": name, **extra}, "spec": {}}  # fmt: skip


def test_a_crd_registers_its_type_with_status_and_defaults() -> None:
    store = Store()
    crd = store.create(CRD_TYPE, "", _crd())
    established = {c["type"]: c["status"] for c in crd["status"]["conditions"]}
    assert established == {"NamesAccepted": "True", "Established": "True"}
    rtype = store.types[("example.org", "things")]
    thing = store.create(rtype, "ns", _thing("t", finalizers=[]))
    assert thing["spec"] == {"size": 1}
    assert (thing["metadata"]["generation"], thing["metadata"]["namespace"]) == (1, "ns")
    store.delete(CRD_TYPE, "", "things.example.org")
    assert ("example.org", "things") not in store.types


def test_generation_status_and_no_op_updates() -> None:
    store = Store()
    rtype = from_crd(_crd())
    store.types[rtype.key] = rtype
    thing = store.create(rtype, "ns", _thing("t"))
    thing["status"] = {"phase": "ignored"}
    unchanged = store.update(rtype, "ns", thing)
    assert unchanged["metadata"]["resourceVersion"] == thing["metadata"]["resourceVersion"]
    assert "status" not in unchanged  # the main resource does not write status
    with_status = store.update(rtype, "ns", {**unchanged, "status": {"phase": "Ready"}},
                               status=True)  # fmt: skip
    assert with_status["metadata"]["generation"] == 1
    respec = store.update(rtype, "ns", {**with_status, "spec": {"size": 2}})
    assert (respec["metadata"]["generation"], respec["status"]) == (2, {"phase": "Ready"})
    with pytest.raises(ApiError) as raised:
        store.update(rtype, "ns", with_status)  # stale resourceVersion
    assert raised.value.code == 409


def test_finalizers_hold_deletion_and_cannot_grow_while_deleting() -> None:
    store = Store()
    rtype = from_crd(_crd())
    store.types[rtype.key] = rtype
    store.create(rtype, "ns", _thing("t", finalizers=["x/y"]))
    held = store.delete(rtype, "ns", "t")
    assert held["metadata"]["deletionTimestamp"]
    held["metadata"]["finalizers"] = ["x/y", "new/one"]
    with pytest.raises(ApiError) as raised:
        store.update(rtype, "ns", held)
    assert raised.value.code == 422
    held["metadata"]["finalizers"] = []
    store.update(rtype, "ns", held)
    with pytest.raises(ApiError):
        store.get(rtype, "ns", "t")


async def test_a_watch_from_a_compacted_revision_is_410_gone() -> None:
    store = Store(history=2)
    rtype = store.types[("", "secrets")]
    for index in range(4):
        store.create(rtype, "ns", {"metadata": {"name": f"s{index}"}})
    events = [e async for e in store.watch(rtype, None, lambda _o: True, since="1",
                                           seconds=0.0, bookmarks=False, version="v1")]  # fmt: skip
    assert [(e["type"], e["object"]["code"]) for e in events] == [("ERROR", 410)]


async def test_a_watch_replays_history_and_sends_bookmarks() -> None:
    store = Store(bookmark_interval=0.01)
    rtype = store.types[("", "secrets")]
    store.create(rtype, "a", {"metadata": {"name": "in-a"}})
    store.create(rtype, "b", {"metadata": {"name": "in-b"}})
    events = [e async for e in store.watch(rtype, "b", lambda _o: True, since="1",
                                           seconds=0.2, bookmarks=True, version="v1")]  # fmt: skip
    assert (events[0]["type"], events[0]["object"]["metadata"]["name"]) == ("ADDED", "in-b")
    assert {e["type"] for e in events[1:]} == {"BOOKMARK"}
