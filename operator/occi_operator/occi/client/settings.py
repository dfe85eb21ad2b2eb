"""What the client needs to know about one endpoint, as one pydantic model.

The operator builds an :class:`EndpointConfig` from its endpoint custom resource and
the referenced secrets; tests build one by hand. Secrets are ``SecretStr`` fields of
the credentials, so printing a config shows no secret.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from occi_operator import __version__
from occi_operator.occi.normalize import MemoryUnit

from .auth import Credentials, NoCredentials
from .observer import RequestObserver
from .retry import RetryPolicy

__all__ = ["DEFAULT_USER_AGENT", "EndpointConfig", "TimeoutSettings"]

#: The OCCI HTTP protocol asks clients to name the OCCI version in ``User-Agent``.
DEFAULT_USER_AGENT = f"occi-operator/{__version__} OCCI/1.2"


class TimeoutSettings(BaseModel):
    """Timeouts of one request, in seconds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    connect: float = Field(default=10.0, gt=0, description="Seconds to open a connection.")
    read: float = Field(default=60.0, gt=0, description="Seconds to wait for answer data.")
    write: float = Field(default=60.0, gt=0, description="Seconds to send request data.")
    pool: float = Field(default=10.0, gt=0, description="Seconds to wait for a free connection.")


class EndpointConfig(BaseModel):
    """One OCCI endpoint: where it is, how to authenticate, how gently to talk to it."""

    # Validation errors must not echo a URL or a field that may hold a secret.
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    url: str = Field(
        description=(
            "Base URL of the OCCI endpoint, e.g. https://cloud.example.org:11443/ or "
            "https://host:8787/occi1.2/ for ooi. Paths such as /-/ resolve against it."
        )
    )
    auth: Credentials = Field(
        default_factory=NoCredentials,
        description="How the client authenticates (none, basic, bearer, token, Keystone).",
    )
    verify: bool = Field(default=True, description="Verify the server's TLS certificate.")
    ca_bundle: Path | None = Field(
        default=None, description="PEM file of CA certificates to trust instead of the defaults."
    )
    client_cert: Path | None = Field(
        default=None,
        description=(
            "PEM file with the X.509 client certificate; may also hold the key and the chain, "
            "as a VOMS proxy does."
        ),
    )
    client_key: Path | None = Field(
        default=None, description="PEM file with the client key, when not in client_cert."
    )
    client_key_password: SecretStr | None = Field(
        default=None, description="Password of an encrypted client key."
    )
    rendering: str = Field(
        default="text/plain",
        description="Preferred media type; the client falls back on 406 or 415.",
    )
    fallback_renderings: tuple[str, ...] = Field(
        default=("application/occi+json", "text/occi", "text/plain"),
        description="Media types to try, in order, after the preferred one is refused.",
    )
    timeouts: TimeoutSettings = Field(default_factory=TimeoutSettings)
    max_concurrency: int = Field(
        default=8, ge=1, description="Most requests in flight to this endpoint at once."
    )
    rate: float | None = Field(
        default=10.0, gt=0, description="Most requests per second; empty for no limit."
    )
    burst: int = Field(default=10, ge=1, description="Requests allowed at once above the rate.")
    retry: RetryPolicy = Field(default_factory=RetryPolicy)
    discovery_ttl: float = Field(
        default=300.0, ge=0, description="Seconds the answer of /-/ is reused before a refetch."
    )
    memory_unit: MemoryUnit = Field(
        default=MemoryUnit.AUTO,
        description=(
            "Unit the endpoint sends occi.compute.memory in: GiB (the specification), MiB "
            "(ooi sends Nova's MB) or auto (decided per entity, see normalize.MemoryUnit)."
        ),
    )
    user_agent: str = Field(
        default=DEFAULT_USER_AGENT, description="User-Agent header; must carry OCCI/1.2."
    )
    # A hook, not data: left out of dumps and reprs (see observer.py).
    observer: RequestObserver | None = Field(
        default=None,
        exclude=True,
        repr=False,
        description="Called with a RequestRecord after every HTTP request (for metrics).",
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("url must be an absolute http or https URL")
        if "@" in parts.netloc:
            raise ValueError("url must not carry credentials; put them in auth")
        return value if value.endswith("/") else value + "/"

    @property
    def renderings(self) -> tuple[str, ...]:
        """The preferred rendering, then the fallbacks, without repeats; text/plain last."""
        order = dict.fromkeys((self.rendering, *self.fallback_renderings, "text/plain"))
        return tuple(order)
