"""The rendering benchmark still runs (tiny count), so it does not rot unnoticed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "rendering.py"


def test_rendering_benchmark_runs_and_prints_every_rendering() -> None:
    """Exit code 0 and one table row per rendering, warnings treated as errors."""
    result = subprocess.run(
        [sys.executable, "-W", "error", str(BENCH), "--count", "20", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0] for line in result.stdout.splitlines()[3:] if line.strip()}
    assert rows == {"text/plain", "text/occi", "application/occi+json", "text/uri-list"}
    assert result.stdout.startswith("20 computes")
