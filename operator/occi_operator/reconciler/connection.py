"""Connection Secrets: what a workload needs to reach a resource, in a Secret it mounts.

An object naming a Secret in ``spec.writeConnectionSecretToRef`` gets there what its
adapter's ``connection_details`` reads off the remote entity (a Compute's addresses and
hostname, ...), plus, for every kind, ``location``: the OCCI location, for tools that talk
OCCI (:func:`details_of`). :class:`ConnectionSecrets` does it for every kind:

* :meth:`~ConnectionSecrets.publish`, after each observation: the content's digest (salted
  with the object's uid) is compared with the one on the Secret, so a pass that finds
  nothing new writes nothing; a missing Secret is created, a changed one replaced (with a
  resourceVersion precondition). The Secret is labelled as managed by the operator and
  annotated with its owner's ``Kind/name``; it carries an ownerReference for clusters with
  a garbage collector, but nothing here relies on one. A Secret without that label and
  annotation is someone else's: it is never overwritten, the object stalls naming it.
  Renaming or removing the field deletes the Secret written before;
* :meth:`~ConnectionSecrets.retire`, on deletion: the Secret is deleted with a deleted
  resource, or kept and released (ownerReference removed) when the resource lives on
  (onDelete: detach, unmanaged);
* :func:`expedite_sources`: a Compute's addresses live on its interface links, so when a
  link becomes Ready or is deleted, the object it starts from is made due at once (when it
  writes a connection Secret) instead of at its next resync, which may be minutes away.

The values go to the Secret only: status records its name and the digest, Events and
messages name keys, never values. Uses Kubernetes only through :class:`~.kube.KubeApi`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from occi_operator.api.v1alpha1 import GROUP
from occi_operator.api.v1alpha1.common import ConditionReason
from occi_operator.api.v1alpha1.lifecycle import LifecycleSpec
from occi_operator.occi.entities import Link, Resource

from .contract import Adapter, field_value
from .dependencies import Dependencies
from .kube import SECRETS, KubeApi, KubeError, KubeNotFoundError, KubeObject
from .outcome import Outcome, OutcomeError
from .resync import SyncMemory

__all__ = [
    "DIGEST_ANNOTATION",
    "MANAGED_BY",
    "MANAGED_BY_LABEL",
    "OWNER_ANNOTATION",
    "ConnectionSecrets",
    "details_of",
    "digest",
    "expedite_sources",
]

MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY = "occi-operator"
#: ``Kind/name`` of the object whose connection details the Secret holds.
OWNER_ANNOTATION = f"{GROUP}/connection-secret-of"
#: The digest of the content last written (as in ``status.connectionSecret.hash``).
DIGEST_ANNOTATION = f"{GROUP}/connection-hash"
_KEY = re.compile(r"^[-._a-zA-Z0-9]{1,253}$")


def details_of(
    adapter: Adapter[Any], remote: Resource | Link, spec: LifecycleSpec
) -> dict[str, str]:
    """The Secret's content: ``location``, then what the adapter gives (which wins)."""
    location = {"location": remote.location} if remote.location else {}
    return {**location, **adapter.connection_details(remote, spec)}


def digest(uid: str, details: Mapping[str, str]) -> str:
    """A short digest of ``details``, salted with the owner's uid (never the values)."""
    content = json.dumps(sorted(details.items()), separators=(",", ":"))
    return hashlib.sha256(f"{uid}\n{content}".encode()).hexdigest()[:16]


def _owner_of(obj: KubeObject) -> str:
    return f"{obj.type.kind}/{obj.name}"


def _ours(secret: KubeObject, obj: KubeObject) -> bool:
    """Whether ``secret`` was written by the operator for ``obj`` (same kind and name)."""
    return (
        secret.labels.get(MANAGED_BY_LABEL) == MANAGED_BY
        and secret.annotations.get(OWNER_ANNOTATION) == _owner_of(obj)
    )


def _checked(obj: KubeObject, details: Mapping[str, str]) -> dict[str, str]:
    bad = sorted(key for key in details if not _KEY.match(key))
    if bad:
        # An adapter's keys are its own constants: a bad one is a bug, not a user error.
        raise OutcomeError(Outcome.terminal(
            f"The connection details of {obj.display} have keys that are no valid Secret "
            f"keys: {', '.join(repr(k) for k in bad)}",
            reason=ConditionReason.UNRECOVERABLE_ERROR,
        ))
    return {key: str(value) for key, value in details.items()}


