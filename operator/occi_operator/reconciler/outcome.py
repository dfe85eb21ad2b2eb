"""What one pass of the reconciler came to, as a value: :class:`Outcome`.

A pass ends in one of four ways:

* **done**: the remote resource matches the spec and is ready;
* **waiting**: something is under way (provisioning, an action, a dependency that is
  not ready yet); look again after ``delay`` seconds;
* **transient error**: a failure that may pass by itself (the endpoint is unreachable, a
  5xx, a 409 from the API server); retry after ``delay`` seconds;
* **terminal error**: only a change of the spec (or of the world, by a human) fixes it;
  no retry until the object changes;
* **paused**: the ``paused`` annotation stopped the pass before any remote call; no
  retry until the annotation changes. Ready keeps the status it had (the remote resource
  did not change), with reason ``Paused``; Reconciling and Stalled are False.

This module is the only place that maps an outcome onto the kstatus conditions (Ready,
Reconciling, Stalled) and onto a requeue delay; the kopf handlers only read
:attr:`Outcome.requeue_after` and :attr:`Outcome.terminal`.

kstatus rules (Flux health checks, ``kubectl wait``): ``Reconciling=True`` means work is
in progress, ``Stalled=True`` means no progress without intervention, ``Ready=True`` the
desired state is reached. Exactly one of the three is ``True`` at any time, except while
paused (Ready may be False with the other two False: nothing is in progress).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from occi_operator.api.v1alpha1.common import (
    Condition,
    ConditionReason,
    ConditionStatus,
    ConditionType,
)

__all__ = ["Outcome", "OutcomeError", "OutcomeKind", "build_conditions"]

#: Reasons that mean "a human must act": the object is Stalled while they hold.
_STALLING = frozenset(
    {
        ConditionReason.INVALID_CONFIGURATION,
        ConditionReason.UNRECOVERABLE_ERROR,
        ConditionReason.ENDPOINT_UNAUTHORIZED,
    }
)


class OutcomeKind(enum.StrEnum):
    """The four ways a pass can end."""

    DONE = "done"
    WAITING = "waiting"
    TRANSIENT = "transient"
    TERMINAL = "terminal"
    PAUSED = "paused"


@dataclass(frozen=True)
class Outcome:
    """The result of one pass; build it with the class methods."""

    kind: OutcomeKind
    reason: ConditionReason
    message: str
    delay: float | None = None

    @classmethod
    def done(cls, message: str = "The OCCI resource is ready.") -> Outcome:
        """The desired state is reached."""
        return cls(OutcomeKind.DONE, ConditionReason.SUCCESS, message)

    @classmethod
    def waiting(
        cls,
        message: str,
        delay: float,
        *,
        reason: ConditionReason = ConditionReason.PROGRESSING,
    ) -> Outcome:
        """Work is under way; look again after ``delay`` seconds."""
        return cls(OutcomeKind.WAITING, reason, message, max(delay, 0.0))

    @classmethod
    def transient(
        cls,
        message: str,
        delay: float,
        *,
        reason: ConditionReason = ConditionReason.TRANSIENT_ERROR,
    ) -> Outcome:
        """A failure that may pass by itself; retry after ``delay`` seconds.

        With ``reason=EndpointUnauthorized`` the object is Stalled (a human must rotate the
        credentials) but still retried, since a Secret change raises no event on it.
        """
        return cls(OutcomeKind.TRANSIENT, reason, message, max(delay, 0.0))

    @classmethod
    def terminal(
        cls,
        message: str,
        *,
        reason: ConditionReason = ConditionReason.INVALID_CONFIGURATION,
    ) -> Outcome:
        """Only a change of the spec fixes this; no retry."""
        return cls(OutcomeKind.TERMINAL, reason, message)

    @classmethod
    def paused(cls, message: str) -> Outcome:
        """The object is paused by its annotation; nothing was done, nothing is retried."""
        return cls(OutcomeKind.PAUSED, ConditionReason.PAUSED, message)

    @property
    def ready(self) -> bool:
        """True when the object is Ready."""
        return self.kind is OutcomeKind.DONE

    @property
    def stalled(self) -> bool:
        """True when the object is Stalled (kstatus): it needs a human."""
        return self.kind is OutcomeKind.TERMINAL or self.reason in _STALLING

    @property
    def terminal_error(self) -> bool:
        """True for a terminal error: no retry, no resync."""
        return self.kind is OutcomeKind.TERMINAL

    @property
    def requeue_after(self) -> float | None:
        """Seconds until the next pass, or None when only a change or a resync brings one."""
        if self.kind in (OutcomeKind.WAITING, OutcomeKind.TRANSIENT):
            return self.delay if self.delay is not None else 0.0
        return None

    def conditions(
        self,
        *,
        generation: int,
        now: str,
        previous: Sequence[Condition] = (),
    ) -> list[Condition]:
        """Ready, Reconciling and Stalled for this outcome; see :func:`build_conditions`."""
        return build_conditions(self, generation=generation, now=now, previous=previous)


def _status(value: bool) -> ConditionStatus:
    return ConditionStatus.TRUE if value else ConditionStatus.FALSE


def build_conditions(
    outcome: Outcome,
    *,
    generation: int,
    now: str,
    previous: Sequence[Condition] = (),
) -> list[Condition]:
    """The three kstatus conditions for ``outcome``, at ``generation``.

    ``lastTransitionTime`` is kept from ``previous`` when a condition's status did not
    change, so that an unchanged object yields equal conditions (and no write).
    """
    before = {condition.type: condition for condition in previous}
    stalled = outcome.stalled
    reconciling = not outcome.ready and not stalled and outcome.kind is not OutcomeKind.PAUSED
    ready = outcome.ready
    if outcome.kind is OutcomeKind.PAUSED:
        was = before.get(ConditionType.READY.value)
        ready = was is not None and was.status == ConditionStatus.TRUE
    if ready:
        ready_message = outcome.message
    else:
        ready_message = outcome.message or "The OCCI resource is not ready."
    wanted = (
        (ConditionType.READY, ready, ready_message),
        (ConditionType.RECONCILING, reconciling, outcome.message if reconciling else ""),
        (ConditionType.STALLED, stalled, outcome.message if stalled else ""),
    )
    conditions = []
    for kind, value, message in wanted:
        status = _status(value)
        old = before.get(kind.value)
        since = old.last_transition_time if old is not None and old.status == status else now
        conditions.append(
            Condition(
                type=kind.value,
                status=status,
                reason=outcome.reason.value,
                message=message,
                last_transition_time=since,
                observed_generation=generation,
            )
        )
    return conditions


class OutcomeError(Exception):
    """Raised inside a pass to end it early with ``outcome`` (a wait or an error).

    Only the flow catches it; it never crosses the handler edge.
    """

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        super().__init__(outcome.message)
