"""Resync: periods from object, endpoint or default; stable jitter; no storm after restart."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta

import pytest
from memory_kube import MemoryKube

from occi_operator.reconciler.kube import KubeObject, custom
from occi_operator.reconciler.resync import (
    ResyncPolicy,
    SyncMemory,
    in_terminal_error,
    parse_duration,
)

NETWORKS = custom("networks", "Network")
T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("text", "seconds"), [
    ("30s", 30.0), ("10m", 600.0), ("1h30m", 5400.0), ("250ms", 0.25), ("1.5h", 5400.0),
], ids=["seconds", "minutes", "compound", "milliseconds", "fraction"])
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "10", "m", "10x", "1h 30m"],
                         ids=["empty", "no-unit", "no-number", "bad-unit", "space"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_the_object_period_wins_over_the_endpoint_and_the_default() -> None:
    policy = ResyncPolicy(default_period=600)
    assert policy.period({"resyncPeriod": "2m"}, "5m") == 120
    assert policy.period({}, "5m") == 300
    assert policy.period({}, None) == 600


def test_jitter_is_stable_bounded_and_spreads() -> None:
    policy = ResyncPolicy(default_period=600, jitter=0.1)
    periods = [policy.jittered(600, f"uid-{n}") for n in range(500)]
    assert all(540 <= p <= 660 for p in periods)
    assert policy.jittered(600, "uid-1") == policy.jittered(600, "uid-1")
    assert statistics.pstdev(periods) > 20  # spread, not clumped


def obj_with(status: dict[str, object], generation: int = 1) -> KubeObject:
    kube = MemoryKube()
    obj = kube.apply(NETWORKS, "ns", "n", {})
    return KubeObject(type=obj.type, namespace="ns", name="n", uid="uid-7",
                      generation=generation, resource_version="1", status=status)


def test_due_time_counts_from_the_later_of_status_and_memory() -> None:
    policy, memory = ResyncPolicy(default_period=600, jitter=0.0), SyncMemory()
    never = obj_with({})
    assert memory.due_in(never, period=600, policy=policy, now=T0) == 0
    synced = obj_with({"lastSyncTime": "2026-01-01T00:00:00Z"})
    assert memory.due_in(synced, period=600, policy=policy,
                         now=T0 + timedelta(minutes=4)) == pytest.approx(360)
    memory.mark("uid-7", T0 + timedelta(minutes=5))
    assert memory.due_in(synced, period=600, policy=policy,
                         now=T0 + timedelta(minutes=6)) == pytest.approx(540)


def test_a_restart_resumes_the_schedule_from_status() -> None:
    policy = ResyncPolicy(default_period=600, jitter=0.0)
    synced = obj_with({"lastSyncTime": "2026-01-01T00:00:00Z"})
    fresh_process = SyncMemory()
    assert fresh_process.due_in(synced, period=600, policy=policy,
                                now=T0 + timedelta(seconds=30)) > 0


@pytest.mark.parametrize(("reason", "generation", "terminal"), [
    ("InvalidConfiguration", 1, True),
    ("UnrecoverableError", 1, True),
    ("EndpointUnauthorized", 1, False),
    ("InvalidConfiguration", 2, False),
], ids=["invalid-spec", "unrecoverable", "credentials-retry", "spec-changed-since"])
def test_terminal_errors_are_not_resynced(reason: str, generation: int, terminal: bool) -> None:
    status = {"conditions": [{"type": "Stalled", "status": "True", "reason": reason,
                              "observedGeneration": 1}]}
    assert in_terminal_error(obj_with(status, generation=generation)) is terminal
