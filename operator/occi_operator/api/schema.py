"""Pydantic JSON schema → Kubernetes structural schema (OpenAPI v3 as CRDs accept it).

What changes on the way: ``$ref`` s are inlined; ``Optional[X]`` (``anyOf`` with null)
becomes plain ``X`` (absent means empty; Kubernetes has no null for these fields); titles,
examples, ``additionalProperties: false`` and null defaults go; JSON Schema 2020's numeric
``exclusiveMinimum`` becomes OpenAPI's boolean form; ``x-occi-immutable`` marks become
transition rules on the parent object; descriptions lose reST markup. Every property must
end up with a description (``kubectl explain`` shows them): a missing one is a
:class:`SchemaError`, so the generator cannot silently ship an undocumented field.

Pure functions over dicts; imports nothing of Kubernetes.
"""

from __future__ import annotations

import copy
from typing import Any

from .v1alpha1.rules import IMMUTABLE_KEY, cel_name

__all__ = ["SchemaError", "structural"]

Schema = dict[str, Any]

_DROP = frozenset({"title", "examples", "$defs", "const"})


class SchemaError(ValueError):
    """A model that cannot become a structural schema (names the JSON path)."""


def _clean_text(text: str) -> str:
    return " ".join(text.replace("``", "").split())


def _resolve(node: Schema, defs: dict[str, Schema]) -> Schema:
    """Inline a ``$ref`` and unwrap ``anyOf: [X, null]``; sibling keys win over the target."""
    node = dict(node)
    if "anyOf" in node:
        members = [m for m in node.pop("anyOf") if m.get("type") != "null"]
        if len(members) != 1:
            raise SchemaError(f"unions are not structural: {members}")
        node = {**_resolve(members[0], defs), **node}
    if "$ref" in node:
        target = defs[node.pop("$ref").rsplit("/", 1)[-1]]
        node = {**_resolve(target, defs), **node}
    if "default" in node and node["default"] is None:
        del node["default"]
    return node


def _immutable_rule(name: str, required: bool) -> dict[str, str]:
    ref = cel_name(name)
    if required:
        rule = f"self.{ref} == oldSelf.{ref}"
    else:
        rule = (
            f"has(self.{ref}) == has(oldSelf.{ref}) && "
            f"(!has(self.{ref}) || self.{ref} == oldSelf.{ref})"
        )
    return {"rule": rule, "message": f"{name} is immutable", "fieldPath": f".{name}"}


def _convert(node: Schema, defs: dict[str, Schema], path: str) -> Schema:
    node = _resolve(node, defs)
    out: Schema = {}
    for key, value in node.items():
        if key in _DROP or key == IMMUTABLE_KEY:
            continue
        if key == "additionalProperties" and value is False:
            continue
        if key == "description":
            out[key] = _clean_text(value)
        elif key == "exclusiveMinimum":
            out["minimum"], out["exclusiveMinimum"] = value, True
        elif key == "exclusiveMaximum":
            out["maximum"], out["exclusiveMaximum"] = value, True
        elif key == "x-kubernetes-validations":
            out[key] = [_order_rule(rule) for rule in value]
        elif key == "properties":
            out[key] = {
                name: _convert(prop, defs, f"{path}.{name}") for name, prop in value.items()
            }
        elif key in ("items", "additionalProperties"):
            out[key] = _convert(value, defs, f"{path}[]")
        else:
            out[key] = copy.deepcopy(value)
    # A node that preserves unknown fields may leave its type open (structural schemas).
    if "type" not in out and not out.get("x-kubernetes-preserve-unknown-fields"):
        raise SchemaError(f"{path}: no type in {sorted(node)}")
    properties: dict[str, Schema] = node.get("properties", {})
    required = set(node.get("required", ()))
    rules = [
        _immutable_rule(name, name in required)
        for name, prop in properties.items()
        if _resolve(prop, defs).get(IMMUTABLE_KEY) or prop.get(IMMUTABLE_KEY)
    ]
    if rules:
        out["x-kubernetes-validations"] = [*out.get("x-kubernetes-validations", ()), *rules]
    for name, prop in out.get("properties", {}).items():
        if not prop.get("description"):
            raise SchemaError(f"{path}.{name}: no description")
    return _order(out)


_ORDER = (
    "description", "type", "format", "enum", "default", "minimum", "exclusiveMinimum",
    "maximum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems",
    "maxItems", "maxProperties", "required", "properties", "additionalProperties", "items",
    "x-kubernetes-validations",
)


def _order_rule(rule: dict[str, str]) -> dict[str, str]:
    keys = ("rule", "message", "messageExpression", "reason", "fieldPath")
    return {key: rule[key] for key in keys if key in rule}


def _order(node: Schema) -> Schema:
    """Keys in a fixed, readable order (the output must be byte-for-byte reproducible)."""
    known = {key: node[key] for key in _ORDER if key in node}
    return {**known, **{key: node[key] for key in sorted(node) if key not in known}}


def structural(schema: Schema, path: str = "") -> Schema:
    """The structural form of a pydantic JSON schema (``model_json_schema(by_alias=True)``)."""
    return _convert(schema, schema.get("$defs", {}), path)
