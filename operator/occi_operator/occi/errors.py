"""The errors of the OCCI protocol package, one tree.

::

    OCCIError                       root: everything this package raises on purpose
    ├── ParseError                  a rendering could not be read (names line/field, expected)
    ├── RenderError                 a value cannot be expressed in the asked rendering
    ├── UnknownMediaTypeError       no rendering for a media type
    ├── InvalidAttributeError       an attribute value breaks its definition (names the rule)
    ├── UnknownCategoryError        a type identifier the registry/endpoint does not know
    ├── TemplateNotFoundError       an os_tpl / resource_tpl name resolves to nothing
    └── RequestError                a request to an endpoint failed
        ├── TransportError          no HTTP answer
        │   ├── ConnectError
        │   ├── RequestTimeoutError
        │   └── TLSError
        └── StatusError             an HTTP answer with an error status
            ├── BadRequestError          400
            ├── UnauthorizedError        401
            ├── ForbiddenError           403
            ├── NotFoundError            404
            ├── MethodNotAllowedError    405
            ├── NotAcceptableError       406 / 415
            ├── ConflictError            409
            ├── TooLargeError            413
            ├── TooManyRequestsError     429
            ├── NotImplementedByServerError  501
            └── ServerError              5xx (other than 501)

Messages never contain credentials: URLs are stripped of user info and query
secrets before they are stored (see :func:`redact_url`).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from .vocabulary import SECRET_ATTRIBUTES

__all__ = [
    "BadRequestError",
    "ConflictError",
    "ConnectError",
    "ForbiddenError",
    "InvalidAttributeError",
    "MethodNotAllowedError",
    "NotAcceptableError",
    "NotFoundError",
    "NotImplementedByServerError",
    "OCCIError",
    "ParseError",
    "RenderError",
    "RequestError",
    "RequestTimeoutError",
    "ServerError",
    "StatusError",
    "TLSError",
    "TemplateNotFoundError",
    "TooLargeError",
    "TooManyRequestsError",
    "TransportError",
    "UnauthorizedError",
    "UnknownCategoryError",
    "UnknownMediaTypeError",
    "redact_url",
    "status_error_class",
]

_SECRET_QUERY_KEYS = ("token", "password", "secret", "key", "auth", "credential")


def redact_url(url: str) -> str:
    """Return ``url`` without user info and with secret-looking query values masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = parts.query
    if query:
        pairs = []
        for pair in query.split("&"):
            name, sep, _value = pair.partition("=")
            if sep and any(key in name.lower() for key in _SECRET_QUERY_KEYS):
                pairs.append(f"{name}=***")
            else:
                pairs.append(pair)
        query = "&".join(pairs)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


class OCCIError(Exception):
    """Root of every error raised on purpose by :mod:`occi_operator.occi`."""


class ParseError(OCCIError):
    """A rendering could not be parsed.

    ``where`` names the line (1-based) or field, ``expected`` what the parser wanted,
    ``received`` a short excerpt of what it got.
    """

    def __init__(
        self,
        message: str,
        *,
        media_type: str = "",
        where: str = "",
        expected: str = "",
        received: str = "",
    ) -> None:
        self.media_type = media_type
        self.where = where
        self.expected = expected
        self.received = received[:120]
        parts = [message]
        if where:
            parts.append(f"at {where}")
        if expected:
            parts.append(f"expected {expected}")
        if received:
            parts.append(f"got {self.received!r}")
        prefix = f"{media_type}: " if media_type else ""
        super().__init__(prefix + "; ".join(parts))


class RenderError(OCCIError):
    """A value cannot be expressed in the requested rendering."""


class UnknownMediaTypeError(OCCIError):
    """No rendering is known for a media type."""

    def __init__(self, media_type: str, known: tuple[str, ...]) -> None:
        self.media_type = media_type
        listed = ", ".join(known)
        super().__init__(f"no OCCI rendering for media type {media_type!r}; known: {listed}")


