"""How the endpoint turns what a client sent into the entity it stores (no I/O here).

The rules, for every kind:

* **mixins** must be known, must apply to the entity's kind, and an entity carries at
  most one template of each family (os_tpl, resource_tpl, and the platform's app_tpl,
  res_tpl). Assigning a resource_tpl (res_tpl) replaces the one the entity had, and its
  values (cores, memory…) replace the old template's: a resize. A value the same request
  changes explicitly wins over the template. The os_tpl and the app_tpl cannot change
  once set (that would be a rebuild, or a database of another engine);
* **defaults** come from the kind and the mixins (a mixin's default overrides the
  kind's): a ``small`` compute gets 1 core and 2 GiB, a new compute ``inactive``;
* **creates** must carry every required attribute the provider does not assign;
* **updates** keep the kind and every immutable value: an echo of the stored value is
  accepted, a different one is a 400 naming the attribute. A PUT replaces the mutable
  part (absent mutable attributes go, except the ones the provider assigns) and keeps
  the os_tpl when it names none; a POST changes only what it names;
* attributes only a removed mixin defined leave with it; ``actions`` a client echoes
  are ignored.

Every problem raises :class:`~.errors.BadRequestError` whose message names the entity,
the attribute and the rule. Pure functions over the registry; imports no web layer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TypeVar

from occi_operator.occi.attributes import AttributeValue
from occi_operator.occi.entities import Entity, Link, Resource
from occi_operator.occi.errors import InvalidAttributeError, UnknownCategoryError
from occi_operator.occi.registry import CategoryRegistry
from occi_operator.occi.states import STATE_ATTRIBUTES
from occi_operator.occi.validation import PROVIDER_ASSIGNED_ATTRIBUTES
from occi_operator.occi.vocabulary import (
    APP_TPL_MIXIN,
    OS_TPL_MIXIN,
    RES_TPL_MIXIN,
    RESOURCE_TPL_MIXIN,
)

from .errors import BadRequestError

__all__ = [
    "FIXED_FAMILIES",
    "TEMPLATE_FAMILIES",
    "invalid_request",
    "merge_partial",
    "merge_replacement",
    "prepare_new",
    "remove_mixin",
    "template_family",
]

E = TypeVar("E", bound=Entity)

#: The template families an entity has at most one mixin of.
TEMPLATE_FAMILIES = (OS_TPL_MIXIN, RESOURCE_TPL_MIXIN, APP_TPL_MIXIN, RES_TPL_MIXIN)
#: The families whose template cannot change once an entity has one.
FIXED_FAMILIES = (OS_TPL_MIXIN, APP_TPL_MIXIN)
#: Attributes the endpoint alone sets: the state and its message of every kind.
PROVIDER_OWNED = frozenset(
    {*STATE_ATTRIBUTES.values(), *(name + ".message" for name in STATE_ATTRIBUTES.values())}
)


def _term(type_id: str) -> str:
    return type_id.rpartition("#")[2]


@contextmanager
def invalid_request(what: str) -> Iterator[None]:
    """Turn the model's validation errors into a 400 about ``what`` (an entity)."""
    try:
        yield
    except InvalidAttributeError as exc:
        raise BadRequestError(f"{what}: {exc}") from exc
    except UnknownCategoryError as exc:
        raise BadRequestError(
            f"{what}: {exc}; GET /-/ lists the kinds, mixins and actions of this endpoint"
        ) from exc


def template_family(registry: CategoryRegistry, mixin: str) -> str | None:
    """The family (os_tpl, resource_tpl, app_tpl, res_tpl) of a template; else None."""
    if mixin in TEMPLATE_FAMILIES:
        return None
    ancestors = {known.type_id for known in registry.with_dependencies([mixin])}
    return next((family for family in TEMPLATE_FAMILIES if family in ancestors), None)


