"""One object per pass: find the OCCI resource, or create it, then make it match the spec.

:meth:`Reconciler.reconcile` reads like k-orc's get-or-create:

1. find the remote resource: by ``status.location`` (for a settled object, out of the
   kind's collection listing, see :mod:`.poller`; else with its own GET); else import by
   ``spec.import.location``; else import by ``spec.import.filter`` (exactly one match, else
   Stalled listing the candidates); else adopt what a lost create left behind, found by our
   marker in ``occi.core.summary`` (when ``status.createPending`` says a create was sent),
   unless this process still holds the location of its own create (:mod:`.creations`);
2. none found: create it — our finalizer first, then ``status.createPending`` written with a
   resourceVersion precondition, then the POST. Nothing comes after the POST in the same
   pass, not even a write: the next pass records the location with what it sees;
3. found: observe it; correct mutable drift (a partial update), report immutable drift
   (Stalled, InvalidConfiguration: never a recreate), run the adapter's actions (power
   state), and wait while it is not ready — soon at first, then less often.

:meth:`Reconciler.delete` runs a :class:`~.teardown.Teardown` pass; step 1 is
:class:`~.finding.Finder`'s, with :class:`~.lookup.Lookup` for imports and adoption.

The user's annotations (:mod:`.annotations`) are read first: a paused object gets a pass
that makes no remote call at all (a deletion waits); a reconcile request is echoed in
``status.lastReconcileRequest`` by the pass that handled it, whatever it came to.

Passes over one object are serialised by a per-uid lock (kopf runs timers beside change
handlers). Every pass ends in one :class:`~.outcome.Outcome`, written to status by
:class:`~.status.StatusWriter`; this module never talks to kopf.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from occi_operator.api.v1alpha1.common import ConditionReason, ManagementPolicy
from occi_operator.api.v1alpha1.lifecycle import LifecycleSpec
from occi_operator.occi.entities import Link, Resource
from occi_operator.occi.errors import OCCIError

from .annotations import PAUSED, is_paused, pending_request
from .binding import bind_adapter
from .connection import expedite_sources
from .contract import Adapter, Resolved, marker_for
from .correction import Correction, initial_state
from .creations import Created, Creations
from .dependencies import Dependencies, is_ready
from .endpoints import EndpointLease, EndpointPool
from .failures import Backoff, ErrorDelays, outcome_of
from .finding import Finder, collection_of
from .kube import KubeApi, KubeError, KubeNotFoundError, KubeObject
from .metrics import OperatorMetrics
from .outcome import Outcome, OutcomeError
from .poller import CollectionPoller
from .resolution import resolve
from .resync import ResyncPolicy, SyncMemory
from .status import Mirror, StatusWriter, format_time
from .teardown import Teardown

__all__ = ["FlowTimings", "Reconciler"]

logger = logging.getLogger("occi_operator.reconciler.flow")


@dataclass(frozen=True)
class FlowTimings:
    """Seconds between passes while something is under way."""

    provisioning: float = 2.0
    after_change: float = 1.0
    #: Longest wait for a resource to leave the state a create or an action found it in.
    transition_grace: float = 120.0
    deleting: float = 2.0
    #: While a deletion waits for the paused annotation to go (kopf runs no change
    #: handler for an object being deleted, so the delete handler looks again).
    paused_deletion: float = 10.0
    errors: ErrorDelays = field(default_factory=ErrorDelays)


#: The message of a create under way: the create-pending write and the pass that sent the
#: POST end with it, so that the latter writes nothing (see :mod:`.creations`).
CREATING = "Creating the OCCI resource"


class Reconciler:
    """The generic reconciler: one instance per process, every adapter's objects."""

    def __init__(
        self,
        *,
        kube: KubeApi,
        endpoints: EndpointPool,
        adapters: Iterable[Adapter[Any]],
        status: StatusWriter,
        memory: SyncMemory | None = None,
        timings: FlowTimings | None = None,
        poller: CollectionPoller | None = None,
        policy: ResyncPolicy | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        metrics: OperatorMetrics | None = None,
    ) -> None:
        self.adapters = {adapter.kind: adapter for adapter in adapters}
        self.metrics = metrics
        self.kube = kube
        self.endpoints = endpoints
        self.dependencies = Dependencies(kube, self.adapters.values())
        self.status = status
        self.memory = memory or SyncMemory()
        self.poller = poller or CollectionPoller(now=now, memory=self.memory)
        self.policy = policy or ResyncPolicy()
        self.timings = timings or FlowTimings()
        self.now = now
        self._locks: dict[str, asyncio.Lock] = {}
        self.created = Creations()
        #: The resourceVersion each object had after this process's last pass over it.
        self._written: dict[str, str] = {}
        self._backoff = Backoff(self.timings.errors)

    def _lock(self, uid: str) -> asyncio.Lock:
        return self._locks.setdefault(uid, asyncio.Lock())

    async def _fresh(self, obj: KubeObject) -> KubeObject | None:
        """``obj``, read again when this process wrote a version the snapshot may predate.

        kopf hands over the body of the event being handled; a timer (or a queued event)
        may carry one older than what the previous pass wrote, and writing from it would
        only meet a 409.
        """
        if self._written.get(obj.uid, obj.resource_version) == obj.resource_version:
            return obj
        try:
            return await self.kube.get(obj.type, obj.namespace, obj.name)
        except KubeNotFoundError:
            return None

    async def _run(self, obj: KubeObject, deleting: bool) -> Outcome:
        async with self._lock(obj.uid):
            current = await self._fresh(obj)
            if current is None:
                return Outcome.done("The object is gone")
            one = _Pass(self, current)
            try:
                outcome = await (one.run_delete() if deleting else one.run())
            finally:
                await one.release()
            self._written[obj.uid] = one.obj.resource_version
            return self._backoff.apply(obj.uid, outcome)

    async def reconcile(self, obj: KubeObject) -> Outcome:
        """One pass over ``obj``: converge the remote resource, write status."""
        return await self._run(obj, deleting=False)

    async def delete(self, obj: KubeObject) -> Outcome:
        """One pass over a deleted ``obj``: remove (or detach) the remote resource."""
        outcome = await self._run(obj, deleting=True)
        if outcome.ready:
            await self.expedite_sources(obj)
            self.memory.forget(obj.uid)
            self.poller.forget(obj.uid)
            self._locks.pop(obj.uid, None)
            self._written.pop(obj.uid, None)
            self.created.forget(obj.uid)
            self._backoff.forget(obj.uid)
        return outcome


    async def expedite_sources(self, obj: KubeObject) -> None:
        """A link came or went: what it starts from shows it at once (its connection Secret)."""
        await expedite_sources(
            kube=self.kube, dependencies=self.dependencies, memory=self.memory,
            adapter=self.adapters[obj.type.kind], obj=obj, now=self.now(),
        )


