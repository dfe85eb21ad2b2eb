"""OCCIEndpoint (namespaced) and ClusterOCCIEndpoint (cluster-scoped): where and how to talk.

An endpoint object names the OCCI server, how to authenticate (a Secret whose keys depend
on ``auth``, see :data:`SECRET_KEYS`), which CAs to trust, the preferred rendering, the
request limits and the default resync period. The cluster-scoped kind adds a
``namespaceSelector`` saying which namespaces may use it. The reconciler turns one into
an :class:`~occi_operator.occi.client.settings.EndpointConfig`.
"""

from __future__ import annotations

import enum
from typing import Any, Literal

from pydantic import Field

from occi_operator.occi.normalize import MemoryUnit

from .common import ApiModel, Condition, Duration, LocalRef, SecretKeyRef
from .kindinfo import AGE, READY, REASON, KindInfo, PrinterColumn, Scope
from .labels import LabelSelector
from .rules import Rule, RuledModel

__all__ = [
    "CLUSTER_KIND_INFO",
    "KIND_INFO",
    "SECRET_KEYS",
    "AuthType",
    "ClusterOCCIEndpoint",
    "ClusterOCCIEndpointSpec",
    "EndpointLimits",
    "EndpointStatus",
    "KeystoneOptions",
    "OCCIEndpoint",
    "OCCIEndpointSpec",
    "Rendering",
]


class AuthType(enum.StrEnum):
    """How the operator authenticates to the endpoint."""

    NONE = "none"
    BASIC = "basic"
    BEARER = "bearer"
    TOKEN = "token"  # noqa: S105 - a type name, not a secret
    KEYSTONE_PASSWORD = "keystonePassword"  # noqa: S105 - a type name
    KEYSTONE_APPLICATION_CREDENTIAL = "keystoneApplicationCredential"
    X509 = "x509"


class Rendering(enum.StrEnum):
    """The OCCI renderings (media types) the client speaks."""

    TEXT_PLAIN = "text/plain"
    TEXT_OCCI = "text/occi"
    URI_LIST = "text/uri-list"
    JSON = "application/occi+json"


#: Keys the credentials Secret must hold per auth type; optional keys are in brackets.
SECRET_KEYS: dict[AuthType, tuple[str, ...]] = {
    AuthType.NONE: (),
    AuthType.BASIC: ("username", "password"),
    AuthType.BEARER: ("token",),
    AuthType.TOKEN: ("token",),
    AuthType.KEYSTONE_PASSWORD: ("username", "password"),
    AuthType.KEYSTONE_APPLICATION_CREDENTIAL: (
        "applicationCredentialId",
        "applicationCredentialSecret",
    ),
    AuthType.X509: ("tls.crt", "[tls.key]", "[tls.key.password]"),
}

_CREDENTIALS_DOC = (
    "Secret holding the credentials, in the endpoint's namespace (for a "
    "ClusterOCCIEndpoint, in the operator's namespace). Its keys depend on auth: basic and "
    "keystonePassword: username and password; bearer and token: token; "
    "keystoneApplicationCredential: applicationCredentialId and "
    "applicationCredentialSecret; x509: tls.crt (the certificate, possibly with key and "
    "chain, as a VOMS proxy), tls.key when the key is separate, tls.key.password when the "
    "key is encrypted. Required unless auth is none. Read on every reconcile, so rotating "
    "the Secret needs no restart."
)

_NEEDS_CREDENTIALS = "self.auth == 'none' || has(self.credentialsSecretRef)"
_KEYSTONE = "self.auth in ['keystonePassword', 'keystoneApplicationCredential']"


class KeystoneOptions(ApiModel):
    """Where and how to get a Keystone token; the secrets themselves are in the Secret."""

    auth_url: str | None = Field(
        default=None,
        max_length=2048,
        pattern=r"^https?://",
        description="Keystone URL; when empty, learned from the endpoint's WWW-Authenticate "
        "challenge on the first 401.",
    )
    user_domain: str = Field(
        default="Default", max_length=255, description="Domain of the user (password only)."
    )
    project_id: str | None = Field(
        default=None, max_length=255, description="Project to scope the token to, by id."
    )
    project_name: str | None = Field(
        default=None, max_length=255, description="Project to scope the token to, by name."
    )
    project_domain: str = Field(
        default="Default", max_length=255, description="Domain of the project name."
    )


