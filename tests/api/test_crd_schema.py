"""The generated CRDs are structural, documented, bounded and carry the agreed UX."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from occi_operator.api.crdgen import crd_for
from occi_operator.api.schema import SchemaError, structural
from occi_operator.api.v1alpha1.common import ApiModel
from occi_operator.api.v1alpha1.kindinfo import KindInfo, Scope
from occi_operator.api.v1alpha1.kinds import KINDS, MANAGED_KINDS

Node = dict[str, Any]
IDS = [info.kind for info in KINDS]
#: The one node per kind whose type is left open (x-kubernetes-preserve-unknown-fields).
OPEN_VALUES = {"OCCIResource": ".spec.resource.attributes[]"}


def _version(info: KindInfo) -> Node:
    return dict(crd_for(info)["spec"]["versions"][0])


def _root(info: KindInfo) -> Node:
    return dict(_version(info)["schema"]["openAPIV3Schema"])


def _walk(node: Node, path: str) -> Iterator[tuple[str, Node]]:
    yield path, node
    for name, prop in node.get("properties", {}).items():
        yield from _walk(prop, f"{path}.{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield from _walk(node[key], f"{path}[]")


def _rules(info: KindInfo) -> list[str]:
    return [
        rule["rule"]
        for _, node in _walk(_root(info)["properties"]["spec"], "spec")
        for rule in node.get("x-kubernetes-validations", ())
    ]


@pytest.mark.parametrize("info", KINDS, ids=IDS)
def test_names_category_scope_and_status_subresource(info: KindInfo) -> None:
    crd = crd_for(info)
    names = crd["spec"]["names"]
    assert crd["metadata"]["name"] == f"{info.plural}.occi.occi-operator.dev"
    assert names["categories"] == ["occi"]
    assert names["shortNames"]
    assert names["listKind"] == f"{info.kind}List"
    assert crd["spec"]["scope"] == info.scope.value
    version = _version(info)
    assert (version["served"], version["storage"]) == (True, True)
    assert version["subresources"] == {"status": {}}


def test_short_names_and_plurals_are_unique_across_kinds() -> None:
    short = [name for info in KINDS for name in info.short_names]
    assert len(short) == len(set(short))
    assert len({info.plural for info in KINDS}) == len(KINDS)


def test_only_the_cluster_endpoint_is_cluster_scoped() -> None:
    assert [info.kind for info in KINDS if info.scope is Scope.CLUSTER] == [
        "ClusterOCCIEndpoint"
    ]


@pytest.mark.parametrize("info", KINDS, ids=IDS)
def test_printer_columns_show_ready_and_age_and_hide_extras_under_wide(info: KindInfo) -> None:
    columns = {column["name"]: column for column in _version(info)["additionalPrinterColumns"]}
    assert columns["Ready"]["jsonPath"] == '.status.conditions[?(@.type=="Ready")].status'
    assert columns["Age"] == {
        "name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"
    }
    assert columns["Reason"]["priority"] == 1
    if info in MANAGED_KINDS:
        assert "priority" not in columns["State"]
        assert columns["Location"]["jsonPath"] == ".status.location"
        assert columns["Endpoint"]["priority"] == 1


def test_compute_wide_columns_show_cores_and_memory() -> None:
    compute = next(info for info in KINDS if info.kind == "Compute")
    wide = {c["name"] for c in _version(compute)["additionalPrinterColumns"] if c.get("priority")}
    assert {"Cores", "Memory", "Power", "Endpoint", "Reason"} <= wide


@pytest.mark.parametrize("info", KINDS, ids=IDS)
def test_status_defaults_to_observed_generation_minus_one(info: KindInfo) -> None:
    status = _root(info)["properties"]["status"]
    assert status["default"] == {"observedGeneration": -1}
    assert status["properties"]["observedGeneration"]["type"] == "integer"


@pytest.mark.parametrize("info", KINDS, ids=IDS)
def test_schema_is_structural_and_documented(info: KindInfo) -> None:
    root = _root(info)
    assert root["properties"]["metadata"] == {"type": "object"}
    assert root["required"] == ["spec"]
    for path, node in _walk(root, ""):
        if node.get("x-kubernetes-preserve-unknown-fields"):
            # Only the generic kind's attribute values are open: their type is the endpoint's.
            assert path == OPEN_VALUES.get(info.kind), path
            assert set(node) == {"description", "x-kubernetes-preserve-unknown-fields"}, path
        else:
            assert "type" in node, path
        assert not {"$ref", "anyOf", "allOf", "oneOf", "title", "nullable", "const"} & set(node)
        assert not [k for k in node if k.startswith("x-occi")], path
        if "properties" in node:
            assert "additionalProperties" not in node, path
        if path.startswith((".spec", ".status")) and not path.endswith("[]"):
            assert node.get("description"), f"{path} has no description"


@pytest.mark.parametrize("info", KINDS, ids=IDS)
def test_spec_strings_lists_and_maps_are_bounded_for_cel_cost(info: KindInfo) -> None:
    for path, node in _walk(_root(info)["properties"]["spec"], "spec"):
        if node.get("type") == "string":
            assert "maxLength" in node or "enum" in node, f"{path} is unbounded"
        if node.get("type") == "array":
            assert "maxItems" in node, f"{path} is unbounded"
        if node.get("type") == "object" and "additionalProperties" in node:
            assert "maxProperties" in node, f"{path} is unbounded"


@pytest.mark.parametrize("info", MANAGED_KINDS, ids=[i.kind for i in MANAGED_KINDS])
def test_lifecycle_rules_on_every_managed_kind(info: KindInfo) -> None:
    rules = _rules(info)
    assert "self.endpointRef == oldSelf.endpointRef" in rules
    assert any("self.managementPolicy == oldSelf.managementPolicy" in r for r in rules)
    assert any("self.__import__ == oldSelf.__import__" in r for r in rules)
    assert any("has(self.__import__.location) != has(self.__import__.filter)" in r for r in rules)
    spec = _root(info)["properties"]["spec"]
    assert spec["properties"]["managementPolicy"]["default"] == "managed"
    assert spec["required"] == ["endpointRef"]


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        pytest.param("Compute", "architecture", id="compute-architecture"),
        pytest.param("Compute", "osTemplate", id="compute-os-template"),
        pytest.param("NetworkInterface", "computeRef", id="nic-compute"),
        pytest.param("NetworkInterface", "networkRef", id="nic-network"),
        pytest.param("StorageLink", "storageRef", id="storagelink-storage"),
        pytest.param("Network", "cidr", id="network-cidr"),
    ],
)
def test_immutable_resource_fields_get_transition_rules(kind: str, field: str) -> None:
    info = next(i for i in KINDS if i.kind == kind)
    assert any(f"self.{field} == oldSelf.{field}" in rule for rule in _rules(info))


def test_mutable_fields_have_no_transition_rule() -> None:
    compute = next(i for i in KINDS if i.kind == "Compute")
    rules = " ".join(_rules(compute))
    for field in ("cores", "memory", "resourceTemplate", "powerState", "restartRequest"):
        assert f"oldSelf.{field}" not in rules


def test_exclusive_minimum_becomes_the_openapi_boolean_form() -> None:
    endpoint = next(i for i in KINDS if i.kind == "OCCIEndpoint")
    rate = _root(endpoint)["properties"]["spec"]["properties"]["limits"]["properties"][
        "requestsPerSecond"
    ]
    assert (rate["minimum"], rate["exclusiveMinimum"]) == (0, True)


def test_cluster_endpoint_requires_a_label_selector_shaped_namespace_selector() -> None:
    cluster = next(i for i in KINDS if i.kind == "ClusterOCCIEndpoint")
    spec = _root(cluster)["properties"]["spec"]
    assert "namespaceSelector" in spec["required"]
    selector = spec["properties"]["namespaceSelector"]["properties"]
    assert set(selector) == {"matchLabels", "matchExpressions"}
    operators = selector["matchExpressions"]["items"]["properties"]["operator"]["enum"]
    assert operators == ["In", "NotIn", "Exists", "DoesNotExist"]


class _Undocumented(ApiModel):
    size: int


def test_an_undocumented_field_is_an_error() -> None:
    with pytest.raises(SchemaError, match="size: no description"):
        structural(_Undocumented.model_json_schema(by_alias=True))


class _Union(ApiModel):
    value: int | str = 0


def test_a_union_is_an_error() -> None:
    with pytest.raises(SchemaError, match="unions are not structural"):
        structural(_Union.model_json_schema(by_alias=True))
