"""Observation that scales: one collection GET per kind serves every settled object.

The operator's runtime talks to the embedded endpoint in-process through a small ASGI
wrapper that counts the requests it sees, by method and path, and a clock the tests move
forward past the resync period.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from flow_support import NAMESPACE, Stack
from memory_kube import MemoryKube
from starlette.applications import Starlette

from occi_operator.occi.client import EndpointConfig, OCCIClient
from occi_operator.reconciler.endpoints import ENDPOINTS
from occi_operator.reconciler.outcome import OutcomeKind
from occi_operator.reconciler.poller import CollectionPoller
from occi_operator.reconciler.runtime import build_runtime
from occi_operator.reconciler.settings import OperatorSettings

JSON = "application/occi+json"
T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
PERIOD = 600.0
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class Counting:
    """An ASGI app in front of another, counting HTTP requests as ``(method, path)``."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.seen: Counter[tuple[str, str]] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen[(scope["method"], scope["path"])] += 1
        await self.app(scope, receive, send)

    def total(self) -> int:
        return sum(self.seen.values())

    def gets(self, path_prefix: str) -> tuple[int, int]:
        """(collection GETs, entity GETs) under ``path_prefix``."""
        listing = self.seen[("GET", path_prefix)]
        single = sum(n for (method, path), n in self.seen.items()
                     if method == "GET" and path.startswith(path_prefix) and path != path_prefix)
        return listing, single


class Clock:
    """A settable ``now``."""

    def __init__(self) -> None:
        self.moment = T0

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


class World:
    """The runtime, its counted endpoint and clock, and the flow driver."""

    def __init__(self, stack: Stack, counting: Counting, clock: Clock) -> None:
        self.stack, self.counting, self.clock = stack, counting, clock

    @property
    def poller(self) -> CollectionPoller:
        return self.stack.runtime.reconciler.poller

    def disks(self, count: int) -> list[str]:
        names = [f"disk-{n}" for n in range(count)]
        for name in names:
            self.stack.apply("Storage", name, {"size": "1Gi"})
        return names

    async def settle(self, names: list[str]) -> None:
        for name in names:
            assert (await self.stack.settle("Storage", name)).kind is OutcomeKind.DONE

    async def resync(self, names: list[str]) -> list[OutcomeKind]:
        """One resync pass over each object, all at once (as kopf's timers run them)."""
        objects = [self.stack.read("Storage", name) for name in names]
        assert all(self.stack.runtime.resync_due(obj) for obj in objects)
        outcomes = await asyncio.gather(*(self.stack.runtime.reconcile(o) for o in objects))
        return [outcome.kind for outcome in outcomes]


class NoJsonListings:
    """A server whose collections do not come in JSON: it refuses the media type with 406,
    or (``uri_list``) answers every listing with locations only, whatever was asked."""

    def __init__(self, app: Starlette, *, uri_list: bool) -> None:
        self.app, self.uri_list = app, uri_list

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        listing = scope["type"] == "http" and scope["path"].endswith("/")
        if listing and headers.get(b"accept") == JSON.encode():
            if not self.uri_list:
                await send({"type": "http.response.start", "status": 406, "headers": []})
                await send({"type": "http.response.body", "body": b""})
                return
            others = [(k, v) for k, v in scope["headers"] if k != b"accept"]
            scope = {**scope, "headers": [*others, (b"accept", b"text/uri-list")]}
        await self.app(scope, receive, send)


def endpoint_kube(rendering: str) -> MemoryKube:
    memory = MemoryKube()
    memory.namespaces[NAMESPACE] = {}
    memory.apply(ENDPOINTS, NAMESPACE, "cloud", {
        "url": "http://occi.test/", "auth": "none", "preferredRendering": rendering,
        "limits": {"maxConcurrentRequests": 8, "requestsPerSecond": 10000, "burst": 10000},
    })
    return memory


async def make_world(endpoint_app: Any, rendering: str) -> AsyncIterator[World]:
    counting, clock = Counting(endpoint_app), Clock()

    def factory(config: EndpointConfig) -> OCCIClient:
        return OCCIClient(config, transport=httpx.ASGITransport(app=counting))

    kube = endpoint_kube(rendering)
    settings = OperatorSettings(resync={"default_period": PERIOD, "jitter": 0.1})
    runtime = build_runtime(settings, kube, client_factory=factory, now=clock)
    try:
        yield World(Stack(kube, runtime), counting, clock)
    finally:
        await runtime.aclose()


