"""Errors: one tree, translated at the boundary, with the server's own words."""

from __future__ import annotations

import httpx
import pytest
from client_testing import ClientFactory, FakeClock
from fake_occi import HOST, FakeOCCI, Quirks

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import EndpointConfig, OCCIClient
from occi_operator.occi.entities import Resource
from occi_operator.occi.errors import (
    ConnectError,
    NotFoundError,
    OCCIError,
    ParseError,
    RequestError,
    RequestTimeoutError,
    TransportError,
)


@pytest.mark.parametrize(
    "form",
    [
        pytest.param("text", id="rocci-plain-text"),
        pytest.param("x-occi-error", id="rocci-x-occi-error-header"),
        pytest.param("rocci-json", id="rocci-status-error-json"),
        pytest.param("ooi-json", id="ooi-code-message-json"),
        pytest.param("ooi-nested", id="ooi-nested-under-a-key"),
    ],
)
async def test_the_server_message_is_found_in_every_form(
    make_client: ClientFactory, form: str
) -> None:
    fake = FakeOCCI(Quirks(error_form=form))  # type: ignore[arg-type]
    with pytest.raises(NotFoundError) as caught:
        await make_client(fake).get("/compute/gone?token=abc")
    error = caught.value
    assert error.server_message == "/compute/gone not found"
    assert error.status_code == 404
    assert error.method == "GET"
    assert error.url == "http://occi.test/compute/gone?token=***"
    assert str(error).startswith("404 NotFound: /compute/gone not found")


class RaisingTransport(httpx.AsyncBaseTransport):
    """Raises one httpx exception for every request."""

    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise self.exc


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        pytest.param(httpx.ConnectError("refused"), ConnectError, id="connect"),
        pytest.param(httpx.ConnectTimeout("slow"), RequestTimeoutError, id="connect-timeout"),
        pytest.param(httpx.ReadTimeout("slow"), RequestTimeoutError, id="read-timeout"),
        pytest.param(httpx.RemoteProtocolError("eof"), TransportError, id="protocol"),
    ],
)
async def test_httpx_exceptions_never_escape(
    fake_clock: FakeClock, raised: Exception, expected: type[RequestError]
) -> None:
    config = EndpointConfig(url=HOST, rate=None)
    async with OCCIClient(config, transport=RaisingTransport(raised),
                          clock=fake_clock.clock()) as client:
        with pytest.raises(expected) as caught:
            await client.get("/compute/1")
    assert caught.value.__cause__ is raised
    assert caught.value.method == "GET"
    assert not isinstance(caught.value, httpx.HTTPError)
    assert isinstance(caught.value, OCCIError)
    assert len(fake_clock.sleeps) == config.retry.max_attempts - 1  # GET: retried first


async def test_a_create_answer_naming_no_location_is_a_parse_error(
    make_client: ClientFactory, server: FakeOCCI
) -> None:
    server.faults = [(201, {})]  # 201 with a body that names no location
    with pytest.raises(ParseError, match="names no new location") as caught:
        await make_client().create(Resource(kind=v.COMPUTE_KIND), collection="/compute/")
    assert caught.value.received == "try again later"
