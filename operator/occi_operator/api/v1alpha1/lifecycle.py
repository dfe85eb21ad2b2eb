"""The lifecycle half of every managed kind's spec, and the CEL rules that bind it.

``LifecycleSpec`` holds what k-orc puts on every object (endpoint, management policy,
managed options, import, resync period); each kind's ``<Kind>Spec`` adds ``resource``.
The rules (enforced by the API server, mirrored offline by :class:`~.rules.RuledModel`):

* ``managementPolicy``, ``endpointRef`` and ``import`` are immutable;
* an unmanaged object observes an existing resource: it needs ``import`` and may set
  neither ``resource`` nor ``managedOptions``;
* a managed object without ``import`` needs ``resource`` (there is something to create);
* ``import`` sets exactly one of ``location`` and ``filter``; a filter is not empty.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .common import (
    ConnectionSecretRef,
    Duration,
    EndpointRef,
    ImportSpec,
    ManagedOptions,
    ManagementPolicy,
)
from .rules import IMMUTABLE, Rule, RuledModel

__all__ = ["LIFECYCLE_RULES", "LifecycleSpec"]


def _unmanaged(spec: Any) -> bool:
    return bool(spec.management_policy == ManagementPolicy.UNMANAGED)


def _import_one_of(spec: Any) -> bool:
    imp = spec.import_
    return imp is None or (imp.location is None) != (imp.filter is None)


def _filter_not_empty(spec: Any) -> bool:
    imp = spec.import_
    if imp is None or imp.filter is None:
        return True
    flt = imp.filter
    return bool(flt.title is not None or flt.attributes or flt.mixins)


LIFECYCLE_RULES: tuple[Rule, ...] = (
    Rule(
        cel="self.managementPolicy != 'unmanaged' || has(self.__import__)",
        message="an unmanaged object must set import: it only observes an existing "
        "OCCI resource",
        check=lambda spec: not _unmanaged(spec) or spec.import_ is not None,
    ),
    Rule(
        cel="self.managementPolicy != 'unmanaged' || !has(self.resource)",
        message="an unmanaged object must not set resource: the operator never writes "
        "to the OCCI resource",
        check=lambda spec: not _unmanaged(spec) or getattr(spec, "resource", None) is None,
    ),
    Rule(
        cel="self.managementPolicy != 'unmanaged' || !has(self.managedOptions)",
        message="managedOptions applies only to managed objects",
        check=lambda spec: not _unmanaged(spec) or spec.managed_options is None,
    ),
    Rule(
        cel="self.managementPolicy != 'managed' || has(self.__import__) || has(self.resource)",
        message="a managed object without import must set resource, the OCCI resource "
        "to create",
        check=lambda spec: _unmanaged(spec)
        or spec.import_ is not None
        or getattr(spec, "resource", None) is not None,
    ),
    Rule(
        cel="!has(self.__import__) || "
        "has(self.__import__.location) != has(self.__import__.filter)",
        message="import must set exactly one of location and filter",
        check=_import_one_of,
    ),
    Rule(
        cel="!has(self.__import__) || !has(self.__import__.filter) || "
        "has(self.__import__.filter.title) || has(self.__import__.filter.attributes) || "
        "has(self.__import__.filter.mixins)",
        message="import.filter must set at least one of title, attributes and mixins",
        check=_filter_not_empty,
    ),
)


class LifecycleSpec(RuledModel):
    """The lifecycle fields every managed kind shares (after k-orc)."""

    cel_rules = LIFECYCLE_RULES

    endpoint_ref: EndpointRef = Field(
        description="The OCCI endpoint the resource lives on: an OCCIEndpoint in the same "
        "namespace or a ClusterOCCIEndpoint that admits this namespace. Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    management_policy: ManagementPolicy = Field(
        default=ManagementPolicy.MANAGED,
        description="managed: the operator creates, updates and deletes the OCCI resource. "
        "unmanaged: it only observes an imported resource and never writes to it. Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    managed_options: ManagedOptions | None = Field(
        default=None,
        description="Options of managed objects, such as what deleting the object does to "
        "the OCCI resource.",
    )
    import_: ImportSpec | None = Field(
        default=None,
        alias="import",
        description="Adopt an existing OCCI resource instead of creating one: by location, "
        "or by a filter that must match exactly one resource. Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    resync_period: Duration | None = Field(
        default=None,
        description="How often the OCCI resource is read again to detect drift, such as "
        "10m; empty means the endpoint's defaultResyncPeriod.",
    )
    write_connection_secret_to_ref: ConnectionSecretRef | None = Field(
        default=None,
        description="A Secret in the same namespace to write what a workload needs to "
        "reach the resource (for a Compute its addresses and hostname; the keys of each "
        "kind are listed in docs/connection-secrets.md), mounted or read like any Secret. "
        "It is written once the OCCI resource is observed and rewritten when the remote "
        "side changes. Deleting the object deletes the Secret when the OCCI resource is "
        "deleted too (managed, onDelete: delete); with onDelete: detach or an unmanaged "
        "object the Secret is kept, released (its ownerReference removed), as the "
        "resource it describes lives on. Renaming or removing this field deletes the "
        "Secret written before. A Secret the operator did not create for this object is "
        "never overwritten: the object stalls (InvalidConfiguration) naming it.",
    )
