"""Where a pass finds an object's OCCI resource, before anything is created.

In this order (k-orc's get-or-create, the first half): by ``status.location`` — for a
settled object out of the kind's collection listing (:mod:`.poller`), else with its own
GET; a managed resource deleted outside the operator is created again (an Event says so),
an imported one stops the object. Else import by ``spec.import.location``, or by
``spec.import.filter`` (exactly one match). Else, when ``status.createPending`` says a
create was sent: the location this process still holds from its own create
(:mod:`.creations`), or the resource an earlier, lost pass created, found by our marker.
None found means: create it.

What a find learns for the pass's status (a location to clear or to record, the transition
a create began) is left in :attr:`Finder.fields`; :attr:`Finder.obj` is the pass's view of
the object with what was recalled. Imports no kopf and no Kubernetes client.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from occi_operator.api.v1alpha1.common import ConditionReason
from occi_operator.api.v1alpha1.lifecycle import LifecycleSpec
from occi_operator.occi.client import OCCIClient
from occi_operator.occi.entities import Link, Resource
from occi_operator.occi.errors import NotFoundError

from .contract import Adapter
from .creations import Creations
from .dependencies import is_ready
from .endpoints import EndpointLease
from .kube import KubeApi, KubeObject
from .lookup import Lookup
from .outcome import Outcome, OutcomeError
from .poller import CollectionPoller
from .resync import ResyncPolicy, SyncMemory, in_terminal_error

__all__ = ["Finder", "Found", "collection_of"]


@dataclass(frozen=True)
class Found:
    """The remote resource a find came to."""

    remote: Resource | Link
    #: Imported or adopted: the pass records it (finalizer, guards, location).
    adopted: bool = False
    #: When a collection listing that carried it was requested (None: read just now).
    seen_at: datetime | None = None


async def collection_of(adapter: Adapter[Any], client: OCCIClient) -> str:
    """The collection of the adapter's kind: its own, else the endpoint's for the kind."""
    if adapter.collection:
        return adapter.collection
    return await client.collection_of(adapter.occi_kind)


@dataclass
class Finder:
    """One find for one pass; see the module docstring."""

    kube: KubeApi
    poller: CollectionPoller
    memory: SyncMemory
    policy: ResyncPolicy
    created: Creations
    lease: EndpointLease
    adapter: Adapter[Any]
    obj: KubeObject
    spec: LifecycleSpec
    managed: bool
    marker: str

    def __post_init__(self) -> None:
        self.fields: dict[str, Any] = {}

    async def find(self) -> Found | None:
        """The object's remote resource, or None when it is to be created."""
        location = self.obj.status.get("location")
        if isinstance(location, str) and location:
            return await self._recorded(location)
        lookup = Lookup(self.lease.client, self.adapter, self.marker)
        wanted = self.spec.import_
        if wanted is not None and wanted.location:
            return Found(await lookup.at_location(wanted.location), adopted=True)
        if wanted is not None and wanted.filter is not None:
            return Found(await lookup.by_filter(wanted.filter), adopted=True)
        if not self.obj.status.get("createPending"):
            return None
        recalled = await self._recall()
        if recalled is not None:
            return recalled
        lost = await lookup.by_marker()
        if lost is None:
            return None  # the create never arrived: create again
        await self.kube.post_event(
            self.obj, type="Normal", reason="Adopted",
            message=f"Adopted {lost.location}, created by an earlier pass whose answer "
            "was lost",
        )
        return Found(lost, adopted=True)

    async def _recorded(self, location: str) -> Found | None:
        """The resource at the recorded location; a managed one deleted outside: None."""
        try:
            return await self._read(location)
        except NotFoundError:
            if self.spec.import_ is not None or not self.managed:
                raise OutcomeError(Outcome.terminal(
                    f"The imported OCCI resource {location} was deleted outside the "
                    "operator; delete this object, or import another resource",
                    reason=ConditionReason.UNRECOVERABLE_ERROR,
                )) from None
            await self.kube.post_event(
                self.obj, type="Warning", reason="RemoteDeleted",
                message=f"{location} was deleted outside the operator; creating it again",
            )
            self.fields["location"] = None
            return None

    async def _recall(self) -> Found | None:
        """The resource this process created and has not recorded yet (:mod:`.creations`).

        Its location and transition go into the pass's status write, and into its view
        of the object (the correction reads the transition there). None when this process
        created nothing (a restart: the marker finds it) or the resource is gone already.
        """
        created = self.created.take(self.obj.uid)
        if created is None:
            return None
        try:
            remote = await self.lease.client.get(created.location)
        except NotFoundError:
            return None
        self.fields.update(created.fields())
        self.obj = replace(self.obj, status={**self.obj.status, **created.status()})
        return Found(remote)

    def _settled(self) -> bool:
        """Ready for this generation and not changing: a listing may serve it."""
        obj = self.obj
        handled = obj.status.get("observedGeneration") == obj.generation
        return handled and is_ready(obj) and not obj.deleting and not in_terminal_error(obj)

    async def _read(self, location: str) -> Found:
        """The resource at ``location``: out of a collection listing when settled, else GET."""
        client = self.lease.client
        if self._settled():
            period = self.policy.period(self.obj.spec, self.lease.default_resync_period)
            sighting = await self.poller.sighting(
                client, await collection_of(self.adapter, client), location,
                since=self.memory.last_sync(self.obj), period=period,
            )
            if sighting is not None:
                return Found(sighting.entity, seen_at=sighting.at)
        return Found(await client.get(location))
