"""Keystone v3 tokens for OCCI endpoints behind OpenStack (ooi and EGI federated sites).

The flow ooi expects: a request without a token gets ``401`` with
``WWW-Authenticate: Keystone uri='https://keystone:5000/v3'``; the client then POSTs
its credentials to ``{uri}/v3/auth/tokens``, reads the token from the
``X-Subject-Token`` header and its expiry from the body, and repeats the request with
``X-Auth-Token``. The token is cached, renewed shortly before it expires, and renewed
once more when the endpoint answers 401 to it anyway. Secrets stay in ``SecretStr``.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncGenerator, Generator
from datetime import UTC, datetime
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from occi_operator.occi.errors import UnauthorizedError, status_error_class

from .clock import Clock
from .translate import server_message

__all__ = [
    "KeystoneApplicationCredentials",
    "KeystoneAuth",
    "KeystonePasswordCredentials",
    "keystone_uri",
    "tokens_url",
]

_CHALLENGE = re.compile(r"""Keystone\s+uri\s*=\s*['"]?([^'"\s,]+)""", re.IGNORECASE)
_VERSION_SUFFIXES = ("/v2.0", "/v3", "/v2")


class _KeystoneBase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    auth_url: str | None = Field(
        default=None,
        description=(
            "Keystone URL. When empty, the client learns it from the endpoint's "
            "WWW-Authenticate challenge on the first 401."
        ),
    )


class KeystonePasswordCredentials(_KeystoneBase):
    """A Keystone user and password, scoped to a project."""

    type: Literal["keystone-password"] = "keystone-password"
    username: str = Field(description="Keystone user name.")
    password: SecretStr = Field(description="Keystone password.")
    user_domain: str = Field(default="Default", description="Domain of the user.")
    project_id: str | None = Field(default=None, description="Project to scope the token to.")
    project_name: str | None = Field(
        default=None, description="Project name, used when no project id is given."
    )
    project_domain: str = Field(default="Default", description="Domain of the project name.")

    def auth_body(self) -> dict[str, Any]:
        """The ``POST /v3/auth/tokens`` body (holds the password: never log it)."""
        auth: dict[str, Any] = {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": self.username,
                        "domain": {"name": self.user_domain},
                        "password": self.password.get_secret_value(),
                    }
                },
            }
        }
        if self.project_id:
            auth["scope"] = {"project": {"id": self.project_id}}
        elif self.project_name:
            auth["scope"] = {
                "project": {"name": self.project_name, "domain": {"name": self.project_domain}}
            }
        return {"auth": auth}


class KeystoneApplicationCredentials(_KeystoneBase):
    """A Keystone application credential (its scope is fixed when it is created)."""

    type: Literal["keystone-application-credential"] = "keystone-application-credential"
    credential_id: str = Field(description="Application credential id.")
    secret: SecretStr = Field(description="Application credential secret.")

    def auth_body(self) -> dict[str, Any]:
        """The ``POST /v3/auth/tokens`` body (holds the secret: never log it)."""
        return {
            "auth": {
                "identity": {
                    "methods": ["application_credential"],
                    "application_credential": {
                        "id": self.credential_id,
                        "secret": self.secret.get_secret_value(),
                    },
                }
            }
        }


def keystone_uri(www_authenticate: str) -> str | None:
    """The ``uri`` of a ``Keystone uri='…'`` challenge, single, double or no quotes."""
    match = _CHALLENGE.search(www_authenticate)
    return match.group(1) if match else None


def tokens_url(uri: str) -> str:
    """``{uri}/v3/auth/tokens``, whether ``uri`` names the root, ``/v3`` or ``/v2.0``."""
    root = uri.rstrip("/")
    for suffix in _VERSION_SUFFIXES:
        if root.endswith(suffix):
            root = root.removesuffix(suffix)
            break
    return root + "/v3/auth/tokens"


class KeystoneAuth(httpx.Auth):
    """Obtain, cache and renew a Keystone v3 token; send it as ``X-Auth-Token``."""

    def __init__(
        self,
        credentials: KeystonePasswordCredentials | KeystoneApplicationCredentials,
        *,
        clock: Clock,
        renew_before: float = 300.0,
    ) -> None:
        self._credentials = credentials
        self._clock = clock
        self._renew_before = renew_before
        self._url = tokens_url(credentials.auth_url) if credentials.auth_url else None
        self._token: SecretStr | None = None
        self._expires_at: float | None = None
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"KeystoneAuth(url={self._url!r}, credentials={self._credentials!r})"

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Not supported: the OCCI client is asynchronous only."""
        raise RuntimeError("KeystoneAuth works with httpx.AsyncClient only")

    def _usable(self) -> str | None:
        if self._token is None:
            return None
        renew_at = None if self._expires_at is None else self._expires_at - self._renew_before
        if renew_at is not None and self._clock.now() >= renew_at:
            return None
        return self._token.get_secret_value()

    def _token_request(self, original: httpx.Request) -> httpx.Request:
        assert self._url is not None
        return httpx.Request(
            "POST",
            self._url,
            content=json.dumps(self._credentials.auth_body()).encode(),
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": original.headers.get("User-Agent", "occi-operator"),
            },
            extensions={"timeout": original.extensions.get("timeout", {})},
        )

    async def _store(self, response: httpx.Response) -> str:
        # Overriding async_auth_flow skips httpx's own read of the body; do it here.
        await response.aread()
        url = self._url or ""
        if response.status_code not in (200, 201):
            raise status_error_class(response.status_code)(
                method="POST",
                url=url,
                status_code=response.status_code,
                server_message=server_message(response),
            )
        token = response.headers.get("X-Subject-Token")
        if not token:
            raise UnauthorizedError(
                method="POST",
                url=url,
                status_code=response.status_code,
                server_message="Keystone answered without an X-Subject-Token header",
            )
        self._token = SecretStr(token)
        self._expires_at = _expiry(response)
        return str(token)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Send with the cached token; on a Keystone 401, get a new one and resend once."""
        sent = self._usable()
        if sent is None and self._url is not None:
            async with self._lock:
                sent = self._usable()
                if sent is None:
                    sent = await self._store((yield self._token_request(request)))
        if sent is not None:
            request.headers["X-Auth-Token"] = sent
        response = yield request
        if response.status_code != 401:
            return
        uri = keystone_uri(response.headers.get("WWW-Authenticate", ""))
        if uri is not None:
            self._url = tokens_url(uri)
        if self._url is None:
            return  # not a Keystone challenge: the 401 stands
        async with self._lock:
            current = self._usable()
            if current is None or current == sent:  # nobody renewed it meanwhile
                self._token = None
                current = await self._store((yield self._token_request(request)))
        request.headers["X-Auth-Token"] = str(current)
        yield request


def _expiry(response: httpx.Response) -> float | None:
    """``token.expires_at`` of a Keystone v3 answer as epoch seconds, if readable."""
    try:
        expires = datetime.fromisoformat(str(response.json()["token"]["expires_at"]))
    except (ValueError, KeyError, TypeError):
        return None
    if expires.tzinfo is None:  # Keystone means UTC even when it omits the zone
        expires = expires.replace(tzinfo=UTC)
    return expires.timestamp()
