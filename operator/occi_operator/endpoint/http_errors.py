"""The errors only the HTTP layer of the endpoint raises: authentication, negotiation, version.

::

    EndpointError (errors.py)        an HTTP answer: status_code, message, headers
    ├── UnauthorizedError            401, with WWW-Authenticate
    ├── NotAcceptableError           406, no rendering the client accepts
    ├── UnsupportedMediaTypeError    415, a request body no rendering reads
    └── VersionNotImplementedError   501, the client asks for OCCI/1.3 or later

The domain errors (400, 404, 405, 409, 413) live in :mod:`.errors` next to the store's.
Like them, each error *is* the answer it becomes; :mod:`.responses` renders it.
"""

from __future__ import annotations

from .errors import EndpointError

__all__ = [
    "NotAcceptableError",
    "UnauthorizedError",
    "UnsupportedMediaTypeError",
    "VersionNotImplementedError",
]


class UnauthorizedError(EndpointError):
    """401: the request carries no valid credentials; ``headers`` holds the challenge."""

    status_code = 401

    def __init__(self, message: str, *, challenge: str) -> None:
        super().__init__(message, headers={"WWW-Authenticate": challenge})


class NotAcceptableError(EndpointError):
    """406: no media type in ``Accept`` can carry the answer."""

    status_code = 406


class UnsupportedMediaTypeError(EndpointError):
    """415: the request's ``Content-Type`` names no rendering."""

    status_code = 415


class VersionNotImplementedError(EndpointError):
    """501: the ``User-Agent`` asks for a higher OCCI version than 1.2 (GFD.223 §5.3)."""

    status_code = 501