class EndpointLimits(ApiModel):
    """How gently the operator talks to the endpoint (shared by every object using it)."""

    max_concurrent_requests: int = Field(
        default=8, ge=1, le=1000, description="Most requests in flight at once."
    )
    requests_per_second: float = Field(
        default=10.0, gt=0, le=10000, description="Most requests per second, on average."
    )
    burst: int = Field(
        default=10, ge=1, le=10000, description="Requests allowed at once above the rate."
    )


ENDPOINT_RULES: tuple[Rule, ...] = (
    Rule(
        cel="!has(self.caBundle) || !has(self.caSecretRef)",
        message="caBundle and caSecretRef are mutually exclusive",
        check=lambda spec: spec.ca_bundle is None or spec.ca_secret_ref is None,
    ),
    Rule(
        cel="!self.insecureSkipVerify || (!has(self.caBundle) && !has(self.caSecretRef))",
        message="insecureSkipVerify excludes caBundle and caSecretRef",
        check=lambda spec: not spec.insecure_skip_verify
        or (spec.ca_bundle is None and spec.ca_secret_ref is None),
    ),
    Rule(
        cel=_NEEDS_CREDENTIALS,
        message="credentialsSecretRef is required unless auth is none",
        check=lambda spec: spec.auth == AuthType.NONE or spec.credentials_secret_ref is not None,
        field_path=".credentialsSecretRef",
    ),
    Rule(
        cel="self.auth != 'none' || !has(self.credentialsSecretRef)",
        message="auth none takes no credentialsSecretRef",
        check=lambda spec: spec.auth != AuthType.NONE or spec.credentials_secret_ref is None,
        field_path=".credentialsSecretRef",
    ),
    Rule(
        cel=f"!has(self.keystone) || {_KEYSTONE}",
        message="keystone applies only to the keystonePassword and "
        "keystoneApplicationCredential auth types",
        check=lambda spec: spec.keystone is None
        or spec.auth
        in (AuthType.KEYSTONE_PASSWORD, AuthType.KEYSTONE_APPLICATION_CREDENTIAL),
        field_path=".keystone",
    ),
    Rule(
        cel="self.auth != 'x509' || self.url.startsWith('https://')",
        message="auth x509 needs an https URL",
        check=lambda spec: spec.auth != AuthType.X509 or spec.url.startswith("https://"),
        field_path=".url",
    ),
)


class OCCIEndpointSpec(RuledModel):
    """Where the OCCI endpoint is and how to talk to it."""

    cel_rules = ENDPOINT_RULES

    url: str = Field(
        max_length=2048,
        pattern=r"^https?://[^\s/@]+(/[^\s]*)?$",
        description="Base URL of the OCCI endpoint, such as https://cloud.example.org:11443/ "
        "or https://host:8787/occi1.2/ for ooi; paths such as /-/ resolve against it. "
        "Credentials never go into the URL.",
    )
    auth: AuthType = Field(
        default=AuthType.NONE,
        description="How to authenticate: none, basic, bearer (OIDC access token), token "
        "(X-Auth-Token), keystonePassword, keystoneApplicationCredential or x509 (client "
        "certificate).",
    )
    credentials_secret_ref: LocalRef | None = Field(
        default=None, description=_CREDENTIALS_DOC
    )
    keystone: KeystoneOptions | None = Field(
        default=None, description="Keystone settings for the keystone auth types."
    )
    ca_bundle: str | None = Field(
        default=None,
        max_length=262144,
        pattern="-----BEGIN CERTIFICATE-----",
        description="PEM CA certificates to trust instead of the system's; excludes "
        "caSecretRef.",
    )
    ca_secret_ref: SecretKeyRef | None = Field(
        default=None,
        description="A Secret key holding PEM CA certificates to trust (such as ca.crt); "
        "excludes caBundle.",
    )
    insecure_skip_verify: bool = Field(
        default=False,
        description="Do not verify the server's TLS certificate. For tests only.",
    )
    preferred_rendering: Rendering = Field(
        default=Rendering.TEXT_PLAIN,
        description="The media type to speak first; the client falls back on 406 or 415.",
    )
    limits: EndpointLimits | None = Field(
        default=None, description="Request limits; the defaults apply when empty."
    )
    default_resync_period: Duration | None = Field(
        default=None,
        description="How often objects on this endpoint are read again, unless they set "
        "their own resyncPeriod; empty means the operator's resync.defaultPeriod setting "
        "(10 minutes unless configured).",
    )
    memory_unit: MemoryUnit = Field(
        default=MemoryUnit.AUTO,
        description="Unit the endpoint sends occi.compute.memory in: GiB (the "
        "specification), MiB (ooi) or auto (decided per resource).",
    )


