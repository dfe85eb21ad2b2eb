"""Checking a generic OCCIResource against what its endpoint offers in ``/-/``.

Nothing is sent before the spec fits the endpoint's own definitions: the kind and each
mixin must be offered (by type identifier, or by a term exactly one category carries);
each attribute must be defined by the kind, its parents or the mixins, carry a value of
the defined type and meet the definition's enumeration, range and pattern. Every refusal is
an :class:`~occi_operator.reconciler.contract.InvalidSpecError` naming the spec field and,
for unknown names, listing what the endpoint offers instead.

A text rendering of ``/-/`` carries no attribute types (GFD.229): then only the types the
specification itself defines are checked; a provider attribute's value is checked against
its enumeration and pattern alone.

Pure functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from occi_operator.occi import vocabulary as v
from occi_operator.occi.attributes import AttributeDefinition, AttributeType, validate_value
from occi_operator.occi.categories import Kind, Mixin
from occi_operator.occi.errors import InvalidAttributeError
from occi_operator.occi.registry import standard_registry
from occi_operator.reconciler.contract import Discovered, InvalidSpecError

__all__ = ["ABSTRACT_KINDS", "check_attributes", "offered_kind", "offered_mixins"]

#: The core kinds every entity descends from: nothing is created as one of them.
ABSTRACT_KINDS = frozenset({v.ENTITY_KIND, v.RESOURCE_KIND, v.LINK_KIND})
_SHOWN = 12


def _listing(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_SHOWN]) or "none"
    return shown + (f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else "")


def _pick(name: str, candidates: Sequence[Kind | Mixin], field: str, what: str) -> str:
    """The type identifier ``name`` stands for among ``candidates`` (by id, then term)."""
    exact = [c for c in candidates if c.type_id == name]
    by_term = exact or [c for c in candidates if c.term == name]
    if len(by_term) == 1:
        return by_term[0].type_id
    if by_term:
        raise InvalidSpecError(
            f"{field}: the term {name!r} names several {what}s of the endpoint: "
            f"{_listing([c.type_id for c in by_term])}; give the type identifier"
        )
    raise InvalidSpecError(
        f"{field}: the endpoint offers no {what} {name!r}; it offers: "
        f"{_listing([c.type_id for c in candidates])}"
    )


def offered_kind(name: str, discovered: Discovered) -> str:
    """The type identifier of the kind ``spec.resource.kind`` names."""
    kinds = [k for k in discovered.offered.kinds if k.type_id not in ABSTRACT_KINDS]
    return _pick(name, kinds, "spec.resource.kind", "kind")


def offered_mixins(names: Sequence[str], discovered: Discovered) -> tuple[str, ...]:
    """The type identifiers of the mixins ``spec.resource.mixins`` names, in order."""
    mixins = discovered.offered.mixins
    return tuple(
        dict.fromkeys(
            _pick(name, mixins, f"spec.resource.mixins[{index}]", "mixin")
            for index, name in enumerate(names)
        )
    )


def _untyped(definition: AttributeDefinition, value: object) -> AttributeDefinition:
    """The definition with the value's own type: the rendering did not say which."""
    if isinstance(value, bool):
        kind = AttributeType.BOOLEAN
    elif isinstance(value, int | float):
        kind = AttributeType.NUMBER
    else:
        kind = AttributeType.STRING
    return definition.model_copy(update={"type": kind})


def check_attributes(
    kind: str,
    mixins: Sequence[str],
    values: Mapping[str, object],
    discovered: Discovered,
) -> dict[str, AttributeDefinition]:
    """The definitions of the attributes in ``values``; InvalidSpecError for any misfit."""
    definitions = discovered.registry(kind, mixins).attribute_definitions(
        kind, mixins, strict=False
    )
    # The specification's own attributes keep their types whatever the rendering said.
    standard = standard_registry().attribute_definitions(kind, mixins, strict=False)
    used: dict[str, AttributeDefinition] = {}
    for name, value in values.items():
        field = f"spec.resource.attributes[{name}]"
        if name.startswith("occi.core."):
            raise InvalidSpecError(
                f"{field}: the core attributes are the operator's (title: spec.resource.title; "
                "id, summary and link ends are set by the operator)"
            )
        definition = definitions.get(name)
        if definition is None:
            defined = sorted(n for n in definitions if not n.startswith("occi.core."))
            raise InvalidSpecError(
                f"{field}: {kind} and its mixins define no attribute {name!r}; they define: "
                f"{_listing(defined)}"
            )
        typed = discovered.typed or name in standard
        checked = definition if typed else _untyped(definition, value)
        try:
            validate_value(checked, value)
        except InvalidAttributeError as exc:
            raise InvalidSpecError(f"{field}: {exc}") from None
        used[name] = definition
    return used
