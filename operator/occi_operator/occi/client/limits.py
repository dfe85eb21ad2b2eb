"""Per-endpoint request limits: concurrent requests and requests per second.

Old OCCI servers fall over under load (rOCCI talks to OpenNebula's XML-RPC one call at
a time), so every :class:`~.client.OCCIClient` holds one :class:`EndpointLimiter`: a
semaphore bounds the requests in flight, a token bucket bounds their rate. Both wait
through the injected :class:`~.clock.Clock`, never with a real sleep in tests.
"""

from __future__ import annotations

import asyncio
from types import TracebackType

from .clock import Clock

__all__ = ["EndpointLimiter", "TokenBucket"]


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up; one token per request."""

    def __init__(self, rate: float, burst: int, *, clock: Clock) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst}")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._stamp = clock.monotonic()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock.monotonic()
        elapsed = max(0.0, now - self._stamp)
        self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
        self._stamp = now

    async def acquire(self) -> float:
        """Take one token, waiting until one is available; returns the seconds waited."""
        waited = 0.0
        # The lock makes waiters queue in order instead of racing for each new token.
        async with self._lock:
            while True:
                self._refill()
                if self._tokens >= 1:
                    self._tokens -= 1
                    return waited
                wait = (1 - self._tokens) / self.rate
                waited += wait
                await self._clock.sleep(wait)

    def __repr__(self) -> str:
        return f"TokenBucket(rate={self.rate}, burst={self.burst})"


class EndpointLimiter:
    """Async context manager around one request: a concurrency slot and a rate token."""

    def __init__(
        self,
        *,
        max_concurrency: int,
        rate: float | None,
        burst: int,
        clock: Clock,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {max_concurrency}")
        self.max_concurrency = max_concurrency
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._bucket = TokenBucket(rate, burst, clock=clock) if rate is not None else None

    async def __aenter__(self) -> None:
        await self._semaphore.acquire()
        try:
            if self._bucket is not None:
                await self._bucket.acquire()
        except BaseException:
            self._semaphore.release()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._semaphore.release()

    def __repr__(self) -> str:
        return f"EndpointLimiter(max_concurrency={self.max_concurrency}, bucket={self._bucket!r})"
