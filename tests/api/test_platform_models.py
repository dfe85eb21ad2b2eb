"""The OCCI Platform kinds and the generic OCCIResource as models, offline."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from occi_operator.api.crdgen import crd_for
from occi_operator.api.v1alpha1.application import Application
from occi_operator.api.v1alpha1.component import Component
from occi_operator.api.v1alpha1.componentlink import ComponentLink
from occi_operator.api.v1alpha1.kinds import kind_info
from occi_operator.api.v1alpha1.occiresource import OCCIResource
from occi_operator.api.v1alpha1.rules import immutable_changes

EP = {"name": "cloud"}


def _spec(resource: dict[str, Any]) -> dict[str, Any]:
    return {"spec": {"endpointRef": EP, "resource": resource}}


def test_application_defaults_to_running_and_needs_a_context() -> None:
    app = Application.model_validate(_spec({"context": "https://git.example.org/a.git"}))
    assert app.spec.resource is not None
    assert app.spec.resource.run_state.value == "Running"
    with pytest.raises(ValidationError, match="context"):
        Application.model_validate(_spec({"applicationTemplate": "python-3.12"}))


@pytest.mark.parametrize(
    "source",
    [
        pytest.param({}, id="neither"),
        pytest.param({"applicationRef": EP, "componentRef": EP}, id="both"),
    ],
)
def test_component_link_source_is_exactly_one_end(source: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="exactly one of applicationRef and componentRef"):
        ComponentLink.model_validate(_spec({"source": source, "target": {"componentRef": EP}}))


def test_database_mixin_and_version_are_immutable() -> None:
    old = Component.model_validate(_spec({"database": {"version": "15"}})).spec
    new = Component.model_validate(_spec({"database": {"version": "16"}})).spec
    assert immutable_changes(old, new) == [".resource.database"]


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        pytest.param({"dns ttl": 3}, "must look like occi.compute.cores", id="name"),
        pytest.param({"occi.dns.ttl": [1, 2]}, "valid string", id="list-value"),
        pytest.param({"occi.dns.ttl": {"a": 1}}, "valid string", id="object-value"),
    ],
)
def test_generic_attributes_are_named_scalars(attributes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        OCCIResource.model_validate(_spec({"kind": "record", "attributes": attributes}))


def test_generic_attribute_values_keep_their_json_type() -> None:
    values = {"a.text": "300", "a.int": 300, "a.float": 0.5, "a.bool": False}
    parsed = OCCIResource.model_validate(_spec({"kind": "record", "attributes": values}))
    assert parsed.spec.resource is not None
    assert parsed.spec.resource.attributes == values
    assert [type(v) for v in parsed.spec.resource.attributes.values()] == [str, int, float, bool]


def test_generic_crd_leaves_only_attribute_values_open() -> None:
    version = crd_for(kind_info("OCCIResource"))["spec"]["versions"][0]
    spec = version["schema"]["openAPIV3Schema"]["properties"]["spec"]
    attributes = spec["properties"]["resource"]["properties"]["attributes"]
    assert attributes["additionalProperties"]["x-kubernetes-preserve-unknown-fields"] is True
    assert attributes["maxProperties"] == 64
    columns = [c["name"] for c in version["additionalPrinterColumns"]]
    assert columns[:4] == ["State", "Ready", "Location", "Age"]
    assert "Kind" in columns
