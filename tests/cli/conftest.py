"""Shared set-up of the CLI tests: the embedded endpoint served for real, and a runner.

``serve`` starts :func:`~occi_operator.endpoint.app.create_app` under uvicorn on
``127.0.0.1`` and a port the kernel picks, in a thread of its own (the commands run
``asyncio.run`` themselves, so the server cannot share their event loop). The socket
listens before the thread starts, so a command's first connection waits in the backlog
until uvicorn has run the app's lifespan and accepts: nobody waits for readiness.

``cli`` runs ``main([...])`` in-process and returns the exit code with what went to
stdout and stderr.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.types import ASGIApp

from occi_operator.cli.main import main
from occi_operator.endpoint.app import create_app
from occi_operator.endpoint.settings import EndpointSettings

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from cli_support import Hiding, Result, ServerHeader  # noqa: E402 - found through the path set above


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Start endpoints: ``auth=`` settings of ``auth``, ``hidden=`` paths answering 404,
    ``server_header=`` a ``Server`` header replacing the app's ("" for none)."""
    running: list[tuple[uvicorn.Server, threading.Thread, socket.socket]] = []

    def start(auth: dict[str, Any] | None = None, hidden: frozenset[str] = frozenset(),
              server_header: str | None = None) -> str:
        settings = EndpointSettings.model_validate({
            "data_dir": tmp_path / f"endpoint-{len(running)}",
            "provisioning_delay_seconds": 0, "auth": auth or {"mode": "none"}})
        app: ASGIApp = create_app(settings)
        if hidden:
            app = Hiding(app, hidden)
        if server_header is not None:
            app = ServerHeader(app, server_header)
        # IPPROTO_TCP explicitly: uvicorn sets TCP_NODELAY, which a protocol-0 socket refuses.
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        # As `endpoint serve` does: the app sends its own Server header, with OCCI/1.2.
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on",
                                               ws="none", server_header=False))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]},
                                  daemon=True)
        thread.start()
        running.append((server, thread, listener))
        return f"http://127.0.0.1:{listener.getsockname()[1]}/"

    yield start
    for server, thread, listener in running:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()
        assert not thread.is_alive(), "uvicorn did not stop"


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port bound for the test but never listening, so every connection is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        yield int(holder.getsockname()[1])


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
        ) -> Callable[..., Result]:
    """Run ``occi-operator ARGS`` in-process (``env=`` sets environment variables)."""

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
