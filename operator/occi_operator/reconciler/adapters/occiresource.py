"""OCCIResource: any kind the endpoint advertises, bound per object to what ``/-/`` offers.

The adapter of the table knows no kind; :meth:`OCCIResourceAdapter.bind` makes, for one
object, an adapter of its kind: the kind and mixins resolved among the endpoint's offer,
and a field table with one row per spec attribute, mutable as its definition says, so that
the generic drift check sets back mutable attributes and reports changed immutable ones.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel

from occi_operator.api.v1alpha1 import occiresource as api
from occi_operator.occi import vocabulary as v
from occi_operator.occi.attributes import AttributeValue
from occi_operator.occi.entities import CORE_SUMMARY, CORE_TITLE, Link, Resource
from occi_operator.occi.states import is_provisioning, state_attribute
from occi_operator.reconciler.contract import (
    Adapter,
    Discovered,
    FieldMapping,
    InvalidSpecError,
    Observation,
    Reference,
    Resolved,
)

from ._offered import check_attributes, offered_kind, offered_mixins

__all__ = ["AttributeMapping", "OCCIResourceAdapter"]

_READY_STATES = (v.STATE_ACTIVE, v.STATE_ONLINE)


class AttributeMapping(FieldMapping):
    """A row of a bound field table: one attribute of ``spec.resource.attributes``."""

    def value(self, spec: BaseModel | None) -> AttributeValue | None:
        """The attribute's value in the spec, or None when the spec does not set it."""
        resource = getattr(spec, "resource", None)
        values = getattr(resource, "attributes", None) or {}
        found: AttributeValue | None = values.get(self.attribute)
        return found


def _state_of(remote: Resource | Link) -> tuple[str | None, str | None]:
    """The state the kind defines, else the first ``….state`` attribute; as text."""
    name = state_attribute(remote.kind) or next(
        (n for n in sorted(remote.attributes) if n.endswith(".state")), None
    )
    if name is None:
        return None, None
    state, message = remote.attributes.get(name), remote.attributes.get(name + ".message")
    return (None if state is None else str(state)), (None if message is None else str(message))


class OCCIResourceAdapter(Adapter[api.OCCIResourceSpec]):
    """OCCIResource ↔ whatever kind its spec names, as the endpoint defines it."""

    info = api.KIND_INFO
    spec_model = api.OCCIResourceSpec
    occi_kind = v.ENTITY_KIND  # until bound: the root of every kind
    discovered = True
    references = (
        Reference("source_ref", "OCCIResource", role="source"),
        Reference("target_ref", "OCCIResource", role="target"),
    )
    #: The bound mixins' type identifiers.
    bound_mixins: ClassVar[tuple[str, ...]] = ()
    #: Whether the bound kind is a link kind.
    link: ClassVar[bool] = False

    def bind(self, spec: api.OCCIResourceSpec, discovered: Discovered) -> Adapter[Any]:
        """This object's adapter: kind, mixins and field table from the endpoint's offer."""
        resource = spec.resource
        if resource is None:
            wanted = spec.import_
            if wanted and wanted.filter is not None and discovered.observed_kind is None:
                raise InvalidSpecError(
                    "spec.import.filter: an OCCIResource without spec.resource names no "
                    "kind to search; import it by location"
                )
            return self._bound(discovered.observed_kind or self.occi_kind, (), (), False)
        kind = offered_kind(resource.kind, discovered)
        mixins = offered_mixins(resource.mixins or (), discovered)
        link = discovered.registry(kind).is_a(kind, v.LINK_KIND)
        if link != (resource.source_ref is not None):
            raise InvalidSpecError(
                f"spec.resource: {kind} is a link kind: set sourceRef and targetRef"
                if link else
                f"spec.resource: {kind} is a resource kind: sourceRef and targetRef apply "
                "to link kinds only"
            )
        definitions = check_attributes(kind, mixins, resource.attributes or {}, discovered)
        fields = tuple(
            AttributeMapping(f"attributes[{name}]", name, mutable=definition.mutable)
            for name, definition in definitions.items()
        )
        return self._bound(kind, mixins, fields, link)

    def _bound(self, kind: str, mixins: tuple[str, ...], fields: tuple[FieldMapping, ...],
               link: bool) -> Adapter[Any]:
        bound = type(f"{type(self).__name__}Bound", (type(self),), {
            "occi_kind": kind, "bound_mixins": mixins, "fields": fields, "link": link,
            "discovered": False, "marker_attribute": CORE_TITLE if link else CORE_SUMMARY,
        })
        adapter: Adapter[Any] = bound()
        return adapter

    def desired(self, spec: api.OCCIResourceSpec, resolved: Resolved) -> Resource | Link:
        """The entity to create: the bound kind, mixins and the spec's attributes."""
        attributes = self.base_attributes(spec)
        if self.link:
            return Link(
                kind=self.occi_kind,
                mixins=self.bound_mixins,
                title=resolved.marker,
                source=resolved.references.get("source_ref"),
                target=resolved.references.get("target_ref", ""),
                attributes=attributes,
            )
        return Resource(
            kind=self.occi_kind,
            mixins=self.bound_mixins,
            title=self.base_title(spec, resolved),
            summary=resolved.marker,
            attributes=attributes,
        )

    def observe(self, remote: Resource | Link, spec: api.OCCIResourceSpec) -> Observation:
        """Ready unless provisioning, in error, or in a state that is not active/online."""
        state, message = _state_of(remote)
        ready = state is None or (state in _READY_STATES and not is_provisioning(state))
        return Observation(
            ready=ready,
            message=f"The OCCI entity is {state}; waiting for it to become active",
            failed=state == v.STATE_ERROR,
            state=state,
            state_message=message,
            status={"kind": remote.kind, "mixins": list(remote.mixins) or None},
        )
