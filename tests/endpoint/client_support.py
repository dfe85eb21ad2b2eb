"""Support of the client-suite tests: the project's OCCIClient against the embedded endpoint.

The ``test_client_suite_*`` files run the client of the protocol core
(:mod:`occi_operator.occi.client`) against the real app of :func:`~.app.create_app`. This
module gives them:

* :func:`client_for` gives the client the client suite's ``FakeClock`` (``client_testing``,
  on the path through this directory's conftest): time moves only when the client sleeps
  (retries, rate limits), so no test waits for real;
* :class:`Recorder`: an ASGI wrapper in front of the real app that writes down every
  request and its status and counts the requests in flight — what the *server* saw, for
  assertions on retries and concurrency. It can hide paths (answer 404 for them, as a
  proxy that only forwards the well-known query path would); it changes nothing else;
* :func:`client_for`: an ``OCCIClient`` talking to an app in-process (``ASGITransport``);
* :func:`served`: the app served by uvicorn on ``127.0.0.1`` and a port the kernel
  picked, for the tests over a real socket;
* :func:`set_faults` and :func:`members`: small helpers.

The lifespan of in-process apps is run by the ``endpoint_app`` fixture of ``conftest.py``
(``ASGITransport`` sends no lifespan events); uvicorn runs it itself in :func:`served`.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from client_testing import FakeClock
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from occi_operator.occi.client import EndpointConfig, OCCIClient
from occi_operator.occi.entities import Collection

#: The base URL of in-process apps (the same as ``conftest.BASE_URL``).
BASE_URL = "http://occi.test/"
#: The renderings that carry entities; the client must pass in each of them.
RENDERINGS = ("text/plain", "text/occi", "application/occi+json")
#: Faults switched off again (a seed keeps the dice reproducible).
NO_FAULTS: dict[str, Any] = {"seed": 1}


@dataclass(frozen=True)
class Seen:
    """One request as the server received it, and the status it answered."""

    method: str
    path: str
    query: str
    status: int | None
    headers: dict[str, str]


@dataclass
class Recorder:
    """An ASGI wrapper that records requests in front of ``app``; see the module docstring."""

    app: ASGIApp
    hidden: frozenset[str] = frozenset()
    seen: list[Seen] = field(default_factory=list)
    in_flight: int = 0
    peak: int = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, noting what came in and what status went out."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            if scope["path"] in self.hidden:
                await send({"type": "http.response.start", "status": 404,
                            "headers": [(b"content-type", b"text/plain")]})
                await send({"type": "http.response.body", "body": b"not forwarded"})
                status.append(404)
            else:
                await self.app(scope, receive, watch)
        finally:
            self.in_flight -= 1
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            self.seen.append(Seen(scope["method"], scope["path"],
                                  scope["query_string"].decode("latin-1"),
                                  status[0] if status else None, headers))

    def count(self, method: str, path: str | None = None) -> int:
        """How many requests of ``method`` (on ``path``) reached the server."""
        return sum(1 for s in self.seen if s.method == method and path in (None, s.path))

    def statuses(self, method: str) -> list[int | None]:
        """The statuses answered to ``method`` requests, in order."""
        return [s.status for s in self.seen if s.method == method]


def client_for(app: ASGIApp, clock: FakeClock | None = None, **settings: Any) -> OCCIClient:
    """An OCCIClient of ``app`` in-process, at :data:`BASE_URL`; no rate limit by default."""
    settings.setdefault("url", BASE_URL)
    settings.setdefault("rate", None)
    return OCCIClient(
        EndpointConfig(**settings),
        transport=httpx.ASGITransport(app=app),
        clock=(clock or FakeClock()).clock(),
    )


async def set_faults(app: ASGIApp, faults: dict[str, Any], *,
                     headers: dict[str, str] | None = None) -> None:
    """Switch the endpoint's faults at run time through ``PUT /-/faults``."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as admin:
        response = await admin.put("/-/faults", json=faults, headers=headers)
    assert response.status_code == 200, response.text


def members(collection: Collection) -> set[str]:
    """The member locations: listed ones (text renderings), else the entities' own."""
    if collection.locations:
        return set(collection.locations)
    return {str(entity.location) for entity in collection.entities}


@asynccontextmanager
async def served(app: ASGIApp) -> AsyncIterator[str]:
    """Serve ``app`` (lifespan included) with uvicorn on 127.0.0.1:0; yields the base URL."""
    # An explicit IPPROTO_TCP: uvicorn sets TCP_NODELAY, which a protocol-0 socket refuses.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", ws="none")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:  # startup (and the app's lifespan) takes a few turns
            if task.done():
                task.result()
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.001)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        await task
        sock.close()
