"""Assembling the reconciler of one operator process from its settings.

:func:`build_runtime` wires the Kubernetes API, the endpoint pool, the adapters, the
status writer, the collection poller and the resync policy into a :class:`Runtime`, the
one object the kopf handlers use. Tests build it with an in-memory
:class:`~.kube.KubeApi` and a client factory that talks to an in-process endpoint.
Imports no kopf.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from occi_operator.api.v1alpha1.common import ConditionReason, EndpointRef
from occi_operator.occi.client import EndpointConfig, OCCIClient

from .adapters import default_adapters
from .annotations import is_paused, pending_request
from .contract import Adapter
from .dependencies import is_ready
from .endpoints import EndpointPool
from .failures import ErrorDelays, outcome_of
from .flow import FlowTimings, Reconciler
from .kube import KubeApi, KubeError, KubeObject
from .logcontext import LogContext
from .metrics import OperatorMetrics
from .outcome import Outcome, OutcomeError, OutcomeKind
from .poller import CollectionPoller
from .probe import EndpointProbe
from .resync import ResyncPolicy, SyncMemory, in_terminal_error
from .settings import OperatorSettings
from .status import StatusWriter

__all__ = ["Runtime", "build_runtime"]


@dataclass
class Runtime:
    """The reconciler and the resync policy of a process."""

    reconciler: Reconciler
    policy: ResyncPolicy
    now: Callable[[], datetime]
    endpoint_probe: EndpointProbe
    metrics: OperatorMetrics
    #: Objects whose last resync did not finish (a transient failure, or a change under
    #: way): their change handlers are done, so only the resync timer looks at them
    #: again (after the outcome's delay), Ready or not.
    retrying: set[str] = field(default_factory=set)
    #: Objects whose change handler ended while their resource was still getting ready,
    #: and when their settle timer is to look again (see :meth:`defer`).
    settling: dict[str, datetime] = field(default_factory=dict)
    #: The object and endpoint of each log line (installed by the kopf wiring).
    log_context: LogContext = field(default_factory=LogContext)

    @property
    def adapters(self) -> tuple[Adapter[Any], ...]:
        """Every adapter, in registration order."""
        return tuple(self.reconciler.adapters.values())

    def _period(self, obj: KubeObject) -> float:
        ref = obj.spec.get("endpointRef")
        endpoint_default = None
        if isinstance(ref, dict):
            try:
                parsed = EndpointRef.model_validate(ref)
            except ValueError:
                parsed = None
            if parsed is not None:
                endpoint_default = self.reconciler.endpoints.known_resync_period(
                    obj.namespace or "", parsed
                )
        return self.policy.period(obj.spec, endpoint_default)

    def resync_due(self, obj: KubeObject) -> bool:
        """Whether the object's remote resource should be read now.

        Only Ready objects are resynced: one still converging is retried by its change
        handler, one in a terminal error waits for a spec change. A paused object is never
        due; a reconcile requested by annotation (not yet handled) always is.
        """
        if obj.deleting or is_paused(obj):
            return False
        if pending_request(obj) is not None or obj.uid in self.retrying:
            return True
        if in_terminal_error(obj) or not is_ready(obj):
            return False
        return self._due(obj)

    def fresh(self, obj: KubeObject) -> bool:
        """Whether a restarted operator may skip the object: Ready, handled, recently synced."""
        handled = obj.status.get("observedGeneration") == obj.generation
        requested = pending_request(obj) is not None
        fresh = handled and not requested and is_ready(obj) and not self._due(obj)
        if fresh:
            self.metrics.seen(obj)  # skipped, yet counted as its status says
        return fresh

    def _due(self, obj: KubeObject) -> bool:
        due_in = self.reconciler.memory.due_in(
            obj, period=self._period(obj), policy=self.policy, now=self.now()
        )
        return due_in <= 0

    async def reconcile(self, obj: KubeObject) -> Outcome:
        """One pass over ``obj``."""
        outcome = await self.reconciler.reconcile(obj)
        self.metrics.passed(obj.type.kind, outcome)
        return outcome

    def defer(self, obj: KubeObject, outcome: Outcome) -> bool:
        """Whether the settle timer takes over after a pass that waits for progress.

        kopf keeps a change handler's retries in annotations on the object, one write per
        retry; a resource that is merely getting ready (created, updated, an action under
        way) needs no such record. Its handler ends, and the settle timer, which keeps
        its retries in memory, looks again after the outcome's delay. Errors and waits for
        something else (a dependency, a pause) stay with kopf's retries.
        """
        if outcome.kind is not OutcomeKind.WAITING or (
            outcome.reason is not ConditionReason.PROGRESSING
        ):
            self.settling.pop(obj.uid, None)
            return False
        delay = timedelta(seconds=outcome.requeue_after or 0.0)
        self.settling[obj.uid] = self.now() + delay
        return True

    def settle_wait(self, obj: KubeObject) -> float | None:
        """Seconds until the settle timer's next pass over ``obj``; None: none is due."""
        due = self.settling.get(obj.uid)
        if due is None or obj.deleting:
            return None
        return max((due - self.now()).total_seconds(), 0.0)

    async def settle(self, obj: KubeObject) -> Outcome:
        """The settle timer's pass over ``obj``: followed up again until it is done.

        Once its change handler has ended, only this timer looks at the object: a pass
        that waits (for anything) or fails transiently (a 409 on a status write, the
        endpoint unreachable) keeps it due after the outcome's delay.
        """
        outcome = await self.reconcile(obj)
        if outcome.kind in (OutcomeKind.WAITING, OutcomeKind.TRANSIENT):
            delay = timedelta(seconds=outcome.requeue_after or 0.0)
            self.settling[obj.uid] = self.now() + delay
        else:
            self.settling.pop(obj.uid, None)
        return outcome

    async def resync(self, obj: KubeObject) -> Outcome:
        """One resync pass over ``obj``; one that did not finish keeps it due for the next.

        A transient failure is retried, and so is a change the pass started (drift
        corrected, an action triggered, a resource deleted outside created again): no
        change handler follows it up, as the spec did not change.
        """
        outcome = await self.reconciler.reconcile(obj)
        self.metrics.passed(obj.type.kind, outcome)
        if outcome.kind in (OutcomeKind.TRANSIENT, OutcomeKind.WAITING):
            self.retrying.add(obj.uid)
        else:
            self.retrying.discard(obj.uid)
        return outcome

    async def delete(self, obj: KubeObject) -> Outcome:
        """One deletion pass over ``obj``."""
        self.retrying.discard(obj.uid)
        self.settling.pop(obj.uid, None)
        outcome = await self.reconciler.delete(obj)
        self.metrics.passed(obj.type.kind, outcome)
        if outcome.ready:
            self.metrics.deleted(obj)
            self.log_context.forget(obj.uid)
        return outcome

    def gone(self, uid: str) -> None:
        """The object ``uid`` no longer exists: stop counting it (no pass follows)."""
        self.metrics.forget(uid)
        self.log_context.forget(uid)
        self.reconciler.dependencies.forget(uid)

    async def release(self, endpoint: KubeObject) -> Outcome:
        """A deleted endpoint object: its guard goes once no object uses it."""
        try:
            await self.reconciler.dependencies.release_unused_endpoint(endpoint)
        except OutcomeError as stop:
            return stop.outcome
        except KubeError as exc:
            return outcome_of(exc, doing=f"releasing {endpoint.display}",
                              delays=self.reconciler.timings.errors)
        return Outcome.done("Released the guard, or left it to the objects still using it")

    async def probe(self, endpoint: KubeObject) -> Outcome:
        """Read an endpoint object's ``/-/`` and write its status."""
        return await self.endpoint_probe.probe(endpoint)

    async def aclose(self) -> None:
        """Close the endpoint clients."""
        await self.reconciler.endpoints.aclose()


