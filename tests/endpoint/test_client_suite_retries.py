"""The client's retries and limits against the embedded endpoint's fault injection.

Faults are switched at run time through ``PUT /-/faults`` with a seed, so the dice fall
the same way on every run; the client waits on a :class:`~client_support.FakeClock`, so
nothing sleeps for real. What the server received is read from a
:class:`~client_support.Recorder` in front of it.

Mirrors, from ``tests/occi/client/``:

* ``test_retry.py``: ``test_5xx_backs_off_exponentially_then_gives_up``,
  ``test_501_is_not_retried`` (the endpoint's 501 for a client asking for OCCI/1.3),
  ``test_a_create_is_never_retried`` (a made-up 5xx, and a create whose answer is lost
  after the server carried it out), ``test_a_partial_update_is_never_retried``,
  ``test_put_delete_and_actions_are_retried``; a GET under a 50 % error rate succeeds;
* ``test_limits.py``: ``test_no_more_requests_in_flight_than_allowed`` (counted on the
  server side), ``test_the_client_paces_requests_at_the_rate``.

Lost answers and dropped connections over a real socket are in ``test_client_suite_live.py``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from client_support import NO_FAULTS, Recorder, client_for, members, set_faults
from client_testing import FakeClock
from starlette.applications import Starlette

from occi_operator.endpoint import http_dispatch
from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import RetryPolicy
from occi_operator.occi.entities import ActionInvocation, Resource
from occi_operator.occi.errors import NotImplementedByServerError, ServerError

#: A policy that keeps trying long enough for a 50 % error rate; waits are tiny anyway.
PATIENT = RetryPolicy(max_attempts=12, base=0.01, cap=0.1)
SERVER_ERRORS = {500, 503}


@pytest.fixture
def server(endpoint_app: Starlette) -> Recorder:
    """The running endpoint, each request it receives recorded."""
    return Recorder(endpoint_app)


@pytest.fixture
def clock() -> FakeClock:
    """The client's clock; it records every wait."""
    return FakeClock()


def _compute(title: str = "vm") -> Resource:
    return Resource(kind=v.COMPUTE_KIND, title=title)


async def _faults(app: Starlette, **faults: Any) -> None:
    await set_faults(app, {"seed": 11, **faults})


async def test_gets_succeed_through_a_50_percent_error_rate(
    endpoint_app: Starlette, server: Recorder, clock: FakeClock
) -> None:
    async with client_for(server, clock, retry=PATIENT, rendering="text/plain") as client:
        location = await client.create(_compute("steady"), collection="/compute/")
        await _faults(endpoint_app, server_error_rate={"get": 0.5})
        await client.discover()
        for _ in range(10):
            assert (await client.get(location)).title == "steady"
        assert members(await client.list_collection("/compute/")) == {location}
    statuses = server.statuses("GET")
    failed = [status for status in statuses if status in SERVER_ERRORS]
    assert failed, "the seeded dice made no GET fail: the test proves nothing"
    assert statuses.count(200) == 12  # discover, ten gets, one list: each answered in the end
    assert len(clock.sleeps) == len(failed)  # one wait before each repeat
    assert set(statuses) <= {200, *SERVER_ERRORS}


async def test_5xx_backs_off_exponentially_then_gives_up(
    endpoint_app: Starlette, server: Recorder, clock: FakeClock
) -> None:
    await _faults(endpoint_app, server_error_rate={"get": 1.0})
    policy = RetryPolicy(max_attempts=4, base=1.0, cap=3.0)
    async with client_for(server, clock, retry=policy) as client:
        with pytest.raises(ServerError) as caught:
            await client.discover()
    # jitter 0.5 → three quarters of each step: 1, 2, then 4 capped to 3
    assert clock.sleeps == [0.75, 1.5, 2.25]
    assert len(server.seen) == 4
    assert caught.value.status_code in SERVER_ERRORS
    assert "injected" in caught.value.server_message


async def test_501_is_not_retried(server: Recorder, clock: FakeClock) -> None:
    async with client_for(server, clock, retry=PATIENT, user_agent="future/1 OCCI/1.3") as client:
        with pytest.raises(NotImplementedByServerError) as caught:
            await client.get("/compute/")
    assert caught.value.status_code == 501
    assert "OCCI/1.2" in caught.value.server_message
    assert len(server.seen) == 1
    assert clock.sleeps == []


