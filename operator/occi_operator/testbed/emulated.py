"""The emulated tier by name: ``start_cluster(workdir)`` starts the in-memory emulator.

The same as :func:`occi_operator.testbed.cluster.start_cluster` with ``tier="emulated"``
(which ``OCCI_TESTBED=emulated`` also selects); for callers that want the emulator
whatever the environment says. This module imports no operator code.
"""

from __future__ import annotations

from pathlib import Path

from occi_operator.testbed.cluster import Cluster
from occi_operator.testbed.cluster import start_cluster as _start

__all__ = ["start_cluster"]


def start_cluster(workdir: Path, *, timeout: float = 60.0) -> Cluster:
    """Start the emulated API tier under ``workdir``."""
    return _start(workdir, timeout=timeout, tier="emulated")
