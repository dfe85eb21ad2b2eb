"""Making a found OCCI resource match the spec: observe, correct, report, act.

:class:`Correction` runs the second half of a reconcile pass, once the remote resource is
known (read, listed, imported or adopted). It asks the adapter for an observation and
then, in this order: a failed resource is terminal (UnrecoverableError: only deleting the
object removes it); an observe-only object is Ready once the resource exists and is not
provisioning; mutable drift gets one partial update; immutable drift is reported (Stalled,
InvalidConfiguration) and never "fixed" by a recreate; the adapter's steps (power state)
trigger one action; a resource that is not ready yet is waited for.

After a create or an action the resource is in transition (``status.transitionSince`` and
``transitionFrom``): while it stays in the state it was found in, and for at most the
transition grace, nothing is corrected or triggered. A cloud that is still provisioning
reports a new machine as ``inactive`` (ooi) — starting it then, or triggering ``online``
on a storage whose ``online`` is under way, would only start the work again. The first
pass that sees another state (or the grace run out) clears the transition.

One remote change per pass at most: the next pass observes its effect. Like the rest of
the generic part it never imports kopf or kubernetes, and it writes no status itself — the
pass it belongs to records :attr:`Correction.mirror` and :attr:`Correction.records`. The
connection Secret (:mod:`.connection`) is brought up to date after every observation of a
resource that has not failed, before anything is corrected.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from occi_operator.api.v1alpha1.common import ConditionReason
from occi_operator.api.v1alpha1.lifecycle import LifecycleSpec
from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import OCCIClient
from occi_operator.occi.entities import Link, Resource
from occi_operator.occi.states import is_provisioning, target_state

from .connection import ConnectionSecrets, details_of
from .contract import Adapter, Observation
from .dependencies import Dependencies
from .drift import find_drift, partial_update
from .kube import KubeApi, KubeObject
from .outcome import Outcome
from .poller import CollectionPoller
from .resolution import resolve
from .status import Mirror, format_time, mirror_of, parse_time

__all__ = ["Correction", "initial_state"]

#: The state of a resource right after its create (GFD.224: compute and network start
#: inactive, storage offline). Links are ready in any state and are not listed.
_INITIAL_STATES = {
    v.COMPUTE_KIND: v.STATE_INACTIVE,
    v.NETWORK_KIND: v.STATE_INACTIVE,
    v.STORAGE_KIND: v.STATE_OFFLINE,
}


def initial_state(occi_kind: str) -> str | None:
    """The state a just-created resource of ``occi_kind`` is in, None when not known."""
    return _INITIAL_STATES.get(occi_kind)


class Correction:
    """One observe-and-correct step over the found ``remote`` of ``obj``.

    ``settle(base)`` is the wait before looking again at a changing object (``None``:
    the provisioning delay); ``after_change`` the base wait after an update or an action;
    ``grace`` the longest wait for a transition (see the module docstring) at ``now``.
    """

    def __init__(
        self,
        *,
        kube: KubeApi,
        dependencies: Dependencies,
        poller: CollectionPoller,
        client: OCCIClient,
        adapter: Adapter[Any],
        obj: KubeObject,
        spec: LifecycleSpec,
        managed: bool,
        settle: Callable[[float | None], float],
        after_change: float,
        grace: float,
        now: datetime,
    ) -> None:
        self.kube = kube
        self.dependencies = dependencies
        self.poller = poller
        self.client = client
        self.adapter = adapter
        self.obj = obj
        self.spec = spec
        self.managed = managed
        self.settle = settle
        self.after_change = after_change
        self.grace = grace
        self.now = now
        #: What to mirror into status (set by :meth:`run`).
        self.mirror: Mirror | None = None
        #: Status fields an action asked to record (a step's ``records``).
        self.records: dict[str, Any] = {}
        #: What the step is doing, for the message of an error it raises.
        self.doing: str | None = None
        #: The spec fields found to differ, and those corrected (for the metrics).
        self.drifted: list[str] = []
        self.corrected: list[str] = []

    async def run(self, remote: Resource | Link) -> Outcome:
        """The outcome of observing ``remote`` (and of the one change it may have made)."""
        observation = self.adapter.observe(remote, self.spec)
        self.mirror = mirror_of(remote, observation, hidden=self.adapter.secret_attributes)
        if observation.failed:
            return Outcome.terminal(
                f"The OCCI resource {remote.location} is in state {observation.state}: "
                f"{observation.state_message or 'no message'}; delete this object to remove it",
                reason=ConditionReason.UNRECOVERABLE_ERROR,
            )
        # Every kind, managed or observed: the Secret follows what was just read.
        self.records.update(await ConnectionSecrets(self.kube).publish(
            self.obj, self.spec, details_of(self.adapter, remote, self.spec)
        ))
        shaped = self.managed and getattr(self.spec, "resource", None) is not None
        if not shaped:
            # Observe-only (or imported without a desired shape): the resource is what it
            # is; Ready once it exists and is not still being provisioned.
            if is_provisioning(observation.state):
                return Outcome.waiting(
                    f"The OCCI resource is {observation.state}", self.settle(None)
                )
            return Outcome.done("The OCCI resource exists (observed, not managed)")
        in_transition = self._transition(observation)
        if in_transition is not None:
            return in_transition
        changed = await self._correct(remote, observation.state)
        if changed is not None:
            return changed
        if not observation.ready:
            return Outcome.waiting(
                observation.message or "Waiting for the OCCI resource to become ready",
                self.settle(None),
            )
        return Outcome.done()

    def _transition(self, observation: Observation) -> Outcome | None:
        """A wait while a create or an action is still under way; None once it is over."""
        status = self.obj.status
        since = parse_time(status.get("transitionSince"))
        if since is None and status.get("transitionFrom") is None:
            return None
        before = status.get("transitionFrom")
        elapsed = 0.0 if since is None else (self.now - since).total_seconds()
        if not observation.ready and observation.state == before and elapsed < self.grace:
            # A message that stays the same from look to look: each new one is a write.
            return Outcome.waiting(
                f"The OCCI resource is still {before} since the operator created it or "
                f"acted on it at {status.get('transitionSince')}; waiting up to "
                f"{self.grace:.0f}s for it to change before acting again",
                self.settle(None),
            )
        self.records.update(transition_since=None, transition_from=None)
        return None

    async def _correct(self, remote: Resource | Link, state: str | None) -> Outcome | None:
        """Correct mutable drift or run one action; None when there is nothing to do."""
        resolved = await resolve(
            obj=self.obj, spec=self.spec, adapter=self.adapter, client=self.client,
            kube=self.kube, dependencies=self.dependencies, creating=False,
        )
        desired = self.adapter.desired(self.spec, resolved)
        drifts = find_drift(self.adapter, self.spec, desired, remote, resolved)
        self.drifted = [d.field for d in drifts]
        frozen = [d for d in drifts if not d.mutable]
        if frozen:
            return Outcome.terminal(
                "Immutable field(s) differ from the OCCI resource: "
                + "; ".join(d.describe() for d in frozen)
                + ". The operator never recreates a resource: restore the old value, or "
                "delete this object and create a new one"
            )
        location = str(remote.location)
        if drifts:
            self.doing = f"updating {location}"
            await self.client.update(location, partial_update(desired, drifts, resolved, remote))
            self.corrected = [d.field for d in drifts]
            self.poller.invalidate(self.client, location)
            message = "Corrected " + "; ".join(d.describe() for d in drifts)
            await self.kube.post_event(self.obj, type="Normal", reason="Updated", message=message)
            return Outcome.waiting(message, self.settle(self.after_change))
        for step in self.adapter.steps(remote, self.spec, self.obj.status):
            self.doing = f"running {step.invocation.action} on {location}"
            await self.client.trigger(location, step.invocation)
            self.poller.invalidate(self.client, location)
            self.records.update(step.records)
            if state is not None and target_state(step.invocation.action) not in (None, state):
                # Until the state moves away from this one, this action is still under way.
                self.records.update(transition_since=format_time(self.now), transition_from=state)
            await self.kube.post_event(
                self.obj, type="Normal", reason="Action", message=step.message
            )
            return Outcome.waiting(step.message, self.settle(self.after_change))
        return None
