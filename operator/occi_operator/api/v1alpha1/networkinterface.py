"""The NetworkInterface kind: a link from a Compute to a Network (``networkinterface``).

Both ends are named by objects in the same namespace and are immutable: moving an
interface is a new interface. ``address`` and ``allocation`` become the
``ipnetworkinterface`` mixin.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from occi_operator.occi import vocabulary

from .common import ApiModel, LocalRef, ResourceStatus
from .kindinfo import KindInfo, PrinterColumn, Scope, standard_columns
from .lifecycle import LifecycleSpec
from .network import Allocation, is_ip
from .rules import IMMUTABLE, Rule, RuledModel

__all__ = [
    "KIND_INFO",
    "MAC_PATTERN",
    "NetworkInterface",
    "NetworkInterfaceResourceSpec",
    "NetworkInterfaceSpec",
    "NetworkInterfaceStatus",
]

MAC_PATTERN = r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$"


class NetworkInterfaceResourceSpec(RuledModel):
    """The desired link between a Compute and a Network."""

    cel_rules = (
        Rule(
            cel="!has(self.address) || isIP(self.address)",
            message="address must be an IP address",
            check=lambda nic: nic.address is None or is_ip(nic.address),
            field_path=".address",
        ),
        Rule(
            cel="!has(self.allocation) || self.allocation != 'static' || has(self.address)",
            message="allocation static requires an address",
            check=lambda nic: nic.allocation != Allocation.STATIC or nic.address is not None,
            field_path=".address",
        ),
    )

    compute_ref: LocalRef = Field(
        description="The Compute this interface belongs to (the link's source). Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    network_ref: LocalRef = Field(
        description="The Network this interface connects to (the link's target). Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    address: str | None = Field(
        default=None,
        max_length=39,
        description="IP address of the interface (occi.networkinterface.address); required "
        "with static allocation.",
    )
    allocation: Allocation | None = Field(
        default=None,
        description="dynamic or static (occi.networkinterface.allocation); when empty, the "
        "endpoint decides.",
    )
    mac: str | None = Field(
        default=None,
        pattern=MAC_PATTERN,
        max_length=17,
        description="MAC address, such as 52:54:00:12:34:56 (occi.networkinterface.mac).",
    )


class NetworkInterfaceSpec(LifecycleSpec):
    """The desired state of a NetworkInterface."""

    resource: NetworkInterfaceResourceSpec | None = Field(
        default=None, description="The link to create and keep in shape (managed objects)."
    )


class NetworkInterfaceStatus(ResourceStatus):
    """The observed state of a NetworkInterface."""

    address: str | None = Field(default=None, description="Observed IP address.")
    mac: str | None = Field(default=None, description="Observed MAC address.")
    allocation: str | None = Field(default=None, description="Observed allocation.")
    interface: str | None = Field(
        default=None, description="Name of the interface on the machine, such as eth0."
    )
    source: str | None = Field(default=None, description="Location of the Compute.")
    target: str | None = Field(default=None, description="Location of the Network.")


class NetworkInterface(ApiModel):
    """A network interface linking a Compute to a Network on an OCCI endpoint."""

    api_version: Literal["occi.occi-operator.dev/v1alpha1"] = Field(
        default="occi.occi-operator.dev/v1alpha1", description="APIVersion of the object."
    )
    kind: Literal["NetworkInterface"] = Field(
        default="NetworkInterface", description="Kind of the object."
    )
    metadata: dict[str, Any] = Field(default_factory=dict, description="Standard metadata.")
    spec: NetworkInterfaceSpec = Field(description="The desired state.")
    status: NetworkInterfaceStatus | None = Field(
        default=None, description="The observed state."
    )


KIND_INFO = KindInfo(
    kind="NetworkInterface",
    plural="networkinterfaces",
    singular="networkinterface",
    short_names=("occinic", "onic"),
    scope=Scope.NAMESPACED,
    model=NetworkInterface,
    occi_kind=vocabulary.NETWORKINTERFACE_KIND,
    description="A link from a Compute to a Network (infrastructure#networkinterface).",
    columns=standard_columns(
        PrinterColumn("Address", ".status.address", description="Observed IP address."),
        PrinterColumn("MAC", ".status.mac", description="Observed MAC address."),
        PrinterColumn("Compute", ".spec.resource.computeRef.name", description="The Compute."),
        PrinterColumn("Network", ".spec.resource.networkRef.name", description="The Network."),
        PrinterColumn("Endpoint", ".spec.endpointRef.name", description="The endpoint."),
    ),
)
