"""Attribute definitions and the validation of attribute values against them (GFD.221 §4).

An :class:`AttributeDefinition` carries what OCCI 1.2 defines (type, mutable, required,
default, pattern, description) plus the constraints the infrastructure specification
states in prose (enumerations such as ``x86|x64``, ranges such as vlan 0–4095), so that
:func:`validate_value` can name the rule a bad value breaks.

This module imports nothing from the rest of the project but :mod:`.errors`.
"""

from __future__ import annotations

import enum
import math
import re
import warnings
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

from .errors import InvalidAttributeError

__all__ = [
    "AttributeDefinition",
    "AttributeType",
    "AttributeValue",
    "validate_attributes",
    "validate_value",
]

#: An attribute value as the renderings carry it. Text renderings only carry
#: str, int, float and bool; JSON also carries lists and objects.
AttributeValue: TypeAlias = str | bool | int | float | list[Any] | dict[str, Any]


class AttributeType(enum.StrEnum):
    """The data type of an attribute.

    ``integer`` refines JSON's ``number`` (GFD.226 has no integer type; it renders as
    ``number`` and the JSON parser maps a ``number`` back to :attr:`NUMBER`).
    """

    STRING = "string"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    ARRAY = "array"
    OBJECT = "object"


class AttributeDefinition(BaseModel):
    """The definition of one attribute of a category."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="Attribute name, e.g. occi.compute.cores.")
    type: AttributeType = AttributeType.STRING
    mutable: bool = True
    required: bool = False
    default: AttributeValue | None = None
    pattern: str | None = Field(default=None, description="Regular expression for strings.")
    description: str | None = None
    enum: tuple[str, ...] | None = Field(default=None, description="Allowed string values.")
    minimum: float | None = None
    maximum: float | None = None

    @property
    def immutable(self) -> bool:
        """True when the attribute cannot change after creation."""
        return not self.mutable


# rOCCI (Ruby) sends POSIX bracket classes such as ``[[:alnum:]]``; Python's ``re`` does not
# know them (it warns and matches something else), so they are translated first.
_POSIX_CLASSES = {
    "[:alnum:]": "a-zA-Z0-9",
    "[:alpha:]": "a-zA-Z",
    "[:digit:]": "0-9",
    "[:lower:]": "a-z",
    "[:upper:]": "A-Z",
    "[:space:]": r"\s",
    "[:xdigit:]": "0-9a-fA-F",
    "[:punct:]": r"!-/:-@\[-`{-~",
    "[:word:]": r"\w",
}


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    """The compiled pattern, or None when it is not a regular expression Python can use."""
    for posix, python in _POSIX_CLASSES.items():
        pattern = pattern.replace(posix, python)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return re.compile(pattern)
        except (re.error, OverflowError, RecursionError):
            return None


def _type_matches(kind: AttributeType, value: object) -> bool:
    if kind is AttributeType.STRING:
        return isinstance(value, str)
    if kind is AttributeType.BOOLEAN:
        return isinstance(value, bool)
    if kind is AttributeType.INTEGER:
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if kind is AttributeType.NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is AttributeType.ARRAY:
        return isinstance(value, list)
    return isinstance(value, dict)


def validate_value(definition: AttributeDefinition, value: object) -> None:
    """Raise :class:`InvalidAttributeError` when ``value`` breaks ``definition``.

    The error names the attribute and the rule: its type, the allowed values, the
    range or the pattern.
    """
    name = definition.name
    if not _type_matches(definition.type, value):
        raise InvalidAttributeError(name, f"must be of type {definition.type.value}", value)
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidAttributeError(name, "must be a finite number", value)
    if definition.enum is not None and value not in definition.enum:
        allowed = ", ".join(definition.enum)
        raise InvalidAttributeError(name, f"must be one of {allowed}", value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = definition.minimum, definition.maximum
        if low is not None and value < low:
            raise InvalidAttributeError(name, f"must be at least {_num(low)}", value)
        if high is not None and value > high:
            raise InvalidAttributeError(name, f"must be at most {_num(high)}", value)
    if definition.pattern is not None and isinstance(value, str):
        compiled = _compiled(definition.pattern)
        # A server's pattern we cannot compile constrains nothing here.
        if compiled is not None and compiled.fullmatch(value) is None:
            raise InvalidAttributeError(name, f"must match {definition.pattern!r}", value)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def validate_attributes(
    definitions: Mapping[str, AttributeDefinition],
    values: Mapping[str, object],
    *,
    require: bool = False,
    allow_unknown: bool = True,
) -> None:
    """Validate every value that has a definition.

    ``require`` also checks that required attributes without a default are present;
    ``allow_unknown=False`` refuses names no definition knows.
    """
    for name, value in values.items():
        definition = definitions.get(name)
        if definition is None:
            if not allow_unknown:
                raise InvalidAttributeError(name, "is not defined by any category of the entity")
            continue
        validate_value(definition, value)
    if require:
        for name, definition in definitions.items():
            if definition.required and definition.default is None and name not in values:
                raise InvalidAttributeError(name, "is required")
