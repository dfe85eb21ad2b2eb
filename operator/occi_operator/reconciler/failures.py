"""Errors met during a pass, turned into outcomes grouped by what the user must do.

Following k-orc's reasons: a refused credential is ``EndpointUnauthorized`` (Stalled, but
retried, since rotating a Secret raises no event on the object); what only a spec change
fixes (an unknown template, a request the endpoint refuses as invalid) is a terminal
``InvalidConfiguration``; everything that may pass by itself (the endpoint unreachable, a
5xx, throttling, a conflict) is a ``TransientError`` retried after a delay — the
``Retry-After`` of the answer when there is one. The remote text is copied (it names the
attribute and the rule); Kubernetes errors are summarised (see :mod:`.kube`).
"""

from __future__ import annotations

from dataclasses import dataclass

from occi_operator.api.v1alpha1.common import ConditionReason
from occi_operator.occi.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    OCCIError,
    ParseError,
    StatusError,
    TemplateNotFoundError,
    UnauthorizedError,
    UnknownCategoryError,
)

from .kube import KubeConflictError, KubeError
from .outcome import Outcome

__all__ = ["ErrorDelays", "outcome_of"]


@dataclass(frozen=True)
class ErrorDelays:
    """Seconds to wait before retrying, by kind of failure."""

    transient: float = 10.0
    conflict: float = 1.0
    unauthorized: float = 60.0
    unreadable: float = 30.0


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
    if isinstance(exc, ParseError):
        return Outcome.transient(
            f"The endpoint's answer could not be read while {doing}: {exc}", delays.unreadable
        )
    if isinstance(exc, OCCIError):
        return Outcome.transient(f"{doing.capitalize()} failed: {exc}", delays.transient)
    raise exc
