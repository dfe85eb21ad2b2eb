"""The client's authentication against the embedded endpoint in 'basic' and 'token' mode.

Mirrors, from ``tests/occi/client/``:

* ``test_auth.py``: ``test_basic_credentials_are_sent``,
  ``test_wrong_basic_credentials_are_unauthorized``,
  ``test_no_credentials_against_a_protected_endpoint``, ``test_a_bearer_token_is_sent``,
  ``test_a_static_token_goes_in_x_auth_token`` (the endpoint's token mode accepts both);
* ``test_secrets_never_leak.py``: ``test_failed_requests_leak_nothing`` for Basic, bearer
  and static tokens (the endpoint offers no Keystone), and the successful flows log nothing
  secret either.

The Keystone tests stay on the fake: the endpoint has no Keystone.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from client_support import RENDERINGS, Recorder, client_for
from starlette.applications import Starlette

from occi_operator.endpoint.settings import EndpointSettings
from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import (
    BasicCredentials,
    BearerCredentials,
    Credentials,
    NoCredentials,
    TokenCredentials,
)
from occi_operator.occi.entities import Resource
from occi_operator.occi.errors import UnauthorizedError

PASSWORD = "SeCrEt-pw-7f3a9c"
TOKEN = "SeCrEt-token-0b12d4"
SECRETS = (PASSWORD, TOKEN)


def _settings(tmp_path: Path, auth: dict[str, object]) -> EndpointSettings:
    return EndpointSettings.model_validate({
        "data_dir": tmp_path / "endpoint", "provisioning_delay_seconds": 0, "auth": auth})


BASIC = {"mode": "basic", "users": {"alice": PASSWORD}, "realm": "suite"}
TOKENS = {"mode": "token", "tokens": [TOKEN]}


@pytest.fixture(params=[pytest.param(BASIC, id="basic-mode"),
                        pytest.param(TOKENS, id="token-mode")])
def endpoint_settings(tmp_path: Path, request: pytest.FixtureRequest) -> EndpointSettings:
    """The conftest's settings, with authentication switched on (both modes)."""
    return _settings(tmp_path, request.param)


@pytest.fixture
def server(endpoint_app: Starlette) -> Recorder:
    """The running endpoint, each request it receives recorded."""
    return Recorder(endpoint_app)


def _good(settings: EndpointSettings) -> list[Credentials]:
    if settings.auth.mode == "basic":
        return [BasicCredentials(username="alice", password=PASSWORD)]
    return [TokenCredentials(token=TOKEN), BearerCredentials(token=TOKEN)]


def _bad(settings: EndpointSettings) -> list[Credentials]:
    wrong: list[Credentials] = [NoCredentials()]
    if settings.auth.mode == "basic":
        wrong += [BasicCredentials(username="alice", password=PASSWORD + "x"),
                  BasicCredentials(username="mallory", password=PASSWORD),
                  TokenCredentials(token=PASSWORD)]
    else:
        wrong += [TokenCredentials(token=TOKEN[:-1]), BearerCredentials(token=TOKEN + "x"),
                  BasicCredentials(username="alice", password=TOKEN)]
    return wrong


@pytest.mark.parametrize("rendering", RENDERINGS)
async def test_the_right_credentials_open_every_verb(
    server: Recorder, endpoint_settings: EndpointSettings, rendering: str
) -> None:
    for credentials in _good(endpoint_settings):
        async with client_for(server, rendering=rendering, auth=credentials) as client:
            assert (await client.discover()).find(v.COMPUTE_KIND) is not None
            location = await client.create(Resource(kind=v.COMPUTE_KIND, title="x"))
            assert (await client.get(location)).title == "x"
            assert await client.delete(location) is True
    assert {seen.status for seen in server.seen} <= {200, 201}
    sent = {seen.headers.get("authorization") or seen.headers.get("x-auth-token")
            for seen in server.seen}
    assert None not in sent  # every request carried its credentials, none was challenged


async def test_the_headers_are_the_ones_of_each_scheme(
    server: Recorder, endpoint_settings: EndpointSettings
) -> None:
    for credentials in _good(endpoint_settings):
        async with client_for(server, auth=credentials) as client:
            await client.discover()
        headers = server.seen[-1].headers
        if isinstance(credentials, BasicCredentials):
            assert headers["authorization"].startswith("Basic ")
        elif isinstance(credentials, BearerCredentials):
            assert headers["authorization"] == f"Bearer {TOKEN}"
        else:
            assert headers["x-auth-token"] == TOKEN
            assert "authorization" not in headers


async def test_wrong_or_missing_credentials_are_unauthorized(
    server: Recorder, endpoint_settings: EndpointSettings
) -> None:
    for credentials in _bad(endpoint_settings):
        async with client_for(server, auth=credentials) as client:
            with pytest.raises(UnauthorizedError) as caught:
                await client.discover()
        assert caught.value.status_code == 401, credentials.type
    assert all(seen.status == 401 for seen in server.seen)
    assert len(server.seen) == len(_bad(endpoint_settings))  # a 401 is not retried


async def test_failed_requests_leak_no_secret(
    server: Recorder, endpoint_settings: EndpointSettings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for credentials in _bad(endpoint_settings):
        async with client_for(server, auth=credentials) as client:
            with pytest.raises(UnauthorizedError) as caught:
                await client.get("/compute/")
            error = caught.value
            texts = (str(error), repr(error), repr(error.__cause__), repr(client),
                     error.server_message, repr(credentials))
            for text in texts:
                for secret in SECRETS:
                    assert secret not in text
    for secret in SECRETS:
        assert secret not in caplog.text
        assert all(secret not in str(record.args) for record in caplog.records)


async def test_successful_requests_log_no_secret(
    server: Recorder, endpoint_settings: EndpointSettings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for credentials in _good(endpoint_settings):
        async with client_for(server, auth=credentials) as client:
            await client.create(Resource(kind=v.COMPUTE_KIND, title="x"))
            shown = repr(client)
        for secret in SECRETS:
            assert secret not in shown
    for secret in SECRETS:
        assert secret not in caplog.text
