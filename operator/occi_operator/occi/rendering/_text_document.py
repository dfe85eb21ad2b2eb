"""The OCCI text document: the :class:`~.base.Rendering` protocol over text fields.

:class:`TextRendering` maps every model object to a list of fields and back (GFD.229 §4),
on top of two transport hooks that :mod:`.text_plain` (body lines) and :mod:`.text_occi`
(HTTP headers) provide. Entities have their own module (:mod:`._text_entity`); the
grammar of each field is in :mod:`._headers` and :mod:`._category_line`.

Decisions:

* A collection renders ``X-OCCI-Location`` lines: its ``locations``, else the location of
  each entity (an entity without one is a :class:`~..errors.RenderError`); it parses into
  :attr:`~..entities.Collection.locations`.
* The query interface renders one ``Category`` per kind, mixin and action, in that order,
  with every field the text has; each parsed category must name its class.
* An action invocation is one ``Category`` (``class="action"``; a missing class is
  tolerated) and its parameters as ``X-OCCI-Attribute`` lines.
* A filter renders its categories without ``class`` (the model holds type identifiers
  only) and its attribute values; the parser accepts that.
* A field a document does not expect is a :class:`~..errors.ParseError` naming it, except
  ``Link`` and ``Location`` headers in ``text/occi``, which are also plain HTTP headers.
* ``Location`` (rOCCI's and HTTP's spelling) counts only when no ``X-OCCI-Location`` is
  present, so a create answer carrying both lists the location once.

This module imports no transport: it sees only :class:`~._headers.Field` values.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import ClassVar

from occi_operator.occi.attributes import AttributeValue
from occi_operator.occi.categories import Action, CategoryClass, Kind, Mixin, QueryInterface
from occi_operator.occi.entities import ActionInvocation, Collection, Filter, Link, Resource
from occi_operator.occi.errors import RenderError

from ._category_line import (
    CategoryLine,
    category_line,
    parse_category,
    render_category,
    to_category,
    type_id_line,
)
from ._headers import (
    Field,
    FieldKind,
    Rendered,
    attribute_map,
    location_fields,
    parse_location,
    render_attribute,
    render_location,
)
from ._quoting import Where
from ._text_entity import parse_entity_fields, render_entity_fields
from .base import Message

__all__ = ["TextRendering"]


class TextRendering(ABC):
    """The text document over an abstract transport; subclasses give the transport."""

    media_types: ClassVar[tuple[str, ...]]
    #: Quoted strings escape non-ASCII characters (HTTP header values are ASCII).
    ascii_only: ClassVar[bool] = False
    #: Values of one field are comma-joined, so locations may not contain commas.
    comma_lists: ClassVar[bool] = False
    #: How errors about the whole document name it ("body", "headers").
    document: ClassVar[str] = "body"

    @abstractmethod
    def _message(self, fields: list[Rendered]) -> Message:
        """The message carrying ``fields`` (transport hook)."""

    @abstractmethod
    def _fields(self, message: Message) -> list[Field]:
        """The fields a message carries, lists split (transport hook)."""

    def _whole(self) -> Where:
        return Where(self.media_types[0], self.document)

    # ------------------------------------------------------------ rendering

    def render_entity(self, entity: Resource | Link) -> Message:
        """Render a resource (inline and action links) or a link (source/target attributes)."""
        return self._message(
            render_entity_fields(entity, ascii_only=self.ascii_only, comma_lists=self.comma_lists)
        )

    def render_collection(self, collection: Collection) -> Message:
        """Render ``X-OCCI-Location`` lines: the locations, else the entities' locations."""
        locations = list(collection.locations)
        if not locations:
            for entity in collection.entities:
                if entity.location is None:
                    raise RenderError(
                        f"entity {entity.id or entity.kind!r} has no location; a text "
                        "collection lists locations only"
                    )
                locations.append(entity.location)
        return self.render_locations(locations)

    def render_query_interface(self, query: QueryInterface) -> Message:
        """Render one ``Category`` per kind, mixin and action."""
        return self._categories(category_line(category) for category in query)

    def render_action(self, invocation: ActionInvocation) -> Message:
        """Render the action's ``Category`` (``class="action"``) and its parameters."""
        line = type_id_line(invocation.action, CategoryClass.ACTION)
        return self._categories([line], invocation.attributes)

    def render_locations(self, locations: Sequence[str]) -> Message:
        """Render one ``X-OCCI-Location`` per location."""
        return self._message(
            [
                (
                    FieldKind.LOCATION,
                    render_location(loc, ascii_only=self.ascii_only, in_list=self.comma_lists),
                )
                for loc in locations
            ]
        )

    def render_filter(self, query: Filter) -> Message:
        """Render the filter's categories (no class) and attribute values."""
        lines = (type_id_line(type_id, None) for type_id in query.categories)
        return self._categories(lines, query.attributes)

    def _categories(
        self, lines: Iterable[CategoryLine], attributes: dict[str, AttributeValue] | None = None
    ) -> Message:
        fields = [
            (FieldKind.CATEGORY, render_category(line, ascii_only=self.ascii_only))
            for line in lines
        ]
        fields += [
            (FieldKind.ATTRIBUTE, render_attribute(name, value, ascii_only=self.ascii_only))
            for name, value in (attributes or {}).items()
        ]
        return self._message(fields)

    # ------------------------------------------------------------ parsing

    def parse_entity(self, message: Message) -> Resource | Link:
        """Parse a resource or a link (rules in :mod:`._text_entity`)."""
        kinds = (FieldKind.CATEGORY, FieldKind.LINK, FieldKind.ATTRIBUTE, FieldKind.LOCATION)
        return parse_entity_fields(self._expect(message, *kinds), self._whole())

    def parse_collection(self, message: Message) -> Collection:
        """Parse ``X-OCCI-Location`` lines into :attr:`Collection.locations`."""
        return Collection(locations=tuple(self.parse_locations(message)))

    def parse_query_interface(self, message: Message) -> QueryInterface:
        """Parse ``Category`` lines; each must name its class."""
        kinds: list[Kind] = []
        mixins: list[Mixin] = []
        actions: list[Action] = []
        for item in self._expect(message, FieldKind.CATEGORY):
            category = to_category(parse_category(item.value, item.where), item.where)
            if isinstance(category, Kind):
                kinds.append(category)
            elif isinstance(category, Mixin):
                mixins.append(category)
            else:
                actions.append(category)
        return QueryInterface(kinds=tuple(kinds), mixins=tuple(mixins), actions=tuple(actions))

    def parse_action(self, message: Message) -> ActionInvocation:
        """Parse one action ``Category`` and its parameter attributes."""
        fields = self._expect(message, FieldKind.CATEGORY, FieldKind.ATTRIBUTE)
        categories = [item for item in fields if item.kind is FieldKind.CATEGORY]
        if len(categories) != 1:
            raise self._whole().error(
                "an action invocation names exactly one action",
                expected='one Category with class="action"',
                received=f"{len(categories)} categories",
            )
        item = categories[0]
        line = parse_category(item.value, item.where)
        if line.cls not in (None, CategoryClass.ACTION):
            raise item.where.error("not an action", expected='class="action"', received=item.value)
        attributes, _ = attribute_map(fields)
        return ActionInvocation(action=line.type_id, attributes=attributes)

    def parse_locations(self, message: Message) -> list[str]:
        """Parse ``X-OCCI-Location`` lines (``Location`` when there are none)."""
        fields = location_fields(self._expect(message, FieldKind.LOCATION))
        return [parse_location(item.value, item.where) for item in fields]

    def parse_filter(self, message: Message) -> Filter:
        """Parse ``Category`` lines (class optional) and ``X-OCCI-Attribute`` lines."""
        fields = self._expect(message, FieldKind.CATEGORY, FieldKind.ATTRIBUTE)
        categories = tuple(
            parse_category(item.value, item.where).type_id
            for item in fields
            if item.kind is FieldKind.CATEGORY
        )
        attributes, _ = attribute_map(fields)
        return Filter(categories=categories, attributes=attributes)

    def _expect(self, message: Message, *kinds: FieldKind) -> list[Field]:
        """The message's fields, refusing kinds the document does not have."""
        fields = []
        for item in self._fields(message):
            if item.kind in kinds:
                fields.append(item)
            elif not item.ignorable:
                raise item.where.error(
                    f"unexpected {item.kind.value} field",
                    expected=" or ".join(kind.value for kind in kinds),
                    received=item.value,
                )
        return fields
