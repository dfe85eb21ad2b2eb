"""Retries: which requests repeat, how long the client waits, when it stops."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest
from client_testing import ClientFactory, FakeClock
from fake_occi import HOST, FakeOCCI

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import EndpointConfig, OCCIClient, RetryPolicy
from occi_operator.occi.client.retry import parse_retry_after
from occi_operator.occi.entities import ActionInvocation, Resource
from occi_operator.occi.errors import (
    ConnectError,
    NotImplementedByServerError,
    ServerError,
    TooManyRequestsError,
)

COMPUTE = Resource(kind=v.COMPUTE_KIND, title="x")


async def test_get_repeats_after_503_as_retry_after_says(
    make_client: ClientFactory, server: FakeOCCI, fake_clock: FakeClock
) -> None:
    server.faults = [(503, {"Retry-After": "7"}), (429, {"Retry-After": "2"})]
    query = await make_client().discover()
    assert query.kinds
    assert fake_clock.sleeps == [7.0, 2.0]


async def test_retry_after_may_be_an_http_date(
    make_client: ClientFactory, server: FakeOCCI, fake_clock: FakeClock
) -> None:
    when = datetime.fromtimestamp(fake_clock.now() + 12, UTC)
    server.faults = [(503, {"Retry-After": format_datetime(when, usegmt=True)})]
    await make_client().discover()
    assert fake_clock.sleeps == [pytest.approx(12.0)]


async def test_5xx_backs_off_exponentially_then_gives_up(
    make_client: ClientFactory, server: FakeOCCI, fake_clock: FakeClock
) -> None:
    server.faults = [(500, {})] * 5
    client = make_client(retry=RetryPolicy(max_attempts=4, base=1.0, cap=3.0))
    with pytest.raises(ServerError) as caught:
        await client.discover()
    # jitter 0.5 → three quarters of each step: 1, 2, then 4 capped to 3
    assert fake_clock.sleeps == [0.75, 1.5, 2.25]
    assert len(server.seen) == 4
    assert caught.value.status_code == 500


async def test_a_retry_after_beyond_the_cap_ends_retries_and_is_reported(
    make_client: ClientFactory, server: FakeOCCI, fake_clock: FakeClock
) -> None:
    server.faults = [(429, {"Retry-After": "3600"})]
    with pytest.raises(TooManyRequestsError) as caught:
        await make_client().discover()
    assert caught.value.retry_after == 3600.0
    assert fake_clock.sleeps == []


async def test_501_is_not_retried(make_client: ClientFactory, server: FakeOCCI) -> None:
    server.faults = [(501, {})]
    with pytest.raises(NotImplementedByServerError):
        await make_client().get("/compute/compute-1")
    assert len(server.seen) == 1


async def test_a_create_is_never_retried(
    make_client: ClientFactory, server: FakeOCCI, fake_clock: FakeClock
) -> None:
    server.faults = [(503, {"Retry-After": "1"})]
    with pytest.raises(ServerError):
        await make_client().create(COMPUTE, collection="/compute/")
    assert [s.method for s in server.seen] == ["POST"]
    assert fake_clock.sleeps == []


async def test_a_partial_update_is_never_retried(
    make_client: ClientFactory, server: FakeOCCI
) -> None:
    server.faults = [(502, {})]
    with pytest.raises(ServerError):
        await make_client().update("/compute/1", COMPUTE)
    assert len(server.seen) == 1


@pytest.mark.parametrize(
    ("method", "call"),
    [
        pytest.param("PUT", lambda c: c.replace("/compute/compute-1", COMPUTE), id="put"),
        pytest.param("DELETE", lambda c: c.delete("/compute/compute-1"), id="delete"),
        pytest.param("POST", lambda c: c.trigger(
            "/compute/compute-1", ActionInvocation(action=v.COMPUTE_START)), id="action"),
    ],
)
async def test_put_delete_and_actions_are_retried(
    make_client: ClientFactory, server: FakeOCCI, method: str, call: object
) -> None:
    client = make_client()
    await client.create(COMPUTE, collection="/compute/")
    server.faults = [(503, {}), (504, {})]
    await call(client)  # type: ignore[operator]
    assert [s.method for s in server.seen[1:]] == [method] * 3


class FlakyTransport(httpx.AsyncBaseTransport):
    """Fails to connect ``failures`` times, then hands requests to ``inner``."""

    def __init__(self, inner: httpx.AsyncBaseTransport, failures: int) -> None:
        self.inner = inner
        self.failures = failures
        self.attempts = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return await self.inner.handle_async_request(request)


def _flaky_client(server: FakeOCCI, clock: FakeClock, failures: int) -> tuple[OCCIClient,
                                                                                 FlakyTransport]:
    transport = FlakyTransport(httpx.ASGITransport(app=server.app), failures)
    config = EndpointConfig(url=HOST, rate=None)
    return OCCIClient(config, transport=transport, clock=clock.clock()), transport


async def test_connection_errors_are_retried_for_gets(
    server: FakeOCCI, fake_clock: FakeClock
) -> None:
    client, transport = _flaky_client(server, fake_clock, failures=2)
    async with client:
        await client.discover()
    assert transport.attempts == 3
    assert len(fake_clock.sleeps) == 2


async def test_connection_errors_are_not_retried_for_creates(
    server: FakeOCCI, fake_clock: FakeClock
) -> None:
    client, transport = _flaky_client(server, fake_clock, failures=1)
    async with client:
        with pytest.raises(ConnectError) as caught:
            await client.create(COMPUTE, collection="/compute/")
    assert transport.attempts == 1
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("120", 120.0, id="delta-seconds"),
        pytest.param("Tue, 14 Nov 2023 22:13:40 GMT", 20.0, id="http-date"),
        pytest.param("Tue, 14 Nov 2023 22:00:00 GMT", 0.0, id="date-in-the-past"),
        pytest.param("soon", None, id="unreadable-ignored"),
    ],
)
def test_retry_after_parsing(value: str, expected: float | None) -> None:
    now = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC).timestamp()
    assert parse_retry_after({"retry-after": value}, now=now) == expected


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(base=0.5, cap=4.0, max_attempts=10)
    assert [policy.backoff(n, jitter=0.0) for n in range(1, 6)] == [0.25, 0.5, 1.0, 2.0, 2.0]
    assert [policy.backoff(n, jitter=0.999) for n in (1, 5)] == pytest.approx([0.5, 4.0], 0.01)
    assert policy.delay(10, jitter=0.0, retry_after=None) is None

