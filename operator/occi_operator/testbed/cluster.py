"""A running testbed cluster: etcd, ``apiextensions-apiserver`` and the front (or the emulator).

:func:`start_cluster` starts the three processes in order on free ports of 127.0.0.1,
waits for each to be healthy (bounded polling), registers the private CRDs behind the
core kinds, creates the ``default`` namespace and writes a kubeconfig pointing at the
front, for kubectl and the Kubernetes clients. :class:`Cluster` is a context manager that
stops everything (SIGTERM, then SIGKILL) in reverse order. This module imports no other
operator code than the testbed's.
"""

from __future__ import annotations

import os
import shutil
import ssl
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import yaml

from occi_operator.testbed.build import TestbedBinaries, build, cached_binaries
from occi_operator.testbed.core import core_crds
from occi_operator.testbed.errors import TestbedStartError
from occi_operator.testbed.pki import Pki, make_pki
from occi_operator.testbed.process import ChildProcess, free_port

__all__ = ["TIER_ENV", "Cluster", "start_cluster"]

#: Chooses the tier when ``start_cluster`` is not told: ``real`` or ``emulated``.
TIER_ENV = "OCCI_TESTBED"

_DISABLED_ADMISSION = (
    "NamespaceLifecycle,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,"
    "ValidatingAdmissionPolicy,MutatingAdmissionPolicy"
)
_CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
_EMULATED_VERSION = "v1.36.0"
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the directory holding occi_operator/


