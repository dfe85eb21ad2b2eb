"""What the store hands back: records of stored entities and simulation states.

Also the two encodings the store's columns use: timestamps as fixed-width UTC ISO-8601
text (so that SQL compares them in time order) and the entity state column derived from
the kind's ``occi.<term>.state`` attribute. Imports no web layer and no reconciler.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from occi_operator.occi.entities import Entity, Link, Resource

from .errors import StoreError

__all__ = [
    "Record",
    "SimulationState",
    "decode_entity",
    "decode_time",
    "encode_time",
    "state_of",
]

EntityT = TypeVar("EntityT", bound=Entity, covariant=True)


@dataclass(frozen=True, slots=True)
class Record(Generic[EntityT]):
    """A stored entity with the store's bookkeeping.

    ``revision`` grows with every write of this entity (a resource's also when one of its
    links is written or deleted) and never repeats within a database: it is an ETag.
    """

    location: str
    entity: EntityT
    revision: int
    created: datetime
    updated: datetime


@dataclass(frozen=True, slots=True)
class SimulationState:
    """The simulation's private data about one entity, and when it next wants a turn."""

    location: str
    data: dict[str, Any]
    due: datetime | None


def encode_time(moment: datetime) -> str:
    """``2024-05-01T12:00:00.000000Z``: fixed width, so text order is time order.

    Raises :class:`StoreError` for a naive datetime: the store never guesses a zone.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise StoreError(f"timestamp {moment.isoformat()} has no time zone")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def decode_time(text: str) -> datetime:
    """The inverse of :func:`encode_time`."""
    return datetime.fromisoformat(text)


def state_of(entity: Entity) -> str | None:
    """The value of ``occi.<kind term>.state`` (``occi.compute.state``…) when it is text.

    Every infrastructure kind names its state attribute this way (GFD.224); entities of
    other kinds have no state column.
    """
    term = entity.kind.rpartition("#")[2]
    value = entity.attributes.get(f"occi.{term}.state")
    return value if isinstance(value, str) else None


def decode_entity(sort: str, body: str) -> Resource | Link:
    """The entity of a row: its ``sort`` column says which model reads ``body``."""
    if sort == "resource":
        return Resource.model_validate_json(body)
    return Link.model_validate_json(body)
