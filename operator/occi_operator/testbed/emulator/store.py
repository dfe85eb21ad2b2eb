"""The emulator's object store: one revision counter, objects per type, a watch history.

Writes follow the real server's rules: uid, creationTimestamp and resourceVersion on
create; 409 on a stale resourceVersion; generation bumps when anything but metadata and
status changes; the status subresource owns status; a delete with finalizers only sets
``deletionTimestamp``, and removing the last finalizer completes it; no new finalizers
while deleting. Every change is an event in a bounded history; a watch from a revision
older than the history is answered with 410 Gone.
"""

from __future__ import annotations

import asyncio
import copy
import secrets
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from occi_operator.testbed.emulator.kinds import CORE_TYPES, CRD_TYPE, ResourceType, crd_status
from occi_operator.testbed.emulator.kinds import from_crd as type_from_crd
from occi_operator.testbed.emulator.patches import apply_defaults

__all__ = ["ApiError", "Store"]

Match = Callable[[dict[str, Any]], bool]


class ApiError(Exception):
    """An answer other than success: status code, reason and message, as a Status."""

    def __init__(self, code: int, reason: str, message: str) -> None:
        self.code, self.reason, self.message = code, reason, message
        super().__init__(message)


@dataclass(frozen=True)
class _Event:
    revision: int
    key: tuple[str, str]
    kind: str
    obj: dict[str, Any]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _essence(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")}


class Store:
    """All objects of the emulated cluster (one event loop, no locks needed)."""

    def __init__(self, *, history: int = 5000, bookmark_interval: float = 1.0) -> None:
        self.revision = 0
        self._bookmark_interval = bookmark_interval
        self.types: dict[tuple[str, str], ResourceType] = {t.key: t for t in CORE_TYPES}
        self.types[CRD_TYPE.key] = CRD_TYPE
        self._objects: dict[tuple[str, str], dict[tuple[str, str], dict[str, Any]]] = {}
        self._history: deque[_Event] = deque(maxlen=history)
        self._tick = asyncio.Event()

    # -- reads ---------------------------------------------------------------------------
    def get(self, rtype: ResourceType, namespace: str, name: str) -> dict[str, Any]:
        """The object, or a 404."""
        found = self._objects.get(rtype.key, {}).get((namespace, name))
        if found is None:
            raise ApiError(404, "NotFound", f'{self._resource(rtype)} "{name}" not found')
        return copy.deepcopy(found)

    def list(
        self, rtype: ResourceType, namespace: str | None, match: Match
    ) -> list[dict[str, Any]]:
        """Matching objects, in one namespace or all, ordered by namespace and name."""
        objects = self._objects.get(rtype.key, {})
        return [copy.deepcopy(obj) for (ns, _), obj in sorted(objects.items())
                if (namespace is None or ns == namespace) and match(obj)]  # fmt: skip

    # -- writes --------------------------------------------------------------------------
    def create(self, rtype: ResourceType, namespace: str, body: dict[str, Any]) -> dict[str, Any]:
        """Store a new object; 409 when the name is taken."""
        obj = copy.deepcopy(body)
        obj["kind"] = rtype.kind
        meta = obj.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"] + secrets.token_hex(3)[:5]
        name = meta.get("name")
        if not name:
            raise ApiError(422, "Invalid", f"{rtype.kind}: metadata.name: Required value")
        if (namespace, name) in self._objects.get(rtype.key, {}):
            raise ApiError(409, "AlreadyExists", f'{self._resource(rtype)} "{name}" already exists')
        for server_owned in ("uid", "resourceVersion", "deletionTimestamp", "generation"):
            meta.pop(server_owned, None)
        if rtype.namespaced:
            meta["namespace"] = namespace
        meta.update(uid=str(uuid.uuid4()), creationTimestamp=_now(), generation=1)
        if rtype.status:
            obj.pop("status", None)
        self._default(rtype, obj)
        if rtype is CRD_TYPE:
            obj["status"] = crd_status(obj)
        self._commit(rtype, namespace, obj, "ADDED")
        if rtype is CRD_TYPE:
            self._register(obj)
        return copy.deepcopy(obj)

    def update(self, rtype: ResourceType, namespace: str, body: dict[str, Any], *,
               status: bool = False) -> dict[str, Any]:  # fmt: skip
        """Replace an object (or only its status); 409 on a stale resourceVersion."""
        meta = body.get("metadata") or {}
        old = self.get(rtype, namespace, str(meta.get("name", "")))
        wanted = meta.get("resourceVersion")
        if wanted and wanted != old["metadata"]["resourceVersion"]:
            raise ApiError(409, "Conflict", f'Operation cannot be fulfilled on '
                           f'{self._resource(rtype)} "{meta["name"]}": the object has been '
                           "modified; please apply your changes to the latest version and "
                           "try again")  # fmt: skip
        new = self._merged(rtype, old, copy.deepcopy(body), status=status)
        new["kind"], new["apiVersion"] = old["kind"], old.get("apiVersion")
        self._default(rtype, new)
        if new == old:
            return old  # a no-op write keeps the resourceVersion, as on a real server
        adding = set(new["metadata"].get("finalizers") or []) - set(
            old["metadata"].get("finalizers") or [])
        if old["metadata"].get("deletionTimestamp") and adding:
            raise ApiError(422, "Invalid", f'{rtype.kind} "{meta["name"]}" is invalid: '
                           "metadata.finalizers: Forbidden: no new finalizers can be added if "
                           "the object is being deleted")  # fmt: skip
        if _essence(new) != _essence(old):
            new["metadata"]["generation"] = old["metadata"].get("generation", 1) + 1
        if new["metadata"].get("deletionTimestamp") and not new["metadata"].get("finalizers"):
            return self._remove(rtype, namespace, new)
        self._commit(rtype, namespace, new, "MODIFIED")
        if rtype is CRD_TYPE:
            self._register(new)
        return copy.deepcopy(new)

    def delete(self, rtype: ResourceType, namespace: str, name: str) -> dict[str, Any]:
        """Delete now, or mark for deletion while finalizers remain."""
        obj = self.get(rtype, namespace, name)
        if not obj["metadata"].get("finalizers"):
            return self._remove(rtype, namespace, obj)
        if not obj["metadata"].get("deletionTimestamp"):
            obj["metadata"]["deletionTimestamp"] = _now()
            obj["metadata"]["deletionGracePeriodSeconds"] = 0
            self._commit(rtype, namespace, obj, "MODIFIED")
        return copy.deepcopy(obj)

    def _merged(self, rtype: ResourceType, old: dict[str, Any], new: dict[str, Any], *,
                status: bool) -> dict[str, Any]:  # fmt: skip
        if status:  # the status subresource changes status and nothing else
            result = copy.deepcopy(old)
            result["status"] = new.get("status")
            if result["status"] is None:
                result.pop("status")
            return result
        meta = new.setdefault("metadata", {})
        for kept in ("uid", "creationTimestamp", "deletionTimestamp", "namespace", "generation",
                     "deletionGracePeriodSeconds", "resourceVersion"):  # fmt: skip
            if kept in old["metadata"]:
                meta[kept] = old["metadata"][kept]
            else:
                meta.pop(kept, None)
        if rtype.status or rtype is CRD_TYPE:
            new.pop("status", None)
            if "status" in old:
                new["status"] = old["status"]
        return new

    def _default(self, rtype: ResourceType, obj: dict[str, Any]) -> None:
        schema = rtype.schemas.get(rtype.versions[0]) if rtype.versions else None
        if schema:
            apply_defaults(obj, schema)

    def _commit(self, rtype: ResourceType, namespace: str, obj: dict[str, Any], kind: str) -> None:
        self.revision += 1
        obj["metadata"]["resourceVersion"] = str(self.revision)
        name = obj["metadata"]["name"]
        self._objects.setdefault(rtype.key, {})[(namespace, name)] = obj
        self._publish(rtype, kind, obj)

    def _remove(self, rtype: ResourceType, namespace: str, obj: dict[str, Any]) -> dict[str, Any]:
        self._objects.get(rtype.key, {}).pop((namespace, obj["metadata"]["name"]), None)
        self.revision += 1
        obj["metadata"]["resourceVersion"] = str(self.revision)
        self._publish(rtype, "DELETED", obj)
        if rtype is CRD_TYPE:
            gone = type_from_crd(obj)
            self.types.pop(gone.key, None)
            self._objects.pop(gone.key, None)
        return copy.deepcopy(obj)

    def _publish(self, rtype: ResourceType, kind: str, obj: dict[str, Any]) -> None:
        self._history.append(_Event(self.revision, rtype.key, kind, copy.deepcopy(obj)))
        self._tick.set()
        self._tick = asyncio.Event()

    def _register(self, crd: dict[str, Any]) -> None:
        rtype = type_from_crd(crd)
        self.types[rtype.key] = rtype

    def _resource(self, rtype: ResourceType) -> str:
        return f"{rtype.plural}.{rtype.group}" if rtype.group else rtype.plural

    # -- watch ---------------------------------------------------------------------------
    async def watch(self, rtype: ResourceType, namespace: str | None, match: Match, *,
                    since: str | None, seconds: float, bookmarks: bool, version: str,
                    initial_events: bool = False) -> AsyncIterator[dict[str, Any]]:  # fmt: skip
        """Events after ``since`` (or the current objects first, when it is empty or 0).

        ``initial_events`` is the watch-list protocol (``sendInitialEvents=true``): the
        current objects, then a bookmark marking the end of them.
        """
        deadline = time.monotonic() + seconds
        api_version = rtype.api_version(version)
        if initial_events or since in (None, "", "0"):
            cursor = self.revision
            for obj in self.list(rtype, namespace, match):
                yield {"type": "ADDED", "object": {**obj, "apiVersion": api_version}}
            if initial_events:
                end = {"resourceVersion": str(cursor),
                       "annotations": {"k8s.io/initial-events-end": "true"}}
                yield {"type": "BOOKMARK",
                       "object": {"kind": rtype.kind, "apiVersion": api_version, "metadata": end}}
        else:
            cursor = int(str(since))
            oldest = self._history[0].revision if self._history else self.revision + 1
            if cursor < oldest - 1 and len(self._history) == self._history.maxlen:
                yield {"type": "ERROR", "object": {
                    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                    "message": f"too old resource version: {cursor} ({oldest - 1})",
                    "reason": "Expired", "code": 410}}  # fmt: skip
                return
        while True:
            # Yields hand control to the consumer, and writes may land meanwhile: take
            # whatever is newer than the cursor again until nothing is, then wait.
            pending = [event for event in self._history if event.revision > cursor]
            if pending:
                for event in pending:
                    cursor = event.revision
                    if event.key != rtype.key:
                        continue
                    obj = event.obj
                    here = namespace is None or obj["metadata"].get("namespace") == namespace
                    if here and match(obj):
                        yield {"type": event.kind, "object": {**obj, "apiVersion": api_version}}
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            tick = self._tick
            try:
                await asyncio.wait_for(tick.wait(), min(remaining, self._bookmark_interval))
            except TimeoutError:
                if bookmarks:
                    yield {"type": "BOOKMARK", "object": {
                        "kind": rtype.kind, "apiVersion": api_version,
                        "metadata": {"resourceVersion": str(cursor)}}}  # fmt: skip
