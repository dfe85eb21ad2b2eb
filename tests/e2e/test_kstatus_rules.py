"""The kstatus rules of ``kstatus_rules.py`` on hand-made objects, one per rule (no cluster)."""

from __future__ import annotations

from typing import Any

import pytest
from kstatus_rules import KStatus, kstatus


def obj(generation: int = 2, observed: int | None = 2, deleting: bool = False,
        **conditions: str) -> dict[str, Any]:
    """An object with ``conditions`` given as type=status."""
    meta: dict[str, Any] = {"name": "x", "generation": generation}
    if deleting:
        meta["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    status: dict[str, Any] = {"conditions": [{"type": t, "status": s}
                                             for t, s in conditions.items()]}
    if observed is not None:
        status["observedGeneration"] = observed
    return {"metadata": meta, "status": status}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(obj(Ready="True", deleting=True), KStatus.TERMINATING,
                     id="deleting-wins-over-ready"),
        pytest.param(obj(observed=1, Ready="True"), KStatus.IN_PROGRESS,
                     id="spec-changed-not-handled"),
        pytest.param(obj(observed=-1), KStatus.IN_PROGRESS, id="defaulted-status-of-a-new-object"),
        pytest.param(obj(Stalled="True", Ready="False"), KStatus.FAILED, id="stalled-fails"),
        pytest.param(obj(Reconciling="True", Ready="False"), KStatus.IN_PROGRESS,
                     id="reconciling-is-in-progress"),
        pytest.param(obj(Ready="False"), KStatus.IN_PROGRESS, id="not-ready-is-in-progress"),
        pytest.param(obj(Ready="True", Reconciling="False", Stalled="False"), KStatus.CURRENT,
                     id="ready-is-current"),
        pytest.param(obj(observed=None), KStatus.CURRENT,
                     id="no-status-counts-as-healthy-which-is-why-we-default-it"),
    ],
)
def test_each_rule(body: dict[str, Any], expected: KStatus) -> None:
    assert kstatus(body) is expected
