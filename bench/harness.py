"""What the operator benchmarks share: a testbed cluster, a counted endpoint, the operator.

:func:`bench_world` starts, under a temporary directory, the testbed cluster (the real
API server when its binaries were built, else the emulated tier) with the project's CRDs,
the embedded OCCI endpoint behind a counting ASGI wrapper (run as ``python
bench/harness.py endpoint …``: the endpoint package itself is not touched; ``GET
/_bench/requests`` answers the counts), a namespace and an ``OCCIEndpoint`` speaking
JSON. :class:`World` then starts the operator as ``occi-operator run`` with given
settings, applies Computes through the Kubernetes API, and follows them with one watch
stream (which also counts every change of a Compute, i.e. every Kubernetes write to one).
Nothing here asserts; the benchmarks print what they measure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "operator") not in sys.path:
    sys.path.insert(0, str(ROOT / "operator"))

import httpx  # noqa: E402
import yaml  # noqa: E402

from occi_operator.testbed.build import cached_binaries  # noqa: E402
from occi_operator.testbed.cluster import Cluster, start_cluster  # noqa: E402
from occi_operator.testbed.process import ChildProcess, free_port  # noqa: E402

GROUP, VERSION = "occi.occi-operator.dev", "v1alpha1"
NAMESPACE = "bench"
ENDPOINT = "bench"
JSON = "application/occi+json"
#: Requests in flight to the endpoint, for the operator and the direct-client floor alike.
CONCURRENCY = 16
COMPUTES = f"/apis/{GROUP}/{VERSION}/namespaces/{NAMESPACE}/computes"
COUNTS_PATH = "/_bench/requests"
#: Operator settings for the benchmarks (environment of the process).
FAST = {
    "OCCI_OPERATOR_TIMING__PROVISIONING": "0.25",
    "OCCI_OPERATOR_TIMING__AFTER_CHANGE": "0.25",
    "OCCI_OPERATOR_TIMING__TRANSIENT_ERROR": "1",
}

Scope = MutableMapping[str, Any]


# The endpoint, counted (runs in its own process).


def serve_endpoint(port: int, data: Path, delay: float) -> None:
    """Serve the embedded endpoint on ``port`` behind a request counter (blocks)."""
    import uvicorn

    from occi_operator.endpoint.app import create_app
    from occi_operator.endpoint.settings import EndpointSettings

    app = create_app(EndpointSettings(data_dir=data, provisioning_delay_seconds=delay))
    counts: Counter[str] = Counter()

    async def counted(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == COUNTS_PATH:
            body = json.dumps(counts).encode()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        if scope["type"] == "http":
            counts[f"{scope['method']} {_shape(scope['path'])}"] += 1
        await app(scope, receive, send)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(2048)
    config = uvicorn.Config(counted, log_level="warning", access_log=False, lifespan="on")
    with listener, contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[listener])


def _shape(path: str) -> str:
    """``/compute/<id>`` → ``/compute/{id}``; collections and ``/-/`` stay as they are."""
    parts = path.split("/")
    if len(parts) == 3 and parts[2]:
        return f"/{parts[1]}/{{id}}"
    return path


# The cluster side.


def _kubectl(cluster: Cluster, *arguments: str) -> None:
    subprocess.run(cluster.kubectl_command(*arguments), check=True, capture_output=True,
                   env=cluster.env(), timeout=120)  # fmt: skip


def _prepare(
    cluster: Cluster, endpoint_url: str, resync_period: str, rendering: str | None
) -> None:
    _kubectl(cluster, "apply", "--server-side", "-f", str(ROOT / "crds"))
    names = [yaml.safe_load(p.read_text())["metadata"]["name"]
             for p in sorted((ROOT / "crds").glob("*.yaml"))]  # fmt: skip
    _kubectl(cluster, "wait", "--for=condition=Established", "--timeout=60s",
             *(f"crd/{name}" for name in names))  # fmt: skip
    with cluster.client() as http:
        deadline = time.monotonic() + 60
        while http.get(COMPUTES).status_code != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("the Compute API is not served")
            time.sleep(0.2)
        http.post("/api/v1/namespaces", json={"apiVersion": "v1", "kind": "Namespace",
                                              "metadata": {"name": NAMESPACE}})  # fmt: skip
        answer = http.post(f"/apis/{GROUP}/{VERSION}/namespaces/{NAMESPACE}/occiendpoints", json={
            "apiVersion": f"{GROUP}/{VERSION}", "kind": "OCCIEndpoint",
            "metadata": {"name": ENDPOINT},
            "spec": {"url": endpoint_url, "auth": "none",
                     **({"preferredRendering": rendering} if rendering else {}),
                     "defaultResyncPeriod": resync_period,
                     "limits": {"maxConcurrentRequests": CONCURRENCY,
                                "requestsPerSecond": 10000, "burst": 10000}},
        })  # fmt: skip
        if answer.status_code != 201:
            raise RuntimeError(f"OCCIEndpoint: {answer.status_code} {answer.text}")


def compute(name: str) -> dict[str, Any]:
    """A small Debian Compute on the bench endpoint."""
    return {"apiVersion": f"{GROUP}/{VERSION}", "kind": "Compute",
            "metadata": {"name": name, "namespace": NAMESPACE},
            "spec": {"endpointRef": {"name": ENDPOINT},
                     "resource": {"resourceTemplate": "small", "osTemplate": "debian-12"}}}


def _ready(body: Mapping[str, Any]) -> bool:
    meta, status = body.get("metadata") or {}, body.get("status") or {}
    for condition in status.get("conditions") or ():
        if condition.get("type") == "Ready":
            return bool(condition.get("status") == "True"
                        and condition.get("observedGeneration") == meta.get("generation"))
    return False


async def post_computes(http: httpx.AsyncClient, names: list[str]) -> None:
    """POST a Compute per name with ``http`` (on the API server), CONCURRENCY at once."""
    limit = asyncio.Semaphore(CONCURRENCY)

    async def one(name: str) -> None:
        async with limit:
            answer = await http.post(COMPUTES, json=compute(name))
        if answer.status_code != 201:
            raise RuntimeError(f"{name}: {answer.status_code} {answer.text[:200]}")

    await asyncio.gather(*(one(name) for name in names))


@dataclass
class Watch:
    """Follows the namespace's Computes: which are Ready, and how many changes were seen."""

    server: str
    ready: set[str] = field(default_factory=set)
    #: When each Compute was last seen becoming Ready (monotonic clock).
    ready_at: dict[str, float] = field(default_factory=dict)
    modified: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> None:
        """Follow from now on, in a daemon thread."""
        with httpx.Client(base_url=self.server, trust_env=False, timeout=60) as http:
            version = http.get(COMPUTES, params={"limit": 1}).json()["metadata"]["resourceVersion"]
        threading.Thread(target=self._run, args=(version,), daemon=True).start()

    def _run(self, version: str) -> None:
        with httpx.Client(base_url=self.server, trust_env=False, timeout=None) as http:
            while not self._stop.is_set():
                params = {"watch": "1", "resourceVersion": version,
                          "allowWatchBookmarks": "true", "timeoutSeconds": "300"}  # fmt: skip
                with contextlib.suppress(httpx.HTTPError), \
                        http.stream("GET", COMPUTES, params=params) as stream:
                    for line in stream.iter_lines():
                        event = json.loads(line)
                        body = event["object"]
                        version = body["metadata"].get("resourceVersion", version)
                        if event["type"] in ("ADDED", "MODIFIED", "DELETED"):
                            self._record(event["type"], body)

    def _record(self, kind: str, body: Mapping[str, Any]) -> None:
        with self._changed:
            if kind == "MODIFIED":
                self.modified += 1
            name = body["metadata"]["name"]
            if kind != "DELETED" and _ready(body):
                if name not in self.ready:
                    self.ready_at[name] = time.monotonic()
                self.ready.add(name)
            else:
                self.ready.discard(name)
            self._changed.notify_all()

    def wait_ready(
        self, count: int, *, timeout: float, among: Collection[str] | None = None
    ) -> float:
        """Block until ``count`` Computes (of ``among``, if given) are Ready.

        Returns the monotonic time it was noticed.
        """
        return self._wait(lambda ready: len(ready) >= count, timeout,
                          lambda ready: f"only {len(ready)} of {count} Ready",
                          among=among)  # fmt: skip

    def wait_gone(self, names: Collection[str], *, timeout: float) -> None:
        """Block until none of ``names`` is Ready any more (deleted, or not ready)."""
        self._wait(lambda ready: not ready, timeout,
                   lambda ready: f"{len(ready)} still there", among=names)  # fmt: skip

    def last_ready(self, names: Collection[str]) -> float:
        """The monotonic time the last of ``names`` became Ready."""
        with self._changed:
            return max(self.ready_at[name] for name in names)

    def _wait(self, done: Callable[[set[str]], bool], timeout: float,
              failure: Callable[[set[str]], str], *, among: Collection[str] | None) -> float:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not done(chosen := self.ready if among is None else self.ready & set(among)):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError(f"{failure(chosen)} after {timeout:.0f} s")
                self._changed.wait(min(left, 1.0))
        return time.monotonic()

    def stop(self) -> None:
        """Stop following (the thread ends with its next event or timeout)."""
        self._stop.set()


