"""A neutral hook that lets a caller watch every HTTP request the client makes.

The client counts and times nothing itself: an :class:`EndpointConfig` may carry a
:data:`RequestObserver`, a plain callable that receives one :class:`RequestRecord` per
HTTP request (each retry is a request of its own). The operator turns the records into
Prometheus metrics; this package imports no metrics library.

A record never carries a URL, only the first segment of its path below the endpoint's
base URL (:func:`target_of`), so neither credentials in a query nor entity ids reach
the observer. An observer must be quick and must not raise: it runs inside the request
path, and an exception it raises is logged and dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["QUERY_TARGET", "RequestObserver", "RequestRecord", "target_of"]

#: The target of the query interface (``/-/`` or the well-known path).
QUERY_TARGET = "-"


@dataclass(frozen=True)
class RequestRecord:
    """One HTTP request to an endpoint, as an observer sees it."""

    #: The HTTP method.
    method: str
    #: What the request was about: the first path segment below the endpoint's base URL
    #: (the collection, e.g. ``compute``), :data:`QUERY_TARGET` for the query interface,
    #: ``""`` for the base URL itself.
    target: str
    #: The HTTP status of the answer, or None when no answer came.
    status_code: int | None
    #: The class name of the transport error when no answer came (e.g. ``ConnectError``).
    error: str | None
    #: Seconds from sending the request to having the answer (or the failure).
    duration: float
    #: Seconds the request waited for the endpoint's limiter (concurrency and rate).
    limiter_wait: float


#: Receives every request's record; see the module docstring for its duties.
RequestObserver = Callable[[RequestRecord], None]


def target_of(base_url: str, url: str) -> str:
    """The first path segment of ``url`` below ``base_url`` (see :class:`RequestRecord`)."""
    base = urlsplit(base_url).path
    path = urlsplit(url).path
    if path.endswith("/-/"):
        return QUERY_TARGET
    if path.startswith(base):
        path = path[len(base):]
    return path.lstrip("/").split("/", 1)[0]
