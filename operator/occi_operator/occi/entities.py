"""Entities: Resource and Link (GFD.221 §4.5–4.7), collections and action invocations.

Canonical form (every rendering's parser produces it, every renderer accepts it):

* the core attributes live in typed fields, never in ``attributes``:
  ``occi.core.id`` → ``id``, ``occi.core.title`` → ``title``, ``occi.core.summary`` →
  ``Resource.summary``, ``occi.core.source``/``occi.core.target``/``occi.core.target.kind``
  → ``Link.source``/``Link.target``/``Link.target_kind`` (and ``source_kind``);
* ``attributes`` holds every other attribute, by its full dotted name;
* ``actions`` holds the type identifiers of the actions currently applicable (rendered as
  action links in text, as the ``actions`` array in JSON);
* ``location`` is where the entity lives, when the rendering or the transport says so.

:func:`split_core_attributes` and :meth:`Entity.all_attributes` convert between a flat
attribute map (as text renderings carry it) and this form. The ``repr`` of an entity masks
the values of credentials (:data:`~.vocabulary.SECRET_ATTRIBUTES`), so that a log line
or an error that shows an entity shows no secret; the renderings carry them unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .attributes import AttributeValue
from .vocabulary import SECRET_ATTRIBUTES

__all__ = [
    "CORE_ID",
    "CORE_SOURCE",
    "CORE_SOURCE_KIND",
    "CORE_SUMMARY",
    "CORE_TARGET",
    "CORE_TARGET_KIND",
    "CORE_TITLE",
    "ActionInvocation",
    "Collection",
    "Entity",
    "Filter",
    "Link",
    "Resource",
    "split_core_attributes",
]

CORE_ID = "occi.core.id"
CORE_TITLE = "occi.core.title"
CORE_SUMMARY = "occi.core.summary"
CORE_SOURCE = "occi.core.source"
CORE_SOURCE_KIND = "occi.core.source.kind"
CORE_TARGET = "occi.core.target"
CORE_TARGET_KIND = "occi.core.target.kind"

_CORE_NAMES = frozenset(
    {CORE_ID, CORE_TITLE, CORE_SUMMARY, CORE_SOURCE, CORE_SOURCE_KIND, CORE_TARGET,
     CORE_TARGET_KIND}
)


class Entity(BaseModel):
    """What Resource and Link share: kind, mixins, id, title, attributes, actions."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="Type identifier of the entity's kind.")
    mixins: tuple[str, ...] = Field(default=(), description="Type identifiers of its mixins.")
    id: str | None = Field(default=None, description="occi.core.id; None until assigned.")
    title: str | None = None
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    actions: tuple[str, ...] = Field(default=(), description="Applicable action type ids.")
    location: str | None = Field(default=None, description="Where the entity lives.")

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            if name == "attributes" and isinstance(value, dict):
                value = {k: "<hidden>" if k in SECRET_ATTRIBUTES else v for k, v in value.items()}
            yield name, value

    def core_attributes(self) -> dict[str, AttributeValue]:
        """The core attributes held in typed fields, as a name → value map."""
        core: dict[str, AttributeValue] = {}
        if self.id is not None:
            core[CORE_ID] = self.id
        if self.title is not None:
            core[CORE_TITLE] = self.title
        return core

    def all_attributes(self) -> dict[str, AttributeValue]:
        """Core and other attributes in one flat map (core first), as text renders them."""
        return {**self.core_attributes(), **self.attributes}

    @property
    def categories(self) -> tuple[str, ...]:
        """Kind first, then mixins."""
        return (self.kind, *self.mixins)


class Link(Entity):
    """An association between a source resource and a target resource."""

    source: str | None = Field(
        default=None,
        description="Location of the source; None inside a resource (the resource itself).",
    )
    source_kind: str | None = None
    target: str = Field(description="Location (URI) of the target.")
    target_kind: str | None = None

    def core_attributes(self) -> dict[str, AttributeValue]:
        core = super().core_attributes()
        if self.source is not None:
            core[CORE_SOURCE] = self.source
        if self.source_kind is not None:
            core[CORE_SOURCE_KIND] = self.source_kind
        core[CORE_TARGET] = self.target
        if self.target_kind is not None:
            core[CORE_TARGET_KIND] = self.target_kind
        return core


class Resource(Entity):
    """A resource: an entity with a summary and links to other resources."""

    summary: str | None = None
    links: tuple[Link, ...] = ()

    def core_attributes(self) -> dict[str, AttributeValue]:
        core = super().core_attributes()
        if self.summary is not None:
            core[CORE_SUMMARY] = self.summary
        return core


class Collection(BaseModel):
    """A collection answer: full entities when the rendering carries them, else locations."""

    model_config = ConfigDict(extra="forbid")

    resources: tuple[Resource, ...] = ()
    links: tuple[Link, ...] = ()
    locations: tuple[str, ...] = Field(
        default=(), description="Entity locations, for renderings that list only those."
    )

    @property
    def entities(self) -> tuple[Resource | Link, ...]:
        """Resources then links."""
        return (*self.resources, *self.links)


class ActionInvocation(BaseModel):
    """A request to trigger an action, with its parameter attributes."""

    model_config = ConfigDict(extra="forbid")

    action: str = Field(description="Type identifier of the action.")
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)


class Filter(BaseModel):
    """A filter sent with a GET of a collection or of ``/-/`` (GFD.223 §3.4.1).

    Entities (or categories) match when they carry every category and every attribute
    value named here.
    """

    model_config = ConfigDict(extra="forbid")

    categories: tuple[str, ...] = Field(default=(), description="Category type identifiers.")
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """True when the filter narrows nothing."""
        return not self.categories and not self.attributes


def split_core_attributes(
    attributes: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, AttributeValue]]:
    """Split a flat attribute map into (core attributes by name, the rest)."""
    core: dict[str, Any] = {}
    rest: dict[str, AttributeValue] = {}
    for name, value in attributes.items():
        if name in _CORE_NAMES:
            core[name] = value
        else:
            rest[name] = value
    return core, rest
