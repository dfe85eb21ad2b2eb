"""No secret appears in a repr, an exception text or a log line, whatever happens."""

from __future__ import annotations

import logging

import pytest
from client_testing import ClientFactory, FakeClock
from fake_occi import FakeOCCI, KeystoneSetup
from pydantic import SecretStr, ValidationError

from occi_operator.occi.client import (
    BasicAuth,
    BasicCredentials,
    BearerCredentials,
    EndpointConfig,
    KeystoneApplicationCredentials,
    KeystonePasswordCredentials,
    TokenCredentials,
    build_auth,
)
from occi_operator.occi.errors import OCCIError

SECRET = "SeCrEt-7f3a9c"


def _assert_clean(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text


CREDENTIALS = [
    pytest.param(BasicCredentials(username="alice", password=SECRET), id="basic"),
    pytest.param(BearerCredentials(token=SECRET), id="bearer"),
    pytest.param(TokenCredentials(token=SECRET), id="static-token"),
    pytest.param(KeystonePasswordCredentials(username="bob", password=SECRET,
                                             project_id="p1"), id="keystone-password"),
    pytest.param(KeystoneApplicationCredentials(credential_id="ac", secret=SECRET),
                 id="keystone-app-credential"),
]


@pytest.mark.parametrize("credentials", CREDENTIALS)
def test_reprs_and_dumps_hide_the_secret(credentials: object, fake_clock: FakeClock) -> None:
    config = EndpointConfig(url="https://occi.test/", auth=credentials,
                            client_key_password=SecretStr(SECRET))
    auth = build_auth(config.auth, clock=fake_clock.clock())
    _assert_clean(repr(config), str(config), config.model_dump_json(), repr(auth),
                  repr(credentials))


@pytest.mark.parametrize("credentials", CREDENTIALS)
async def test_failed_requests_leak_nothing(
    make_client: ClientFactory, fake_clock: FakeClock, caplog: pytest.LogCaptureFixture,
    credentials: object,
) -> None:
    # Every fake refuses these credentials, each in its own scheme.
    if isinstance(credentials, BasicCredentials):
        fake = FakeOCCI(basic=("alice", "other"))
    elif isinstance(credentials, BearerCredentials):
        fake = FakeOCCI(bearer="other")
    else:  # a static token, or Keystone refusing the password / application credential
        fake = FakeOCCI(keystone=KeystoneSetup(
            password=("bob", "other"), app_credential=("ac", "other"), now=fake_clock.now))
    caplog.set_level(logging.DEBUG)
    client = make_client(fake, auth=credentials)
    with pytest.raises(OCCIError) as caught:
        await client.discover()
    error = caught.value
    _assert_clean(str(error), repr(error), repr(error.__cause__), repr(client), caplog.text)
    _assert_clean(*(str(record.args) for record in caplog.records))


async def test_successful_keystone_flow_logs_no_token_or_password(
    make_client: ClientFactory, fake_clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeOCCI(keystone=KeystoneSetup(password=("bob", SECRET), now=fake_clock.now))
    caplog.set_level(logging.DEBUG)
    client = make_client(fake, auth=KeystonePasswordCredentials(username="bob",
                                                                 password=SECRET))
    await client.discover()
    assert fake.keystone is not None
    token = fake.keystone.issued[0]
    for text in (caplog.text, repr(client), repr(client._session)):
        assert SECRET not in text
        assert token not in text


def test_a_url_with_credentials_is_refused_without_echoing_them() -> None:
    with pytest.raises(ValidationError) as caught:
        EndpointConfig(url=f"https://alice:{SECRET}@occi.test/")
    _assert_clean(str(caught.value), repr(caught.value))
    assert "must not carry credentials" in str(caught.value)


def test_a_malformed_secret_field_is_not_echoed() -> None:
    with pytest.raises(ValidationError) as caught:
        BasicCredentials.model_validate({"username": "a", "password": SECRET, "extra": SECRET})
    _assert_clean(str(caught.value))


def test_basic_auth_repr_hides_the_password() -> None:
    shown = repr(BasicAuth("alice", SecretStr(SECRET)))
    assert shown == "BasicAuth(username='alice', password=***)"
