"""The kstatus rules (sigs.k8s.io/cli-utils) that Flux, Argo CD and ``kubectl wait`` apply.

:func:`kstatus` computes the status kstatus gives a custom resource from the object alone:

1. ``metadata.deletionTimestamp`` set: **Terminating**;
2. ``status.observedGeneration`` present and not ``metadata.generation``: **InProgress**
   (the spec was changed and not handled yet; our CRDs default it to -1, so an object
   nobody handled yet is never taken for healthy);
3. ``Stalled`` True: **Failed**;
4. ``Reconciling`` True: **InProgress**;
5. a ``Ready`` condition that is not True: **InProgress** (Flux's health check);
6. otherwise: **Current**.

Kept apart from the tests (imported by name, as tests have no packages).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

__all__ = ["KStatus", "kstatus"]


class KStatus(enum.StrEnum):
    """The statuses kstatus computes."""

    CURRENT = "Current"
    IN_PROGRESS = "InProgress"
    FAILED = "Failed"
    TERMINATING = "Terminating"


def _condition(obj: Mapping[str, Any], kind: str) -> Mapping[str, Any] | None:
    for condition in (obj.get("status") or {}).get("conditions") or ():
        if condition.get("type") == kind:
            return dict(condition)
    return None


def kstatus(obj: Mapping[str, Any]) -> KStatus:
    """The kstatus of ``obj`` (a whole object as the API server returns it)."""
    meta = obj.get("metadata") or {}
    status = obj.get("status") or {}
    if meta.get("deletionTimestamp"):
        return KStatus.TERMINATING
    observed = status.get("observedGeneration")
    if observed is not None and observed != meta.get("generation"):
        return KStatus.IN_PROGRESS
    stalled, reconciling = _condition(obj, "Stalled"), _condition(obj, "Reconciling")
    if stalled is not None and stalled.get("status") == "True":
        return KStatus.FAILED
    if reconciling is not None and reconciling.get("status") == "True":
        return KStatus.IN_PROGRESS
    ready = _condition(obj, "Ready")
    if ready is not None and ready.get("status") != "True":
        return KStatus.IN_PROGRESS
    return KStatus.CURRENT
