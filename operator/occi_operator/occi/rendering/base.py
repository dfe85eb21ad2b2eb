"""The contract every rendering implements, and the message it reads and writes.

A :class:`Message` is what travels over HTTP: headers (in order, repeated names allowed)
and a body. Text renderings put the OCCI lines in the body (``text/plain``) or in the
headers (``text/occi``); JSON puts everything in the body.

Every ``parse_*`` method raises :class:`~occi_operator.occi.errors.ParseError` and
nothing else for malformed input; every ``render_*`` method raises
:class:`~occi_operator.occi.errors.RenderError` for what the rendering cannot express
(for example an entity in ``text/uri-list``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from occi_operator.occi.categories import QueryInterface
from occi_operator.occi.entities import ActionInvocation, Collection, Filter, Link, Resource

__all__ = ["Message", "Rendering"]


@dataclass(frozen=True)
class Message:
    """Headers and body of an HTTP request or response, as a rendering sees them."""

    content_type: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = field(default=())

    def header_values(self, *names: str) -> Iterator[str]:
        """Every value of the named headers (case-insensitive), in order."""
        wanted = {name.lower() for name in names}
        for name, value in self.headers:
            if name.lower() in wanted:
                yield value

    @classmethod
    def from_pairs(
        cls, content_type: str, body: bytes, headers: Iterable[tuple[str, str]]
    ) -> Message:
        """Build a message from any iterable of header pairs."""
        return cls(content_type=content_type, body=body, headers=tuple(headers))


class Rendering(Protocol):
    """One OCCI rendering (media type), both directions."""

    #: The media types this rendering answers to; the first is the canonical one.
    media_types: ClassVar[tuple[str, ...]]

    def render_entity(self, entity: Resource | Link) -> Message:
        """Render one resource (with inline and action links) or one link."""
        ...

    def parse_entity(self, message: Message) -> Resource | Link:
        """Parse one resource or link; the kind decides which (a link has a target)."""
        ...

    def render_collection(self, collection: Collection) -> Message:
        """Render a collection (full entities where the rendering can, else locations)."""
        ...

    def parse_collection(self, message: Message) -> Collection:
        """Parse a collection answer."""
        ...

    def render_query_interface(self, query: QueryInterface) -> Message:
        """Render categories (the answer of ``/-/``, or user mixins sent to it)."""
        ...

    def parse_query_interface(self, message: Message) -> QueryInterface:
        """Parse categories."""
        ...

    def render_action(self, invocation: ActionInvocation) -> Message:
        """Render an action invocation."""
        ...

    def parse_action(self, message: Message) -> ActionInvocation:
        """Parse an action invocation."""
        ...

    def render_locations(self, locations: Sequence[str]) -> Message:
        """Render bare locations (a create answer, a mixin-collection membership)."""
        ...

    def parse_locations(self, message: Message) -> list[str]:
        """Parse bare locations."""
        ...

    def render_filter(self, query: Filter) -> Message:
        """Render a filter for a GET of a collection or of ``/-/``."""
        ...

    def parse_filter(self, message: Message) -> Filter:
        """Parse a filter."""
        ...
