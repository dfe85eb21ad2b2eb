"""The Kubernetes calls the reconciler makes, behind one small interface: :class:`KubeApi`.

The flow reads and writes Kubernetes only through :class:`KubeApi`: get and list objects,
patch a status or the finalizers with a ``resourceVersion`` precondition (optimistic
concurrency: a stale write is a :class:`KubeConflictError`, never a lost update), read a
Secret, create, replace, patch and delete the connection Secrets the operator writes (all
with the same preconditions), read a namespace's labels, post an Event.
:class:`KubernetesApi` implements it with the ``kubernetes`` client, run in worker threads
so the event loop never blocks.

Errors are summarised (status code and reason), never copied whole: an API server's
answer may echo a request body, and a body may hold a secret. Trap (testbed.md): the
Python client's creates send no Content-Type; every write here names its content type.
Imports no kopf.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from occi_operator.api.v1alpha1 import GROUP, VERSION

__all__ = [
    "SECRETS",
    "KubeApi",
    "KubeConflictError",
    "KubeError",
    "KubeNotFoundError",
    "KubeObject",
    "KubernetesApi",
    "ResourceType",
    "SecretData",
    "custom",
]

_MERGE = "application/merge-patch+json"
_JSON = "application/json"


class KubeError(Exception):
    """A Kubernetes API call failed; the message is a summary without the answer body."""

    def __init__(self, message: str, *, status: int = 0) -> None:
        self.status = status
        super().__init__(message)


class KubeConflictError(KubeError):
    """409: the object changed since it was read (resourceVersion precondition failed)."""


class KubeNotFoundError(KubeError):
    """404: the object does not exist (any more)."""


@dataclass(frozen=True)
class ResourceType:
    """A Kubernetes resource type: group, version, plural, kind and scope."""

    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool = True

    @property
    def api_version(self) -> str:
        """``group/version`` (``v1`` for the core group)."""
        return f"{self.group}/{self.version}" if self.group else self.version


def custom(plural: str, kind: str, *, namespaced: bool = True) -> ResourceType:
    """A resource type of the operator's API group."""
    return ResourceType(GROUP, VERSION, plural, kind, namespaced)


SECRETS = ResourceType("", "v1", "secrets", "Secret")


def _timestamp(value: Any) -> str | None:
    """A metadata timestamp as text (kopf's bodies carry text, the client's datetimes)."""
    if value is None or value == "":
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@dataclass(frozen=True)
class KubeObject:
    """A snapshot of one Kubernetes object, as the flow reads it."""

    type: ResourceType
    namespace: str | None
    name: str
    uid: str
    generation: int
    resource_version: str
    spec: Mapping[str, Any] = field(default_factory=dict)
    status: Mapping[str, Any] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    finalizers: tuple[str, ...] = ()
    deleting: bool = False
    #: ``metadata.creationTimestamp`` and ``deletionTimestamp`` as sent (RFC 3339), if any.
    created: str | None = None
    deleted: str | None = None
    #: The uids of the objects named in ``metadata.ownerReferences``.
    owner_uids: tuple[str, ...] = ()

    @classmethod
    def from_body(cls, rtype: ResourceType, body: Mapping[str, Any]) -> KubeObject:
        """A snapshot of a raw object body (a dict, or kopf's Body)."""
        meta = body.get("metadata") or {}
        return cls(
            type=rtype,
            namespace=meta.get("namespace"),
            name=str(meta.get("name", "")),
            uid=str(meta.get("uid", "")),
            generation=int(meta.get("generation") or 0),
            resource_version=str(meta.get("resourceVersion", "")),
            spec=dict(body.get("spec") or {}),
            status=dict(body.get("status") or {}),
            labels=dict(meta.get("labels") or {}),
            annotations=dict(meta.get("annotations") or {}),
            finalizers=tuple(meta.get("finalizers") or ()),
            deleting=bool(meta.get("deletionTimestamp")),
            created=_timestamp(meta.get("creationTimestamp")),
            deleted=_timestamp(meta.get("deletionTimestamp")),
            owner_uids=tuple(str(o.get("uid", "")) for o in meta.get("ownerReferences") or ()),
        )

    @property
    def display(self) -> str:
        """``Kind/name`` as messages name it."""
        return f"{self.type.kind}/{self.name}"


