"""The ``occi-operator`` entry point.

Commands arrive with the issues that build them (``endpoint serve``, ``run``, ``demo``,
``crds``, ``templates``, ``check``); for now it answers ``--version``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from occi_operator import __version__


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="occi-operator",
        description="Manage OCCI 1.2 infrastructure from Kubernetes.",
    )
    parser.add_argument("--version", action="version", version=f"occi-operator {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    parser.parse_args(argv)
    parser.print_help()
    return 0
