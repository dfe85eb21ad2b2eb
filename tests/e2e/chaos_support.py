"""Processes the chaos tests break on purpose: a private cluster, endpoint and operator.

The session's shared operator and endpoint must never be killed (other tests use them),
and the session's operator watches every namespace of the session's cluster. The chaos
tests therefore run on a cluster of their own (:func:`private_cluster`), with:

* :class:`Endpoint`: ``occi-operator endpoint serve`` on a port and data directory that
  survive a kill, so a restart brings back the same cloud at the same URL; faults are
  switched through its ``PUT /-/faults`` admin path;
* :class:`Operator`: ``occi-operator run`` for one namespace, killed with SIGKILL and
  started again on demand; its log accumulates across restarts;
* :func:`marked_computes`: what the endpoint holds, grouped by the operator's marker.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import yaml
from e2e_kube import Kubectl, wait_until
from e2e_services import FAST_OPERATOR_TIMINGS, STARTUP_TIMEOUT, Remote, cli_command

from occi_operator.testbed.build import cache_root, cached_binaries
from occi_operator.testbed.cluster import TIER_ENV, Cluster, start_cluster
from occi_operator.testbed.process import ChildProcess, free_port

ROOT = Path(__file__).resolve().parents[2]
COMPUTE = "computes.occi.occi-operator.dev"
MARKER_PREFIX = "occi-operator uid="
CORE_SUMMARY = "occi.core.summary"
COMPUTE_KIND = "http://schemas.ogf.org/occi/infrastructure#compute"


def private_cluster(workdir: Path) -> Cluster:
    """A testbed cluster of the chaos tests' own, with the project's CRDs established."""
    tier = os.environ.get(TIER_ENV, "")
    if tier != "emulated" and cached_binaries() is None:
        print(f"\nNO TESTBED BINARIES IN {cache_root()}: THE CHAOS TESTS RUN ON THE "
              "EMULATED API TIER", file=sys.stderr)  # fmt: skip
        tier = "emulated"
    cluster = start_cluster(workdir, binaries=cached_binaries(), tier=tier or "real")
    try:
        kubectl = Kubectl(cluster.kubectl_command(), cluster.env())
        kubectl("apply", "--server-side", "-f", str(ROOT / "crds"))
        names = [yaml.safe_load(path.read_text())["metadata"]["name"]
                 for path in sorted((ROOT / "crds").glob("*.yaml"))]  # fmt: skip
        kubectl("wait", "--for=condition=Established", "--timeout=60s",
                *(f"crd/{name}" for name in names))  # fmt: skip
        wait_until(lambda: kubectl.run("get", "occi", "-A").returncode == 0,
                   what="the occi category to be served", timeout=60)  # fmt: skip
    except BaseException:
        cluster.stop()
        raise
    return cluster


def conflicts(cluster: Cluster, settings: Mapping[str, Any]) -> dict[str, Any]:
    """Set the front's made-up 409 Conflicts (``PUT /-/testbed/conflicts``); their counts."""
    with cluster.client() as http:
        answer = http.put("/-/testbed/conflicts", json=dict(settings))
    assert answer.status_code == 200, answer.text
    counts: dict[str, Any] = answer.json()
    return counts


def conflict_counts(cluster: Cluster) -> dict[str, Any]:
    """The front's conflict settings and counts."""
    with cluster.client() as http:
        counts: dict[str, Any] = http.get("/-/testbed/conflicts").json()
    return counts