async def test_a_create_hit_by_a_5xx_is_not_retried(
    endpoint_app: Starlette, server: Recorder, clock: FakeClock
) -> None:
    await _faults(endpoint_app, server_error_rate={"post": 1.0})
    async with client_for(server, clock, retry=PATIENT) as client:
        with pytest.raises(ServerError):
            await client.create(_compute(), collection="/compute/")
        assert server.count("POST") == 1
        assert clock.sleeps == []
        await set_faults(endpoint_app, NO_FAULTS)
        # The made-up error came before any work: nothing was created.
        assert members(await client.list_collection("/compute/")) == set()


async def test_a_create_whose_answer_is_lost_is_not_retried(
    endpoint_app: Starlette, server: Recorder, clock: FakeClock
) -> None:
    await _faults(endpoint_app, lost_create_answer_rate=1.0)
    async with client_for(server, clock, retry=PATIENT, rendering="application/occi+json"
                          ) as client:
        with pytest.raises(ServerError) as caught:
            await client.create(_compute("lost"), collection="/compute/")
        assert caught.value.status_code == 500
        assert server.count("POST") == 1
        assert clock.sleeps == []
        await set_faults(endpoint_app, NO_FAULTS)
        listed = await client.list_collection("/compute/")
    # The server carried the create out: exactly one new entity, which the caller must find.
    assert [entity.title for entity in listed.resources] == ["lost"]


async def test_a_partial_update_is_never_retried(
    endpoint_app: Starlette, server: Recorder, clock: FakeClock
) -> None:
    async with client_for(server, clock, retry=PATIENT) as client:
        location = await client.create(_compute("before"), collection="/compute/")
        await _faults(endpoint_app, server_error_rate={"post": 1.0})
        with pytest.raises(ServerError):
            await client.update(location, _compute("after"))
        await set_faults(endpoint_app, NO_FAULTS)
        assert (await client.get(location)).title == "before"
    assert server.count("POST", "/compute/" + location.rpartition("/")[2]) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize(
    ("verb", "rate"),
    [
        pytest.param("PUT", "put", id="put"),
        pytest.param("DELETE", "delete", id="delete"),
        pytest.param("POST", "post", id="action"),
    ],
)
async def test_put_delete_and_actions_are_retried(
    endpoint_app: Starlette, server: Recorder, clock: FakeClock, verb: str, rate: str
) -> None:
    async with client_for(server, clock, retry=PATIENT) as client:
        location = await client.create(_compute("x"), collection="/compute/")
        current = await client.get(location)
        path = "/compute/" + location.rpartition("/")[2]
        await _faults(endpoint_app, server_error_rate={rate: 0.5}, seed=3)
        for _ in range(4):
            if verb == "PUT":
                await client.replace(location, current)
            elif verb == "DELETE":
                await client.delete(location)
            else:
                await client.trigger(location, ActionInvocation(action=v.COMPUTE_RESTART))
    statuses = [s.status for s in server.seen if s.method == verb and s.path == path]
    failed = [status for status in statuses if status in SERVER_ERRORS]
    assert failed, "the seeded dice made no request fail: the test proves nothing"
    assert len(statuses) == 4 + len(failed)  # every failure repeated, every call answered
    assert len(clock.sleeps) == len(failed)


@pytest.mark.parametrize("limit", [1, 3])
async def test_no_more_requests_in_flight_than_allowed(
    endpoint_app: Starlette, server: Recorder, clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch, limit: int,
) -> None:
    release = asyncio.Event()

    async def hold(seconds: float) -> None:  # the endpoint's injected latency, held open
        await release.wait()

    async with client_for(server, clock, max_concurrency=limit) as client:
        location = await client.create(_compute(), collection="/compute/")
        monkeypatch.setattr(http_dispatch, "pause", hold)
        await _faults(endpoint_app, latency_seconds=1.0)
        calls = [asyncio.create_task(client.get(location)) for _ in range(8)]
        for _ in range(50):
            await asyncio.sleep(0)
        assert server.in_flight == limit  # the server holds exactly as many as allowed
        release.set()
        answers = await asyncio.gather(*calls)
    assert {answer.location for answer in answers} == {location}
    assert server.peak == limit


async def test_the_client_paces_requests_at_the_rate(
    server: Recorder, clock: FakeClock
) -> None:
    async with client_for(server, clock, rate=4.0, burst=1) as client:
        for n in range(5):
            assert await client.delete(f"/compute/{n}") is False
    assert clock.sleeps == [0.25] * 4
    assert server.statuses("DELETE") == [404] * 5
