"""User-defined mixins and mixin membership, on a connection inside a caller's transaction.

A user mixin (GFD.223 §3.6: ``POST /-/``) is stored whole as its pydantic JSON, keyed by
type identifier, with its collection location unique. Removing one also removes it from
every entity that carries it, in the same transaction. Membership changes rewrite the
entity (new revision), because a mixin is part of its rendering. Imports no web layer and
no reconciler.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from occi_operator.occi.categories import Mixin

from . import store_entities as entities
from . import store_rows as rows
from .errors import StoreConflictError, StoreError, StoreNotFoundError

__all__ = [
    "add_user_mixin",
    "get_user_mixin",
    "list_user_mixins",
    "members",
    "remove_user_mixin",
    "replace_members",
    "user_mixin_at",
]


def members(connection: sqlite3.Connection, mixin: str) -> list[str]:
    """Locations of the entities carrying ``mixin``, oldest first."""
    return [
        str(location)
        for (location,) in connection.execute(
            "SELECT m.location FROM memberships m JOIN entities e ON e.location = m.location "
            "WHERE m.mixin = ? ORDER BY e.created_revision",
            (mixin,),
        )
    ]


def replace_members(
    connection: sqlite3.Connection, mixin: str, locations: Iterable[str], *, now: str
) -> list[str]:
    """Make exactly ``locations`` carry ``mixin`` (GFD.223: PUT on a mixin collection)."""
    wanted = list(dict.fromkeys(locations))
    missing = [location for location in wanted if rows.read_meta(connection, location) is None]
    if missing:
        raise StoreNotFoundError(f"mixin {mixin}: no entity is stored at {', '.join(missing)}")
    current = members(connection, mixin)
    for location in current:
        if location not in wanted:
            entities.change_mixins(connection, location, remove=[mixin], now=now)
    for location in wanted:
        if location not in current:
            entities.change_mixins(connection, location, add=[mixin], now=now)
    return members(connection, mixin)


def add_user_mixin(connection: sqlite3.Connection, mixin: Mixin) -> Mixin:
    """Store a user-defined mixin; its type id and its location must both be new."""
    location = mixin.location
    if location is None or not location.startswith("/") or not location.endswith("/"):
        raise StoreError(
            f"user mixin {mixin.type_id} needs a collection location such as /my_tag/, "
            f"got {location!r}"
        )
    try:
        connection.execute(
            "INSERT INTO user_mixins (type_id, location, created_revision, body) "
            "VALUES (?, ?, ?, ?)",
            (mixin.type_id, location, rows.next_revision(connection), mixin.model_dump_json()),
        )
    except sqlite3.IntegrityError as exc:
        raise StoreConflictError(
            f"user mixin {mixin.type_id}: its type id or location {location} is already taken"
        ) from exc
    return mixin


def get_user_mixin(connection: sqlite3.Connection, type_id: str) -> Mixin | None:
    """The user mixin with this type identifier, or ``None``."""
    row = connection.execute(
        "SELECT body FROM user_mixins WHERE type_id = ?", (type_id,)
    ).fetchone()
    return None if row is None else Mixin.model_validate_json(row[0])


def user_mixin_at(connection: sqlite3.Connection, location: str) -> Mixin | None:
    """The user mixin whose collection is at ``location``, or ``None``."""
    row = connection.execute(
        "SELECT body FROM user_mixins WHERE location = ?", (location,)
    ).fetchone()
    return None if row is None else Mixin.model_validate_json(row[0])


def list_user_mixins(connection: sqlite3.Connection) -> list[Mixin]:
    """Every user mixin, oldest first."""
    return [
        Mixin.model_validate_json(body)
        for (body,) in connection.execute(
            "SELECT body FROM user_mixins ORDER BY created_revision"
        )
    ]


def remove_user_mixin(connection: sqlite3.Connection, type_id: str, *, now: str) -> Mixin | None:
    """Delete a user mixin and take it off every entity; ``None`` when there was none."""
    mixin = get_user_mixin(connection, type_id)
    if mixin is None:
        return None
    replace_members(connection, type_id, (), now=now)
    connection.execute("DELETE FROM user_mixins WHERE type_id = ?", (type_id,))
    return mixin
