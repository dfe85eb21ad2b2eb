"""Foreign failures into the OCCI error tree, once, at the client boundary.

httpx exceptions become :class:`~..errors.TransportError` subclasses and error answers
become :class:`~..errors.StatusError` subclasses (see
:func:`~..errors.status_error_class`). Either carries the method and the URL without
credentials; a status error also carries the server's own explanation, dug out of the
forms real servers use:

* rOCCI: plain text, an ``X-OCCI-Error`` header (text/occi), ``{"status", "error"}`` JSON;
* ooi: ``{"code", "message"}`` JSON, sometimes nested under a key such as
  ``{"badRequest": {"code": 400, "message": "…"}}``.

Callers never see an httpx exception.
"""

from __future__ import annotations

import json
import ssl
from typing import Any

import httpx

from occi_operator.occi.errors import (
    ConnectError,
    RequestTimeoutError,
    StatusError,
    TLSError,
    TransportError,
    status_error_class,
)

__all__ = ["server_message", "status_error", "transport_error"]

_MAX_MESSAGE = 500
_MESSAGE_KEYS = ("message", "error", "explanation", "title", "detail")


def _from_json(data: Any, depth: int = 0) -> str:
    """The explanation inside a decoded JSON error body, or ``""``."""
    if depth > 3:
        return ""
    if isinstance(data, str):
        return data
    if isinstance(data, dict):
        for key in _MESSAGE_KEYS:
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return value
            if isinstance(value, dict):
                found = _from_json(value, depth + 1)
                if found:
                    return found
        for value in data.values():
            if isinstance(value, dict):
                found = _from_json(value, depth + 1)
                if found:
                    return found
    if isinstance(data, list) and data:
        return _from_json(data[0], depth + 1)
    return ""


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def server_message(response: httpx.Response) -> str:
    """The server's own explanation of an error answer, shortened to one line."""
    header = "; ".join(response.headers.get_list("X-OCCI-Error"))
    if header:
        return _shorten(header)
    try:
        text = response.text.strip()
    except (httpx.ResponseNotRead, UnicodeDecodeError, LookupError):
        return ""
    if not text:
        return ""
    content_type = response.headers.get("Content-Type", "").lower()
    if "json" in content_type or text[:1] in "{[":
        try:
            found = _from_json(json.loads(text))
        except ValueError:
            found = ""
        if found:
            return _shorten(found)
    return _shorten(text)


def status_error(
    method: str, url: str, response: httpx.Response, *, retry_after: float | None = None
) -> StatusError:
    """The :class:`StatusError` subclass for an error answer, with the server's text."""
    return status_error_class(response.status_code)(
        method=method,
        url=url,
        status_code=response.status_code,
        server_message=server_message(response),
        retry_after=retry_after,
    )


def _ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def transport_error(exc: Exception, method: str, url: str) -> TransportError:
    """The :class:`TransportError` for an httpx failure without an HTTP answer (or a bad URL)."""
    tls = _ssl_cause(exc)
    if tls is not None:
        reason = getattr(tls, "reason", None) or type(tls).__name__
        return TLSError(f"TLS failure: {reason}", method=method, url=url)
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeoutError(f"timed out ({type(exc).__name__})", method=method, url=url)
    if isinstance(exc, httpx.ConnectError):
        detail = _shorten(str(exc)) or "refused"
        return ConnectError(f"cannot connect: {detail}", method=method, url=url)
    # Read, write and protocol failures: the connection broke after it was made.
    return TransportError(f"connection failed: {type(exc).__name__}", method=method, url=url)