@pytest.fixture
async def world(endpoint_app: Starlette) -> AsyncIterator[World]:
    """An endpoint object speaking JSON, whose collections carry full entities."""
    async for made in make_world(endpoint_app, JSON):
        yield made


@pytest.fixture
async def text_world(endpoint_app: Starlette) -> AsyncIterator[World]:
    """An endpoint object speaking text/plain, whose collections list locations only."""
    async for made in make_world(endpoint_app, "text/plain"):
        yield made


async def test_one_listing_serves_every_settled_object_and_writes_nothing(world: World) -> None:
    names = world.disks(10)
    await world.settle(names)
    world.clock.advance(PERIOD * 1.2)
    writes, before = world.stack.kube.writes, world.counting.seen.copy()
    assert await world.resync(names) == [OutcomeKind.DONE] * 10
    sent = world.counting.seen - before
    assert world.counting.gets("/storage/") == (before[("GET", "/storage/")] + 1,
                                                 world.counting.gets("/storage/")[1])
    assert sum(sent.values()) == 1, sent
    assert world.stack.kube.writes == writes
    assert world.poller.served == 10


async def test_the_objects_are_due_again_one_period_after_the_listing(world: World) -> None:
    names = world.disks(4)
    await world.settle(names)
    world.clock.advance(PERIOD * 1.2)
    listed_at = world.clock()
    await world.resync(names)
    world.clock.advance(PERIOD * 0.5)
    assert not any(world.stack.runtime.resync_due(world.stack.read("Storage", n)) for n in names)
    world.clock.advance(PERIOD * 0.7)
    before = world.counting.total()
    await world.resync(names)
    assert world.counting.total() - before == 1
    synced = world.stack.runtime.reconciler.memory.last_sync(world.stack.read("Storage", names[0]))
    assert synced is not None
    assert synced > listed_at


async def test_a_listing_older_than_the_last_sync_is_not_used(world: World) -> None:
    names = world.disks(3)
    await world.settle(names)
    world.clock.advance(PERIOD * 1.2)
    await world.resync(names[:2])  # the listing is requested now
    memory = world.stack.runtime.reconciler.memory
    memory.mark(world.stack.read("Storage", names[2]).uid, world.clock() + timedelta(seconds=1))
    world.clock.advance(2)
    before = world.counting.total()
    obj = world.stack.read("Storage", names[2])
    assert (await world.stack.runtime.reconcile(obj)).kind is OutcomeKind.DONE
    assert world.counting.total() - before == 1  # a fresh listing, not the old one
    assert world.poller.listings == 2


async def test_an_object_missing_from_the_listing_is_read_alone(world: World) -> None:
    names = world.disks(3)
    await world.settle(names)
    gone = str(world.stack.read("Storage", names[0]).status["location"])
    async with OCCIClient(EndpointConfig(url="http://occi.test/", rate=None),
                          transport=httpx.ASGITransport(app=world.counting.app)) as direct:
        await direct.delete(gone)
    world.clock.advance(PERIOD * 1.2)
    before = world.counting.seen.copy()
    await world.resync(names)
    sent = world.counting.seen - before
    path = httpx.URL(gone).path
    assert sent[("GET", path)] == 1  # its own GET answers 404: recreated
    assert sent[("GET", "/storage/")] == 1
    assert world.stack.read("Storage", names[0]).status.get("location") != gone


async def test_a_lone_object_is_read_with_its_own_get(world: World) -> None:
    names = world.disks(1)
    await world.settle(names)
    world.clock.advance(PERIOD * 1.2)
    before = world.counting.seen.copy()
    await world.resync(names)
    assert (world.counting.seen - before)[("GET", "/storage/")] == 0
    assert world.poller.listings == 0


async def test_text_preferred_endpoints_still_list_in_json(text_world: World) -> None:
    # Entities are read in text/plain, but a listing asks for JSON, which carries them.
    names = text_world.disks(5)
    await text_world.settle(names)
    text_world.clock.advance(PERIOD * 1.2)
    before = text_world.counting.seen.copy()
    assert await text_world.resync(names) == [OutcomeKind.DONE] * 5
    asked = text_world.counting.seen - before
    assert asked == {("GET", "/storage/"): 1}  # one listing, no entity GET
    assert text_world.poller.served == 5


@pytest.mark.parametrize("uri_list", [False, True], ids=["json-refused-406", "uri-list-answer"])
async def test_locations_only_listings_fall_back_to_gets_for_good(
    endpoint_app: Starlette, uri_list: bool
) -> None:
    async for text_world in make_world(NoJsonListings(endpoint_app, uri_list=uri_list),
                                       "text/plain"):
        await locations_only_fall_back(text_world)


