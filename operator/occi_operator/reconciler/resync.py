"""When to read a remote resource again: periods, jitter, and no storms after a restart.

The period of an object is its ``spec.resyncPeriod``, else its endpoint's
``defaultResyncPeriod``, else the operator's default. Each object's period is stretched
or shrunk by a jitter derived from its uid (stable across restarts, so objects created
together spread out for good). The last sync is the later of ``status.lastSyncTime`` and
the time this process last read the object (:class:`SyncMemory`, since status only
persists it now and then); a restart therefore resumes the schedule instead of reading
everything at once. Objects in a terminal error (Stalled for the current generation,
because of their spec) are never resynced: only a spec change brings them back. An object
whose remote side is known to have changed (a link to it came or went, see
:func:`~.connection.expedite_sources`) is made due at once with
:meth:`SyncMemory.expedite`, until a read at or after that moment.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from occi_operator.api.v1alpha1.common import ConditionReason, ConditionType

from .kube import KubeObject
from .status import parse_time

__all__ = ["ResyncPolicy", "SyncMemory", "in_terminal_error", "parse_duration"]

_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_TERMINAL_REASONS = frozenset(
    {ConditionReason.INVALID_CONFIGURATION.value, ConditionReason.UNRECOVERABLE_ERROR.value}
)


def parse_duration(text: str) -> float:
    """Seconds in a duration such as ``90s``, ``10m`` or ``1h30m``; ValueError otherwise."""
    position, total = 0, 0.0
    for match in _PART.finditer(text):
        if match.start() != position:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        position = match.end()
    if not text or position != len(text):
        raise ValueError(f"not a duration such as 30s, 10m or 1h30m: {text!r}")
    return total


def in_terminal_error(obj: KubeObject) -> bool:
    """True when the object is Stalled, for its current generation, by its spec."""
    for condition in obj.status.get("conditions") or ():
        if (
            condition.get("type") == ConditionType.STALLED.value
            and condition.get("status") == "True"
            and condition.get("reason") in _TERMINAL_REASONS
            and condition.get("observedGeneration") == obj.generation
        ):
            return True
    return False


@dataclass(frozen=True)
class ResyncPolicy:
    """The operator's default period (seconds) and the jitter, a fraction of the period."""

    default_period: float = 600.0
    jitter: float = 0.1

    def period(self, spec: Mapping[str, Any], endpoint_default: str | None = None) -> float:
        """The object's own period, else its endpoint's, else the default, in seconds."""
        for text in (spec.get("resyncPeriod"), endpoint_default):
            if isinstance(text, str) and text:
                try:
                    return max(parse_duration(text), 1.0)
                except ValueError:
                    continue
        return self.default_period

    def jittered(self, period: float, uid: str) -> float:
        """``period`` moved by up to ±jitter, by a stable function of ``uid``."""
        digest = hashlib.sha256(uid.encode()).digest()
        share = int.from_bytes(digest[:8], "big") / 2**64  # in [0, 1)
        return period * (1.0 + self.jitter * (2.0 * share - 1.0))


@dataclass
class SyncMemory:
    """When this process last read each object's remote resource, by uid."""

    _last: dict[str, datetime] = field(default_factory=dict)
    #: Objects due now, and since when: a read older than that does not count.
    _expedited: dict[str, datetime] = field(default_factory=dict)

    def mark(self, uid: str, moment: datetime) -> None:
        """Remember a read of ``uid``'s resource at ``moment`` (an earlier one changes nothing)."""
        known = self._last.get(uid)
        if known is None or moment > known:
            self._last[uid] = moment
        since = self._expedited.get(uid)
        if since is not None and moment >= since:
            del self._expedited[uid]

    def expedite(self, uid: str, since: datetime) -> None:
        """Make ``uid`` due now: its remote side changed at ``since``."""
        self._expedited[uid] = max(since, self._expedited.get(uid, since))

    def forget(self, uid: str) -> None:
        """Drop ``uid`` (its object is gone)."""
        self._last.pop(uid, None)
        self._expedited.pop(uid, None)

    def last_sync(self, obj: KubeObject) -> datetime | None:
        """The later of the remembered read and ``status.lastSyncTime``."""
        stored = parse_time(obj.status.get("lastSyncTime"))
        remembered = self._last.get(obj.uid)
        if stored is None or (remembered is not None and remembered > stored):
            return remembered
        return stored

    def due_in(self, obj: KubeObject, *, period: float, policy: ResyncPolicy,
               now: datetime) -> float:
        """Seconds until the object's next resync (<= 0: due now)."""
        last = self.last_sync(obj)
        if last is None or obj.uid in self._expedited:
            return 0.0
        return policy.jittered(period, obj.uid) - (now - last).total_seconds()
