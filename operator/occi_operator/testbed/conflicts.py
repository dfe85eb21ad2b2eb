"""Made-up 409 Conflicts: the testbed front's fault knob for optimistic-concurrency races.

A real API server answers ``409 Conflict`` when a write's ``resourceVersion``
precondition no longer holds: someone else wrote the object first. To test that a
client survives many such races, the front can answer a share of those writes with the
server's own conflict answer, without forwarding them (so the write did not happen, as
with a real conflict). Only writes that carry a precondition (the body names a
``resourceVersion``: a PUT of a whole object, a merge patch with
``metadata.resourceVersion``, a JSON patch testing it) are eligible: a real server never
answers 409 to a patch without one.

Two ways to switch it on:

* the environment of the front process: ``OCCI_TESTBED_CONFLICT_RATE=0.2`` (and
  optionally ``OCCI_TESTBED_CONFLICT_SEED=7``);
* at run time, ``PUT /-/testbed/conflicts`` on the front with a JSON body
  ``{"rate": 0.2, "seed": 7, "methods": ["PATCH", "PUT"]}`` (every key optional;
  ``rate`` 0 turns it off). ``GET /-/testbed/conflicts`` answers the settings and the
  counts: ``eligible`` writes seen and ``injected`` conflicts since the last PUT.

This module imports no operator code and no web framework.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CONFLICTS_PATH",
    "CONFLICT_RATE_ENV",
    "CONFLICT_SEED_ENV",
    "ConflictInjector",
    "InvalidConflictSettingsError",
]

CONFLICTS_PATH = "/-/testbed/conflicts"
CONFLICT_RATE_ENV = "OCCI_TESTBED_CONFLICT_RATE"
CONFLICT_SEED_ENV = "OCCI_TESTBED_CONFLICT_SEED"
_METHODS = ("PATCH", "PUT")


class InvalidConflictSettingsError(ValueError):
    """The settings given to the knob are not a rate in [0, 1], a seed and methods."""


@dataclass
class ConflictInjector:
    """Decides which preconditioned writes get a made-up 409; counts what it saw."""

    rate: float = 0.0
    methods: tuple[str, ...] = _METHODS
    seed: int | None = None
    eligible: int = 0
    injected: int = 0
    _dice: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self._dice.seed(self.seed)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ConflictInjector:
        """The injector the front's environment asks for (off when the rate is unset)."""
        injector = cls()
        settings: dict[str, Any] = {}
        if env.get(CONFLICT_RATE_ENV):
            settings["rate"] = env[CONFLICT_RATE_ENV]
        if env.get(CONFLICT_SEED_ENV):
            settings["seed"] = env[CONFLICT_SEED_ENV]
        injector.configure(settings)
        return injector

    def configure(self, settings: Mapping[str, Any]) -> None:
        """Apply ``rate``, ``seed`` and ``methods`` (each optional); reset the counts."""
        try:
            rate = float(settings.get("rate", self.rate))
            seed_value = settings.get("seed", self.seed)
            seed = None if seed_value is None else int(seed_value)
            methods = tuple(str(m).upper() for m in settings.get("methods", self.methods))
        except (TypeError, ValueError) as error:
            raise InvalidConflictSettingsError(f"conflict settings: {error}") from error
        if not 0.0 <= rate <= 1.0:
            raise InvalidConflictSettingsError(f"conflict settings: rate {rate} not in [0, 1]")
        self.rate, self.seed, self.methods = rate, seed, methods
        self.eligible = self.injected = 0
        self._dice.seed(seed)

    def describe(self) -> dict[str, Any]:
        """The settings and the counts, as the admin path answers them."""
        return {"rate": self.rate, "seed": self.seed, "methods": list(self.methods),
                "eligible": self.eligible, "injected": self.injected}  # fmt: skip

    def decide(self, method: str, body: bytes) -> bool:
        """True when this write is to be answered 409 instead of being forwarded."""
        if self.rate <= 0 or method.upper() not in self.methods:
            return False
        if b"resourceVersion" not in body:
            return False
        self.eligible += 1
        if self._dice.random() < self.rate:
            self.injected += 1
            return True
        return False
