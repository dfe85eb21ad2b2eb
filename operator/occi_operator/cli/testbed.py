"""``occi-operator testbed build|up``: the Kubernetes API the end-to-end tests run against.

``build`` makes (or finds in the cache) the API server, etcd and kubectl binaries and
prints where they are; ``up`` starts a cluster, prints its ``KUBECONFIG`` and runs until
Ctrl-C. A thin shell over :mod:`occi_operator.testbed`; failures map to :class:`ExitCode`.
"""

from __future__ import annotations

import argparse
import enum
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import TextIO

from occi_operator.testbed.build import TestbedBinaries, build, cache_root
from occi_operator.testbed.cluster import Cluster, start_cluster
from occi_operator.testbed.errors import TestbedBuildError, TestbedStartError

__all__ = ["ExitCode", "add_parser", "run"]


class ExitCode(enum.IntEnum):
    """How ``testbed`` commands end."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    BUILD_FAILED = 3
    START_FAILED = 4


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``testbed build`` and ``testbed up`` to the command line."""
    testbed = subparsers.add_parser(
        "testbed", help="A real Kubernetes API server for custom resources, for tests and demos."
    )
    testbed.set_defaults(run=run, testbed_command=None)
    actions = testbed.add_subparsers(dest="testbed_command", metavar="COMMAND")
    building = actions.add_parser(
        "build",
        help="Build the testbed binaries from Debian sid (cached; a few minutes the first time).",
    )
    building.add_argument(
        "--cache", type=Path, metavar="DIR",
        help=f"Cache directory (default: $OCCI_TESTBED_CACHE or {cache_root()}).",
    )  # fmt: skip
    up = actions.add_parser(
        "up", help="Start etcd, the API server and the front; print KUBECONFIG; stop on Ctrl-C."
    )
    up.add_argument("--cache", type=Path, metavar="DIR", help="Cache directory of the build.")
    up.add_argument(
        "--workdir", type=Path, metavar="DIR",
        help="Where the cluster keeps its data, certificates and logs (default: a temporary "
        "directory, removed at exit).",
    )  # fmt: skip


def run(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    """Run ``testbed build`` or ``testbed up``; returns the exit code."""
    console = out or sys.stdout
    command = getattr(args, "testbed_command", None)
    if command == "build":
        return _build(args.cache, console)
    if command == "up":
        return _up(args.cache, args.workdir, console)
    print("usage: occi-operator testbed {build,up}", file=console)
    return ExitCode.USAGE


def _built(cache: Path | None, console: TextIO) -> TestbedBinaries | None:
    """The testbed's binaries, built or found in the cache; None (said why) on failure."""
    try:
        return build(cache, progress=lambda step: print(f"testbed: {step}", file=console,
                                                           flush=True))  # fmt: skip
    except TestbedBuildError as error:
        print(f"testbed: {error}", file=console, flush=True)
        return None


def _build(cache: Path | None, console: TextIO) -> int:
    binaries = _built(cache, console)
    if binaries is None:
        return ExitCode.BUILD_FAILED
    print(f"testbed: binaries in {binaries.directory}", file=console)
    for package, version in sorted(binaries.versions.items()):
        if package in ("golang-k8s-apiextensions-apiserver-dev", "etcd-server", "kubectl"):
            print(f"testbed:   {package} {version}", file=console)
    return ExitCode.OK


def _up(cache: Path | None, workdir: Path | None, console: TextIO) -> int:
    binaries = _built(cache, console)
    if binaries is None:
        return ExitCode.BUILD_FAILED
    with tempfile.TemporaryDirectory(prefix="occi-testbed-") as temporary:
        try:
            cluster = start_cluster(workdir or Path(temporary), binaries=binaries)
        except TestbedStartError as error:
            print(f"testbed: {error}", file=console, flush=True)
            return ExitCode.START_FAILED
        with cluster:
            print(f"testbed: API at {cluster.server} (Kubernetes {cluster.kubernetes_version})",
                  file=console)  # fmt: skip
            print(f"export KUBECONFIG={cluster.kubeconfig}", file=console)
            print("testbed: running; Ctrl-C stops it", file=console, flush=True)
            dead = _wait_for_interrupt(cluster)
        if dead:
            print(f"testbed: {dead} exited; cluster stopped", file=console)
            return ExitCode.FAILURE
        print("testbed: stopped", file=console)
    return ExitCode.OK


def _wait_for_interrupt(cluster: Cluster) -> str:
    """Block until Ctrl-C or SIGTERM (returns "") or until a process dies (its name)."""
    stopped = threading.Event()
    # Both signals are handled explicitly: a process started in the background by a
    # non-interactive shell inherits SIGINT as ignored, and Python then never raises
    # KeyboardInterrupt for it.
    previous = {
        signum: signal.signal(signum, lambda *_: stopped.set())
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        while not stopped.wait(1.0):
            for process in cluster.processes:
                if not process.running():
                    return process.name
    except KeyboardInterrupt:
        pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return ""
