"""Authentication of endpoint requests: none, HTTP Basic, tokens (GFD.223 §10).

The unit tests check the Authenticator alone; the HTTP behaviour (401 with
WWW-Authenticate on every path, secrets never echoed) is in conformance/test_security.py.
"""

from __future__ import annotations

import base64

import pytest

from occi_operator.endpoint.auth import Authenticator
from occi_operator.endpoint.http_errors import UnauthorizedError
from occi_operator.endpoint.settings import AuthMode, AuthSettings

PASSWORD = "s3cret-pässword"
TOKEN = "tok-0123456789"


def _basic(user: str, password: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"authorization": f"Basic {encoded}"}


@pytest.fixture
def basic() -> Authenticator:
    settings = AuthSettings.model_validate(
        {"mode": "basic", "users": {"alice": PASSWORD, "bob": "other"}, "realm": 'my "cloud"'}
    )
    return Authenticator(settings)


@pytest.fixture
def token() -> Authenticator:
    settings = AuthSettings.model_validate({"mode": "token", "tokens": [TOKEN, "second"]})
    return Authenticator(settings)


def test_mode_none_lets_every_request_pass() -> None:
    assert Authenticator(AuthSettings()).authenticate({}) is None


def test_basic_accepts_a_known_user_with_the_right_password(basic: Authenticator) -> None:
    assert basic.mode is AuthMode.BASIC
    assert basic.authenticate(_basic("alice", PASSWORD)) == "alice"


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-authorization"),
        pytest.param(_basic("alice", "wrong"), id="wrong-password"),
        pytest.param(_basic("mallory", PASSWORD), id="unknown-user"),
        pytest.param(_basic("alice", PASSWORD + "x"), id="longer-password"),
        pytest.param({"authorization": "Basic !!!not-base64"}, id="not-base64"),
        pytest.param(
            {"authorization": "Basic " + base64.b64encode(b"alice").decode()}, id="no-colon"
        ),
        pytest.param({"authorization": f"Bearer {TOKEN}"}, id="other-scheme"),
    ],
)
def test_basic_refuses_with_a_challenge_naming_the_realm(
    basic: Authenticator, headers: dict[str, str]
) -> None:
    with pytest.raises(UnauthorizedError) as caught:
        basic.authenticate(headers)
    error = caught.value
    assert error.status_code == 401
    assert error.headers["WWW-Authenticate"].startswith('Basic realm="my \\"cloud\\""')
    assert PASSWORD not in error.message


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"authorization": f"Bearer {TOKEN}"}, id="bearer"),
        pytest.param({"authorization": f"bearer   {TOKEN}"}, id="bearer-any-case"),
        pytest.param({"x-auth-token": TOKEN}, id="x-auth-token"),
        pytest.param({"x-auth-token": "second"}, id="second-token"),
    ],
)
def test_token_mode_accepts_bearer_and_x_auth_token(
    token: Authenticator, headers: dict[str, str]
) -> None:
    assert token.authenticate(headers) == "token"


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="nothing"),
        pytest.param({"authorization": "Bearer nope"}, id="wrong-bearer"),
        pytest.param({"x-auth-token": TOKEN[:-1]}, id="prefix-of-a-token"),
        pytest.param({"authorization": "Basic " + base64.b64encode(b"a:b").decode()}, id="basic"),
        pytest.param({"x-auth-token": "ünïcode"}, id="non-ascii"),
    ],
)
def test_token_mode_refuses_with_a_bearer_challenge(
    token: Authenticator, headers: dict[str, str]
) -> None:
    with pytest.raises(UnauthorizedError) as caught:
        token.authenticate(headers)
    assert caught.value.headers["WWW-Authenticate"] == 'Bearer realm="occi-operator"'
    assert TOKEN not in caught.value.message
