"""HTTP answers of the endpoint: OCCI renderings, error answers, the headers every answer has.

Every answer carries ``Content-Type``, ``Server: occi-operator/<version> OCCI/1.2`` (GFD.223
§5.3) and ``Accept`` listing the renderings the endpoint speaks (§5.2). Reason phrases are
the standard ones; the HTTP server writes them from the status code.

Errors are answers too (see :mod:`.errors`): :func:`error_answer` is the one place that
turns an exception into a status and a message, in the negotiated rendering, since the
specification renders no errors and clients read them the way rOCCI sends them:

* ``text/plain`` (also for ``text/uri-list``): the message as one line of text;
* ``text/occi``: the message in an ``X-OCCI-Error`` header and in the body;
* JSON: ``{"status": <code>, "error": "<message>"}``.

Bad input of any kind — an endpoint or store error, a parse error, an invalid attribute, an
unknown category — becomes a 4xx. Only :func:`bug_answer`, for exceptions nobody raised on
purpose, answers 500, after the caller has logged the traceback.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping

from starlette.responses import Response

from occi_operator import __version__
from occi_operator.occi.errors import (
    InvalidAttributeError,
    OCCIError,
    ParseError,
    RenderError,
    TemplateNotFoundError,
    UnknownCategoryError,
    UnknownMediaTypeError,
)
from occi_operator.occi.rendering import Message

from .errors import EndpointError, StoreError
from .negotiation import CANONICAL

__all__ = [
    "SERVER",
    "bug_answer",
    "error_answer",
    "error_status",
    "occi_answer",
    "plain_answer",
]

#: The ``Server`` header: the implementation, then the OCCI version it speaks.
SERVER = f"occi-operator/{__version__} OCCI/1.2"
_ACCEPT = ", ".join(CANONICAL)
_TEXT = "text/plain; charset=utf-8"
_JSON_TYPES = frozenset({"application/occi+json", "application/json"})


def _content_type(media_type: str) -> str:
    if media_type in ("text/plain", "text/occi+plain", "text/uri-list"):
        return f"{media_type}; charset=utf-8"
    return media_type


def _answer(
    status: int,
    content_type: str,
    body: bytes,
    headers: Iterable[tuple[str, str]] = (),
) -> Response:
    response = Response(content=body, status_code=status)
    raw = [(b"content-type", content_type.encode("latin-1"))]
    raw += [(b"server", SERVER.encode("latin-1")), (b"accept", _ACCEPT.encode("latin-1"))]
    raw += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    response.raw_headers = [*response.raw_headers, *raw]
    return response


def occi_answer(
    message: Message,
    *,
    media_type: str,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An OCCI rendering as an answer; ``media_type`` is the negotiated name."""
    extra = [*message.headers, *(headers or {}).items()]
    return _answer(status, _content_type(media_type), message.body, extra)


def plain_answer(
    status: int, text: str, *, headers: Mapping[str, str] | None = None
) -> Response:
    """A short ``text/plain`` answer (the admin path, the 406 that cannot be negotiated)."""
    return _answer(status, _TEXT, (text + "\n").encode("utf-8"), (headers or {}).items())


def error_status(error: Exception) -> tuple[int, str, dict[str, str]] | None:
    """Status, message and headers of an error raised on purpose; None for a bug."""
    if isinstance(error, EndpointError):
        return error.status_code, error.message, dict(error.headers)
    if isinstance(error, StoreError):
        if error.status_code < 500:
            return error.status_code, str(error), {}
        # The store's root error is either refused input or a failing database: SQLite's
        # own error as the cause says which (a full disk, a lock held too long).
        if isinstance(error.__cause__, sqlite3.Error):
            return 503, f"the endpoint's database is unavailable: {error}", {}
        return 400, str(error), {}
    if isinstance(error, RenderError):
        return 406, f"the answer cannot be rendered in the negotiated media type: {error}", {}
    if isinstance(error, UnknownMediaTypeError):
        return 415, str(error), {}
    if isinstance(
        error,
        ParseError | InvalidAttributeError | UnknownCategoryError | TemplateNotFoundError,
    ):
        return 400, str(error), {}
    if isinstance(error, OCCIError):
        return 400, str(error), {}
    return None


def _one_line(text: str) -> str:
    """The message as one printable ASCII line, fit for a header value."""
    flat = " ".join(text.split())
    return flat.encode("ascii", "backslashreplace").decode("ascii")


def error_answer(
    status: int, message: str, *, media_type: str, headers: Mapping[str, str] | None = None
) -> Response:
    """An error answer in the negotiated rendering (see the module docstring)."""
    extra = dict(headers or {})
    if media_type in _JSON_TYPES:
        body = json.dumps({"status": status, "error": message}, ensure_ascii=False)
        return _answer(status, media_type, body.encode("utf-8"), extra.items())
    if media_type == "text/occi":
        extra["X-OCCI-Error"] = _one_line(message)
        return _answer(status, "text/occi", (message + "\n").encode("utf-8"), extra.items())
    return plain_answer(status, message, headers=extra)


def bug_answer(media_type: str) -> Response:
    """The 500 answer for an exception nobody raised on purpose (logged by the caller)."""
    return error_answer(
        500,
        "internal error of the endpoint; the request may or may not have been carried out",
        media_type=media_type,
    )
