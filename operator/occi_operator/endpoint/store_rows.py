"""Row-level reads and writes of the store, on a connection inside a transaction.

:class:`~.store.Store` decides what may be written and opens the transactions; the
functions here only translate between models and rows, so each does one statement or a
fixed few. Imports no web layer and no reconciler.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from occi_operator.occi.entities import Entity, Link, Resource

from .errors import StoreConflictError, StoreError
from .store_records import Record, SimulationState, decode_entity, decode_time, state_of

__all__ = [
    "COLUMNS",
    "Meta",
    "delete_entity",
    "due_states",
    "next_revision",
    "read_meta",
    "read_state",
    "records_of",
    "select_records",
    "touch",
    "write_entity",
    "write_link_row",
    "write_state",
]

#: The columns :func:`records_of` reads, over the alias ``e`` of ``entities``.
COLUMNS = "e.location, e.sort, e.body, e.revision, e.created, e.updated"

# SQLite allows 32766 bound parameters per statement; stay far below.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Meta:
    """The bookkeeping columns of one stored entity, read before writing it."""

    sort: str
    kind: str
    id: str
    created: str
    created_revision: int
    revision: int


def next_revision(connection: sqlite3.Connection) -> int:
    """Take the next value of the store-wide revision counter."""
    (value,) = connection.execute(
        "UPDATE counters SET value = value + 1 WHERE name = 'revision' RETURNING value"
    ).fetchone()
    return int(value)


def read_meta(connection: sqlite3.Connection, location: str) -> Meta | None:
    """The bookkeeping of the entity at ``location``, if one is stored."""
    row = connection.execute(
        "SELECT sort, kind, id, created, created_revision, revision FROM entities "
        "WHERE location = ?",
        (location,),
    ).fetchone()
    return None if row is None else Meta(*row)


def write_entity(
    connection: sqlite3.Connection,
    entity: Entity,
    *,
    location: str,
    existing: Meta | None,
    now: str,
) -> None:
    """Insert or update the entity row and its mixin memberships (a resource without links).

    Raises :class:`StoreConflictError` when another location already holds the same id.
    """
    sort = "resource" if isinstance(entity, Resource) else "link"
    body = entity.model_dump_json(exclude={"links"} if sort == "resource" else None)
    if entity.id is None:
        raise StoreError(f"cannot store {location}: the entity has no occi.core.id")
    revision = next_revision(connection)
    if existing is None:
        try:
            connection.execute(
                "INSERT INTO entities (location, sort, kind, id, title, state, created, "
                "updated, created_revision, revision, body) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (location, sort, entity.kind, entity.id, entity.title, state_of(entity),
                 now, now, revision, revision, body),
            )
        except sqlite3.IntegrityError as exc:
            raise StoreConflictError(
                f"cannot store {location}: id {entity.id!r} is already used by another entity"
            ) from exc
    else:
        connection.execute(
            "UPDATE entities SET title = ?, state = ?, updated = ?, revision = ?, body = ? "
            "WHERE location = ?",
            (entity.title, state_of(entity), now, revision, body, location),
        )
        connection.execute("DELETE FROM memberships WHERE location = ?", (location,))
    connection.executemany(
        "INSERT INTO memberships (location, mixin) VALUES (?, ?)",
        [(location, mixin) for mixin in entity.mixins],
    )


def write_link_row(
    connection: sqlite3.Connection, location: str, source: str, target: str
) -> str | None:
    """Record the ends of a link; returns the source it had before, if it had one."""
    row = connection.execute("SELECT source FROM links WHERE location = ?", (location,)).fetchone()
    connection.execute(
        "INSERT INTO links (location, source, target) VALUES (?, ?, ?) "
        "ON CONFLICT (location) DO UPDATE SET source = excluded.source, target = excluded.target",
        (location, source, target),
    )
    return None if row is None else str(row[0])


def touch(connection: sqlite3.Connection, location: str, now: str) -> None:
    """Give a resource a new revision because its rendering (its links) changed."""
    connection.execute(
        "UPDATE entities SET revision = ?, updated = ? WHERE location = ?",
        (next_revision(connection), now, location),
    )


def delete_entity(connection: sqlite3.Connection, location: str) -> None:
    """Delete one entity row; memberships, link row and simulation state cascade."""
    connection.execute("DELETE FROM entities WHERE location = ?", (location,))


def select_records(
    connection: sqlite3.Connection, sql: str, parameters: Sequence[Any] = ()
) -> list[Record[Resource | Link]]:
    """Run a query selecting :data:`COLUMNS` and decode its rows, links attached."""
    return records_of(connection, connection.execute(sql, parameters).fetchall())


def records_of(
    connection: sqlite3.Connection, rows: Iterable[Sequence[Any]]
) -> list[Record[Resource | Link]]:
    """Decode rows of :data:`COLUMNS`; resources get their links in one query per chunk."""
    records = [
        Record(row[0], decode_entity(row[1], row[2]), int(row[3]), decode_time(row[4]),
               decode_time(row[5]))
        for row in rows
    ]
    sources = [record.location for record in records if isinstance(record.entity, Resource)]
    if not sources:
        return records
    links: dict[str, list[Link]] = defaultdict(list)
    for start in range(0, len(sources), _CHUNK):
        chunk = sources[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        for source, body in connection.execute(
            f"SELECT l.source, e.body FROM links l JOIN entities e ON e.location = l.location "  # noqa: S608 - only placeholders are interpolated
            f"WHERE l.source IN ({marks}) ORDER BY e.created_revision",
            chunk,
        ):
            links[source].append(Link.model_validate_json(body))
    return [
        Record(
            record.location,
            record.entity.model_copy(update={"links": tuple(links[record.location])}),
            record.revision,
            record.created,
            record.updated,
        )
        if record.location in links
        else record
        for record in records
    ]


def read_state(connection: sqlite3.Connection, location: str) -> SimulationState | None:
    """The simulation state of the entity at ``location``, if one was set."""
    row = connection.execute(
        "SELECT location, data, due FROM simulation_state WHERE location = ?", (location,)
    ).fetchone()
    return None if row is None else _state(row)


def write_state(
    connection: sqlite3.Connection, location: str, data: str, due: str | None
) -> None:
    """Insert or replace the simulation state (``data`` is JSON text, ``due`` encoded)."""
    connection.execute(
        "INSERT INTO simulation_state (location, data, due) VALUES (?, ?, ?) "
        "ON CONFLICT (location) DO UPDATE SET data = excluded.data, due = excluded.due",
        (location, data, due),
    )


def due_states(
    connection: sqlite3.Connection, now: str, limit: int | None
) -> list[SimulationState]:
    """States due at or before ``now``, earliest first (the partial index serves this)."""
    return [
        _state(row)
        for row in connection.execute(
            "SELECT location, data, due FROM simulation_state "
            "WHERE due IS NOT NULL AND due <= ? ORDER BY due, location LIMIT ?",
            (now, -1 if limit is None else limit),
        )
    ]


def _state(row: Sequence[Any]) -> SimulationState:
    due = None if row[2] is None else decode_time(row[2])
    return SimulationState(str(row[0]), json.loads(row[1]), due)
