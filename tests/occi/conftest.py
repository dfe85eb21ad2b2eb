"""Shared set-up for the OCCI protocol tests.

* Puts this directory on ``sys.path`` so test modules can ``import occi_strategies`` (the
  Hypothesis strategies of the model). The tests directories have no ``__init__.py``;
  pytest's default ``prepend`` import mode would add it too, but saying so here keeps the
  import working under ``--import-mode=importlib``.
* Registers the Hypothesis profiles: ``occi`` (the default: 100 examples, no deadline, as
  rendering speed varies with the machine) and ``occi-ci`` (the same, derandomized, so a
  CI run is reproducible). ``occi-ci`` is chosen when the ``CI`` environment variable is set.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

settings.register_profile(
    "occi",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "occi-ci",
    parent=settings.get_profile("occi"),
    derandomize=True,
    print_blob=True,
)
settings.load_profile("occi-ci" if os.environ.get("CI") else "occi")
