"""Every kind of ``v1alpha1`` in one table, in the order the CRDs and docs list them."""

from __future__ import annotations

from . import (
    application,
    component,
    componentlink,
    compute,
    endpoint,
    network,
    networkinterface,
    occiresource,
    storage,
    storagelink,
)
from .kindinfo import KindInfo

__all__ = ["KINDS", "MANAGED_KINDS", "kind_info"]

#: The kinds the generic reconciler manages (each becomes an OCCI resource or link).
MANAGED_KINDS: tuple[KindInfo, ...] = (
    network.KIND_INFO,
    storage.KIND_INFO,
    compute.KIND_INFO,
    networkinterface.KIND_INFO,
    storagelink.KIND_INFO,
    application.KIND_INFO,
    component.KIND_INFO,
    componentlink.KIND_INFO,
    occiresource.KIND_INFO,
)
#: Every kind of the API version, endpoint objects first.
KINDS: tuple[KindInfo, ...] = (
    endpoint.KIND_INFO,
    endpoint.CLUSTER_KIND_INFO,
    *MANAGED_KINDS,
)


def kind_info(kind: str) -> KindInfo:
    """The table entry of a kind by name; KeyError names the known kinds."""
    for info in KINDS:
        if info.kind == kind:
            return info
    known = ", ".join(info.kind for info in KINDS)
    raise KeyError(f"unknown kind {kind!r}; known: {known}")
