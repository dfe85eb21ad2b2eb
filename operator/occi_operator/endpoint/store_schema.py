"""The store's SQLite schema, its versions, and how a database file is opened.

The schema version lives in ``PRAGMA user_version``: 0 is a fresh file, and each entry of
:data:`MIGRATIONS` takes the database one version further, inside one write transaction
that first re-reads the version, so two processes opening a fresh file at once both end
up with one schema. A file written by a newer version is refused, never downgraded.

Durability (``PRAGMA synchronous`` with ``journal_mode=WAL``):

* ``NORMAL`` (the default): a commit is appended to the write-ahead log with ``write()``
  and is durable once the call returns *as far as the process is concerned*: it survives
  the process being killed (the kernel holds the pages), but the last commits before a
  power loss or kernel crash may be lost (never corrupted: WAL replays whole commits).
  No ``fsync`` per commit, so writes cost microseconds.
* ``FULL``: the log is also ``fsync``-ed at every commit, so an acknowledged write survives
  power loss too, at the price of one disk flush (about 0.1–10 ms) per commit.

This module imports nothing from the web layer and never imports the reconciler.
"""

from __future__ import annotations

import enum
import sqlite3
from pathlib import Path

from .errors import StoreError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Synchronous", "connect"]


class Synchronous(enum.StrEnum):
    """The ``PRAGMA synchronous`` levels the store offers (see the module docstring)."""

    NORMAL = "NORMAL"
    FULL = "FULL"


# Version 1. ``body`` is the entity's pydantic JSON (a resource's without its links, which
# live as link entities); the other columns of ``entities`` are copies of body fields so
# that SQL can index and filter them. ``created_revision`` orders listings (creation order,
# unique); ``revision`` is bumped by every write and comes from the one store-wide counter.
_SCHEMA_V1 = (
    """
    CREATE TABLE IF NOT EXISTS counters (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    ) WITHOUT ROWID
    """,
    "INSERT OR IGNORE INTO counters (name, value) VALUES ('revision', 0)",
    """
    CREATE TABLE IF NOT EXISTS entities (
        location TEXT PRIMARY KEY,
        sort TEXT NOT NULL CHECK (sort IN ('resource', 'link')),
        kind TEXT NOT NULL,
        id TEXT NOT NULL UNIQUE,
        title TEXT,
        state TEXT,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        created_revision INTEGER NOT NULL UNIQUE,
        revision INTEGER NOT NULL,
        body TEXT NOT NULL CHECK (json_valid(body))
    )
    """,
    "CREATE INDEX IF NOT EXISTS entities_kind ON entities (kind, created_revision)",
    "CREATE INDEX IF NOT EXISTS entities_title ON entities (title)",
    "CREATE INDEX IF NOT EXISTS entities_state ON entities (state)",
    """
    CREATE TABLE IF NOT EXISTS memberships (
        location TEXT NOT NULL REFERENCES entities (location) ON DELETE CASCADE,
        mixin TEXT NOT NULL,
        PRIMARY KEY (location, mixin)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX IF NOT EXISTS memberships_mixin ON memberships (mixin, location)",
    """
    CREATE TABLE IF NOT EXISTS links (
        location TEXT PRIMARY KEY REFERENCES entities (location) ON DELETE CASCADE,
        source TEXT NOT NULL,
        target TEXT NOT NULL
    ) WITHOUT ROWID
    """,
    "CREATE INDEX IF NOT EXISTS links_source ON links (source)",
    "CREATE INDEX IF NOT EXISTS links_target ON links (target)",
    """
    CREATE TABLE IF NOT EXISTS user_mixins (
        type_id TEXT PRIMARY KEY,
        location TEXT NOT NULL UNIQUE,
        created_revision INTEGER NOT NULL,
        body TEXT NOT NULL CHECK (json_valid(body))
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS simulation_state (
        location TEXT PRIMARY KEY REFERENCES entities (location) ON DELETE CASCADE,
        data TEXT NOT NULL CHECK (json_valid(data)),
        due TEXT
    ) WITHOUT ROWID
    """,
    "CREATE INDEX IF NOT EXISTS simulation_due ON simulation_state (due) WHERE due IS NOT NULL",
)

#: Statements that take the schema from version ``n - 1`` to ``n``, by ``n``.
MIGRATIONS: dict[int, tuple[str, ...]] = {1: _SCHEMA_V1}
#: The version this code reads and writes.
SCHEMA_VERSION = max(MIGRATIONS)


def connect(
    path: str | Path,
    *,
    synchronous: Synchronous = Synchronous.NORMAL,
    busy_timeout: float = 5.0,
) -> sqlite3.Connection:
    """Open ``path`` (created when missing) in WAL mode, migrated to :data:`SCHEMA_VERSION`.

    ``busy_timeout`` (seconds) is how long a statement waits for another connection's
    write lock before failing; it is what makes concurrent opens from several processes
    safe. The connection is in autocommit mode: the store issues ``BEGIN`` itself.
    """
    target = Path(path)
    try:
        # isolation_level=None: no implicit BEGIN; the store's transactions are explicit.
        connection = sqlite3.connect(target, timeout=busy_timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open store database {target}: {exc}") from exc
    try:
        _configure(connection, target, synchronous)
        _migrate(connection, target)
    except BaseException:
        connection.close()
        raise
    return connection


def _configure(connection: sqlite3.Connection, path: Path, synchronous: Synchronous) -> None:
    try:
        (mode,) = connection.execute("PRAGMA journal_mode = WAL").fetchone()
        connection.execute(f"PRAGMA synchronous = {Synchronous(synchronous).value}")
        connection.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error as exc:
        raise StoreError(f"cannot configure store database {path}: {exc}") from exc
    if str(mode).lower() != "wal":
        raise StoreError(
            f"store database {path} must be a file that supports WAL mode, got journal "
            f"mode {mode!r}"
        )


def _user_version(connection: sqlite3.Connection) -> int:
    (version,) = connection.execute("PRAGMA user_version").fetchone()
    return int(version)


def _check_version(version: int, path: Path) -> int:
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"store database {path} has schema version {version}; this code reads up to "
            f"{SCHEMA_VERSION} and will not downgrade it"
        )
    return version


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    try:
        if _check_version(_user_version(connection), path) == SCHEMA_VERSION:
            return
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            version = _check_version(_user_version(connection), path)
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[step]:
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {step}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        raise StoreError(f"cannot create the schema of store database {path}: {exc}") from exc