@dataclass
class World:
    """The started cluster, endpoint and (once started) operator of one benchmark."""

    workdir: Path
    cluster: Cluster
    endpoint_url: str
    watch: Watch
    endpoint: ChildProcess
    operator: ChildProcess | None = None

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) used so far by each process of the benchmark.

        ``bench`` is this process: the watch thread, the applies and the floors' writes.
        """
        processes = [*self.cluster.processes, self.endpoint]
        if self.operator is not None:
            processes.append(self.operator)
        ticks = os.sysconf("SC_CLK_TCK")
        used = {}
        for process in processes:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
                used[process.name] = (int(fields[11]) + int(fields[12])) / ticks
        used["bench"] = time.process_time()  # this script: its watch, applies, floors
        return used

    def start_operator(self, settings: Mapping[str, str]) -> ChildProcess:
        """``occi-operator run -A`` with ``settings`` (environment), healthy."""
        probe = free_port()
        environment = {**self.cluster.env(), **FAST, **settings, "PYTHONUNBUFFERED": "1",
                       "OCCI_OPERATOR_PROBE__HOST": "127.0.0.1",
                       "PYTHONPATH": str(ROOT / "operator")}  # fmt: skip
        self.operator = ChildProcess(
            "operator",
            [sys.executable, "-m", "occi_operator", "run", "--all-namespaces",
             "--probe-port", str(probe), "--log-level", "WARNING"],
            log=self.workdir / "operator.log", env=environment,
        )  # fmt: skip
        with httpx.Client(trust_env=False, timeout=2.0) as http:
            self.operator.wait_healthy(
                lambda: http.get(f"http://127.0.0.1:{probe}/healthz").status_code == 200,
                timeout=120,
            )
        return self.operator

    def apply(self, names: list[str]) -> None:
        """Create a Compute per name through the Kubernetes API (CONCURRENCY at once)."""

        async def create_all() -> None:
            async with httpx.AsyncClient(base_url=self.cluster.server, trust_env=False,
                                         timeout=60) as http:  # fmt: skip
                await post_computes(http, names)

        asyncio.run(create_all())

    def occi_requests(self) -> Counter[str]:
        """The endpoint's requests so far, by ``METHOD /path-shape``."""
        with httpx.Client(trust_env=False, timeout=10) as http:
            return Counter(http.get(self.endpoint_url.rstrip("/") + COUNTS_PATH).json())

    def events(self, about: Collection[str] | None = None) -> int:
        """Kubernetes Events in the namespace (each one a write), or only those ``about``."""
        with self.cluster.client() as http:
            items = http.get(f"/api/v1/namespaces/{NAMESPACE}/events").json()["items"]
        if about is None:
            return len(items)
        names = set(about)
        return sum(item["involvedObject"].get("name") in names for item in items)

    def rss_mib(self) -> float:
        """The operator's resident set size (VmRSS), in MiB."""
        if self.operator is None:
            raise RuntimeError("the operator is not running")
        for line in Path(f"/proc/{self.operator.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")