@dataclass
class Cluster:
    """A started testbed; ``server`` is the front's URL, ``kubeconfig`` points at it."""

    workdir: Path
    server: str
    kubeconfig: Path
    kubectl: Path
    kubernetes_version: str
    tier: str = "real"
    processes: list[ChildProcess] = field(default_factory=list)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the front, the server and etcd, in that order; idempotent."""
        for process in reversed(self.processes):
            process.stop()

    def env(self) -> dict[str, str]:
        """The current environment plus ``KUBECONFIG`` (and kubectl's cache) for this cluster."""
        return {**os.environ, "KUBECONFIG": str(self.kubeconfig),
                "KUBECACHEDIR": str(self.workdir / "kube-cache")}  # fmt: skip

    def kubectl_command(self, *arguments: str) -> list[str]:
        """A kubectl command line against this cluster.

        kubectl caches discovery per host and port for hours; ports are reused between
        clusters, so each cluster gets its own cache directory.
        """
        return [str(self.kubectl), f"--kubeconfig={self.kubeconfig}",
                f"--cache-dir={self.workdir / 'kube-cache'}", *arguments]  # fmt: skip

    def client(self) -> httpx.Client:
        """A plain HTTP client for the front (callers close it)."""
        return httpx.Client(base_url=self.server, trust_env=False, timeout=30.0)

    def register_crds(self, crds: list[dict[str, Any]], *, timeout: float = 30.0) -> None:
        """Create (or replace) CRDs and wait until each is established and served."""
        with self.client() as http:
            for crd in crds:
                name = crd["metadata"]["name"]
                answer = http.post(_CRDS, json=crd)
                if answer.status_code == 409:
                    current = http.get(f"{_CRDS}/{name}").json()
                    crd = {**crd, "metadata": {**crd["metadata"],
                           "resourceVersion": current["metadata"]["resourceVersion"]}}  # fmt: skip
                    answer = http.put(f"{_CRDS}/{name}", json=crd)
                if answer.status_code not in (200, 201):
                    raise TestbedStartError("crds", f"{name}: {answer.status_code} {answer.text}")
            for crd in crds:
                _wait_served(http, crd, timeout=timeout)


def start_cluster(
    workdir: Path,
    *,
    binaries: TestbedBinaries | None = None,
    timeout: float = 60.0,
    tier: str | None = None,
) -> Cluster:
    """Start a cluster under ``workdir``; returns it.

    The ``real`` tier (default) runs etcd, the API server and the front; ``emulated`` runs
    the in-memory emulator instead. Without ``tier``, ``$OCCI_TESTBED`` chooses (``.ci/run``
    sets it to ``emulated`` when the real testbed could not be built).
    """
    chosen = tier or os.environ.get(TIER_ENV) or "real"
    if chosen == "emulated":
        return _start_emulated(workdir, timeout=timeout)
    if chosen != "real":
        raise TestbedStartError("cluster", f"{TIER_ENV} must be real or emulated, not {chosen!r}")
    tools = binaries or build()
    workdir.mkdir(parents=True, exist_ok=True)
    logs = workdir / "logs"
    logs.mkdir(exist_ok=True)
    pki = make_pki(workdir / "pki")
    version = _kubernetes_version(tools)
    front_port = free_port()
    cluster = Cluster(
        workdir=workdir,
        server=f"http://127.0.0.1:{front_port}",
        kubeconfig=workdir / "kubeconfig",
        kubectl=tools.kubectl,
        kubernetes_version=version,
    )
    try:
        etcd_url = _start_etcd(cluster, tools, logs, timeout=timeout)
        upstream = _start_apiserver(cluster, tools, pki, etcd_url, timeout=timeout)
        _start_front(cluster, pki, upstream, front_port, version, timeout=timeout)
        cluster.register_crds(core_crds(), timeout=timeout)
        _create_namespace(cluster, "default")
        _write_kubeconfig(cluster.kubeconfig, cluster.server)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _start_etcd(cluster: Cluster, tools: TestbedBinaries, logs: Path, *, timeout: float) -> str:
    client, peer = free_port(), free_port()
    client_url, peer_url = f"http://127.0.0.1:{client}", f"http://127.0.0.1:{peer}"
    etcd = ChildProcess(
        "etcd",
        [
            str(tools.etcd), "--name=testbed", f"--data-dir={cluster.workdir / 'etcd'}",
            f"--listen-client-urls={client_url}", f"--advertise-client-urls={client_url}",
            f"--listen-peer-urls={peer_url}", f"--initial-advertise-peer-urls={peer_url}",
            f"--initial-cluster=testbed={peer_url}", "--log-level=warn",
            "--unsafe-no-fsync",  # a throw-away store; fsync only slows the tests
        ],
        log=logs / "etcd.log",
    )  # fmt: skip
    cluster.processes.append(etcd)
    with httpx.Client(trust_env=False, timeout=2.0) as http:
        etcd.wait_healthy(
            lambda: http.get(f"{client_url}/health").json().get("health") == "true",
            timeout=timeout,
        )
    return client_url


def _start_apiserver(
    cluster: Cluster, tools: TestbedBinaries, pki: Pki, etcd_url: str, *, timeout: float
) -> str:
    port = free_port()
    # Upstream's integration-test trick: delegated authn/authz kubeconfigs pointing at a
    # port nobody serves; client certificates of system:masters still pass.
    dummy = cluster.workdir / "delegation.kubeconfig"
    _write_kubeconfig(dummy, "http://127.0.0.1:1")
    apiserver = ChildProcess(
        "apiextensions-apiserver",
        [
            str(tools.apiserver), f"--etcd-servers={etcd_url}",
            "--bind-address=127.0.0.1", f"--secure-port={port}",
            f"--cert-dir={cluster.workdir / 'certs'}",
            f"--tls-cert-file={pki.server_cert}", f"--tls-private-key-file={pki.server_key}",
            f"--client-ca-file={pki.ca_cert}", "--authentication-skip-lookup",
            f"--authentication-kubeconfig={dummy}", f"--authorization-kubeconfig={dummy}",
            f"--kubeconfig={dummy}", f"--disable-admission-plugins={_DISABLED_ADMISSION}",
            "--enable-priority-and-fairness=false",
        ],
        log=cluster.workdir / "logs" / "apiserver.log",
    )  # fmt: skip
    cluster.processes.append(apiserver)
    upstream = f"https://127.0.0.1:{port}"
    with _upstream_client(pki) as http:
        apiserver.wait_healthy(lambda: http.get(f"{upstream}/healthz").text == "ok",
                               timeout=timeout)  # fmt: skip
    return upstream


def _upstream_client(pki: Pki) -> httpx.Client:
    context = ssl.create_default_context(cafile=str(pki.ca_cert))
    context.load_cert_chain(str(pki.client_cert), str(pki.client_key))
    return httpx.Client(verify=context, trust_env=False, timeout=5.0)


def _start_front(
    cluster: Cluster, pki: Pki, upstream: str, port: int, version: str, *, timeout: float
) -> None:
    front = ChildProcess(
        "front",
        [
            sys.executable, "-m", "occi_operator.testbed.front", f"--port={port}",
            f"--upstream={upstream}", f"--ca-cert={pki.ca_cert}",
            f"--client-cert={pki.client_cert}", f"--client-key={pki.client_key}",
            f"--kubernetes-version={version}",
        ],
        log=cluster.workdir / "logs" / "front.log",
        env=_python_env(),
    )  # fmt: skip
    cluster.processes.append(front)
    with cluster.client() as http:
        front.wait_healthy(lambda: http.get("/healthz").text == "ok", timeout=timeout)


def _start_emulated(workdir: Path, *, timeout: float) -> Cluster:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "logs").mkdir(exist_ok=True)
    port = free_port()
    found = cached_binaries()
    kubectl = found.kubectl if found else Path(shutil.which("kubectl") or "kubectl")
    cluster = Cluster(
        workdir=workdir,
        server=f"http://127.0.0.1:{port}",
        kubeconfig=workdir / "kubeconfig",
        kubectl=kubectl,
        kubernetes_version=_EMULATED_VERSION,
        tier="emulated",
    )
    emulator = ChildProcess(
        "emulator",
        [sys.executable, "-m", "occi_operator.testbed.emulator.app", f"--port={port}",
         f"--kubernetes-version={_EMULATED_VERSION}"],
        log=workdir / "logs" / "emulator.log",
        env=_python_env(),
    )  # fmt: skip
    cluster.processes.append(emulator)
    try:
        with cluster.client() as http:
            emulator.wait_healthy(lambda: http.get("/healthz").text == "ok", timeout=timeout)
        _write_kubeconfig(cluster.kubeconfig, cluster.server)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _python_env() -> dict[str, str]:
    paths = [str(_PACKAGE_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def _wait_served(http: httpx.Client, crd: dict[str, Any], *, timeout: float) -> None:
    name = crd["metadata"]["name"]
    spec = crd["spec"]
    version = next(v["name"] for v in spec["versions"] if v.get("served", True))
    listing = f"/apis/{spec['group']}/{version}/{spec['names']['plural']}"
    deadline = time.monotonic() + timeout
    while True:
        status = http.get(f"{_CRDS}/{name}").json().get("status") or {}
        established = any(c.get("type") == "Established" and c.get("status") == "True"
                          for c in status.get("conditions") or [])  # fmt: skip
        if established and http.get(listing).status_code == 200:
            return
        if time.monotonic() > deadline:
            raise TestbedStartError("crds", f"{name} not established after {timeout:.0f} s")
        time.sleep(0.05)


def _create_namespace(cluster: Cluster, name: str) -> None:
    body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    with cluster.client() as http:
        answer = http.post("/api/v1/namespaces", json=body)
    if answer.status_code not in (201, 409):
        raise TestbedStartError("front", f"namespace {name}: {answer.status_code} {answer.text}")


def _write_kubeconfig(path: Path, server: str) -> None:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "testbed", "cluster": {"server": server}}],
        "users": [{"name": "testbed", "user": {}}],
        "contexts": [
            {"name": "testbed",
             "context": {"cluster": "testbed", "user": "testbed", "namespace": "default"}}
        ],
        "current-context": "testbed",
    }  # fmt: skip
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def _kubernetes_version(tools: TestbedBinaries) -> str:
    """``v1.N.P`` from the library version (0.N.P) the server was built from."""
    library = tools.versions.get("golang-k8s-apiextensions-apiserver-dev", "")
    parts = library.split("-")[0].split(".")
    if len(parts) >= 3 and parts[0] == "0":
        return f"v1.{parts[1]}.{parts[2]}"
    return "v1.0.0"
