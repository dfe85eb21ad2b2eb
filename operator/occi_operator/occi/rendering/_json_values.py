"""JSON documents as the OCCI JSON rendering reads and writes them, with error paths.

:func:`decode_document` turns a body into plain Python values (``dict``, ``list``, ``str``,
``int``, ``float``, ``bool``, ``None``) and :func:`encode_document` does the reverse. The
accessors below check the shape of those values; each takes the *path* of the value in the
document (``resources[2].links[0].target``) so that a :class:`ParseError` says where the
document went wrong and what was expected there.

Nothing here knows OCCI entities or categories; :mod:`._json_entities` and
:mod:`._json_categories` build on it. No exception other than :class:`ParseError` (reading)
or :class:`RenderError` (writing) leaves this module.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, NoReturn, TypeVar

from pydantic import BaseModel, ValidationError

from occi_operator.occi.attributes import AttributeValue
from occi_operator.occi.errors import ParseError, RenderError

__all__ = [
    "MEDIA_TYPE",
    "at_index",
    "at_key",
    "build",
    "decode_document",
    "describe",
    "encode_document",
    "fail",
    "object_at",
    "optional_string",
    "read_attributes",
    "read_list",
    "read_object",
    "read_string",
    "read_type_id",
    "read_type_ids",
]

MEDIA_TYPE = "application/occi+json"

_M = TypeVar("_M", bound=BaseModel)

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def at_key(path: str, key: str) -> str:
    """The path of member ``key`` of the object at ``path``: ``a.b`` or ``a["occi.x"]``."""
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def at_index(path: str, index: int) -> str:
    """The path of item ``index`` of the array at ``path``."""
    return f"{path}[{index}]"


def describe(value: object) -> str:
    """What a JSON value is, for error messages: ``a string ('x')``, ``an object``…"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({'true' if value else 'false'})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a string ({value[:60]!r})"
    if isinstance(value, list):
        return f"an array of {len(value)} item(s)"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def fail(path: str, expected: str, value: object, message: str = "") -> NoReturn:
    """Raise the :class:`ParseError` for ``value`` at ``path`` not being ``expected``."""
    raise ParseError(
        message or "unexpected value in OCCI JSON document",
        media_type=MEDIA_TYPE,
        where=path or "the document",
        expected=expected,
        received=describe(value),
    )


def _reject_constant(name: str) -> NoReturn:
    raise ParseError(
        f"JSON has no {name}",
        media_type=MEDIA_TYPE,
        expected="a finite number",
        received=name,
    )


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        _reject_constant(text)
    return value


def decode_document(body: bytes) -> Any:
    """Parse a body into JSON values; empty, non-UTF-8 or malformed bodies raise ParseError.

    Integral numbers stay ``int``, others become ``float``; ``NaN``, ``Infinity`` and
    numbers too large for a float are refused.
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(
            "body is not UTF-8",
            media_type=MEDIA_TYPE,
            where=f"byte {exc.start}",
            expected="UTF-8 text",
        ) from None
    if not text.strip():
        raise ParseError("empty body", media_type=MEDIA_TYPE, expected="a JSON document")
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"not valid JSON: {exc.msg}",
            media_type=MEDIA_TYPE,
            where=f"line {exc.lineno} column {exc.colno}",
            received=exc.doc[exc.pos : exc.pos + 40],
        ) from None
    except RecursionError:
        raise ParseError(
            "JSON document nested too deeply", media_type=MEDIA_TYPE, expected="less nesting"
        ) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise ParseError(
            f"unreadable JSON value: {exc}", media_type=MEDIA_TYPE, expected="a JSON document"
        ) from None


def encode_document(value: object) -> bytes:
    """Render JSON values as compact UTF-8; NaN, infinities, cycles raise RenderError."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return text.encode("utf-8")
    except RecursionError:
        raise RenderError("value nested too deeply for application/occi+json") from None
    except (TypeError, ValueError) as exc:  # NaN, cycles, lone surrogates (UnicodeError)
        raise RenderError(f"cannot render as application/occi+json: {exc}") from None


def read_object(value: object, path: str) -> dict[str, Any]:
    """``value`` as a JSON object."""
    if not isinstance(value, dict):
        fail(path, "an object", value)
    return value


def object_at(parent: dict[str, Any], key: str, path: str) -> dict[str, Any] | None:
    """Member ``key`` of ``parent`` (at ``path``) as an object; absent or null → None."""
    value = parent.get(key)
    if value is None:
        return None
    return read_object(value, at_key(path, key))


def read_list(value: object, path: str) -> list[Any]:
    """``value`` as a JSON array."""
    if not isinstance(value, list):
        fail(path, "an array", value)
    return value


def read_string(value: object, path: str, expected: str = "a string") -> str:
    """``value`` as a JSON string."""
    if not isinstance(value, str):
        fail(path, expected, value)
    return value


def optional_string(parent: dict[str, Any], key: str, path: str) -> str | None:
    """Member ``key`` of ``parent`` as a string; absent or null → None."""
    value = parent.get(key)
    if value is None:
        return None
    return read_string(value, at_key(path, key))


def read_type_id(value: object, path: str) -> str:
    """``value`` as a category type identifier (``scheme#term``)."""
    expected = "a type identifier string 'scheme#term'"
    text = read_string(value, path, expected)
    scheme, sep, term = text.rpartition("#")
    if not sep or not scheme or not term:
        fail(path, expected, value)
    return text


def read_type_ids(parent: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
    """Member ``key`` of ``parent`` as an array of type identifiers; absent → ()."""
    value = parent.get(key)
    if value is None:
        return ()
    where = at_key(path, key)
    items = read_list(value, where)
    return tuple(read_type_id(item, at_index(where, i)) for i, item in enumerate(items))


def read_attributes(parent: dict[str, Any], key: str, path: str) -> dict[str, AttributeValue]:
    """Member ``key`` of ``parent`` as attribute values by name.

    A null value means "not set" and is dropped, as servers send it for unset attributes.
    """
    value = parent.get(key)
    if value is None:
        return {}
    where = at_key(path, key)
    values: dict[str, AttributeValue] = {}
    for name, item in read_object(value, where).items():
        if item is None:
            continue
        if not name:
            fail(where, "non-empty attribute names", name)
        if not isinstance(item, str | bool | int | float | list | dict):
            fail(at_key(where, name), "a string, number, boolean, array or object", item)
        values[name] = item
    return values


def build(model: type[_M], path: str, **fields: Any) -> _M:
    """Construct ``model``; a validation failure becomes a ParseError at the failing field."""
    try:
        return model(**fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = path
        for part in error["loc"]:
            where = at_index(where, part) if isinstance(part, int) else at_key(where, str(part))
        raise ParseError(
            error["msg"],
            media_type=MEDIA_TYPE,
            where=where or "the document",
            received=describe(error.get("input")),
        ) from None
