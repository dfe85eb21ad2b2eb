"""The kopf wiring: an explicit registry per adapter, outcomes handed to kopf, settings derived."""

from __future__ import annotations

import kopf
import pytest

from occi_operator.api.v1alpha1 import GROUP
from occi_operator.reconciler.dependencies import FINALIZER
from occi_operator.reconciler.handlers import build_registry, configure, guarded, hand_over
from occi_operator.reconciler.outcome import Outcome
from occi_operator.reconciler.runtime import Runtime
from occi_operator.reconciler.settings import OperatorSettings


def test_done_returns_quietly() -> None:
    hand_over(Outcome.done())


def test_waiting_is_a_temporary_error_with_its_delay() -> None:
    with pytest.raises(kopf.TemporaryError) as caught:
        hand_over(Outcome.waiting("Waiting for Network/public to be ready", 5.0))
    assert caught.value.delay == 5.0
    assert str(caught.value) == "Waiting for Network/public to be ready"


def test_terminal_is_a_permanent_error() -> None:
    with pytest.raises(kopf.PermanentError, match="fix it"):
        hand_over(Outcome.terminal("fix it"))


def test_the_registry_has_every_handler_of_every_kind(runtime: Runtime) -> None:
    registry = build_registry(runtime, OperatorSettings())
    changing = registry._changing.get_all_handlers()  # kopf has no public listing
    spawning = registry._spawning.get_all_handlers()
    plurals = {h.selector.plural for h in changing}
    assert plurals == {"networks", "storages", "computes", "networkinterfaces", "storagelinks",
                       "applications", "components", "componentlinks", "occiresources",
                       "occiendpoints", "clusterocciendpoints"}
    assert len(changing) == 9 * 6 + 2 * 3  # + unpaused and reconcile-requested per kind
    assert len(spawning) == 9 * 2  # resync and settle timers
    assert {h.id for h in spawning} == {"resync", "settle"}
    deletes = [h for h in changing if h.id == "delete"]
    assert all(not h.requires_finalizer for h in deletes)  # ours comes before the create


def test_kopf_settings_derive_from_ours() -> None:
    ours = OperatorSettings(watch={"label_selector": "shard=a", "server_timeout": 30,
                                   "client_timeout": 45},
                            peering={"standalone": False, "name": "occi", "priority": 3})
    theirs = kopf.OperatorSettings()
    configure(theirs, ours)
    assert theirs.persistence.finalizer == FINALIZER
    assert (theirs.peering.standalone, theirs.peering.name, theirs.peering.priority) == (
        False, "occi", 3)
    assert theirs.peering.mandatory is True
    computes = kopf.Resource(GROUP, "v1alpha1", "computes", kind="Compute", namespaced=True)
    assert theirs.watching.label_selectors.collect(computes) == ["shard=a"]
    assert theirs.posting.loggers is False
    assert (theirs.watching.server_timeout, theirs.watching.client_timeout) == (30, 45)



async def test_an_unexpected_failure_becomes_a_summarised_retry(runtime: Runtime) -> None:
    async def broken() -> Outcome:
        raise KeyError("password=hunter2")

    with pytest.raises(kopf.TemporaryError) as caught:
        await guarded(runtime, "reconcile Compute/vm", broken())
    assert str(caught.value) == "reconcile Compute/vm failed unexpectedly (KeyError)"
    assert caught.value.delay == runtime.reconciler.timings.errors.transient
