"""What the endpoint checks and assigns for links, and for the IP range of a network.

A link's source must be a stored resource and its target a stored resource too, unless
the target is remote (an absolute URI of another endpoint: ``http://other/…``,
``urn:…``). A networkinterface goes from a compute to a network, a storagelink from a
compute to a storage (GFD.224). What a client leaves out the provider assigns:

* networkinterface: the device (``eth0``, ``eth1``… the first one free on the compute)
  and a MAC address (random, locally administered, unique on the endpoint);
* ipnetworkinterface (added by itself when the target network is an ``ipnetwork`` with
  a range): an address from the network's CIDR — the lowest free one (``dynamic``) or
  the one asked for (``static``: 400 outside the range, 409 when taken) — and the
  network's gateway;
* storagelink: the device id (``/dev/vdb``, ``/dev/vdc``…, vda being the root disk);
* the state: ``active`` when both ends are stored here, ``inactive`` for a remote target.

An ``ipnetwork``'s ``occi.network.address`` must be CIDR and its gateway inside it; the
gateway defaults to the first host address. Problems raise 400 (:class:`BadRequestError`)
or, for a taken name or address, 409 (:class:`ConflictError`). Imports no web layer.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlsplit

from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import Entity, Link, Resource
from occi_operator.occi.registry import CategoryRegistry

from .addresses import (
    AddressError,
    IPAddress,
    IPNetwork,
    allocate_address,
    default_gateway,
    generate_mac,
    parse_address,
    parse_network,
)
from .errors import BadRequestError, ConflictError
from .store import Store

__all__ = ["LinkRules", "check_network", "interface_addresses", "local_path", "network_range"]

E = TypeVar("E", bound=Entity)

_TARGET_KINDS = {v.NETWORKINTERFACE_KIND: v.NETWORK_KIND, v.STORAGELINK_KIND: v.STORAGE_KIND}
_DISKS = "bcdefghijklmnopqrstuvwxyz"


def local_path(location: str, base_url: str | None = None) -> str | None:
    """The path of a location on this endpoint, or None for a remote one.

    A path (``/network/1``, or ``network/1``) is local; an absolute URI is local only
    when it starts with the endpoint's ``base_url``.
    """
    if base_url and location.startswith(base_url.rstrip("/") + "/"):
        return location[len(base_url.rstrip("/")):]
    parts = urlsplit(location)
    if parts.scheme:
        return None
    return location if location.startswith("/") else "/" + location


def _address_error(what: str, exc: AddressError) -> Exception:
    error = ConflictError if exc.conflict else BadRequestError
    return error(f"{what}: {exc}")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def check_network(network: E, *, what: str, in_use: Iterable[IPAddress] = ()) -> E:
    """An ``ipnetwork`` network with a valid range and gateway (filled when absent).

    ``in_use`` are addresses of interfaces on the network, which a new range must keep.
    """
    if v.IPNETWORK_MIXIN not in network.mixins:
        return network
    cidr = _text(network.attributes.get(v.NETWORK_ADDRESS))
    if cidr is None:
        return network
    attributes = dict(network.attributes)
    try:
        ip_range = parse_network(cidr, attribute=v.NETWORK_ADDRESS)
        gateway_text = _text(attributes.get(v.NETWORK_GATEWAY))
        if gateway_text is None:
            gateway = default_gateway(ip_range)
            if gateway is not None:
                attributes[v.NETWORK_GATEWAY] = str(gateway)
        elif parse_address(gateway_text, attribute=v.NETWORK_GATEWAY) not in ip_range:
            raise AddressError(
                f"attribute {v.NETWORK_GATEWAY}: {gateway_text} is outside {ip_range}"
            )
    except AddressError as exc:
        raise _address_error(what, exc) from exc
    outside = sorted(str(address) for address in in_use if address not in ip_range)
    if outside:
        raise ConflictError(
            f"{what}: the range cannot become {ip_range}: interfaces use {', '.join(outside)}"
        )
    attributes.setdefault(v.NETWORK_ALLOCATION, v.ALLOCATIONS[0])
    return network.model_copy(update={"attributes": attributes})


class LinkRules:
    """Checks and provider assignments for links, over the store (see the module doc)."""

    def __init__(
        self,
        store: Store,
        *,
        registry: Callable[[], CategoryRegistry],
        rng: random.Random,
        base_url: str | None,
    ) -> None:
        """``registry`` gives the current registry (it changes with user mixins)."""
        self._store = store
        self._registry = registry
        self._rng = rng
        self._base_url = base_url

    def ends(self, link: Link, *, what: str) -> Link:
        """The link with both ends checked and normalised, before defaults and validation.

        Also adds the ipnetworkinterface mixin, and its allocation, when the target
        network has an IP range.
        """
        registry = self._registry()
        if not link.source:
            raise BadRequestError(f"{what}: attribute occi.core.source: is required when "
                                  "creating a link")
        source_path = local_path(link.source, self._base_url)
        source = self._store.get(source_path) if source_path else None
        if source is None or not isinstance(source.entity, Resource):
            raise BadRequestError(f"{what}: occi.core.source {link.source}: no resource is "
                                  "stored there")
        target_path = local_path(link.target, self._base_url)
        target = self._store.get(target_path) if target_path else None
        if target_path is not None and target is None:
            raise BadRequestError(f"{what}: occi.core.target {link.target}: nothing is stored "
                                  "there")
        wanted = _TARGET_KINDS.get(link.kind)
        if wanted is not None:
            if not registry.is_a(source.entity.kind, v.COMPUTE_KIND):
                raise BadRequestError(f"{what}: occi.core.source must be a compute, "
                                      f"{source.location} is a {source.entity.kind}")
            if target is not None and not registry.is_a(target.entity.kind, wanted):
                raise BadRequestError(f"{what}: occi.core.target must be a {wanted}, "
                                      f"{target.location} is a {target.entity.kind}")
        target_kind = target.entity.kind if target is not None else link.target_kind
        if target is not None and link.target_kind not in (None, target_kind):
            raise BadRequestError(f"{what}: occi.core.target.kind {link.target_kind} does not "
                                  f"match the target, a {target_kind}")
        update: dict[str, Any] = {
            "source": source.location, "source_kind": source.entity.kind,
            "target": target_path if target is not None else link.target,
            "target_kind": target_kind,
        }
        if link.kind == v.NETWORKINTERFACE_KIND and target is not None:
            update.update(self._ip_mixin(link, target.entity))
        return link.model_copy(update=update)

    @staticmethod
    def _ip_mixin(link: Link, network: Entity) -> dict[str, Any]:
        mixins, attributes = link.mixins, dict(link.attributes)
        has_range = v.IPNETWORK_MIXIN in network.mixins and v.NETWORK_ADDRESS in network.attributes
        if has_range and v.IPNETWORKINTERFACE_MIXIN not in mixins:
            mixins = (*mixins, v.IPNETWORKINTERFACE_MIXIN)
        if v.IPNETWORKINTERFACE_MIXIN in mixins:
            static = v.NETWORKINTERFACE_ADDRESS in attributes
            attributes.setdefault(v.NETWORKINTERFACE_ALLOCATION, "static" if static else "dynamic")
        return {"mixins": mixins, "attributes": attributes}

    def assign(self, link: Link, *, what: str) -> Link:
        """The provider's part of a new link: device names, MAC, IP address, state."""
        attributes = dict(link.attributes)
        siblings = [
            record.entity for record in self._store.links_of(str(link.source))
            if record.entity.kind == link.kind and record.location != link.location
        ]
        if link.kind == v.NETWORKINTERFACE_KIND:
            self._device(attributes, siblings, v.NETWORKINTERFACE_INTERFACE,
                         (f"eth{n}" for n in range(4096)), what)
            self._mac(attributes, link.location, what)
            if v.IPNETWORKINTERFACE_MIXIN in link.mixins:
                self._address(attributes, link, what)
        elif link.kind == v.STORAGELINK_KIND:
            self._device(attributes, siblings, v.STORAGELINK_DEVICEID,
                         (f"/dev/vd{letter}" for letter in _DISKS), what)
        state = v.STATE_ACTIVE if local_path(link.target, self._base_url) else v.STATE_INACTIVE
        term = link.kind.rpartition("#")[2]
        if link.kind in _TARGET_KINDS:
            attributes[f"occi.{term}.state"] = state
        return link.model_copy(update={"attributes": attributes})

    def check_change(self, old: Link, new: Link, *, what: str) -> Link:
        """An updated link: the same ends; a new MAC, device or address must be free."""
        if new.source != old.source or new.target != old.target:
            raise BadRequestError(f"{what}: occi.core.source and occi.core.target cannot "
                                  "change; delete the link and create another")
        attributes = dict(new.attributes)
        siblings = [r.entity for r in self._store.links_of(str(old.source))
                    if r.entity.kind == old.kind and r.location != old.location]
        for name in (v.NETWORKINTERFACE_MAC, v.STORAGELINK_DEVICEID, v.NETWORKINTERFACE_ADDRESS):
            if attributes.get(name) == old.attributes.get(name):
                continue
            if name == v.NETWORKINTERFACE_MAC:
                self._mac(attributes, old.location, what)
            elif name == v.STORAGELINK_DEVICEID:
                self._device(attributes, siblings, name, iter(()), what)
            elif v.IPNETWORKINTERFACE_MIXIN in new.mixins:
                self._address(attributes, new, what)
        return new.model_copy(update={"attributes": attributes})

    @staticmethod
    def _device(attributes: dict[str, Any], siblings: Sequence[Entity], name: str,
                candidates: Iterable[str], what: str) -> None:
        used = {sibling.attributes.get(name) for sibling in siblings}
        wanted = attributes.get(name)
        if wanted is None:
            free = next((candidate for candidate in candidates if candidate not in used), None)
            if free is None:
                raise ConflictError(f"{what}: no free {name} left on the source")
            attributes[name] = free
        elif wanted in used:
            raise ConflictError(f"{what}: attribute {name}: {wanted} is used by another link "
                                "of the same source")

    def _mac(self, attributes: dict[str, Any], location: str | None, what: str) -> None:
        wanted = _text(attributes.get(v.NETWORKINTERFACE_MAC))
        if wanted is None:
            taken = [
                str(r.entity.attributes.get(v.NETWORKINTERFACE_MAC))
                for r in self._store.list_kind(v.NETWORKINTERFACE_KIND)
            ]
            try:
                attributes[v.NETWORKINTERFACE_MAC] = generate_mac(self._rng, taken=taken)
            except AddressError as exc:
                raise _address_error(what, exc) from exc
            return
        spellings = {wanted, wanted.lower(), wanted.upper()}
        for spelling in spellings:
            users = self._store.list_kind(
                v.NETWORKINTERFACE_KIND, attributes={v.NETWORKINTERFACE_MAC: spelling}
            )
            if any(record.location != location for record in users):
                raise ConflictError(f"{what}: attribute {v.NETWORKINTERFACE_MAC}: {wanted} is "
                                    "used by another network interface")

    def _address(self, attributes: dict[str, Any], link: Link, what: str) -> None:
        network = self._store.get(link.target)
        if network is None:  # a remote network: nothing to allocate from or check against
            return
        ip_range, gateway = network_range(network.entity)
        requested_text = _text(attributes.get(v.NETWORKINTERFACE_ADDRESS))
        static = attributes.get(v.NETWORKINTERFACE_ALLOCATION) == "static"
        if static and requested_text is None:
            raise BadRequestError(f"{what}: attribute {v.NETWORKINTERFACE_ADDRESS}: is "
                                  "required with the static allocation")
        try:
            requested = None if requested_text is None else parse_address(
                requested_text, attribute=v.NETWORKINTERFACE_ADDRESS)
            taken = [address for record in self._store.links_to(link.target)
                     if record.location != link.location
                     for address in _interface_address(record.entity)]
            address = allocate_address(ip_range, taken=taken, gateway=gateway,
                                       requested=requested)
        except AddressError as exc:
            raise _address_error(what, exc) from exc
        attributes[v.NETWORKINTERFACE_ADDRESS] = str(address)
        if gateway is not None:
            attributes.setdefault(v.NETWORKINTERFACE_GATEWAY, str(gateway))


def network_range(network: Entity) -> tuple[IPNetwork | None, IPAddress | None]:
    """The stored network's IP range and gateway (None when it has none, or unreadable)."""
    cidr = _text(network.attributes.get(v.NETWORK_ADDRESS))
    gateway = _text(network.attributes.get(v.NETWORK_GATEWAY))
    try:
        ip_range = None if cidr is None else parse_network(cidr, attribute=v.NETWORK_ADDRESS)
        address = None if gateway is None else parse_address(gateway,
                                                             attribute=v.NETWORK_GATEWAY)
    except AddressError:
        return None, None
    return ip_range, address


def _interface_address(link: Entity) -> list[IPAddress]:
    text = _text(link.attributes.get(v.NETWORKINTERFACE_ADDRESS))
    if text is None:
        return []
    try:
        return [parse_address(text, attribute=v.NETWORKINTERFACE_ADDRESS)]
    except AddressError:
        return []


def interface_addresses(store: Store, network: str) -> list[IPAddress]:
    """The addresses interfaces on the network at ``network`` use."""
    return [address for record in store.links_to(network)
            for address in _interface_address(record.entity)]
