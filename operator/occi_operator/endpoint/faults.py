"""Fault injection: the dice that make the embedded endpoint behave like a flaky cloud.

:class:`FaultInjector` holds the current :class:`~.settings.FaultSettings` (switchable at
run time with :meth:`FaultInjector.configure`) and one random number generator, seeded
from the settings for reproducible runs. It decides; it never sleeps, answers or closes
anything itself:

* per request, :meth:`FaultInjector.decide` returns a :class:`FaultDecision`: the latency
  to add, a 5xx status to answer instead, whether to drop the connection, and whether a
  create should be carried out and its answer lost. The HTTP layer acts on it;
* inside the domain, :meth:`FaultInjector.error_state` says whether a state change lands
  in ``error`` and :meth:`FaultInjector.delete_linger` how long a deleted entity stays
  visible; :class:`~.service.Infrastructure` and :mod:`.simulation` ask them.

With every fault off (the default) no die is rolled, so a disabled injector never
changes the random sequence other users of a shared generator see. Imports no web layer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .settings import FaultSettings

__all__ = ["NO_FAULT", "FaultDecision", "FaultInjector"]

#: The statuses a made-up server error answers with.
SERVER_ERROR_STATUSES = (500, 503)
_VERBS = ("get", "post", "put", "delete")


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """What to do to one request.

    ``latency`` seconds to wait before answering; ``status`` a 5xx to answer instead of
    handling the request (None: handle it); ``drop`` close the connection without an
    answer; ``lose_answer`` handle the request (a create) and then answer a 5xx, or drop
    the connection when ``drop`` is also set, as if the answer got lost. ``drop`` wins
    over ``status``: a dropped connection carries no answer at all.
    """

    latency: float = 0.0
    status: int | None = None
    drop: bool = False
    lose_answer: bool = False

    @property
    def harmless(self) -> bool:
        """True when the request is to be handled and answered normally, without delay."""
        return not (self.latency or self.status or self.drop or self.lose_answer)


NO_FAULT = FaultDecision()


class FaultInjector:
    """Rolls the dice of :class:`~.settings.FaultSettings`; see the module docstring."""

    def __init__(self, settings: FaultSettings, *, rng: random.Random | None = None) -> None:
        """Start with ``settings``; ``rng`` (for tests) replaces one seeded by the settings."""
        self._settings = settings
        self._rng = rng if rng is not None else random.Random(settings.seed)  # noqa: S311 - simulation dice, not security

    @property
    def settings(self) -> FaultSettings:
        """The faults in force."""
        return self._settings

    @property
    def rng(self) -> random.Random:
        """The generator every die is rolled with."""
        return self._rng

    def configure(self, settings: FaultSettings) -> None:
        """Switch to other faults at run time; a given ``seed`` restarts the dice."""
        self._settings = settings
        if settings.seed is not None:
            self._rng.seed(settings.seed)

    def decide(self, verb: str, path: str) -> FaultDecision:
        """The faults for one request of ``verb`` (any case) on ``path``.

        ``lose_answer`` can only be set for a POST on a collection (``/compute/``), the
        one request that creates; the caller ignores it when that POST turns out not to
        be a create. Exactly the same dice are rolled for every request while faults are
        enabled, so that a seeded run is reproducible whatever the verbs.
        """
        settings = self._settings
        if not settings.enabled:
            return NO_FAULT
        method = verb.lower()
        rates = settings.server_error_rate
        error_rate = getattr(rates, method) if method in _VERBS else 0.0
        drop_roll, error_roll, status_roll, lose_roll = (self._rng.random() for _ in range(4))
        creating = method == "post" and path.endswith("/") and not path.endswith("/-/")
        status = None
        if error_roll < error_rate:
            status = SERVER_ERROR_STATUSES[int(status_roll * len(SERVER_ERROR_STATUSES))]
        return FaultDecision(
            latency=settings.latency_seconds,
            status=status,
            drop=drop_roll < settings.dropped_connection_rate,
            lose_answer=creating and lose_roll < settings.lost_create_answer_rate,
        )

    def error_state(self) -> bool:
        """Whether the state change about to happen lands in ``error`` instead."""
        rate = self._settings.error_state_rate
        return rate > 0 and self._rng.random() < rate

    def delete_linger(self) -> float:
        """How many seconds a deleted entity stays visible (0: it goes at once)."""
        return self._settings.delete_linger_seconds
