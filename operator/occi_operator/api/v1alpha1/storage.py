"""The Storage kind: a block device (OCCI ``infrastructure#storage``).

``size`` is a Kubernetes quantity converted to the GiB of ``occi.storage.size`` by
:func:`~.quantity.to_gib`; ``online`` maps onto the online / offline actions.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from occi_operator.occi import vocabulary

from .common import ApiModel, ResourceStatus
from .kindinfo import KindInfo, PrinterColumn, Scope, standard_columns
from .lifecycle import LifecycleSpec
from .quantity import Quantity

__all__ = ["KIND_INFO", "Storage", "StorageResourceSpec", "StorageSpec", "StorageStatus"]


class StorageResourceSpec(ApiModel):
    """The desired block device."""

    title: str | None = Field(
        default=None,
        max_length=255,
        description="Display name (occi.core.title); defaults to the object's name.",
    )
    size: Quantity = Field(
        description="Size as a Kubernetes quantity such as 10Gi, sent to OCCI in GiB "
        "(occi.storage.size: 10Gi is 10, 512Mi is 0.5). Growing it resizes the device.",
    )
    online: bool = Field(
        default=True,
        description="Whether the device is online (the online action) or offline (offline).",
    )


class StorageSpec(LifecycleSpec):
    """The desired state of a Storage."""

    resource: StorageResourceSpec | None = Field(
        default=None, description="The device to create and keep in shape (managed objects)."
    )


class StorageStatus(ResourceStatus):
    """The observed state of a Storage."""

    size: str | None = Field(default=None, description="Observed size as a quantity.")
    online: bool | None = Field(default=None, description="Whether the device is online.")


class Storage(ApiModel):
    """A block device on an OCCI endpoint."""

    api_version: Literal["occi.occi-operator.dev/v1alpha1"] = Field(
        default="occi.occi-operator.dev/v1alpha1", description="APIVersion of the object."
    )
    kind: Literal["Storage"] = Field(default="Storage", description="Kind of the object.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Standard metadata.")
    spec: StorageSpec = Field(description="The desired state.")
    status: StorageStatus | None = Field(default=None, description="The observed state.")


KIND_INFO = KindInfo(
    kind="Storage",
    plural="storages",
    singular="storage",
    short_names=("occistor", "ostor"),
    scope=Scope.NAMESPACED,
    model=Storage,
    occi_kind=vocabulary.STORAGE_KIND,
    description="A block device on an OCCI endpoint (infrastructure#storage).",
    columns=standard_columns(
        PrinterColumn("Size", ".status.size", description="Observed size."),
        PrinterColumn("Endpoint", ".spec.endpointRef.name", description="The endpoint."),
    ),
)
