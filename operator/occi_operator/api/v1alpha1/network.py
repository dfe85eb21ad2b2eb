"""The Network kind: an OCCI network (``infrastructure#network``), with its IP mixin.

``ipNetwork`` becomes the ``ipnetwork`` mixin (``occi.network.address``,
``occi.network.gateway``, ``occi.network.allocation``); its CIDR is immutable, since an
address range cannot be renumbered under the machines attached to it.
"""

from __future__ import annotations

import enum
import ipaddress
from typing import Any, Literal

from pydantic import Field

from occi_operator.occi import vocabulary

from .common import ApiModel, ResourceStatus
from .kindinfo import KindInfo, PrinterColumn, Scope, standard_columns
from .lifecycle import LifecycleSpec
from .rules import IMMUTABLE, Rule, RuledModel

__all__ = [
    "KIND_INFO",
    "Allocation",
    "IPNetwork",
    "Network",
    "NetworkResourceSpec",
    "NetworkSpec",
    "NetworkStatus",
    "is_cidr",
    "is_ip",
]


class Allocation(enum.StrEnum):
    """How addresses are handed out (occi.network.allocation and its interface twin)."""

    DYNAMIC = "dynamic"
    STATIC = "static"


def is_cidr(value: str) -> bool:
    """Whether ``value`` is an IPv4 or IPv6 prefix such as 10.0.0.0/24 (CEL ``isCIDR``)."""
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return "/" in value


def is_ip(value: str) -> bool:
    """Whether ``value`` is an IPv4 or IPv6 address (CEL ``isIP``)."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _gateway_inside(net: Any) -> bool:
    if net.gateway is None or not is_cidr(net.cidr) or not is_ip(net.gateway):
        return True
    return ipaddress.ip_address(net.gateway) in ipaddress.ip_network(net.cidr, strict=False)


class IPNetwork(RuledModel):
    """The IP layer of a network (the ipnetwork mixin)."""

    cel_rules = (
        Rule(
            cel="isCIDR(self.cidr)",
            message="ipNetwork.cidr must be an IP prefix such as 10.0.0.0/24",
            check=lambda net: is_cidr(net.cidr),
            field_path=".cidr",
        ),
        Rule(
            cel="!has(self.gateway) || isIP(self.gateway)",
            message="ipNetwork.gateway must be an IP address",
            check=lambda net: net.gateway is None or is_ip(net.gateway),
            field_path=".gateway",
        ),
        Rule(
            cel="!has(self.gateway) || !isCIDR(self.cidr) || !isIP(self.gateway) || "
            "cidr(self.cidr).containsIP(self.gateway)",
            message="ipNetwork.gateway must lie inside ipNetwork.cidr",
            check=_gateway_inside,
            field_path=".gateway",
        ),
    )

    cidr: str = Field(
        min_length=3,
        max_length=43,
        description="Address range in CIDR notation (occi.network.address), such as "
        "10.0.0.0/24. Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    gateway: str | None = Field(
        default=None,
        max_length=39,
        description="Gateway address inside the range (occi.network.gateway).",
    )
    allocation: Allocation = Field(
        default=Allocation.DYNAMIC,
        description="dynamic (DHCP) or static address allocation (occi.network.allocation).",
    )


class NetworkResourceSpec(ApiModel):
    """The desired network."""

    title: str | None = Field(
        default=None,
        max_length=255,
        description="Display name (occi.core.title); defaults to the object's name.",
    )
    vlan: int | None = Field(
        default=None, ge=0, le=4095, description="802.1Q VLAN tag (occi.network.vlan)."
    )
    label: str | None = Field(
        default=None,
        max_length=255,
        description="A token naming the network on the provider (occi.network.label).",
    )
    ip_network: IPNetwork | None = Field(
        default=None, description="IP settings; when set, the ipnetwork mixin is applied."
    )


class NetworkSpec(LifecycleSpec):
    """The desired state of a Network."""

    resource: NetworkResourceSpec | None = Field(
        default=None, description="The network to create and keep in shape (managed objects)."
    )


class NetworkStatus(ResourceStatus):
    """The observed state of a Network."""

    vlan: int | None = Field(default=None, description="Observed VLAN tag.")
    label: str | None = Field(default=None, description="Observed label.")
    cidr: str | None = Field(default=None, description="Observed address range.")
    gateway: str | None = Field(default=None, description="Observed gateway.")
    allocation: str | None = Field(default=None, description="Observed allocation.")


class Network(ApiModel):
    """A network on an OCCI endpoint."""

    api_version: Literal["occi.occi-operator.dev/v1alpha1"] = Field(
        default="occi.occi-operator.dev/v1alpha1", description="APIVersion of the object."
    )
    kind: Literal["Network"] = Field(default="Network", description="Kind of the object.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Standard metadata.")
    spec: NetworkSpec = Field(description="The desired state.")
    status: NetworkStatus | None = Field(default=None, description="The observed state.")


KIND_INFO = KindInfo(
    kind="Network",
    plural="networks",
    singular="network",
    short_names=("occinet", "onet"),
    scope=Scope.NAMESPACED,
    model=Network,
    occi_kind=vocabulary.NETWORK_KIND,
    description="A network on an OCCI endpoint (infrastructure#network).",
    columns=standard_columns(
        PrinterColumn("CIDR", ".status.cidr", description="Observed address range."),
        PrinterColumn("VLAN", ".status.vlan", type="integer", description="Observed VLAN."),
        PrinterColumn("Endpoint", ".spec.endpointRef.name", description="The endpoint."),
    ),
)
