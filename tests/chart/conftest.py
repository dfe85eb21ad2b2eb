"""Fixtures of the chart tests: the chart loaded once, and a render function."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import helm_python as helm
import pytest
from chart_render import CHART, NAMESPACE, Manifest, Render, render_chart


@pytest.fixture(scope="module")
def chart() -> Iterator[helm.Chart]:
    """The chart, loaded once per module."""
    with helm.Chart.load(str(CHART)) as loaded:
        yield loaded


@pytest.fixture
def render(chart: helm.Chart) -> Render:
    """Render the chart with some values: ``render({"replicas": 2}, namespace=...)``."""

    def run(
        values: Mapping[str, Any] | None = None, *, namespace: str = NAMESPACE
    ) -> list[Manifest]:
        return render_chart(chart, values, namespace=namespace)

    return run
