"""StorageLink: a link from a Compute (source) to a Storage (target)."""

from __future__ import annotations

from occi_operator.api.v1alpha1 import storagelink as api
from occi_operator.occi import vocabulary as v
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

__all__ = ["StorageLinkAdapter"]


class StorageLinkAdapter(Adapter[api.StorageLinkSpec]):
    """StorageLink ↔ ``infrastructure#storagelink``."""

    info = api.KIND_INFO
    spec_model = api.StorageLinkSpec
    occi_kind = v.STORAGELINK_KIND
    marker_attribute = CORE_TITLE
    references = (
        Reference("compute_ref", "Compute", role="source"),
        Reference("storage_ref", "Storage", role="target"),
    )
    fields = (
        FieldMapping("device_id", v.STORAGELINK_DEVICEID, mutable=True),
        FieldMapping("mount_point", v.STORAGELINK_MOUNTPOINT, mutable=True),
    )

    def desired(self, spec: api.StorageLinkSpec, resolved: Resolved) -> Link:
        """The link to create, from the Compute's location to the Storage's."""
        return Link(
            kind=self.occi_kind,
            title=resolved.marker,
            source=resolved.references.get("compute_ref"),
            target=resolved.references.get("storage_ref", ""),
            target_kind=v.STORAGE_KIND,
            attributes=self.base_attributes(spec),
        )

    def connection_details(
        self, remote: Resource | Link, spec: api.StorageLinkSpec
    ) -> dict[str, str]:
        """Where the machine sees the storage: its device id and mount point."""
        return present(deviceid=attribute(remote, v.STORAGELINK_DEVICEID),
                       mountpoint=attribute(remote, v.STORAGELINK_MOUNTPOINT))

    def observe(self, remote: Resource | Link, spec: api.StorageLinkSpec) -> Observation:
        """Ready when active (or stateless, as rOCCI renders links)."""
        state, message = state_of(remote, v.STORAGELINK_STATE)
        link = remote if isinstance(remote, Link) else None
        return Observation(
            ready=state is None or state == v.STATE_ACTIVE,
            message=f"The storage link is {state}; waiting for active",
            failed=state == v.STATE_ERROR,
            state=state,
            state_message=message,
            status={
                "device_id": text(attribute(remote, v.STORAGELINK_DEVICEID)),
                "mount_point": text(attribute(remote, v.STORAGELINK_MOUNTPOINT)),
                "source": link.source if link else None,
                "target": link.target if link else None,
            },
        )
