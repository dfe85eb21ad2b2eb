"""What the store does to entities, on a connection inside a transaction the caller holds.

Writes check the store's rules (see :mod:`.store`) before touching a row: a location is a
path, kind, id and sort never change, a link's source is a stored resource, ``create_only``
and ``if_revision`` preconditions hold. Listings build one SQL query over the indexed
columns (:mod:`.store_filters` for attribute equality). Imports no web layer and no
reconciler.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from occi_operator.occi.entities import Entity, Link, Resource

from . import store_rows as rows
from .errors import StoreConflictError, StoreError, StoreNotFoundError
from .store_filters import AttributeFilter, compile_attribute_filter
from .store_records import Record

__all__ = [
    "change_mixins",
    "count",
    "delete",
    "links",
    "put_link",
    "put_resource",
    "read",
    "select",
]

AnyRecord = Record[Resource | Link]


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _entity_location(entity: Entity) -> str:
    location = entity.location
    if location is None or not location.startswith("/") or location.endswith("/"):
        raise StoreError(
            f"an entity is stored at a path such as /compute/<id>, got location {location!r}"
        )
    if entity.id is None:
        raise StoreError(f"cannot store {location}: the entity has no occi.core.id")
    return location


def _check_write(
    location: str,
    entity: Entity,
    existing: rows.Meta | None,
    *,
    create_only: bool = False,
    if_revision: int | None = None,
) -> None:
    if existing is not None and create_only:
        raise StoreConflictError(f"{location} already exists")
    if if_revision is not None and (existing is None or existing.revision != if_revision):
        stored = "nothing is stored" if existing is None else f"it is {existing.revision}"
        raise StoreConflictError(f"{location}: expected revision {if_revision}, {stored}")
    if existing is None:
        return
    sort = "resource" if isinstance(entity, Resource) else "link"
    for what, stored_value, new_value in (
        ("sort", existing.sort, sort),
        ("kind", existing.kind, entity.kind),
        ("occi.core.id", existing.id, entity.id),
    ):
        if stored_value != new_value:
            raise StoreConflictError(
                f"{location}: the {what} cannot change (stored {stored_value!r}, "
                f"got {new_value!r})"
            )


def read(connection: sqlite3.Connection, location: str) -> AnyRecord | None:
    """The record at ``location`` (a resource with its links), or ``None``."""
    found = rows.select_records(
        connection,
        f"SELECT {rows.COLUMNS} FROM entities e WHERE e.location = ?",  # noqa: S608 - constant
        (location,),
    )
    return found[0] if found else None


def links(connection: sqlite3.Connection, end: str, location: str) -> list[Record[Link]]:
    """Links whose ``end`` (``"source"`` or ``"target"``) is ``location``, oldest first."""
    column = {"source": "l.source", "target": "l.target"}[end]
    return rows.select_records(  # type: ignore[return-value] # the links table holds only links
        connection,
        f"SELECT {rows.COLUMNS} FROM links l JOIN entities e ON e.location = l.location "  # noqa: S608 - constants
        f"WHERE {column} = ? ORDER BY e.created_revision",
        (location,),
    )


def put_resource(
    connection: sqlite3.Connection,
    resource: Resource,
    *,
    now: str,
    create_only: bool,
    if_revision: int | None,
    replace_links: bool,
) -> Record[Resource]:
    """Write a resource, its memberships and its inline links (see ``Store.put_resource``)."""
    location = _entity_location(resource)
    stored = resource.model_copy(update={"links": (), "mixins": _unique(resource.mixins)})
    inline = [_inline_link(location, resource, link) for link in resource.links]
    existing = rows.read_meta(connection, location)
    _check_write(location, stored, existing, create_only=create_only, if_revision=if_revision)
    rows.write_entity(connection, stored, location=location, existing=existing, now=now)
    for link in inline:
        _write_link(connection, link, now=now, touch_source=False)
    if replace_links:
        keep = {link.location for link in inline}
        for old in links(connection, "source", location):
            if old.location not in keep:
                rows.delete_entity(connection, old.location)
    return read(connection, location)  # type: ignore[return-value] # written just above


def put_link(
    connection: sqlite3.Connection,
    link: Link,
    *,
    now: str,
    create_only: bool,
    if_revision: int | None,
) -> Record[Link]:
    """Write a stand-alone link (see ``Store.put_link``)."""
    location = _entity_location(link)
    if link.source is None:
        raise StoreError(f"cannot store link {location}: it has no occi.core.source")
    existing = rows.read_meta(connection, location)
    _check_write(location, link, existing, create_only=create_only, if_revision=if_revision)
    _write_link(connection, link, now=now, touch_source=True)
    return read(connection, location)  # type: ignore[return-value] # written just above


def _inline_link(location: str, resource: Resource, link: Link) -> Link:
    if link.source not in (None, location):
        raise StoreError(
            f"link {link.location!r} inside {location} names another source {link.source!r}"
        )
    _entity_location(link)
    return link.model_copy(
        update={"source": location, "source_kind": link.source_kind or resource.kind}
    )


def _write_link(
    connection: sqlite3.Connection, link: Link, *, now: str, touch_source: bool
) -> None:
    location, source = str(link.location), str(link.source)
    source_meta = rows.read_meta(connection, source)
    if source_meta is None or source_meta.sort != "resource":
        raise StoreNotFoundError(f"link {location}: no resource is stored at {source}")
    target_meta = rows.read_meta(connection, link.target)
    link = link.model_copy(
        update={
            "mixins": _unique(link.mixins),
            "source_kind": link.source_kind or source_meta.kind,
            "target_kind": link.target_kind or (target_meta.kind if target_meta else None),
        }
    )
    existing = rows.read_meta(connection, location)
    _check_write(location, link, existing)
    rows.write_entity(connection, link, location=location, existing=existing, now=now)
    previous = rows.write_link_row(connection, location, source, link.target)
    # The sources' renderings changed: the old one lost a link, the new one gained it.
    changed = {source} if touch_source else set()
    if previous is not None and previous != source:
        changed.add(previous)
    for end in sorted(changed):
        rows.touch(connection, end, now)


def delete(connection: sqlite3.Connection, location: str, *, now: str) -> tuple[AnyRecord, ...]:
    """Delete an entity and, for a resource, its links and the links to it."""
    found = read(connection, location)
    if found is None:
        return ()
    doomed: dict[str, AnyRecord] = {}
    if isinstance(found.entity, Resource):
        for end in ("source", "target"):
            doomed.update((record.location, record) for record in links(connection, end, location))
    for link_location in doomed:
        rows.delete_entity(connection, link_location)
    rows.delete_entity(connection, location)
    sources = {record.entity.source for record in (found, *doomed.values())
               if isinstance(record.entity, Link)}
    for source in sorted(str(source) for source in sources - {location, None}):
        rows.touch(connection, source, now)
    return (found, *(record for record in doomed.values() if record.location != location))


def change_mixins(
    connection: sqlite3.Connection,
    location: str,
    *,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    now: str,
) -> AnyRecord:
    """Add and take off mixins of the entity at ``location`` (a new revision if that changes
    them); raises :class:`StoreNotFoundError` when nothing is stored there.
    """
    found = read(connection, location)
    if found is None:
        raise StoreNotFoundError(f"no entity is stored at {location}")
    dropped = set(remove)
    wanted = _unique([*(m for m in found.entity.mixins if m not in dropped), *add])
    if wanted == found.entity.mixins:
        return found
    entity = found.entity.model_copy(update={"mixins": wanted})
    existing = rows.read_meta(connection, location)
    rows.write_entity(connection, entity, location=location, existing=existing, now=now)
    return read(connection, location)  # type: ignore[return-value] # written just above


def _where(
    kinds: Collection[str] | None, mixins: Collection[str], attributes: Mapping[str, Any]
) -> tuple[str, list[Any], AttributeFilter]:
    conditions: list[str] = []
    parameters: list[Any] = []
    if kinds is not None:
        conditions.append(f"e.kind IN ({', '.join('?' * len(kinds))})" if kinds else "0")
        parameters += kinds
    for mixin in _unique(mixins):
        conditions.append(
            "EXISTS (SELECT 1 FROM memberships m WHERE m.location = e.location AND m.mixin = ?)"
        )
        parameters.append(mixin)
    compiled = compile_attribute_filter(attributes)
    conditions += compiled.conditions
    parameters += compiled.parameters
    where = " AND ".join(f"({condition})" for condition in conditions) or "1"
    return where, parameters, compiled


def select(
    connection: sqlite3.Connection,
    *,
    kinds: Collection[str] | None,
    mixins: Collection[str],
    attributes: Mapping[str, Any],
    offset: int,
    limit: int | None,
) -> list[AnyRecord]:
    """Entities of these kinds (all when ``None``) carrying every mixin and attribute value.

    In creation order; ``offset``/``limit`` page through the matches.
    """
    if offset < 0 or (limit is not None and limit < 0):
        raise StoreError(f"offset and limit cannot be negative, got {offset} and {limit}")
    where, parameters, compiled = _where(kinds, mixins, attributes)
    sql = f"SELECT {rows.COLUMNS} FROM entities e WHERE {where} ORDER BY e.created_revision"  # noqa: S608 - placeholders only
    if not compiled.in_python:
        sql += " LIMIT ? OFFSET ?"
        return rows.select_records(connection, sql, [*parameters, -1 if limit is None else limit,
                                                     offset])
    matching = [
        record for record in rows.select_records(connection, sql, parameters)
        if compiled.matches_in_python(record.entity)
    ]
    return matching[offset : None if limit is None else offset + limit]


def count(
    connection: sqlite3.Connection,
    *,
    kinds: Collection[str] | None,
    mixins: Collection[str],
    attributes: Mapping[str, Any],
) -> int:
    """How many entities :func:`select` would find without paging."""
    where, parameters, compiled = _where(kinds, mixins, attributes)
    if compiled.in_python:
        return len(select(connection, kinds=kinds, mixins=mixins, attributes=attributes,
                          offset=0, limit=None))
    (number,) = connection.execute(
        f"SELECT count(*) FROM entities e WHERE {where}", parameters  # noqa: S608 - placeholders only
    ).fetchone()
    return int(number)
