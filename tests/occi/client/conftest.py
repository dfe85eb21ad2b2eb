"""Fixtures of the client tests: a fake clock, the fake OCCI server, clients and live servers.

Most tests drive the client through ``httpx.ASGITransport`` into :mod:`fake_occi`; a few
run it over real sockets against uvicorn on ``127.0.0.1`` and a port the kernel picked.
Time never passes for real: the :class:`FakeClock` advances when the client sleeps.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from client_testing import ClientFactory, FakeClock, LiveServer  # noqa: E402
from fake_occi import HOST, FakeOCCI  # noqa: E402

from occi_operator.occi.client import EndpointConfig, OCCIClient  # noqa: E402


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server() -> FakeOCCI:
    return FakeOCCI()


@pytest.fixture
async def make_client(
    server: FakeOCCI, fake_clock: FakeClock
) -> AsyncIterator[ClientFactory]:
    """Build clients talking to ``server`` (or another fake) in process; closed afterwards."""
    made: list[OCCIClient] = []

    def make(fake: FakeOCCI | None = None, **settings: Any) -> OCCIClient:
        settings.setdefault("url", HOST + "/")
        settings.setdefault("rate", None)
        client = OCCIClient(
            EndpointConfig(**settings),
            transport=httpx.ASGITransport(app=(fake or server).app),
            clock=fake_clock.clock(),
        )
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture
async def live_server() -> AsyncIterator[LiveServer]:
    """Start uvicorn for an app on 127.0.0.1 (port 0); returns the base URL. Stopped after."""
    running: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []

    async def start(app: Any, *, configure: Callable[[uvicorn.Config], None] | None = None,
                    **options: Any) -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off", ws="none",
                                **options)
        config.load()
        if configure is not None:
            configure(config)
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve(sockets=[sock]))
        running.append((server, task))
        while not server.started:  # startup takes a few event-loop turns
            if task.done():
                task.result()
            await asyncio.sleep(0.001)
        scheme = "https" if options.get("ssl_certfile") else "http"
        return f"{scheme}://127.0.0.1:{port}/"

    yield start
    for server, task in running:
        server.should_exit = True
        await task
