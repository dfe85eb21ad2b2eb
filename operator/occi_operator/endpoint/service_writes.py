"""Writing entities: creates (with inline links and provisioning) and updates.

:class:`EntityWriter` runs inside the caller's store transaction, so a request that fails
half-way (a bad inline link after its resource was written) leaves nothing. It applies
the rules of :mod:`.service_entities` and :mod:`.service_links`, stores the result and
schedules provisioning: a new compute, network, application or component becomes
``active`` and a new storage ``online`` after the provisioning delay (on the next advance
with a delay of 0). The platform kinds' own assignments are in :mod:`.service_platform`.

Ids: the server assigns a random UUID; a client may choose its own id (a path segment
of letters, digits, ``.``, ``_``, ``~`` and ``-``), which must be free on the whole
endpoint (else 409). Imports no web layer.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from occi_operator.occi import vocabulary as v
from occi_operator.occi.categories import Kind
from occi_operator.occi.entities import CORE_ID, Entity, Link, Resource
from occi_operator.occi.states import state_attribute

from .errors import BadRequestError, ConflictError
from .service_categories import Categories
from .service_entities import prepare_new
from .service_links import LinkRules, check_network, interface_addresses, local_path
from .service_platform import PlatformRules
from .simulation import Simulation
from .store import Record, Store

__all__ = ["PROVISIONED_STATES", "EntityWriter"]

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~\-]{0,127}")
#: The state each resource kind reaches when provisioning ends.
PROVISIONED_STATES = {
    v.COMPUTE_KIND: v.STATE_ACTIVE, v.NETWORK_KIND: v.STATE_ACTIVE, v.STORAGE_KIND: v.STATE_ONLINE,
    v.APPLICATION_KIND: v.STATE_ACTIVE, v.COMPONENT_KIND: v.STATE_ACTIVE,
}


def _term(type_id: str) -> str:
    return type_id.rpartition("#")[2]


class EntityWriter:
    """Creates and updates entities in the store; see the module docstring."""

    def __init__(
        self,
        store: Store,
        *,
        categories: Callable[[], Categories],
        links: LinkRules,
        platform: PlatformRules,
        simulation: Simulation,
        delay: float,
    ) -> None:
        """``categories`` gives the current snapshot; ``delay`` is the provisioning delay."""
        self._store = store
        self._categories = categories
        self._links = links
        self._platform = platform
        self._simulation = simulation
        self._delay = delay

    def new_id(self, wanted: str | None, what: str) -> str:
        """A fresh UUID, or the client's id when it is a free path segment."""
        if wanted is None:
            return str(uuid.uuid4())
        if not _ID.fullmatch(wanted):
            raise BadRequestError(
                f"{what}: attribute {CORE_ID}: must be a path segment of at most 128 letters, "
                f"digits, '.', '_', '~' and '-' such as a UUID (got {wanted!r})"
            )
        if self._store.count(attributes={CORE_ID: wanted}):
            raise ConflictError(f"{what}: attribute {CORE_ID}: {wanted} is already taken")
        return wanted

    def create(self, entity: Resource | Link, kind: Kind, ident: str) -> str:
        """Store a new entity of ``kind`` under ``ident``; returns its location."""
        registry = self._categories().registry
        location = f"{kind.location}{ident}"
        what = f"{_term(kind.type_id)} {location}"
        if kind.type_id == v.ENTITY_KIND:
            raise BadRequestError(f"{what}: {v.ENTITY_KIND} is abstract; create a resource "
                                  "or a link")
        if registry.is_a(kind.type_id, v.LINK_KIND) != isinstance(entity, Link):
            sort = "link" if registry.is_a(kind.type_id, v.LINK_KIND) else "resource"
            raise BadRequestError(f"{what}: a {_term(kind.type_id)} is a {sort}; the request "
                                  f"describes a {'resource' if sort == 'link' else 'link'}")
        entity = entity.model_copy(update={"id": ident, "location": location})
        if isinstance(entity, Link):
            self._create_link(entity, what)
        else:
            self._create_resource(entity, what)
        return location

    def _create_resource(self, resource: Resource, what: str) -> None:
        registry = self._categories().registry
        prepared = prepare_new(registry, resource.model_copy(update={"links": ()}), what=what)
        prepared = check_network(prepared, what=what)
        prepared = self._platform.assign_resource(registry, prepared)
        self._store.put_resource(prepared, create_only=True)
        location = str(prepared.location)
        for known in registry.lineage(prepared.kind):
            attribute, to = state_attribute(known.type_id), PROVISIONED_STATES.get(known.type_id)
            if attribute is not None and to is not None:
                self._simulation.schedule_state(location, attribute=attribute, to=to,
                                                delay=self._delay)
                break
        for link in resource.links:
            self.create_inline(link, source=location, what=what)

    def _create_link(self, link: Link, what: str) -> None:
        registry = self._categories().registry
        link = self._links.ends(link, what=what)
        link = prepare_new(registry, link, what=what)
        link = self._links.assign(link, what=what)
        link = self._platform.assign_link(registry, link, what=what)
        self._store.put_link(link, create_only=True)

    def create_inline(self, link: Link, *, source: str, what: str) -> str:
        """Create a link given inside a resource's rendering; returns its location."""
        kind = self._categories().registry.get(link.kind)
        if not isinstance(kind, Kind) or not self._categories().registry.is_a(
            link.kind, v.LINK_KIND
        ):
            raise BadRequestError(f"{what}: inline link of kind {link.kind}: not a link kind")
        if link.source is not None and local_path(link.source) != source:
            raise BadRequestError(f"{what}: an inline link's occi.core.source must be the "
                                  f"resource itself, not {link.source}")
        ident = self.new_id(link.id, f"{what}: inline link")
        location = f"{kind.location}{ident}"
        self._create_link(
            link.model_copy(update={"source": source, "id": ident, "location": location}),
            f"{_term(link.kind)} {location}",
        )
        return location

    def ends(self, old: Entity, new: Resource | Link) -> Resource | Link:
        """``new`` with link ends as paths, the stored ones when it names none."""
        if not isinstance(old, Link) or not isinstance(new, Link):
            return new
        source = local_path(new.source) if new.source else old.source
        target = local_path(new.target) or new.target
        return new.model_copy(update={"source": source, "target": target,
                                      "source_kind": old.source_kind,
                                      "target_kind": old.target_kind})

    def update(
        self,
        existing: Record[Resource | Link],
        merged: Entity,
        request: Entity | None,
        what: str,
    ) -> None:
        """Store an updated entity; new inline links of ``request`` are created."""
        if isinstance(merged, Link) and isinstance(existing.entity, Link):
            changed_link = self._links.check_change(existing.entity, merged, what=what)
            # A databaseLink added later gets its connection details then.
            registry = self._categories().registry
            self._store.put_link(self._platform.assign_link(registry, changed_link, what=what))
            return
        if not isinstance(merged, Resource):
            raise BadRequestError(f"{what}: the request describes a link; this is a resource")
        in_use = interface_addresses(self._store, existing.location)
        changed = check_network(merged, what=what, in_use=in_use)
        self._store.put_resource(changed.model_copy(update={"links": ()}))
        if not isinstance(request, Resource):
            return
        for link in request.links:
            path = local_path(link.location) if link.location else None
            stored = self._store.get(path) if path else None
            if stored is not None and isinstance(stored.entity, Link) and (
                stored.entity.source == existing.location
            ):
                continue  # an echo of a link the resource has
            self.create_inline(link, source=existing.location, what=what)
