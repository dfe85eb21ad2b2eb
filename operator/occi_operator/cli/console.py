"""What the commands print: tables, JSON, errors with their remedy, progress, exit codes.

Every command writes through one :class:`Console`: results to ``out`` (stdout), errors,
hints and progress to ``err`` (stderr), so ``--output json`` stays parseable while a
spinner turns. Progress is drawn only when ``err`` is a terminal; in a pipe or a test it
writes nothing. A command signals a failure it can explain by raising
:class:`CommandError` with the :class:`ExitCode` it maps to and a hint saying what to do.

This module knows nothing of OCCI; it must not import the rest of the project.
"""

from __future__ import annotations

import enum
import itertools
import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

__all__ = ["CommandError", "Console", "ExitCode", "OutputFormat", "render_table"]


class ExitCode(enum.IntEnum):
    """How a command ends; 0–3 mean what they mean for ``run`` and ``endpoint serve``."""

    OK = 0
    FAILURE = 1  # the command ran and found a problem (a failed check, an error answer)
    USAGE = 2  # the flags do not make sense together
    CONFIGURATION = 3  # a flag's value is unusable: a missing variable, an unreadable file
    UNREACHABLE = 4  # no HTTP answer: DNS, connection, TLS, timeout
    UNAUTHORIZED = 5  # the endpoint refused the credentials (401) or the access (403)


class OutputFormat(enum.StrEnum):
    """How results are printed: for people or for scripts."""

    TABLE = "table"
    JSON = "json"


class CommandError(Exception):
    """A failure the command explains: its message, what to do, and the exit code."""

    def __init__(self, message: str, *, hint: str = "", code: ExitCode = ExitCode.FAILURE) -> None:
        self.message = message
        self.hint = hint
        self.code = code
        super().__init__(message)


def render_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, max_width: int = 60
) -> str:
    """Rows under headers, columns padded to their widest cell (at most ``max_width``).

    Longer cells are cut with ``…``; the last column is never padded, so no line ends
    with spaces.
    """

    def cut(cell: str) -> str:
        cell = " ".join(cell.split())
        return cell if len(cell) <= max_width else cell[: max_width - 1] + "…"

    table = [[cut(cell) for cell in headers], *([cut(cell) for cell in row] for row in rows)]
    widths = [max(len(line[column]) for line in table) for column in range(len(headers))]
    lines = []
    for line in table:
        padded = [cell.ljust(width) for cell, width in zip(line[:-1], widths, strict=False)]
        lines.append("  ".join([*padded, line[-1]]).rstrip())
    return "\n".join(lines) + "\n"


class Console:
    """The output of one command run: ``out`` for results, ``err`` for everything else."""

    #: Spinner frames, and the seconds between two of them.
    FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
    INTERVAL = 0.1

    def __init__(self, out: TextIO, err: TextIO, *, prefix: str = "occi-operator") -> None:
        self.out = out
        self.err = err
        self.prefix = prefix

    def table(
        self, headers: Sequence[str], rows: Sequence[Sequence[str]], *, max_width: int = 60
    ) -> None:
        """Print a table of results (cells cut at ``max_width``)."""
        self.out.write(render_table(headers, rows, max_width=max_width))
        self.out.flush()

    def json(self, document: Any) -> None:
        """Print one JSON document (sorted keys off: the order is the command's)."""
        self.out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        self.out.flush()

    def line(self, text: str = "") -> None:
        """Print a line of result text."""
        print(text, file=self.out, flush=True)

    def error(self, message: str, hint: str = "") -> None:
        """Report a failure on stderr, with what to do about it."""
        print(f"{self.prefix}: error: {message}", file=self.err)
        if hint:
            print(f"{self.prefix}: hint: {hint}", file=self.err)
        self.err.flush()

    def note(self, message: str, hint: str = "") -> None:
        """Tell the user something on stderr that is not a failure."""
        print(f"{self.prefix}: {message}", file=self.err)
        if hint:
            print(f"{self.prefix}: hint: {hint}", file=self.err)
        self.err.flush()

    def fail(self, error: CommandError) -> int:
        """Report a :class:`CommandError` and return its exit code."""
        self.error(error.message, error.hint)
        return int(error.code)

    @property
    def interactive(self) -> bool:
        """True when ``err`` is a terminal, so progress may be drawn on it."""
        isatty = getattr(self.err, "isatty", None)
        return bool(isatty and isatty())

    @contextmanager
    def progress(self, message: str) -> Iterator[None]:
        """Show a spinner and ``message`` on stderr while the block runs (terminals only).

        The first frame is drawn at once and the line is wiped at the end, so nothing
        of the spinner is left above the results.
        """
        if not self.interactive:
            yield
            return
        done = threading.Event()
        lock = threading.Lock()

        def draw(frame: str) -> None:
            with lock:
                self.err.write(f"\r{frame} {message}")
                self.err.flush()

        def spin() -> None:
            for frame in itertools.cycle(self.FRAMES[1:] + self.FRAMES[:1]):
                if done.wait(self.INTERVAL):
                    return
                draw(frame)

        draw(self.FRAMES[0])
        spinner = threading.Thread(target=spin, name="progress", daemon=True)
        spinner.start()
        try:
            yield
        finally:
            done.set()
            spinner.join()
            with lock:
                self.err.write("\r" + " " * (len(message) + 2) + "\r")
                self.err.flush()
