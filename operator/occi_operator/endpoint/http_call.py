"""One request as the route handlers see it: its target, what it carries, how to answer.

:class:`Call` reads the request once (the body was awaited by the dispatcher) and parses
it on demand with the rendering its ``Content-Type`` names (see :mod:`.negotiation`),
turning this endpoint's URLs into paths for the domain (see :mod:`.http_locations`).
Everything that cannot be read is a 400 naming what was expected; a request that must
carry something and carries nothing is a 400 too. Imports no web framework: the
dispatcher hands over plain values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from occi_operator.occi.categories import Kind, Mixin, QueryInterface, split_type_id
from occi_operator.occi.entities import ActionInvocation, Filter, Link, Resource
from occi_operator.occi.rendering import Message, Rendering, TextOcciRendering

from .errors import BadRequestError, PayloadTooLargeError
from .http_locations import Locator
from .negotiation import is_occi_header, request_message

__all__ = ["Call"]

_FILTER_HEADERS = frozenset({"category", "x-occi-category", "x-occi-attribute"})


@dataclass(frozen=True)
class Call:
    """A request: method, domain path, query, headers, body; and the answer's media type."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: tuple[tuple[str, str], ...]
    body: bytes
    content_type: str | None
    media_type: str
    locator: Locator
    category: Kind | Mixin | None = None
    max_page_size: int = 1000

    @property
    def collection(self) -> str:
        """The collection's own path (``/compute/``, however the request spelt it)."""
        if self.category is not None and self.category.location:
            return self.locator.path(self.category.location)
        return self.path

    # -- what the request carries ------------------------------------------------------

    def content(self) -> tuple[Rendering, Message] | None:
        """The request's rendering and message, or None when it carries nothing."""
        return request_message(self.content_type, self.body, self.headers)

    def _required(self, what: str) -> tuple[Rendering, Message]:
        content = self.content()
        if content is None:
            raise BadRequestError(
                f"{self.method} {self.path} needs {what} in the request "
                "(a text/plain or JSON body, or text/occi headers)"
            )
        return content

    def entity(self) -> Resource | Link:
        """The entity the request carries, this endpoint's URLs turned into paths."""
        rendering, message = self._required("an entity rendering")
        return self.locator.entity_in(rendering.parse_entity(message))

    def locations(self, *, required: bool) -> list[str]:
        """The entity locations the request carries (a collection rendering), as paths."""
        content = self.content() if not required else self._required("a list of locations")
        if content is None:
            return []
        rendering, message = content
        return [self.locator.path(location) for location in rendering.parse_locations(message)]

    def categories(self) -> QueryInterface:
        """The categories the request carries (user mixins for the query interface)."""
        rendering, message = self._required("a category rendering")
        return rendering.parse_query_interface(message)

    def filter(self) -> Filter | None:
        """The filter of a GET (GFD.223 §7.1 and §9.1): text/occi headers, else the body."""
        headers = [(name, value) for name, value in self.headers if is_occi_header(name)]
        if any(name.strip().lower() in _FILTER_HEADERS for name, _ in headers):
            found = TextOcciRendering().parse_filter(Message("text/occi", b"", tuple(headers)))
        else:
            content = request_message(self.content_type, self.body, ()) if self.body else None
            if content is None:
                return None
            rendering, message = content
            found = rendering.parse_filter(message)
        return None if found.empty else found

    # -- query parameters --------------------------------------------------------------

    @property
    def action(self) -> str | None:
        """The action term of ``?action=``, or None when the query has no ``action``."""
        if "action" not in self.query:
            return None
        term = self.query["action"].strip()
        if not term:
            raise BadRequestError("?action= names no action term")
        return term

    def invocation(self, defined: Sequence[str]) -> ActionInvocation:
        """The action invocation for ``?action=term``, among the ``defined`` action ids.

        The body's action must have the query's term (GFD.223 §8.3.2); without a body the
        term alone names the action, when exactly one defined action has it.
        """
        term = self.action
        assert term is not None  # only action routes call this
        content = self.content()
        if content is not None:
            rendering, message = content
            invocation = rendering.parse_action(message)
            if split_type_id(invocation.action)[1] != term:
                raise BadRequestError(
                    f"the body triggers {invocation.action} but the query asks for "
                    f"?action={term}: they must name the same action"
                )
            return invocation
        matching = [action for action in defined if action.rpartition("#")[2] == term]
        if len(matching) != 1:
            known = ", ".join(sorted({a.rpartition("#")[2] for a in defined})) or "none"
            raise BadRequestError(
                f"?action={term} names no action of {self.path} (its actions: {known})"
            )
        return ActionInvocation(action=matching[0])

    def page(self) -> tuple[int, int | None]:
        """``?page=`` (1-based, default 1) and ``?number=`` (None: everything) of a GET.

        A number larger than the endpoint's ``max_page_size`` is a 413 (GFD.223 §6).
        """
        page = self._integer("page", least=1)
        number = self._integer("number", least=1)
        if number is not None and number > self.max_page_size:
            raise PayloadTooLargeError(
                f"?number={number} is larger than this endpoint's page size limit "
                f"{self.max_page_size}"
            )
        return 1 if page is None else page, number

    def _integer(self, name: str, *, least: int) -> int | None:
        raw = self.query.get(name)
        if raw is None:
            return None
        text = raw.strip()
        if not text.isascii() or not text.isdigit() or len(text) > 18 or int(text) < least:
            raise BadRequestError(f"?{name}={raw!r} must be an integer of at least {least}")
        return int(text)
