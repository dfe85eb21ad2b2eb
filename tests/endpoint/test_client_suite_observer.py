"""The client's request observer against the embedded endpoint: one record per HTTP request.

What the observer is told is compared with what the server saw (a
:class:`~client_support.Recorder` in front of it): every request, retries included, with
its method, status and target, and the seconds the rate limiter held it back (on a
:class:`~client_support.FakeClock`, so nothing waits for real). A record carries no URL.
"""

from __future__ import annotations

import pytest
from client_support import Recorder, client_for, set_faults
from client_testing import FakeClock
from starlette.applications import Starlette

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import EndpointConfig, OCCIClient, RequestRecord, RetryPolicy
from occi_operator.occi.client.observer import QUERY_TARGET, target_of
from occi_operator.occi.entities import Resource
from occi_operator.occi.errors import ConnectError


@pytest.fixture
def server(endpoint_app: Starlette) -> Recorder:
    """The running endpoint, each request it receives recorded."""
    return Recorder(endpoint_app)


async def test_every_request_is_reported_with_its_target_and_status(
    server: Recorder,
) -> None:
    records: list[RequestRecord] = []
    async with client_for(server, FakeClock(), observer=records.append) as client:
        await client.discover()
        location = await client.create(Resource(kind=v.COMPUTE_KIND, title="seen"),
                                       collection="/compute/")
        await client.get(location)
        await client.delete(location)
    seen = [(r.method, r.target, r.status_code) for r in records]
    assert [(s.method, s.status) for s in server.seen] == [(m, c) for m, _, c in seen]
    assert seen[:3] == [("GET", QUERY_TARGET, 200), ("POST", "compute", 201),
                        ("GET", "compute", 200)]
    assert seen[3][:2] == ("DELETE", "compute")
    assert all(r.error is None and r.duration >= 0 for r in records)
    assert all(location not in repr(r) for r in records)


async def test_retries_are_requests_of_their_own(
    endpoint_app: Starlette, server: Recorder
) -> None:
    await set_faults(endpoint_app, {"seed": 11, "server_error_rate": {"get": 1.0}})
    records: list[RequestRecord] = []
    policy = RetryPolicy(max_attempts=3, base=0.01, cap=0.1)
    async with client_for(server, FakeClock(), observer=records.append,
                          retry=policy) as client:
        with pytest.raises(Exception, match="injected"):
            await client.discover()
    assert len(records) == len(server.seen) == 3
    assert {r.status_code for r in records} <= {500, 503}


async def test_the_limiter_wait_is_reported(server: Recorder) -> None:
    clock = FakeClock()
    records: list[RequestRecord] = []
    async with client_for(server, clock, observer=records.append, rate=2.0, burst=1) as client:
        for _ in range(3):
            await client.list_collection("/compute/")
    waits = [r.limiter_wait for r in records]
    assert waits[0] == 0  # the burst token
    assert waits[1:] == pytest.approx([0.5, 0.5])  # then one token per half second


async def test_a_request_without_answer_names_the_error_class() -> None:
    records: list[RequestRecord] = []
    # Port 1 on the loopback: nothing listens, the connection is refused at once.
    config = EndpointConfig(url="http://127.0.0.1:1/", retry=RetryPolicy(max_attempts=1),
                            observer=records.append)
    async with OCCIClient(config) as client:
        with pytest.raises(ConnectError):
            await client.discover()
    assert records
    assert all(r.status_code is None and r.error == "ConnectError" for r in records)


async def test_a_failing_observer_does_not_fail_the_request(server: Recorder) -> None:
    def broken(record: RequestRecord) -> None:
        raise RuntimeError("observer bug")

    async with client_for(server, FakeClock(), observer=broken) as client:
        await client.discover()
    assert len(server.seen) == 1


@pytest.mark.parametrize(
    ("base", "url", "target"),
    [
        pytest.param("http://h/", "http://h/compute/1?action=start", "compute", id="action"),
        pytest.param("http://h/occi1.2/", "http://h/occi1.2/network/", "network", id="ooi"),
        pytest.param("http://h/", "http://h/-/", QUERY_TARGET, id="query"),
        pytest.param("http://h/x/", "http://h/.well-known/org/ogf/occi/-/", QUERY_TARGET,
                     id="well-known"),
        pytest.param("http://h/", "http://h/", "", id="base"),
    ],
)
def test_the_target_is_the_first_segment_below_the_base(base: str, url: str, target: str) -> None:
    assert target_of(base, url) == target

