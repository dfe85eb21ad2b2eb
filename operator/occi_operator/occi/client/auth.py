"""How the client proves who it is: credential models and their ``httpx.Auth`` flows.

Credentials are pydantic models (the operator builds them from Kubernetes secrets);
every secret is a :class:`~pydantic.SecretStr`, so it never shows in a repr, a log line
or an exception text. Each flow is an :class:`httpx.Auth` and adds its header on every
request, including retries. Keystone lives in :mod:`.keystone`; X.509 client
certificates are TLS settings (see :mod:`.tls`), since they act below HTTP.
"""

from __future__ import annotations

import base64
from collections.abc import Generator
from typing import Annotated, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from .clock import Clock
from .keystone import (
    KeystoneApplicationCredentials,
    KeystoneAuth,
    KeystonePasswordCredentials,
)

__all__ = [
    "BasicAuth",
    "BasicCredentials",
    "BearerAuth",
    "BearerCredentials",
    "Credentials",
    "KeystoneApplicationCredentials",
    "KeystonePasswordCredentials",
    "NoCredentials",
    "StaticTokenAuth",
    "TokenCredentials",
    "build_auth",
]

class NoCredentials(BaseModel):
    """No authentication (a public or a test endpoint)."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    type: Literal["none"] = "none"


class BasicCredentials(BaseModel):
    """HTTP Basic, the default of the OCCI HTTP protocol."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    type: Literal["basic"] = "basic"
    username: str = Field(description="User name sent in the Authorization header.")
    password: SecretStr = Field(description="Password sent in the Authorization header.")


class BearerCredentials(BaseModel):
    """A bearer token (OIDC access token) sent as ``Authorization: Bearer …``."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    type: Literal["bearer"] = "bearer"
    token: SecretStr = Field(description="The access token.")


class TokenCredentials(BaseModel):
    """A token obtained elsewhere, sent as a static ``X-Auth-Token`` header."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    type: Literal["token"] = "token"
    token: SecretStr = Field(description="The token value.")


#: Every way the client can authenticate, told apart by ``type``.
Credentials = Annotated[
    NoCredentials
    | BasicCredentials
    | BearerCredentials
    | TokenCredentials
    | KeystonePasswordCredentials
    | KeystoneApplicationCredentials,
    Field(discriminator="type"),
]


class BasicAuth(httpx.Auth):
    """HTTP Basic; the encoded header is built per request and never stored."""

    def __init__(self, username: str, password: SecretStr) -> None:
        self.username = username
        self._password = password

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the ``Authorization: Basic`` header."""
        pair = f"{self.username}:{self._password.get_secret_value()}".encode()
        request.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        yield request

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password=***)"


class _HeaderTokenAuth(httpx.Auth):
    """A secret sent in one header, with an optional prefix."""

    header = ""
    prefix = ""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the token header."""
        request.headers[self.header] = self.prefix + self._token.get_secret_value()
        yield request

    def __repr__(self) -> str:
        return f"{type(self).__name__}(token=***)"


class BearerAuth(_HeaderTokenAuth):
    """``Authorization: Bearer <token>``."""

    header = "Authorization"
    prefix = "Bearer "


class StaticTokenAuth(_HeaderTokenAuth):
    """``X-Auth-Token: <token>`` with a token the caller obtained."""

    header = "X-Auth-Token"


def build_auth(credentials: Credentials, *, clock: Clock) -> httpx.Auth | None:
    """The ``httpx.Auth`` for a credentials model (None for no authentication)."""
    if isinstance(credentials, BasicCredentials):
        return BasicAuth(credentials.username, credentials.password)
    if isinstance(credentials, BearerCredentials):
        return BearerAuth(credentials.token)
    if isinstance(credentials, TokenCredentials):
        return StaticTokenAuth(credentials.token)
    if isinstance(credentials, KeystonePasswordCredentials | KeystoneApplicationCredentials):
        return KeystoneAuth(credentials, clock=clock)
    return None
