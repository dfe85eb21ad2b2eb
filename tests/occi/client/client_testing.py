"""Helpers the client tests import by name (pytest fixtures stay in ``conftest.py``).

A module of its own, with a name no other test directory uses, because ``from conftest
import …`` resolves to whichever ``conftest`` was imported first in a mixed run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from occi_operator.occi.client import Clock, OCCIClient

__all__ = ["ClientFactory", "FakeClock", "LiveServer"]

#: Makes a client for the fake server (or another app) with settings overridden.
ClientFactory = Callable[..., OCCIClient]
#: Starts an ASGI app on 127.0.0.1 and returns its base URL.
LiveServer = Callable[..., Awaitable[str]]


class FakeClock:
    """Monotonic and wall time that move only when the client sleeps (or a test says so)."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.elapsed = 0.0
        self.start = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.elapsed

    def now(self) -> float:
        return self.start + self.elapsed

    def advance(self, seconds: float) -> None:
        self.elapsed += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.elapsed += seconds
        await asyncio.sleep(0)  # let other tasks run, as a real sleep would

    def clock(self) -> Clock:
        """The :class:`Clock` to hand to the client; jitter fixed at the middle."""
        return Clock(monotonic=self.monotonic, now=self.now, sleep=self.sleep,
                     random=lambda: 0.5)
