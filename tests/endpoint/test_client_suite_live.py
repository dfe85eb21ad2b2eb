"""The client against the embedded endpoint over real sockets (uvicorn on 127.0.0.1:0).

uvicorn runs the app's lifespan itself here. Mirrors, from ``tests/occi/client/``:

* ``test_live.py``: ``test_a_whole_lifecycle_over_http`` in each rendering (templates from
  the default catalog; with no provisioning delay a new VM is active, so the action is a
  stop);
* ``test_retry.py``: ``test_connection_errors_are_retried_for_gets`` and
  ``test_connection_errors_are_not_retried_for_creates``, with connections the endpoint
  really drops — for the create, after carrying it out (a lost answer): the client raises
  and the server holds exactly one new entity;
* ``test_auth.py``: ``test_basic_credentials_are_sent`` over the wire.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from client_support import NO_FAULTS, RENDERINGS, Recorder, members, served
from client_testing import FakeClock

from occi_operator.endpoint.app import create_app
from occi_operator.endpoint.settings import EndpointSettings
from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import (
    BasicCredentials,
    EndpointConfig,
    OCCIClient,
    RetryPolicy,
    TemplateFamily,
)
from occi_operator.occi.entities import ActionInvocation, Resource
from occi_operator.occi.errors import NotFoundError, TransportError, UnauthorizedError

PATIENT = RetryPolicy(max_attempts=12, base=0.01, cap=0.1)


def _settings(tmp_path: Path, **extra: Any) -> EndpointSettings:
    return EndpointSettings.model_validate(
        {"data_dir": tmp_path / "endpoint", "provisioning_delay_seconds": 0, **extra})


async def _put_faults(url: str, faults: dict[str, Any]) -> None:
    async with httpx.AsyncClient() as admin:
        response = await admin.put(url + "-/faults", json=faults)
    assert response.status_code == 200, response.text


def _client(url: str, clock: FakeClock, **settings: Any) -> OCCIClient:
    return OCCIClient(EndpointConfig(url=url, rate=None, **settings), clock=clock.clock())


@pytest.mark.parametrize("rendering", RENDERINGS)
async def test_a_whole_lifecycle_over_http(tmp_path: Path, rendering: str) -> None:
    async with (
        served(create_app(_settings(tmp_path))) as url,
        _client(url, FakeClock(), rendering=rendering) as client,
    ):
        template = await client.resolve_template(TemplateFamily.OS, "debian-12")
        size = await client.resolve_template(TemplateFamily.RESOURCE, "small")
        location = await client.create(Resource(
            kind=v.COMPUTE_KIND, title="web-1", mixins=(template.type_id, size.type_id)))
        assert location.startswith(f"{url}compute/")  # absolute, at the socket's address
        await client.trigger(location, ActionInvocation(action=v.COMPUTE_STOP))
        entity = await client.get(location)
        assert entity.attributes[v.COMPUTE_STATE] == v.STATE_INACTIVE
        assert entity.attributes["occi.compute.cores"] == 1  # from the resource template
        assert {template.type_id, size.type_id} <= set(entity.mixins)
        assert members(await client.list_collection("/compute/")) == {location}
        assert await client.delete(location) is True
        assert await client.delete(location) is False
        with pytest.raises(NotFoundError):
            await client.get(location)


async def test_dropped_connections_are_retried_for_gets(tmp_path: Path) -> None:
    server = Recorder(create_app(_settings(tmp_path)))
    clock = FakeClock()
    async with served(server) as url, _client(url, clock, retry=PATIENT) as client:
        location = await client.create(Resource(kind=v.COMPUTE_KIND, title="steady"),
                                       collection="/compute/")
        await _put_faults(url, {"dropped_connection_rate": 0.5, "seed": 5})
        for _ in range(6):
            assert (await client.get(location)).title == "steady"
        await _put_faults(url, NO_FAULTS)
    gets = server.statuses("GET")
    dropped = [status for status in gets if status != 200]
    assert dropped, "the seeded dice dropped no connection: the test proves nothing"
    assert gets.count(200) == 6
    assert len(clock.sleeps) == len(dropped)


async def test_a_create_whose_connection_drops_after_the_work_is_not_retried(
    tmp_path: Path,
) -> None:
    server = Recorder(create_app(_settings(tmp_path)))
    clock = FakeClock()
    async with served(server) as url, _client(url, clock, retry=PATIENT) as client:
        await _put_faults(url, {"lost_create_answer_rate": 1.0,
                                "dropped_connection_rate": 1.0, "seed": 2})
        with pytest.raises(TransportError) as caught:
            await client.create(Resource(kind=v.COMPUTE_KIND, title="lost"),
                                collection="/compute/")
        assert caught.value.method == "POST"
        await _put_faults(url, NO_FAULTS)
        listed = await client.list_collection("/compute/")
        assert len(members(listed)) == 1  # carried out once, never repeated
        (only,) = members(listed)
        assert (await client.get(only)).title == "lost"
    assert server.count("POST", "/compute/") == 1
    assert clock.sleeps == []


async def test_basic_credentials_over_the_wire(tmp_path: Path) -> None:
    auth = {"mode": "basic", "users": {"alice": "pw-over-the-wire"}}
    async with served(create_app(_settings(tmp_path, auth=auth))) as url:
        good = BasicCredentials(username="alice", password="pw-over-the-wire")
        async with _client(url, FakeClock(), auth=good) as client:
            assert (await client.discover()).find(v.COMPUTE_KIND) is not None
        bad = BasicCredentials(username="alice", password="nope")
        async with _client(url, FakeClock(), auth=bad) as client:
            with pytest.raises(UnauthorizedError) as caught:
                await client.discover()
    assert "pw-over-the-wire" not in str(caught.value)
