"""Making a found OCCI resource match the spec: observe, correct, report, act.

:class:`Correction` runs the second half of a reconcile pass, once the remote resource is
known (read, listed, imported or adopted). It asks the adapter for an observation and
then, in this order: a failed resource is terminal (UnrecoverableError: only deleting the
object removes it); an observe-only object is Ready once the resource exists and is not
provisioning; mutable drift gets one partial update; immutable drift is reported (Stalled,
InvalidConfiguration) and never "fixed" by a recreate; the adapter's steps (power state)
trigger one action; a resource that is not ready yet is waited for.

One remote change per pass at most: the next pass observes its effect. Like the rest of
the generic part it never imports kopf or kubernetes, and it writes no status itself — the
pass it belongs to records :attr:`Correction.mirror` and :attr:`Correction.records`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from occi_operator.api.v1alpha1.common import ConditionReason
from occi_operator.api.v1alpha1.lifecycle import LifecycleSpec
from occi_operator.occi.client import OCCIClient
from occi_operator.occi.entities import Link, Resource
from occi_operator.occi.states import is_provisioning

from .contract import Adapter
from .dependencies import Dependencies
from .drift import find_drift, partial_update
from .kube import KubeApi, KubeObject
from .outcome import Outcome
from .poller import CollectionPoller
from .resolution import resolve
from .status import Mirror, mirror_of

__all__ = ["Correction"]


class Correction:
    """One observe-and-correct step over the found ``remote`` of ``obj``.

    ``settle(base)`` is the wait before looking again at a changing object (``None``:
    the provisioning delay); ``after_change`` the base wait after an update or an action.
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
        #: What to mirror into status (set by :meth:`run`).
        self.mirror: Mirror | None = None
        #: Status fields an action asked to record (a step's ``records``).
        self.records: dict[str, Any] = {}
        #: What the step is doing, for the message of an error it raises.
        self.doing: str | None = None

    async def run(self, remote: Resource | Link) -> Outcome:
        """The outcome of observing ``remote`` (and of the one change it may have made)."""
        observation = self.adapter.observe(remote, self.spec)
        self.mirror = mirror_of(remote, observation)
        if observation.failed:
            return Outcome.terminal(
                f"The OCCI resource {remote.location} is in state {observation.state}: "
                f"{observation.state_message or 'no message'}; delete this object to remove it",
                reason=ConditionReason.UNRECOVERABLE_ERROR,
            )
        shaped = self.managed and getattr(self.spec, "resource", None) is not None
        if not shaped:
            # Observe-only (or imported without a desired shape): the resource is what it
            # is; Ready once it exists and is not still being provisioned.
            if is_provisioning(observation.state):
                return Outcome.waiting(
                    f"The OCCI resource is {observation.state}", self.settle(None)
                )
            return Outcome.done("The OCCI resource exists (observed, not managed)")
        changed = await self._correct(remote)
        if changed is not None:
            return changed
        if not observation.ready:
            return Outcome.waiting(
                observation.message or "Waiting for the OCCI resource to become ready",
                self.settle(None),
            )
        return Outcome.done()

    async def _correct(self, remote: Resource | Link) -> Outcome | None:
        """Correct mutable drift or run one action; None when there is nothing to do."""
        resolved = await resolve(
            obj=self.obj, spec=self.spec, adapter=self.adapter, client=self.client,
            kube=self.kube, dependencies=self.dependencies, creating=False,
        )
        desired = self.adapter.desired(self.spec, resolved)
        drifts = find_drift(self.adapter, self.spec, desired, remote, resolved)
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
            self.poller.invalidate(self.client, location)
            message = "Corrected " + "; ".join(d.describe() for d in drifts)
            await self.kube.post_event(self.obj, type="Normal", reason="Updated", message=message)
            return Outcome.waiting(message, self.settle(self.after_change))
        for step in self.adapter.steps(remote, self.spec, self.obj.status):
            self.doing = f"running {step.invocation.action} on {location}"
            await self.client.trigger(location, step.invocation)
            self.poller.invalidate(self.client, location)
            self.records.update(step.records)
            await self.kube.post_event(
                self.obj, type="Normal", reason="Action", message=step.message
            )
            return Outcome.waiting(step.message, self.settle(self.after_change))
        return None
