"""The endpoint benchmark still runs (tiny count), so it does not rot unnoticed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "endpoint.py"


def test_endpoint_benchmark_runs_and_prints_every_row() -> None:
    """Exit code 0, the bare baseline and one row per operation and rendering."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "operator")}
    result = subprocess.run(
        [sys.executable, "-W", "error", str(BENCH), "--count", "5"],
        capture_output=True, text=True, timeout=120, check=False, env=environment,
    )
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()[2:] if line.strip()]
    assert [row[:2] for row in rows] == [
        ["get", "bare"],
        ["create", "text/plain"],
        ["get", "text/plain"],
        ["create", "application/occi+json"],
        ["get", "application/occi+json"],
    ]
    assert result.stdout.startswith("5 requests per row")
