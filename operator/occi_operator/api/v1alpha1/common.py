"""What every kind shares: lifecycle fields (after k-orc), references, conditions, status.

Spec shape of every managed kind::

    spec:
      endpointRef: {kind: OCCIEndpoint | ClusterOCCIEndpoint, name: …}
      managementPolicy: managed | unmanaged        # immutable
      managedOptions: {onDelete: delete | detach}  # managed only
      import: {location: … | filter: {…}}          # exactly one of the two
      resyncPeriod: 10m                            # per-object resync, optional
      writeConnectionSecretToRef: {name: …}        # connection details for pods, optional
      resource: {…}                                # the desired OCCI resource, per kind

Python names are snake_case; the camelCase of the CRD comes from the alias generator.
Descriptions are full sentences: ``kubectl explain`` shows them.
"""

from __future__ import annotations

import enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = [
    "ApiModel",
    "Condition",
    "ConditionReason",
    "ConditionStatus",
    "ConditionType",
    "ConnectionSecretRef",
    "ConnectionSecretStatus",
    "EndpointKind",
    "EndpointRef",
    "ImportFilter",
    "ImportSpec",
    "LinkStatus",
    "LocalRef",
    "ManagedOptions",
    "ManagementPolicy",
    "OnDelete",
    "ResourceStatus",
    "SecretKeyRef",
]

Duration = Annotated[
    str,
    Field(
        max_length=64,
        pattern=r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$",
        description="A duration such as 30s, 10m or 1h30m.",
    ),
]
K8sName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=253,
        pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
    ),
]


