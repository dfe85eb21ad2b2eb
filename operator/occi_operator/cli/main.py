"""The ``occi-operator`` entry point.

Commands arrive with the issues that build them (``run``, ``demo``, ``crds``,
``templates``, ``kinds``, ``check``); ``endpoint serve`` runs the embedded OCCI endpoint. Each
command lives in its own module and registers its parser here.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from occi_operator import __version__
from occi_operator.cli import check, crds, demo, endpoint, kinds, run, templates, testbed


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="occi-operator",
        description="Manage OCCI 1.2 infrastructure from Kubernetes.",
    )
    parser.add_argument("--version", action="version", version=f"occi-operator {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in (demo, run, endpoint, crds, testbed, templates, kinds, check):
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return 0
    return int(run(args))
