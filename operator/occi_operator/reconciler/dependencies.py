"""References between objects: waiting for them, guarding them, and our finalizer.

* **Waiting**: an object waits for each object it references to exist and be Ready for
  its current generation, and says so: ``Waiting for Network/public to be ready``.
* **Guards**: while something references a Network, Storage or Compute (and while an
  object uses an endpoint object and its Secrets), that object carries the
  :data:`GUARD_FINALIZER`; a ``kubectl delete -f`` of a whole stack, in any order, then
  tears down in a valid order. A guarded object's own delete waits for its referrers to
  go; the last referrer to go releases the guard (:meth:`Dependencies.release`).
* **Our finalizer** (:data:`FINALIZER`) is added just before the first remote create (or
  adoption), never on first sight: an object that never reached the endpoint deletes at
  once, even when the operator is not running.

Every finalizer write carries a resourceVersion precondition; a conflict ends the pass
with a short transient outcome (the next pass reads the object again).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic.alias_generators import to_camel

from occi_operator.api.v1alpha1 import GROUP
from occi_operator.api.v1alpha1.common import ConditionReason, EndpointKind

from .contract import Adapter, Reference
from .endpoints import CLUSTER_ENDPOINTS, ENDPOINTS, EndpointLease
from .kube import (
    SECRETS,
    KubeApi,
    KubeConflictError,
    KubeNotFoundError,
    KubeObject,
    ResourceType,
    custom,
)
from .outcome import Outcome, OutcomeError

__all__ = ["FINALIZER", "GUARD_FINALIZER", "Dependencies", "holds_remote", "is_ready"]

#: Our finalizer: the OCCI resource must be deleted (or detached) first.
FINALIZER = f"{GROUP}/finalizer"
#: The guard on referenced objects, endpoint objects and Secrets: something uses this.
GUARD_FINALIZER = f"{GROUP}/in-use"

logger = logging.getLogger("occi_operator.reconciler.dependencies")

_CONFLICT_DELAY = 1.0
_WAIT_DELAY = 5.0


def is_ready(obj: KubeObject) -> bool:
    """Ready=True for the object's current generation."""
    for condition in obj.status.get("conditions") or ():
        if condition.get("type") == "Ready":
            return bool(
                condition.get("status") == "True"
                and condition.get("observedGeneration", obj.generation) == obj.generation
            )
    return False


def holds_remote(obj: KubeObject) -> bool:
    """Whether ``obj`` still holds something remote: not yet torn down.

    A deleted object clears ``status.location`` once its teardown is done, before it
    releases guards; the last of several objects finishing at once then sees the others
    as released and drops the guard they shared.
    """
    if not obj.deleting:
        return True
    return bool(obj.status.get("location") or obj.status.get("createPending"))


def _ref_name(spec: Mapping[str, Any], reference: Reference) -> str | None:
    value: Any = spec.get("resource") or {}
    for part in reference.field.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(to_camel(part))
    if isinstance(value, Mapping) and isinstance(value.get("name"), str):
        return str(value["name"])
    return None


def _endpoint_of(spec: Mapping[str, Any]) -> tuple[str, str] | None:
    ref = spec.get("endpointRef")
    if not isinstance(ref, Mapping) or not isinstance(ref.get("name"), str):
        return None
    return str(ref.get("kind") or EndpointKind.NAMESPACED.value), str(ref["name"])


def _conflict(what: str) -> OutcomeError:
    return OutcomeError(
        Outcome.transient(f"{what} changed meanwhile; trying again", _CONFLICT_DELAY)
    )