class ApiModel(BaseModel):
    """Base of every API model: camelCase aliases, unknown fields refused, by-name allowed."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        use_enum_values=False,
    )


class ManagementPolicy(enum.StrEnum):
    """Whether the operator may write to the endpoint (k-orc's managementPolicy)."""

    MANAGED = "managed"
    UNMANAGED = "unmanaged"


class OnDelete(enum.StrEnum):
    """What deleting the Kubernetes object does to the OCCI resource."""

    DELETE = "delete"
    DETACH = "detach"


class EndpointKind(enum.StrEnum):
    """The kinds that name an OCCI endpoint."""

    NAMESPACED = "OCCIEndpoint"
    CLUSTER = "ClusterOCCIEndpoint"


class LocalRef(ApiModel):
    """A reference to an object of a known kind in the same namespace."""

    name: K8sName = Field(description="Name of the object in the same namespace.")


class SecretKeyRef(ApiModel):
    """A key of a Secret in the same namespace."""

    name: K8sName = Field(description="Name of the Secret in the same namespace.")
    key: str = Field(min_length=1, max_length=253, description="Key within the Secret's data.")


class ConnectionSecretRef(ApiModel):
    """The Secret in the same namespace that receives an object's connection details."""

    name: K8sName = Field(
        description="Name of the Secret, in the object's namespace (a DNS-1123 subdomain). "
        "The operator creates it, or updates one it created for this object; it refuses "
        "a Secret it did not create."
    )


class ConnectionSecretStatus(ApiModel):
    """The connection Secret as last written: its name and a digest of its content."""

    name: str = Field(description="Name of the Secret the connection details were written to.")
    hash: str = Field(
        description="A digest of the Secret's content (never the values): it changes when "
        "the connection details change."
    )


class EndpointRef(ApiModel):
    """The OCCI endpoint an object lives on."""

    kind: EndpointKind = Field(
        default=EndpointKind.NAMESPACED,
        description="OCCIEndpoint (same namespace) or ClusterOCCIEndpoint (cluster-wide, "
        "usable only from namespaces its namespaceSelector admits).",
    )
    name: K8sName = Field(description="Name of the endpoint object.")


class ManagedOptions(ApiModel):
    """Options that apply only to managed objects."""

    on_delete: OnDelete = Field(
        default=OnDelete.DELETE,
        description="delete removes the OCCI resource with the object; detach leaves it.",
    )


class ImportFilter(ApiModel):
    """Select an existing OCCI resource by what it carries; exactly one must match."""

    # The bounds keep the CEL cost of ``import`` immutability within the server's budget.
    title: str | None = Field(
        default=None, max_length=255, description="occi.core.title of the resource."
    )
    attributes: dict[str, Annotated[str, Field(max_length=4096)]] | None = Field(
        default=None,
        max_length=32,
        description="OCCI attributes the resource must carry, name to value (as text).",
    )
    mixins: list[Annotated[str, Field(max_length=2048)]] | None = Field(
        default=None, max_length=32, description="Mixin type identifiers the resource must carry."
    )


class ImportSpec(ApiModel):
    """Adopt an existing OCCI resource instead of creating one."""

    location: str | None = Field(
        default=None,
        min_length=1,
        max_length=2048,
        description="Location (absolute URL or path) of the existing OCCI resource.",
    )
    filter: ImportFilter | None = Field(
        default=None, description="A filter that must match exactly one existing resource."
    )


class ConditionType(enum.StrEnum):
    """The condition types every object carries (kstatus-compatible)."""

    READY = "Ready"
    RECONCILING = "Reconciling"
    STALLED = "Stalled"


class ConditionStatus(enum.StrEnum):
    """metav1.Condition status."""

    TRUE = "True"
    FALSE = "False"
    UNKNOWN = "Unknown"


class ConditionReason(enum.StrEnum):
    """Why a condition is what it is, grouped by what the user must do (after k-orc)."""

    SUCCESS = "Success"
    PROGRESSING = "Progressing"
    WAITING_FOR_DEPENDENCY = "WaitingForDependency"
    TRANSIENT_ERROR = "TransientError"
    INVALID_CONFIGURATION = "InvalidConfiguration"
    ENDPOINT_UNAUTHORIZED = "EndpointUnauthorized"
    UNRECOVERABLE_ERROR = "UnrecoverableError"
    DELETING = "Deleting"
    PAUSED = "Paused"


class Condition(ApiModel):
    """A metav1.Condition."""

    type: str = Field(description="Condition type: Ready, Reconciling or Stalled.")
    status: ConditionStatus = Field(description="True, False or Unknown.")
    reason: str = Field(description="A CamelCase reason, see the troubleshooting guide.")
    message: str = Field(default="", description="Human-readable detail.")
    last_transition_time: str = Field(description="When the status last changed (RFC 3339).")
    observed_generation: int | None = Field(
        default=None, description="The generation of the spec this condition describes."
    )


class LinkStatus(ApiModel):
    """A link of the OCCI resource as observed."""

    location: str = Field(description="Location of the link.")
    kind: str = Field(description="Type identifier of the link's kind.")
    target: str = Field(description="Location of the link's target.")
    state: str | None = Field(default=None, description="occi.*.state of the link, if any.")


class ResourceStatus(ApiModel):
    """The status every kind shares; kinds extend it with their own observed fields."""

    observed_generation: int = Field(
        default=-1, description="The generation of the spec last acted on; -1 before the first."
    )
    conditions: list[Condition] = Field(
        default_factory=list, description="Ready, Reconciling and Stalled."
    )
    location: str | None = Field(
        default=None, description="Absolute location of the OCCI resource on its endpoint."
    )
    state: str | None = Field(default=None, description="The OCCI state (e.g. active).")
    state_message: str | None = Field(default=None, description="The OCCI state message.")
    attributes: dict[str, str] | None = Field(
        default=None, description="The remote OCCI attributes, as text (a mirror)."
    )
    links: list[LinkStatus] | None = Field(
        default=None, description="The links of the OCCI resource."
    )
    last_sync_time: str | None = Field(
        default=None, description="When the remote resource was last read (RFC 3339)."
    )
    create_pending: str | None = Field(
        default=None,
        description="Set just before a create is sent and cleared once its outcome is "
        "recorded: a marker of the create in flight, used to adopt instead of duplicating "
        "after a crash.",
    )
    transition_since: str | None = Field(
        default=None,
        description="When the operator created the OCCI resource or triggered an action "
        "whose effect it has not seen yet (RFC 3339); cleared once the state changes.",
    )
    transition_from: str | None = Field(
        default=None,
        description="The OCCI state the resource was in at transitionSince (after a create: "
        "the kind's initial state). While the resource stays in it, for at most the "
        "operator's transition grace, the operator waits instead of acting again: a cloud "
        "that is still provisioning reports a new machine as inactive.",
    )
    last_reconcile_request: str | None = Field(
        default=None,
        description="The value of the occi.occi-operator.dev/reconcile-requested-at "
        "annotation the operator last handled: when it equals the annotation, the "
        "requested reconcile has run.",
    )
    connection_secret: ConnectionSecretStatus | None = Field(
        default=None,
        description="The Secret named by spec.writeConnectionSecretToRef, as last written "
        "(name and a digest of the content; the values stay in the Secret).",
    )
