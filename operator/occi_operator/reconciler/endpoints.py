"""One shared OCCI client per endpoint object, with that endpoint's limits and credentials.

:class:`EndpointPool` turns an object's ``endpointRef`` into an
:class:`~occi_operator.occi.client.OCCIClient`. The endpoint object and its credentials
Secret are read on every lease (a GET each), so a rotated Secret is used at once without a
restart; the client is rebuilt only when the endpoint's spec (its generation) or a
Secret's resourceVersion changed, so connections and the rate limiter are shared by every
object of the endpoint. A ClusterOCCIEndpoint is usable only from namespaces its
``namespaceSelector`` admits; its Secrets live in the operator's namespace.

Secrets never reach a log line, an event or a status: credentials are ``SecretStr`` models,
messages name the Secret and the missing key, never a value. PEM material for TLS is
written to files in a private directory (mode 0600) that the pool owns.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr, ValidationError

from occi_operator.api.v1alpha1.common import ConditionReason, EndpointKind, EndpointRef
from occi_operator.api.v1alpha1.endpoint import (
    CLUSTER_KIND_INFO,
    KIND_INFO,
    AuthType,
    ClusterOCCIEndpointSpec,
    OCCIEndpointSpec,
)
from occi_operator.api.v1alpha1.labels import LabelSelector, LabelSelectorOperator
from occi_operator.occi.client import (
    BasicCredentials,
    BearerCredentials,
    Credentials,
    EndpointConfig,
    KeystoneApplicationCredentials,
    KeystonePasswordCredentials,
    NoCredentials,
    OCCIClient,
    RequestObserver,
    TokenCredentials,
)

from .kube import KubeApi, KubeNotFoundError, KubeObject, SecretData, custom
from .outcome import Outcome, OutcomeError

__all__ = [
    "CLUSTER_ENDPOINTS",
    "ENDPOINTS",
    "EndpointLease",
    "EndpointPool",
    "endpoint_label",
    "selector_matches",
]

logger = logging.getLogger("occi_operator.reconciler.endpoints")

ENDPOINTS = custom(KIND_INFO.plural, KIND_INFO.kind)
CLUSTER_ENDPOINTS = custom(CLUSTER_KIND_INFO.plural, CLUSTER_KIND_INFO.kind, namespaced=False)

ClientFactory = Callable[[EndpointConfig], OCCIClient]
#: The request observer of an endpoint object, from its label (see :func:`endpoint_label`).
ObserverFactory = Callable[[str], RequestObserver]


def endpoint_label(kind: str, namespace: str, name: str) -> str:
    """How metrics name an endpoint object: ``namespace/name``, or ``name`` when cluster-wide."""
    return name if kind == EndpointKind.CLUSTER.value else f"{namespace}/{name}"


@dataclass(frozen=True)
class EndpointLease:
    """An endpoint ready for use: its client, its object, the Secrets it reads."""

    client: OCCIClient
    endpoint: KubeObject
    #: The endpoint's defaultResyncPeriod; None: the operator's setting applies.
    default_resync_period: str | None
    #: (namespace, name) of each Secret the endpoint reads (credentials, CA).
    secrets: tuple[tuple[str, str], ...]


def selector_matches(selector: LabelSelector, labels: Mapping[str, str]) -> bool:
    """Whether ``labels`` satisfy a metav1.LabelSelector ({} matches everything)."""
    for key, value in (selector.match_labels or {}).items():
        if labels.get(key) != value:
            return False
    for requirement in selector.match_expressions or ():
        present = requirement.key in labels
        values = requirement.values or []
        operator = requirement.operator
        if operator is LabelSelectorOperator.IN and labels.get(requirement.key) not in values:
            return False
        excluded = present and labels[requirement.key] in values
        if operator is LabelSelectorOperator.NOT_IN and excluded:
            return False
        if operator is LabelSelectorOperator.EXISTS and not present:
            return False
        if operator is LabelSelectorOperator.DOES_NOT_EXIST and present:
            return False
    return True


def _waiting(message: str) -> OutcomeError:
    return OutcomeError(
        Outcome.waiting(message, 30.0, reason=ConditionReason.WAITING_FOR_DEPENDENCY)
    )


def _invalid(message: str) -> OutcomeError:
    return OutcomeError(Outcome.terminal(message))


class EndpointPool:
    """Leases clients of endpoint objects; see the module docstring."""

    def __init__(
        self,
        kube: KubeApi,
        *,
        operator_namespace: str = "default",
        client_factory: ClientFactory = OCCIClient,
        observers: ObserverFactory | None = None,
    ) -> None:
        self._kube = kube
        self._operator_namespace = operator_namespace
        self._factory = client_factory
        self._observers = observers
        #: Leases not yet released, per client (OCCIClient hashes by identity).
        self._holders: dict[OCCIClient, int] = {}
        self._clients: dict[tuple[str, str, str], tuple[tuple[Any, ...], OCCIClient]] = {}
        self._files = tempfile.TemporaryDirectory(prefix="occi-operator-tls-")
        self._resync_periods: dict[tuple[str, str, str], str | None] = {}
        self._retired: list[OCCIClient] = []

    def _key(self, namespace: str, ref: EndpointRef) -> tuple[str, str, str]:
        cluster = ref.kind is EndpointKind.CLUSTER
        return (ref.kind.value, "" if cluster else namespace, ref.name)

    def known_resync_period(self, namespace: str, ref: EndpointRef) -> str | None:
        """The endpoint's defaultResyncPeriod as last leased (None before the first lease)."""
        return self._resync_periods.get(self._key(namespace, ref))

    async def aclose(self) -> None:
        """Close every client and remove the PEM files."""
        for client in [*self._retired, *(client for _, client in self._clients.values())]:
            await client.aclose()
        self._clients.clear()
        self._retired.clear()
        self._holders.clear()
        self._files.cleanup()

    @property
    def retired(self) -> tuple[OCCIClient, ...]:
        """Clients replaced by a newer one and still leased (closed on their last release)."""
        return tuple(self._retired)

    async def release(self, lease: EndpointLease) -> None:
        """Hand back ``lease`` (exactly once): a retired client closes with its last lease."""
        client = lease.client
        count = self._holders.get(client, 0) - 1
        if count > 0:
            self._holders[client] = count
            return
        self._holders.pop(client, None)
        if any(client is old for old in self._retired):
            self._retired = [old for old in self._retired if old is not client]
            await client.aclose()

    async def _retire(self, client: OCCIClient) -> None:
        # Passes under way may still hold the old client: it closes with their last lease.
        if self._holders.get(client, 0) > 0:
            self._retired.append(client)
        else:
            await client.aclose()

    async def lease(self, namespace: str, ref: EndpointRef) -> EndpointLease:
        """The client for ``ref`` as seen from ``namespace``; OutcomeError when unusable."""
        cluster = ref.kind is EndpointKind.CLUSTER
        rtype = CLUSTER_ENDPOINTS if cluster else ENDPOINTS
        try:
            endpoint = await self._kube.get(rtype, None if cluster else namespace, ref.name)
        except KubeNotFoundError:
            raise _waiting(f"Waiting for {ref.kind.value}/{ref.name} to exist") from None
        return await self._lease(endpoint, ref, namespace)

    async def lease_endpoint(self, endpoint: KubeObject) -> EndpointLease:
        """The client of an endpoint object itself (no namespace selector applies)."""
        kind = EndpointKind(endpoint.type.kind)
        return await self._lease(endpoint, EndpointRef(kind=kind, name=endpoint.name), None)

    async def _lease(
        self, endpoint: KubeObject, ref: EndpointRef, namespace: str | None
    ) -> EndpointLease:
        cluster = ref.kind is EndpointKind.CLUSTER
        spec: OCCIEndpointSpec
        try:
            if cluster:
                cluster_spec = ClusterOCCIEndpointSpec.model_validate(dict(endpoint.spec))
                if namespace is not None and not selector_matches(
                    cluster_spec.namespace_selector, await self._kube.namespace_labels(namespace)
                ):
                    raise _invalid(
                        f"ClusterOCCIEndpoint/{ref.name} does not admit namespace {namespace} "
                        "(see its namespaceSelector)"
                    )
                spec = cluster_spec
            else:
                spec = OCCIEndpointSpec.model_validate(dict(endpoint.spec))
        except ValidationError as exc:
            raise _invalid(f"{ref.kind.value}/{ref.name} has an invalid spec: "
                           f"{exc.error_count()} error(s)") from None
        home = endpoint.namespace or ""
        secret_namespace = self._operator_namespace if cluster else home
        credentials_secret, ca_secret = await self._secrets(spec, secret_namespace, ref)
        fingerprint = (
            endpoint.uid,
            # The spec itself, not the generation: a deletion bumps the generation too.
            json.dumps(dict(endpoint.spec), sort_keys=True, default=str),
            credentials_secret.resource_version if credentials_secret else None,
            ca_secret.resource_version if ca_secret else None,
        )
        key = self._key(home, ref)
        self._resync_periods[key] = spec.default_resync_period
        cached = self._clients.get(key)
        if cached is None or cached[0] != fingerprint:
            config = self._config(spec, credentials_secret, ca_secret, ref)
            if self._observers is not None:
                observer = self._observers(endpoint_label(*key))
                config = config.model_copy(update={"observer": observer})
            if cached is not None:
                logger.info("endpoint %s/%s changed; building a new client", *key[1:])
                await self._retire(cached[1])
            self._clients[key] = (fingerprint, self._factory(config))
        client = self._clients[key][1]
        self._holders[client] = self._holders.get(client, 0) + 1
        secrets = tuple(
            (secret_namespace, secret.name)
            for secret in (credentials_secret, ca_secret)
            if secret is not None
        )
        return EndpointLease(
            client=client,
            endpoint=endpoint,
            default_resync_period=spec.default_resync_period,
            secrets=secrets,
        )

    async def _secrets(
        self, spec: OCCIEndpointSpec, namespace: str, ref: EndpointRef
    ) -> tuple[SecretData | None, SecretData | None]:
        names = [
            spec.credentials_secret_ref.name if spec.credentials_secret_ref else None,
            spec.ca_secret_ref.name if spec.ca_secret_ref else None,
        ]
        found: list[SecretData | None] = []
        for name in names:
            if name is None:
                found.append(None)
                continue
            try:
                found.append(await self._kube.get_secret(namespace, name))
            except KubeNotFoundError:
                raise _waiting(
                    f"Waiting for Secret {namespace}/{name} of {ref.kind.value}/{ref.name}"
                ) from None
        return found[0], found[1]

    def _pem_file(self, content: bytes, suffix: str) -> Path:
        digest = hashlib.sha256(content).hexdigest()[:24]
        path = Path(self._files.name) / f"{digest}{suffix}"
        if not path.exists():
            path.touch(mode=0o600)
            path.write_bytes(content)
        return path

    def _config(
        self,
        spec: OCCIEndpointSpec,
        credentials: SecretData | None,
        ca: SecretData | None,
        ref: EndpointRef,
    ) -> EndpointConfig:
        options: dict[str, Any] = {
            "url": spec.url,
            "rendering": spec.preferred_rendering.value,
            "memory_unit": spec.memory_unit,
            "verify": not spec.insecure_skip_verify,
        }
        if spec.limits is not None:
            options.update(
                max_concurrency=spec.limits.max_concurrent_requests,
                rate=spec.limits.requests_per_second,
                burst=spec.limits.burst,
            )
        if spec.ca_bundle:
            options["ca_bundle"] = self._pem_file(spec.ca_bundle.encode(), ".ca.pem")
        if ca is not None and spec.ca_secret_ref is not None:
            pem = ca.data.get(spec.ca_secret_ref.key)
            if pem is None:
                raise _invalid(f"Secret {ca.name} has no key {spec.ca_secret_ref.key!r} "
                               f"(the CA of {ref.kind.value}/{ref.name})")
            options["ca_bundle"] = self._pem_file(pem, ".ca.pem")
        options["auth"] = self._credentials(spec, credentials, ref, options)
        try:
            return EndpointConfig(**options)
        except ValidationError as exc:
            raise _invalid(f"{ref.kind.value}/{ref.name} cannot be used: "
                           f"{exc.error_count()} invalid setting(s)") from None

    def _credentials(
        self,
        spec: OCCIEndpointSpec,
        secret: SecretData | None,
        ref: EndpointRef,
        options: dict[str, Any],
    ) -> Credentials:
        if spec.auth is AuthType.NONE or secret is None:
            return NoCredentials()

        def key(name: str) -> str:
            value = secret.data.get(name)
            if value is None:
                raise _invalid(f"Secret {secret.name} has no key {name!r}, which auth "
                               f"{spec.auth.value} of {ref.kind.value}/{ref.name} needs")
            return value.decode("utf-8", errors="replace").strip()

        keystone = spec.keystone.model_dump() if spec.keystone else {}
        if spec.auth is AuthType.BASIC:
            return BasicCredentials(username=key("username"), password=SecretStr(key("password")))
        if spec.auth is AuthType.BEARER:
            return BearerCredentials(token=SecretStr(key("token")))
        if spec.auth is AuthType.TOKEN:
            return TokenCredentials(token=SecretStr(key("token")))
        if spec.auth is AuthType.KEYSTONE_PASSWORD:
            return KeystonePasswordCredentials(
                username=key("username"), password=SecretStr(key("password")), **keystone
            )
        if spec.auth is AuthType.KEYSTONE_APPLICATION_CREDENTIAL:
            return KeystoneApplicationCredentials(
                credential_id=key("applicationCredentialId"),
                secret=SecretStr(key("applicationCredentialSecret")),
                auth_url=keystone.get("auth_url"),
            )
        # x509: the certificate (and key) act below HTTP, in TLS.
        options["client_cert"] = self._pem_file(key("tls.crt").encode(), ".crt.pem")
        if "tls.key" in secret.data:
            options["client_key"] = self._pem_file(secret.data["tls.key"], ".key.pem")
        if "tls.key.password" in secret.data:
            options["client_key_password"] = SecretStr(key("tls.key.password"))
        return NoCredentials()