def check_mixins(registry: CategoryRegistry, kind: str, mixins: Sequence[str], what: str) -> None:
    """Known mixins that apply to ``kind``, at most one template per family."""
    with invalid_request(what):
        registry.kind(kind)
        families: dict[str, str] = {}
        for type_id in mixins:
            mixin = registry.mixin(type_id)
            if mixin.applies and not any(registry.is_a(kind, a) for a in mixin.applies):
                applies = ", ".join(_term(a) for a in mixin.applies)
                raise BadRequestError(
                    f"{what}: mixin {type_id} applies to {applies}, not to {_term(kind)}"
                )
            family = template_family(registry, type_id)
            if family is None:
                continue
            if family in families and families[family] != type_id:
                raise BadRequestError(
                    f"{what}: mixins {families[family]} and {type_id} are both "
                    f"{_term(family)} templates; an entity has at most one"
                )
            families[family] = type_id


def _defaults(registry: CategoryRegistry, entity: E) -> dict[str, AttributeValue]:
    attributes = dict(entity.attributes)
    definitions = registry.attribute_definitions(entity.kind, entity.mixins, strict=False)
    for name, definition in definitions.items():
        if definition.default is not None and name not in attributes and not _core(name):
            attributes[name] = definition.default
    return attributes


def _core(name: str) -> bool:
    return name.startswith("occi.core.")


def prepare_new(registry: CategoryRegistry, entity: E, *, what: str) -> E:
    """The entity a create stores: checked mixins, provider-owned state, defaults, valid.

    The state attribute and its message are the provider's: whatever the request says,
    the entity starts in its kind's initial state (the default). ``actions`` are dropped.
    """
    mixins = tuple(dict.fromkeys(entity.mixins))
    check_mixins(registry, entity.kind, mixins, what)
    attributes = {k: v for k, v in entity.attributes.items() if k not in PROVIDER_OWNED}
    prepared = entity.model_copy(update={"mixins": mixins, "attributes": attributes,
                                         "actions": ()})
    prepared = prepared.model_copy(update={"attributes": _defaults(registry, prepared)})
    with invalid_request(what):
        registry.validate_entity(_without_links(prepared), creating=True)
    return prepared


def _without_links(entity: E) -> E:
    if isinstance(entity, Resource) and entity.links:
        return entity.model_copy(update={"links": ()})
    return entity


def _replace_templates(
    registry: CategoryRegistry, current: Sequence[str], wanted: Sequence[str], what: str
) -> tuple[str, ...]:
    """``current`` plus ``wanted``; a template in ``wanted`` replaces its family's old one."""
    replaced = {template_family(registry, m) for m in wanted} - {None}
    for family in FIXED_FAMILIES:
        old = [m for m in current if template_family(registry, m) == family]
        new = [m for m in wanted if template_family(registry, m) == family]
        if old and new and old != new[:1]:
            raise BadRequestError(
                f"{what}: the {_term(family)} cannot change from {old[0]} to {new[0]}: the "
                "endpoint does not rebuild instances; create a new one"
            )
    kept = [m for m in current if template_family(registry, m) not in replaced]
    return tuple(dict.fromkeys([*kept, *wanted]))


def _finish_update(
    registry: CategoryRegistry,
    old: E,
    requested: E,
    *,
    named: Mapping[str, AttributeValue],
    what: str,
) -> E:
    """Check ``requested`` against ``old``, then apply templates, defaults, mixin removals."""
    check_mixins(registry, requested.kind, requested.mixins, what)
    old_definitions = registry.attribute_definitions(old.kind, old.mixins, strict=False)
    new_definitions = registry.attribute_definitions(requested.kind, requested.mixins)
    attributes = {
        name: value for name, value in requested.attributes.items()
        if name in new_definitions or name not in old_definitions
    }
    with invalid_request(what):
        registry.validate_update(old, requested.model_copy(update={"attributes": attributes}))
    added = [m for m in requested.mixins if m not in old.mixins]
    for mixin in registry.with_dependencies(added):
        if template_family(registry, mixin.type_id) is None:
            continue
        for definition in mixin.attributes:
            explicit = definition.name in named and named[definition.name] != old.attributes.get(
                definition.name
            )
            if definition.default is not None and not explicit:
                attributes[definition.name] = definition.default
    updated = requested.model_copy(update={"attributes": attributes, "actions": ()})
    updated = updated.model_copy(update={"attributes": _defaults(registry, updated)})
    with invalid_request(what):
        registry.validate_entity(_without_links(updated), creating=False)
        for mixin in registry.with_dependencies(added):
            for definition in mixin.attributes:
                missing = definition.name not in updated.attributes
                if definition.required and missing and definition.name not in (
                    PROVIDER_ASSIGNED_ATTRIBUTES
                ):
                    raise InvalidAttributeError(
                        definition.name, f"is required by mixin {mixin.type_id}"
                    )
    return updated