class ClusterOCCIEndpointSpec(OCCIEndpointSpec):
    """A cluster-wide endpoint and the namespaces that may use it."""

    namespace_selector: LabelSelector = Field(
        description="Namespaces whose objects may use this endpoint, by label; {} admits "
        "every namespace.",
    )


class EndpointStatus(ApiModel):
    """What the operator learned about the endpoint."""

    observed_generation: int = Field(
        default=-1, description="The generation of the spec last acted on; -1 before the first."
    )
    conditions: list[Condition] = Field(
        default_factory=list, description="Ready, Reconciling and Stalled."
    )
    server: str | None = Field(default=None, description="The Server header of the endpoint.")
    rendering: str | None = Field(default=None, description="The rendering in use.")
    os_templates: list[str] | None = Field(
        default=None, description="Terms of the OS templates the endpoint offers."
    )
    resource_templates: list[str] | None = Field(
        default=None, description="Terms of the resource templates the endpoint offers."
    )
    last_discovery_time: str | None = Field(
        default=None, description="When /-/ was last read (RFC 3339)."
    )


class OCCIEndpoint(ApiModel):
    """An OCCI endpoint usable by objects in its namespace."""

    api_version: Literal["occi.occi-operator.dev/v1alpha1"] = Field(
        default="occi.occi-operator.dev/v1alpha1", description="APIVersion of the object."
    )
    kind: Literal["OCCIEndpoint"] = Field(default="OCCIEndpoint", description="Kind.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Standard metadata.")
    spec: OCCIEndpointSpec = Field(description="The endpoint.")
    status: EndpointStatus | None = Field(default=None, description="The observed state.")


class ClusterOCCIEndpoint(ApiModel):
    """An OCCI endpoint usable from the namespaces its selector admits."""

    api_version: Literal["occi.occi-operator.dev/v1alpha1"] = Field(
        default="occi.occi-operator.dev/v1alpha1", description="APIVersion of the object."
    )
    kind: Literal["ClusterOCCIEndpoint"] = Field(
        default="ClusterOCCIEndpoint", description="Kind."
    )
    metadata: dict[str, Any] = Field(default_factory=dict, description="Standard metadata.")
    spec: ClusterOCCIEndpointSpec = Field(description="The endpoint.")
    status: EndpointStatus | None = Field(default=None, description="The observed state.")


def _columns(*first: PrinterColumn) -> tuple[PrinterColumn, ...]:
    return (
        *first,
        PrinterColumn("URL", ".spec.url", description="Base URL of the endpoint."),
        PrinterColumn("Auth", ".spec.auth", description="Authentication type."),
        READY,
        AGE,
        PrinterColumn("Rendering", ".status.rendering", description="Rendering in use.",
                      priority=1),
        PrinterColumn("Server", ".status.server", description="Server header.", priority=1),
        REASON,
    )


KIND_INFO = KindInfo(
    kind="OCCIEndpoint",
    plural="occiendpoints",
    singular="occiendpoint",
    short_names=("occiep", "oep"),
    scope=Scope.NAMESPACED,
    model=OCCIEndpoint,
    description="An OCCI endpoint and how to talk to it, for objects in its namespace.",
    columns=_columns(),
)
CLUSTER_KIND_INFO = KindInfo(
    kind="ClusterOCCIEndpoint",
    plural="clusterocciendpoints",
    singular="clusterocciendpoint",
    short_names=("cocciep", "coep"),
    scope=Scope.CLUSTER,
    model=ClusterOCCIEndpoint,
    description="An OCCI endpoint and how to talk to it, for the namespaces it admits.",
    columns=_columns(),
)
