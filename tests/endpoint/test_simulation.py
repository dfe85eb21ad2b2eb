"""The simulated passage of time: provisioning delays, delayed starts, scheduled changes
that survive a restart (GFD.224 §3.1 state diagrams, as the endpoint simulates them)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from service_support import (
    Clock,
    act,
    compute,
    network,
    open_infrastructure,
    state_of,
    storage,
)

from occi_operator.endpoint.catalog import default_catalog
from occi_operator.endpoint.faults import FaultInjector
from occi_operator.endpoint.service import Infrastructure
from occi_operator.endpoint.settings import EndpointSettings, FaultSettings
from occi_operator.endpoint.simulation import Simulation
from occi_operator.endpoint.store import Store
from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import Resource


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def slow(tmp_path: Path, clock: Clock) -> Iterator[Infrastructure]:
    """An endpoint whose resources take 5 seconds to provision."""
    with open_infrastructure(tmp_path, clock=clock, delay=5) as opened:
        yield opened


@pytest.mark.parametrize(
    ("collection", "request_", "initial", "provisioned"),
    [
        pytest.param("/compute/", compute(), v.STATE_INACTIVE, v.STATE_ACTIVE, id="compute"),
        pytest.param("/network/", network(), v.STATE_INACTIVE, v.STATE_ACTIVE, id="network"),
        pytest.param("/storage/", storage(), v.STATE_OFFLINE, v.STATE_ONLINE, id="storage"),
    ],
)
def test_resources_provision_after_the_delay(
    slow: Infrastructure, clock: Clock, collection: str, request_: Resource, initial: str,
    provisioned: str,
) -> None:
    location = slow.create(collection, request_).location
    assert state_of(slow, location) == initial
    clock.tick(4.9)
    assert state_of(slow, location) == initial
    clock.tick(0.1)
    assert state_of(slow, location) == provisioned


def test_with_no_delay_the_create_answer_is_inactive_and_the_next_read_active(
    tmp_path: Path,
) -> None:
    with open_infrastructure(tmp_path, delay=0) as infra:
        created = infra.create("/compute/", compute())
        assert created.entity.attributes[v.COMPUTE_STATE] == v.STATE_INACTIVE
        assert created.entity.actions == (v.COMPUTE_START,)
        assert infra.advance() == 1
        assert infra.advance() == 0
        assert state_of(infra, created.location) == v.STATE_ACTIVE


def test_a_start_takes_the_delay_and_offers_start_until_then(
    slow: Infrastructure, clock: Clock
) -> None:
    location = slow.create("/compute/", compute()).location
    clock.tick(5)
    slow.trigger(location, act(v.COMPUTE_STOP))
    assert state_of(slow, location) == v.STATE_INACTIVE
    answer = slow.trigger(location, act(v.COMPUTE_START))
    assert answer.entity.attributes[v.COMPUTE_STATE] == v.STATE_INACTIVE
    pending = slow.simulation.pending(location)
    assert pending is not None
    assert pending.to == v.STATE_ACTIVE
    clock.tick(5)
    assert state_of(slow, location) == v.STATE_ACTIVE
    assert slow.simulation.pending(location) is None


def test_an_immediate_action_cancels_what_was_pending(slow: Infrastructure, clock: Clock) -> None:
    location = slow.create("/storage/", storage()).location
    clock.tick(5)
    slow.trigger(location, act(v.STORAGE_SNAPSHOT))
    assert state_of(slow, location) == v.STATE_SNAPSHOT
    clock.tick(5)
    assert state_of(slow, location) == v.STATE_ONLINE
    slow.trigger(location, act(v.STORAGE_OFFLINE))
    slow.trigger(location, act(v.STORAGE_ONLINE))  # pending online
    slow.trigger(location, act(v.STORAGE_ONLINE))  # still offline: allowed again
    clock.tick(5)
    assert state_of(slow, location) == v.STATE_ONLINE


def test_pending_changes_survive_a_restart(tmp_path: Path, clock: Clock) -> None:
    with open_infrastructure(tmp_path, clock=clock, delay=5) as infra:
        location = infra.create("/compute/", compute()).location
    with open_infrastructure(tmp_path, clock=clock, delay=5) as again:
        assert state_of(again, location) == v.STATE_INACTIVE
        clock.tick(5)
        assert state_of(again, location) == v.STATE_ACTIVE


def test_deletion_while_provisioning_drops_the_pending_change(
    slow: Infrastructure, clock: Clock
) -> None:
    location = slow.create("/compute/", compute()).location
    slow.delete(location)
    clock.tick(10)
    assert slow.advance() == 0
    assert slow.list("/compute/", where=None) == []


def _simulation(tmp_path: Path, clock: Clock, faults: FaultSettings) -> tuple[Store, Simulation]:
    store = Store.open(tmp_path / "sim.sqlite3", clock=clock)
    infra = Infrastructure(store, catalog=default_catalog(), clock=clock,
                           settings=EndpointSettings(data_dir=tmp_path,
                                                     provisioning_delay_seconds=60))
    infra.create("/compute/", compute(), )
    injector = FaultInjector(faults, rng=random.Random(1))
    return store, Simulation(store, clock=clock, faults=injector)


def test_schedule_replaces_and_cancel_forgets(tmp_path: Path, clock: Clock) -> None:
    store, simulation = _simulation(tmp_path, clock, FaultSettings())
    with store:
        (record,) = store.list_kind(v.COMPUTE_KIND)
        simulation.schedule_state(record.location, attribute=v.COMPUTE_STATE,
                                  to=v.STATE_SUSPENDED, delay=1, message="napping")
        first = simulation.pending(record.location)
        assert first is not None
        assert first.to == v.STATE_SUSPENDED
        assert first.message == "napping"
        clock.tick(1)
        assert simulation.advance() == 1
        entity = store.get(record.location)
        assert entity is not None
        assert entity.entity.attributes[v.COMPUTE_STATE] == v.STATE_SUSPENDED
        assert entity.entity.attributes[v.COMPUTE_STATE_MESSAGE] == "napping"
        simulation.schedule_state(record.location, attribute=v.COMPUTE_STATE, to="active",
                                  delay=1)
        simulation.cancel(record.location)
        clock.tick(5)
        assert simulation.advance() == 0
        assert simulation.pending(record.location) is None


def test_state_changes_land_in_error_when_the_fault_says_so(tmp_path: Path, clock: Clock) -> None:
    store, simulation = _simulation(tmp_path, clock, FaultSettings(error_state_rate=1.0))
    with store:
        (record,) = store.list_kind(v.COMPUTE_KIND)
        assert simulation.set_state(record.location, v.COMPUTE_STATE, v.STATE_ACTIVE, None)
        changed = store.get(record.location)
        assert changed is not None
        assert changed.entity.attributes[v.COMPUTE_STATE] == v.STATE_ERROR


def test_a_state_change_of_a_vanished_entity_changes_nothing(
    tmp_path: Path, clock: Clock
) -> None:
    store, simulation = _simulation(tmp_path, clock, FaultSettings())
    with store:
        assert not simulation.set_state("/compute/gone", v.COMPUTE_STATE, "active", None)