@dataclass(frozen=True)
class SecretData:
    """A Secret's decoded data and its resourceVersion; the data never shows in a repr."""

    name: str
    resource_version: str
    data: Mapping[str, bytes] = field(repr=False)
    finalizers: tuple[str, ...] = ()
    deleting: bool = False


class KubeApi(Protocol):
    """What the reconciler needs from Kubernetes."""

    async def get(self, rtype: ResourceType, namespace: str | None, name: str) -> KubeObject:
        """One object; :class:`KubeNotFoundError` when missing."""
        ...

    async def list(self, rtype: ResourceType, namespace: str | None) -> list[KubeObject]:
        """The objects of a type in a namespace (None: every namespace)."""
        ...

    async def patch_status(self, obj: KubeObject, status: Mapping[str, Any]) -> KubeObject:
        """Merge ``status`` into the object's status if its resourceVersion is unchanged."""
        ...

    async def set_finalizers(self, obj: KubeObject, finalizers: Sequence[str]) -> KubeObject:
        """Replace the finalizers if the object's resourceVersion is unchanged."""
        ...

    async def get_secret(self, namespace: str, name: str) -> SecretData:
        """A Secret's data; :class:`KubeNotFoundError` when missing."""
        ...

    async def create_secret(self, namespace: str, body: Mapping[str, Any]) -> KubeObject:
        """Create a Secret from a full body (``data`` base64); a snapshot without data."""
        ...

    async def replace_secret(self, obj: KubeObject, body: Mapping[str, Any]) -> KubeObject:
        """Replace the Secret ``obj`` with ``body`` if its resourceVersion is unchanged."""
        ...

    async def patch_secret(self, obj: KubeObject, metadata: Mapping[str, Any]) -> KubeObject:
        """Merge ``metadata`` into the Secret's if its resourceVersion is unchanged."""
        ...

    async def delete_secret(self, obj: KubeObject) -> None:
        """Delete the Secret ``obj`` if its uid and resourceVersion are unchanged."""
        ...

    async def namespace_labels(self, name: str) -> Mapping[str, str]:
        """The labels of a namespace (empty when it cannot be read)."""
        ...

    async def post_event(
        self, obj: KubeObject, *, type: str, reason: str, message: str
    ) -> None:
        """Record an Event about ``obj`` (best effort: failures are swallowed)."""
        ...


def _translate(exc: Exception, what: str) -> KubeError:
    status = int(getattr(exc, "status", 0) or 0)
    reason = str(getattr(exc, "reason", "") or type(exc).__name__)
    message = f"Kubernetes API: {what}: {status or ''} {reason}".replace("  ", " ")
    if status == 409:
        return KubeConflictError(message, status=status)
    if status == 404:
        return KubeNotFoundError(message, status=status)
    return KubeError(message, status=status)