@contextlib.contextmanager
def bench_world(
    delay: float = 0.5, resync_period: str = "10m", rendering: str | None = JSON
) -> Iterator[World]:
    """A cluster with the CRDs, the counted endpoint (provisioning ``delay``) and a watch.

    ``resync_period`` is the OCCIEndpoint's ``defaultResyncPeriod``, which the objects
    on it follow; ``rendering`` its ``preferredRendering`` (None: the CRD's default,
    text/plain).
    """
    with tempfile.TemporaryDirectory(prefix="occi-bench-") as directory:
        workdir = Path(directory)
        binaries = cached_binaries()
        tier = "real" if binaries is not None else "emulated"
        port = free_port()
        endpoint = ChildProcess(
            "endpoint",
            [sys.executable, str(Path(__file__).resolve()), "endpoint", "--port", str(port),
             "--data", str(workdir / "endpoint"), "--provisioning-delay", str(delay)],
            log=workdir / "endpoint.log", env={**os.environ, "PYTHONPATH": str(ROOT / "operator")},
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/"
        world: World | None = None
        try:
            with httpx.Client(trust_env=False, timeout=2.0) as http:
                endpoint.wait_healthy(lambda: http.get(url + "-/").status_code == 200,
                                      timeout=60)  # fmt: skip
            with start_cluster(workdir / "cluster", binaries=binaries, tier=tier) as cluster:
                print(f"testbed tier: {tier}", flush=True)
                _prepare(cluster, url, resync_period, rendering)
                watch = Watch(cluster.server)
                watch.start()
                world = World(workdir, cluster, url, watch, endpoint)
                try:
                    yield world
                finally:
                    watch.stop()
                    if world.operator is not None:
                        world.operator.stop()
        finally:
            endpoint.stop()


def main() -> None:
    """``harness.py endpoint --port P --data D --provisioning-delay S`` (internal)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("endpoint")
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--data", type=Path, required=True)
    serve.add_argument("--provisioning-delay", type=float, default=0.5)
    args = parser.parse_args()
    serve_endpoint(args.port, args.data, args.provisioning_delay)


if __name__ == "__main__":
    main()
