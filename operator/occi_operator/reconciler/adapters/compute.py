"""Compute: a virtual machine. Shape by attributes and templates, power state by actions."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from occi_operator.api.v1alpha1 import compute as api
from occi_operator.api.v1alpha1.quantity import from_gib, to_gib
from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import ContextFamily, Contextualization, TemplateFamily
from occi_operator.occi.entities import ActionInvocation, Link, Resource
from occi_operator.occi.states import actions_in_state, is_provisioning
from occi_operator.reconciler.contract import (
    ActionStep,
    Adapter,
    FieldMapping,
    Observation,
    Resolved,
    SecretField,
    TemplateField,
)

from ._common import attribute, state_of, template_term, text
from ._details import compute_details

__all__ = ["ComputeAdapter"]

#: Contextualization when the endpoint names none: the OCCI 1.2 mixins.
OCCI_CONTEXT = Contextualization(
    family=ContextFamily.OCCI,
    user_data=v.USER_DATA_MIXIN,
    user_data_attribute=v.COMPUTE_USERDATA,
    ssh_key=v.SSH_KEY_MIXIN,
    ssh_key_attribute=v.CREDENTIALS_SSH_PUBLICKEY,
)
#: The OCCI state each desired power state means, and the action that reaches it.
POWER = {
    api.PowerState.RUNNING: (v.STATE_ACTIVE, v.COMPUTE_START),
    api.PowerState.STOPPED: (v.STATE_INACTIVE, v.COMPUTE_STOP),
    api.PowerState.SUSPENDED: (v.STATE_SUSPENDED, v.COMPUTE_SUSPEND),
}
OBSERVED_POWER = {state: power for power, (state, _) in POWER.items()}


class ComputeAdapter(Adapter[api.ComputeSpec]):
    """Compute ↔ ``infrastructure#compute``."""

    info = api.KIND_INFO
    spec_model = api.ComputeSpec
    occi_kind = v.COMPUTE_KIND
    fields = (
        FieldMapping("cores", v.COMPUTE_CORES, mutable=True),
        FieldMapping("memory", v.COMPUTE_MEMORY, mutable=True, to_occi=to_gib),
        FieldMapping("architecture", v.COMPUTE_ARCHITECTURE, mutable=False),
        FieldMapping("hostname", v.COMPUTE_HOSTNAME, mutable=True),
    )
    templates = (
        TemplateField("os_template", TemplateFamily.OS, mutable=False),
        TemplateField("resource_template", TemplateFamily.RESOURCE, mutable=True),
    )
    secrets = (SecretField("user_data_secret_ref"),)

    def desired(self, spec: api.ComputeSpec, resolved: Resolved) -> Resource:
        """The compute to create: table attributes, templates, user data and SSH keys."""
        resource = spec.resource
        attributes = self.base_attributes(spec)
        mixins = list(self.base_mixins(spec, resolved))
        context = resolved.context or OCCI_CONTEXT
        user_data = resolved.secrets.get("user_data_secret_ref")
        if user_data:
            encoded = base64.b64encode(user_data.encode()).decode()
            attributes[context.user_data_attribute] = encoded
            mixins.append(context.user_data or v.USER_DATA_MIXIN)
        if resource is not None and resource.ssh_public_keys:
            attributes[context.ssh_key_attribute] = "\n".join(resource.ssh_public_keys)
            if context.ssh_key_name_attribute:
                attributes[context.ssh_key_name_attribute] = "occi-operator"
            mixins.append(context.ssh_key or v.SSH_KEY_MIXIN)
        return Resource(
            kind=self.occi_kind,
            mixins=tuple(mixins),
            title=self.base_title(spec, resolved),
            summary=resolved.marker,
            attributes=attributes,
        )

    def observe(self, remote: Resource | Link, spec: api.ComputeSpec) -> Observation:
        """Ready when the machine is in the state its desired power state means."""
        state, message = state_of(remote, v.COMPUTE_STATE)
        power = spec.resource.power_state if spec.resource else None
        wanted = POWER[power][0] if power else v.STATE_ACTIVE
        memory = attribute(remote, v.COMPUTE_MEMORY)
        status: dict[str, Any] = {
            "cores": attribute(remote, v.COMPUTE_CORES),
            "memory": from_gib(float(memory)) if isinstance(memory, int | float) else None,
            "architecture": text(attribute(remote, v.COMPUTE_ARCHITECTURE)),
            "hostname": text(attribute(remote, v.COMPUTE_HOSTNAME)),
            "os_template": template_term(remote.mixins, TemplateFamily.OS),
            "resource_template": template_term(remote.mixins, TemplateFamily.RESOURCE),
            "power_state": OBSERVED_POWER.get(state or ""),
        }
        return Observation(
            ready=state == wanted,
            message=f"The machine is {state or 'in no state'}; waiting for {wanted}",
            failed=state == v.STATE_ERROR,
            state=state,
            state_message=message,
            status=status,
        )

    def connection_details(self, remote: Resource | Link, spec: api.ComputeSpec) -> dict[str, str]:
        """The hostname and the addresses of the machine's network interfaces."""
        return compute_details(remote)

    def steps(
        self, remote: Resource | Link, spec: api.ComputeSpec, status: Mapping[str, Any]
    ) -> tuple[ActionStep, ...]:
        """Start, stop or suspend towards the power state; then one restart per request."""
        state, _ = state_of(remote, v.COMPUTE_STATE)
        if spec.resource is None or state is None or is_provisioning(state):
            return ()
        offered = actions_in_state(v.COMPUTE_KIND, state) or ()
        wanted, action = POWER[spec.resource.power_state]
        if state != wanted:
            if action not in offered and v.COMPUTE_START in offered:
                action = v.COMPUTE_START  # e.g. suspended → stopped goes through active
            if action not in offered:
                return ()
            term = action.rpartition("#")[2]
            return (ActionStep(ActionInvocation(action=action),
                               f"Triggered {term}: the machine is {state}, spec wants {wanted}"),)
        request = spec.resource.restart_request
        if (
            request
            and request != status.get("lastRestartRequest")
            and v.COMPUTE_RESTART in offered
        ):
            return (
                ActionStep(
                    ActionInvocation(action=v.COMPUTE_RESTART),
                    f"Triggered restart for restartRequest {request!r}",
                    records={"last_restart_request": request},
                ),
            )
        return ()
