"""Listing a collection: which entities a path and a filter select, and which page.

A kind collection (``/compute/``) holds the entities of the kind and of the kinds below
it (``/resource/`` lists computes, networks and storages); a mixin collection holds the
entities carrying the mixin. A filter (GFD.223 §3.4.1) narrows further: a kind keeps its
own entities and its sub-kinds', a mixin the entities carrying it, and attributes keep
equal values (core attributes by their ``occi.core.*`` names). A category the endpoint
does not know, or an action, selects nothing.

Pages count from 1; ``number`` is at most the endpoint's ``max_page_size`` (else 413)
and a page past the end is empty. Without ``number`` page 1 holds everything (so later
pages are empty). Imports no web layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from occi_operator.occi.attributes import AttributeValue
from occi_operator.occi.categories import Kind, Mixin
from occi_operator.occi.entities import Filter

from .errors import BadRequestError, NotFoundError, PayloadTooLargeError
from .service_categories import Categories

__all__ = ["Page", "Query", "query_of"]

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
#: Beyond this offset no store holds anything: such a page is past the end.
_LAST_OFFSET = 2**62


@dataclass(frozen=True, slots=True)
class Query:
    """What the store lists: entities of ``kinds`` carrying ``mixins`` and ``attributes``."""

    kinds: tuple[str, ...]
    mixins: tuple[str, ...] = ()
    attributes: dict[str, AttributeValue] = field(default_factory=dict)


def query_of(categories: Categories, path: str, where: Filter | None) -> Query | None:
    """The query for ``GET path`` with the filter; None when nothing can match.

    Raises :class:`NotFoundError` when no kind or mixin has its collection at ``path``.
    """
    category = categories.at(path)
    if category is None:
        raise NotFoundError(f"no collection is at {path}")
    registry = categories.registry
    kinds: set[str] | None = None
    mixins: list[str] = []
    if isinstance(category, Kind):
        kinds = set(categories.kinds_under(category.type_id))
    else:
        mixins.append(category.type_id)
    for type_id in where.categories if where is not None else ():
        found = registry.get(type_id)
        if isinstance(found, Kind):
            below = set(categories.kinds_under(type_id))
            kinds = below if kinds is None else kinds & below
        elif isinstance(found, Mixin):
            mixins.append(type_id)
        else:
            return None
    ordered = tuple(k.type_id for k in registry.kinds if kinds is None or k.type_id in kinds)
    if not ordered:
        return None
    attributes = dict(where.attributes) if where is not None else {}
    for name, value in attributes.items():
        # SQLite compares 64-bit integers; a larger one cannot be a parameter.
        if isinstance(value, int) and not isinstance(value, bool) and not (
            _INT64_MIN <= value <= _INT64_MAX
        ):
            raise BadRequestError(f"filter attribute {name}: the number {value} is out of range")
    return Query(ordered, tuple(dict.fromkeys(mixins)), attributes)


@dataclass(frozen=True, slots=True)
class Page:
    """The window of a listing: skip ``offset`` entities, then take ``limit`` (None: all)."""

    offset: int = 0
    limit: int | None = None

    @classmethod
    def of(cls, page: int, number: int | None, *, maximum: int) -> Page:
        """The window of ``?page=&number=``; 400 for a page or number below 1, 413 above."""
        if page < 1:
            raise BadRequestError(f"page must be 1 or more (got {page})")
        if number is not None and number < 1:
            raise BadRequestError(f"number must be 1 or more (got {number})")
        if number is not None and number > maximum:
            raise PayloadTooLargeError(
                f"number {number} is larger than this endpoint's largest page, {maximum}"
            )
        if number is None:
            return cls() if page == 1 else cls(limit=0)
        offset = (page - 1) * number
        return cls(offset=offset, limit=number) if offset <= _LAST_OFFSET else cls(limit=0)
