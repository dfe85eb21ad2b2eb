"""Validation of entities, updates and action invocations against a category registry.

Each check raises :class:`~.errors.InvalidAttributeError` naming the attribute and the
rule it breaks (type, allowed values, range, pattern, required, immutable, reserved name),
or :class:`~.errors.UnknownCategoryError` for a kind, mixin or action the registry does
not know. :class:`~.registry.CategoryRegistry` exposes these as methods; the functions
take the registry explicitly and keep no state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .attributes import validate_value
from .entities import CORE_ID, CORE_SOURCE, ActionInvocation, Entity, Resource
from .errors import InvalidAttributeError
from .vocabulary import (
    APP_URL,
    DATABASE_URI,
    DATABASE_VERSION,
    NETWORKINTERFACE_ADDRESS,
    NETWORKINTERFACE_INTERFACE,
    NETWORKINTERFACE_MAC,
    SECRET_ATTRIBUTES,
    STORAGELINK_DEVICEID,
)

if TYPE_CHECKING:
    from .registry import CategoryRegistry

__all__ = [
    "PROVIDER_ASSIGNED_ATTRIBUTES",
    "validate_action",
    "validate_entity",
    "validate_update",
]

#: Attributes GFD.221/224 and the platform draft mark required on every instance, which
#: the provider assigns when a create request leaves them out (an id, a device name, a MAC
#: or a DHCP address, an application's URL, a database's version and connection URI); a
#: create is therefore valid without them.
PROVIDER_ASSIGNED_ATTRIBUTES = frozenset(
    {
        CORE_ID,
        NETWORKINTERFACE_INTERFACE,
        NETWORKINTERFACE_MAC,
        NETWORKINTERFACE_ADDRESS,
        STORAGELINK_DEVICEID,
        APP_URL,
        DATABASE_VERSION,
        DATABASE_URI,
    }
)
#: Names under this prefix are reserved for the specification (GFD.221).
_RESERVED_PREFIX = "occi."
#: The core attributes live in typed entity fields; a registry need not define them.
_CORE_PREFIX = "occi.core."


def _term(type_id: str) -> str:
    return type_id.rpartition("#")[2] or type_id


def validate_entity(registry: CategoryRegistry, entity: Entity, *, creating: bool) -> None:
    """Check an entity against the definitions of its kind and mixins.

    Every value must fit its definition; a name under ``occi.`` (other than the core
    attributes) that none of the entity's categories defines is refused, as the prefix is
    reserved. With ``creating``, required attributes without a default must be present,
    except those the provider assigns (:data:`PROVIDER_ASSIGNED_ATTRIBUTES`). Links inside
    a resource are checked too; their source is the resource itself.
    """
    _validate(registry, entity, creating=creating, inline=False)


def _validate(registry: CategoryRegistry, entity: Entity, *, creating: bool, inline: bool) -> None:
    definitions = registry.attribute_definitions(entity.kind, entity.mixins)
    values = entity.all_attributes()
    for name, value in values.items():
        definition = definitions.get(name)
        if definition is not None:
            validate_value(definition, value)
        elif name.startswith(_RESERVED_PREFIX) and not name.startswith(_CORE_PREFIX):
            raise InvalidAttributeError(
                name,
                f"is not defined by the kind or mixins of this {_term(entity.kind)} "
                f"(names under {_RESERVED_PREFIX} are reserved)",
            )
    if creating:
        exempt = PROVIDER_ASSIGNED_ATTRIBUTES | ({CORE_SOURCE} if inline else set())
        for name, definition in definitions.items():
            demanded = definition.required and definition.default is None
            if demanded and name not in values and name not in exempt:
                raise InvalidAttributeError(
                    name, f"is required when creating a {_term(entity.kind)}"
                )
    if isinstance(entity, Resource):
        for link in entity.links:
            _validate(registry, link, creating=creating, inline=True)


def validate_update(registry: CategoryRegistry, old: Entity, new: Entity) -> None:
    """Check a client's change of ``old`` into ``new`` (a full or partial rendering).

    The kind cannot change; ``new`` must be valid (:func:`validate_entity`); an immutable
    attribute present in both must keep its value. One that ``old`` lacks may be set, as
    servers do not echo every attribute (user data, for one).
    """
    if new.kind != old.kind:
        raise InvalidAttributeError("kind", f"cannot change from {old.kind}", new.kind)
    validate_entity(registry, new, creating=False)
    definitions = registry.attribute_definitions(old.kind, (*old.mixins, *new.mixins), strict=False)
    before, after = old.all_attributes(), new.all_attributes()
    for name, definition in definitions.items():
        if definition.mutable or name not in before or name not in after:
            continue
        if before[name] != after[name]:
            was = "" if name in SECRET_ATTRIBUTES else f" from {before[name]!r}"
            raise InvalidAttributeError(name, f"is immutable and cannot change{was}", after[name])


def validate_action(registry: CategoryRegistry, invocation: ActionInvocation) -> None:
    """Check an action invocation: a known action, and valid, complete parameters."""
    action = registry.action(invocation.action)
    definitions = action.attribute_map()
    for name, value in invocation.attributes.items():
        definition = definitions.get(name)
        if definition is None:
            raise InvalidAttributeError(
                name, f"is not a parameter of the {_term(action.type_id)} action"
            )
        validate_value(definition, value)
    for name, definition in definitions.items():
        demanded = definition.required and definition.default is None
        if demanded and name not in invocation.attributes:
            raise InvalidAttributeError(name, f"is required by the {_term(action.type_id)} action")
