"""The embedded endpoint's domain: OCCI Infrastructure and Platform over the store.

:class:`Infrastructure` is what every route calls: one synchronous method per verb and
path of GFD.223's table. It takes and returns canonical models (:mod:`occi_operator.occi
.entities`) and :class:`~.store.Record` objects, and raises only the HTTP answers of
:mod:`.errors` (and the store's errors for a failing database). Locations are paths
(``/compute/<id>``); a full URL is accepted and its path used. Each public method first
applies the simulated changes that have fallen due (:meth:`Infrastructure.advance`), so
no background task is needed, and each write is one store transaction: a refused request
leaves nothing behind.

What the rules are lives next door: entities and templates in :mod:`.service_entities`,
links and addresses in :mod:`.service_links`, platform kinds in :mod:`.service_platform`
(provider kinds from the catalog need no rules of their own), actions in
:mod:`.service_actions`, categories and user mixins in :mod:`.service_categories`, delays
in :mod:`.simulation`, faults in :mod:`.faults`. Imports no web layer.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from occi_operator.occi.categories import Kind, Mixin, QueryInterface
from occi_operator.occi.entities import ActionInvocation, Entity, Filter, Link, Resource
from occi_operator.occi.registry import CategoryRegistry, standard_registry
from occi_operator.occi.states import state_attribute

from .catalog import Catalog
from .errors import (
    BadRequestError,
    ConflictError,
    NotFoundError,
    StoreConflictError,
    StoreNotFoundError,
)
from .faults import FaultInjector
from .service_actions import ActionOutcome, ActionRunner
from .service_categories import Categories
from .service_entities import merge_partial, merge_replacement, remove_mixin
from .service_links import LinkRules, local_path
from .service_platform import PlatformRules
from .service_queries import Page, query_of
from .service_writes import EntityWriter
from .settings import EndpointSettings
from .simulation import DELETING_MESSAGE, Simulation
from .store import Record, Store

__all__ = ["ActionOutcome", "Infrastructure", "utc_now"]

AnyRecord = Record[Resource | Link]
#: A list of records (``list`` is a method name of :class:`Infrastructure`).
Records = list[AnyRecord]


def utc_now() -> datetime:
    """The current time, time-zone aware (the default clock)."""
    return datetime.now(UTC)


def _term(type_id: str) -> str:
    return type_id.rpartition("#")[2]


class Infrastructure:
    """OCCI Infrastructure on a store; see the module docstring and the endpoint brief."""

    def __init__(
        self,
        store: Store,
        *,
        catalog: Catalog,
        settings: EndpointSettings,
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
    ) -> None:
        """Serve ``store`` with the catalog's templates; ``clock`` and ``rng`` for tests."""
        self._store, self._settings = store, settings
        self._rng = rng if rng is not None else random.Random(settings.faults.seed)  # noqa: S311 - simulation dice
        self.faults = FaultInjector(settings.faults, rng=self._rng)
        fixed = CategoryRegistry([*standard_registry(), *catalog.categories()])
        self._categories = Categories(fixed, store.list_user_mixins())
        self.simulation = Simulation(store, clock=clock, faults=self.faults)
        self._links = LinkRules(store, registry=lambda: self.registry, rng=self._rng,
                                base_url=settings.base_url)
        self._writer = EntityWriter(
            store, categories=lambda: self._categories, links=self._links,
            platform=PlatformRules(store, base_url=settings.base_url),
            simulation=self.simulation, delay=settings.provisioning_delay_seconds,
        )
        self._actions = ActionRunner(
            store, registry=lambda: self.registry, simulation=self.simulation,
            delay=settings.provisioning_delay_seconds, add_mixin=self._store_user_mixin,
        )

    # -- categories ------------------------------------------------------------------

    @property
    def registry(self) -> CategoryRegistry:
        """Standard, catalog and user categories as they are now."""
        return self._categories.registry

    @property
    def categories(self) -> Categories:
        """The current snapshot of categories and their collection paths."""
        return self._categories

    def query_interface(self, where: Filter | None = None) -> QueryInterface:
        """What ``GET /-/`` answers, narrowed by a filter."""
        return self._categories.query_interface(where)

    def category_at(self, path: str) -> Kind | Mixin | None:
        """The kind or mixin whose collection is at ``path`` (``/compute/``), else None."""
        return self._categories.at(self._path(path))

    def add_user_mixins(self, mixins: Sequence[Mixin]) -> None:
        """``POST /-/``: add user mixins, all or none."""
        checked: list[Mixin] = []
        for mixin in mixins:
            if any(m.type_id == mixin.type_id for m in checked):
                raise ConflictError(f"user mixin {mixin.type_id} is given twice")
            checked.append(self._categories.check_user_mixin(
                mixin, taken=[str(m.location) for m in checked]))
        with self._store.transaction():
            for mixin in checked:
                self._store.add_user_mixin(mixin)
        self._refresh_categories()

    def remove_user_mixins(self, type_ids: Sequence[str]) -> None:
        """``DELETE /-/``: remove user mixins (and their memberships), all or none."""
        for type_id in type_ids:
            self._categories.check_removable(type_id)
        with self._store.transaction():
            for type_id in type_ids:
                self._store.remove_user_mixin(type_id)
        self._refresh_categories()

    def _store_user_mixin(self, mixin: Mixin) -> None:
        try:
            self._store.add_user_mixin(mixin)
        except StoreConflictError as exc:
            raise ConflictError(str(exc)) from exc
        self._refresh_categories()

    def _refresh_categories(self) -> None:
        self._categories = self._categories.with_user(self._store.list_user_mixins())

    # -- entities --------------------------------------------------------------------

    def create(self, collection: str, entity: Resource | Link) -> Record[Resource | Link]:
        """``POST /compute/``: create an entity of the collection's kind, with its links."""
        self.advance()
        kind = self._categories.kind_at(self._path(collection))
        if entity.kind != kind.type_id:
            raise BadRequestError(f"POST to {kind.location} creates a {_term(kind.type_id)}; "
                                  f"the request's kind is {entity.kind}")
        ident = self._writer.new_id(entity.id, f"new {_term(kind.type_id)}")
        with self._translated_conflicts(), self._store.transaction():
            location = self._writer.create(entity, kind, ident)
        # Not advanced: the answer shows the entity as created (a compute still inactive).
        return self._present(self._existing(location))

    def put(self, location: str, entity: Resource | Link) -> tuple[Record[Resource | Link], bool]:
        """``PUT`` an entity: create it at that location, or replace its mutable part.

        Returns the record and whether it was created. Links stay; new inline links are
        created, echoed ones ignored.
        """
        self.advance()
        path = self._path(location)
        collection, _, ident = path.rpartition("/")
        kind = self._categories.kind_at(collection + "/")
        existing = self._store.get(path)
        if existing is None:
            if entity.kind != kind.type_id:
                raise BadRequestError(f"{path} is in the collection of {kind.type_id}; the "
                                      f"request's kind is {entity.kind}")
            if entity.id not in (None, ident):
                raise BadRequestError(f"{path}: occi.core.id {entity.id!r} differs from the "
                                      f"location's {ident!r}")
            self._writer.new_id(ident, path)
            with self._translated_conflicts(), self._store.transaction():
                self._writer.create(entity, kind, ident)
            return self._present(self._existing(path)), True
        what = self._what(existing)
        self._not_deleting(existing, what)
        with self._translated_conflicts(), self._store.transaction():
            merged = merge_replacement(self.registry, existing.entity, self._writer.ends(
                existing.entity, entity), what=what)
            self._writer.update(existing, merged, entity, what)
        return self.get(path), False

    def update(self, location: str, partial: Resource | Link) -> Record[Resource | Link]:
        """``POST`` to an entity: a partial update that changes only what it names."""
        self.advance()
        existing = self._existing(location)
        what = self._what(existing)
        self._not_deleting(existing, what)
        with self._translated_conflicts(), self._store.transaction():
            merged = merge_partial(self.registry, existing.entity, self._writer.ends(
                existing.entity, partial), what=what)
            self._writer.update(existing, merged, partial, what)
        return self.get(existing.location)

    def get(self, location: str) -> Record[Resource | Link]:
        """The entity at ``location`` with its current actions; 404 when there is none."""
        self.advance()
        return self._present(self._existing(location))

    def list(
        self, collection: str, *, where: Filter | None, page: int = 1, number: int | None = None
    ) -> Records:
        """``GET`` a kind or mixin collection, filtered and paged (``page`` from 1)."""
        self.advance()
        query = query_of(self._categories, self._path(collection), where)
        if query is None:
            return []
        window = Page.of(page, number, maximum=self._settings.max_page_size)
        records = self._store.list_kind(query.kinds, mixins=query.mixins,
                                        attributes=query.attributes, offset=window.offset,
                                        limit=window.limit)
        return [self._present(record) for record in records]

    def delete(self, location: str) -> None:
        """``DELETE`` an entity (a resource with its links); it may linger by fault."""
        self.advance()
        record = self._existing(location)
        if self.simulation.deleting(record.location):
            return
        linger = self.faults.delete_linger()
        if linger <= 0:
            self._store.delete(record.location)
            return
        with self._store.transaction():
            attribute = self._state_attribute(record.entity.kind)
            if attribute is not None:
                self.simulation.set_state(record.location, attribute,
                                          str(record.entity.attributes.get(attribute)),
                                          DELETING_MESSAGE)
            self.simulation.schedule_delete(record.location, linger=linger)

    def delete_collection(self, collection: str, *, where: Filter | None) -> int:
        """``DELETE`` a kind collection: every (matching) member; returns how many."""
        path = self._path(collection)
        self._categories.kind_at(path)
        deleted = 0
        for record in self.list(path, where=where):
            if self._store.get(record.location) is not None:
                self.delete(record.location)
                deleted += 1
        return deleted

    # -- actions ---------------------------------------------------------------------

    def trigger(self, location: str, invocation: ActionInvocation) -> Record[Resource | Link]:
        """``POST ?action=`` on an entity; see :meth:`perform` for what save creates."""
        return self.perform(location, invocation).record

    def perform(self, location: str, invocation: ActionInvocation) -> ActionOutcome:
        """Trigger an action; the outcome also carries the os_tpl a ``save`` created."""
        self.advance()
        record = self._existing(location)
        with self._store.transaction():
            outcome = self._actions.run(record, invocation)
        return ActionOutcome(self._present(outcome.record), outcome.saved)

    def trigger_collection(self, collection: str, invocation: ActionInvocation) -> int:
        """``POST ?action=`` on a collection: members whose state allows it; how many."""
        path = self._path(collection)
        if self._categories.at(path) is None:
            raise NotFoundError(f"no collection is at {path}")
        self._actions.validate(invocation)
        done = 0
        for record in self.list(path, where=None):
            try:
                self.perform(record.location, invocation)
            except (ConflictError, BadRequestError):
                continue  # not an action of this member, or not in its state
            done += 1
        return done

    # -- mixin collections -----------------------------------------------------------

    def associate(self, mixin_collection: str, locations: Sequence[str]) -> None:
        """``POST`` to a mixin collection: add the mixin to these entities, all or none."""
        mixin = self._mixin_at(mixin_collection)
        self.advance()
        with self._translated_conflicts(), self._store.transaction():
            for record in self._members(locations):
                if mixin.type_id not in record.entity.mixins:
                    partial = Entity(kind=record.entity.kind, mixins=(mixin.type_id,))
                    what = self._what(record)
                    merged = merge_partial(self.registry, record.entity, partial, what=what)
                    self._writer.update(record, merged, None, what)

    def disassociate(self, mixin_collection: str, locations: Sequence[str]) -> None:
        """``DELETE`` on a mixin collection: take the mixin off these entities."""
        mixin = self._mixin_at(mixin_collection)
        self.advance()
        with self._translated_conflicts(), self._store.transaction():
            for record in self._members(locations):
                if mixin.type_id in record.entity.mixins:
                    what = self._what(record)
                    changed = remove_mixin(self.registry, record.entity, mixin.type_id, what=what)
                    self._writer.update(record, changed, None, what)

    def replace_members(self, mixin_collection: str, locations: Sequence[str]) -> None:
        """``PUT`` on a mixin collection: exactly these entities carry the mixin."""
        mixin = self._mixin_at(mixin_collection)
        wanted = [record.location for record in self._members(locations)]
        current = [r.location for r in self._store.list_mixin(mixin.type_id)]
        with self._store.transaction():
            self.disassociate(mixin_collection, [loc for loc in current if loc not in wanted])
            self.associate(mixin_collection, wanted)

    # -- simulation ------------------------------------------------------------------

    def advance(self) -> int:
        """Apply the simulated changes due by now (provisioning, lingering deletes)."""
        return self.simulation.advance()

    # -- helpers ---------------------------------------------------------------------

    def _path(self, location: str) -> str:
        """The path of a location (a full URL's path; this endpoint's base URL stripped)."""
        path = local_path(location, self._settings.base_url)
        return path if path is not None else urlsplit(location).path or "/"

    def _existing(self, location: str) -> AnyRecord:
        path = self._path(location)
        record = self._store.get(path)
        if record is None:
            raise NotFoundError(f"nothing is stored at {path}")
        return record

    @staticmethod
    def _what(record: AnyRecord) -> str:
        return f"{_term(record.entity.kind)} {record.location}"

    def _not_deleting(self, record: AnyRecord, what: str) -> None:
        if self.simulation.deleting(record.location):
            raise ConflictError(f"{what} is being deleted; it cannot change")

    def _state_attribute(self, kind: str) -> str | None:
        for known in self.registry.lineage(kind):
            attribute = state_attribute(known.type_id)
            if attribute is not None:
                return attribute
        return None

    def _present(self, record: AnyRecord) -> AnyRecord:
        """The record with the actions its entity offers now (none while it lingers)."""
        entity = record.entity
        deleting = self.simulation.deleting(record.location)
        actions = () if deleting else self.registry.applicable_actions(entity)
        update: dict[str, object] = {"actions": actions}
        if isinstance(entity, Resource) and entity.links:
            update["links"] = tuple(
                link.model_copy(update={"actions": self.registry.applicable_actions(link)})
                for link in entity.links
            )
        return replace(record, entity=entity.model_copy(update=update))

    def _mixin_at(self, path: str) -> Mixin:
        found = self._categories.at(self._path(path))
        if not isinstance(found, Mixin):
            what = "a kind's collection" if found else "no collection"
            raise NotFoundError(f"{self._path(path)} is {what}, not a mixin's collection")
        return found

    def _members(self, locations: Sequence[str]) -> Records:
        """The records at ``locations``; 400 naming the first one where nothing is stored."""
        records: Records = []
        for location in dict.fromkeys(self._path(location) for location in locations):
            record = self._store.get(location)
            if record is None:
                raise BadRequestError(f"nothing is stored at {location}")
            self._not_deleting(record, self._what(record))
            records.append(record)
        return records

    @contextmanager
    def _translated_conflicts(self) -> Iterator[None]:
        """Store refusals the checks above did not foresee, as HTTP answers."""
        try:
            yield
        except StoreConflictError as exc:
            raise ConflictError(str(exc)) from exc
        except StoreNotFoundError as exc:
            raise BadRequestError(str(exc)) from exc
