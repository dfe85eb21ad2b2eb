"""``occi-operator crds``: print, write or check the CRDs generated from the API models.

``occi-operator crds`` prints every CRD to stdout (a multi-document YAML stream, ready for
``kubectl apply -f -``); ``--output DIR`` writes one file per kind and removes leftovers;
``--output DIR --check`` changes nothing and exits 1 when DIR differs from the models.
A thin shell over :mod:`occi_operator.api.crdgen`.
"""

from __future__ import annotations

import argparse
import enum
import sys
from pathlib import Path
from typing import TextIO

from occi_operator.api.crdgen import render_all, stale_files, write_all

__all__ = ["ExitCode", "add_parser", "run"]

HINT = "run `occi-operator crds --output crds` and commit the result"


class ExitCode(enum.IntEnum):
    """How ``crds`` ends."""

    OK = 0
    OUT_OF_DATE = 1
    USAGE = 2


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``crds`` to the command line."""
    parser = subparsers.add_parser(
        "crds",
        help="Print, write or check the CustomResourceDefinitions.",
        description="Generate the CRDs from the API models: to stdout, into a directory, "
        "or check that a directory is up to date.",
    )
    parser.add_argument(
        "--output", metavar="DIR", type=Path, help="Write one YAML file per kind into DIR."
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="With --output: change nothing, exit 1 when DIR differs from the models.",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``crds``; returns an :class:`ExitCode`."""
    out = out or sys.stdout
    err = err or sys.stderr
    directory: Path | None = args.output
    if directory is None:
        if args.check:
            print("crds: --check needs --output DIR", file=err)
            return ExitCode.USAGE
        out.write("---\n".join(render_all().values()))
        return ExitCode.OK
    if args.check:
        stale = stale_files(directory)
        for name in stale:
            print(f"out of date: {directory / name}", file=err)
        if stale:
            print(f"crds: {len(stale)} file(s) differ from the models; {HINT}", file=err)
            return ExitCode.OUT_OF_DATE
        print(f"crds: {directory} is up to date", file=out)
        return ExitCode.OK
    for name in write_all(directory):
        print(f"wrote {directory / name}", file=out)
    return ExitCode.OK
