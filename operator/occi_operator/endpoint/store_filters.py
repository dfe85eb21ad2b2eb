"""Attribute-equality filters of store listings, as SQL where SQLite can decide them.

An OCCI filter (GFD.223 §3.4.1) matches entities carrying every named attribute with the
given value. Scalars (text, numbers, booleans) and the core attributes become SQL over the
indexed columns or ``json_extract`` of the entity body, type-checked with ``json_type`` so
that ``true`` never equals ``1``. Arrays and objects — which only the JSON rendering can
send — are compared in Python after the SQL narrowing (:func:`matches_in_python`), with
the same type-strict equality. Imports no web layer and no reconciler.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from occi_operator.occi.entities import (
    CORE_ID,
    CORE_SOURCE,
    CORE_SOURCE_KIND,
    CORE_SUMMARY,
    CORE_TARGET,
    CORE_TARGET_KIND,
    CORE_TITLE,
    Entity,
)

__all__ = ["AttributeFilter", "compile_attribute_filter", "same_value"]

# Core attributes live in typed fields of the canonical model (see entities.py): two of
# them have their own column, the others a fixed place in the body.
_CORE_COLUMNS = {CORE_ID: "e.id", CORE_TITLE: "e.title"}
_CORE_PATHS = {
    CORE_SUMMARY: "$.summary",
    CORE_SOURCE: "$.source",
    CORE_SOURCE_KIND: "$.source_kind",
    CORE_TARGET: "$.target",
    CORE_TARGET_KIND: "$.target_kind",
}


@dataclass(frozen=True, slots=True)
class AttributeFilter:
    """An attribute filter split into SQL conditions and the rest, checked in Python."""

    conditions: tuple[str, ...] = ()
    parameters: tuple[Any, ...] = ()
    in_python: dict[str, Any] = field(default_factory=dict)

    def matches_in_python(self, entity: Entity) -> bool:
        """True when ``entity`` passes the conditions SQL could not express."""
        if not self.in_python:
            return True
        values = entity.all_attributes()
        return all(
            name in values and same_value(values[name], wanted)
            for name, wanted in self.in_python.items()
        )


def compile_attribute_filter(attributes: Mapping[str, Any]) -> AttributeFilter:
    """Turn ``{name: value}`` into SQL conditions over the alias ``e`` of ``entities``."""
    conditions: list[str] = []
    parameters: list[Any] = []
    in_python: dict[str, Any] = {}
    for name, value in attributes.items():
        column = _CORE_COLUMNS.get(name)
        if column is not None:
            if isinstance(value, str):
                conditions.append(f"{column} = ?")
                parameters.append(value)
            else:
                conditions.append("0")  # these columns hold text only: nothing else matches
            continue
        path = _CORE_PATHS.get(name) or _attribute_path(name)
        if path is None or isinstance(value, list | dict):
            in_python[name] = value
        elif isinstance(value, bool):
            conditions.append("json_type(e.body, ?) = ?")
            parameters += [path, "true" if value else "false"]
        elif isinstance(value, int | float):
            conditions.append(
                "json_type(e.body, ?) IN ('integer', 'real') AND json_extract(e.body, ?) = ?"
            )
            parameters += [path, path, value]
        elif isinstance(value, str):
            conditions.append("json_type(e.body, ?) = 'text' AND json_extract(e.body, ?) = ?")
            parameters += [path, path, value]
        else:
            in_python[name] = value
    return AttributeFilter(tuple(conditions), tuple(parameters), in_python)


def _attribute_path(name: str) -> str | None:
    # A JSON path quotes a key with dots in double quotes and has no escape for a quote
    # inside it: such (unusual) names are compared in Python instead.
    if '"' in name or "\\" in name:
        return None
    return f'$.attributes."{name}"'


def same_value(left: Any, right: Any) -> bool:
    """Equality as JSON means it: booleans equal only booleans; 2 equals 2.0."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(same_value, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same_value(left[k], right[k]) for k in left)
    numbers = isinstance(left, int | float) and isinstance(right, int | float)
    return (numbers or type(left) is type(right)) and bool(left == right)
