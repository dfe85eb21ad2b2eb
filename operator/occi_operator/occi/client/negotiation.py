"""Which rendering to speak with one endpoint, learnt from its answers.

The client sends exactly one media type in ``Accept`` (and as ``Content-Type`` with a
body), starting with the endpoint's preferred rendering. A ``406`` or ``415`` marks
that rendering as refused for the rest of the client's life and the request is
repeated with the next one; ``text/plain`` is always last, since every OCCI server
must speak it. Answers are parsed with the rendering the server *says* it sent, and
with the requested one when it names none or an unknown type (ooi answers JSON as
``application/json``).
"""

from __future__ import annotations

import enum

from occi_operator.occi.errors import UnknownMediaTypeError
from occi_operator.occi.rendering import Rendering, base_media_type, rendering_for

__all__ = ["URI_LIST", "Negotiator", "Purpose"]

URI_LIST = "text/uri-list"


class Purpose(enum.Enum):
    """What a request carries or asks for; ``text/uri-list`` only fits collections."""

    ENTITY = "entity"
    COLLECTION = "collection"
    QUERY = "query"
    ACTION = "action"


class Negotiator:
    """The renderings of one endpoint: the order to try, and what it refused or spoke."""

    def __init__(self, order: tuple[str, ...]) -> None:
        for media_type in order:
            rendering_for(media_type)  # unknown types fail here, at configuration time
        self._order = tuple(base_media_type(media_type) for media_type in order)
        self._refused: set[str] = set()
        self._offered: set[str] = set()

    def candidates(self, purpose: Purpose, *, first: str | None = None) -> list[str]:
        """Media types to try for a request, best first, refused ones left out.

        ``first`` moves one of the configured media types to the front for this request
        (a collection listing asks for JSON, whose collections carry whole entities);
        one that is not configured, or was refused, changes nothing.
        """
        order = [
            media_type
            for media_type in self._order
            if media_type not in self._refused
            and (media_type != URI_LIST or purpose is Purpose.COLLECTION)
        ]
        wanted = base_media_type(first) if first else None
        if wanted in order:
            order.remove(wanted)
            order.insert(0, wanted)
        return order

    def refuse(self, media_type: str) -> None:
        """The endpoint answered 406 or 415 to this media type."""
        self._refused.add(base_media_type(media_type))

    def offer(self, media_type: str) -> None:
        """The endpoint answered successfully in this media type."""
        self._offered.add(base_media_type(media_type))

    @property
    def offered(self) -> tuple[str, ...]:
        """Media types the endpoint has been seen to speak, in preference order."""
        return tuple(m for m in self._order if m in self._offered) + tuple(
            sorted(self._offered.difference(self._order))
        )

    @property
    def refused(self) -> tuple[str, ...]:
        """Media types the endpoint refused, sorted."""
        return tuple(sorted(self._refused))

    @staticmethod
    def answer_rendering(content_type: str | None, requested: Rendering) -> Rendering:
        """The rendering to parse an answer with (see the module docstring)."""
        if not content_type:
            return requested
        try:
            return rendering_for(content_type)
        except UnknownMediaTypeError:
            return requested

    def __repr__(self) -> str:
        return f"Negotiator(order={self._order}, refused={self.refused}, offered={self.offered})"
