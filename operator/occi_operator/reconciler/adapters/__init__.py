"""One adapter per managed kind, and the table the generic reconciler walks.

Each adapter is mostly a field table (see :mod:`..contract`); the order of
:data:`ADAPTERS` follows :data:`~occi_operator.api.v1alpha1.kinds.MANAGED_KINDS`.
"""

from __future__ import annotations

from typing import Any

from occi_operator.reconciler.contract import Adapter

from .application import ApplicationAdapter
from .component import ComponentAdapter
from .componentlink import ComponentLinkAdapter
from .compute import ComputeAdapter
from .network import NetworkAdapter
from .networkinterface import NetworkInterfaceAdapter
from .occiresource import OCCIResourceAdapter
from .storage import StorageAdapter
from .storagelink import StorageLinkAdapter

__all__ = [
    "ApplicationAdapter",
    "ComponentAdapter",
    "ComponentLinkAdapter",
    "ComputeAdapter",
    "NetworkAdapter",
    "NetworkInterfaceAdapter",
    "OCCIResourceAdapter",
    "StorageAdapter",
    "StorageLinkAdapter",
    "default_adapters",
]


def default_adapters() -> tuple[Adapter[Any], ...]:
    """A fresh instance of every adapter, in the order of the API's managed kinds."""
    return (
        NetworkAdapter(),
        StorageAdapter(),
        ComputeAdapter(),
        NetworkInterfaceAdapter(),
        StorageLinkAdapter(),
        ApplicationAdapter(),
        ComponentAdapter(),
        ComponentLinkAdapter(),
        OCCIResourceAdapter(),
    )
