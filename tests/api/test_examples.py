"""The example stack in examples/ is valid and self-consistent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from occi_operator.api.v1alpha1.compute import Compute
from occi_operator.api.v1alpha1.endpoint import AuthType, OCCIEndpoint
from occi_operator.api.v1alpha1.kinds import MANAGED_KINDS, kind_info

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: The infrastructure stack, then the PaaS stack (each applies on its own).
FILES = sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("paas/*.yaml"))


def _documents() -> list[dict[str, Any]]:
    return [doc for path in FILES for doc in yaml.safe_load_all(path.read_text("utf-8")) if doc]


def _named(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in _documents() if doc["kind"] == kind}


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(EXAMPLES)) for p in FILES])
def test_every_example_validates_against_its_model(path: Path) -> None:
    for doc in yaml.safe_load_all(path.read_text("utf-8")):
        if doc["kind"] == "Secret":
            assert doc["apiVersion"] == "v1"
            continue
        kind_info(doc["kind"]).model.model_validate(doc)


def test_the_stack_has_one_of_each_kind() -> None:
    kinds = [doc["kind"] for doc in _documents()]
    assert set(kinds) >= {"OCCIEndpoint", "Secret", *(info.kind for info in MANAGED_KINDS)}


def test_the_endpoint_is_the_embedded_one_without_auth() -> None:
    (endpoint,) = _named("OCCIEndpoint").values()
    spec = OCCIEndpoint.model_validate(endpoint).spec
    assert spec.url == "http://127.0.0.1:8765/"
    assert spec.auth is AuthType.NONE


def test_every_reference_resolves_within_the_stack() -> None:
    endpoints = set(_named("OCCIEndpoint"))
    for doc in _documents():
        if doc["kind"] in ("Secret", "OCCIEndpoint"):
            continue
        assert doc["spec"]["endpointRef"]["name"] in endpoints
        resource = doc["spec"].get("resource", {})
        for field, kind in (
            ("computeRef", "Compute"), ("networkRef", "Network"), ("storageRef", "Storage")
        ):
            if field in resource:
                assert resource[field]["name"] in _named(kind), f"{doc['kind']}.{field}"
        for end in ("source", "target"):
            for field, kind in (("applicationRef", "Application"), ("componentRef", "Component")):
                if field in resource.get(end, {}):
                    assert resource[end][field]["name"] in _named(kind), f"{end}.{field}"


def test_the_paas_stack_names_its_own_endpoint() -> None:
    paas = [yaml.safe_load(p.read_text("utf-8")) for p in sorted(EXAMPLES.glob("paas/*.yaml"))]
    assert {doc["kind"] for doc in paas} == {
        "OCCIEndpoint", "Application", "Component", "ComponentLink", "OCCIResource"
    }
    (endpoint,) = [doc for doc in paas if doc["kind"] == "OCCIEndpoint"]
    assert all(doc["spec"]["endpointRef"]["name"] == endpoint["metadata"]["name"]
               for doc in paas if doc is not endpoint)


def test_the_compute_uses_templates_and_user_data_from_the_secret() -> None:
    (compute_doc,) = _named("Compute").values()
    resource = Compute.model_validate(compute_doc).spec.resource
    assert resource is not None
    assert (resource.os_template, resource.resource_template) == ("debian-12", "small")
    assert resource.user_data_secret_ref is not None
    secret = _named("Secret")[resource.user_data_secret_ref.name]
    assert resource.user_data_secret_ref.key in secret["stringData"]


def test_the_network_has_an_ip_network() -> None:
    (network,) = _named("Network").values()
    assert network["spec"]["resource"]["ipNetwork"]["cidr"]