def merge_partial(registry: CategoryRegistry, old: E, partial: Entity, *, what: str) -> E:
    """A POST to an entity: change only what ``partial`` names (GFD.223 partial update)."""
    _same_kind(old, partial, what)
    mixins = _replace_templates(registry, old.mixins, partial.mixins, what)
    update: dict[str, object] = {
        "mixins": mixins,
        "attributes": {**old.attributes, **partial.attributes},
    }
    if partial.title is not None:
        update["title"] = partial.title
    if isinstance(partial, Resource) and isinstance(old, Resource) and partial.summary is not None:
        update["summary"] = partial.summary
    update.update(_link_ends(old, partial))
    requested = old.model_copy(update=update)
    return _finish_update(registry, old, requested, named=partial.attributes, what=what)


def remove_mixin(registry: CategoryRegistry, old: E, mixin: str, *, what: str) -> E:
    """The entity without ``mixin`` and the attributes only that mixin defined."""
    requested = old.model_copy(update={"mixins": tuple(m for m in old.mixins if m != mixin)})
    return _finish_update(registry, old, requested, named={}, what=what)


def merge_replacement(registry: CategoryRegistry, old: E, new: Entity, *, what: str) -> E:
    """A PUT of a stored entity: the mutable part is replaced, the rest kept.

    Immutable and provider-assigned attributes the request leaves out keep their values,
    and so do the os_tpl and app_tpl when the request names none.
    """
    _same_kind(old, new, what)
    named = {template_family(registry, m) for m in new.mixins}
    carried = [m for m in old.mixins if template_family(registry, m) in FIXED_FAMILIES
               and template_family(registry, m) not in named]
    mixins = _replace_templates(registry, tuple(carried), new.mixins, what)
    definitions = registry.attribute_definitions(old.kind, old.mixins, strict=False)
    attributes = dict(new.attributes)
    for name, value in old.attributes.items():
        definition = definitions.get(name)
        keep = name in PROVIDER_ASSIGNED_ATTRIBUTES or name in PROVIDER_OWNED or (
            definition is not None and definition.immutable
        )
        if keep and name not in attributes and (name in PROVIDER_OWNED or _still_defined(
            registry, old.kind, mixins, name
        )):
            attributes[name] = value
    update: dict[str, object] = {"mixins": mixins, "attributes": attributes, "title": new.title}
    if isinstance(old, Resource):
        update["summary"] = new.summary if isinstance(new, Resource) else None
    update.update(_link_ends(old, new))
    requested = old.model_copy(update=update)
    return _finish_update(registry, old, requested, named=new.attributes, what=what)


def _still_defined(registry: CategoryRegistry, kind: str, mixins: Sequence[str], name: str) -> bool:
    if not name.startswith("occi."):
        return True
    return name in registry.attribute_definitions(kind, mixins, strict=False)


def _link_ends(old: Entity, new: Entity) -> dict[str, object]:
    """The ends a link update asks for (checked by the link rules, not here)."""
    if isinstance(old, Link) and isinstance(new, Link):
        return {"source": new.source or old.source, "target": new.target}
    return {}


def _same_kind(old: Entity, new: Entity, what: str) -> None:
    if new.kind != old.kind:
        raise BadRequestError(f"{what}: the kind cannot change from {old.kind} to {new.kind}")
    if new.id is not None and new.id != old.id:
        raise BadRequestError(
            f"{what}: attribute occi.core.id: is immutable and cannot change from "
            f"{old.id!r} (got {new.id!r})"
        )
