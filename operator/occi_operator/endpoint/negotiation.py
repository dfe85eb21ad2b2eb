"""Content negotiation of the endpoint: which rendering answers, which one reads a request.

Answers (GFD.223 §5.1 and §5.2, RFC 9110 §12.5.1):

* ``Accept`` is read with q-values and wildcards. A media type's weight comes from the
  most specific range that names it (``text/plain`` before ``text/*`` before ``*/*``);
  ``q=0`` refuses it. The highest weight wins; ties go to the more specific range, then to
  the range listed first, then to the endpoint's order (``text/plain``, ``text/occi``,
  ``application/occi+json``, ``text/uri-list``).
* No ``Accept`` (or one with no readable range) means ``text/plain``, as every OCCI
  server must speak it. The aliases ``text/occi+plain`` and ``application/json`` answer
  only when named; the answer then carries the name asked for.
* ``text/uri-list`` renders collections and location lists only: asked for an entity or
  the query interface as the only acceptable type, it is a 406.
* Nothing acceptable is a :class:`~.http_errors.NotAcceptableError` (406) whose message
  lists what could be rendered.

Requests: the ``Content-Type`` names the rendering, ``charset`` and other parameters are
tolerated; a body without ``Content-Type`` is read as ``text/plain``, and a request with
no body but OCCI header fields (``Category``, ``X-OCCI-Attribute``…) as ``text/occi``,
whose fields travel in the headers. An unknown request media type is a 415.

Imports no web framework: it works on header values and :class:`Message` objects.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from occi_operator.occi.rendering import Message, Rendering, base_media_type, rendering_for

from .http_errors import NotAcceptableError, UnsupportedMediaTypeError

__all__ = [
    "DEFAULT_MEDIA_TYPE",
    "MediaRange",
    "Purpose",
    "choose_media_type",
    "is_occi_header",
    "offered_media_types",
    "parse_accept",
    "request_message",
]

DEFAULT_MEDIA_TYPE = "text/plain"
URI_LIST = "text/uri-list"
#: The media types the endpoint renders, in its order of preference.
CANONICAL = ("text/plain", "text/occi", "application/occi+json", URI_LIST)
#: Other names of the same renderings, answered only when a client names them.
ALIASES = {"text/occi+plain": "text/plain", "application/json": "application/occi+json"}
#: Request header names that carry OCCI text fields (GFD.229 §6 and rOCCI's spellings).
_OCCI_HEADERS = frozenset(
    {"category", "x-occi-category", "x-occi-attribute", "x-occi-location", "x-occi-link"}
)


class Purpose(enum.Enum):
    """What an answer holds; only collections and location lists fit ``text/uri-list``."""

    ENTITY = "an entity"
    COLLECTION = "a collection"
    QUERY = "the query interface"
    LOCATIONS = "a list of locations"


def offered_media_types(purpose: Purpose) -> tuple[str, ...]:
    """The media types an answer of this purpose can be rendered in, preferred first."""
    if purpose in (Purpose.COLLECTION, Purpose.LOCATIONS):
        return CANONICAL
    return tuple(media_type for media_type in CANONICAL if media_type != URI_LIST)


@dataclass(frozen=True, slots=True)
class MediaRange:
    """One entry of an ``Accept`` header: ``type/subtype`` (either may be ``*``) and q."""

    type: str
    subtype: str
    q: float
    index: int

    def specificity(self, media_type: str) -> int | None:
        """2 for an exact match, 1 for ``type/*``, 0 for ``*/*``; None when it does not match."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else None
        if self.type != kind:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else None


def parse_accept(header: str) -> list[MediaRange]:
    """The readable ranges of an ``Accept`` value; malformed entries are skipped."""
    ranges: list[MediaRange] = []
    for index, entry in enumerate(header.split(",")):
        name, *parameters = (part.strip() for part in entry.split(";"))
        kind, slash, sub = name.lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q = _weight(parameters)
        if q is not None:
            ranges.append(MediaRange(kind, sub, q, index))
    return ranges


def _weight(parameters: Iterable[str]) -> float | None:
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip().lower() != "q":
            continue
        try:
            q = float(value.strip())
        except ValueError:
            return None
        return q if 0.0 <= q <= 1.0 else None
    return 1.0


def choose_media_type(accept: str | None, purpose: Purpose) -> str:
    """The media type to answer in; raises NotAcceptableError (406) when there is none."""
    offered = offered_media_types(purpose)
    ranges = parse_accept(accept) if accept and accept.strip() else []
    if not ranges:
        return DEFAULT_MEDIA_TYPE
    best: tuple[float, int, int, int] | None = None
    chosen = ""
    candidates = [*offered, *(alias for alias, name in ALIASES.items() if name in offered)]
    for order, media_type in enumerate(candidates):
        alias = media_type in ALIASES
        matches = [
            (specificity, entry)
            for entry in ranges
            if (specificity := entry.specificity(media_type)) is not None
            and (specificity == 2 or not alias)
        ]
        if not matches:
            continue
        specificity, entry = max(matches, key=lambda match: (match[0], -match[1].index))
        if entry.q <= 0.0:
            continue
        score = (entry.q, specificity, -entry.index, -order)
        if best is None or score > best:
            best, chosen = score, media_type
    if best is None:
        raise NotAcceptableError(
            f"cannot render {purpose.value} in any media type of "
            f"Accept: {(accept or '').strip()!r}; available: {', '.join(offered)}"
        )
    return chosen


def is_occi_header(name: str) -> bool:
    """True for a header that carries OCCI text fields in a ``text/occi`` request."""
    return name.strip().lower() in _OCCI_HEADERS


def request_message(
    content_type: str | None, body: bytes, headers: Iterable[tuple[str, str]]
) -> tuple[Rendering, Message] | None:
    """The rendering and message of a request, or None when it carries nothing to read.

    Raises UnsupportedMediaTypeError (415) for a ``Content-Type`` no rendering reads.
    """
    pairs = tuple(headers)
    blank = not body.strip()
    if content_type is None or not content_type.strip():
        if not blank:
            content_type = DEFAULT_MEDIA_TYPE
        elif any(is_occi_header(name) for name, _ in pairs):
            content_type = "text/occi"
        else:
            return None
    media_type = base_media_type(content_type)
    name = ALIASES.get(media_type, media_type)
    if name not in CANONICAL:
        raise UnsupportedMediaTypeError(
            f"cannot read a request body of type {media_type!r}; "
            f"send one of: {', '.join((*CANONICAL, *ALIASES))}"
        )
    if name != "text/occi" and blank:
        return None
    if name == "text/occi" and blank and not any(is_occi_header(n) for n, _ in pairs):
        return None
    return rendering_for(media_type), Message(content_type, body, pairs)
