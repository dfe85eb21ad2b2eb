"""The processes the end-to-end suite runs next to the testbed, and a look at the endpoint.

* :func:`start_endpoint`: the embedded OCCI endpoint as ``occi-operator endpoint serve``
  on a free port with a fresh data directory (basic authentication when users are given,
  through a configuration file: passwords never appear on a command line);
* :func:`start_operator`: ``occi-operator run --all-namespaces`` with ``KUBECONFIG`` set,
  its log in a file, and shorter reconciler delays so that the suite converges quickly;
* :class:`Remote`: a synchronous view of the endpoint through the project's
  :class:`~occi_operator.occi.client.OCCIClient`, to check what really exists there.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TypeVar

import httpx
import yaml
from pydantic import SecretStr

from occi_operator.occi.client import BasicCredentials, EndpointConfig, OCCIClient
from occi_operator.occi.entities import Link, Resource
from occi_operator.occi.errors import NotFoundError
from occi_operator.testbed.process import ChildProcess, free_port

T = TypeVar("T")

STARTUP_TIMEOUT = 60.0
#: Reconciler delays for the suite (settings of the operator process, by environment).
FAST_OPERATOR_TIMINGS = {
    "OCCI_OPERATOR_TIMING__PROVISIONING": "0.5",
    "OCCI_OPERATOR_TIMING__AFTER_CHANGE": "0.5",
    "OCCI_OPERATOR_TIMING__TRANSIENT_ERROR": "1",
    "OCCI_OPERATOR_TIMING__UNAUTHORIZED": "1",
}


def cli_command(*arguments: str) -> list[str]:
    """The project's command line, run by this interpreter."""
    return [sys.executable, "-m", "occi_operator", *arguments]


class Service:
    """A started child process and where it listens."""

    def __init__(self, process: ChildProcess, url: str) -> None:
        self.process = process
        self.url = url

    def dead(self) -> str | None:
        """None while running; else its name and the tail of its log."""
        if self.process.running():
            return None
        return f"{self.process.name} exited; its log ends with:\n{self.process.log_tail(40)}"

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL); idempotent."""
        self.process.stop()


def start_endpoint(
    workdir: Path, *, name: str = "endpoint", users: Mapping[str, str] | None = None
) -> Service:
    """The embedded endpoint on a free port, provisioning in 0.2 s; waits until it answers."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    arguments = ["endpoint", "serve", "--port", str(port), "--data", str(workdir / "data"),
                 "--provisioning-delay", "0.2", "--log-level", "warning"]  # fmt: skip
    if users:
        config = workdir / "endpoint.yaml"
        config.write_text(yaml.safe_dump({"auth": {"mode": "basic", "users": dict(users)}}))
        config.chmod(0o600)
        arguments += ["--config", str(config)]
    process = ChildProcess(name, cli_command(*arguments), log=workdir / f"{name}.log")
    url = f"http://127.0.0.1:{port}/"
    with httpx.Client(trust_env=False, timeout=2.0) as http:
        # 401 counts as up: an endpoint with authentication answers that to a stranger.
        process.wait_healthy(lambda: http.get(f"{url}-/").status_code in (200, 401),
                             timeout=STARTUP_TIMEOUT)  # fmt: skip
    return Service(process, url)


def start_operator(workdir: Path, *, env: Mapping[str, str]) -> Service:
    """``occi-operator run --all-namespaces`` against the cluster in ``env``'s KUBECONFIG.

    Its probe endpoint listens on a free port of 127.0.0.1 (not the default 8080, which
    another worker's operator may hold); it answers once kopf has started.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    probe = free_port()
    environment = {**env, **FAST_OPERATOR_TIMINGS, "PYTHONUNBUFFERED": "1",
                   "OCCI_OPERATOR_PROBE__HOST": "127.0.0.1"}  # fmt: skip
    process = ChildProcess(
        "operator",
        cli_command("run", "--all-namespaces", "--probe-port", str(probe), "--log-level", "INFO"),
        log=workdir / "operator.log",
        env=environment,
    )
    url = f"http://127.0.0.1:{probe}/healthz"
    with httpx.Client(trust_env=False, timeout=2.0) as http:
        process.wait_healthy(lambda: http.get(url).status_code == 200, timeout=STARTUP_TIMEOUT)
    return Service(process, url)


class Remote:
    """What exists on an OCCI endpoint, read with the project's client (one call, one loop)."""

    def __init__(self, url: str, *, username: str = "", password: str = "") -> None:
        self.config = EndpointConfig(url=url)
        if username:
            credentials = BasicCredentials(username=username, password=SecretStr(password))
            self.config = EndpointConfig(url=url, auth=credentials)

    def _call(self, work: Callable[[OCCIClient], Awaitable[T]]) -> T:
        async def session() -> T:
            async with OCCIClient(self.config) as client:
                return await work(client)

        return asyncio.run(session())

    def get(self, location: str) -> Resource | Link | None:
        """The entity at ``location``, or None when the endpoint answers 404."""

        async def fetch(client: OCCIClient) -> Resource | Link | None:
            try:
                return await client.get(location)
            except NotFoundError:
                return None

        return self._call(fetch)

    def locations(self, kind: str) -> set[str]:
        """The absolute locations of every entity of ``kind`` (a type identifier)."""

        async def listing(client: OCCIClient) -> set[str]:
            collection = await client.list_collection(await client.collection_of(kind))
            found = {client.absolute(entity.location or "") for entity in collection.entities}
            return found | {client.absolute(location) for location in collection.locations}

        return self._call(listing)
