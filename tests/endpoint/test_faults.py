"""Fault injection: the dice of FaultInjector and the faults the domain applies itself
(lingering deletes, error states, lost create answers)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from service_support import Clock, compute, open_infrastructure, state_of

from occi_operator.endpoint.errors import NotFoundError
from occi_operator.endpoint.faults import NO_FAULT, FaultInjector
from occi_operator.endpoint.service import Infrastructure
from occi_operator.endpoint.settings import FaultSettings, ServerErrorRates
from occi_operator.occi import vocabulary as v


def test_faults_are_off_by_default_and_roll_no_dice() -> None:
    rng = random.Random(1)
    before = rng.getstate()
    injector = FaultInjector(FaultSettings(), rng=rng)
    assert injector.decide("POST", "/compute/") is NO_FAULT
    assert not injector.error_state()
    assert injector.delete_linger() == 0
    assert rng.getstate() == before
    assert NO_FAULT.harmless


@pytest.mark.parametrize(
    ("verb", "path", "settings", "expected"),
    [
        pytest.param("GET", "/compute/", FaultSettings(latency_seconds=0.25),
                     {"latency": 0.25, "status": None}, id="latency-on-every-request"),
        pytest.param("get", "/compute/1", FaultSettings(
            server_error_rate=ServerErrorRates(get=1.0)), {"status": "5xx"},
            id="get-error-rate"),
        pytest.param("PUT", "/compute/1", FaultSettings(
            server_error_rate=ServerErrorRates(get=1.0)), {"status": None},
            id="rate-of-another-verb"),
        pytest.param("DELETE", "/compute/1", FaultSettings(dropped_connection_rate=1.0),
                     {"drop": True}, id="dropped-connection"),
        pytest.param("POST", "/compute/", FaultSettings(lost_create_answer_rate=1.0),
                     {"lose_answer": True}, id="lost-create-answer"),
        pytest.param("POST", "/compute/1", FaultSettings(lost_create_answer_rate=1.0),
                     {"lose_answer": False}, id="no-lost-answer-on-entity-post"),
        pytest.param("POST", "/-/", FaultSettings(lost_create_answer_rate=1.0),
                     {"lose_answer": False}, id="no-lost-answer-on-query-interface"),
        pytest.param("PATCH", "/compute/", FaultSettings(
            server_error_rate=ServerErrorRates(get=1.0, post=1.0, put=1.0, delete=1.0)),
            {"status": None}, id="unknown-verb-has-no-rate"),
    ],
)
def test_decide_follows_the_settings(
    verb: str, path: str, settings: FaultSettings, expected: dict[str, object]
) -> None:
    decision = FaultInjector(settings, rng=random.Random(5)).decide(verb, path)
    for field, value in expected.items():
        if value == "5xx":
            assert decision.status in (500, 503)
        else:
            assert getattr(decision, field) == value, field
    assert decision.harmless is all(x in (None, False, 0.0) for x in expected.values())


def test_a_seed_makes_the_dice_reproducible() -> None:
    settings = FaultSettings(server_error_rate=ServerErrorRates(get=0.5, post=0.5), seed=42)

    def run() -> list[object]:
        injector = FaultInjector(settings)
        return [injector.decide(verb, "/compute/").status for verb in ("GET", "POST") * 20]

    first = run()
    assert first == run()
    assert {None, 500, 503} & set(first) - {None}  # some errors happened
    assert None in first  # and some requests went through


def test_rates_are_roughly_respected() -> None:
    injector = FaultInjector(FaultSettings(dropped_connection_rate=0.3), rng=random.Random(9))
    drops = sum(injector.decide("GET", "/").drop for _ in range(2000))
    assert 450 < drops < 750


def test_configure_switches_faults_at_run_time_and_reseeds() -> None:
    injector = FaultInjector(FaultSettings())
    assert injector.decide("GET", "/").harmless
    settings = FaultSettings(server_error_rate=ServerErrorRates(get=0.5), seed=3)
    injector.configure(settings)
    assert injector.settings == settings
    first = [injector.decide("GET", "/").status for _ in range(10)]
    injector.configure(settings)
    assert [injector.decide("GET", "/").status for _ in range(10)] == first
    injector.configure(FaultSettings())
    assert injector.decide("GET", "/") is NO_FAULT


# -- faults the domain applies ----------------------------------------------------------


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def infra(tmp_path: Path, clock: Clock) -> Iterator[Infrastructure]:
    with open_infrastructure(tmp_path, clock=clock) as opened:
        yield opened


def test_a_deleted_entity_lingers_then_vanishes(infra: Infrastructure, clock: Clock) -> None:
    infra.faults.configure(FaultSettings(delete_linger_seconds=30))
    location = infra.create("/compute/", compute()).location
    infra.delete(location)
    lingering = infra.get(location)
    assert lingering.entity.attributes[v.COMPUTE_STATE_MESSAGE] == "deleting"
    assert lingering.entity.actions == ()
    assert [r.location for r in infra.list("/compute/", where=None)] == [location]
    infra.delete(location)  # deleting again while it lingers is fine
    clock.tick(29)
    assert infra.get(location).location == location
    clock.tick(1)
    with pytest.raises(NotFoundError):
        infra.get(location)
    assert infra.list("/compute/", where=None) == []


def test_error_state_rate_makes_provisioning_fail(infra: Infrastructure) -> None:
    infra.faults.configure(FaultSettings(error_state_rate=1.0))
    location = infra.create("/compute/", compute()).location
    assert state_of(infra, location) == v.STATE_ERROR
    entity = infra.get(location).entity
    assert "injected fault" in str(entity.attributes[v.COMPUTE_STATE_MESSAGE])
    assert entity.actions == ()  # error offers no way out but delete


def test_a_lost_create_answer_still_creates(infra: Infrastructure) -> None:
    # The HTTP layer asks decide(); on lose_answer it carries out the create and then fails.
    infra.faults.configure(FaultSettings(lost_create_answer_rate=1.0))
    decision = infra.faults.decide("POST", "/compute/")
    assert decision.lose_answer
    created = infra.create("/compute/", compute(title="lost"))
    assert [r.location for r in infra.list("/compute/", where=None)] == [created.location]
