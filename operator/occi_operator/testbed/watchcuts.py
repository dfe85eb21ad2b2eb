"""Cut watch streams: the testbed front's fault knob for watches that end or expire.

A real API server ends every watch after its ``timeoutSeconds`` (or its own limit), load
balancers drop long connections, and a watch resumed from a ``resourceVersion`` that
etcd has compacted away is answered with a ``410 Gone`` (an ``ERROR`` event whose
object is a ``Status`` with code 410, reason ``Expired``). A client must lose no change
through any of these. The front can make them happen often:

* ``cut_after``: every watch stream is closed after that many seconds (0: never);
* ``gone_rate``: that share of the watches that resume from a ``resourceVersion`` are
  answered at once with the 410 ``ERROR`` event, as the server does for a compacted
  version, without being forwarded.

Two ways to switch it on, as for the conflict knob (:mod:`.conflicts`): the environment
of the front process (``OCCI_TESTBED_WATCH_CUT_AFTER``, ``OCCI_TESTBED_WATCH_GONE_RATE``,
``OCCI_TESTBED_WATCH_SEED``) or ``PUT /-/testbed/watch-cuts`` with a JSON body
``{"cut_after": 1.5, "gone_rate": 0.3, "seed": 7}`` (every key optional). ``GET`` answers
the settings and the counts: watches ``seen``, ``cut`` and answered ``gone``.

This module imports no operator code and no web framework.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "WATCH_CUTS_PATH",
    "InvalidWatchCutSettingsError",
    "WatchCutter",
    "cut_stream",
    "gone_event",
    "is_watch",
]

WATCH_CUTS_PATH = "/-/testbed/watch-cuts"
_ENV = {
    "cut_after": "OCCI_TESTBED_WATCH_CUT_AFTER",
    "gone_rate": "OCCI_TESTBED_WATCH_GONE_RATE",
    "seed": "OCCI_TESTBED_WATCH_SEED",
}


class InvalidWatchCutSettingsError(ValueError):
    """The settings given to the knob are not a duration ≥ 0, a rate in [0, 1], a seed."""


def is_watch(query: Mapping[str, str]) -> bool:
    """Whether a request with this query string opens a watch stream."""
    return query.get("watch") in ("true", "1")


def gone_event(resource_version: str) -> bytes:
    """The line a server streams for a watch resumed from a compacted version."""
    status = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
              "message": f"too old resource version: {resource_version} (injected by the "
              "testbed front)", "reason": "Expired", "code": 410}  # fmt: skip
    return (json.dumps({"type": "ERROR", "object": status}) + "\n").encode()


@dataclass
class WatchCutter:
    """Decides which watches end early or expire at once; counts what it did."""

    cut_after: float = 0.0
    gone_rate: float = 0.0
    seed: int | None = None
    seen: int = 0
    cut: int = 0
    gone: int = 0
    _dice: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self._dice.seed(self.seed)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WatchCutter:
        """The cutter the front's environment asks for (off when nothing is set)."""
        cutter = cls()
        cutter.configure({key: env[name] for key, name in _ENV.items() if env.get(name)})
        return cutter

    def configure(self, settings: Mapping[str, Any]) -> None:
        """Apply ``cut_after``, ``gone_rate`` and ``seed`` (each optional); reset the counts."""
        unknown = set(settings) - set(_ENV)
        if unknown:
            raise InvalidWatchCutSettingsError(
                f"watch-cut settings: unknown key(s) {sorted(unknown)}; expected {sorted(_ENV)}"
            )
        try:
            cut_after = float(settings.get("cut_after", self.cut_after))
            gone_rate = float(settings.get("gone_rate", self.gone_rate))
            seed_value = settings.get("seed", self.seed)
            seed = None if seed_value is None else int(seed_value)
        except (TypeError, ValueError) as error:
            raise InvalidWatchCutSettingsError(f"watch-cut settings: {error}") from error
        if cut_after < 0:
            raise InvalidWatchCutSettingsError(f"watch-cut settings: cut_after {cut_after} < 0")
        if not 0.0 <= gone_rate <= 1.0:
            raise InvalidWatchCutSettingsError(
                f"watch-cut settings: gone_rate {gone_rate} not in [0, 1]"
            )
        self.cut_after, self.gone_rate, self.seed = cut_after, gone_rate, seed
        self.seen = self.cut = self.gone = 0
        self._dice.seed(seed)

    def describe(self) -> dict[str, Any]:
        """The settings and the counts, as the admin path answers them."""
        return {"cut_after": self.cut_after, "gone_rate": self.gone_rate, "seed": self.seed,
                "seen": self.seen, "cut": self.cut, "gone": self.gone}  # fmt: skip

    def expire(self, query: Mapping[str, str]) -> bool:
        """True when this watch is to be answered 410 Gone instead of being forwarded."""
        self.seen += 1
        if self.gone_rate <= 0 or not query.get("resourceVersion"):
            return False  # a watch from "now" cannot be too old
        if self._dice.random() < self.gone_rate:
            self.gone += 1
            return True
        return False

    def deadline(self) -> float | None:
        """Seconds after which to close a stream just opened, or None to leave it."""
        return self.cut_after or None


async def cut_stream(chunks: AsyncIterator[bytes], cutter: WatchCutter) -> AsyncIterator[bytes]:
    """``chunks`` until the cutter's deadline, quiet or not; then the stream just ends."""
    seconds = cutter.deadline()
    if seconds is None:
        async for chunk in chunks:
            yield chunk
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    iterator = aiter(chunks)
    while True:
        try:
            # A quiet watch is cut too: wait for the next chunk only until the deadline.
            chunk = await asyncio.wait_for(anext(iterator), max(deadline - loop.time(), 0))
        except StopAsyncIteration:
            return
        except TimeoutError:
            cutter.cut += 1
            return
        yield chunk
