"""The endpoint's persistence: entities, mixin memberships, links, user mixins and simulation
state in one SQLite file (WAL mode), behind the synchronous class :class:`Store`.

Why synchronous methods on an async server: every method is one short transaction on a
local file. With WAL and ``synchronous=NORMAL`` a commit is a ``write()`` to the log and
no ``fsync``: a read takes tens of microseconds and a write about a tenth of a millisecond
(``bench/store.py``: ~70,000 gets/s, ~9,000 puts/s), about what handing the call to a
worker thread would cost by itself. So the server calls the store on its event loop, and
one connection needs no lock. A call blocks longer only while another process holds the
write lock (bounded by ``busy_timeout``) or, with ``synchronous=FULL``, for the one disk
flush per commit that buys power-loss durability (see :mod:`.store_schema`). The
connection belongs to the thread that opened the store.

Rules the store keeps, whatever the caller does:

* acknowledged = committed: a write method returns only after its ``COMMIT`` (or, inside
  :meth:`Store.transaction`, the block's);
* a location is a path (``/compute/<uuid>``), the primary key; ``occi.core.id`` is unique
  among all entities; the kind, id and sort (resource or link) of a location never change;
* a resource's links are stored as link entities with a row in ``links``; its body holds
  none and :meth:`Store.get` puts them back, so there is one copy of every link;
* a link's source is a stored resource; its target is any location (it may be remote);
* the store checks no category against a catalog: that is the endpoint's job.

Imports no web layer and never imports the reconciler.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from occi_operator.occi.categories import Mixin
from occi_operator.occi.entities import Link, Resource

from . import store_entities, store_mixins, store_rows
from .errors import StoreError, StoreNotFoundError
from .store_records import Record, SimulationState, encode_time
from .store_schema import Synchronous, connect

__all__ = ["Record", "SimulationState", "Store", "Synchronous"]

Clock = Callable[[], datetime]
AnyRecord = Record[Resource | Link]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    """OCCI entities and their bookkeeping in one SQLite database; see the module docstring.

    Open with :meth:`open` (a context manager); each method is one transaction unless
    called inside :meth:`transaction`.
    """

    def __init__(self, connection: sqlite3.Connection, *, path: Path, clock: Clock) -> None:
        """Wrap a connection made by :func:`.store_schema.connect`; use :meth:`open`."""
        self._connection: sqlite3.Connection | None = connection
        self._path = path
        self._clock = clock
        self._depth = 0

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        synchronous: Synchronous = Synchronous.NORMAL,
        busy_timeout: float = 5.0,
        clock: Clock = _utc_now,
    ) -> Store:
        """Open (or create) the database at ``path``; ``clock`` stamps created/updated."""
        return cls(
            connect(path, synchronous=synchronous, busy_timeout=busy_timeout),
            path=Path(path),
            clock=clock,
        )

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    def close(self) -> None:
        """Close the connection; every acknowledged write is already committed."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several calls into one atomic write; an exception rolls all of them back.

        Nested use (and every method called inside) runs in a savepoint, so a failed inner
        call leaves the outer transaction as it was before that call. Never ``await``
        inside the block: the store has one connection, so another request's calls would
        run inside this transaction.
        """
        with self._tx(write=True):
            yield

    @contextmanager
    def _tx(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        connection = self._connection
        if connection is None:
            raise StoreError(f"store {self._path} is closed")
        depth = self._depth
        # IMMEDIATE takes the write lock up front: a deferred transaction that later
        # writes can fail with SQLITE_BUSY at once, without waiting busy_timeout.
        begin = f"SAVEPOINT s{depth}" if depth else "BEGIN IMMEDIATE" if write else "BEGIN"
        try:
            connection.execute(begin)
        except sqlite3.Error as exc:
            raise StoreError(f"store {self._path}: {exc}") from exc
        self._depth += 1
        try:
            yield connection
            connection.execute(f"RELEASE s{depth}" if depth else "COMMIT")
        except BaseException as exc:
            self._roll_back(connection, depth)
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"store {self._path}: {exc}") from exc
            raise
        finally:
            self._depth = depth

    @staticmethod
    def _roll_back(connection: sqlite3.Connection, depth: int) -> None:
        # The error that brought us here matters more than one from the rollback (SQLite
        # may already have rolled back, e.g. after a full disk): keep the first.
        with suppress(sqlite3.Error):
            if depth:
                connection.execute(f"ROLLBACK TO s{depth}")
                connection.execute(f"RELEASE s{depth}")
            elif connection.in_transaction:
                connection.execute("ROLLBACK")

    def _now(self) -> str:
        return encode_time(self._clock())

    # -- entities ----------------------------------------------------------------------

    def put_resource(
        self,
        resource: Resource,
        *,
        create_only: bool = False,
        if_revision: int | None = None,
        replace_links: bool = False,
    ) -> Record[Resource]:
        """Insert or replace a resource with its mixin memberships and its inline links.

        ``create_only`` refuses an existing location and ``if_revision`` a stored revision
        other than this one (both with :class:`StoreConflictError`). Stored links that the
        resource does not carry stay, as they do on an OCCI PUT, unless ``replace_links``.
        Inline links get this resource as their source; every link needs a location.
        """
        with self._tx(write=True) as connection:
            return store_entities.put_resource(
                connection, resource, now=self._now(), create_only=create_only,
                if_revision=if_revision, replace_links=replace_links,
            )

    def put_link(
        self, link: Link, *, create_only: bool = False, if_revision: int | None = None
    ) -> Record[Link]:
        """Insert or replace a link; its source must be a stored resource.

        ``source_kind`` and, for a stored target, ``target_kind`` are filled in when
        absent. The source resource gets a new revision, as its rendering changed.
        """
        with self._tx(write=True) as connection:
            return store_entities.put_link(
                connection, link, now=self._now(), create_only=create_only,
                if_revision=if_revision,
            )

    def get(self, location: str) -> AnyRecord | None:
        """The entity at ``location`` (a resource with its links), or ``None``."""
        with self._tx(write=False) as connection:
            return store_entities.read(connection, location)

    def delete(self, location: str) -> tuple[AnyRecord, ...]:
        """Delete an entity; a resource takes with it its own links and the links to it.

        Returns every deleted entity once, the one asked for first (empty when nothing was
        stored there). Resources that lose a link get a new revision.
        """
        with self._tx(write=True) as connection:
            return store_entities.delete(connection, location, now=self._now())

    # -- queries -----------------------------------------------------------------------

    def list_kind(
        self,
        kind: str | Collection[str],
        *,
        mixins: Collection[str] = (),
        attributes: Mapping[str, Any] | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[AnyRecord]:
        """Entities of a kind (or of any of several: a kind and its sub-kinds), oldest first.

        Only entities carrying every mixin in ``mixins`` and every attribute value in
        ``attributes`` (core attributes by their ``occi.core.*`` names) are listed;
        ``offset``/``limit`` page through them in a stable order.
        """
        kinds = (kind,) if isinstance(kind, str) else tuple(kind)
        with self._tx(write=False) as connection:
            return store_entities.select(
                connection, kinds=kinds, mixins=mixins, attributes=attributes or {},
                offset=offset, limit=limit,
            )

    def list_mixin(
        self,
        mixin: str,
        *,
        attributes: Mapping[str, Any] | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[AnyRecord]:
        """Entities carrying ``mixin``, of any kind, oldest first; filters as :meth:`list_kind`."""
        with self._tx(write=False) as connection:
            return store_entities.select(
                connection, kinds=None, mixins=(mixin,), attributes=attributes or {},
                offset=offset, limit=limit,
            )

    def count(
        self,
        kind: str | Collection[str] | None = None,
        *,
        mixins: Collection[str] = (),
        attributes: Mapping[str, Any] | None = None,
    ) -> int:
        """How many entities match (every entity when no argument narrows it)."""
        kinds = None if kind is None else (kind,) if isinstance(kind, str) else tuple(kind)
        with self._tx(write=False) as connection:
            return store_entities.count(
                connection, kinds=kinds, mixins=mixins, attributes=attributes or {}
            )

    def links_of(self, source: str) -> list[Record[Link]]:
        """Links whose source is the resource at ``source``, oldest first."""
        with self._tx(write=False) as connection:
            return store_entities.links(connection, "source", source)

    def links_to(self, target: str) -> list[Record[Link]]:
        """Links whose target is ``target``, oldest first."""
        with self._tx(write=False) as connection:
            return store_entities.links(connection, "target", target)

    # -- mixin membership and user mixins ----------------------------------------------

    def associate(self, location: str, mixin: str) -> AnyRecord:
        """Add ``mixin`` to the entity at ``location`` (nothing changes if it has it).

        Raises :class:`StoreNotFoundError` when nothing is stored there. The store does not
        check that the mixin exists or applies: that is the endpoint's job.
        """
        with self._tx(write=True) as connection:
            return store_entities.change_mixins(connection, location, add=[mixin], now=self._now())

    def disassociate(self, location: str, mixin: str) -> AnyRecord:
        """Take ``mixin`` off the entity at ``location`` (nothing changes if it lacks it)."""
        with self._tx(write=True) as connection:
            return store_entities.change_mixins(
                connection, location, remove=[mixin], now=self._now()
            )

    def replace_members(self, mixin: str, locations: Iterable[str]) -> list[str]:
        """Make exactly ``locations`` carry ``mixin``; returns the members, oldest first.

        All or nothing: one location that is not stored raises :class:`StoreNotFoundError`
        and changes no entity.
        """
        with self._tx(write=True) as connection:
            return store_mixins.replace_members(connection, mixin, locations, now=self._now())

    def add_user_mixin(self, mixin: Mixin) -> Mixin:
        """Store a user-defined mixin; a taken type id or location is a conflict."""
        with self._tx(write=True) as connection:
            return store_mixins.add_user_mixin(connection, mixin)

    def get_user_mixin(self, type_id: str) -> Mixin | None:
        """The user mixin with this type identifier, or ``None``."""
        with self._tx(write=False) as connection:
            return store_mixins.get_user_mixin(connection, type_id)

    def user_mixin_at(self, location: str) -> Mixin | None:
        """The user mixin whose collection is at ``location`` (``/my_tag/``), or ``None``."""
        with self._tx(write=False) as connection:
            return store_mixins.user_mixin_at(connection, location)

    def list_user_mixins(self) -> list[Mixin]:
        """Every user mixin, oldest first."""
        with self._tx(write=False) as connection:
            return store_mixins.list_user_mixins(connection)

    def remove_user_mixin(self, type_id: str) -> Mixin | None:
        """Delete a user mixin and take it off every entity; ``None`` if there was none."""
        with self._tx(write=True) as connection:
            return store_mixins.remove_user_mixin(connection, type_id, now=self._now())

    # -- simulation state --------------------------------------------------------------

    def get_state(self, location: str) -> SimulationState | None:
        """The simulation's data about the entity at ``location``, or ``None``."""
        with self._tx(write=False) as connection:
            return store_rows.read_state(connection, location)

    def set_state(
        self, location: str, data: Mapping[str, Any], *, due: datetime | None = None
    ) -> SimulationState:
        """Replace the simulation's data about an entity and when it is next due.

        ``data`` must be JSON-serialisable; ``due`` (time-zone aware) is when
        :meth:`entities_due` starts returning it, ``None`` for never. The state goes
        away with the entity.
        """
        try:
            text = json.dumps(dict(data), allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise StoreError(f"simulation state of {location} is not JSON: {exc}") from exc
        encoded_due = None if due is None else encode_time(due)
        with self._tx(write=True) as connection:
            if store_rows.read_meta(connection, location) is None:
                raise StoreNotFoundError(f"no entity is stored at {location}")
            store_rows.write_state(connection, location, text, encoded_due)
            state = store_rows.read_state(connection, location)
        assert state is not None  # written just above
        return state

    def entities_due(self, now: datetime, *, limit: int | None = None) -> list[SimulationState]:
        """States whose ``due`` is at or before ``now``, earliest first."""
        encoded = encode_time(now)
        with self._tx(write=False) as connection:
            return store_rows.due_states(connection, encoded, limit)
