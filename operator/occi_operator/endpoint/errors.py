"""The errors of the embedded endpoint: for now, its store's and its catalog's.

::

    StoreError                  root: the store refused a request, or its database failed
    ├── StoreConflictError      the write collides with what is stored (409)
    └── StoreNotFoundError      a write names an entity that is not stored (404)

    CatalogError                the template catalog file cannot be used (at startup; it
                                names the file, line, entry and field; never an HTTP answer)

This is deliberately small: it holds only what :mod:`.store` and :mod:`.catalog` raise.
The endpoint's full error tree (bad requests, negotiation, authentication, …) is written
with the HTTP layer and will grow from this root or next to it. Each store error names the
HTTP status it becomes so that the one error handler of the endpoint can render it
without a lookup table.

Reads never raise for a missing entity: they return ``None``. SQLite's own errors
(``sqlite3.Error``) are translated once, at the store boundary, into :class:`StoreError`
chained to the original.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["CatalogError", "StoreConflictError", "StoreError", "StoreNotFoundError"]


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
            where += f": {section}" + (f".templates[{index}]" if index is not None else "")
            where += f" (term {term!r})" if term is not None else ""
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {problem}")
