"""Storage: a block device; size by attribute, online/offline by actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from occi_operator.api.v1alpha1 import storage as api
from occi_operator.api.v1alpha1.quantity import from_gib, to_gib
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

from ._common import attribute, state_of
from ._details import present

__all__ = ["StorageAdapter"]


def _wanted(spec: api.StorageSpec) -> str:
    online = spec.resource.online if spec.resource else True
    return v.STATE_ONLINE if online else v.STATE_OFFLINE


class StorageAdapter(Adapter[api.StorageSpec]):
    """Storage ↔ ``infrastructure#storage``."""

    info = api.KIND_INFO
    spec_model = api.StorageSpec
    occi_kind = v.STORAGE_KIND
    fields = (FieldMapping("size", v.STORAGE_SIZE, mutable=True, to_occi=to_gib),)

    def desired(self, spec: api.StorageSpec, resolved: Resolved) -> Resource:
        """The storage to create."""
        return Resource(
            kind=self.occi_kind,
            title=self.base_title(spec, resolved),
            summary=resolved.marker,
            attributes=self.base_attributes(spec),
        )

    def observe(self, remote: Resource | Link, spec: api.StorageSpec) -> Observation:
        """Ready when online (or offline, when the spec asks for that)."""
        state, message = state_of(remote, v.STORAGE_STATE)
        wanted = _wanted(spec)
        size = attribute(remote, v.STORAGE_SIZE)
        return Observation(
            ready=state == wanted,
            message=f"The storage is {state or 'in no state'}; waiting for {wanted}",
            failed=state == v.STATE_ERROR,
            state=state,
            state_message=message,
            status={
                "size": from_gib(float(size)) if isinstance(size, int | float) else None,
                "online": None if state is None else state == v.STATE_ONLINE,
            },
        )

    def connection_details(self, remote: Resource | Link, spec: api.StorageSpec) -> dict[str, str]:
        """The size (a quantity, e.g. 10Gi): a workload reaches the data through a link."""
        size = attribute(remote, v.STORAGE_SIZE)
        return present(size=from_gib(float(size)) if isinstance(size, int | float) else None)

    def steps(
        self, remote: Resource | Link, spec: api.StorageSpec, status: Mapping[str, Any]
    ) -> tuple[ActionStep, ...]:
        """Online or offline towards the spec."""
        state, _ = state_of(remote, v.STORAGE_STATE)
        wanted = _wanted(spec)
        action = v.STORAGE_ONLINE if wanted == v.STATE_ONLINE else v.STORAGE_OFFLINE
        if state == wanted or action not in (actions_in_state(v.STORAGE_KIND, state or "") or ()):
            return ()
        term = action.rpartition("#")[2]
        return (ActionStep(ActionInvocation(action=action),
                           f"Triggered {term}: the storage is {state}"),)
