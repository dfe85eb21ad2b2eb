"""The testbed's front: plain HTTP on 127.0.0.1 in front of ``apiextensions-apiserver``.

It serves what the CRD server lacks and streams everything else through:

- ``/api``, ``/api/v1``, ``/apis`` and ``/version`` (see :mod:`~.discovery`);
- core/v1 namespaces, secrets, events and config maps, stored as custom resources of a
  private group (see :mod:`~.core`): paths and bodies are rewritten both ways, watch
  streams line by line;
- any other request goes to the server unchanged, authenticated with the client
  certificate; the answer streams back raw, ``Content-Encoding`` and all;
- a fault knob for tests: a share of the writes that carry a ``resourceVersion``
  precondition answered ``409 Conflict`` without being forwarded, set by
  ``OCCI_TESTBED_CONFLICT_RATE`` or ``PUT /-/testbed/conflicts`` (see :mod:`~.conflicts`);
- another for watches: streams closed after a few seconds and resumed watches answered
  ``410 Gone``, set by ``OCCI_TESTBED_WATCH_*`` or ``PUT /-/testbed/watch-cuts`` (see
  :mod:`~.watchcuts`).

Run by uvicorn (``python -m occi_operator.testbed.front``); the cluster starts it as a
process. This module imports no operator code.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import ssl
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx
import uvicorn
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from occi_operator.testbed.conflicts import (
    CONFLICTS_PATH,
    ConflictInjector,
    InvalidConflictSettingsError,
)
from occi_operator.testbed.core import (
    CorePath,
    InvalidBodyError,
    map_core_path,
    prepare_request_body,
    rewrite_response,
)
from occi_operator.testbed.discovery import (
    api_versions,
    core_resources,
    group_list,
    version_info,
)
from occi_operator.testbed.watchcuts import (
    WATCH_CUTS_PATH,
    InvalidWatchCutSettingsError,
    WatchCutter,
    cut_stream,
    gone_event,
    is_watch,
)

__all__ = ["FrontSettings", "create_app", "main", "status_response"]

_HOP_HEADERS = {"host", "connection", "keep-alive", "transfer-encoding", "content-length",
                "upgrade", "proxy-connection", "te", "trailer"}  # fmt: skip
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
_CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"


@dataclass(frozen=True)
class FrontSettings:
    """Where the real server is and how the front authenticates to it."""

    upstream: str
    ca_cert: Path
    client_cert: Path
    client_key: Path
    kubernetes_version: str
    public_address: str


def create_app(settings: FrontSettings) -> Starlette:
    """The front as an ASGI application."""
    context = ssl.create_default_context(cafile=str(settings.ca_cert))
    context.load_cert_chain(str(settings.client_cert), str(settings.client_key))
    holder: dict[str, httpx.AsyncClient] = {}
    conflicts = ConflictInjector.from_env(os.environ)
    cuts = WatchCutter.from_env(os.environ)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(
            base_url=settings.upstream,
            verify=context,
            trust_env=False,  # this machine's *_CA_BUNDLE variables would override `verify`
            timeout=httpx.Timeout(30.0, read=None),
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=32),
        ) as client:
            holder["client"] = client
            yield

    async def handle(request: Request) -> Response:
        client = holder["client"]
        path = request.url.path
        if path == CONFLICTS_PATH:
            return await _conflicts_admin(conflicts, request)
        if path == WATCH_CUTS_PATH:
            return await _watch_cuts_admin(cuts, request)
        watch = is_watch(request.query_params)
        if watch and cuts.expire(request.query_params):
            since = request.query_params.get("resourceVersion", "")
            return Response(gone_event(since), 200, media_type="application/json")
        if conflicts.decide(request.method, await request.body()):
            return status_response(409, "Conflict", "Operation cannot be fulfilled: the "
                                   "object has been modified; please apply your changes to "
                                   "the latest version and try again (injected by the "
                                   "testbed front)")  # fmt: skip
        try:
            if path in ("/api", "/api/"):
                return JSONResponse(api_versions(settings.public_address))
            if path in ("/api/v1", "/api/v1/"):
                return JSONResponse(core_resources())
            if path.startswith("/api/"):
                core = map_core_path(path)
                if core is None:
                    return status_response(404, "NotFound", "the server could not find the "
                                           "requested resource")  # fmt: skip
                return await _core_call(client, request, core, cuts)
            if path in ("/apis", "/apis/"):
                return await _groups(client)
            if path == "/version":
                return JSONResponse(version_info(settings.kubernetes_version))
            return await _passthrough(client, request, cuts if watch else None)
        except httpx.TransportError as error:
            return status_response(503, "ServiceUnavailable", f"testbed API server: {error!r}")

    routes = [Route("/{path:path}", handle, methods=_METHODS)]
    return Starlette(routes=routes, lifespan=lifespan)


def status_response(code: int, reason: str, message: str) -> JSONResponse:
    """A ``Status`` answer as the API server writes it."""
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}  # fmt: skip
    return JSONResponse(body, status_code=code)


async def _watch_cuts_admin(cuts: WatchCutter, request: Request) -> Response:
    if request.method == "PUT":
        try:
            settings = json.loads(await request.body() or b"{}")
            if not isinstance(settings, dict):
                raise InvalidWatchCutSettingsError("watch-cut settings: expected a JSON object")
            cuts.configure(settings)
        except (ValueError, InvalidWatchCutSettingsError) as error:
            return status_response(400, "BadRequest", str(error))
    return JSONResponse(cuts.describe())


async def _conflicts_admin(conflicts: ConflictInjector, request: Request) -> Response:
    if request.method == "PUT":
        try:
            settings = json.loads(await request.body() or b"{}")
            if not isinstance(settings, dict):
                raise InvalidConflictSettingsError("conflict settings: expected a JSON object")
            conflicts.configure(settings)
        except (ValueError, InvalidConflictSettingsError) as error:
            return status_response(400, "BadRequest", str(error))
    return JSONResponse(conflicts.describe())


def _forward_headers(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}


def _upstream_url(request: Request, path: str) -> str:
    query = request.scope.get("query_string", b"").decode("latin-1")
    return path + (f"?{query}" if query else "")


async def _passthrough(
    client: httpx.AsyncClient, request: Request, cuts: WatchCutter | None = None
) -> Response:
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    upstream = client.build_request(
        request.method,
        _upstream_url(request, raw_path.decode("latin-1")),
        headers=_forward_headers(request),
        content=await request.body(),
    )
    response = await client.send(upstream, stream=True)
    headers = {k: v for k, v in response.headers.items() if k.lower() not in _HOP_HEADERS}
    if "content-length" in response.headers and "transfer-encoding" not in response.headers:
        headers["content-length"] = response.headers["content-length"]
    chunks = response.aiter_raw()
    if cuts is not None and response.status_code == 200:
        chunks = cut_stream(chunks, cuts)
    return StreamingResponse(_stream(response, chunks), response.status_code,
                             headers=headers)  # fmt: skip


async def _stream(response: httpx.Response, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    try:
        async for chunk in chunks:
            yield chunk
    finally:
        with anyio.CancelScope(shield=True):
            await response.aclose()


async def _groups(client: httpx.AsyncClient) -> Response:
    # The CRD server has no /apis of its own (kube-aggregator serves it in a full
    # cluster): start from its own group, then add every established CRD's group.
    accept = {"accept": "application/json"}
    server = await client.get("/apis", headers=accept)
    if server.status_code == 200:
        server_groups = server.json()
    else:
        own = await client.get("/apis/apiextensions.k8s.io", headers=accept)
        if own.status_code != 200:
            return Response(own.content, own.status_code, media_type="application/json")
        server_groups = {"groups": [own.json()]}
    crds = await client.get(_CRDS, headers=accept)
    if crds.status_code != 200:
        return Response(crds.content, crds.status_code, media_type="application/json")
    return JSONResponse(group_list(server_groups, crds.json()))


async def _core_call(
    client: httpx.AsyncClient, request: Request, core: CorePath, cuts: WatchCutter
) -> Response:
    headers = _forward_headers(request)
    headers["accept-encoding"] = "identity"
    headers["accept"] = _json_accept(request.headers.get("accept", ""))
    body = await request.body()
    # A DELETE body is DeleteOptions (meta/v1), not an object of the core kind: it goes
    # through unchanged, or the server would read it as an object of the private group.
    if body and request.method != "DELETE":
        try:
            body, content_type = _core_body(core, request.method, body,
                                            request.headers.get("content-type", ""))  # fmt: skip
        except InvalidBodyError as error:
            return status_response(400, "BadRequest", str(error))
        if content_type:
            headers["content-type"] = content_type
    upstream = client.build_request(
        request.method, _upstream_url(request, core.private_path), headers=headers, content=body
    )
    response = await client.send(upstream, stream=True)
    if is_watch(request.query_params) and response.status_code == 200:
        lines = cut_stream(_watch_lines(response.aiter_lines()), cuts)
        return StreamingResponse(_stream(response, lines), 200, media_type="application/json")
    try:
        content = await response.aread()
    finally:
        await response.aclose()
    media = response.headers.get("content-type", "application/json")
    if "json" not in media:
        return Response(content, response.status_code, media_type=media)
    try:
        document = json.loads(content)
    except ValueError:
        return Response(content, response.status_code, media_type=media)
    return JSONResponse(rewrite_response(document), response.status_code)


def _json_accept(accept: str) -> str:
    """Drop protobuf and CBOR from ``Accept``: the front rewrites JSON only."""
    kept = [part for part in accept.split(",") if part.strip()
            and "protobuf" not in part and "cbor" not in part]  # fmt: skip
    return ",".join(kept) or "application/json"


def _core_body(core: CorePath, method: str, body: bytes, content_type: str) -> tuple[bytes, str]:
    media = content_type.split(";")[0].strip().lower()
    patch = method == "PATCH"
    if not media:
        if patch:
            return body, ""  # the server answers 415, as a real one does
        media = "application/json"  # as a real server reads a create or update without one
    try:
        document = yaml.safe_load(body) if "yaml" in media else json.loads(body)
    except (ValueError, yaml.YAMLError) as error:
        raise InvalidBodyError(f"the request body is not valid {media}: {error}") from error
    document = prepare_request_body(core.kind, document, patch=patch)
    if media == "application/strategic-merge-patch+json":
        # Custom resources take no strategic merge patch; core kinds have no merge keys
        # that matter here, so a JSON merge patch means the same.
        media = "application/merge-patch+json"
    elif media in ("application/yaml", "application/x-yaml"):
        media = "application/json"
    return json.dumps(document).encode(), media


async def _watch_lines(lines: AsyncIterator[str]) -> AsyncIterator[bytes]:
    async for line in lines:
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError:
            yield (line + "\n").encode()
            continue
        yield (json.dumps(rewrite_response(event)) + "\n").encode()


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the front: ``python -m occi_operator.testbed.front --port P --upstream URL …``."""
    parser = argparse.ArgumentParser(prog="python -m occi_operator.testbed.front")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True, help="https://127.0.0.1:PORT of the server")
    parser.add_argument("--ca-cert", type=Path, required=True)
    parser.add_argument("--client-cert", type=Path, required=True)
    parser.add_argument("--client-key", type=Path, required=True)
    parser.add_argument("--kubernetes-version", default="v1.36.0")
    args = parser.parse_args(argv)
    settings = FrontSettings(
        upstream=args.upstream,
        ca_cert=args.ca_cert,
        client_cert=args.client_cert,
        client_key=args.client_key,
        kubernetes_version=args.kubernetes_version,
        public_address=f"{args.host}:{args.port}",
    )
    app: Any = create_app(settings)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
