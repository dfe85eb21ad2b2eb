"""GFD.223 §10: authentication by HTTP mechanisms — Basic (the default), and tokens.

Every path of the route table asks for credentials in modes ``basic`` and ``token``; a
401 carries ``WWW-Authenticate``; no answer echoes a secret.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from occi_operator.endpoint.app import create_app
from occi_operator.endpoint.settings import EndpointSettings

PASSWORD = "correct horse battery"  # a test credential
TOKEN = "t0ken-for-tests"  # a test credential
PATHS = [("GET", "/-/"), ("GET", "/compute/"), ("POST", "/compute/"), ("GET", "/compute/x"),
         ("DELETE", "/compute/x"), ("GET", "/.well-known/org/ogf/occi/-/"), ("GET", "/-/faults")]


async def _client(settings: EndpointSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://occi.test") as client:
            yield client


@pytest.fixture
async def basic_http(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An endpoint in mode basic with one user."""
    settings = EndpointSettings.model_validate({
        "data_dir": tmp_path, "auth": {"mode": "basic", "users": {"alice": PASSWORD}},
    })
    async for client in _client(settings):
        yield client


@pytest.fixture
async def token_http(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An endpoint in mode token with one token."""
    settings = EndpointSettings.model_validate({
        "data_dir": tmp_path, "auth": {"mode": "token", "tokens": [TOKEN]},
    })
    async for client in _client(settings):
        yield client


@pytest.mark.parametrize(("method", "path"), PATHS)
async def test_s10_basic_every_path_needs_credentials(
    basic_http: httpx.AsyncClient, method: str, path: str
) -> None:
    """§10: without credentials, 401 and a Basic challenge — before anything else."""
    response = await basic_http.request(method, path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic realm=")
    assert "OCCI/1.2" in response.headers["server"]


async def test_s10_basic_right_credentials_pass_and_wrong_ones_are_not_echoed(
    basic_http: httpx.AsyncClient,
) -> None:
    """§10 Basic: the right password passes; a wrong one is a 401 not naming it."""
    good = await basic_http.get("/-/", auth=("alice", PASSWORD))
    assert good.status_code == 200
    bad = await basic_http.get("/-/", auth=("alice", "guess-what"))
    assert bad.status_code == 401
    assert "guess-what" not in bad.text
    assert PASSWORD not in bad.text
    header = base64.b64encode(b"alice:" + PASSWORD.encode()).decode()
    assert header not in bad.text


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Authorization": f"Bearer {TOKEN}"}, id="bearer"),
        pytest.param({"X-Auth-Token": TOKEN}, id="x-auth-token"),
    ],
)
async def test_s10_token_mode_accepts_bearer_and_x_auth_token(
    token_http: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    """§10 (additional profiles): OIDC bearer tokens and Keystone's X-Auth-Token."""
    assert (await token_http.get("/-/")).status_code == 401
    response = await token_http.get("/-/", headers=headers)
    assert response.status_code == 200


async def test_s10_a_401_is_rendered_in_the_negotiated_rendering(
    token_http: httpx.AsyncClient,
) -> None:
    """§10 with §5.2: the 401 answer is JSON when JSON is accepted."""
    response = await token_http.get("/-/", headers={"Accept": "application/occi+json"})
    assert response.status_code == 401
    assert response.json()["status"] == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
