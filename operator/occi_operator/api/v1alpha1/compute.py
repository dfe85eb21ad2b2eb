"""The Compute kind: a virtual machine (OCCI ``infrastructure#compute``).

Shape (cores, memory, resource template) is separate from the desired power state (after
KubeVirt's ``runStrategy``): ``powerState`` maps onto the start / stop / suspend actions and
``restartRequest`` onto one restart per new value. ``memory`` is a Kubernetes quantity,
converted to the GiB of ``occi.compute.memory`` by :func:`~.quantity.to_gib`
(``4Gi`` → 4, ``512Mi`` → 0.5, ``2G`` → 1.86…). Templates are named by term or title and
resolved through the endpoint's query interface ``/-/``.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any, Literal

from pydantic import Field

from occi_operator.occi import vocabulary

from .common import ApiModel, ResourceStatus, SecretKeyRef
from .kindinfo import KindInfo, PrinterColumn, Scope, standard_columns
from .lifecycle import LifecycleSpec
from .quantity import Quantity
from .rules import IMMUTABLE

__all__ = [
    "KIND_INFO",
    "Architecture",
    "Compute",
    "ComputeResourceSpec",
    "ComputeSpec",
    "ComputeStatus",
    "PowerState",
]

HOSTNAME_PATTERN = (
    r"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*$"
)
TEMPLATE_NAME = r"^[^\s]+( [^\s]+)*$"
SshPublicKey = Annotated[
    str, Field(min_length=1, max_length=16384, pattern=r"^(ssh|ecdsa|sk)-[^\s]+ [^\s]+")
]


class Architecture(enum.StrEnum):
    """CPU architecture, as ``occi.compute.architecture`` names it."""

    X86 = "x86"
    X64 = "x64"


class PowerState(enum.StrEnum):
    """The desired power state of a virtual machine."""

    RUNNING = "Running"
    STOPPED = "Stopped"
    SUSPENDED = "Suspended"


class ComputeResourceSpec(ApiModel):
    """The desired virtual machine."""

    title: str | None = Field(
        default=None,
        max_length=255,
        description="Display name (occi.core.title); defaults to the object's name.",
    )
    cores: int | None = Field(
        default=None,
        ge=1,
        le=1024,
        description="Number of virtual CPU cores (occi.compute.cores); when empty, the "
        "resource template decides.",
    )
    memory: Quantity | None = Field(
        default=None,
        description="Memory as a Kubernetes quantity such as 4Gi or 512Mi, sent to OCCI in "
        "GiB (occi.compute.memory: 4Gi is 4, 512Mi is 0.5, 2G is about 1.86); when empty, "
        "the resource template decides.",
    )
    architecture: Architecture | None = Field(
        default=None,
        description="CPU architecture (occi.compute.architecture): x86 or x64. Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    hostname: str | None = Field(
        default=None,
        max_length=253,
        pattern=HOSTNAME_PATTERN,
        description="Host name of the machine (occi.compute.hostname).",
    )
    os_template: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        pattern=TEMPLATE_NAME,
        description="OS template (an os_tpl mixin) by term or title, such as debian-12, "
        "resolved through the endpoint's /-/. Immutable: a new image means a new machine.",
        json_schema_extra=IMMUTABLE,
    )
    resource_template: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        pattern=TEMPLATE_NAME,
        description="Resource template (a resource_tpl mixin, the flavour) by term or title, "
        "such as small, resolved through /-/. Changing it resizes the machine.",
    )
    user_data_secret_ref: SecretKeyRef | None = Field(
        default=None,
        description="Secret key holding the cloud-init user data, passed through the "
        "user_data mixin at creation. Immutable: it is only read on first boot.",
        json_schema_extra=IMMUTABLE,
    )
    ssh_public_keys: list[SshPublicKey] | None = Field(
        default=None,
        max_length=16,
        description="SSH public keys installed at creation (ssh_key mixin), one per entry "
        "in OpenSSH format. Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    power_state: PowerState = Field(
        default=PowerState.RUNNING,
        description="Desired power state: Running (start), Stopped (stop) or Suspended "
        "(suspend), reached through OCCI actions.",
    )
    restart_request: str | None = Field(
        default=None,
        max_length=253,
        description="An opaque value such as a timestamp: each time it changes, the "
        "operator restarts the machine once and echoes the handled value in "
        "status.lastRestartRequest.",
    )


class ComputeSpec(LifecycleSpec):
    """The desired state of a Compute."""

    resource: ComputeResourceSpec | None = Field(
        default=None,
        description="The virtual machine to create and keep in shape (managed objects).",
    )


class ComputeStatus(ResourceStatus):
    """The observed state of a Compute."""

    cores: int | None = Field(default=None, description="Observed number of cores.")
    memory: str | None = Field(
        default=None, description="Observed memory as a quantity, such as 4Gi."
    )
    architecture: str | None = Field(default=None, description="Observed architecture.")
    hostname: str | None = Field(default=None, description="Observed host name.")
    os_template: str | None = Field(
        default=None, description="Term of the OS template the machine carries."
    )
    resource_template: str | None = Field(
        default=None, description="Term of the resource template the machine carries."
    )
    power_state: PowerState | None = Field(
        default=None, description="Power state derived from the OCCI state."
    )
    last_restart_request: str | None = Field(
        default=None, description="The last spec.resource.restartRequest that was handled."
    )


class Compute(ApiModel):
    """A virtual machine on an OCCI endpoint."""

    api_version: Literal["occi.occi-operator.dev/v1alpha1"] = Field(
        default="occi.occi-operator.dev/v1alpha1", description="APIVersion of the object."
    )
    kind: Literal["Compute"] = Field(default="Compute", description="Kind of the object.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Standard metadata.")
    spec: ComputeSpec = Field(description="The desired state.")
    status: ComputeStatus | None = Field(default=None, description="The observed state.")


KIND_INFO = KindInfo(
    kind="Compute",
    plural="computes",
    singular="compute",
    short_names=("occicomp", "ocomp"),
    scope=Scope.NAMESPACED,
    model=Compute,
    occi_kind=vocabulary.COMPUTE_KIND,
    description="A virtual machine on an OCCI endpoint (infrastructure#compute).",
    columns=standard_columns(
        PrinterColumn("Power", ".status.powerState", description="Observed power state."),
        PrinterColumn("Cores", ".status.cores", type="integer", description="Observed cores."),
        PrinterColumn("Memory", ".status.memory", description="Observed memory."),
        PrinterColumn("Endpoint", ".spec.endpointRef.name", description="The endpoint."),
    ),
)
