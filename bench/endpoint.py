"""Benchmark of the embedded endpoint over HTTP: creates/s and entity GETs/s per rendering.

Two servers run as subprocesses on 127.0.0.1 in the same run: the endpoint
(``occi-operator endpoint serve``, SQLite NORMAL) and a bare starlette route answering a
fixed JSON document under the same uvicorn. One keep-alive httpx client sends requests
one after the other, a bounded number of each; the ratio to the bare route shows what the
OCCI layers cost on top of the HTTP stack. Prints numbers only, asserts nothing. Run from
the repository root::

    PYTHONPATH=operator python bench/endpoint.py [--count 1000]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import Resource
from occi_operator.occi.rendering import rendering_for

RENDERINGS = ("text/plain", "application/occi+json")
_URL = re.compile(r"(http://127\.0\.0\.1:\d+/)")
_ROOT = Path(__file__).resolve().parents[1]


def bare_server() -> None:
    """Serve one fixed JSON answer on a free port of 127.0.0.1 (the baseline)."""
    import contextlib
    import socket

    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def fixed(request: Request) -> JSONResponse:
        return JSONResponse({"kind": v.COMPUTE_KIND, "id": "fixed", "attributes": {}})

    app = Starlette(routes=[Route("/{path:path}", fixed, methods=["GET", "POST"])])
    # proto=TCP, as the CLI does, so that asyncio turns Nagle off for both servers alike
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.bind(("127.0.0.1", 0))
    listener.listen(2048)
    print(f"bare starlette at http://127.0.0.1:{listener.getsockname()[1]}/", flush=True)
    config = uvicorn.Config(app, log_level="warning", server_header=False, access_log=False)
    with listener, contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[listener])


@contextmanager
def server(command: list[str]) -> Iterator[str]:
    """Start a server subprocess that prints its URL first; yield the URL; stop it."""
    environment = {**os.environ, "PYTHONPATH": str(_ROOT / "operator")}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=environment)
    try:
        assert process.stdout is not None
        match = _URL.search(process.stdout.readline())
        if match is None:
            raise RuntimeError(f"server {command} printed no URL")
        yield match.group(1)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


def rate(count: int, request: Callable[[int], httpx.Response], expected: int) -> float:
    """Requests per second of ``count`` calls of ``request(i)``, each answering ``expected``."""
    started = time.perf_counter()
    for index in range(count):
        response = request(index)
        if response.status_code != expected:
            raise RuntimeError(f"answer {response.status_code}: {response.text[:200]}")
    return count / (time.perf_counter() - started)


def measure_rendering(
    client: httpx.Client, url: str, count: int, media_type: str
) -> tuple[float, float]:
    """Creates/s, then GETs/s of what was created, in one rendering."""
    rendering = rendering_for(media_type)
    bodies = [rendering.render_entity(Resource(kind=v.COMPUTE_KIND, title=f"vm-{n}")).body
              for n in range(count)]
    headers = {"Content-Type": media_type, "Accept": media_type}
    locations: list[str] = []

    def create(index: int) -> httpx.Response:
        response = client.post(url + "compute/", content=bodies[index], headers=headers)
        locations.append(response.headers.get("location", ""))
        return response

    creates = rate(count, create, 201)
    gets = rate(count, lambda index: client.get(locations[index], headers=headers), 200)
    return creates, gets


def measure_endpoint(client: httpx.Client, url: str, count: int) -> dict[tuple[str, str], float]:
    """Creates/s and GETs/s for each rendering."""
    results: dict[tuple[str, str], float] = {}
    for media_type in RENDERINGS:
        creates, gets = measure_rendering(client, url, count, media_type)
        results[("create", media_type)] = creates
        results[("get", media_type)] = gets
    return results


def run(count: int) -> None:
    """Measure both servers and print a table with the ratio to the bare route."""
    with tempfile.TemporaryDirectory() as directory:
        endpoint_command = [sys.executable, "-m", "occi_operator", "endpoint", "serve",
                            "--port", "0", "--data", directory, "--provisioning-delay", "0",
                            "--log-level", "warning"]
        bare_command = [sys.executable, str(Path(__file__).resolve()), "--bare-server"]
        with server(endpoint_command) as endpoint_url, server(bare_command) as bare_url, \
                httpx.Client(timeout=30) as client:
            bare = rate(count, lambda _: client.get(bare_url + "compute/1"), 200)
            results = measure_endpoint(client, endpoint_url, count)
    print(f"{count} requests per row, sequential, one keep-alive connection, 127.0.0.1")
    print(f"{'operation':<10}{'rendering':<24}{'requests/s':>12}{'vs bare':>10}")
    print(f"{'get':<10}{'bare starlette JSON':<24}{bare:>12.0f}{1.0:>10.2f}")
    for (operation, media_type), value in results.items():
        print(f"{operation:<10}{media_type:<24}{value:>12.0f}{value / bare:>10.2f}")


def main() -> None:
    """Command line: ``--count N`` (default 1000), or ``--bare-server`` (internal)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="requests per measurement")
    parser.add_argument("--bare-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        bare_server()
    else:
        run(args.count)


if __name__ == "__main__":
    main()
