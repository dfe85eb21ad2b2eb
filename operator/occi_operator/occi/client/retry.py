"""When and how long to wait before repeating a request.

Only requests that are safe to repeat are retried: GET, PUT, DELETE and action
triggers. A create (POST to a collection) and a partial update (POST to an entity)
are never repeated here, since the first attempt may have reached the server; the
caller decides. This module decides *whether* and *how long*; the client runs the loop.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from occi_operator.occi.errors import RequestError, TLSError, TransportError

__all__ = [
    "RETRYABLE_STATUSES",
    "RetryPolicy",
    "is_retryable_error",
    "is_retryable_status",
    "parse_retry_after",
]

#: 429 and 503 say "come back later"; the other 5xx may be passing failures.
#: 501 is absent: the server will never implement the verb.
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


class RetryPolicy(BaseModel):
    """Exponential backoff with jitter for repeatable requests."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_attempts: int = Field(
        default=4, ge=1, description="Attempts in total, the first included; 1 disables retries."
    )
    base: float = Field(
        default=0.5, gt=0, description="Seconds to wait before the first retry, before jitter."
    )
    cap: float = Field(
        default=30.0,
        gt=0,
        description=(
            "Longest wait between two attempts, in seconds. A Retry-After asking for longer "
            "ends the retries, and the error carries the server's delay."
        ),
    )

    def backoff(self, attempt: int, jitter: float) -> float:
        """The wait after failed attempt number ``attempt`` (1-based).

        ``jitter`` in ``[0, 1)`` picks a point in the upper half of the exponential
        step, so concurrent clients spread out but never retry at once.
        """
        step = min(self.cap, self.base * 2.0 ** (attempt - 1))
        return step / 2 + step / 2 * jitter

    def delay(self, attempt: int, *, jitter: float, retry_after: float | None) -> float | None:
        """The wait before the next attempt, or None when no attempt should follow."""
        if attempt >= self.max_attempts:
            return None
        if retry_after is not None:
            # Never come back earlier than the server asked; give up if it asks too much.
            return retry_after if retry_after <= self.cap else None
        return self.backoff(attempt, jitter)


def is_retryable_status(status_code: int) -> bool:
    """True for statuses that may succeed when repeated (429, 500, 502, 503, 504)."""
    return status_code in RETRYABLE_STATUSES


def is_retryable_error(error: RequestError) -> bool:
    """True for transport failures a repeat may cure; a TLS failure will not go away."""
    return isinstance(error, TransportError) and not isinstance(error, TLSError)


def parse_retry_after(headers: Mapping[str, str], *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta seconds or an HTTP-date.

    ``now`` is the current wall-clock time in epoch seconds. Unreadable values are
    ignored (None), past dates mean "now" (0).
    """
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)
