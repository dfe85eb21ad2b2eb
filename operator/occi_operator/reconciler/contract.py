"""The adapter contract: how one kind describes itself to the generic reconciler.

An adapter MUST give:

* ``info``: the kind's :class:`~occi_operator.api.v1alpha1.kindinfo.KindInfo` (names,
  plural, the CRD model) and ``spec_model``, the pydantic model of its ``spec``;
* ``occi_kind``: the OCCI kind type identifier, and ``collection`` (None: the kind's
  collection as ``/-/`` names it);
* ``references``: the objects it waits on (:class:`Reference`, by path in
  ``spec.resource``); the generic part waits for them to exist and be Ready and guards
  them against deletion;
* ``fields``: the field table (:class:`FieldMapping`): for each spec field, the OCCI
  attribute it becomes, the mixin that attribute needs, whether it is mutable and the
  converter when units differ; ``templates`` (:class:`TemplateField`) name template
  mixins resolved through the endpoint's ``/-/``; ``secrets`` (:class:`SecretField`) name
  Secret keys read before ``desired``;
* ``desired(spec, resolved)``: the OCCI entity to create, from the spec and what was
  resolved (:class:`Resolved`). It MUST carry ``resolved.marker`` in its
  ``marker_attribute`` (``occi.core.summary``; a link's title), so that a create whose
  answer was lost can be found again;
* ``observe(remote, spec)``: an :class:`Observation` (ready or not and why, the state,
  the kind's own status fields).

An adapter MAY give ``steps(remote, spec, status)``: the actions to run after create or
update (Compute's power state), each an :class:`ActionStep`; ``connection_details(remote,
spec)``: what a workload needs to reach the resource, written by the generic part to the
Secret ``spec.writeConnectionSecretToRef`` names (key to text; empty by default); and
``secret_attributes``: remote attributes that carry secrets, kept out of the status
mirror on top of the generic rule of :func:`~.status.is_secret_attribute`. A secret value
MAY go into ``connection_details``, MUST NOT go into ``Observation.status``.

An adapter whose objects name their OCCI kind themselves (the generic OCCIResource) sets
``discovered`` and gives ``bind(spec, discovered)``: from what the endpoint's ``/-/``
offers (:class:`Discovered`), an adapter for that one object (its kind, mixins and field
table), or :class:`InvalidSpecError` naming what does not fit. The flow binds before it
looks anything up.

An adapter MUST NOT import kopf or kubernetes, write a spec or a status, sleep, retry or
do I/O: ``desired``, ``observe`` and ``steps`` are pure functions of their arguments.
Nothing that can fail happens after the remote create; later steps belong to the update
path (the flow runs them on the next pass). Drift (spec against remote) is computed by the
generic part from ``desired`` and the field table (see :mod:`.drift`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel

from occi_operator.api.v1alpha1.kindinfo import KindInfo
from occi_operator.api.v1alpha1.lifecycle import LifecycleSpec
from occi_operator.occi.attributes import AttributeValue
from occi_operator.occi.categories import Kind, Mixin
from occi_operator.occi.client import Contextualization, TemplateFamily
from occi_operator.occi.entities import CORE_SUMMARY, ActionInvocation, Link, Resource
from occi_operator.occi.registry import CategoryRegistry, standard_registry

__all__ = [
    "MARKER_PREFIX",
    "ActionStep",
    "Adapter",
    "Discovered",
    "FieldMapping",
    "InvalidSpecError",
    "Observation",
    "Reference",
    "Resolved",
    "SecretField",
    "TemplateField",
    "field_value",
    "marker_for",
]

SpecT = TypeVar("SpecT", bound=LifecycleSpec)

#: The prefix of the marker the operator writes into ``occi.core.summary``.
MARKER_PREFIX = "occi-operator uid="


def marker_for(uid: str) -> str:
    """The marker a Kubernetes object's OCCI resource carries in ``occi.core.summary``."""
    return f"{MARKER_PREFIX}{uid}"


def field_value(spec: BaseModel | None, path: str) -> Any:
    """The value at a dotted snake_case ``path`` of ``spec.resource`` (None when unset)."""
    value: Any = getattr(spec, "resource", None)
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part, None)
    return value


def _same(value: Any) -> AttributeValue:
    return value  # type: ignore[no-any-return]


@dataclass(frozen=True)
class FieldMapping:
    """One row of the field table: a spec field and the OCCI attribute it becomes."""

    field: str
    attribute: str
    mutable: bool
    to_occi: Callable[[Any], AttributeValue] = _same
    mixin: str | None = None
    #: Attribute values the remote may show that count as equal (e.g. case of a MAC).
    normalize: Callable[[AttributeValue], AttributeValue] = _same

    def value(self, spec: BaseModel | None) -> AttributeValue | None:
        """The OCCI value of this field in ``spec``, or None when the field is unset."""
        raw = field_value(spec, self.field)
        if raw is None:
            return None
        return self.to_occi(raw.value if hasattr(raw, "value") else raw)


@dataclass(frozen=True)
class TemplateField:
    """A spec field naming a template (term or title), resolved through ``/-/``."""

    field: str
    family: TemplateFamily
    mutable: bool


@dataclass(frozen=True)
class SecretField:
    """A spec field holding a SecretKeyRef whose value ``desired`` needs."""

    field: str


@dataclass(frozen=True)
class Reference:
    """A spec field holding a LocalRef to another object this one waits on."""

    field: str
    kind: str
    #: Where the referenced location goes in a link: ``source`` or ``target``.
    role: str | None = None


