"""Authentication of endpoint requests: none, HTTP Basic, or tokens.

* ``none``: every request passes (the settings allow it on a loopback host only);
* ``basic``: ``Authorization: Basic base64(user:password)`` against ``auth.users``
  (GFD.223 §10 names Basic the default);
* ``token``: ``Authorization: Bearer <token>`` (OIDC style) or ``X-Auth-Token: <token>``
  (Keystone style) against ``auth.tokens``.

A request that fails gets a 401 whose ``WWW-Authenticate`` names the scheme and realm.
Secrets are compared with :func:`hmac.compare_digest` against *every* configured secret,
so the time taken says nothing about which user exists or how much of a token matched.
No secret, and no part of what the client sent, appears in a message.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping

from .http_errors import UnauthorizedError
from .settings import AuthMode, AuthSettings

__all__ = ["Authenticator"]

#: Compared against when the user is unknown, so that the answer takes the same time.
_NO_PASSWORD = b"\x00" * 32


class Authenticator:
    """Checks the credentials of a request against :class:`AuthSettings`."""

    def __init__(self, settings: AuthSettings) -> None:
        self._mode = settings.mode
        self._realm = settings.realm.replace("\\", "\\\\").replace('"', '\\"')
        self._users = {
            name.encode("utf-8"): secret.get_secret_value().encode("utf-8")
            for name, secret in settings.users.items()
        }
        self._tokens = tuple(
            token.get_secret_value().encode("utf-8") for token in settings.tokens
        )

    @property
    def mode(self) -> AuthMode:
        """The authentication mode."""
        return self._mode

    def authenticate(self, headers: Mapping[str, str]) -> str | None:
        """The authenticated principal (user name, ``token``), None in mode ``none``.

        ``headers`` is looked up by lower-case name. Raises UnauthorizedError (401).
        """
        if self._mode is AuthMode.NONE:
            return None
        if self._mode is AuthMode.BASIC:
            return self._basic(headers.get("authorization", ""))
        return self._token(headers)

    def _basic(self, authorization: str) -> str:
        challenge = f'Basic realm="{self._realm}", charset="UTF-8"'
        scheme, _, encoded = authorization.strip().partition(" ")
        if scheme.lower() != "basic" or not encoded.strip():
            raise UnauthorizedError("HTTP Basic credentials are required", challenge=challenge)
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise UnauthorizedError(
                "the Basic credentials are not valid base64", challenge=challenge
            ) from None
        user, colon, password = decoded.partition(b":")
        expected = self._users.get(user, _NO_PASSWORD)
        matches = hmac.compare_digest(password, expected)
        if not colon or user not in self._users or not matches:
            raise UnauthorizedError("wrong user name or password", challenge=challenge)
        return user.decode("utf-8", errors="replace")

    def _token(self, headers: Mapping[str, str]) -> str:
        challenge = f'Bearer realm="{self._realm}"'
        offered = headers.get("x-auth-token", "").strip()
        scheme, _, value = headers.get("authorization", "").strip().partition(" ")
        if not offered and scheme.lower() == "bearer":
            offered = value.strip()
        if not offered:
            raise UnauthorizedError(
                "a token is required (Authorization: Bearer or X-Auth-Token)",
                challenge=challenge,
            )
        candidate = offered.encode("utf-8", errors="replace")
        valid = False
        for token in self._tokens:  # no early exit: every token is compared
            valid |= hmac.compare_digest(candidate, token)
        if not valid:
            raise UnauthorizedError("the token is not valid", challenge=challenge)
        return "token"
