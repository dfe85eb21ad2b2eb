"""``occi-operator demo``: the whole product on a laptop, converging before your eyes.

Starts, in order: the embedded OCCI endpoint (port 8765 unless taken), the testbed's
Kubernetes API server (built first if needed, with progress; the emulated tier when it
cannot be built, said loudly), the CRDs, the operator (``occi-operator run`` as a child
process, its log in the work directory) and the example stack of ``examples/`` pointed
at the endpoint. A table of the objects (kind, name, state, Ready, reason) is refreshed
every second until all are Ready; then the ``KUBECONFIG`` for kubectl is printed and the
demo keeps running until Ctrl-C (or SIGTERM), when it stops every process it started, in
reverse order. ``--exit-when-ready`` stops right after convergence (for tests and CI).

A thin shell over :mod:`occi_operator.testbed` and the project's own commands; it imports
no reconciler or endpoint code (both run as processes). Failures map to :class:`ExitCode`.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import httpx
import yaml

from occi_operator.api.crdgen import crd_for
from occi_operator.api.v1alpha1 import GROUP, VERSION
from occi_operator.api.v1alpha1.kinds import KINDS, MANAGED_KINDS
from occi_operator.testbed.build import build, cached_binaries
from occi_operator.testbed.cluster import TIER_ENV, Cluster, start_cluster
from occi_operator.testbed.errors import TestbedBuildError, TestbedError
from occi_operator.testbed.process import ChildProcess, free_port

__all__ = ["DEFAULT_PORT", "ExitCode", "add_parser", "run"]

DEFAULT_PORT = 8765
_CHECKOUT_EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
_STARTUP_TIMEOUT = 60.0
_REFRESH = 1.0


class ExitCode(enum.IntEnum):
    """How ``demo`` ends."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    NO_API_SERVER = 3
    NOT_READY = 4


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``demo`` to the command line."""
    parser = subparsers.add_parser(
        "demo",
        help="Run the endpoint, a local API server and the operator; apply examples/.",
        description="Start the embedded OCCI endpoint, a local Kubernetes API server and the "
        "operator, apply the example stack and show it converging; Ctrl-C stops it all.",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"Port of the OCCI endpoint (default {DEFAULT_PORT}; a free one "
                        "when taken or 0).")  # fmt: skip
    parser.add_argument("--examples", type=Path, metavar="DIR",
                        help="The manifests to apply (default: the checkout's examples/).")
    parser.add_argument("--workdir", type=Path, metavar="DIR",
                        help="Where data, logs and the kubeconfig go (default: a temporary "
                        "directory, removed at exit).")  # fmt: skip
    parser.add_argument("--exit-when-ready", action="store_true",
                        help="Stop everything and exit 0 as soon as every object is Ready.")
    parser.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS",
                        help="With --exit-when-ready: give up (exit 4) after this.")
    parser.set_defaults(run=run)


class _StopRequestedError(Exception):
    """Ctrl-C or SIGTERM: stop cleanly."""


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run the demo; returns the exit code."""
    console = out or sys.stdout
    examples: Path = args.examples or _CHECKOUT_EXAMPLES
    if not examples.is_dir():
        print(f"demo: no examples in {examples}; pass --examples DIR", file=console)
        return ExitCode.USAGE
    # SIGINT too, explicitly: a process started in the background by a non-interactive
    # shell inherits SIGINT as ignored, and Python then never raises KeyboardInterrupt.
    previous = {
        signum: signal.signal(signum, _raise_stop) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        with _workdir(args.workdir) as workdir, contextlib.ExitStack() as running:
            return _demo(args, examples, workdir, running, console)
    except (_StopRequestedError, KeyboardInterrupt):
        print("demo: stopped", file=console, flush=True)
        return ExitCode.OK
    except (TestbedError, httpx.HTTPError) as error:
        print(f"demo: {error}; everything started was stopped", file=console, flush=True)
        return ExitCode.FAILURE
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _raise_stop(signum: int, frame: object) -> None:
    raise _StopRequestedError


@contextlib.contextmanager
def _workdir(given: Path | None) -> Iterator[Path]:
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given.resolve()
        return
    temporary = Path(tempfile.mkdtemp(prefix="occi-demo-"))
    try:
        yield temporary
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _say(console: TextIO, message: str) -> None:
    print(f"demo: {message}", file=console, flush=True)


def _demo(
    args: argparse.Namespace,
    examples: Path,
    workdir: Path,
    running: contextlib.ExitStack,
    console: TextIO,
) -> int:
    port = args.port if args.port and _port_free(args.port) else free_port()
    if args.port and port != args.port:
        _say(console, f"port {args.port} is taken; the endpoint uses {port}")
    endpoint = _start(running, console, "endpoint", [
        "endpoint", "serve", "--port", str(port), "--data", str(workdir / "endpoint"),
        "--provisioning-delay", "0.2", "--log-level", "warning"], workdir)  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    with httpx.Client(trust_env=False, timeout=2.0) as http:
        endpoint.wait_healthy(lambda: http.get(f"{url}-/").status_code == 200,
                              timeout=_STARTUP_TIMEOUT)  # fmt: skip
    _say(console, f"OCCI endpoint at {url}")
    cluster = _start_cluster(workdir, console)
    if cluster is None:
        return ExitCode.NO_API_SERVER
    running.callback(cluster.stop)
    for process in cluster.processes:
        _say(console, f"started {process.name} (pid {process.pid})")
    cluster.register_crds([crd_for(info) for info in KINDS])
    _say(console, f"Kubernetes API at {cluster.server}; {len(KINDS)} CRDs established")
    # The probe endpoint on a free port of 127.0.0.1: 8080 may well be taken on a laptop.
    probe = free_port()
    operator = _start(running, console, "operator",
                      ["run", "--all-namespaces", "--probe-port", str(probe)], workdir,
                      env={**cluster.env(), "OCCI_OPERATOR_PROBE__HOST": "127.0.0.1"})  # fmt: skip
    stack = _copy_examples(examples, workdir / "examples", url)
    applied = _kubectl(cluster, "apply", "--validate=false", "-f", str(stack))
    _say(console, f"applied {stack}:\n{applied.rstrip()}")
    deadline = time.monotonic() + args.timeout if args.exit_when_ready else None
    failure = _converge(cluster, operator, console, deadline)
    if failure is not None:
        return failure
    print(f"export KUBECONFIG={cluster.kubeconfig}", file=console)
    _say(console, f"try: KUBECONFIG={cluster.kubeconfig} kubectl get occi")
    _say(console, f"operator log: {operator.log}")
    if args.exit_when_ready:
        _say(console, "stopping (--exit-when-ready)")
        return ExitCode.OK
    _say(console, "running; Ctrl-C stops everything")
    return _watch(cluster, operator, console)


def _converge(
    cluster: Cluster, operator: ChildProcess, console: TextIO, deadline: float | None
) -> ExitCode | None:
    """Show the table every second (when it changed) until every object is Ready."""
    shown = ""
    while True:
        if not operator.running():
            _say(console, f"THE OPERATOR EXITED; its log ends with:\n{operator.log_tail(30)}")
            return ExitCode.FAILURE
        rows = _rows(cluster)
        table = _table(rows)
        if table != shown:
            print(table, file=console, flush=True)
            shown = table
        if rows and all(row[3] == "True" for row in rows):
            _say(console, f"all {len(rows)} objects are Ready")
            return None
        if deadline is not None and time.monotonic() > deadline:
            _say(console, "not all objects are Ready in time; the operator log ends with:\n"
                 f"{operator.log_tail(30)}")  # fmt: skip
            return ExitCode.NOT_READY
        time.sleep(_REFRESH)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _start(
    running: contextlib.ExitStack,
    console: TextIO,
    name: str,
    arguments: list[str],
    workdir: Path,
    *,
    env: dict[str, str] | None = None,
) -> ChildProcess:
    """One of the project's own commands as a child process, stopped when the demo ends."""
    command = [sys.executable, "-m", "occi_operator", *arguments]
    process = ChildProcess(name, command, log=workdir / f"{name}.log", env=env)
    running.callback(process.stop)
    _say(console, f"started {name} (pid {process.pid}), log {process.log}")
    return process


def _start_cluster(workdir: Path, console: TextIO) -> Cluster | None:
    """The testbed, built first if needed; the emulated tier when it cannot be built."""
    tier = os.environ.get(TIER_ENV) or "real"
    binaries = None
    if tier == "real":
        binaries = cached_binaries()
        if binaries is None:
            _say(console, "building the local Kubernetes API server (a few minutes, once)")
            try:
                binaries = build(progress=lambda step: _say(console, f"testbed: {step}"))
            except TestbedBuildError as error:
                print("#" * 80, file=console)
                print(f"## NO REAL KUBERNETES API SERVER COULD BE BUILT: {error}", file=console)
                print("## THE DEMO RUNS ON THE EMULATED API TIER INSTEAD.", file=console)
                print("#" * 80, file=console, flush=True)
                tier = "emulated"
    try:
        cluster = start_cluster(workdir / "cluster", binaries=binaries, tier=tier)
    except TestbedError as error:
        _say(console, f"THE LOCAL API SERVER DID NOT START: {error}")
        return None
    if cluster.tier == "emulated":
        _say(console, "USING THE EMULATED API TIER (not a real Kubernetes API server)")
    return cluster


def _kubectl(cluster: Cluster, *arguments: str) -> str:
    done = subprocess.run(  # noqa: S603 - argument list, no shell
        cluster.kubectl_command(*arguments), capture_output=True, text=True, check=False,
        env=cluster.env(), timeout=120,
    )  # fmt: skip
    if done.returncode != 0:
        raise TestbedError(f"kubectl {' '.join(arguments)}: {done.stderr.strip()}")
    return done.stdout


def _copy_examples(source: Path, target: Path, url: str) -> Path:
    """The example manifests with the endpoint URL set to the running endpoint's."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.yaml")):
        text = path.read_text("utf-8")
        documents = [document for document in yaml.safe_load_all(text) if document]
        for document in documents:
            if document.get("kind") == "OCCIEndpoint" and "url" in document.get("spec", {}):
                document["spec"]["url"] = url
        (target / path.name).write_text(yaml.safe_dump_all(documents, sort_keys=False))
    return target


def _rows(cluster: Cluster) -> list[tuple[str, str, str, str, str]]:
    """(kind, namespace/name, state, Ready, reason) of every managed object."""
    rows = []
    with cluster.client() as http:
        for info in MANAGED_KINDS:
            answer = http.get(f"/apis/{GROUP}/{VERSION}/{info.plural}")
            items = answer.json().get("items", []) if answer.status_code == 200 else []
            for item in items:
                meta, status = item["metadata"], item.get("status") or {}
                ready: dict[str, Any] = next((c for c in status.get("conditions") or []
                              if c.get("type") == "Ready"), {})  # fmt: skip
                current = status.get("observedGeneration") == meta.get("generation")
                rows.append((info.kind, f"{meta.get('namespace')}/{meta['name']}",
                             str(status.get("state") or "-"),
                             str(ready.get("status", "-")) if current else "Unknown",
                             str(ready.get("reason") or "-")))  # fmt: skip
    return rows


def _table(rows: list[tuple[str, str, str, str, str]]) -> str:
    header = ("KIND", "NAME", "STATE", "READY", "REASON")
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
             for line in (header, *rows)]  # fmt: skip
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _watch(cluster: Cluster, operator: ChildProcess, console: TextIO) -> ExitCode:
    """Keep showing the table (when it changes) until interrupted or the operator exits."""
    shown = _table(_rows(cluster))
    while operator.running():
        time.sleep(_REFRESH)
        table = _table(_rows(cluster))
        if table != shown:
            print(table, file=console, flush=True)
            shown = table
    _say(console, f"THE OPERATOR EXITED; its log ends with:\n{operator.log_tail(30)}")
    return ExitCode.FAILURE
