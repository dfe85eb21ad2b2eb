"""Errors met during a pass, turned into outcomes grouped by what the user must do.

Following k-orc's reasons: a refused credential is ``EndpointUnauthorized`` (Stalled, but
retried, since rotating a Secret raises no event on the object); what only a spec change
fixes (an unknown template, a request the endpoint refuses as invalid) is a terminal
``InvalidConfiguration``; everything that may pass by itself (the endpoint unreachable, a
5xx, throttling, a conflict) is a ``TransientError`` retried after a delay — the
``Retry-After`` of the answer when there is one; the message says "unreachable" when no
answer came at all. The remote text is copied (it names the
attribute and the rule); Kubernetes errors are summarised (see :mod:`.kube`).

:meth:`ErrorDelays.backoff` stretches the delay of consecutive failures of one object
(doubling, capped, with upward jitter, so never earlier than a ``Retry-After``), and
:class:`Backoff` counts those failures per object: an endpoint that is down for minutes
sees a falling request rate, never a requeue storm.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from occi_operator.api.v1alpha1.common import ConditionReason
from occi_operator.occi.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    OCCIError,
    ParseError,
    StatusError,
    TemplateNotFoundError,
    TLSError,
    TransportError,
    UnauthorizedError,
    UnknownCategoryError,
)

from .kube import KubeConflictError, KubeError
from .outcome import Outcome, OutcomeKind

__all__ = ["Backoff", "ErrorDelays", "outcome_of"]


@dataclass(frozen=True)
class ErrorDelays:
    """Seconds to wait before retrying, by kind of failure."""

    transient: float = 10.0
    conflict: float = 1.0
    unauthorized: float = 60.0
    unreadable: float = 30.0
    max_backoff: float = 300.0
    jitter: float = 0.2

    def backoff(self, delay: float, failures: int, share: float) -> float:
        """The wait after the ``failures``-th consecutive failure (1-based) of one object.

        ``delay`` (the outcome's, e.g. a Retry-After) doubles with each earlier failure up
        to ``max_backoff`` (a longer Retry-After is kept), then grows by up to ``jitter``
        of itself as ``share`` in ``[0, 1)`` says, so that objects failing together spread.
        """
        step = delay * 2.0 ** min(max(failures - 1, 0), 32)
        step = min(step, max(self.max_backoff, delay))
        return step * (1.0 + self.jitter * share)


def outcome_of(exc: Exception, *, doing: str, delays: ErrorDelays | None = None) -> Outcome:
    """The outcome of a pass that failed with ``exc`` while ``doing`` something."""
    delays = delays or ErrorDelays()
    if isinstance(exc, KubeConflictError):
        return Outcome.transient(
            f"The object changed while {doing}; trying again", delays.conflict
        )
    if isinstance(exc, KubeError):
        return Outcome.transient(f"{doing.capitalize()} failed: {exc}", delays.transient)
    if isinstance(exc, UnauthorizedError | ForbiddenError):
        return Outcome.transient(
            f"The endpoint refused the credentials while {doing}: {exc}. Check the "
            "credentials Secret of the endpoint object; it is read again on every retry.",
            delays.unauthorized,
            reason=ConditionReason.ENDPOINT_UNAUTHORIZED,
        )
    if isinstance(exc, TemplateNotFoundError):
        return Outcome.terminal(f"{exc}; fix the template name in the spec")
    if isinstance(exc, BadRequestError):
        return Outcome.terminal(f"The endpoint refused the request while {doing}: {exc}")
    if isinstance(exc, UnknownCategoryError):
        return Outcome.terminal(
            f"The endpoint does not offer what {doing} needs: {exc}",
            reason=ConditionReason.UNRECOVERABLE_ERROR,
        )
    if isinstance(exc, ConflictError):
        return Outcome.transient(
            f"The endpoint answered a conflict while {doing}: {exc}", delays.transient
        )
    if isinstance(exc, StatusError):
        delay = exc.retry_after if exc.retry_after is not None else delays.transient
        return Outcome.transient(f"The endpoint failed while {doing}: {exc}", delay)
    if isinstance(exc, TransportError) and not isinstance(exc, TLSError):
        return Outcome.transient(
            f"The endpoint is unreachable while {doing}: {exc}; retrying with backoff",
            delays.transient,
        )
    if isinstance(exc, ParseError):
        return Outcome.transient(
            f"The endpoint's answer could not be read while {doing}: {exc}", delays.unreadable
        )
    if isinstance(exc, OCCIError):
        return Outcome.transient(f"{doing.capitalize()} failed: {exc}", delays.transient)
    raise exc


class Backoff:
    """Consecutive transient failures per object, and the stretched delay of the next try."""

    def __init__(self, delays: ErrorDelays) -> None:
        self._delays = delays
        self._failures: dict[str, int] = {}
        self._dice = random.Random()  # noqa: S311 - jitter, not security

    def apply(self, uid: str, outcome: Outcome) -> Outcome:
        """``outcome`` with its delay stretched by the object's earlier failures.

        Any other outcome resets the count. Refused credentials keep their own (long,
        fixed) delay: a rotated Secret raises no event on the object, only a retry finds it.
        """
        if (
            outcome.kind is not OutcomeKind.TRANSIENT
            or outcome.reason is not ConditionReason.TRANSIENT_ERROR
            or outcome.delay is None
        ):
            self._failures.pop(uid, None)
            return outcome
        failures = self._failures.get(uid, 0) + 1
        self._failures[uid] = failures
        return replace(outcome, delay=self._delays.backoff(outcome.delay, failures,
                                                           self._dice.random()))

    def forget(self, uid: str) -> None:
        """Drop ``uid`` (its object is gone)."""
        self._failures.pop(uid, None)