class KubernetesApi:
    """:class:`KubeApi` over the ``kubernetes`` client (calls run in threads)."""

    def __init__(self, api_client: Any) -> None:
        from kubernetes import client as k8s  # imported here: tests of the flow need none

        self._custom = k8s.CustomObjectsApi(api_client)
        self._core = k8s.CoreV1Api(api_client)

    @classmethod
    def from_kubeconfig(
        cls, path: str | None = None, *, context: str | None = None, in_cluster: bool = False
    ) -> KubernetesApi:
        """An API over a kubeconfig file (or the in-cluster service account)."""
        from kubernetes import client as k8s
        from kubernetes import config as k8s_config

        configuration = k8s.Configuration()
        if in_cluster:
            k8s_config.load_incluster_config(  # type: ignore[no-untyped-call]
                client_configuration=configuration
            )
        else:
            k8s_config.load_kube_config(  # type: ignore[no-untyped-call]
                config_file=path, context=context, client_configuration=configuration
            )
        return cls(k8s.ApiClient(configuration))

    async def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except Exception as exc:  # the client raises ApiException, urllib3 and socket errors
            raise _translate(exc, what) from None

    async def get(self, rtype: ResourceType, namespace: str | None, name: str) -> KubeObject:
        """One object; :class:`KubeNotFoundError` when missing."""
        what = f"get {rtype.kind}/{name}"
        if rtype == SECRETS:
            body = await self._call(what, self._core.read_namespaced_secret, name, namespace)
            return self._snapshot(body)
        if rtype.namespaced:
            body = await self._call(
                what, self._custom.get_namespaced_custom_object,
                rtype.group, rtype.version, namespace, rtype.plural, name,
            )
        else:
            body = await self._call(
                what, self._custom.get_cluster_custom_object,
                rtype.group, rtype.version, rtype.plural, name,
            )
        return KubeObject.from_body(rtype, body)

    async def list(self, rtype: ResourceType, namespace: str | None) -> list[KubeObject]:
        """The objects of a type in a namespace (None: every namespace)."""
        what = f"list {rtype.plural}"
        if rtype.namespaced and namespace is not None:
            body = await self._call(
                what, self._custom.list_namespaced_custom_object,
                rtype.group, rtype.version, namespace, rtype.plural,
            )
        else:
            body = await self._call(
                what, self._custom.list_cluster_custom_object,
                rtype.group, rtype.version, rtype.plural,
            )
        return [KubeObject.from_body(rtype, item) for item in body.get("items", [])]

    async def patch_status(self, obj: KubeObject, status: Mapping[str, Any]) -> KubeObject:
        """Merge ``status`` into the object's status if its resourceVersion is unchanged."""
        rtype = obj.type
        patch = {"metadata": {"resourceVersion": obj.resource_version}, "status": dict(status)}
        what = f"write the status of {obj.display}"
        if rtype.namespaced:
            body = await self._call(
                what, self._custom.patch_namespaced_custom_object_status,
                rtype.group, rtype.version, obj.namespace, rtype.plural, obj.name, patch,
                _content_type=_MERGE,
            )
        else:  # ClusterOCCIEndpoint
            body = await self._call(
                what, self._custom.patch_cluster_custom_object_status,
                rtype.group, rtype.version, rtype.plural, obj.name, patch,
                _content_type=_MERGE,
            )
        return KubeObject.from_body(rtype, body)

    async def set_finalizers(self, obj: KubeObject, finalizers: Sequence[str]) -> KubeObject:
        """Replace the finalizers if the object's resourceVersion is unchanged."""
        rtype = obj.type
        patch = {
            "metadata": {"resourceVersion": obj.resource_version, "finalizers": list(finalizers)}
        }
        what = f"set the finalizers of {obj.display}"
        if rtype == SECRETS:
            body = await self._call(
                what, self._core.patch_namespaced_secret, obj.name, obj.namespace, patch,
                _content_type=_MERGE,
            )
            return self._snapshot(body)
        if rtype.namespaced:
            body = await self._call(
                what, self._custom.patch_namespaced_custom_object,
                rtype.group, rtype.version, obj.namespace, rtype.plural, obj.name, patch,
                _content_type=_MERGE,
            )
        else:
            body = await self._call(
                what, self._custom.patch_cluster_custom_object,
                rtype.group, rtype.version, rtype.plural, obj.name, patch,
                _content_type=_MERGE,
            )
        return KubeObject.from_body(rtype, body)

    async def get_secret(self, namespace: str, name: str) -> SecretData:
        """A Secret's data; :class:`KubeNotFoundError` when missing."""
        secret = await self._call(
            f"get Secret/{name}", self._core.read_namespaced_secret, name, namespace
        )
        meta = secret.metadata
        data = {key: base64.b64decode(value) for key, value in (secret.data or {}).items()}
        for key, value in (secret.string_data or {}).items():
            data[key] = str(value).encode()
        return SecretData(
            name=name,
            resource_version=str(meta.resource_version or ""),
            data=data,
            finalizers=tuple(meta.finalizers or ()),
            deleting=meta.deletion_timestamp is not None,
        )

    def _snapshot(self, body: Any) -> KubeObject:
        plain = self._core.api_client.sanitize_for_serialization(body)
        plain.pop("data", None)  # a snapshot never holds the Secret's values
        return KubeObject.from_body(SECRETS, plain)

    async def create_secret(self, namespace: str, body: Mapping[str, Any]) -> KubeObject:
        """Create a Secret from a full body (``data`` base64); a snapshot without data."""
        name = body["metadata"]["name"]
        created = await self._call(
            f"create Secret/{name}", self._core.create_namespaced_secret, namespace,
            dict(body), _content_type=_JSON,
        )
        return self._snapshot(created)

    async def replace_secret(self, obj: KubeObject, body: Mapping[str, Any]) -> KubeObject:
        """Replace the Secret ``obj`` with ``body`` if its resourceVersion is unchanged."""
        full = {**body, "metadata": {**body["metadata"], "resourceVersion": obj.resource_version}}
        replaced = await self._call(
            f"replace {obj.display}", self._core.replace_namespaced_secret, obj.name,
            obj.namespace, full, _content_type=_JSON,
        )
        return self._snapshot(replaced)

    async def patch_secret(self, obj: KubeObject, metadata: Mapping[str, Any]) -> KubeObject:
        """Merge ``metadata`` into the Secret's if its resourceVersion is unchanged."""
        patch = {"metadata": {**metadata, "resourceVersion": obj.resource_version}}
        patched = await self._call(
            f"patch {obj.display}", self._core.patch_namespaced_secret, obj.name,
            obj.namespace, patch, _content_type=_MERGE,
        )
        return self._snapshot(patched)

    async def delete_secret(self, obj: KubeObject) -> None:
        """Delete the Secret ``obj`` if its uid and resourceVersion are unchanged."""
        options = {"preconditions": {"uid": obj.uid, "resourceVersion": obj.resource_version}}
        await self._call(
            f"delete {obj.display}", self._core.delete_namespaced_secret, obj.name,
            obj.namespace, body=options, _content_type=_JSON,
        )

    async def namespace_labels(self, name: str) -> Mapping[str, str]:
        """The labels of a namespace (empty when it cannot be read)."""
        try:
            namespace = await self._call(f"get Namespace/{name}", self._core.read_namespace, name)
        except KubeError:
            return {}
        return dict(namespace.metadata.labels or {})

    async def post_event(
        self, obj: KubeObject, *, type: str, reason: str, message: str
    ) -> None:
        """Record an Event about ``obj`` (best effort: failures are swallowed)."""
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = {
            "apiVersion": "v1",
            "kind": "Event",
            # Named as client-go's recorder names Events: a generateName ending in "." is
            # no valid DNS subdomain prefix, and the API server refuses it (422).
            "metadata": {"name": f"{obj.name}.{time.time_ns():x}", "namespace": obj.namespace},
            "involvedObject": {
                "apiVersion": obj.type.api_version,
                "kind": obj.type.kind,
                "name": obj.name,
                "namespace": obj.namespace,
                "uid": obj.uid,
            },
            "type": type,
            "reason": reason,
            "message": message[:1024],
            "source": {"component": "occi-operator"},
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
        }
        try:
            await self._call(
                f"post an Event about {obj.display}",
                self._core.create_namespaced_event, obj.namespace or "default", body,
                _content_type=_JSON,
            )
        except KubeError:
            return
