"""Categories: Kind, Mixin and Action (GFD.221 §4.1–4.4), and the query-interface model.

A category is identified by ``scheme + term`` (its *type identifier*). Kinds and mixins
define a collection at ``location``; actions may declare parameter attributes.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .attributes import AttributeDefinition

__all__ = [
    "Action",
    "Category",
    "CategoryClass",
    "Kind",
    "Mixin",
    "QueryInterface",
    "split_type_id",
]

_TERM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")


class CategoryClass(enum.StrEnum):
    """The ``class`` of a category in the text rendering."""

    KIND = "kind"
    MIXIN = "mixin"
    ACTION = "action"


def split_type_id(type_id: str) -> tuple[str, str]:
    """Split ``scheme#term`` into ``("scheme#", "term")``.

    Raises ``ValueError`` when there is no ``#``.
    """
    scheme, sep, term = type_id.rpartition("#")
    if not sep:
        raise ValueError(f"type identifier {type_id!r} has no '#' between scheme and term")
    return scheme + "#", term


class Category(BaseModel):
    """What every category has: scheme, term, title and attribute definitions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Which of kind, mixin or action this is; set by each concrete class.
    category_class: ClassVar[CategoryClass]

    scheme: str = Field(description="Category scheme, an URI ending in '#'.")
    term: str = Field(description="Category term, unique within the scheme.")
    title: str | None = None
    attributes: tuple[AttributeDefinition, ...] = ()

    @field_validator("scheme")
    @classmethod
    def _scheme_ends_with_hash(cls, value: str) -> str:
        if not value.endswith("#"):
            raise ValueError(f"scheme {value!r} must end with '#'")
        return value

    @field_validator("term")
    @classmethod
    def _term_is_a_token(cls, value: str) -> str:
        if not _TERM.fullmatch(value):
            raise ValueError(f"term {value!r} must be letters, digits, '_', '.', '-'")
        return value

    @property
    def type_id(self) -> str:
        """The type identifier ``scheme + term``."""
        return self.scheme + self.term

    def attribute(self, name: str) -> AttributeDefinition | None:
        """The definition of ``name`` in this category, if it defines one."""
        for definition in self.attributes:
            if definition.name == name:
                return definition
        return None

    def attribute_map(self) -> dict[str, AttributeDefinition]:
        """The attribute definitions by name."""
        return {definition.name: definition for definition in self.attributes}


class Kind(Category):
    """An entity type: parent kind, actions, collection location."""

    parent: str | None = Field(default=None, description="Type identifier of the parent kind.")
    actions: tuple[str, ...] = ()
    location: str | None = Field(default=None, description="Collection path, e.g. /compute/.")

    category_class: ClassVar[CategoryClass] = CategoryClass.KIND


class Mixin(Category):
    """Extra capabilities attachable to entities; templates are mixins."""

    depends: tuple[str, ...] = ()
    applies: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    location: str | None = None

    category_class: ClassVar[CategoryClass] = CategoryClass.MIXIN


class Action(Category):
    """An operation on entities of a kind or mixin; ``attributes`` are its parameters."""

    category_class: ClassVar[CategoryClass] = CategoryClass.ACTION


class QueryInterface(BaseModel):
    """What ``GET /-/`` answers: every kind, mixin and action of an endpoint."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kinds: tuple[Kind, ...] = ()
    mixins: tuple[Mixin, ...] = ()
    actions: tuple[Action, ...] = ()

    def __iter__(self) -> Iterator[Kind | Mixin | Action]:  # type: ignore[override]
        yield from self.kinds
        yield from self.mixins
        yield from self.actions

    def find(self, type_id: str) -> Kind | Mixin | Action | None:
        """The category with this type identifier, if any."""
        for category in self:
            if category.type_id == type_id:
                return category
        return None

    def mixins_depending_on(self, type_id: str) -> list[Mixin]:
        """Mixins that declare ``type_id`` among their ``depends`` (e.g. the os_tpl family)."""
        return [mixin for mixin in self.mixins if type_id in mixin.depends]
