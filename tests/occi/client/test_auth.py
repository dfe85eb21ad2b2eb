"""Authentication: none, Basic, bearer, static token, and the Keystone v3 flow of ooi."""

from __future__ import annotations

import pytest
from client_testing import ClientFactory, FakeClock
from fake_occi import KEYSTONE_URI, FakeOCCI, KeystoneSetup

from occi_operator.occi.client import (
    BasicCredentials,
    BearerCredentials,
    KeystoneApplicationCredentials,
    KeystonePasswordCredentials,
    TokenCredentials,
)
from occi_operator.occi.client.keystone import keystone_uri, tokens_url
from occi_operator.occi.errors import UnauthorizedError

JSON = "application/occi+json"


def _token_posts(fake: FakeOCCI) -> int:
    return sum(1 for seen in fake.seen if seen.path == "/v3/auth/tokens")


async def test_basic_credentials_are_sent(make_client: ClientFactory) -> None:
    fake = FakeOCCI(basic=("alice", "s3cret"))
    client = make_client(fake, auth=BasicCredentials(username="alice", password="s3cret"))
    assert (await client.discover()).kinds


async def test_wrong_basic_credentials_are_unauthorized(make_client: ClientFactory) -> None:
    fake = FakeOCCI(basic=("alice", "s3cret"))
    client = make_client(fake, auth=BasicCredentials(username="alice", password="wrong"))
    with pytest.raises(UnauthorizedError, match="bad credentials"):
        await client.discover()


async def test_no_credentials_against_a_protected_endpoint(make_client: ClientFactory) -> None:
    with pytest.raises(UnauthorizedError):
        await make_client(FakeOCCI(bearer="t")).discover()


async def test_a_bearer_token_is_sent(make_client: ClientFactory) -> None:
    fake = FakeOCCI(bearer="oidc-access-token")
    client = make_client(fake, auth=BearerCredentials(token="oidc-access-token"))
    await client.discover()
    assert fake.seen[-1].headers["authorization"] == "Bearer oidc-access-token"


async def test_a_static_token_goes_in_x_auth_token(make_client: ClientFactory) -> None:
    fake = FakeOCCI(keystone=KeystoneSetup())
    fake.keystone.issued.append("pre-made")  # type: ignore[union-attr]
    await make_client(fake, auth=TokenCredentials(token="pre-made")).discover()
    assert fake.seen[-1].headers["x-auth-token"] == "pre-made"
    assert _token_posts(fake) == 0


def _keystone(fake_clock: FakeClock, **setup: object) -> FakeOCCI:
    return FakeOCCI(keystone=KeystoneSetup(now=fake_clock.now, **setup))  # type: ignore[arg-type]


PASSWORD = KeystonePasswordCredentials(username="bob", password="pw", project_name="egi")
APP_CREDENTIAL = KeystoneApplicationCredentials(credential_id="ac-1", secret="ac-secret")


@pytest.mark.parametrize(
    "credentials",
    [pytest.param(PASSWORD, id="password"), pytest.param(APP_CREDENTIAL, id="app-credential")],
)
async def test_keystone_401_leads_to_a_token_that_is_cached(
    make_client: ClientFactory, fake_clock: FakeClock,
    credentials: KeystonePasswordCredentials | KeystoneApplicationCredentials,
) -> None:
    fake = _keystone(fake_clock, password=("bob", "pw"), app_credential=("ac-1", "ac-secret"))
    client = make_client(fake, auth=credentials, rendering=JSON)
    await client.discover()
    await client.list_collection("/compute/")
    flow = [(s.method, s.path, s.headers.get("x-auth-token")) for s in fake.seen]
    assert flow == [
        ("GET", "/-/", None),  # 401 + WWW-Authenticate: Keystone uri=…
        ("POST", "/v3/auth/tokens", None),
        ("GET", "/-/", "token-1"),
        ("GET", "/compute/", "token-1"),  # cached
    ]
    assert fake.seen[1].headers["content-type"] == "application/json"


async def test_the_password_body_is_scoped_to_the_project(
    make_client: ClientFactory, fake_clock: FakeClock
) -> None:
    fake = _keystone(fake_clock, password=("bob", "pw"))
    await make_client(fake, auth=PASSWORD).discover()
    assert PASSWORD.auth_body()["auth"]["scope"] == {
        "project": {"name": "egi", "domain": {"name": "Default"}}}
    assert b'"scope"' in fake.seen[1].body


async def test_a_known_keystone_url_gets_the_token_first(
    make_client: ClientFactory, fake_clock: FakeClock
) -> None:
    fake = _keystone(fake_clock, app_credential=("ac-1", "ac-secret"))
    credentials = APP_CREDENTIAL.model_copy(update={"auth_url": KEYSTONE_URI})
    await make_client(fake, auth=credentials).discover()
    assert [s.path for s in fake.seen] == ["/v3/auth/tokens", "/-/"]


async def test_the_token_is_renewed_before_it_expires(
    make_client: ClientFactory, fake_clock: FakeClock
) -> None:
    fake = _keystone(fake_clock, password=("bob", "pw"), lifetime=3600)
    client = make_client(fake, auth=PASSWORD, discovery_ttl=0)
    await client.discover()
    fake_clock.advance(3200)
    await client.discover()  # 400 s left: still the first token
    fake_clock.advance(200)  # 200 s left: inside the five-minute renewal margin
    await client.discover()
    assert fake.keystone is not None
    assert fake.keystone.issued == ["token-1", "token-2"]
    assert fake.seen[-1].headers["x-auth-token"] == "token-2"
    assert [s.path for s in fake.seen[4:]] == ["/v3/auth/tokens", "/-/"]  # no 401 first


async def test_a_revoked_token_is_renewed_once_after_a_401(
    make_client: ClientFactory, fake_clock: FakeClock
) -> None:
    fake = _keystone(fake_clock, password=("bob", "pw"))
    client = make_client(fake, auth=PASSWORD, discovery_ttl=0)
    await client.discover()
    assert fake.keystone is not None
    fake.keystone.revoked.add("token-1")
    await client.discover()
    assert fake.keystone.issued == ["token-1", "token-2"]
    assert [s.headers.get("x-auth-token") for s in fake.seen[3:]] == [
        "token-1", None, "token-2"]


async def test_keystone_refusing_the_credentials_is_unauthorized(
    make_client: ClientFactory, fake_clock: FakeClock
) -> None:
    fake = _keystone(fake_clock, password=("bob", "other"))
    with pytest.raises(UnauthorizedError, match="requires authentication") as caught:
        await make_client(fake, auth=PASSWORD).discover()
    assert caught.value.url == "http://keystone.test:5000/v3/auth/tokens"


@pytest.mark.parametrize(
    ("challenge", "uri"),
    [
        pytest.param("Keystone uri='https://ks:5000/v2.0'", "https://ks:5000/v2.0", id="single"),
        pytest.param('Keystone uri="https://ks:5000/v3"', "https://ks:5000/v3", id="double"),
        pytest.param("keystone uri=https://ks/", "https://ks/", id="bare-lowercase"),
        pytest.param('Basic realm="occi"', None, id="not-keystone"),
    ],
)
def test_keystone_challenges_are_read(challenge: str, uri: str | None) -> None:
    assert keystone_uri(challenge) == uri


@pytest.mark.parametrize(
    "uri",
    ["https://ks:5000", "https://ks:5000/", "https://ks:5000/v3", "https://ks:5000/v2.0/"],
)
def test_the_tokens_url_is_v3_whatever_the_challenge_names(uri: str) -> None:
    assert tokens_url(uri) == "https://ks:5000/v3/auth/tokens"
