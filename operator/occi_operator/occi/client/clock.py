"""Time and randomness sources of the client, bundled so tests can replace them.

Retries, rate limits, the discovery cache and Keystone token renewal all ask this
object for the time and for sleeping; a test passes a fake that advances a counter
instead of waiting.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

__all__ = ["Clock"]


def _jitter() -> float:
    # Backoff jitter only spreads retries out; it protects no secret.
    return random.random()  # noqa: S311


@dataclass(frozen=True)
class Clock:
    """Where the client reads time from and how it waits.

    ``monotonic`` measures intervals (cache TTLs, token buckets), ``now`` is the wall
    clock in epoch seconds (token expiry, ``Retry-After`` dates), ``sleep`` waits and
    ``random`` returns a float in ``[0, 1)`` for backoff jitter.
    """

    monotonic: Callable[[], float] = field(default=time.monotonic)
    now: Callable[[], float] = field(default=time.time)
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)
    random: Callable[[], float] = field(default=_jitter)
