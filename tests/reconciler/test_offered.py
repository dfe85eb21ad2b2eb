"""The generic kind's check against an endpoint's offer (adapters/_offered.py), offline.

Two providers publish a kind of the same term; a text query interface carries no types.
"""

from __future__ import annotations

from typing import Any

import pytest

from occi_operator.occi import vocabulary as v
from occi_operator.occi.attributes import AttributeDefinition, AttributeType
from occi_operator.occi.categories import Kind, Mixin
from occi_operator.occi.registry import CategoryRegistry, standard_registry
from occi_operator.reconciler.adapters._offered import (
    check_attributes,
    offered_kind,
    offered_mixins,
)
from occi_operator.reconciler.adapters.occiresource import OCCIResourceAdapter
from occi_operator.reconciler.contract import Discovered, InvalidSpecError

A = "http://a.example/occi#"
B = "http://b.example/occi#"
TTL = AttributeDefinition(name="a.ttl", type=AttributeType.INTEGER, minimum=0)
NAME = AttributeDefinition(name="a.name", mutable=False)
RECORD = Kind(scheme=A, term="record", parent=v.RESOURCE_KIND, location="/a/",
              attributes=(TTL, NAME))
OTHER = Kind(scheme=B, term="record", parent=v.RESOURCE_KIND, location="/b/")
ALIAS = Kind(scheme=A, term="alias", parent=v.LINK_KIND, location="/alias/")
GOLD = Mixin(scheme=A, term="gold", attributes=(
    AttributeDefinition(name="a.tier", enum=("1", "2")),
))


def _discovered(*, typed: bool) -> Discovered:
    offered = CategoryRegistry([RECORD, OTHER, ALIAS, GOLD,
                                standard_registry().kind(v.COMPUTE_KIND)])
    return Discovered(offered, typed)


def test_a_kind_by_type_identifier_or_unique_term() -> None:
    found = _discovered(typed=True)
    assert offered_kind(A + "record", found) == A + "record"
    assert offered_kind("alias", found) == A + "alias"
    with pytest.raises(InvalidSpecError, match=r"names several kinds.*a.example.*b.example"):
        offered_kind("record", found)


def test_mixins_by_term_in_order_without_repeats() -> None:
    assert offered_mixins(["gold", A + "gold"], _discovered(typed=True)) == (A + "gold",)


@pytest.mark.parametrize(
    ("values", "typed", "message"),
    [
        pytest.param({"a.ttl": "60"}, True, "must be of type integer", id="typed-wrong-type"),
        pytest.param({"a.ttl": -1}, False, "must be at least 0", id="untyped-keeps-range"),
        pytest.param({"a.tier": "3"}, True, "must be one of 1, 2", id="mixin-enum"),
        pytest.param({"occi.compute.cores": 2}, True, "define no attribute", id="other-kind"),
    ],
)
def test_attributes_that_do_not_fit_name_themselves(
    values: dict[str, Any], typed: bool, message: str
) -> None:
    with pytest.raises(InvalidSpecError, match=message) as caught:
        check_attributes(A + "record", (A + "gold",), values, _discovered(typed=typed))
    assert f"spec.resource.attributes[{next(iter(values))}]" in str(caught.value)


def test_untyped_offer_accepts_the_value_as_given_but_the_specification_types_stay() -> None:
    untyped = _discovered(typed=False)
    assert set(check_attributes(A + "record", (), {"a.ttl": "60"}, untyped)) == {"a.ttl"}
    with pytest.raises(InvalidSpecError, match=r"occi\.compute\.cores: must be of type integer"):
        check_attributes(v.COMPUTE_KIND, (), {"occi.compute.cores": "two"}, untyped)


def test_binding_gives_each_object_its_kind_and_a_field_table() -> None:
    adapter = OCCIResourceAdapter()
    spec = adapter.parse_spec({"endpointRef": {"name": "e"}, "resource": {
        "kind": A + "record", "mixins": ["gold"], "attributes": {"a.ttl": 5, "a.name": "x"}}})
    bound = adapter.bind(spec, _discovered(typed=True))
    assert bound.occi_kind == A + "record"
    assert adapter.occi_kind == v.ENTITY_KIND
    assert {(f.attribute, f.mutable) for f in bound.fields} == {("a.ttl", True),
                                                                ("a.name", False)}
    assert bound.base_attributes(spec) == {"a.ttl": 5, "a.name": "x"}
    link = adapter.parse_spec({"endpointRef": {"name": "e"}, "resource": {
        "kind": "alias", "sourceRef": {"name": "s"}, "targetRef": {"name": "t"}}})
    assert bound.marker_attribute == "occi.core.summary"
    assert adapter.bind(link, _discovered(typed=True)).marker_attribute == "occi.core.title"
