"""NetworkInterface: a link from a Compute (source) to a Network (target)."""

from __future__ import annotations

from occi_operator.api.v1alpha1 import networkinterface as api
from occi_operator.occi import vocabulary as v
from occi_operator.occi.attributes import AttributeValue
from occi_operator.occi.entities import CORE_TITLE, Link, Resource
from occi_operator.reconciler.contract import (
    Adapter,
    FieldMapping,
    Observation,
    Reference,
    Resolved,
)

from ._common import attribute, state_of, text
from ._details import present

__all__ = ["NetworkInterfaceAdapter"]


def _lower(value: AttributeValue) -> AttributeValue:
    return value.lower() if isinstance(value, str) else value


def _link_ready(state: str | None) -> bool:
    # rOCCI renders links without a state: a link that exists is usable.
    return state is None or state == v.STATE_ACTIVE


class NetworkInterfaceAdapter(Adapter[api.NetworkInterfaceSpec]):
    """NetworkInterface ↔ ``infrastructure#networkinterface`` (+ ipnetworkinterface)."""

    info = api.KIND_INFO
    spec_model = api.NetworkInterfaceSpec
    occi_kind = v.NETWORKINTERFACE_KIND
    marker_attribute = CORE_TITLE
    references = (
        Reference("compute_ref", "Compute", role="source"),
        Reference("network_ref", "Network", role="target"),
    )
    fields = (
        FieldMapping("address", v.NETWORKINTERFACE_ADDRESS, mutable=True,
                     mixin=v.IPNETWORKINTERFACE_MIXIN),
        FieldMapping("allocation", v.NETWORKINTERFACE_ALLOCATION, mutable=True,
                     mixin=v.IPNETWORKINTERFACE_MIXIN),
        FieldMapping("mac", v.NETWORKINTERFACE_MAC, mutable=True, normalize=_lower),
    )

    def desired(self, spec: api.NetworkInterfaceSpec, resolved: Resolved) -> Link:
        """The link to create, from the Compute's location to the Network's."""
        attributes = self.base_attributes(spec)
        mixins = self.base_mixins(spec, resolved)
        if v.NETWORKINTERFACE_ADDRESS in attributes:
            attributes.setdefault(v.NETWORKINTERFACE_ALLOCATION, "static")
        return Link(
            kind=self.occi_kind,
            mixins=mixins,
            title=resolved.marker,
            source=resolved.references.get("compute_ref"),
            target=resolved.references.get("network_ref", ""),
            target_kind=v.NETWORK_KIND,
            attributes=attributes,
        )

    def connection_details(
        self, remote: Resource | Link, spec: api.NetworkInterfaceSpec
    ) -> dict[str, str]:
        """The interface's address, gateway, MAC and device name as the endpoint gave them."""
        return present(
            address=attribute(remote, v.NETWORKINTERFACE_ADDRESS),
            gateway=attribute(remote, v.NETWORKINTERFACE_GATEWAY),
            mac=attribute(remote, v.NETWORKINTERFACE_MAC),
            interface=attribute(remote, v.NETWORKINTERFACE_INTERFACE),
        )

    def observe(self, remote: Resource | Link, spec: api.NetworkInterfaceSpec) -> Observation:
        """Ready when active (or stateless)."""
        state, message = state_of(remote, v.NETWORKINTERFACE_STATE)
        link = remote if isinstance(remote, Link) else None
        return Observation(
            ready=_link_ready(state),
            message=f"The interface is {state}; waiting for active",
            failed=state == v.STATE_ERROR,
            state=state,
            state_message=message,
            status={
                "address": text(attribute(remote, v.NETWORKINTERFACE_ADDRESS)),
                "mac": text(attribute(remote, v.NETWORKINTERFACE_MAC)),
                "allocation": text(attribute(remote, v.NETWORKINTERFACE_ALLOCATION)),
                "interface": text(attribute(remote, v.NETWORKINTERFACE_INTERFACE)),
                "source": link.source if link else None,
                "target": link.target if link else None,
            },
        )