def _body(
    obj: KubeObject, name: str, details: Mapping[str, str], stamp: str,
    current: KubeObject | None,
) -> dict[str, Any]:
    """The full Secret; what others added to its labels, annotations, finalizers stays."""
    labels = {**(current.labels if current else {}), MANAGED_BY_LABEL: MANAGED_BY}
    annotations = {
        **(current.annotations if current else {}),
        OWNER_ANNOTATION: _owner_of(obj),
        DIGEST_ANNOTATION: stamp,
    }
    owner = {
        "apiVersion": obj.type.api_version, "kind": obj.type.kind, "name": obj.name,
        "uid": obj.uid, "controller": True, "blockOwnerDeletion": False,
    }
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "Opaque",
        "metadata": {
            "name": name, "namespace": obj.namespace, "labels": labels,
            "annotations": annotations, "ownerReferences": [owner],
            "finalizers": list(current.finalizers) if current else [],
        },
        "data": {k: base64.b64encode(v.encode()).decode() for k, v in details.items()},
    }


class ConnectionSecrets:
    """Writes, deletes and releases connection Secrets; see the module docstring."""

    def __init__(self, kube: KubeApi) -> None:
        self._kube = kube

    async def _read(self, namespace: str, name: str) -> KubeObject | None:
        try:
            return await self._kube.get(SECRETS, namespace, name)
        except KubeNotFoundError:
            return None

    async def publish(
        self, obj: KubeObject, spec: LifecycleSpec, details: Mapping[str, str]
    ) -> dict[str, Any]:
        """Bring the Secret up to date; the status fields to record (empty: none)."""
        ref = spec.write_connection_secret_to_ref
        wanted = ref.name if ref is not None else None
        recorded = (obj.status.get("connectionSecret") or {}).get("name")
        if wanted is None:
            if recorded:
                await self._remove(obj, recorded, keep=False)
            return {"connection_secret": None} if recorded else {}
        values = _checked(obj, details)
        stamp = digest(obj.uid, values)
        namespace = obj.namespace or ""
        current = await self._read(namespace, wanted)
        if current is not None and not _ours(current, obj):
            # Refused before the old Secret goes: while stalled, what status names exists.
            raise OutcomeError(Outcome.terminal(
                f"Secret {namespace}/{wanted}, named by spec.writeConnectionSecretToRef, "
                f"exists and was not written by the operator for {obj.display}: choose "
                "another name, or delete that Secret"
            ))
        if recorded and recorded != wanted:
            await self._remove(obj, recorded, keep=False)
        if current is None or current.annotations.get(DIGEST_ANNOTATION) != stamp:
            body = _body(obj, wanted, values, stamp, current)
            if current is None:
                await self._kube.create_secret(namespace, body)
            else:
                await self._kube.replace_secret(current, body)
            await self._kube.post_event(
                obj, type="Normal", reason="ConnectionSecretWritten",
                message=f"Wrote the connection details to Secret/{wanted} (keys: "
                f"{', '.join(sorted(values)) or 'none'})",
            )
        return {"connection_secret": {"name": wanted, "hash": stamp}}

    async def retire(self, obj: KubeObject, spec: LifecycleSpec | None, *, keep: bool) -> None:
        """On deletion: delete the Secret(s) written for ``obj``, or release them."""
        ref = spec.write_connection_secret_to_ref if spec is not None else None
        names = [(obj.status.get("connectionSecret") or {}).get("name")]
        names.append(ref.name if ref is not None else None)
        for name in _distinct(names):
            await self._remove(obj, name, keep=keep)

    async def _remove(self, obj: KubeObject, name: str, *, keep: bool) -> None:
        """Delete (or release) the Secret ``name`` if it is ours; a missing one is done."""
        current = await self._read(obj.namespace or "", name)
        if current is None or not _ours(current, obj) or current.deleting:
            return
        try:
            if not keep:
                await self._kube.delete_secret(current)
                message = f"Deleted the connection Secret/{name}"
            elif current.owner_uids:
                await self._kube.patch_secret(current, {"ownerReferences": None})
                message = f"Kept the connection Secret/{name}, released from this object"
            else:
                return
        except KubeNotFoundError:
            return
        await self._kube.post_event(
            obj, type="Normal", reason="ConnectionSecretRetired", message=message
        )


def _distinct(names: Iterable[object]) -> list[str]:
    return list(dict.fromkeys(n for n in names if isinstance(n, str) and n))


async def expedite_sources(
    *, kube: KubeApi, dependencies: Dependencies, memory: SyncMemory,
    adapter: Adapter[Any], obj: KubeObject, now: datetime,
) -> None:
    """Make the objects link ``obj`` starts from due now, if they write a connection Secret."""
    sources = [r for r in adapter.references if r.role == "source"]
    if not sources:
        return
    try:
        spec = adapter.parse_spec(obj.spec)
    except ValidationError:
        return
    for reference in sources:
        ref = field_value(spec, reference.field)
        name = getattr(ref, "name", None)
        if not isinstance(name, str):
            continue
        try:
            source = await kube.get(dependencies.rtype(reference.kind), obj.namespace, name)
        except KubeError:
            continue  # gone, or unreadable now: its own resync comes anyway
        if source.spec.get("writeConnectionSecretToRef"):
            memory.expedite(source.uid, now)
