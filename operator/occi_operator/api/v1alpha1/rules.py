"""Validation rules declared once, enforced twice: by the API server (CEL) and offline.

A :class:`Rule` carries a CEL expression for ``x-kubernetes-validations`` and a Python
predicate with the same meaning; :class:`RuledModel` puts the CEL into the model's JSON
schema and runs the predicate when the model validates, so the reconciler and the tests
refuse what the API server refuses. Immutable fields are marked with :data:`IMMUTABLE`;
the CRD generator turns the mark into a transition rule (``self == oldSelf``) on the
parent object and :func:`immutable_changes` is its offline twin.

Imports pydantic only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

from .common import ApiModel

__all__ = [
    "IMMUTABLE",
    "IMMUTABLE_KEY",
    "Rule",
    "RuledModel",
    "cel_name",
    "immutable_changes",
    "immutable_fields",
]

#: The JSON schema key that marks an immutable field (removed by the CRD generator).
IMMUTABLE_KEY = "x-occi-immutable"
#: Pass as ``json_schema_extra`` to mark a field immutable once the object exists.
IMMUTABLE: dict[str, Any] = {IMMUTABLE_KEY: True}

# Identifiers CEL reserves; Kubernetes exposes such property names as __name__.
_CEL_RESERVED = frozenset(
    (
        *("true", "false", "null", "in", "as", "break", "const", "continue", "else"),
        *("for", "function", "if", "import", "let", "loop", "package", "namespace"),
        *("return", "var", "void", "while"),
    )
)


def cel_name(name: str) -> str:
    """A property name as CEL sees it (``import`` → ``__import__``)."""
    if name in _CEL_RESERVED:
        return f"__{name}__"
    escaped = name.replace("__", "__underscores__")
    for char, word in ((".", "dot"), ("-", "dash"), ("/", "slash")):
        escaped = escaped.replace(char, f"__{word}__")
    return escaped


@dataclass(frozen=True)
class Rule:
    """One rule: a CEL expression, its message and the Python predicate that mirrors it."""

    cel: str
    message: str
    check: Callable[[Any], bool]
    #: JSONPath of the field the error is reported on, relative to the object (``.url``).
    field_path: str | None = None

    def to_crd(self) -> dict[str, str]:
        """The ``x-kubernetes-validations`` entry."""
        entry = {"rule": self.cel, "message": self.message}
        if self.field_path:
            entry["fieldPath"] = self.field_path
        return entry


def _add_rules(schema: dict[str, Any], cls: type[Any]) -> None:
    rules: tuple[Rule, ...] = getattr(cls, "cel_rules", ())
    if rules:
        schema["x-kubernetes-validations"] = [rule.to_crd() for rule in rules]


class RuledModel(ApiModel):
    """An API model with :class:`Rule` s: CEL in its schema, checked when it validates."""

    model_config = ConfigDict(json_schema_extra=_add_rules)

    #: The rules of this model; subclasses extend the tuple of their base.
    cel_rules: ClassVar[tuple[Rule, ...]] = ()

    @model_validator(mode="after")
    def _check_rules(self) -> RuledModel:
        failed = [rule.message for rule in type(self).cel_rules if not rule.check(self)]
        if failed:
            raise ValueError("; ".join(failed))
        return self


def immutable_fields(model: type[BaseModel]) -> list[str]:
    """The names of the fields of ``model`` marked :data:`IMMUTABLE`."""
    return [
        name
        for name, info in model.model_fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get(IMMUTABLE_KEY)
    ]


def immutable_changes(old: BaseModel, new: BaseModel, path: str = "") -> list[str]:
    """The JSON paths of immutable fields that differ between two versions of an object.

    Follows the API server: a nested object's rules apply only when the object exists in
    both versions; a marked field may be neither added, removed nor changed.
    """
    changes: list[str] = []
    marked = set(immutable_fields(type(new)))
    for name, info in type(new).model_fields.items():
        before, after = getattr(old, name, None), getattr(new, name, None)
        json_name = info.alias or name
        where = f"{path}.{json_name}"
        if name in marked:
            if before != after:
                changes.append(where)
        elif isinstance(before, BaseModel) and isinstance(after, BaseModel):
            changes.extend(immutable_changes(before, after, where))
    return changes
