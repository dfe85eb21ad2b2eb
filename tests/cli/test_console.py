"""The console the commands print through: tables, errors with hints, progress."""

from __future__ import annotations

import io

import pytest

from occi_operator.cli.console import CommandError, Console, ExitCode, render_table


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_columns_are_as_wide_as_their_widest_cell() -> None:
    table = render_table(("A", "LONGER"), [("wide cell", "x"), ("y", "z")])
    assert table.splitlines() == ["A          LONGER", "wide cell  x", "y          z"]


def test_long_cells_are_cut_and_no_line_ends_with_spaces() -> None:
    table = render_table(("NAME", "NOTE"), [("a" * 12, ""), ("b", "multi\nline")], max_width=8)
    lines = table.splitlines()
    assert lines[1] == "aaaaaaa…"
    assert lines[2] == "b         multi l…"  # newlines fold to spaces, then the cut
    assert all(line == line.rstrip() for line in lines)


def test_a_command_error_prints_message_and_hint_and_gives_its_code() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = Console(out, err, prefix="cmd").fail(
        CommandError("it broke", hint="do this", code=ExitCode.UNREACHABLE))
    assert code == 4
    assert err.getvalue() == "cmd: error: it broke\ncmd: hint: do this\n"
    assert out.getvalue() == ""


def test_no_progress_is_drawn_when_stderr_is_not_a_terminal() -> None:
    err = io.StringIO()
    with Console(io.StringIO(), err).progress("working"):
        pass
    assert err.getvalue() == ""


def test_progress_on_a_terminal_draws_and_then_wipes_its_line() -> None:
    err = Terminal()
    with Console(io.StringIO(), err).progress("working"):
        assert err.getvalue().startswith("\r⠋ working")
    assert err.getvalue().endswith("\r" + " " * len("⠋ working") + "\r")


def test_progress_is_wiped_when_the_work_fails() -> None:
    err = Terminal()
    with pytest.raises(RuntimeError), Console(io.StringIO(), err).progress("working"):
        raise RuntimeError("boom")
    assert err.getvalue().endswith("\r")
