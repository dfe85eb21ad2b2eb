"""Shared set-up for the API tests: where the generated and hand-written files live."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def repo_root() -> Path:
    """The checkout's root (crds/, docs/, examples/ live there)."""
    return ROOT
