"""Network: an OCCI network and its IP layer (the ipnetwork mixin)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from occi_operator.api.v1alpha1 import network as api
from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import ActionInvocation, Link, Resource
from occi_operator.occi.states import actions_in_state
from occi_operator.reconciler.contract import (
    ActionStep,
    Adapter,
    FieldMapping,
    Observation,
    Resolved,
)

from ._common import attribute, state_of, text
from ._details import present

__all__ = ["NetworkAdapter"]


class NetworkAdapter(Adapter[api.NetworkSpec]):
    """Network ↔ ``infrastructure#network`` (+ ``network#ipnetwork``)."""

    info = api.KIND_INFO
    spec_model = api.NetworkSpec
    occi_kind = v.NETWORK_KIND
    fields = (
        FieldMapping("vlan", v.NETWORK_VLAN, mutable=True),
        FieldMapping("label", v.NETWORK_LABEL, mutable=True),
        FieldMapping("ip_network.cidr", v.NETWORK_ADDRESS, mutable=False,
                     mixin=v.IPNETWORK_MIXIN),
        FieldMapping("ip_network.gateway", v.NETWORK_GATEWAY, mutable=True,
                     mixin=v.IPNETWORK_MIXIN),
        FieldMapping("ip_network.allocation", v.NETWORK_ALLOCATION, mutable=True,
                     mixin=v.IPNETWORK_MIXIN),
    )

    def desired(self, spec: api.NetworkSpec, resolved: Resolved) -> Resource:
        """The network to create."""
        return Resource(
            kind=self.occi_kind,
            mixins=self.base_mixins(spec, resolved),
            title=self.base_title(spec, resolved),
            summary=resolved.marker,
            attributes=self.base_attributes(spec),
        )

    def observe(self, remote: Resource | Link, spec: api.NetworkSpec) -> Observation:
        """Ready when active."""
        state, message = state_of(remote, v.NETWORK_STATE)
        return Observation(
            ready=state == v.STATE_ACTIVE,
            message=f"The network is {state or 'in no state'}; waiting for active",
            failed=state == v.STATE_ERROR,
            state=state,
            state_message=message,
            status={
                "vlan": attribute(remote, v.NETWORK_VLAN),
                "label": text(attribute(remote, v.NETWORK_LABEL)),
                "cidr": text(attribute(remote, v.NETWORK_ADDRESS)),
                "gateway": text(attribute(remote, v.NETWORK_GATEWAY)),
                "allocation": text(attribute(remote, v.NETWORK_ALLOCATION)),
            },
        )

    def connection_details(self, remote: Resource | Link, spec: api.NetworkSpec) -> dict[str, str]:
        """The address range (CIDR) and the gateway, when the network has an IP layer."""
        return present(cidr=attribute(remote, v.NETWORK_ADDRESS),
                       gateway=attribute(remote, v.NETWORK_GATEWAY))

    def steps(
        self, remote: Resource | Link, spec: api.NetworkSpec, status: Mapping[str, Any]
    ) -> tuple[ActionStep, ...]:
        """Bring an inactive network up."""
        state, _ = state_of(remote, v.NETWORK_STATE)
        offered = actions_in_state(v.NETWORK_KIND, state or "") or ()
        if state == v.STATE_INACTIVE and v.NETWORK_UP in offered:
            return (ActionStep(ActionInvocation(action=v.NETWORK_UP),
                               "Triggered up: the network is inactive"),)
        return ()
