"""Deleting an object: wait for referrers, delete (or detach) the remote side, release guards.

:class:`Teardown` runs one deletion pass. An object without our finalizer never reached
the endpoint: it only releases guards. Otherwise it waits while other objects still
reference it ("Waiting for NetworkInterface/a (which use this Network) to be deleted"),
deletes the remote resource unless the object is unmanaged or detached (a 404 counts as
done; a resource that lingers after the DELETE is waited for), finds by marker what a
create with a lost answer left behind, deletes its connection Secret with it — or keeps
the Secret, released from the object, when the resource lives on (see
:mod:`.connection`) — clears its location (it holds nothing remote any more) and finally
releases the guards this object held. A pass over an object that holds
nothing remote never leases its endpoint: a release that failed half-way is retried even
when another object finishing at the same time released (and so removed) the endpoint.
Our finalizer itself is removed by kopf once the pass is done.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from occi_operator.api.v1alpha1.common import ConditionReason, ManagementPolicy, OnDelete
from occi_operator.api.v1alpha1.lifecycle import LifecycleSpec
from occi_operator.occi.client import OCCIClient
from occi_operator.occi.errors import NotFoundError

from .connection import ConnectionSecrets
from .contract import Adapter, marker_for
from .dependencies import FINALIZER, Dependencies
from .endpoints import EndpointPool
from .kube import KubeApi, KubeObject
from .lookup import Lookup
from .outcome import Outcome

__all__ = ["Teardown", "deletes_remote"]


def deletes_remote(spec: LifecycleSpec) -> bool:
    """Whether deleting the object deletes its OCCI resource (managed, onDelete: delete)."""
    if spec.management_policy is ManagementPolicy.UNMANAGED:
        return False
    options = spec.managed_options
    return options is None or options.on_delete is OnDelete.DELETE


class Teardown:
    """One deletion pass over ``obj``."""

    def __init__(
        self,
        *,
        kube: KubeApi,
        dependencies: Dependencies,
        endpoints: EndpointPool,
        adapter: Adapter[Any],
        obj: KubeObject,
        delay: float,
    ) -> None:
        self.kube = kube
        self.dependencies = dependencies
        self.endpoints = endpoints
        self.adapter = adapter
        self.obj = obj
        self.delay = delay

    async def run(self) -> Outcome:
        """Done once nothing remote or guarded is left; waiting otherwise."""
        deps = self.dependencies
        if FINALIZER not in self.obj.finalizers:
            await deps.release(self.obj)
            return Outcome.done("Deleted")
        referrers = await deps.referrers(self.obj)
        if referrers:
            names = ", ".join(r.display for r in referrers[:10])
            return Outcome.waiting(
                f"Waiting for {names} (which use this {self.obj.type.kind}) to be deleted",
                self.delay, reason=ConditionReason.DELETING,
            )
        try:
            spec: LifecycleSpec | None = self.adapter.parse_spec(self.obj.spec)
        except ValidationError:
            spec = None  # nothing can be known about the remote side: leave it
        if spec is not None and deletes_remote(spec) and self._holds_remote():
            lingering = await self._delete_remote(spec)
            if lingering is not None:
                return lingering
        # The Secret goes once the resource is gone (a pod may use it until then); with a
        # resource that lives on (detach, unmanaged, unreadable spec) it is kept.
        keep = spec is None or not deletes_remote(spec)
        await ConnectionSecrets(self.kube).retire(self.obj, spec, keep=keep)
        # Say "torn down" before looking at what others still use (see holds_remote): of
        # two objects finishing at once, the one listing last sees the other torn down. A
        # failure after this point retries the release only: nothing remote is left, so
        # the next pass needs no endpoint (which the other may have released meanwhile).
        if self._holds_remote():
            self.obj = await self.kube.patch_status(
                self.obj, {"location": None, "createPending": None, "connectionSecret": None}
            )
        await deps.unguard(self.obj)
        await deps.release(self.obj)
        return Outcome.done("Deleted")

    def _holds_remote(self) -> bool:
        return bool(self.obj.status.get("location") or self.obj.status.get("createPending"))

    async def _delete_remote(self, spec: LifecycleSpec) -> Outcome | None:
        """Delete the remote resource; an outcome while it lingers, None once it is gone."""
        lease = await self.endpoints.lease(self.obj.namespace or "", spec.endpoint_ref)
        try:
            return await self._delete_with(lease.client)
        finally:
            await self.endpoints.release(lease)

    async def _delete_with(self, client: OCCIClient) -> Outcome | None:
        location = self.obj.status.get("location")
        if not location and self.obj.status.get("createPending"):
            lookup = Lookup(client, self.adapter, marker_for(self.obj.uid))
            found = await lookup.by_marker()
            location = found.location if found else None
        if not isinstance(location, str) or not location:
            return None
        if await client.delete(location):
            await self.kube.post_event(
                self.obj, type="Normal", reason="Deleted", message=f"Deleted {location}"
            )
        try:
            await client.get(location)
        except NotFoundError:
            return None
        return Outcome.waiting(
            f"Waiting for {location} to disappear", self.delay, reason=ConditionReason.DELETING
        )
