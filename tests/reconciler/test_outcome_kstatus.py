"""Outcomes map onto kstatus conditions and requeues here only (kstatus rules)."""

from __future__ import annotations

import pytest

from occi_operator.api.v1alpha1.common import Condition, ConditionReason, ConditionStatus
from occi_operator.reconciler.outcome import Outcome

NOW, LATER = "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z"


@pytest.mark.parametrize(
    ("outcome", "ready", "reconciling", "stalled", "requeue"),
    [
        (Outcome.done(), "True", "False", "False", None),
        (Outcome.waiting("provisioning", 2.0), "False", "True", "False", 2.0),
        (Outcome.waiting("Waiting for Network/public to be ready", 5.0,
                         reason=ConditionReason.WAITING_FOR_DEPENDENCY),
         "False", "True", "False", 5.0),
        (Outcome.transient("endpoint down", 10.0), "False", "True", "False", 10.0),
        (Outcome.transient("refused", 60.0, reason=ConditionReason.ENDPOINT_UNAUTHORIZED),
         "False", "False", "True", 60.0),
        (Outcome.terminal("bad template"), "False", "False", "True", None),
        (Outcome.terminal("error state", reason=ConditionReason.UNRECOVERABLE_ERROR),
         "False", "False", "True", None),
    ],
    ids=["done-is-ready", "waiting-reconciles", "dependency-reconciles",
         "transient-reconciles", "unauthorized-stalls-but-retries", "terminal-stalls",
         "unrecoverable-stalls"],
)
def test_exactly_one_abnormal_or_ready_condition(
    outcome: Outcome, ready: str, reconciling: str, stalled: str, requeue: float | None
) -> None:
    conditions = {c.type: c for c in outcome.conditions(generation=3, now=NOW)}
    assert [conditions[t].status.value for t in ("Ready", "Reconciling", "Stalled")] == [
        ready, reconciling, stalled]
    assert {c.observed_generation for c in conditions.values()} == {3}
    assert {c.reason for c in conditions.values()} == {outcome.reason.value}
    assert outcome.requeue_after == requeue
    assert list(conditions.values()).count(
        next(c for c in conditions.values() if c.status is ConditionStatus.TRUE)) == 1


def test_transition_time_is_kept_while_the_status_holds() -> None:
    first = Outcome.waiting("a", 1.0).conditions(generation=1, now=NOW)
    again = Outcome.waiting("b", 1.0).conditions(generation=1, now=LATER, previous=first)
    assert [c.last_transition_time for c in again] == [NOW, NOW, NOW]
    done = Outcome.done().conditions(generation=1, now=LATER, previous=again)
    times = {c.type: c.last_transition_time for c in done}
    assert times == {"Ready": LATER, "Reconciling": LATER, "Stalled": NOW}


def test_messages_land_where_kstatus_readers_look() -> None:
    stalled = {c.type: c for c in Outcome.terminal("fix the spec").conditions(
        generation=1, now=NOW)}
    assert stalled["Stalled"].message == "fix the spec"
    assert stalled["Ready"].message == "fix the spec"
    assert stalled["Reconciling"].message == ""
    assert isinstance(stalled["Ready"], Condition)


def test_negative_delays_are_clamped() -> None:
    assert Outcome.waiting("x", -5.0).requeue_after == 0.0
