"""The client over real sockets: uvicorn on 127.0.0.1, a port the kernel picked."""

from __future__ import annotations

import socket

import httpx
import pytest
from client_testing import FakeClock, LiveServer
from fake_occi import FakeOCCI, Quirks

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import EndpointConfig, OCCIClient, TemplateFamily
from occi_operator.occi.entities import ActionInvocation, Resource
from occi_operator.occi.errors import ConnectError


@pytest.mark.parametrize("rendering", ["text/plain", "text/occi", "application/occi+json"])
async def test_a_whole_lifecycle_over_http(
    live_server: LiveServer, fake_clock: FakeClock, rendering: str
) -> None:
    fake = FakeOCCI(Quirks(relative_locations=True))
    url = await live_server(fake.app)
    config = EndpointConfig(url=url, rendering=rendering, rate=None)
    async with OCCIClient(config, clock=fake_clock.clock()) as client:
        template = await client.resolve_template(TemplateFamily.OS, "Debian 12")
        location = await client.create(
            Resource(kind=v.COMPUTE_KIND, title="web-1", mixins=(template.type_id,)))
        assert location == f"{url}compute/compute-1"  # relative answer made absolute
        await client.trigger(location, ActionInvocation(action=v.COMPUTE_START))
        entity = await client.get(location)
        assert entity.attributes["occi.compute.state"] == "active"
        assert template.type_id in entity.mixins
        assert await client.delete(location) is True
        assert await client.delete(location) is False


async def test_a_closed_port_is_a_connect_error_after_retries(fake_clock: FakeClock) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = EndpointConfig(url=f"http://127.0.0.1:{port}/", rate=None)
    async with OCCIClient(config, clock=fake_clock.clock()) as client:
        with pytest.raises(ConnectError) as caught:
            await client.discover()
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert len(fake_clock.sleeps) == config.retry.max_attempts - 1