class InvalidAttributeError(OCCIError):
    """An attribute value breaks the rule of its definition.

    The message shows the value received, except for a credential
    (:data:`~.vocabulary.SECRET_ATTRIBUTES`), which it only says was received.
    """

    def __init__(self, name: str, rule: str, value: object = None) -> None:
        self.name = name
        self.rule = rule
        self.value = value
        secret = name in SECRET_ATTRIBUTES
        shown = "" if value is None else " (got a value, not shown)" if secret else (
            f" (got {value!r})"
        )
        super().__init__(f"attribute {name}: {rule}{shown}")


class UnknownCategoryError(OCCIError):
    """A category type identifier is not known where it was looked up."""

    def __init__(self, type_id: str, where: str = "the registry") -> None:
        self.type_id = type_id
        super().__init__(f"unknown category {type_id!r} in {where}")


class TemplateNotFoundError(OCCIError):
    """An OS or resource template name matched no mixin of the endpoint, or several.

    ``available`` lists what the endpoint offers, or the candidates when ``ambiguous``.
    """

    def __init__(
        self, family: str, name: str, available: list[str], *, ambiguous: bool = False
    ) -> None:
        self.family = family
        self.name = name
        self.available = available
        self.ambiguous = ambiguous
        listed = ", ".join(sorted(available)[:20]) or "none"
        if ambiguous:
            super().__init__(f"{family} template name {name!r} is ambiguous; it matches: {listed}")
        else:
            super().__init__(f"no {family} template named {name!r}; the endpoint offers: {listed}")


class RequestError(OCCIError):
    """A request to an OCCI endpoint failed."""

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        self.method = method
        self.url = redact_url(url) if url else ""
        where = f" ({method} {self.url})" if method or url else ""
        super().__init__(message + where)


class TransportError(RequestError):
    """No HTTP answer was received."""


class ConnectError(TransportError):
    """The endpoint could not be reached."""


class RequestTimeoutError(TransportError):
    """The endpoint did not answer in time."""


class TLSError(TransportError):
    """The TLS handshake failed (certificate, CA bundle, protocol)."""


class StatusError(RequestError):
    """The endpoint answered with an error status; ``server_message`` is its own text."""

    status_code: int = 0

    def __init__(
        self,
        *,
        method: str,
        url: str,
        status_code: int,
        server_message: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.status_code = status_code
        self.server_message = server_message
        self.retry_after = retry_after
        text = f"{status_code} {type(self).__name__.removesuffix('Error')}"
        if server_message:
            text += f": {server_message}"
        super().__init__(text, method=method, url=url)


class BadRequestError(StatusError):
    """400: the endpoint refused the request as malformed or invalid."""


class UnauthorizedError(StatusError):
    """401: missing or wrong credentials."""


class ForbiddenError(StatusError):
    """403: the credentials do not allow this."""


class NotFoundError(StatusError):
    """404: no such entity or collection."""


class MethodNotAllowedError(StatusError):
    """405: the path does not support this verb."""


class NotAcceptableError(StatusError):
    """406 or 415: the endpoint cannot speak the requested rendering."""


class ConflictError(StatusError):
    """409: the request does not fit the current state (e.g. an action)."""


class TooLargeError(StatusError):
    """413: the request asked for too much (e.g. a page size)."""


class TooManyRequestsError(StatusError):
    """429: the endpoint is throttling this client."""


class NotImplementedByServerError(StatusError):
    """501: the endpoint does not implement this (e.g. PUT on rOCCI)."""


class ServerError(StatusError):
    """5xx: the endpoint failed."""


_BY_STATUS: dict[int, type[StatusError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    406: NotAcceptableError,
    409: ConflictError,
    413: TooLargeError,
    415: NotAcceptableError,
    429: TooManyRequestsError,
    501: NotImplementedByServerError,
}


def status_error_class(status_code: int) -> type[StatusError]:
    """The :class:`StatusError` subclass for an HTTP status code (>= 400)."""
    if status_code in _BY_STATUS:
        return _BY_STATUS[status_code]
    if status_code >= 500:
        return ServerError
    return BadRequestError
