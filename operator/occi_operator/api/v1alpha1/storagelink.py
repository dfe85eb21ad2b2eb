"""The StorageLink kind: attaches a Storage to a Compute (``infrastructure#storagelink``).

Both ends are named by objects in the same namespace and are immutable, as is the device
id the guest sees; the mount point may change.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from occi_operator.occi import vocabulary

from .common import ApiModel, LocalRef, ResourceStatus
from .kindinfo import KindInfo, PrinterColumn, Scope, standard_columns
from .lifecycle import LifecycleSpec
from .rules import IMMUTABLE

__all__ = [
    "KIND_INFO",
    "StorageLink",
    "StorageLinkResourceSpec",
    "StorageLinkSpec",
    "StorageLinkStatus",
]


class StorageLinkResourceSpec(ApiModel):
    """The desired attachment of a Storage to a Compute."""

    compute_ref: LocalRef = Field(
        description="The Compute the device is attached to (the link's source). Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    storage_ref: LocalRef = Field(
        description="The Storage to attach (the link's target). Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    device_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="Device name the guest sees, such as /dev/vdb "
        "(occi.storagelink.deviceid); when empty, the endpoint picks one. Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    mount_point: str | None = Field(
        default=None,
        min_length=1,
        max_length=4096,
        pattern=r"^/",
        description="Where the guest mounts the device, such as /data "
        "(occi.storagelink.mountpoint).",
    )


class StorageLinkSpec(LifecycleSpec):
    """The desired state of a StorageLink."""

    resource: StorageLinkResourceSpec | None = Field(
        default=None, description="The link to create and keep in shape (managed objects)."
    )


class StorageLinkStatus(ResourceStatus):
    """The observed state of a StorageLink."""

    device_id: str | None = Field(default=None, description="Observed device id.")
    mount_point: str | None = Field(default=None, description="Observed mount point.")
    source: str | None = Field(default=None, description="Location of the Compute.")
    target: str | None = Field(default=None, description="Location of the Storage.")


class StorageLink(ApiModel):
    """An attachment of a Storage to a Compute on an OCCI endpoint."""

    api_version: Literal["occi.occi-operator.dev/v1alpha1"] = Field(
        default="occi.occi-operator.dev/v1alpha1", description="APIVersion of the object."
    )
    kind: Literal["StorageLink"] = Field(default="StorageLink", description="Kind of the object.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Standard metadata.")
    spec: StorageLinkSpec = Field(description="The desired state.")
    status: StorageLinkStatus | None = Field(default=None, description="The observed state.")


KIND_INFO = KindInfo(
    kind="StorageLink",
    plural="storagelinks",
    singular="storagelink",
    short_names=("occisl", "osl"),
    scope=Scope.NAMESPACED,
    model=StorageLink,
    occi_kind=vocabulary.STORAGELINK_KIND,
    description="An attachment of a Storage to a Compute (infrastructure#storagelink).",
    columns=standard_columns(
        PrinterColumn("Device", ".status.deviceId", description="Observed device id."),
        PrinterColumn("Compute", ".spec.resource.computeRef.name", description="The Compute."),
        PrinterColumn("Storage", ".spec.resource.storageRef.name", description="The Storage."),
        PrinterColumn("Endpoint", ".spec.endpointRef.name", description="The endpoint."),
    ),
)
