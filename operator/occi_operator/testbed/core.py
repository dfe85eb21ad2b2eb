"""Core/v1 kinds served by custom resources in a private group.

``apiextensions-apiserver`` serves no core group. The front gives namespaces, secrets,
events and config maps real API semantics (resourceVersion, watch, 409 conflicts,
finalizers, generation) by storing each in a custom resource of a private group, and by
rewriting paths and ``apiVersion`` on the way in and out:

    /api/v1/namespaces/ns1/secrets/s  ⇄  /apis/<PRIVATE_GROUP>/v1/namespaces/ns1/secrets/s
    "apiVersion": "v1"                 ⇄  "apiVersion": "<PRIVATE_GROUP>/v1"

The cluster-scoped Namespace kind uses the plural ``corenamespaces`` privately: a
custom resource called ``namespaces`` would collide with the ``/namespaces/{ns}/`` path
segment every namespaced URL has. Secrets get what a real server does to them:
``stringData`` is merged into ``data`` and ``data`` values must be base64.
This module imports no operator code.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CORE_KINDS",
    "PRIVATE_API_VERSION",
    "PRIVATE_GROUP",
    "CoreKind",
    "CorePath",
    "InvalidBodyError",
    "core_crds",
    "map_core_path",
    "normalize_secret",
    "prepare_request_body",
    "rewrite_response",
]

PRIVATE_GROUP = "core.testbed.occi-operator.dev"
PRIVATE_API_VERSION = f"{PRIVATE_GROUP}/v1"


@dataclass(frozen=True)
class CoreKind:
    """One core/v1 kind the front serves, and the private resource behind it."""

    plural: str
    kind: str
    namespaced: bool
    short_names: tuple[str, ...]
    private_plural: str


CORE_KINDS: dict[str, CoreKind] = {
    kind.plural: kind
    for kind in (
        CoreKind("namespaces", "Namespace", False, ("ns",), "corenamespaces"),
        CoreKind("secrets", "Secret", True, (), "secrets"),
        CoreKind("events", "Event", True, ("ev",), "events"),
        CoreKind("configmaps", "ConfigMap", True, ("cm",), "configmaps"),
    )
}


class InvalidBodyError(Exception):
    """A request body a real API server would refuse with 400 Bad Request."""


@dataclass(frozen=True)
class CorePath:
    """A core/v1 request path resolved to its kind and its private path."""

    kind: CoreKind
    private_path: str
    name: str | None


def map_core_path(path: str) -> CorePath | None:
    """Resolve ``/api/v1/...`` to the private path, or ``None`` when no core kind matches.

    Legacy ``/api/v1/watch/...`` paths are not served; clients use ``?watch=true``.
    """
    parts = [part for part in path.removeprefix("/api/v1").split("/") if part]
    base = f"/apis/{PRIVATE_API_VERSION}"
    if not parts or parts[0] not in CORE_KINDS:
        return None
    if parts[0] == "namespaces" and len(parts) >= 3:
        kind = CORE_KINDS.get(parts[2])
        if kind is None or not kind.namespaced or len(parts) > 4:
            return None
        name = parts[3] if len(parts) == 4 else None
        tail = "/".join(parts[2:])
        return CorePath(kind, f"{base}/namespaces/{parts[1]}/{tail}", name)
    kind = CORE_KINDS[parts[0]]
    if len(parts) > 2 or (kind.namespaced and len(parts) > 1):
        return None
    name = parts[1] if len(parts) == 2 else None
    private = f"{base}/{kind.private_plural}" + (f"/{name}" if name else "")
    return CorePath(kind, private, name)


def core_crds() -> list[dict[str, Any]]:
    """The CustomResourceDefinitions that store the core kinds."""
    return [_crd(kind) for kind in CORE_KINDS.values()]


def _crd(kind: CoreKind) -> dict[str, Any]:
    schema = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{kind.private_plural}.{PRIVATE_GROUP}"},
        "spec": {
            "group": PRIVATE_GROUP,
            "scope": "Namespaced" if kind.namespaced else "Cluster",
            "names": {
                "plural": kind.private_plural,
                "singular": kind.kind.lower(),
                "kind": kind.kind,
                "listKind": f"{kind.kind}List",
            },
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": schema},
                }
            ],
        },
    }


def prepare_request_body(kind: CoreKind, body: Any, *, patch: bool) -> Any:
    """Rewrite a core request body for the private group (in place, and returned)."""
    if isinstance(body, list):  # a JSON patch: operations, no apiVersion to rewrite
        return body
    if not isinstance(body, dict):
        raise InvalidBodyError("the request body must be a JSON object")
    if body.get("apiVersion") == "v1":
        body["apiVersion"] = PRIVATE_API_VERSION
    elif not patch:
        body.setdefault("apiVersion", PRIVATE_API_VERSION)
    if not patch:
        body.setdefault("kind", kind.kind)
    if kind.kind == "Secret":
        normalize_secret(body, patch=patch)
    elif kind.kind == "Namespace" and not patch:
        body.setdefault("spec", {"finalizers": ["kubernetes"]})
        body.setdefault("status", {"phase": "Active"})
    return body


def normalize_secret(body: dict[str, Any], *, patch: bool) -> None:
    """Check ``data`` is base64 and merge ``stringData`` into it, as a real server does."""
    data = body.get("data")
    if data is not None and not isinstance(data, dict):
        raise InvalidBodyError("Secret.data must be an object of base64 strings")
    for key, value in (data or {}).items():
        if value is None and patch:
            continue  # a merge patch removes the key
        if not isinstance(value, str):
            raise InvalidBodyError(f"Secret.data[{key!r}] must be a base64 string")
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as error:
            raise InvalidBodyError(f"Secret.data[{key!r}]: illegal base64 data") from error
    string_data = body.pop("stringData", None)
    if string_data:
        if not isinstance(string_data, dict):
            raise InvalidBodyError("Secret.stringData must be an object of strings")
        merged = dict(data or {})
        for key, value in string_data.items():
            if not isinstance(value, str):
                raise InvalidBodyError(f"Secret.stringData[{key!r}] must be a string")
            merged[key] = base64.b64encode(value.encode()).decode()
        body["data"] = merged
    if not patch:
        body.setdefault("type", "Opaque")


def rewrite_response(document: Any) -> Any:
    """Rewrite a private-group object, list, status or watch event back to core/v1."""
    if not isinstance(document, dict):
        return document
    if "type" in document and isinstance(document.get("object"), dict):
        rewrite_response(document["object"])  # a watch event
        return document
    if document.get("apiVersion") == PRIVATE_API_VERSION:
        document["apiVersion"] = "v1"
    items = document.get("items")
    if isinstance(items, list):
        for item in items:
            rewrite_response(item)
    metadata = document.get("metadata")
    if isinstance(metadata, dict):
        for field in metadata.get("managedFields") or []:
            if isinstance(field, dict) and field.get("apiVersion") == PRIVATE_API_VERSION:
                field["apiVersion"] = "v1"
    if document.get("kind") == "Status":
        _rewrite_status(document)
    return document


def _rewrite_status(status: dict[str, Any]) -> None:
    message = status.get("message")
    if isinstance(message, str):
        status["message"] = _public_names(message)
    details = status.get("details")
    if isinstance(details, dict) and details.get("group") == PRIVATE_GROUP:
        details["group"] = ""
        if details.get("kind") == "corenamespaces":
            details["kind"] = "namespaces"
    if isinstance(details, dict):
        for cause in details.get("causes") or []:
            if isinstance(cause, dict) and isinstance(cause.get("message"), str):
                cause["message"] = _public_names(cause["message"])


def _public_names(text: str) -> str:
    return text.replace(f"corenamespaces.{PRIVATE_GROUP}", "namespaces").replace(
        f".{PRIVATE_GROUP}", ""
    )
