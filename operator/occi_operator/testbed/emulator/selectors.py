"""Label and field selectors, as list and watch requests carry them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = ["SelectorError", "field_selector", "label_selector"]

Match = Callable[[dict[str, Any]], bool]
_SET = re.compile(
    r"^\s*(!?)([\w./-]+)\s*(?:(==|=|!=)\s*([\w./-]*)|\s+(in|notin)\s*\(([^)]*)\))?\s*$"
)


class SelectorError(Exception):
    """A selector the server cannot parse (a 400)."""


def _split(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [p for p in [*parts, current] if p.strip()]


def label_selector(text: str | None) -> Match:
    """``a=b,c!=d,e,!f,g in (h,i),j notin (k)`` as a predicate on an object."""
    tests: list[Match] = []
    for term in _split(text or ""):
        match = _SET.match(term)
        if match is None:
            raise SelectorError(f"unable to parse requirement: {term!r}")
        negate, key, op, value, set_op, members = match.groups()
        tests.append(_label_test(bool(negate), key, op, value, set_op, members))
    return lambda obj: all(test(obj) for test in tests)


def _label_test(negate: bool, key: str, op: str | None, value: str | None,
                set_op: str | None, members: str | None) -> Match:  # fmt: skip
    def labels(obj: dict[str, Any]) -> dict[str, str]:
        return (obj.get("metadata") or {}).get("labels") or {}

    if op in ("=", "=="):
        return lambda obj: labels(obj).get(key) == value
    if op == "!=":
        return lambda obj: labels(obj).get(key) != value
    if set_op:
        values = {m.strip() for m in (members or "").split(",") if m.strip()}
        if set_op == "in":
            return lambda obj: labels(obj).get(key) in values
        return lambda obj: labels(obj).get(key) not in values
    if negate:
        return lambda obj: key not in labels(obj)
    return lambda obj: key in labels(obj)


def field_selector(text: str | None) -> Match:
    """``metadata.name=x,metadata.namespace!=y`` as a predicate on an object."""
    tests: list[Match] = []
    for term in _split(text or ""):
        match = re.match(r"^\s*([\w.]+)\s*(==|=|!=)\s*(.*?)\s*$", term)
        if match is None:
            raise SelectorError(f"invalid field selector: {term!r}")
        path, op, value = match.groups()
        tests.append(_field_test(path.split("."), op == "!=", value))
    return lambda obj: all(test(obj) for test in tests)


def _field_test(path: list[str], negate: bool, value: str) -> Match:
    def read(obj: dict[str, Any]) -> str:
        current: Any = obj
        for part in path:
            current = current.get(part) if isinstance(current, dict) else None
        return "" if current is None else str(current)

    return lambda obj: (read(obj) == value) != negate
