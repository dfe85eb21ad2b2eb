"""The settings of the embedded OCCI endpoint process (pydantic-settings).

Sources, highest precedence first (set in :meth:`EndpointSettings.settings_customise_sources`):

1. flags: keyword arguments of ``EndpointSettings(...)``, which the CLI builds from its options;
2. environment: ``OCCI_ENDPOINT_<FIELD>``, nested with ``__``
   (``OCCI_ENDPOINT_AUTH__MODE=basic``, ``OCCI_ENDPOINT_FAULTS__LATENCY_SECONDS=0.2``);
3. a YAML configuration file, named by the ``config`` keyword or ``OCCI_ENDPOINT_CONFIG``;
4. the defaults below, chosen so that ``occi-operator endpoint`` just works on a laptop.

Nested models merge across sources: a file may give ``auth.users`` while the environment
sets ``auth.mode``. Dotenv and secret-directory sources are not used. Relative paths are
taken relative to the working directory. Secrets are ``SecretStr`` and every model hides
input values in validation errors, so no password or token reaches a repr, a message or a
log line. Settings are built once by the CLI and passed down; nothing here runs at import.
"""

from __future__ import annotations

import enum
import ipaddress
import os
import sys
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from occi_operator.settings_sources import flags_env_file_sources

from .store_schema import Synchronous

__all__ = [
    "CONFIG_ENV",
    "AuthMode",
    "AuthSettings",
    "EndpointSettings",
    "FaultSettings",
    "ServerErrorRates",
    "default_data_dir",
    "is_loopback",
]

ENV_PREFIX = "OCCI_ENDPOINT_"
#: The environment variable naming the configuration file.
CONFIG_ENV = ENV_PREFIX + "CONFIG"

Rate = Annotated[float, Field(ge=0.0, le=1.0)]
Seconds = Annotated[float, Field(ge=0.0, le=3600.0)]
_MODEL = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


def default_data_dir() -> Path:
    """The per-user state directory: ``$XDG_STATE_HOME/occi-operator/endpoint`` and kin."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        xdg = os.environ.get("XDG_STATE_HOME", "")
        # The XDG specification says a relative value is invalid and must be ignored.
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "state"
    return base / "occi-operator" / "endpoint"


def is_loopback(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ``::1`` (brackets and IPv4-mapped allowed)."""
    name = host.strip().removeprefix("[").removesuffix("]").lower()
    if name in ("localhost", "localhost."):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


class AuthMode(enum.StrEnum):
    """How the endpoint authenticates requests."""

    NONE = "none"
    BASIC = "basic"
    TOKEN = "token"  # noqa: S105 - the name of a mode, not a password


class AuthSettings(BaseModel):
    """Who may talk to the endpoint."""

    model_config = _MODEL

    mode: AuthMode = Field(
        default=AuthMode.NONE,
        description=(
            "How requests are authenticated: 'none' (only allowed on a loopback host), "
            "'basic' (HTTP Basic against users) or 'token' (X-Auth-Token or Bearer "
            "against tokens)."
        ),
    )
    realm: str = Field(
        default="occi-operator", min_length=1,
        description="The realm named in the WWW-Authenticate header of a 401 answer.",
    )
    users: dict[str, SecretStr] = Field(
        default_factory=dict,
        description="User names and their passwords, for the 'basic' mode.",
    )
    tokens: tuple[Annotated[SecretStr, Field(min_length=1)], ...] = Field(
        default=(), description="The tokens that are accepted, for the 'token' mode."
    )

    @field_validator("users")
    @classmethod
    def _user_names_fit_basic_auth(cls, users: dict[str, SecretStr]) -> dict[str, SecretStr]:
        for name in users:
            if not name or ":" in name:
                raise ValueError(f"user name {name!r} must be non-empty and contain no ':'")
        return users

    @model_validator(mode="after")
    def _mode_has_credentials(self) -> AuthSettings:
        if self.mode is AuthMode.BASIC and not self.users:
            raise ValueError("auth.mode 'basic' needs at least one entry in auth.users")
        if self.mode is AuthMode.TOKEN and not self.tokens:
            raise ValueError("auth.mode 'token' needs at least one entry in auth.tokens")
        return self


class ServerErrorRates(BaseModel):
    """For each HTTP verb, the share of requests answered with a made-up 500 or 503."""

    model_config = _MODEL

    get: Rate = Field(default=0.0, description="Share of GET requests answered with a 5xx.")
    post: Rate = Field(default=0.0, description="Share of POST requests answered with a 5xx.")
    put: Rate = Field(default=0.0, description="Share of PUT requests answered with a 5xx.")
    delete: Rate = Field(default=0.0, description="Share of DELETE requests answered with a 5xx.")


