"""Addresses the embedded endpoint hands out: IPs from a network's CIDR, and MAC addresses.

An ``ipnetwork`` network (GFD.224 §3.4.1) names its range in ``occi.network.address``
(CIDR) and its gateway in ``occi.network.gateway``. An ``ipnetworkinterface`` link to it
gets an address from that range: the lowest free host address when the allocation is
dynamic, or the one the client asks for when it is static. The network and broadcast
addresses (IPv4) and the gateway are never handed out. A MAC address is random, unicast
and locally administered (the second-lowest bit of the first octet set, the lowest clear),
so it can never collide with a vendor's.

Functions only, no state: the caller says which addresses are taken (the links stored
to the network) and supplies the random number generator. Every problem raises
:class:`AddressError` with a ``conflict`` flag: the caller answers 409 for a taken
address and 400 for anything else. Imports the standard library only.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Collection, Iterable
from itertools import islice

__all__ = [
    "AddressError",
    "IPAddress",
    "IPNetwork",
    "allocate_address",
    "default_gateway",
    "generate_mac",
    "is_local_unicast_mac",
    "parse_address",
    "parse_network",
]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: How many candidate host addresses a dynamic allocation looks at before giving up;
#: bounds the work on a huge IPv6 range whose first addresses are all taken.
MAX_CANDIDATES = 65536
#: How many random MACs to draw before giving up (2**46 of them exist).
_MAC_ATTEMPTS = 64


class AddressError(ValueError):
    """An address cannot be parsed, lies outside its network, or is taken (``conflict``)."""

    def __init__(self, message: str, *, conflict: bool = False) -> None:
        self.conflict = conflict
        super().__init__(message)


def parse_network(text: str, *, attribute: str) -> IPNetwork:
    """The network of CIDR ``text`` (``10.0.0.0/24``); host bits must be zero."""
    try:
        return ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as exc:
        raise AddressError(
            f"attribute {attribute}: must be a network in CIDR notation such as "
            f"10.0.0.0/24 (got {text!r}: {exc})"
        ) from exc


def parse_address(text: str, *, attribute: str) -> IPAddress:
    """The IP address ``text``; a ``/prefix`` suffix (as some clients send) is dropped."""
    try:
        return ipaddress.ip_address(text.strip().partition("/")[0])
    except ValueError as exc:
        raise AddressError(
            f"attribute {attribute}: must be an IP address (got {text!r})"
        ) from exc


def _hosts(network: IPNetwork) -> Iterable[IPAddress]:
    # ipaddress's hosts() already leaves out IPv4's network and broadcast addresses
    # (except for /31 and /32) and IPv6's subnet-router anycast address.
    return network.hosts()


def _is_host(network: IPNetwork, address: IPAddress) -> bool:
    if isinstance(network, ipaddress.IPv6Network) or network.num_addresses <= 2:
        return True
    return address not in (network.network_address, network.broadcast_address)


def default_gateway(network: IPNetwork) -> IPAddress | None:
    """The first host address of ``network`` (the usual gateway), or None when it has none."""
    return next(iter(_hosts(network)), None)


def allocate_address(
    network: IPNetwork | None,
    *,
    taken: Collection[IPAddress],
    gateway: IPAddress | None = None,
    requested: IPAddress | None = None,
) -> IPAddress:
    """An address for a new interface on ``network``.

    With ``requested`` (static allocation) it must lie inside ``network`` (when the
    network has a range) and be free; otherwise the lowest free host address is chosen.
    ``taken`` holds the addresses already in use; the gateway is never handed out.
    """
    reserved = set(taken) | ({gateway} if gateway is not None else set())
    if requested is not None:
        if network is not None and requested not in network:
            raise AddressError(
                f"address {requested} is outside the network's range {network}"
            )
        if network is not None and not _is_host(network, requested):
            raise AddressError(
                f"address {requested} is the network or broadcast address of {network}"
            )
        if requested in reserved:
            what = "the network's gateway" if requested == gateway else "in use by another link"
            raise AddressError(f"address {requested} is taken: it is {what}", conflict=True)
        return requested
    if network is None:
        raise AddressError(
            "the network has no occi.network.address range to allocate a dynamic address "
            "from; give a static occi.networkinterface.address"
        )
    for candidate in islice(_hosts(network), MAX_CANDIDATES):
        if candidate not in reserved:
            return candidate
    raise AddressError(f"network {network} has no free address left", conflict=True)


def _format_mac(value: int) -> str:
    return ":".join(f"{byte:02x}" for byte in value.to_bytes(6, "big"))


def generate_mac(rng: random.Random, *, taken: Collection[str] = ()) -> str:
    """A random unicast, locally administered MAC (``02:…`` style) not in ``taken``.

    ``taken`` is compared case-insensitively, with ``-`` and ``:`` as equal separators.
    """
    used = {mac.lower().replace("-", ":") for mac in taken}
    for _ in range(_MAC_ATTEMPTS):
        value = rng.getrandbits(48)
        first = ((value >> 40) & 0xFC) | 0x02  # locally administered, unicast
        candidate = _format_mac((first << 40) | (value & 0xFF_FFFF_FFFF))
        if candidate not in used:
            return candidate
    raise AddressError("no free MAC address found", conflict=True)


def is_local_unicast_mac(mac: str) -> bool:
    """True for a MAC whose first octet says locally administered and unicast."""
    first = int(mac.replace("-", ":").split(":")[0], 16)
    return bool(first & 0x02) and not first & 0x01
