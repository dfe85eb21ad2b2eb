"""After a create or an action, the operator waits for the resource to change state.

A provisioning cloud shows a new machine as ``inactive`` (ooi) and a new disk as
``offline``: starting it then, or triggering ``online`` again while an ``online`` is under
way, only starts the work over (the embedded endpoint, like a real cloud, schedules the
change again). The endpoint and the operator share a clock that the tests move; the
endpoint takes a minute for every provisioning and every start.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from flow_support import Stack
from memory_kube import MemoryKube

from occi_operator.endpoint.app import create_app
from occi_operator.endpoint.settings import EndpointSettings
from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import EndpointConfig, OCCIClient
from occi_operator.occi.entities import ActionInvocation
from occi_operator.reconciler.outcome import OutcomeKind
from occi_operator.reconciler.runtime import build_runtime
from occi_operator.reconciler.settings import OperatorSettings

DELAY = 60.0
GRACE = 120.0
VM = {"osTemplate": "cirros", "resourceTemplate": "small"}


class Clock:
    """A settable ``now`` shared by the endpoint and the operator."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


class Slow:
    """The driver, the shared clock and a plain client of the slow endpoint."""

    def __init__(self, stack: Stack, clock: Clock, http: OCCIClient) -> None:
        self.stack, self.clock, self.http = stack, clock, http

    def actions(self) -> list[str]:
        return [e.message for e in self.stack.kube.events if e.reason == "Action"]

    async def passes(self, kind: str, name: str, count: int) -> list[OutcomeKind]:
        """``count`` passes, a few seconds apart (as the requeues would run them)."""
        kinds = []
        for _ in range(count):
            kinds.append((await self.stack.step(kind, name)).kind)
            self.clock.advance(5)
        return kinds

    async def remote_state(self, kind: str, name: str, attribute: str) -> Any:
        location = self.stack.read(kind, name).status["location"]
        return (await self.http.get(location)).attributes[attribute]


@pytest.fixture
async def slow(tmp_path: Any, kube: MemoryKube) -> AsyncIterator[Slow]:
    clock = Clock()
    settings = EndpointSettings(data_dir=tmp_path / "slow", provisioning_delay_seconds=DELAY)
    app = create_app(settings, clock=clock)

    def factory(config: EndpointConfig) -> OCCIClient:
        return OCCIClient(config, transport=httpx.ASGITransport(app=app))

    operator = OperatorSettings(timing={"transition_grace": GRACE})
    async with app.router.lifespan_context(app):
        runtime = build_runtime(operator, kube, client_factory=factory, now=clock)
        http = factory(EndpointConfig(url="http://occi.test/"))
        try:
            yield Slow(Stack(kube, runtime), clock, http)
        finally:
            await http.aclose()
            await runtime.aclose()


async def test_a_provisioning_machine_is_waited_for_never_started(slow: Slow) -> None:
    slow.stack.apply("Compute", "vm", VM)
    kinds = await slow.passes("Compute", "vm", 6)
    assert set(kinds) == {OutcomeKind.WAITING}
    assert slow.actions() == []
    status = slow.stack.read("Compute", "vm").status
    assert (status["state"], status["transitionFrom"]) == ("inactive", "inactive")
    assert "waiting up to 120s" in slow.stack.condition("Compute", "vm", "Ready")["message"]
    writes = slow.stack.kube.writes
    assert set(await slow.passes("Compute", "vm", 3)) == {OutcomeKind.WAITING}
    assert slow.stack.kube.writes == writes  # looking again while it provisions writes nothing
    slow.clock.advance(DELAY)  # provisioning ends
    assert (await slow.stack.settle("Compute", "vm")).kind is OutcomeKind.DONE
    status = slow.stack.read("Compute", "vm").status
    assert status["state"] == "active"
    assert "transitionSince" not in status
    assert "transitionFrom" not in status
    assert slow.actions() == []


async def test_a_provisioning_disk_gets_no_online(slow: Slow) -> None:
    slow.stack.apply("Storage", "disk", {"size": "1Gi"})
    assert set(await slow.passes("Storage", "disk", 6)) == {OutcomeKind.WAITING}
    assert slow.actions() == []
    slow.clock.advance(DELAY)
    assert (await slow.stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    assert await slow.remote_state("Storage", "disk", v.STORAGE_STATE) == "online"


async def test_an_online_under_way_is_not_triggered_again(slow: Slow) -> None:
    slow.stack.apply("Storage", "disk", {"size": "1Gi", "online": False})
    slow.clock.advance(DELAY)
    assert (await slow.stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    slow.stack.apply("Storage", "disk", {"size": "1Gi", "online": True})
    assert set(await slow.passes("Storage", "disk", 6)) == {OutcomeKind.WAITING}
    assert len(slow.actions()) == 1  # one online, then a wait while it is under way
    slow.clock.advance(DELAY)
    assert (await slow.stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    assert await slow.remote_state("Storage", "disk", v.STORAGE_STATE) == "online"


async def test_a_start_under_way_is_not_triggered_again(slow: Slow) -> None:
    slow.stack.apply("Compute", "vm", {**VM, "powerState": "Stopped"})
    slow.clock.advance(DELAY)
    await slow.passes("Compute", "vm", 3)  # provisioned (active), then stopped
    assert (await slow.stack.settle("Compute", "vm")).kind is OutcomeKind.DONE
    assert await slow.remote_state("Compute", "vm", v.COMPUTE_STATE) == "inactive"
    slow.stack.apply("Compute", "vm", {**VM, "powerState": "Running"})
    before = len(slow.actions())
    assert set(await slow.passes("Compute", "vm", 6)) == {OutcomeKind.WAITING}
    assert len(slow.actions()) == before + 1
    slow.clock.advance(DELAY)
    assert (await slow.stack.settle("Compute", "vm")).kind is OutcomeKind.DONE


async def test_a_machine_still_inactive_after_the_grace_is_started_once(slow: Slow) -> None:
    # As from a cloud that creates machines stopped: the machine is inactive when the
    # grace runs out (here: provisioned, then stopped behind the operator's back), so
    # the wait ends and the operator starts it — once, then it waits for that start.
    slow.stack.apply("Compute", "vm", VM)
    await slow.passes("Compute", "vm", 2)
    location = slow.stack.read("Compute", "vm").status["location"]
    slow.clock.advance(GRACE)
    await slow.http.trigger(location, ActionInvocation(action=v.COMPUTE_STOP))
    kinds = await slow.passes("Compute", "vm", 4)
    assert set(kinds) == {OutcomeKind.WAITING}
    assert len(slow.actions()) == 1
    assert "start" in slow.actions()[0]

