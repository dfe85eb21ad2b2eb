"""The store keeps every acknowledged write through a SIGKILL, and two processes share a file.

The writers are real processes (``store_writer.py`` beside this file): the test reads their
acknowledgements line by line and kills the writer after K of them, with no sleeps. The
benchmark under ``bench/`` runs once with a tiny count so that it keeps working.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from occi_operator.endpoint.store import Store, Synchronous

ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("store_writer.py")
COMPUTE = "http://schemas.ogf.org/occi/infrastructure#compute"


def _writer(
    database: Path, count: int, synchronous: Synchronous, prefix: str, *, barrier: bool = False
) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "operator")}
    arguments = [str(database), str(count), synchronous.value, prefix]
    return subprocess.Popen(
        [sys.executable, str(WRITER), *arguments, *(["--barrier"] if barrier else [])],
        stdin=subprocess.PIPE if barrier else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def _integrity(database: Path) -> str:
    with closing(sqlite3.connect(database)) as raw:
        (verdict,) = raw.execute("PRAGMA integrity_check").fetchone()
    return str(verdict)


@pytest.mark.parametrize(
    "synchronous",
    [
        pytest.param(Synchronous.NORMAL, id="normal-survives-a-killed-process"),
        pytest.param(Synchronous.FULL, id="full-survives-a-killed-process"),
    ],
)
def test_every_acknowledged_write_survives_sigkill(
    tmp_path: Path, synchronous: Synchronous
) -> None:
    database = tmp_path / "store.sqlite3"
    wanted = 40
    writer = _writer(database, 1_000_000, synchronous, "killed")
    assert writer.stdout is not None
    try:
        assert writer.stdout.readline() == "open\n", writer.stderr.read() if writer.stderr else ""
        acknowledged: list[str] = []
        while len(acknowledged) < wanted:
            line = writer.stdout.readline()
            assert line, "the writer stopped before it was killed"
            acknowledged.append(line.strip())
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.kill()
        writer.communicate()
    assert writer.returncode == -signal.SIGKILL

    with Store.open(database) as reopened:
        missing = [location for location in acknowledged if reopened.get(location) is None]
        assert missing == []
        assert reopened.count(COMPUTE) >= wanted  # and maybe a few never acknowledged
    assert _integrity(database) == "ok"


def test_two_processes_can_open_and_write_one_new_file_at_once(tmp_path: Path) -> None:
    database = tmp_path / "shared.sqlite3"
    writers = [
        _writer(database, 150, Synchronous.NORMAL, name, barrier=True)
        for name in ("left", "right")
    ]
    for writer in writers:  # both have the file open before either writes
        assert writer.stdout is not None
        assert writer.stdout.readline() == "open\n"
    for writer in writers:  # then both write at once
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    outputs = [writer.communicate(timeout=120) for writer in writers]
    for writer, (_, errors) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, errors
    acknowledged = [line for out, _ in outputs for line in out.splitlines()]
    assert len(acknowledged) == 300

    with Store.open(database) as reopened:
        assert reopened.count(COMPUTE) == 300
        for prefix in ("left", "right"):
            assert reopened.count(COMPUTE, attributes={"occi.core.title": f"{prefix}-149"}) == 1
    assert _integrity(database) == "ok"


def test_the_store_benchmark_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "store.py"), "--count", "50",
         "--directory", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT / "operator")},
    )
    assert result.returncode == 0, result.stderr
    assert "puts/s" in result.stdout
    assert "gets/s" in result.stdout
