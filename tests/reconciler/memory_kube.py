"""An in-memory implementation of the reconciler's small Kubernetes interface.

Used ONLY by the unit tests of the flow (the end-to-end suite runs the real API server).
It keeps the rules the flow relies on: resourceVersion preconditions (409 on a stale
write), merge semantics of status patches (None removes a key), finalizers blocking a
deletion and the object vanishing when the last one goes, no new finalizers while
deleting (as the API server refuses them), Secrets without their values in snapshots,
uid and resourceVersion preconditions on a Secret's delete. Like the testbed, it has no
garbage collector: ownerReferences are stored, never acted on.
"""

from __future__ import annotations

import base64
import copy
import itertools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from occi_operator.reconciler.kube import (
    SECRETS,
    KubeConflictError,
    KubeNotFoundError,
    KubeObject,
    ResourceType,
    SecretData,
)


@dataclass
class Event:
    """An Event the flow posted."""

    kind: str
    name: str
    type: str
    reason: str
    message: str


@dataclass
class MemoryKube:
    """Objects by (plural, namespace, name); Secrets hold their data aside."""

    objects: dict[tuple[str, str | None, str], dict[str, Any]] = field(default_factory=dict)
    types: dict[str, ResourceType] = field(default_factory=dict)
    secret_data: dict[tuple[str, str], dict[str, bytes]] = field(default_factory=dict)
    namespaces: dict[str, dict[str, str]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    writes: int = 0
    _versions: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # Test-side helpers.

    def _key(self, rtype: ResourceType, namespace: str | None, name: str) -> tuple[
        str, str | None, str
    ]:
        return (rtype.plural, namespace if rtype.namespaced else None, name)

    def apply(self, rtype: ResourceType, namespace: str | None, name: str,
              spec: Mapping[str, Any]) -> KubeObject:
        """Create an object, or replace its spec (generation + 1 when it changed)."""
        self.types[rtype.plural] = rtype
        key = self._key(rtype, namespace, name)
        body = self.objects.get(key)
        if body is None:
            body = {
                "metadata": {
                    "name": name, "namespace": key[1], "uid": str(uuid.uuid4()),
                    "generation": 1, "resourceVersion": str(next(self._versions)),
                    "finalizers": [],
                },
                "spec": copy.deepcopy(dict(spec)),
                "status": {"observedGeneration": -1},
            }
            self.objects[key] = body
        elif body["spec"] != spec:
            body["spec"] = copy.deepcopy(dict(spec))
            body["metadata"]["generation"] += 1
            body["metadata"]["resourceVersion"] = str(next(self._versions))
        return KubeObject.from_body(rtype, body)

    def put_secret(self, namespace: str, name: str, data: Mapping[str, str]) -> None:
        """Create or replace a Secret (its resourceVersion changes)."""
        self.apply(SECRETS, namespace, name, {})
        body = self.objects[self._key(SECRETS, namespace, name)]
        body["metadata"]["resourceVersion"] = str(next(self._versions))
        self.secret_data[(namespace, name)] = {k: v.encode() for k, v in data.items()}

    def read(self, rtype: ResourceType, namespace: str | None, name: str) -> KubeObject:
        """The current snapshot (KeyError when gone)."""
        return KubeObject.from_body(rtype, self.objects[self._key(rtype, namespace, name)])

    def exists(self, rtype: ResourceType, namespace: str | None, name: str) -> bool:
        """Whether the object is still stored."""
        return self._key(rtype, namespace, name) in self.objects

    def request_delete(self, rtype: ResourceType, namespace: str | None, name: str) -> None:
        """``kubectl delete``: gone at once without finalizers, else marked."""
        key = self._key(rtype, namespace, name)
        body = self.objects[key]
        if not body["metadata"]["finalizers"]:
            del self.objects[key]
            return
        body["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
        body["metadata"]["resourceVersion"] = str(next(self._versions))

    # The KubeApi protocol.

    def _body(self, rtype: ResourceType, namespace: str | None, name: str) -> dict[str, Any]:
        try:
            return self.objects[self._key(rtype, namespace, name)]
        except KeyError:
            raise KubeNotFoundError(f"{rtype.kind}/{name} not found", status=404) from None

    async def get(self, rtype: ResourceType, namespace: str | None, name: str) -> KubeObject:
        return KubeObject.from_body(rtype, copy.deepcopy(self._body(rtype, namespace, name)))

    async def list(self, rtype: ResourceType, namespace: str | None) -> list[KubeObject]:
        return [
            KubeObject.from_body(rtype, copy.deepcopy(body))
            for (plural, ns, _), body in sorted(self.objects.items())
            if plural == rtype.plural and (namespace is None or ns == namespace)
        ]

    def _check(self, obj: KubeObject) -> dict[str, Any]:
        body = self._body(obj.type, obj.namespace, obj.name)
        if body["metadata"]["resourceVersion"] != obj.resource_version:
            raise KubeConflictError(f"{obj.display} changed", status=409)
        return body

    async def patch_status(self, obj: KubeObject, status: Mapping[str, Any]) -> KubeObject:
        body = self._check(obj)
        merged = dict(body.get("status") or {})
        for key, value in status.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = copy.deepcopy(value)
        body["status"] = merged
        body["metadata"]["resourceVersion"] = str(next(self._versions))
        self.writes += 1
        return KubeObject.from_body(obj.type, copy.deepcopy(body))

    async def set_finalizers(self, obj: KubeObject, finalizers: Sequence[str]) -> KubeObject:
        body = self._check(obj)
        meta = body["metadata"]
        if meta.get("deletionTimestamp") and set(finalizers) - set(meta["finalizers"]):
            raise KubeConflictError("no new finalizers while deleting", status=422)
        meta["finalizers"] = list(finalizers)
        meta["resourceVersion"] = str(next(self._versions))
        self.writes += 1
        key = self._key(obj.type, obj.namespace, obj.name)
        if meta.get("deletionTimestamp") and not finalizers:
            del self.objects[key]
        return KubeObject.from_body(obj.type, copy.deepcopy(body))

    async def get_secret(self, namespace: str, name: str) -> SecretData:
        body = self._body(SECRETS, namespace, name)
        meta = body["metadata"]
        return SecretData(
            name=name,
            resource_version=meta["resourceVersion"],
            data=dict(self.secret_data[(namespace, name)]),
            finalizers=tuple(meta["finalizers"]),
            deleting=bool(meta.get("deletionTimestamp")),
        )

    def secret_values(self, namespace: str, name: str) -> dict[str, str]:
        """A Secret's data, decoded to text (test-side)."""
        return {k: v.decode() for k, v in self.secret_data[(namespace, name)].items()}

    def _store_secret(self, namespace: str, body: Mapping[str, Any],
                      meta: dict[str, Any]) -> KubeObject:
        source = body["metadata"]
        for key in ("labels", "annotations", "ownerReferences"):
            meta[key] = copy.deepcopy(dict(source).get(key))
        meta["resourceVersion"] = str(next(self._versions))
        self.secret_data[(namespace, meta["name"])] = {
            k: base64.b64decode(v) for k, v in (body.get("data") or {}).items()
        }
        self.writes += 1
        return KubeObject.from_body(SECRETS, copy.deepcopy(
            self.objects[self._key(SECRETS, namespace, meta["name"])]
        ))

    async def create_secret(self, namespace: str, body: Mapping[str, Any]) -> KubeObject:
        name = body["metadata"]["name"]
        if self.exists(SECRETS, namespace, name):
            raise KubeConflictError(f"Secret/{name} already exists", status=409)
        self.apply(SECRETS, namespace, name, {})
        meta = self.objects[self._key(SECRETS, namespace, name)]["metadata"]
        return self._store_secret(namespace, body, meta)

    async def replace_secret(self, obj: KubeObject, body: Mapping[str, Any]) -> KubeObject:
        meta = self._check(obj)["metadata"]
        return self._store_secret(obj.namespace or "", body, meta)

    async def patch_secret(self, obj: KubeObject, metadata: Mapping[str, Any]) -> KubeObject:
        body = self._check(obj)
        for key, value in metadata.items():
            if value is None:
                body["metadata"].pop(key, None)
            else:
                body["metadata"][key] = copy.deepcopy(value)
        body["metadata"]["resourceVersion"] = str(next(self._versions))
        self.writes += 1
        return KubeObject.from_body(SECRETS, copy.deepcopy(body))

    async def delete_secret(self, obj: KubeObject) -> None:
        body = self._check(obj)
        if body["metadata"]["uid"] != obj.uid:
            raise KubeConflictError(f"{obj.display} was replaced", status=409)
        self.writes += 1
        if body["metadata"]["finalizers"]:
            body["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
            return
        del self.objects[self._key(SECRETS, obj.namespace, obj.name)]
        self.secret_data.pop((obj.namespace or "", obj.name), None)

    async def namespace_labels(self, name: str) -> Mapping[str, str]:
        return dict(self.namespaces.get(name, {}))

    async def post_event(self, obj: KubeObject, *, type: str, reason: str, message: str) -> None:
        self.events.append(Event(obj.type.kind, obj.name, type, reason, message))
