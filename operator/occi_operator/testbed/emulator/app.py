"""The emulator's HTTP face: discovery and the resource verbs over :class:`~.store.Store`.

Paths are the real ones (``/api/v1/...``, ``/apis/<group>/<version>/...``) so kubectl,
kopf and the Kubernetes client talk to it unchanged through a kubeconfig. Run with
``python -m occi_operator.testbed.emulator.app --port P``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import uvicorn
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from occi_operator.testbed.core import InvalidBodyError, normalize_secret
from occi_operator.testbed.discovery import api_versions, core_resources, group_list, version_info
from occi_operator.testbed.emulator.kinds import CRD_TYPE, ResourceType
from occi_operator.testbed.emulator.openapi import group_version_document, root_document
from occi_operator.testbed.emulator.patches import PatchError, json_patch, merge_patch
from occi_operator.testbed.emulator.selectors import SelectorError, field_selector, label_selector
from occi_operator.testbed.emulator.store import ApiError, Store

__all__ = ["create_app", "main"]

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
_MERGE = ("application/merge-patch+json", "application/strategic-merge-patch+json",
          "application/apply-patch+yaml")  # fmt: skip
_WATCH_SECONDS = 1800.0


@dataclass(frozen=True)
class _Target:
    rtype: ResourceType
    version: str
    namespace: str | None
    name: str | None
    subresource: str | None


def create_app(*, kubernetes_version: str = "v1.36.0", address: str = "127.0.0.1") -> Starlette:
    """The emulated API server as an ASGI application, with an empty store."""
    store = Store()
    default = {"metadata": {"name": "default"}, "spec": {"finalizers": ["kubernetes"]},
               "status": {"phase": "Active"}}  # fmt: skip
    store.create(store.types[("", "namespaces")], "", default)

    async def discovery(request: Request) -> Response:
        path = request.url.path.rstrip("/")
        if path in ("/healthz", "/readyz", "/livez"):
            return PlainTextResponse("ok")
        if path == "/version":
            return JSONResponse(version_info(kubernetes_version))
        if path == "/openapi/v3":
            return JSONResponse(root_document(store.types.values()))
        if path.startswith("/openapi/v3/"):
            document = group_version_document(store.types.values(), path[len("/openapi/v3/"):])
            return JSONResponse(document) if document else _status(_missing())
        if path == "/api":
            return JSONResponse(api_versions(address))
        if path == "/api/v1":
            return JSONResponse(core_resources())
        groups = _groups(store)
        if path == "/apis":
            return JSONResponse(groups)
        parts = path.split("/")[2:]
        found = [g for g in groups["groups"] if g["name"] == parts[0]]
        if not found:
            return _status(_missing())
        if len(parts) == 1:
            return JSONResponse({"kind": "APIGroup", "apiVersion": "v1", **found[0]})
        entries = [entry for rtype in store.types.values()
                   if rtype.group == parts[0] and parts[1] in rtype.versions
                   for entry in rtype.resource_entries()]  # fmt: skip
        listing = {"kind": "APIResourceList", "apiVersion": "v1",
                   "groupVersion": f"{parts[0]}/{parts[1]}", "resources": entries}  # fmt: skip
        return JSONResponse(listing)

    async def resource(request: Request) -> Response:
        try:
            target = _target(store, request.url.path)
            if target is None:
                return await discovery(request)
            return await _serve(store, request, target)
        except ApiError as error:
            return _status(error)
        except (InvalidBodyError, SelectorError, ValueError) as error:
            return _status(ApiError(400, "BadRequest", str(error)))
        except PatchError as error:
            return _status(ApiError(error.status, "Invalid" if error.status == 422 else
                                    "BadRequest", str(error)))  # fmt: skip

    return Starlette(routes=[Route("/{path:path}", resource, methods=_METHODS)])


def _groups(store: Store) -> dict[str, Any]:
    own = {"name": "apiextensions.k8s.io",
           "versions": [{"groupVersion": "apiextensions.k8s.io/v1", "version": "v1"}],
           "preferredVersion": {"groupVersion": "apiextensions.k8s.io/v1",
                                "version": "v1"}}  # fmt: skip
    crds = {"items": store.list(CRD_TYPE, None, lambda _obj: True)}
    return group_list({"groups": [own]}, crds)


def _missing() -> ApiError:
    return ApiError(404, "NotFound", "the server could not find the requested resource")


def _status(error: ApiError) -> JSONResponse:
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": error.message, "reason": error.reason, "code": error.code}  # fmt: skip
    return JSONResponse(body, status_code=error.code)


def _target(store: Store, path: str) -> _Target | None:
    parts = [part for part in path.split("/") if part]
    if parts[:2] == ["api", "v1"] and len(parts) > 2:
        group, version, rest = "", "v1", parts[2:]
    elif parts[:1] == ["apis"] and len(parts) > 3:
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    namespace: str | None = None
    core_namespace = group == "" and rest[0] == "namespaces"
    if rest[0] == "namespaces" and len(rest) >= 3 and not (core_namespace and len(rest) == 3
                                                          and rest[2] in ("status", "finalize")):
        namespace, rest = rest[1], rest[2:]
    rtype = store.types.get((group, rest[0]))
    missing = _missing()
    if rtype is None or version not in rtype.versions or len(rest) > 3:
        raise missing
    if (namespace is not None) != rtype.namespaced and (namespace is not None or len(rest) > 1):
        raise missing
    name = rest[1] if len(rest) > 1 else None
    subresource = rest[2] if len(rest) > 2 else None
    if subresource not in (None, "status") or (subresource and not rtype.status):
        raise missing
    return _Target(rtype, version, namespace, name, subresource)


async def _serve(store: Store, request: Request, target: _Target) -> Response:
    rtype, namespace = target.rtype, target.namespace or ""
    api_version = rtype.api_version(target.version)
    query = request.query_params
    if request.method == "GET" and target.name:
        return _object(store.get(rtype, namespace, target.name), api_version)
    if request.method in ("GET", "DELETE") and not target.name:
        match = _selectors(query.get("labelSelector"), query.get("fieldSelector"))
        if query.get("watch") in ("true", "1"):
            return _watch(store, target, match, request)
        items = store.list(rtype, target.namespace, match)
        if request.method == "DELETE":
            items = [store.delete(rtype, i["metadata"].get("namespace", ""),
                                  i["metadata"]["name"]) for i in items]  # fmt: skip
        listing = {"apiVersion": api_version, "kind": rtype.list_kind,
                   "metadata": {"resourceVersion": str(store.revision)},
                   "items": [{**i, "apiVersion": api_version} for i in items]}  # fmt: skip
        return JSONResponse(listing)
    if request.method == "DELETE" and target.name:
        return _object(store.delete(rtype, namespace, target.name), api_version)
    if request.method == "POST" and not target.name:
        body = _body(await request.body(), request.headers.get("content-type", ""), rtype,
                     api_version)  # fmt: skip
        return _object(store.create(rtype, namespace, body), api_version, 201)
    if request.method == "PUT" and target.name:
        body = _body(await request.body(), request.headers.get("content-type", ""), rtype,
                     api_version)  # fmt: skip
        if (body.get("metadata") or {}).get("name") != target.name:
            raise ApiError(400, "BadRequest", "the name of the object does not match the URL")
        updated = store.update(rtype, namespace, body, status=target.subresource == "status")
        return _object(updated, api_version)
    if request.method == "PATCH" and target.name:
        raw = await request.body()
        if _applies_new(store, request, target):  # server-side apply creates what is missing
            body = _body(raw, "application/yaml", rtype, api_version)
            if (body.get("metadata") or {}).get("name") != target.name:
                raise ApiError(400, "BadRequest", "the name of the object does not match the URL")
            return _object(store.create(rtype, namespace, body), api_version, 201)
        patched = _patched(store, request, target, raw)
        updated = store.update(rtype, namespace, patched, status=target.subresource == "status")
        return _object(updated, api_version)
    raise ApiError(405, "MethodNotAllowed", f"{request.method} is not supported here")


def _applies_new(store: Store, request: Request, target: _Target) -> bool:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/apply-patch+yaml":
        return False
    try:
        store.get(target.rtype, target.namespace or "", str(target.name))
    except ApiError:
        return True
    return False


def _patched(store: Store, request: Request, target: _Target, raw: bytes) -> dict[str, Any]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    current = store.get(target.rtype, target.namespace or "", str(target.name))
    if media == "application/json-patch+json":
        result = json_patch(current, json.loads(raw))
    elif media in _MERGE:
        patch = yaml.safe_load(raw) if "yaml" in media else json.loads(raw)
        if not isinstance(patch, dict):
            raise ApiError(400, "BadRequest", "a merge patch must be an object")
        if target.rtype.kind == "Secret" and target.rtype.group == "":
            normalize_secret(patch, patch=True)
        result = merge_patch(current, patch)
    else:
        raise ApiError(415, "UnsupportedMediaType",
                       'the body of the request was in an unknown format - accepted media '
                       'types include: application/json-patch+json, '
                       'application/merge-patch+json, application/apply-patch+yaml')  # fmt: skip
    if not isinstance(result, dict):
        raise ApiError(422, "Invalid", "the patched object is not an object")
    return result


def _body(raw: bytes, content_type: str, rtype: ResourceType, api_version: str) -> dict[str, Any]:
    media = content_type.split(";")[0].strip().lower()
    document = yaml.safe_load(raw) if "yaml" in media else json.loads(raw or b"null")
    if not isinstance(document, dict):
        raise ApiError(400, "BadRequest", "the request body must be an object")
    if rtype.group == "":  # core kinds may omit apiVersion and kind
        document.setdefault("apiVersion", api_version)
        document.setdefault("kind", rtype.kind)
    if document.get("kind") != rtype.kind or document.get("apiVersion") != api_version:
        raise ApiError(400, "BadRequest", f"the object provided is unrecognized (must be of "
                       f"type {rtype.kind} in {api_version})")  # fmt: skip
    if rtype.kind == "Secret" and rtype.group == "":
        normalize_secret(document, patch=False)
    if rtype.kind == "Namespace" and rtype.group == "":
        document.setdefault("spec", {"finalizers": ["kubernetes"]})
        document.setdefault("status", {"phase": "Active"})
    return document


def _object(obj: dict[str, Any], api_version: str, code: int = 200) -> JSONResponse:
    return JSONResponse({**obj, "apiVersion": api_version}, status_code=code)


def _selectors(labels: str | None, fields: str | None) -> Any:
    by_label, by_field = label_selector(labels), field_selector(fields)
    return lambda obj: by_label(obj) and by_field(obj)


def _watch(store: Store, target: _Target, match: Any, request: Request) -> Response:
    query = request.query_params
    seconds = float(query.get("timeoutSeconds") or _WATCH_SECONDS)
    since = query.get("resourceVersion")
    if since not in (None, "", "0"):
        int(str(since))  # a 400 before the stream starts, not inside it
    flags = {name: query.get(name) in ("true", "1")
             for name in ("allowWatchBookmarks", "sendInitialEvents")}  # fmt: skip
    events = store.watch(target.rtype, target.namespace, match, since=since, seconds=seconds,
                         bookmarks=flags["allowWatchBookmarks"], version=target.version,
                         initial_events=flags["sendInitialEvents"])  # fmt: skip

    async def lines() -> AsyncIterator[bytes]:
        async for event in events:
            yield (json.dumps(event) + "\n").encode()

    return StreamingResponse(lines(), media_type="application/json")


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the emulator on 127.0.0.1."""
    parser = argparse.ArgumentParser(prog="python -m occi_operator.testbed.emulator.app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--kubernetes-version", default="v1.36.0")
    args = parser.parse_args(argv)
    app = create_app(kubernetes_version=args.kubernetes_version,
                     address=f"{args.host}:{args.port}")  # fmt: skip
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
