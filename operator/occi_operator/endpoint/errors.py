"""The errors of the embedded endpoint: its store's, its catalog's and its domain's answers.

::

    StoreError                  root: the store refused a request, or its database failed
    ├── StoreConflictError      the write collides with what is stored (409)
    └── StoreNotFoundError      a write names an entity that is not stored (404)

    CatalogError                the template catalog file cannot be used (at startup; it
                                names the file, line, entry and field; never an HTTP answer)

    EndpointError               an HTTP answer: status_code, message, headers
    ├── BadRequestError         400: malformed or invalid request (names attribute and rule)
    ├── NotFoundError           404: nothing at that location
    ├── MethodNotAllowedError   405: the verb does not apply to the path (headers: Allow)
    ├── ConflictError           409: an action that does not fit the state, a taken id,
    │                           address or location
    ├── PayloadTooLargeError    413: a page larger than the endpoint's max_page_size
    └── InjectedFaultError      5xx made up by fault injection (its status per instance)

:mod:`.http_errors` adds the errors only the HTTP layer raises (401, 406, 415, 501) under
:class:`EndpointError`. Each error *is* the HTTP answer it becomes, so the one error
handler of the endpoint renders it without a lookup table; store errors carry their
status code the same way (as a class attribute).

Reads never raise for a missing entity: they return ``None``. SQLite's own errors
(``sqlite3.Error``) are translated once, at the store boundary, into :class:`StoreError`
chained to the original.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

__all__ = [
    "BadRequestError",
    "CatalogError",
    "ConflictError",
    "EndpointError",
    "InjectedFaultError",
    "MethodNotAllowedError",
    "NotFoundError",
    "PayloadTooLargeError",
    "StoreConflictError",
    "StoreError",
    "StoreNotFoundError",
]


class StoreError(Exception):
    """The store refused a request (bad input) or its database failed."""

    status_code: ClassVar[int] = 500


class StoreConflictError(StoreError):
    """A create of a location or id already stored, a stale revision, an immutable change."""

    status_code: ClassVar[int] = 409


class StoreNotFoundError(StoreError):
    """A write (link, mixin association, simulation state) names an entity not stored."""

    status_code: ClassVar[int] = 404


class CatalogError(Exception):
    """A catalog file cannot be used; the message says where and why.

    Raised while the endpoint starts (by :mod:`.catalog`), so it is no HTTP answer and has
    no status code. ``section`` is ``os_tpl`` or ``resource_tpl``, ``index`` the 0-based
    position in its ``templates`` list, ``line`` 1-based; each is ``None`` when unknown.
    """

    def __init__(
        self,
        problem: str,
        *,
        source: str,
        line: int | None = None,
        section: str | None = None,
        index: int | None = None,
        term: str | None = None,
        field: str | None = None,
    ) -> None:
        self.problem, self.source, self.line = problem, source, line
        self.section, self.index, self.term, self.field = section, index, term, field
        where = f"catalog {source}" + (f", line {line}" if line is not None else "")
        if section is not None:
            entry = f"[{index}]" if section == "kinds" else f".templates[{index}]"
            where += f": {section}" + (entry if index is not None else "")
            where += f" (term {term!r})" if term is not None else ""
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {problem}")


class EndpointError(Exception):
    """An HTTP answer of the endpoint: ``status_code``, ``message`` and extra ``headers``.

    ``message`` is the text the client reads (never a secret); ``headers`` are added to
    the answer (``Allow`` for a 405, ``WWW-Authenticate`` for a 401).
    """

    status_code: int = 500

    def __init__(self, message: str, *, headers: Mapping[str, str] | None = None) -> None:
        self.message = message
        self.headers: dict[str, str] = dict(headers or {})
        super().__init__(message)


class BadRequestError(EndpointError):
    """400: the request is malformed or invalid; the message says what and where."""

    status_code = 400


class NotFoundError(EndpointError):
    """404: nothing (entity, collection, category) is at the location asked for."""

    status_code = 404


class MethodNotAllowedError(EndpointError):
    """405: the verb does not apply to the path; ``Allow`` lists the verbs that do."""

    status_code = 405

    def __init__(self, message: str, *, allow: Iterable[str]) -> None:
        self.allow = tuple(allow)
        super().__init__(message, headers={"Allow": ", ".join(self.allow)})


class ConflictError(EndpointError):
    """409: the request collides with the current state (wrong state, taken id or address)."""

    status_code = 409


class PayloadTooLargeError(EndpointError):
    """413: the request asks for more than the endpoint answers at once."""

    status_code = 413


class InjectedFaultError(EndpointError):
    """A made-up server error (500, 503…) from fault injection; the status is per instance."""

    def __init__(self, status_code: int, message: str | None = None) -> None:
        self.status_code = status_code
        super().__init__(message or f"injected fault: answering {status_code} on purpose")