class Endpoint:
    """The embedded endpoint on a fixed port and data directory, killable and restartable."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: ChildProcess | None = None
        self.start()

    def start(self) -> None:
        """Start (again) on the same port and data; waits until it answers."""
        arguments = ["endpoint", "serve", "--port", str(self.port),
                     "--data", str(self.workdir / "data"), "--provisioning-delay", "0.2",
                     "--log-level", "warning"]  # fmt: skip
        self.process = ChildProcess("chaos-endpoint", cli_command(*arguments),
                                    log=self.workdir / "endpoint.log")  # fmt: skip
        with httpx.Client(trust_env=False, timeout=2.0) as http:
            self.process.wait_healthy(lambda: http.get(f"{self.url}-/").status_code == 200,
                                      timeout=STARTUP_TIMEOUT)  # fmt: skip

    def kill(self) -> None:
        """SIGKILL, and wait until it is gone (its port is closed)."""
        if self.process is not None and self.process.running():
            os.kill(self.process.pid, signal.SIGKILL)
            wait_until(lambda: not self.process or not self.process.running(),
                       what="the endpoint to die", timeout=10)  # fmt: skip

    def stop(self) -> None:
        """SIGTERM then SIGKILL; idempotent."""
        if self.process is not None:
            self.process.stop()

    def faults(self, settings: Mapping[str, Any]) -> None:
        """Replace the fault settings (retried: the admin path may meet its own faults)."""

        def put() -> bool:
            with httpx.Client(trust_env=False, timeout=5.0) as http:
                try:
                    return http.put(f"{self.url}-/faults", json=dict(settings)).status_code == 200
                except httpx.HTTPError:
                    return False

        wait_until(put, what="the endpoint to take the fault settings", timeout=20)

    def remote(self) -> Remote:
        """A client view of what the endpoint holds."""
        return Remote(self.url)


class Operator:
    """``occi-operator run`` for one namespace; killed and restarted by the test."""

    def __init__(self, workdir: Path, cluster: Cluster, namespace: str,
                 extra_env: Mapping[str, str] | None = None) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.log = workdir / "operator.log"
        self.env = {**cluster.env(), **FAST_OPERATOR_TIMINGS, "PYTHONUNBUFFERED": "1",
                    "OCCI_OPERATOR_PROBE__HOST": "127.0.0.1", **(extra_env or {})}  # fmt: skip
        self.namespace = namespace
        self.process: ChildProcess | None = None
        self.starts = 0

    def start(self) -> None:
        """Start a new operator process; waits until its probe answers."""
        probe = free_port()
        command = cli_command("run", "--namespace", self.namespace, "--probe-port", str(probe),
                              "--log-level", "INFO")  # fmt: skip
        self.process = ChildProcess("chaos-operator", command, log=self.log, env=self.env)
        self.starts += 1
        url = f"http://127.0.0.1:{probe}/healthz"
        with httpx.Client(trust_env=False, timeout=2.0) as http:
            self.process.wait_healthy(lambda: http.get(url).status_code == 200,
                                      timeout=STARTUP_TIMEOUT)  # fmt: skip

    def kill(self) -> None:
        """``kill -9`` and wait until the process is gone."""
        process = self.process
        if process is None or not process.running():
            return
        os.kill(process.pid, signal.SIGKILL)
        wait_until(lambda: not process.running(), what="the operator to die", timeout=10)

    def stop(self) -> None:
        """SIGTERM then SIGKILL; idempotent."""
        if self.process is not None:
            self.process.stop()

    def dead(self) -> str | None:
        """None while running; else the tail of its log."""
        if self.process is None or self.process.running():
            return None
        return f"the operator exited; its log ends with:\n{self.process.log_tail(40)}"

    def log_size(self) -> int:
        """The log's size in bytes now (an offset for :meth:`log_since`)."""
        return self.log.stat().st_size if self.log.exists() else 0

    def log_since(self, offset: int) -> list[str]:
        """The log lines written after ``offset``."""
        with self.log.open("rb") as handle:
            handle.seek(offset)
            return handle.read().decode(errors="replace").splitlines()


def endpoint_object(url: str) -> dict[str, Any]:
    """The namespace's OCCIEndpoint ``chaos`` (limits high enough not to pace the test)."""
    return {"apiVersion": "occi.occi-operator.dev/v1alpha1", "kind": "OCCIEndpoint",
            "metadata": {"name": "chaos"},
            "spec": {"url": url, "auth": "none", "preferredRendering": "text/plain",
                     "limits": {"maxConcurrentRequests": 16, "requestsPerSecond": 500,
                                "burst": 500}}}  # fmt: skip


def namespace_with_endpoint(cluster: Cluster, namespace: str, url: str) -> Kubectl:
    """Create ``namespace`` with the OCCIEndpoint ``chaos`` for ``url``; kubectl bound to it."""
    kube = Kubectl(cluster.kubectl_command(), cluster.env())
    manifest = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}
    kube("apply", "--validate=false", "-f", "-", stdin=yaml.safe_dump(manifest))
    kube = kube.in_namespace(namespace)
    kube("apply", "--validate=false", "-f", "-", stdin=yaml.safe_dump(endpoint_object(url)))
    return kube


def computes(count: int, *, prefix: str = "vm") -> list[dict[str, Any]]:
    """``count`` small Compute objects on the endpoint ``chaos``, deleted with their object."""
    return [{"apiVersion": "occi.occi-operator.dev/v1alpha1", "kind": "Compute",
             "metadata": {"name": f"{prefix}-{number:02d}"},
             "spec": {"endpointRef": {"name": "chaos"},
                      "managedOptions": {"onDelete": "delete"},
                      "resource": {"osTemplate": "cirros", "resourceTemplate": "small"}}}
            for number in range(count)]  # fmt: skip


def apply_documents(kube: Kubectl, path: Path, documents: list[dict[str, Any]]) -> None:
    """Write ``documents`` to ``path`` and ``kubectl apply`` them at once."""
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False))
    kube.apply(path)


def compute_list(kube: Kubectl) -> list[dict[str, Any]]:
    """Every Compute of the namespace, as JSON."""
    items: list[dict[str, Any]] = json.loads(kube("get", COMPUTE, "-o", "json"))["items"]
    return items


def marked_computes(remote: Remote) -> dict[str, list[str]]:
    """The endpoint's computes by the operator's marker in their summary (``""``: none)."""
    found: dict[str, list[str]] = {}
    for location in sorted(remote.locations(COMPUTE_KIND)):
        entity = remote.get(location)
        if entity is None:
            continue
        summary = str(entity.all_attributes().get(CORE_SUMMARY) or "")
        marker = summary if summary.startswith(MARKER_PREFIX) else ""
        found.setdefault(marker, []).append(location)
    return found


def settle_deadline(seconds: float) -> float:
    """A monotonic deadline ``seconds`` from now (for loops that are not a single wait)."""
    return time.monotonic() + seconds
