"""Per-endpoint limits: requests in flight and requests per second."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from client_testing import FakeClock
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from occi_operator.occi.client import EndpointConfig, EndpointLimiter, OCCIClient, TokenBucket


async def test_the_bucket_spends_the_burst_then_waits_for_the_rate(
    fake_clock: FakeClock,
) -> None:
    bucket = TokenBucket(rate=2.0, burst=2, clock=fake_clock.clock())
    waits = [await bucket.acquire() for _ in range(5)]
    assert waits == [0.0, 0.0, 0.5, 0.5, 0.5]
    assert fake_clock.elapsed == pytest.approx(1.5)


async def test_the_bucket_refills_while_idle(fake_clock: FakeClock) -> None:
    bucket = TokenBucket(rate=1.0, burst=3, clock=fake_clock.clock())
    for _ in range(3):
        await bucket.acquire()
    fake_clock.advance(10)  # refills to the burst, not beyond
    assert [await bucket.acquire() for _ in range(4)] == [0.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize(
    ("rate", "burst", "concurrency"),
    [
        pytest.param(0.0, 1, 1, id="rate-zero"),
        pytest.param(1.0, 0, 1, id="burst-zero"),
        pytest.param(1.0, 1, 0, id="concurrency-zero"),
    ],
)
def test_nonsense_limits_are_refused(
    fake_clock: FakeClock, rate: float, burst: int, concurrency: int
) -> None:
    with pytest.raises(ValueError, match="must be"):
        EndpointLimiter(max_concurrency=concurrency, rate=rate, burst=burst,
                        clock=fake_clock.clock())


async def test_no_more_requests_in_flight_than_allowed(fake_clock: FakeClock) -> None:
    in_flight = 0
    peak = 0
    release = asyncio.Event()

    async def slow(request: Request) -> Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await release.wait()
        in_flight -= 1
        return Response("", 404)

    app = Starlette(routes=[Route("/{path:path}", slow, methods=["DELETE"])])
    config = EndpointConfig(url="http://occi.test/", max_concurrency=3, rate=None)
    async with OCCIClient(config, transport=httpx.ASGITransport(app=app),
                          clock=fake_clock.clock()) as client:
        calls = [asyncio.create_task(client.delete(f"/compute/{n}")) for n in range(8)]
        for _ in range(20):
            await asyncio.sleep(0)
        assert peak == 3
        release.set()
        assert await asyncio.gather(*calls) == [False] * 8
    assert peak == 3


async def test_the_client_paces_requests_at_the_rate(fake_clock: FakeClock) -> None:
    app = Starlette(routes=[Route("/{path:path}", lambda r: Response("", 404),
                                  methods=["DELETE"])])
    config = EndpointConfig(url="http://occi.test/", rate=4.0, burst=1)
    async with OCCIClient(config, transport=httpx.ASGITransport(app=app),
                          clock=fake_clock.clock()) as client:
        for n in range(5):
            await client.delete(f"/compute/{n}")
    assert fake_clock.sleeps == [0.25] * 4