class Dependencies:
    """Waits, guards and finalizers for the objects of every adapter."""

    def __init__(self, kube: KubeApi, adapters: Iterable[Adapter[Any]]) -> None:
        self._kube = kube
        self._adapters = {adapter.kind: adapter for adapter in adapters}
        #: The endpoint (kind, name) each object used at its last pass in this process.
        self._used: dict[str, tuple[str, str]] = {}

    def rtype(self, kind: str) -> ResourceType:
        """The resource type of a managed kind."""
        return custom(self._adapters[kind].info.plural, kind)

    # Waiting.

    async def resolve(self, obj: KubeObject, adapter: Adapter[Any]) -> dict[str, str]:
        """The OCCI location of each referenced object; OutcomeError while one is not ready.

        Each referenced object gets the guard finalizer once it is ready.
        """
        locations: dict[str, str] = {}
        for reference in adapter.references:
            name = _ref_name(obj.spec, reference)
            if name is None:
                continue
            shown = f"{reference.kind}/{name}"
            try:
                target = await self._kube.get(self.rtype(reference.kind), obj.namespace, name)
            except KubeNotFoundError:
                raise self._waiting(f"Waiting for {shown} to exist") from None
            if target.deleting:
                raise self._waiting(f"{shown} is being deleted")
            location = target.status.get("location")
            if not is_ready(target) or not isinstance(location, str) or not location:
                raise self._waiting(f"Waiting for {shown} to be ready")
            await self.guard(target)
            locations[reference.field] = location
        return locations

    @staticmethod
    def _waiting(message: str) -> OutcomeError:
        return OutcomeError(
            Outcome.waiting(message, _WAIT_DELAY, reason=ConditionReason.WAITING_FOR_DEPENDENCY)
        )

    # Finalizers.

    async def _set(self, obj: KubeObject, finalizers: Sequence[str]) -> KubeObject:
        try:
            return await self._kube.set_finalizers(obj, finalizers)
        except KubeConflictError:
            raise _conflict(obj.display) from None

    async def guard(self, target: KubeObject) -> None:
        """Put the guard finalizer on ``target`` unless it is there or going away.

        Many objects guard one endpoint object at once; a lost race is answered by
        reading the target once more (a second conflict ends the pass).
        """
        if GUARD_FINALIZER in target.finalizers or target.deleting:
            return
        try:
            await self._kube.set_finalizers(target, [*target.finalizers, GUARD_FINALIZER])
            return
        except KubeConflictError:
            pass
        try:
            fresh = await self._kube.get(target.type, target.namespace, target.name)
        except KubeNotFoundError:
            return
        if GUARD_FINALIZER not in fresh.finalizers and not fresh.deleting:
            await self._set(fresh, [*fresh.finalizers, GUARD_FINALIZER])

    async def guard_endpoint(self, lease: EndpointLease) -> None:
        """Guard the endpoint object and the Secrets it reads."""
        await self.guard(lease.endpoint)
        if not lease.endpoint.type.namespaced:
            return  # a cluster endpoint's Secrets belong to the platform team
        for namespace, name in lease.secrets:
            try:
                secret = await self._kube.get(SECRETS, namespace, name)
            except KubeNotFoundError:
                continue
            await self.guard(secret)

    async def follow_endpoint(self, obj: KubeObject) -> None:
        """Note the endpoint ``obj`` uses; when it moved to another one, release the old.

        The API server refuses a change of ``endpointRef`` (a CEL rule); a cluster that
        does not enforce it would otherwise leave the old endpoint guarded for ever. What
        an object used is remembered per process: a change made while the operator was
        down is not seen.
        """
        now = _endpoint_of(obj.spec)
        before = self._used.get(obj.uid)
        if now is not None:
            self._used[obj.uid] = now
        if before is not None and before != now:
            logger.info("%s moved from %s/%s; releasing the old endpoint", obj.display, *before)
            await self._release_endpoint(obj, *before)

    def forget(self, uid: str) -> None:
        """The object ``uid`` is gone without a teardown (it never reached the endpoint)."""
        self._used.pop(uid, None)

    async def add_finalizer(self, obj: KubeObject) -> KubeObject:
        """Our finalizer on ``obj``, added just before its first remote write."""
        if FINALIZER in obj.finalizers:
            return obj
        return await self._set(obj, [*obj.finalizers, FINALIZER])

    # Deletion.

    async def referrers(self, obj: KubeObject) -> list[KubeObject]:
        """The objects that reference ``obj`` (another managed object) and still exist."""
        found: list[KubeObject] = []
        for adapter in self._adapters.values():
            wanted = [r for r in adapter.references if r.kind == obj.type.kind]
            if not wanted:
                continue
            for other in await self._kube.list(self.rtype(adapter.kind), obj.namespace):
                if other.uid != obj.uid and holds_remote(other) and any(
                    _ref_name(other.spec, r) == obj.name for r in wanted
                ):
                    found.append(other)
        return found

    async def endpoint_users(
        self, kind: str, name: str, namespace: str | None, *, excluding: str = ""
    ) -> list[KubeObject]:
        """Managed objects using an endpoint object (cluster-wide for a cluster one)."""
        users: list[KubeObject] = []
        for adapter in self._adapters.values():
            for other in await self._kube.list(self.rtype(adapter.kind), namespace):
                if (
                    other.uid != excluding
                    and holds_remote(other)
                    and _endpoint_of(other.spec) == (kind, name)
                ):
                    users.append(other)
        return users

    async def release(self, obj: KubeObject) -> None:
        """After ``obj``'s remote side is gone: drop guards nothing else needs any more."""
        self._used.pop(obj.uid, None)
        for reference in self._adapters[obj.type.kind].references:
            name = _ref_name(obj.spec, reference)
            if name is None:
                continue
            try:
                target = await self._kube.get(self.rtype(reference.kind), obj.namespace, name)
            except KubeNotFoundError:
                continue
            if GUARD_FINALIZER not in target.finalizers:
                continue
            others = [r for r in await self.referrers(target) if r.uid != obj.uid]
            if others:
                logger.debug("%s keeps its guard: still used by %s", target.display,
                             ", ".join(r.display for r in others))
                continue
            await self.unguard(target)
        endpoint = _endpoint_of(obj.spec)
        if endpoint is not None:
            await self._release_endpoint(obj, *endpoint)

    async def release_unused_endpoint(self, endpoint: KubeObject) -> None:
        """A deleted endpoint object nothing uses drops its guard, and its Secrets theirs.

        The last user's teardown normally releases it; this heals a guard that a user
        left behind by moving to another endpoint while the operator was down (see
        :meth:`follow_endpoint`), which would hold the endpoint object for ever.
        """
        if GUARD_FINALIZER in endpoint.finalizers:
            await self._release_endpoint(endpoint, endpoint.type.kind, endpoint.name)

    async def unguard(self, target: KubeObject) -> None:
        """Remove the guard finalizer from ``target``."""
        if GUARD_FINALIZER in target.finalizers:
            logger.debug("releasing the guard on %s", target.display)
            await self._set(target, [f for f in target.finalizers if f != GUARD_FINALIZER])

    async def _release_endpoint(self, obj: KubeObject, kind: str, name: str) -> None:
        cluster = kind == EndpointKind.CLUSTER.value
        namespace = None if cluster else obj.namespace
        users = await self.endpoint_users(kind, name, namespace, excluding=obj.uid)
        if users:
            logger.debug("%s/%s keeps its guard: still used by %s", kind, name,
                         ", ".join(u.display for u in users[:10]))
            return
        try:
            endpoint = await self._kube.get(
                CLUSTER_ENDPOINTS if cluster else ENDPOINTS, namespace, name
            )
        except KubeNotFoundError:
            return
        # The Secrets first: the endpoint's spec names them, and a release that fails
        # half-way is retried by the next pass, which must still find the endpoint.
        if not cluster:  # a cluster endpoint's Secrets are never guarded
            for secret_name in _secret_names(endpoint.spec):
                if await self._secret_in_use(secret_name, obj):
                    continue
                try:
                    secret = await self._kube.get(SECRETS, obj.namespace, secret_name)
                except KubeNotFoundError:
                    continue
                await self.unguard(secret)
        await self.unguard(endpoint)

    async def _secret_in_use(self, secret_name: str, leaving: KubeObject) -> bool:
        """Whether another endpoint of the namespace reads the Secret and still has users."""
        for endpoint in await self._kube.list(ENDPOINTS, leaving.namespace):
            if secret_name in _secret_names(endpoint.spec) and await self.endpoint_users(
                EndpointKind.NAMESPACED.value, endpoint.name, leaving.namespace,
                excluding=leaving.uid,
            ):
                return True
        return False


def _secret_names(spec: Mapping[str, Any]) -> list[str]:
    names = []
    for key in ("credentialsSecretRef", "caSecretRef"):
        ref = spec.get(key)
        if isinstance(ref, Mapping) and isinstance(ref.get("name"), str):
            names.append(str(ref["name"]))
    return names