async def locations_only_fall_back(text_world: World) -> None:
    names = text_world.disks(5)
    await text_world.settle(names)
    writes = text_world.stack.kube.writes
    for _ in range(2):
        text_world.clock.advance(PERIOD * 1.2)
        before = text_world.counting.seen.copy()
        assert await text_world.resync(names) == [OutcomeKind.DONE] * 5
        listing, single = ((text_world.counting.seen - before)[("GET", "/storage/")],
                           sum(text_world.counting.seen.values()) - sum(before.values()))
        assert single - listing == 5
    assert text_world.poller.listings == 1  # asked once, then never again
    assert text_world.stack.kube.writes == writes


async def test_a_changed_spec_reads_its_object_directly(world: World) -> None:
    names = world.disks(3)
    await world.settle(names)
    world.clock.advance(PERIOD * 1.2)
    await world.resync(names[1:])
    world.stack.apply("Storage", names[0], {"size": "2Gi"})
    before = world.counting.seen.copy()
    await world.stack.runtime.reconcile(world.stack.read("Storage", names[0]))
    location = httpx.URL(str(world.stack.read("Storage", names[0]).status["location"])).path
    assert (world.counting.seen - before)[("GET", location)] == 1


@pytest.mark.parametrize(("base", "cap", "expected"), [
    (0.5, 30.0, [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]),
    (2.0, 5.0, [2.0, 4.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0]),
    (40.0, 30.0, [40.0] * 8),
], ids=["doubles-to-the-cap", "small-cap", "base-above-cap-stays"])
def test_changing_objects_are_looked_at_soon_then_less_often(
    base: float, cap: float, expected: list[float]
) -> None:
    poller = CollectionPoller(backoff_cap=cap)
    assert [poller.settling_delay("uid", base) for _ in expected] == expected
    poller.settled("uid")
    assert poller.settling_delay("uid", base) == base


async def test_a_provisioning_object_backs_off_between_looks(endpoint_settings: Any) -> None:
    from occi_operator.endpoint.app import create_app

    slow = endpoint_settings.model_copy(update={"provisioning_delay_seconds": 3600})
    app = create_app(slow)
    async with app.router.lifespan_context(app):
        async for world in make_world(app, JSON):
            world.stack.apply("Compute", "slow", {"resourceTemplate": "small",
                                                  "osTemplate": "debian-12"})
            delays = []
            for _ in range(4):
                outcome = await world.stack.step("Compute", "slow")
                assert outcome.kind is OutcomeKind.WAITING
                delays.append(outcome.requeue_after)
            first = world.stack.runtime.reconciler.timings.provisioning
            # created, then waited for (never started while it provisions), each look later
            assert delays == [first, first * 2, first * 4, first * 8]
            assert not [e for e in world.stack.kube.events if e.reason == "Action"]


async def test_a_listing_confirms_every_unchanged_object_without_a_pass(world: World) -> None:
    names = world.disks(10)
    await world.settle(names)
    world.clock.advance(PERIOD * 1.2)
    before, writes = world.counting.total(), world.stack.kube.writes
    await world.resync(names[:1])
    assert world.counting.total() - before == 1
    assert world.poller.confirmed == 10
    runtime = world.stack.runtime
    assert not any(runtime.resync_due(world.stack.read("Storage", n)) for n in names)
    assert world.stack.kube.writes == writes


async def test_a_changed_entity_stays_due_and_its_pass_uses_the_listing(world: World) -> None:
    names = world.disks(3)
    await world.settle(names)
    changed = str(world.stack.read("Storage", names[2]).status["location"])
    async with OCCIClient(EndpointConfig(url="http://occi.test/", rate=None),
                          transport=httpx.ASGITransport(app=world.counting.app)) as direct:
        entity = await direct.get(changed)
        await direct.update(changed, entity.model_copy(update={"title": "renamed outside"}))
    world.clock.advance(PERIOD * 1.2)
    await world.resync(names[:1])
    runtime = world.stack.runtime
    assert not runtime.resync_due(world.stack.read("Storage", names[1]))
    assert runtime.resync_due(world.stack.read("Storage", names[2]))
    before = world.counting.total()
    await world.resync(names[2:])
    assert world.counting.total() == before  # served from the listing just made
    attributes = world.stack.read("Storage", names[2]).status["attributes"]
    assert attributes["occi.core.title"] == "renamed outside"
