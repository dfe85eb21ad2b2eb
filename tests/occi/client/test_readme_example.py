"""The README's usage examples run as written (the client one against the embedded endpoint).

The client example names the embedded endpoint's default URL; the test serves the real
endpoint (``create_app``, no provisioning delay, a database under ``tmp_path``) with
uvicorn on 127.0.0.1 and a port the kernel picked, and points the example there.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from occi_operator.endpoint.app import create_app
from occi_operator.endpoint.settings import EndpointSettings

README = Path(__file__).resolve().parents[3] / "README.md"
README_URL = "http://127.0.0.1:8765/"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


@asynccontextmanager
async def _served(app: Starlette) -> AsyncIterator[str]:
    """``app`` behind uvicorn (which runs its lifespan) on 127.0.0.1:0; yields the base URL."""
    # An explicit IPPROTO_TCP: uvicorn sets TCP_NODELAY, which a protocol-0 socket may refuse.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", ws="none"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:  # startup and the app's lifespan take a few loop turns
            if task.done():
                task.result()
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.001)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        await task
        sock.close()


def test_the_readme_has_both_examples() -> None:
    blocks = _python_blocks()
    assert len(blocks) == 2
    assert README_URL in blocks[1]


def test_the_model_example_runs() -> None:
    exec(compile(_python_blocks()[0], "README.md", "exec"), {})


async def test_the_client_example_runs_against_the_embedded_endpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = EndpointSettings(data_dir=tmp_path / "endpoint", provisioning_delay_seconds=0)
    async with _served(create_app(settings)) as url:
        source = _python_blocks()[1].replace(README_URL, url)
        # The example calls asyncio.run(); run it in a worker thread with its own loop while
        # this loop keeps serving the endpoint.
        code = compile(source, "README.md", "exec")
        await asyncio.to_thread(exec, code, {"__name__": "readme_example"})
        async with httpx.AsyncClient() as http:
            listed = await http.get(url + "compute/", headers={"Accept": "text/uri-list"})
    # It created a VM from a catalog template, stopped it, read its state ...
    assert capsys.readouterr().out.strip() == "inactive"
    # ... and deleted what it created.
    assert listed.status_code == 200
    assert listed.text.strip() == ""
