"""``occi-operator check --endpoint URL``: a doctor for an OCCI endpoint.

Runs the checks of :func:`~.doctor.diagnose` (reachability, TLS, authentication, both
query paths, renderings, OCCI version, kinds, templates, contextualization) and shows
one row per check, ✓ fine, ! works but mind the hint, ✗ failed, - skipped because an
earlier check failed; the hints follow the table. ``--output json`` prints the same for
scripts. The exit code is :attr:`~.console.ExitCode.FAILURE` when any check failed (a
warning does not fail), :attr:`~.console.ExitCode.USAGE` or ``CONFIGURATION`` when the
flags are unusable. A thin shell: the checks live in :mod:`.doctor`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import asdict
from typing import TextIO

from occi_operator.occi.errors import redact_url

from .connection import add_endpoint_arguments, target_from
from .console import CommandError, Console, ExitCode, OutputFormat
from .doctor import Check, Status, diagnose

__all__ = ["add_parser", "run"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``check`` to the command line."""
    parser = commands.add_parser(
        "check",
        help="Check an OCCI endpoint: reachability, auth, renderings, version, templates.",
        description="Diagnose an OCCI endpoint the way the operator will use it; exits "
        "non-zero when a check fails.",
    )
    add_endpoint_arguments(parser)
    parser.add_argument("--output", choices=[f.value for f in OutputFormat],
                        default=OutputFormat.TABLE.value,
                        help="A table for people (default) or JSON for scripts.")
    parser.set_defaults(run=run)


def _show(console: Console, url: str, checks: list[Check]) -> None:
    console.line(f"OCCI endpoint {url}")
    console.table(("", "CHECK", "RESULT"),
                  [(check.status.mark, check.name, check.detail) for check in checks],
                  max_width=100)
    hints = [check for check in checks if check.hint and check.status is not Status.OK]
    if hints:
        console.line("")
        for check in hints:
            console.line(f"{check.status.mark} {check.name}: {check.hint}")
    failed = sum(check.status is Status.FAIL for check in checks)
    warned = sum(check.status is Status.WARN for check in checks)
    console.line("")
    console.line(f"{failed} failed, {warned} warning(s), "
                 f"{sum(check.status is Status.OK for check in checks)} passed")


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None
        ) -> int:
    """Run ``check``; returns an :class:`~.console.ExitCode`."""
    console = Console(out or sys.stdout, err or sys.stderr, prefix="occi-operator check")
    try:
        target = target_from(args)
    except CommandError as error:
        return console.fail(error)
    url = redact_url(target.config.url)
    with console.progress(f"checking {url}"):
        checks = asyncio.run(diagnose(target))
    ok = not any(check.status is Status.FAIL for check in checks)
    if args.output == OutputFormat.JSON:
        console.json({"endpoint": url, "ok": ok, "checks": [asdict(c) for c in checks]})
    else:
        _show(console, url, checks)
    return ExitCode.OK if ok else ExitCode.FAILURE
