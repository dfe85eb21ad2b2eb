"""Lenient normalisation of entities parsed from real servers (rOCCI-server, ooi).

The parsers produce the canonical form of :mod:`.entities` from whatever a server sent;
this module then irons out what real servers do differently from OCCI 1.2, so that the
rest of the project sees one vocabulary and one set of units. The functions are pure:
they return new objects and never raise on odd input; what they cannot make sense of
is left as received (validation, if wanted, comes afterwards).

1. **Attribute names.** OCCI 1.1 (GFD.184) and 1.2 (GFD.224) spell every attribute they
   both define the same way: ``occi.compute.*``, ``occi.network.*`` (vlan, label, state,
   address, gateway, allocation), ``occi.storage.size``/``state``,
   ``occi.networkinterface.*`` (interface, mac, state, address, gateway, allocation) and
   ``occi.storagelink.*``. 1.2 only adds names (``occi.compute.share``, the
   ``*.state.message`` attributes, ``occi.compute.userdata``,
   ``occi.credentials.ssh.publickey``) and drops ``occi.compute.speed``, which is kept
   as the legacy registry defines it. ``occi.storage.size`` is GiB in both (1.1 writes
   "10^9", rOCCI "GB"): no conversion. What does differ are misspellings ooi uses, which
   :data:`ATTRIBUTE_ALIASES` renames; when a server sends both spellings, the standard
   one wins.
2. **Types.** A string holding a number (``"2"``, ``"1.5"``) becomes a number, and
   ``"true"``/``"false"`` a boolean, where the registry defines the attribute so.
3. **Memory.** ``occi.compute.memory`` is GiB in OCCI, but ooi sends the Nova flavour's
   RAM in MiB (an ``m1.nano`` shows ``occi.compute.memory=64``). See :class:`MemoryUnit`
   for the rule that decides, and :func:`memory_in_gib`.
4. **Locations.** Relative entity locations, link sources and targets are resolved
   against the endpoint's ``base_url`` as RFC 3986 does (``/compute/1`` from the host
   root, ``compute/1`` under the endpoint path). Absolute URIs (``urn:`` ones too) stay.
5. **States.** rOCCI's compute state ``waiting`` is kept as sent; callers ask
   :func:`.states.is_provisioning` rather than treating it as unknown.

Imports: the model, :mod:`.registry`, :mod:`.vocabulary` and the standard library only.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TypeVar
from urllib.parse import urljoin

from .attributes import AttributeDefinition, AttributeType, AttributeValue
from .entities import Collection, Entity, Link, Resource
from .registry import CategoryRegistry, standard_registry
from .vocabulary import (
    COMPUTE_KIND,
    COMPUTE_MEMORY,
    COMPUTE_USERDATA,
    CREDENTIALS_SSH_PUBLICKEY,
    OPENSTACK_BASE,
)

__all__ = [
    "ATTRIBUTE_ALIASES",
    "MIB_THRESHOLD",
    "MemoryUnit",
    "memory_in_gib",
    "normalize_collection",
    "normalize_entity",
]

#: Spellings real servers use → the OCCI 1.2 name.
ATTRIBUTE_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        # ooi's ssh_key mixin declares the attribute with this typo.
        "occi.crendentials.ssh.publickey": CREDENTIALS_SSH_PUBLICKEY,
        # ooi's compute controller reads these names with the OCCI 1.2 mixins.
        "occi.credentials.ssh_key": CREDENTIALS_SSH_PUBLICKEY,
        "occi.compute.user_data": COMPUTE_USERDATA,
    }
)

#: Under :attr:`MemoryUnit.AUTO`, a whole memory value at least this large is MiB.
MIB_THRESHOLD = 512

_NUMBER_TEXT = re.compile(r"[+-]?\d+(\.\d+)?")
_NUMERIC = (AttributeType.NUMBER, AttributeType.INTEGER)

_E = TypeVar("_E", bound=Entity)


class MemoryUnit(enum.StrEnum):
    """The unit an endpoint sends ``occi.compute.memory`` in (a per-endpoint setting).

    * ``GiB``: as OCCI says; never converted. Use it for a server known to follow the
      specification (rOCCI-server, this project's endpoint), and for VMs of 512 GiB or more.
    * ``MiB``: always converted (value / 1024). Use it for ooi.
    * ``auto`` (the default) decides per entity: MiB when the entity carries a mixin in an
      ``http://schemas.openstack.org/`` scheme (ooi attaches its OS and flavour templates
      there, and renders the flavour's RAM, which Nova keeps in MiB); otherwise MiB when
      the value is a whole number of at least :data:`MIB_THRESHOLD`, GiB otherwise.

    The threshold is inclusive on purpose: 512 MiB is the most common small flavour
    (``m1.tiny``), while a 512 GiB virtual machine is rare on OCCI clouds; a fractional
    value (1.7) can only be GiB. An endpoint that really offers such large machines sets
    ``GiB`` explicitly.
    """

    GIB = "GiB"
    MIB = "MiB"
    AUTO = "auto"


def memory_in_gib(
    value: float, *, unit: MemoryUnit = MemoryUnit.AUTO, mixins: Iterable[str] = ()
) -> float:
    """``value`` of ``occi.compute.memory`` in GiB, by the rule of :class:`MemoryUnit`."""
    if unit is MemoryUnit.GIB:
        return value
    if unit is MemoryUnit.AUTO:
        from_openstack = any(mixin.startswith(OPENSTACK_BASE) for mixin in mixins)
        whole_and_large = float(value).is_integer() and value >= MIB_THRESHOLD
        if not (from_openstack or whole_and_large):
            return value
    return value / 1024


def _coerce(definition: AttributeDefinition | None, value: AttributeValue) -> AttributeValue:
    if definition is None or not isinstance(value, str):
        return value
    text = value.strip()
    if definition.type in _NUMERIC and _NUMBER_TEXT.fullmatch(text):
        if "." not in text:
            return int(text)
        number = float(text)
        return (
            int(number)
            if definition.type is AttributeType.INTEGER and number.is_integer()
            else number
        )
    if definition.type is AttributeType.BOOLEAN and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return value


def _absolute(location: str | None, base_url: str | None) -> str | None:
    if not location or not base_url:  # urljoin keeps absolute URIs (urn: too)
        return location
    base = base_url if base_url.endswith("/") else base_url + "/"
    return urljoin(base, location)


def _attributes(
    entity: Entity, registry: CategoryRegistry, memory_unit: MemoryUnit
) -> dict[str, AttributeValue]:
    renamed: dict[str, AttributeValue] = {}
    for name, value in entity.attributes.items():
        standard = ATTRIBUTE_ALIASES.get(name)
        if standard is None:
            renamed[name] = value
        else:  # the standard spelling, wherever it comes, overwrites the alias
            renamed.setdefault(standard, value)
    definitions = registry.attribute_definitions(entity.kind, entity.mixins, strict=False)
    coerced = {name: _coerce(definitions.get(name), value) for name, value in renamed.items()}
    memory = coerced.get(COMPUTE_MEMORY)
    is_compute = entity.kind == COMPUTE_KIND or registry.is_a(entity.kind, COMPUTE_KIND)
    if is_compute and isinstance(memory, int | float) and not isinstance(memory, bool):
        coerced[COMPUTE_MEMORY] = memory_in_gib(memory, unit=memory_unit, mixins=entity.mixins)
    return coerced


def normalize_entity(
    entity: _E,
    *,
    base_url: str | None,
    memory_unit: MemoryUnit = MemoryUnit.AUTO,
    registry: CategoryRegistry | None = None,
) -> _E:
    """A copy of ``entity`` in the OCCI 1.2 form (see the module docstring for the rules).

    ``base_url`` is the endpoint URL relative locations are resolved against (None leaves
    them as they are); ``memory_unit`` the endpoint's memory setting; ``registry`` the
    categories that say which attributes are numbers (the standard ones when None; pass
    the endpoint's merged registry to cover its extensions). Links inside a resource are
    normalised too.
    """
    known = registry if registry is not None else standard_registry()
    update: dict[str, object] = {
        "attributes": _attributes(entity, known, memory_unit),
        "location": _absolute(entity.location, base_url),
    }
    if isinstance(entity, Link):
        update["source"] = _absolute(entity.source, base_url)
        update["target"] = _absolute(entity.target, base_url)
    if isinstance(entity, Resource):
        update["links"] = tuple(
            normalize_entity(link, base_url=base_url, memory_unit=memory_unit, registry=known)
            for link in entity.links
        )
    return entity.model_copy(update=update)


def normalize_collection(
    collection: Collection,
    *,
    base_url: str | None,
    memory_unit: MemoryUnit = MemoryUnit.AUTO,
    registry: CategoryRegistry | None = None,
) -> Collection:
    """A copy of ``collection`` with every entity normalised and every location absolute."""
    known = registry if registry is not None else standard_registry()

    def one(entity: _E) -> _E:
        return normalize_entity(entity, base_url=base_url, memory_unit=memory_unit, registry=known)

    locations = tuple(
        _absolute(location, base_url) or location for location in collection.locations
    )
    return collection.model_copy(
        update={
            "resources": tuple(one(resource) for resource in collection.resources),
            "links": tuple(one(link) for link in collection.links),
            "locations": locations,
        }
    )
