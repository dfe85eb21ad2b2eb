"""The category registry: the kinds, mixins and actions known to a client or a server.

A :class:`CategoryRegistry` is immutable. :func:`standard_registry` gives the categories
of GFD.221, GFD.224 and the OCCI Platform draft (plus, by default, the legacy ones real
servers send); a registry built from an endpoint's query interface is combined with it
by :meth:`~CategoryRegistry.merge`.
There is no module-level registry to mutate: whoever needs one receives it as an argument.

The registry answers which attribute definitions apply to an entity (its kind, the kind's
parents, its mixins and what they depend on; a mixin's default overrides the kind's), which
actions it offers in its current state, and whether an entity, an update or an action
invocation is valid. Invalid values raise :class:`~.errors.InvalidAttributeError` naming the
attribute and the rule; an unknown type identifier raises :class:`~.errors.UnknownCategoryError`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from types import MappingProxyType

from . import validation
from .attributes import AttributeDefinition
from .categories import Action, Kind, Mixin, QueryInterface
from .core_categories import core_categories
from .entities import ActionInvocation, Entity
from .errors import UnknownCategoryError
from .infrastructure import infrastructure_categories, openstack_categories
from .platform import platform_categories
from .states import ACTION_TARGET_STATES, actions_in_state, state_attribute

__all__ = ["CategoryRegistry", "standard_registry"]

_Category = Kind | Mixin | Action


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *second)))


def _overlay(base: dict[str, AttributeDefinition], extra: Iterable[AttributeDefinition]) -> None:
    """Add ``extra`` to ``base``; for a name ``base`` has, take only a given default."""
    for definition in extra:
        known = base.get(definition.name)
        if known is None:
            base[definition.name] = definition
        elif definition.default is not None:
            base[definition.name] = known.model_copy(update={"default": definition.default})


def _combine(ours: _Category, theirs: _Category) -> _Category:
    attributes = {definition.name: definition for definition in ours.attributes}
    _overlay(attributes, theirs.attributes)
    update: dict[str, object] = {
        "attributes": tuple(attributes.values()),
        "title": theirs.title or ours.title,
    }
    if isinstance(ours, Kind) and isinstance(theirs, Kind):
        update["parent"] = theirs.parent or ours.parent
        update["location"] = theirs.location or ours.location
        update["actions"] = _union(ours.actions, theirs.actions)
    elif isinstance(ours, Mixin) and isinstance(theirs, Mixin):
        update["location"] = theirs.location or ours.location
        update["actions"] = _union(ours.actions, theirs.actions)
        update["depends"] = _union(ours.depends, theirs.depends)
        update["applies"] = _union(ours.applies, theirs.applies)
    return ours.model_copy(update=update)


class CategoryRegistry:
    """An immutable set of categories, looked up by type identifier."""

    __slots__ = ("_by_id",)
    _by_id: MappingProxyType[str, Kind | Mixin | Action]

    def __init__(self, categories: Iterable[Kind | Mixin | Action] = ()) -> None:
        by_id: dict[str, Kind | Mixin | Action] = {}
        for category in categories:
            by_id[category.type_id] = category  # a later duplicate replaces an earlier one
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"CategoryRegistry is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"CategoryRegistry is immutable; cannot delete {name!r}")

    @classmethod
    def from_query_interface(cls, query_interface: QueryInterface) -> CategoryRegistry:
        """The registry of what an endpoint's ``GET /-/`` listed."""
        return cls(query_interface)

    def merge(self, other: CategoryRegistry) -> CategoryRegistry:
        """A new registry with the categories of both, ``self`` being the reference.

        Categories only ``other`` has are added. For one both have, ``other`` supplies the
        title, location and parent and adds actions, depends and applies; ``self`` keeps its
        attribute definitions, of which ``other`` may change only the default, and ``other``
        adds the attributes ``self`` lacks. So ``standard_registry().merge(discovered)``
        keeps the specification's types (a text query interface carries none) while taking
        the endpoint's defaults, extensions and templates.
        """
        merged = dict(self._by_id)
        for type_id, theirs in other._by_id.items():
            ours = merged.get(type_id)
            if ours is None or type(ours) is not type(theirs):
                merged[type_id] = theirs
            else:
                merged[type_id] = _combine(ours, theirs)
        return CategoryRegistry(merged.values())

    def __contains__(self, type_id: object) -> bool:
        return type_id in self._by_id

    def __iter__(self) -> Iterator[Kind | Mixin | Action]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __repr__(self) -> str:
        return (
            f"CategoryRegistry({len(self.kinds)} kinds, {len(self.mixins)} mixins, "
            f"{len(self.actions)} actions)"
        )

    @property
    def kinds(self) -> tuple[Kind, ...]:
        """Every kind, in registration order."""
        return tuple(c for c in self._by_id.values() if isinstance(c, Kind))

    @property
    def mixins(self) -> tuple[Mixin, ...]:
        """Every mixin, in registration order."""
        return tuple(c for c in self._by_id.values() if isinstance(c, Mixin))

    @property
    def actions(self) -> tuple[Action, ...]:
        """Every action, in registration order."""
        return tuple(c for c in self._by_id.values() if isinstance(c, Action))

    def get(self, type_id: str) -> Kind | Mixin | Action | None:
        """The category with this type identifier, or None."""
        return self._by_id.get(type_id)

    def category(self, type_id: str) -> Kind | Mixin | Action:
        """The category with this type identifier; raises UnknownCategoryError."""
        found = self._by_id.get(type_id)
        if found is None:
            raise UnknownCategoryError(type_id)
        return found

    def kind(self, type_id: str) -> Kind:
        """The kind with this type identifier; raises UnknownCategoryError."""
        found = self._by_id.get(type_id)
        if not isinstance(found, Kind):
            raise UnknownCategoryError(type_id, "the kinds of the registry")
        return found

    def mixin(self, type_id: str) -> Mixin:
        """The mixin with this type identifier; raises UnknownCategoryError."""
        found = self._by_id.get(type_id)
        if not isinstance(found, Mixin):
            raise UnknownCategoryError(type_id, "the mixins of the registry")
        return found

    def action(self, type_id: str) -> Action:
        """The action with this type identifier; raises UnknownCategoryError."""
        found = self._by_id.get(type_id)
        if not isinstance(found, Action):
            raise UnknownCategoryError(type_id, "the actions of the registry")
        return found

    def lineage(self, kind: str) -> tuple[Kind, ...]:
        """The kind, then its parent, grandparent … as far as the registry knows them."""
        chain: list[Kind] = []
        current = self._by_id.get(kind)
        while isinstance(current, Kind) and current not in chain:
            chain.append(current)
            current = self._by_id.get(current.parent) if current.parent else None
        return tuple(chain)

    def is_a(self, kind: str, ancestor: str) -> bool:
        """True when ``kind`` is ``ancestor`` or descends from it."""
        return any(known.type_id == ancestor for known in self.lineage(kind))

    def with_dependencies(self, mixins: Iterable[str]) -> tuple[Mixin, ...]:
        """The known mixins among ``mixins``, each preceded by those it depends on."""
        ordered: dict[str, Mixin] = {}
        visiting: set[str] = set()

        def visit(type_id: str) -> None:
            found = self._by_id.get(type_id)
            if not isinstance(found, Mixin) or type_id in ordered or type_id in visiting:
                return
            visiting.add(type_id)
            for dependency in found.depends:
                visit(dependency)
            ordered[type_id] = found

        for type_id in mixins:
            visit(type_id)
        return tuple(ordered.values())

    def attribute_definitions(
        self, kind: str, mixins: Iterable[str] = (), *, strict: bool = True
    ) -> dict[str, AttributeDefinition]:
        """The definitions that apply to an entity of ``kind`` with ``mixins``, by name.

        The kind's parents come first and the kind overrides them; mixins (after what they
        depend on) add their attributes and override only the default of one the kind
        defines. ``strict`` raises UnknownCategoryError for an unknown kind or mixin;
        otherwise the unknown ones are skipped.
        """
        mixins = tuple(mixins)
        if strict:
            self.kind(kind)
            for type_id in mixins:
                self.mixin(type_id)
        definitions: dict[str, AttributeDefinition] = {}
        for known in reversed(self.lineage(kind)):
            definitions.update(known.attribute_map())
        for mixin in self.with_dependencies(mixins):
            _overlay(definitions, mixin.attributes)
        return definitions

    def defined_actions(self, kind: str, mixins: Iterable[str] = ()) -> tuple[str, ...]:
        """The actions the kind, its parents and the mixins define (known ones only)."""
        found: tuple[str, ...] = ()
        for known in self.lineage(kind):
            found = _union(found, known.actions)
        for mixin in self.with_dependencies(mixins):
            found = _union(found, mixin.actions)
        return found

    def applicable_actions(self, entity: Entity) -> tuple[str, ...]:
        """The actions ``entity`` offers now: defined ones, standard ones filtered by state.

        The state comes from the entity's state attribute (or its default); standard
        actions are kept only when :mod:`.states` offers them in that state, and the
        actions of provider kinds and mixins are always offered.
        """
        defined = self.defined_actions(entity.kind, entity.mixins)
        for known in self.lineage(entity.kind):
            attribute = state_attribute(known.type_id)
            if attribute is None:
                continue
            state = entity.attributes.get(attribute)
            if state is None:
                default = known.attribute(attribute)
                state = default.default if default is not None else None
            offered = actions_in_state(known.type_id, state) if isinstance(state, str) else ()
            allowed = set(offered or ())
            return tuple(a for a in defined if a in allowed or a not in ACTION_TARGET_STATES)
        return defined

    def validate_entity(self, entity: Entity, *, creating: bool) -> None:
        """Check an entity against its kind and mixins; see :func:`.validation.validate_entity`."""
        validation.validate_entity(self, entity, creating=creating)

    def validate_update(self, old: Entity, new: Entity) -> None:
        """Check a client's change of ``old`` into ``new``; see :mod:`.validation`."""
        validation.validate_update(self, old, new)

    def validate_action(self, invocation: ActionInvocation) -> None:
        """Check an action invocation; see :func:`.validation.validate_action`."""
        validation.validate_action(self, invocation)

    def to_query_interface(self) -> QueryInterface:
        """Every category, as ``GET /-/`` answers them."""
        return QueryInterface(kinds=self.kinds, mixins=self.mixins, actions=self.actions)


@functools.cache
def standard_registry(*, legacy: bool = True) -> CategoryRegistry:
    """The core, infrastructure and platform categories (GFD.221, GFD.224, OCCI Platform).

    ``legacy`` (the default) adds what real servers still send: the OCCI 1.1 attribute,
    actions and states, rOCCI's ``waiting`` and the OpenStack contextualization mixins.
    The registry is immutable, so the same instance is handed out for each flag.
    """
    categories: list[Kind | Mixin | Action] = [
        *core_categories(),
        *infrastructure_categories(legacy=legacy),
        *platform_categories(),
    ]
    if legacy:
        categories.extend(openstack_categories())
    return CategoryRegistry(categories)