class _Pass:
    """The state of one pass over one object."""

    def __init__(self, reconciler: Reconciler, obj: KubeObject) -> None:
        self.r = reconciler
        self.obj = obj
        self.adapter = reconciler.adapters[obj.type.kind]
        self.marker = marker_for(obj.uid)
        self._spec: LifecycleSpec | None = None
        self._lease: EndpointLease | None = None
        self.mirror: Mirror | None = None
        self.fields: dict[str, Any] = {}
        self.doing = f"reconciling {obj.display}"

    @property
    def spec(self) -> LifecycleSpec:
        """The parsed spec (set at the start of a pass)."""
        if self._spec is None:
            raise RuntimeError("the spec is read before it was parsed")
        return self._spec

    @property
    def lease(self) -> EndpointLease:
        """The endpoint lease (set once the endpoint is known)."""
        if self._lease is None:
            raise RuntimeError("the endpoint is used before it was leased")
        return self._lease

    async def release(self) -> None:
        """Hand the endpoint lease back to the pool (a retired client may close then)."""
        if self._lease is not None:
            lease, self._lease = self._lease, None
            await self.r.endpoints.release(lease)

    # Edges.

    async def run(self) -> Outcome:
        if is_paused(self.obj):
            return await self._record(Outcome.paused(
                f"Paused by the annotation {PAUSED}: no call to the endpoint is made until "
                "it is removed"
            ))
        request = pending_request(self.obj)
        outcome = await self._attempt(self._converge())
        if request is not None:
            self.fields["last_reconcile_request"] = request
        return await self._record(outcome)

    async def run_delete(self) -> Outcome:
        if is_paused(self.obj):
            return await self._record(Outcome.waiting(
                f"Paused by the annotation {PAUSED}: the OCCI resource is not deleted until "
                "the annotation is removed", self.r.timings.paused_deletion,
                reason=ConditionReason.PAUSED,
            ))
        self.doing = f"deleting {self.obj.display}"
        teardown = Teardown(
            kube=self.r.kube, dependencies=self.r.dependencies, endpoints=self.r.endpoints,
            adapter=self.adapter, obj=self.obj, delay=self.r.timings.deleting,
        )
        outcome = await self._attempt(teardown.run())
        self.obj = teardown.obj  # as the teardown last wrote it (its location cleared)
        if not outcome.ready:
            return await self._record(outcome)
        return outcome

    async def _attempt(self, work: Awaitable[Outcome]) -> Outcome:
        """The outcome of ``work``: its own, the one it stopped with, or its failure's."""
        try:
            return await work
        except OutcomeError as stop:
            return stop.outcome
        except (OCCIError, KubeError) as exc:
            return outcome_of(exc, doing=self.doing, delays=self.r.timings.errors)

    async def _record(self, outcome: Outcome) -> Outcome:
        logger.debug("%s: %s (%s) %s", self.obj.display, outcome.kind.value,
                     outcome.reason.value, outcome.message)
        try:
            self.obj = await self.r.status.write(
                self.obj, outcome, mirror=self.mirror, fields=self.fields
            )
        except KubeNotFoundError:
            return outcome  # deleted meanwhile: nothing to record
        except KubeError as exc:
            return outcome_of(exc, doing="writing the status", delays=self.r.timings.errors)
        return outcome

    # Reconcile.

    def _parse(self) -> LifecycleSpec:
        try:
            spec: LifecycleSpec = self.adapter.parse_spec(self.obj.spec)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
            )
            raise OutcomeError(Outcome.terminal(f"The spec is invalid: {problems}")) from None
        return spec

    @property
    def managed(self) -> bool:
        return self._spec is not None and (
            self._spec.management_policy is ManagementPolicy.MANAGED
        )

    async def _converge(self) -> Outcome:
        self._spec = self._parse()
        self._lease = await self.r.endpoints.lease(
            self.obj.namespace or "", self.spec.endpoint_ref
        )
        await self.r.dependencies.follow_endpoint(self.obj)
        # A generic kind is checked against the endpoint's /-/ before any lookup or write.
        self.adapter = await bind_adapter(
            self.adapter, self.spec, self.lease.client, self.obj.status
        )
        finder = Finder(
            kube=self.r.kube, poller=self.r.poller, memory=self.r.memory,
            policy=self.r.policy, created=self.r.created, lease=self.lease,
            adapter=self.adapter, obj=self.obj, spec=self.spec, managed=self.managed,
            marker=self.marker,
        )
        found = await finder.find()
        self.obj = finder.obj
        self.fields.update(finder.fields)
        if found is None:
            return await self._create()
        self.fields["create_pending"] = None
        if found.adopted:
            await self._hold(found.remote)
        return await self._sync(found.remote, found.seen_at)

    async def _hold(self, remote: Resource | Link) -> None:
        """Record an adopted or imported resource: finalizer, guards, location."""
        self.obj = await self.r.dependencies.add_finalizer(self.obj)
        await self.r.dependencies.guard_endpoint(self.lease)
        if self.adapter.references:
            await self.r.dependencies.resolve(self.obj, self.adapter)
        self.fields["location"] = remote.location

    async def _resolve(self) -> Resolved:
        return await resolve(
            obj=self.obj, spec=self.spec, adapter=self.adapter, client=self.lease.client,
            kube=self.r.kube, dependencies=self.r.dependencies, creating=True,
        )

    async def _create(self) -> Outcome:
        if not self.managed or getattr(self.spec, "resource", None) is None:
            raise OutcomeError(Outcome.terminal(
                "Nothing to create: an unmanaged object must import an existing resource"
            ))
        self.doing = f"creating the OCCI resource of {self.obj.display}"
        if self.lease.endpoint.deleting:
            # The endpoint object stays (guarded) while its users finish; nothing new on it.
            raise OutcomeError(Outcome.waiting(
                f"{self.lease.endpoint.display} is being deleted; not creating on it", 30.0,
                reason=ConditionReason.WAITING_FOR_DEPENDENCY,
            ))
        resolved = await self._resolve()
        desired = self.adapter.desired(self.spec, resolved)
        self.obj = await self.r.dependencies.add_finalizer(self.obj)
        await self.r.dependencies.guard_endpoint(self.lease)
        # The mark goes first, with a resourceVersion precondition: a crash after the
        # POST leaves it behind, and the next pass looks for the resource by marker.
        self.obj = await self.r.status.write(
            self.obj, Outcome.waiting(CREATING, 0.0),
            fields={"create_pending": format_time(self.r.now()), "location": None},
        )
        location = await self.lease.client.create(desired, collection=self.adapter.collection)
        # The location is not written now: the next pass (the settle timer's, soon) reads
        # the resource and records it with what it sees — with Ready, when the cloud is
        # quick — one Kubernetes write fewer per object. Until then it is kept in memory;
        # a crash loses only that, and the create-pending mark has the next process adopt
        # the resource by its marker. A provisioning cloud may show the new resource in
        # its initial state for a while: the transition recorded with the location keeps
        # the correction from taking that for a stopped machine (see .correction).
        self.r.created.remember(self.obj.uid, Created(
            location=location, since=format_time(self.r.now()),
            initial=initial_state(self.adapter.occi_kind),
        ))
        # The same outcome as the mark's: status does not change, nothing is written. No
        # Event: the Reconciling condition says it, and the Ready Event follows.
        return Outcome.waiting(CREATING, self._settling_delay())

    def _settling_delay(self, base: float | None = None) -> float:
        """The wait before looking again at a changing object: soon, then less often."""
        first = self.r.timings.provisioning if base is None else base
        return self.r.poller.settling_delay(self.obj.uid, first)

    async def _sync(self, remote: Resource | Link, seen_at: datetime | None) -> Outcome:
        self.r.memory.mark(self.obj.uid, seen_at or self.r.now())
        correction = Correction(
            kube=self.r.kube, dependencies=self.r.dependencies, poller=self.r.poller,
            client=self.lease.client, adapter=self.adapter, obj=self.obj, spec=self.spec,
            managed=self.managed, settle=self._settling_delay,
            after_change=self.r.timings.after_change,
            grace=self.r.timings.transition_grace, now=self.r.now(),
        )
        try:
            outcome = await correction.run(remote)
        finally:
            self.mirror = correction.mirror
            self.fields.update(correction.records)
            self.doing = correction.doing or self.doing
            if self.r.metrics is not None:
                self.r.metrics.drifted(self.obj.type.kind, found=correction.drifted,
                                       corrected=correction.corrected)
        if outcome.ready:
            self.r.poller.settled(self.obj.uid)
            collection = await collection_of(self.adapter, self.lease.client)
            self.r.poller.join(self.lease.client, collection, self.obj.uid, remote)
            if not is_ready(self.obj):  # Ready just now
                await self.r.expedite_sources(self.obj)
        return outcome
