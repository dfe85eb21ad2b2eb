"""The metrics benchmark still runs (tiny counts), so it does not rot unnoticed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "metrics.py"


def test_metrics_benchmark_runs_and_prints_every_figure() -> None:
    """Exit code 0 and the four figures, warnings treated as errors."""
    result = subprocess.run(
        [sys.executable, "-W", "error", str(BENCH), "--objects", "50", "--requests", "200"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "50 objects, 200 OCCI requests, 5 kinds, 4 endpoints"
    assert [line.split("  ")[0] for line in lines[1:]] == [
        "per pass (status + outcome)", "per OCCI request (observer)", "one scrape of /metrics",
        "memory the metrics hold"]