@dataclass(frozen=True)
class Resolved:
    """What the generic part looked up for ``desired``; secrets are hidden from repr."""

    marker: str
    #: The Kubernetes object's name (the default title).
    name: str = ""
    references: Mapping[str, str] = field(default_factory=dict)
    templates: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)
    #: The contextualization family the endpoint offers (None: unknown or none).
    context: Contextualization | None = None


@dataclass(frozen=True)
class Observation:
    """What an adapter reads from a remote entity."""

    ready: bool
    message: str = ""
    #: The entity is in a state with no way out but a delete (OCCI ``error``).
    failed: bool = False
    state: str | None = None
    state_message: str | None = None
    #: The kind's own status fields, snake_case names of its status model.
    status: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionStep:
    """An action to trigger after create or update, and what to record once it ran."""

    invocation: ActionInvocation
    message: str
    #: Status fields (snake_case) to write once the action was accepted.
    records: Mapping[str, Any] = field(default_factory=dict)


class InvalidSpecError(ValueError):
    """The spec does not fit what the endpoint offers; the message names the field."""


@dataclass(frozen=True)
class Discovered:
    """What an endpoint's query interface offers, for an adapter to bind to."""

    #: The categories the endpoint lists in ``/-/``, as it lists them.
    offered: CategoryRegistry
    #: Whether ``/-/`` came in a rendering that carries attribute types (JSON).
    typed: bool
    #: The kind the object's remote entity was last seen with (``status.kind``).
    observed_kind: str | None = None

    def registry(self, kind: str, mixins: Iterable[str] = ()) -> CategoryRegistry:
        """The standard categories merged with the offered ones an entity of ``kind`` and
        ``mixins`` uses: the specification's types, the endpoint's extensions.

        Only those are merged: a whole query interface would cost far more on each pass.
        """
        used: list[Kind | Mixin] = [*self.offered.lineage(kind)]
        used.extend(self.offered.with_dependencies(mixins))
        return standard_registry().merge(CategoryRegistry(used))


class Adapter(ABC, Generic[SpecT]):
    """One kind, described to the generic reconciler; see the module docstring."""

    info: ClassVar[KindInfo]
    spec_model: ClassVar[type[LifecycleSpec]]
    occi_kind: ClassVar[str]
    collection: ClassVar[str | None] = None
    references: ClassVar[tuple[Reference, ...]] = ()
    fields: ClassVar[tuple[FieldMapping, ...]] = ()
    templates: ClassVar[tuple[TemplateField, ...]] = ()
    secrets: ClassVar[tuple[SecretField, ...]] = ()
    #: Where ``desired`` puts the marker: ``occi.core.summary`` (links have none: title).
    marker_attribute: ClassVar[str] = CORE_SUMMARY
    #: Remote attributes that carry secrets: never mirrored into status.
    secret_attributes: ClassVar[frozenset[str]] = frozenset()
    #: True when each object names its own OCCI kind: the flow calls :meth:`bind`.
    discovered: ClassVar[bool] = False

    @property
    def kind(self) -> str:
        """The Kubernetes kind, e.g. ``Compute``."""
        return self.info.kind

    @property
    def is_link(self) -> bool:
        """True for link kinds (NetworkInterface, StorageLink)."""
        return any(reference.role for reference in self.references)

    def parse_spec(self, raw: Mapping[str, Any]) -> SpecT:
        """The spec model of a raw ``spec`` (raises pydantic's ValidationError)."""
        return self.spec_model.model_validate(dict(raw))  # type: ignore[return-value]

    def base_attributes(self, spec: SpecT) -> dict[str, AttributeValue]:
        """The attributes of the field table that ``spec`` sets."""
        attributes: dict[str, AttributeValue] = {}
        for mapping in self.fields:
            value = mapping.value(spec)
            if value is not None:
                attributes[mapping.attribute] = value
        return attributes

    def base_title(self, spec: SpecT, resolved: Resolved) -> str | None:
        """The title a resource gets: the spec's ``title``, else the object's name."""
        return field_value(spec, "title") or resolved.name or None

    def base_mixins(self, spec: SpecT, resolved: Resolved) -> tuple[str, ...]:
        """The mixins the set fields need, then the resolved templates."""
        mixins = [m.mixin for m in self.fields if m.mixin and m.value(spec) is not None]
        mixins.extend(resolved.templates[t.field] for t in self.templates
                      if t.field in resolved.templates)
        return tuple(dict.fromkeys(mixins))

    @abstractmethod
    def desired(self, spec: SpecT, resolved: Resolved) -> Resource | Link:
        """The OCCI entity to create (pure)."""

    @abstractmethod
    def observe(self, remote: Resource | Link, spec: SpecT) -> Observation:
        """What the remote entity says about readiness and status (pure)."""

    def steps(
        self, remote: Resource | Link, spec: SpecT, status: Mapping[str, Any]
    ) -> tuple[ActionStep, ...]:
        """Actions to run now (pure); none by default."""
        return ()

    def bind(self, spec: SpecT, discovered: Discovered) -> Adapter[Any]:
        """The adapter of one object, given what the endpoint offers (pure); self by default.

        Raises :class:`InvalidSpecError` when the spec asks what the endpoint does not offer.
        """
        return self

    def connection_details(self, remote: Resource | Link, spec: SpecT) -> dict[str, str]:
        """What a workload needs to reach ``remote``, key to text (pure); none by default.

        Keys are Secret data keys (letters, digits, ``-``, ``_``, ``.``); an absent value
        is left out rather than written empty.
        """
        return {}