def build_runtime(
    settings: OperatorSettings,
    kube: KubeApi,
    *,
    client_factory: Callable[[EndpointConfig], OCCIClient] = OCCIClient,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Runtime:
    """The runtime of a process with ``settings``, talking to Kubernetes through ``kube``."""
    timing = settings.timing
    timings = FlowTimings(
        provisioning=timing.provisioning,
        after_change=timing.after_change,
        transition_grace=timing.transition_grace,
        errors=ErrorDelays(
            transient=timing.transient_error,
            unauthorized=timing.unauthorized,
            max_backoff=timing.max_backoff,
        ),
    )
    adapters = default_adapters()
    metrics = OperatorMetrics(kinds=(adapter.kind for adapter in adapters), now=now)
    endpoints = EndpointPool(
        kube, operator_namespace=settings.operator_namespace, client_factory=client_factory,
        observers=metrics.request_observer,
    )
    status = StatusWriter(
        kube, now=now, sync_refresh=settings.resync.sync_time_refresh,
        observer=metrics.status_written,
    )
    policy = ResyncPolicy(
        default_period=settings.resync.default_period, jitter=settings.resync.jitter
    )
    memory = SyncMemory()
    reconciler = Reconciler(
        kube=kube,
        endpoints=endpoints,
        adapters=adapters,
        status=status,
        timings=timings,
        now=now,
        memory=memory,
        poller=CollectionPoller(now=now, memory=memory),
        policy=policy,
        metrics=metrics,
    )
    probe = EndpointProbe(endpoints=endpoints, status=status, delays=timings.errors, now=now)
    return Runtime(
        reconciler=reconciler, policy=policy, now=now, endpoint_probe=probe, metrics=metrics
    )
