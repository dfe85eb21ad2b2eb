"""``occi-operator run``: run the operator (kopf) against a Kubernetes API server.

A thin shell: the flags given become keyword arguments of
:class:`~occi_operator.reconciler.settings.OperatorSettings` (so the environment and the
configuration file still apply underneath), then
:func:`~occi_operator.reconciler.handlers.run_operator` runs until SIGINT or SIGTERM.
Failures map to :class:`ExitCode` here; no secret is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import enum
import sys
from typing import Any

from pydantic import ValidationError
from pydantic_settings import SettingsError

from occi_operator.reconciler.settings import OperatorSettings

__all__ = ["ExitCode", "add_parser", "run", "settings_from"]


class ExitCode(enum.IntEnum):
    """How ``run`` ends."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    CONFIGURATION = 3


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``run`` to the command line."""
    parser = commands.add_parser(
        "run",
        help="Run the operator against a Kubernetes API server.",
        description="Run the occi-operator (kopf) until interrupted. Standalone by default.",
    )
    parser.add_argument("--kubeconfig", metavar="FILE",
                        help="The kubeconfig file (default: $KUBECONFIG or ~/.kube/config).")
    parser.add_argument("--context", help="The kubeconfig context (default: the current one).")
    parser.add_argument("--in-cluster", action="store_true", default=None,
                        help="Use the pod's service account instead of a kubeconfig.")
    parser.add_argument("-n", "--namespace", action="append", dest="namespaces",
                        metavar="NAMESPACE",
                        help="A namespace (or glob) to watch; repeat for several.")
    parser.add_argument("-A", "--all-namespaces", action="store_true",
                        help="Watch every namespace (the default when no --namespace is given).")
    parser.add_argument("-l", "--selector",
                        help="Only handle objects matching this label selector (shard=a).")
    parser.add_argument("--peering", metavar="NAME",
                        help="Run with kopf peering under NAME: active/standby between replicas.")
    parser.add_argument("--priority", type=int,
                        help="This replica's peering priority (the highest live one is active).")
    parser.add_argument("--random-priority", action="store_true", default=None,
                        help="Pick this replica's peering priority at random (Deployments).")
    parser.add_argument("--standalone", action="store_true",
                        help="Run without peering (the default).")
    parser.add_argument("--probe-port", type=int, metavar="PORT",
                        help="Port of the liveness/readiness endpoint GET /healthz "
                        "(default 0: off; the Helm chart uses 8080).")
    parser.add_argument("--metrics-port", type=int, metavar="PORT",
                        help="Port of the Prometheus metrics endpoint GET /metrics "
                        "(default 0: off; the Helm chart uses 9090).")
    parser.add_argument("--operator-namespace", metavar="NAMESPACE",
                        help="Where the Secrets of ClusterOCCIEndpoints live.")
    parser.add_argument("--resync-period", type=float, metavar="SECONDS",
                        help="Default seconds between reads of a remote resource.")
    parser.add_argument("--log-format", choices=("text", "json"), help="Log line format.")
    parser.add_argument("--log-level", choices=("DEBUG", "INFO", "WARNING", "ERROR"),
                        help="Log level.")
    parser.add_argument("--config", metavar="FILE", help="A YAML file of operator settings.")
    parser.set_defaults(run=run)



def settings_from(args: argparse.Namespace) -> OperatorSettings:
    """The settings the flags ask for (only the flags given; env and file underneath)."""
    given: dict[str, Any] = {}
    kubernetes = {
        key: value
        for key, value in (
            ("kubeconfig", args.kubeconfig), ("context", args.context),
            ("in_cluster", args.in_cluster),
        )
        if value is not None
    }
    if kubernetes:
        given["kubernetes"] = kubernetes
    watch: dict[str, Any] = {}
    if args.namespaces and not args.all_namespaces:
        watch["namespaces"] = tuple(args.namespaces)
    elif args.all_namespaces:
        watch["namespaces"] = ()
    if args.selector:
        watch["label_selector"] = args.selector
    if watch:
        given["watch"] = watch
    peering: dict[str, Any] = {}
    if args.peering:
        peering.update(standalone=False, name=args.peering)
    if args.priority is not None:
        peering["priority"] = args.priority
    if args.random_priority:
        peering["random_priority"] = True
    if args.standalone:
        peering["standalone"] = True
    if peering:
        given["peering"] = peering
    if args.probe_port is not None:
        given["probe"] = {"port": args.probe_port}
    if args.metrics_port is not None:
        given["metrics"] = {"port": args.metrics_port}
    if args.resync_period is not None:
        given["resync"] = {"default_period": args.resync_period}
    for flag, field in (
        ("operator_namespace", "operator_namespace"), ("log_format", "log_format"),
        ("log_level", "log_level"), ("config", "config"),
    ):
        value = getattr(args, flag)
        if value is not None:
            given[field] = value
    return OperatorSettings(**given)


def run(args: argparse.Namespace) -> int:
    """Run the operator until interrupted; returns the exit code."""
    if args.peering and args.standalone:
        print("occi-operator run: --peering and --standalone exclude each other",
              file=sys.stderr)
        return ExitCode.USAGE
    try:
        settings = settings_from(args)
    except (ValidationError, SettingsError, ValueError) as exc:
        print(f"occi-operator run: invalid settings: {exc}", file=sys.stderr)
        return ExitCode.CONFIGURATION
    from occi_operator.reconciler.handlers import run_operator

    try:
        asyncio.run(run_operator(settings))
    except KeyboardInterrupt:
        return ExitCode.OK
    except Exception as exc:  # the process edge: report, never a traceback with secrets
        print(f"occi-operator run: {type(exc).__name__}: {exc}", file=sys.stderr)
        return ExitCode.FAILURE
    return ExitCode.OK
