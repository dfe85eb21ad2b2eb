"""The ``text/uri-list`` rendering (RFC 2483 §5): one location per line, collections only.

Writing puts each location on its own line, ended by CRLF as RFC 2483 asks. A
:class:`~occi_operator.occi.entities.Collection` renders its ``locations``; one holding only
entities renders their ``location`` fields (an entity without one is a RenderError).

Reading accepts CRLF or LF line ends, ignores blank lines and ``#`` comment lines, and
refuses a line that cannot be a URI (inner whitespace or control characters), naming it.
Locations may be absolute or relative; they are returned as written.

Entities, categories, action invocations and filters cannot be expressed in this media type
(GFD.223: an entity asked for as ``text/uri-list`` is a 400): those ``render_*`` methods
raise RenderError and the ``parse_*`` methods raise ParseError.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import ClassVar, NoReturn

from occi_operator.occi.categories import QueryInterface
from occi_operator.occi.entities import ActionInvocation, Collection, Filter, Link, Resource
from occi_operator.occi.errors import ParseError, RenderError

from .base import Message

__all__ = ["UriListRendering"]

MEDIA_TYPE = "text/uri-list"
_COLLECTIONS_ONLY = "text/uri-list renders collections only"
#: Characters no URI line may hold: whitespace and controls (RFC 3986 excludes them).
_NOT_IN_URI = re.compile(r"[\s\x00-\x1f\x7f]")


def _check_location(location: str, what: str) -> str:
    if not location or location.startswith("#") or _NOT_IN_URI.search(location):
        raise RenderError(
            f"{what} {location!r} cannot be a text/uri-list line "
            "(empty, a '#' comment, or containing whitespace or control characters)"
        )
    return location


def _refuse_parse(what: str) -> NoReturn:
    raise ParseError(
        _COLLECTIONS_ONLY,
        media_type=MEDIA_TYPE,
        expected=f"a collection or locations, not {what}",
    )


class UriListRendering:
    """``text/uri-list``: collections and bare locations, one URI per line."""

    media_types: ClassVar[tuple[str, ...]] = (MEDIA_TYPE,)

    def _message(self, locations: Iterable[str]) -> Message:
        body = "".join(f"{location}\r\n" for location in locations)
        try:
            return Message(content_type=MEDIA_TYPE, body=body.encode("utf-8"))
        except UnicodeEncodeError as exc:  # a lone surrogate cannot travel as UTF-8
            raise RenderError(f"location is not encodable as UTF-8: {exc}") from None

    def render_entity(self, entity: Resource | Link) -> Message:
        """Always a RenderError: an entity has no text/uri-list form."""
        raise RenderError(f"{_COLLECTIONS_ONLY}; cannot render entity of kind {entity.kind}")

    def parse_entity(self, message: Message) -> Resource | Link:
        """Always a ParseError: an entity has no text/uri-list form."""
        _refuse_parse("an entity")

    def render_collection(self, collection: Collection) -> Message:
        """Render the collection's locations, or else the locations of its entities."""
        if collection.locations:
            return self.render_locations(collection.locations)
        locations: list[str] = []
        for entity in collection.entities:
            if entity.location is None:
                name = entity.id or entity.title or "without id"
                raise RenderError(
                    f"{_COLLECTIONS_ONLY} by location; entity {name} of kind {entity.kind} "
                    "has no location"
                )
            locations.append(_check_location(entity.location, "entity location"))
        return self._message(locations)

    def parse_collection(self, message: Message) -> Collection:
        """Parse a list of locations into a collection of locations."""
        return Collection(locations=tuple(self.parse_locations(message)))

    def render_query_interface(self, query: QueryInterface) -> Message:
        """Always a RenderError: categories have no text/uri-list form."""
        raise RenderError(f"{_COLLECTIONS_ONLY}; cannot render the query interface")

    def parse_query_interface(self, message: Message) -> QueryInterface:
        """Always a ParseError: categories have no text/uri-list form."""
        _refuse_parse("categories")

    def render_action(self, invocation: ActionInvocation) -> Message:
        """Always a RenderError: an action invocation has no text/uri-list form."""
        raise RenderError(f"{_COLLECTIONS_ONLY}; cannot render action {invocation.action}")

    def parse_action(self, message: Message) -> ActionInvocation:
        """Always a ParseError: an action invocation has no text/uri-list form."""
        _refuse_parse("an action invocation")

    def render_locations(self, locations: Sequence[str]) -> Message:
        """One location per line, CRLF-terminated; an empty list is an empty body."""
        return self._message(_check_location(location, "location") for location in locations)

    def parse_locations(self, message: Message) -> list[str]:
        """The URIs of the body, without blank and ``#`` comment lines."""
        try:
            text = message.body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError(
                "body is not UTF-8",
                media_type=MEDIA_TYPE,
                where=f"byte {exc.start}",
                expected="UTF-8 text",
            ) from None
        locations: list[str] = []
        # split on CRLF or LF only: str.splitlines would also split on characters that
        # must be refused inside a URI line
        for number, raw in enumerate(text.split("\n"), start=1):
            line = raw.removesuffix("\r").strip(" \t")
            if not line or line.startswith("#"):
                continue
            bad = _NOT_IN_URI.search(line)
            if bad:
                raise ParseError(
                    "not a URI",
                    media_type=MEDIA_TYPE,
                    where=f"line {number}",
                    expected="one URI per line, without whitespace or control characters",
                    received=line,
                )
            locations.append(line)
        return locations

    def render_filter(self, query: Filter) -> Message:
        """Always a RenderError: a filter has no text/uri-list form."""
        raise RenderError(f"{_COLLECTIONS_ONLY}; cannot render a filter")

    def parse_filter(self, message: Message) -> Filter:
        """Always a ParseError: a filter has no text/uri-list form."""
        _refuse_parse("a filter")
