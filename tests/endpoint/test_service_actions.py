"""Actions: the GFD.224 state machines (§3.1.1 compute, §3.2.1 network, §3.3.1 storage),
409 for an action the state does not offer, save creating an os_tpl, collection actions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from service_support import DEBIAN, act, compute, network, open_infrastructure, state_of, storage

from occi_operator.endpoint.catalog import ATTR_IMAGE
from occi_operator.endpoint.errors import BadRequestError, ConflictError, NotFoundError
from occi_operator.endpoint.service import Infrastructure
from occi_operator.endpoint.service_actions import SAVED_OS_TPL_SCHEME
from occi_operator.endpoint.settings import FaultSettings
from occi_operator.occi import vocabulary as v
from occi_operator.occi.categories import Mixin
from occi_operator.occi.entities import Filter, Resource

C, N, S = v.COMPUTE_KIND, v.NETWORK_KIND, v.STORAGE_KIND
_NEW: dict[str, Callable[[], Resource]] = {C: compute, N: network, S: storage}


@pytest.fixture
def infra(tmp_path: Path) -> Iterator[Infrastructure]:
    with open_infrastructure(tmp_path) as opened:
        yield opened


def _entity_in(infra: Infrastructure, kind: str, steps: tuple[str, ...]) -> str:
    """A provisioned entity of ``kind`` after the actions ``steps``."""
    request: Resource = _NEW[kind]()
    location = infra.create("/" + kind.rpartition("#")[2] + "/", request).location
    infra.advance()
    for step in steps:
        infra.trigger(location, act(step))
    return location


@pytest.mark.parametrize(
    ("kind", "steps", "action", "expected"),
    [
        pytest.param(C, (), v.COMPUTE_STOP, v.STATE_INACTIVE, id="compute-active-stop"),
        pytest.param(C, (), v.COMPUTE_RESTART, v.STATE_ACTIVE, id="compute-active-restart"),
        pytest.param(C, (), v.COMPUTE_SUSPEND, v.STATE_SUSPENDED, id="compute-active-suspend"),
        pytest.param(C, (), v.COMPUTE_SAVE, v.STATE_ACTIVE, id="compute-active-save"),
        pytest.param(C, (v.COMPUTE_STOP,), v.COMPUTE_START, v.STATE_ACTIVE,
                     id="compute-inactive-start"),
        pytest.param(C, (v.COMPUTE_SUSPEND,), v.COMPUTE_START, v.STATE_ACTIVE,
                     id="compute-suspended-start"),
        pytest.param(N, (), v.NETWORK_DOWN, v.STATE_INACTIVE, id="network-active-down"),
        pytest.param(N, (v.NETWORK_DOWN,), v.NETWORK_UP, v.STATE_ACTIVE, id="network-inactive-up"),
        pytest.param(S, (), v.STORAGE_OFFLINE, v.STATE_OFFLINE, id="storage-online-offline"),
        pytest.param(S, (v.STORAGE_OFFLINE,), v.STORAGE_ONLINE, v.STATE_ONLINE,
                     id="storage-offline-online"),
        pytest.param(S, (), v.STORAGE_BACKUP, v.STATE_BACKUP, id="storage-legacy-backup"),
    ],
)
def test_actions_lead_to_their_target_state(
    infra: Infrastructure, kind: str, steps: tuple[str, ...], action: str, expected: str
) -> None:
    location = _entity_in(infra, kind, steps)
    record = infra.trigger(location, act(action))
    term = kind.rpartition("#")[2]
    assert record.entity.attributes[f"occi.{term}.state"] == expected
    assert record.location == location


@pytest.mark.parametrize(
    ("kind", "steps", "action", "state", "allowed"),
    [
        pytest.param(C, (), v.COMPUTE_START, "active", "stop, restart, suspend, save",
                     id="compute-active-start"),
        pytest.param(C, (v.COMPUTE_STOP,), v.COMPUTE_STOP, "inactive", "start",
                     id="compute-inactive-stop"),
        pytest.param(C, (v.COMPUTE_SUSPEND,), v.COMPUTE_SUSPEND, "suspended", "start",
                     id="compute-suspended-suspend"),
        pytest.param(C, (v.COMPUTE_STOP,), v.COMPUTE_SAVE, "inactive", "start",
                     id="compute-inactive-save"),
        pytest.param(N, (), v.NETWORK_UP, "active", "down", id="network-active-up"),
        pytest.param(S, (v.STORAGE_OFFLINE,), v.STORAGE_OFFLINE, "offline", "online",
                     id="storage-offline-offline"),
    ],
)
def test_an_action_the_state_does_not_offer_is_a_conflict(
    infra: Infrastructure, kind: str, steps: tuple[str, ...], action: str, state: str,
    allowed: str,
) -> None:
    location = _entity_in(infra, kind, steps)
    term = action.rpartition("#")[2]
    message = f"is {state}: {term} is not possible in that state \\(possible now: {allowed}\\)"
    with pytest.raises(ConflictError, match=message):
        infra.trigger(location, act(action))


def test_a_busy_storage_takes_no_action(tmp_path: Path) -> None:
    with open_infrastructure(tmp_path, delay=5) as slow:
        location = slow.create("/storage/", storage()).location
        slow.simulation.set_state(location, v.STORAGE_STATE, v.STATE_ONLINE, None)
        slow.trigger(location, act(v.STORAGE_BACKUP))
        with pytest.raises(ConflictError, match=r"is backup: online is not possible in that "
                           r"state \(possible now: none\)"):
            slow.trigger(location, act(v.STORAGE_ONLINE))


def test_the_error_state_offers_nothing(infra: Infrastructure) -> None:
    infra.faults.configure(FaultSettings(error_state_rate=1.0))
    location = _entity_in(infra, C, ())
    with pytest.raises(ConflictError, match=r"is error: .* \(possible now: none\)"):
        infra.trigger(location, act(v.COMPUTE_START))


@pytest.mark.parametrize(
    ("action", "parameters", "message"),
    [
        pytest.param(v.NETWORK_UP, {}, "is not one of its actions", id="other-kinds-action"),
        pytest.param("http://example.org/x#fly", {}, "unknown category", id="unknown-action"),
        pytest.param(v.COMPUTE_STOP, {"method": "yank"}, "method: must be one of",
                     id="bad-parameter-value"),
        pytest.param(v.COMPUTE_STOP, {"speed": "fast"}, "speed: is not a parameter",
                     id="unknown-parameter"),
    ],
)
def test_an_invalid_invocation_is_a_bad_request(
    infra: Infrastructure, action: str, parameters: dict[str, str], message: str
) -> None:
    location = _entity_in(infra, C, ())
    with pytest.raises(BadRequestError, match=message):
        infra.trigger(location, act(action, **parameters))
    assert state_of(infra, location) == v.STATE_ACTIVE


def test_an_action_on_nothing_is_not_found(infra: Infrastructure) -> None:
    with pytest.raises(NotFoundError):
        infra.trigger("/compute/none", act(v.COMPUTE_START))


def test_an_action_on_a_lingering_entity_is_a_conflict(infra: Infrastructure) -> None:
    location = _entity_in(infra, C, ())
    infra.faults.configure(FaultSettings(delete_linger_seconds=10))
    infra.delete(location)
    with pytest.raises(ConflictError, match="is being deleted"):
        infra.trigger(location, act(v.COMPUTE_STOP))


def test_save_creates_an_os_tpl_user_mixin(infra: Infrastructure) -> None:
    location = infra.create("/compute/", compute(DEBIAN, title="golden")).location
    infra.advance()
    outcome = infra.perform(location, act(v.COMPUTE_SAVE, name="golden-1"))
    saved = outcome.saved
    assert isinstance(saved, Mixin)
    assert saved.type_id == SAVED_OS_TPL_SCHEME + "golden-1"
    assert saved.depends == (v.OS_TPL_MIXIN,)
    assert saved.location == "/os_tpl/saved/golden-1/"
    assert saved.title == "Saved from golden"
    assert saved.attribute(ATTR_IMAGE) is not None
    assert saved.attribute(v.COMPUTE_ARCHITECTURE) is not None  # inherited from debian-12
    assert outcome.record.entity.attributes[v.COMPUTE_STATE] == v.STATE_ACTIVE
    assert infra.query_interface(Filter(categories=(saved.type_id,))).mixins == (saved,)
    assert infra.category_at("/os_tpl/saved/golden-1/") == saved
    # The saved template can be used at once, and survives a reload of the categories.
    clone = infra.create("/compute/", compute(saved.type_id))
    assert clone.entity.attributes[ATTR_IMAGE] == "saved/golden-1"


def test_save_without_a_name_generates_one_and_a_taken_name_conflicts(
    infra: Infrastructure,
) -> None:
    location = _entity_in(infra, C, ())
    generated = infra.perform(location, act(v.COMPUTE_SAVE)).saved
    assert generated is not None
    assert generated.term.startswith("saved-")
    infra.perform(location, act(v.COMPUTE_SAVE, name="img"))
    with pytest.raises(ConflictError, match="an os_tpl named img already exists"):
        infra.perform(location, act(v.COMPUTE_SAVE, name="img"))
    with pytest.raises(BadRequestError, match="parameter name: must be a term"):
        infra.perform(location, act(v.COMPUTE_SAVE, name="no spaces"))


def test_other_actions_create_nothing(infra: Infrastructure) -> None:
    location = _entity_in(infra, C, ())
    assert infra.perform(location, act(v.COMPUTE_RESTART, method="warm")).saved is None


def test_legacy_storage_resize_sets_the_size(infra: Infrastructure) -> None:
    location = _entity_in(infra, S, ())
    record = infra.trigger(location, act(v.STORAGE_RESIZE, size=50))
    assert record.entity.attributes[v.STORAGE_SIZE] == 50
    assert record.entity.attributes[v.STORAGE_STATE] == v.STATE_RESIZE
    assert state_of(infra, location) == v.STATE_ONLINE  # with no delay, back at once


def test_actions_offered_follow_the_state(infra: Infrastructure) -> None:
    location = _entity_in(infra, C, (v.COMPUTE_SUSPEND,))
    assert infra.get(location).entity.actions == (v.COMPUTE_START,)


def test_a_collection_action_applies_where_the_state_allows(infra: Infrastructure) -> None:
    running = [_entity_in(infra, C, ()) for _ in range(3)]
    stopped = _entity_in(infra, C, (v.COMPUTE_STOP,))
    assert infra.trigger_collection("/compute/", act(v.COMPUTE_STOP)) == 3
    assert {state_of(infra, loc) for loc in [*running, stopped]} == {v.STATE_INACTIVE}
    assert infra.trigger_collection("/compute/", act(v.COMPUTE_START)) == 4


def test_a_collection_action_is_checked_first(infra: Infrastructure) -> None:
    _entity_in(infra, C, ())
    with pytest.raises(BadRequestError, match="unknown category"):
        infra.trigger_collection("/compute/", act("http://example.org/x#fly"))
    with pytest.raises(NotFoundError):
        infra.trigger_collection("/nowhere/", act(v.COMPUTE_STOP))
