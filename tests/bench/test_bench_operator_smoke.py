"""The operator benchmarks still run (three Computes each), so they do not rot unnoticed.

Each starts the testbed cluster, the embedded endpoint and the operator as processes, so
each takes tens of seconds; the numbers they print are not checked, only that they print
every figure.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize(("script", "arguments", "figures"), [
    ("converge.py", ["--count", "3", "--timeout", "120"],
     ["direct-client floor", "Kubernetes floor, 1 write", "Kubernetes floor, operator's writes",
      "operator", "ratio operator / direct-client", "ratio operator / Kubernetes"]),
    ("resync.py", ["--count", "3", "--period", "5", "--periods", "1", "--timeout", "120"],
     ["OCCI requests per period", "Kubernetes writes per period"]),
    ("rss.py", ["--count", "3", "--step", "3", "--timeout", "120"],
     ["operator RSS (MiB)", "goal"]),
], ids=["converge", "resync", "rss"])
def test_operator_benchmark_runs_and_prints_its_figures(
    script: str, arguments: list[str], figures: list[str]
) -> None:
    """Exit code 0, warnings as errors, and a line for every figure."""
    result = subprocess.run(
        [sys.executable, "-W", "error", str(BENCH / script), *arguments],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for figure in figures:
        assert figure in result.stdout, result.stdout