class FaultSettings(BaseModel):
    """Faults the endpoint injects to imitate a flaky cloud; all are off by default."""

    model_config = _MODEL

    latency_seconds: Seconds = Field(
        default=0.0, description="Delay added before every answer, in seconds."
    )
    server_error_rate: ServerErrorRates = Field(
        default_factory=ServerErrorRates,
        description="Per HTTP verb, the share of requests answered with a server error.",
    )
    dropped_connection_rate: Rate = Field(
        default=0.0,
        description="Share of requests whose connection is closed without any answer.",
    )
    lost_create_answer_rate: Rate = Field(
        default=0.0,
        description=(
            "Share of creates that are carried out but whose answer is lost, so that the "
            "client must find the resource it did create."
        ),
    )
    delete_linger_seconds: Seconds = Field(
        default=0.0,
        description="How long a deleted entity stays visible before it answers 404, in seconds.",
    )
    error_state_rate: Rate = Field(
        default=0.0,
        description="Share of provisionings that end in the 'error' state instead of 'active'.",
    )
    seed: int | None = Field(
        default=None,
        description="Seed of the fault dice, for reproducible runs; unset means random.",
    )

    @property
    def enabled(self) -> bool:
        """True when at least one fault can happen."""
        rates = self.server_error_rate
        return any((
            self.latency_seconds, rates.get, rates.post, rates.put, rates.delete,
            self.dropped_connection_rate, self.lost_create_answer_rate,
            self.delete_linger_seconds, self.error_state_rate,
        ))


class EndpointSettings(BaseSettings):
    """Everything the ``occi-operator endpoint`` process needs, from flags, env and file."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", frozen=True,
        hide_input_in_errors=True, validate_default=True,
    )

    host: str = Field(
        default="127.0.0.1", min_length=1, pattern=r"^[^\s/]+$",
        description=(
            "The address the HTTP server listens on. Anything but a loopback address "
            "needs auth.mode 'basic' or 'token'."
        ),
    )
    port: int = Field(
        default=8765, ge=0, le=65535,
        description="The TCP port the HTTP server listens on; 0 picks a free port.",
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="The directory for the endpoint's database; created when missing.",
    )
    database: Path | None = Field(
        default=None,
        description="The SQLite database file; unset means 'endpoint.sqlite3' in data_dir.",
    )
    catalog: Path | None = Field(
        default=None,
        description=(
            "A YAML file of os_tpl, resource_tpl, app_tpl and res_tpl templates and of "
            "provider kinds; unset means the catalog shipped with the package."
        ),
    )
    base_url: str | None = Field(
        default=None,
        description=(
            "The absolute http(s) URL clients reach the endpoint at, used in Location and "
            "X-OCCI-Location answers (for example behind a proxy); unset means the URL "
            "of each request."
        ),
    )
    auth: AuthSettings = Field(
        default_factory=AuthSettings, description="Authentication of requests."
    )
    provisioning_delay_seconds: Seconds = Field(
        default=2.0,
        description="How long a new or started resource takes to become active, in seconds.",
    )
    max_page_size: int = Field(
        default=1000, ge=1, le=1_000_000,
        description=(
            "The largest 'number' a paginated request may ask for; a larger one is "
            "answered with 413."
        ),
    )
    faults: FaultSettings = Field(
        default_factory=FaultSettings,
        description="Injected faults for testing clients against a flaky cloud.",
    )
    sqlite_synchronous: Synchronous = Field(
        default=Synchronous.NORMAL,
        description=(
            "SQLite durability: NORMAL survives a killed process, FULL also survives a "
            "power loss at the cost of one disk flush per write."
        ),
    )
    config: Path | None = Field(
        default=None,
        description=(
            f"A YAML file with any of these settings; also read from {CONFIG_ENV}. Flags "
            "and the environment override what it says."
        ),
    )

    @property
    def database_path(self) -> Path:
        """The database file: ``database``, or ``endpoint.sqlite3`` inside ``data_dir``."""
        return self.database if self.database is not None else self.data_dir / "endpoint.sqlite3"

    @field_validator("sqlite_synchronous", mode="before")
    @classmethod
    def _synchronous_any_case(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("base_url")
    @classmethod
    def _base_url_is_absolute(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("base_url must be an absolute http:// or https:// URL")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise ValueError("base_url must carry no user info, query or fragment")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _open_host_needs_auth(self) -> EndpointSettings:
        if self.auth.mode is AuthMode.NONE and not is_loopback(self.host):
            raise ValueError(
                f"host {self.host!r} is not a loopback address and auth.mode is 'none', so "
                "anyone who reaches it could create and delete resources: listen on "
                "127.0.0.1 (or ::1, localhost), or set auth.mode to 'basic' with auth.users "
                "or to 'token' with auth.tokens (for example OCCI_ENDPOINT_AUTH__MODE=token "
                "and OCCI_ENDPOINT_AUTH__TOKENS='[\"...\"]')"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags, then environment, then the configuration file; dotenv and secrets unused."""
        return flags_env_file_sources(
            settings_cls, init_settings, env_settings, config_env=CONFIG_ENV
        )
