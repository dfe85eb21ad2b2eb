"""IP allocation from a network's CIDR and MAC generation (GFD.224 §3.4 ipnetwork mixins)."""

from __future__ import annotations

import ipaddress
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from occi_operator.endpoint.addresses import (
    AddressError,
    allocate_address,
    default_gateway,
    generate_mac,
    is_local_unicast_mac,
    parse_address,
    parse_network,
)

ip = ipaddress.ip_address
net = ipaddress.ip_network


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("10.0.0.0/24", net("10.0.0.0/24"), id="ipv4"),
        pytest.param(" 192.168.1.0/30 ", net("192.168.1.0/30"), id="spaces-trimmed"),
        pytest.param("2001:db8::/64", net("2001:db8::/64"), id="ipv6"),
    ],
)
def test_parse_network_reads_cidr(text: str, expected: object) -> None:
    assert parse_network(text, attribute="occi.network.address") == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("10.0.0.1/24", id="host-bits-set"),
        pytest.param("10.0.0.0/33", id="prefix-too-long"),
        pytest.param("not-a-network", id="garbage"),
        pytest.param("", id="empty"),
    ],
)
def test_parse_network_refuses_what_is_not_cidr(text: str) -> None:
    with pytest.raises(AddressError, match=r"occi\.network\.address: must be a network in CIDR"):
        parse_network(text, attribute="occi.network.address")


def test_parse_address_drops_a_prefix_and_refuses_garbage() -> None:
    assert parse_address("10.0.0.5/24", attribute="a") == ip("10.0.0.5")
    with pytest.raises(AddressError, match="attribute a: must be an IP address"):
        parse_address("10.0.0.256", attribute="a")


@pytest.mark.parametrize(
    ("cidr", "gateway"),
    [
        pytest.param("10.0.0.0/24", "10.0.0.1", id="ipv4-first-host"),
        pytest.param("10.0.0.0/31", "10.0.0.0", id="point-to-point"),
        pytest.param("2001:db8::/64", "2001:db8::1", id="ipv6"),
    ],
)
def test_default_gateway_is_the_first_host(cidr: str, gateway: str) -> None:
    assert default_gateway(net(cidr)) == ip(gateway)


@pytest.mark.parametrize(
    ("cidr", "taken", "gateway", "expected"),
    [
        pytest.param("10.0.0.0/24", [], None, "10.0.0.1", id="first-host-when-no-gateway"),
        pytest.param("10.0.0.0/24", [], "10.0.0.1", "10.0.0.2", id="skips-gateway"),
        pytest.param("10.0.0.0/24", ["10.0.0.2", "10.0.0.3"], "10.0.0.1", "10.0.0.4",
                     id="skips-taken"),
        pytest.param("10.0.0.0/24", ["10.0.0.3"], "10.0.0.1", "10.0.0.2", id="fills-a-hole"),
        pytest.param("2001:db8::/120", [], "2001:db8::1", "2001:db8::2", id="ipv6"),
    ],
)
def test_dynamic_allocation_takes_the_lowest_free_host(
    cidr: str, taken: list[str], gateway: str | None, expected: str
) -> None:
    chosen = allocate_address(
        net(cidr), taken=[ip(a) for a in taken], gateway=ip(gateway) if gateway else None
    )
    assert chosen == ip(expected)


def test_dynamic_allocation_in_a_full_network_is_a_conflict() -> None:
    with pytest.raises(AddressError, match="no free address") as caught:
        allocate_address(net("10.0.0.0/30"), taken=[ip("10.0.0.2")], gateway=ip("10.0.0.1"))
    assert caught.value.conflict


def test_dynamic_allocation_needs_a_range() -> None:
    with pytest.raises(AddressError, match=r"no occi\.network\.address range") as caught:
        allocate_address(None, taken=[])
    assert not caught.value.conflict


@pytest.mark.parametrize(
    ("requested", "conflict", "message"),
    [
        pytest.param("10.0.1.5", False, "outside the network's range", id="outside"),
        pytest.param("10.0.0.0", False, "network or broadcast", id="network-address"),
        pytest.param("10.0.0.255", False, "network or broadcast", id="broadcast"),
        pytest.param("10.0.0.1", True, "gateway", id="gateway"),
        pytest.param("10.0.0.9", True, "in use", id="taken"),
    ],
)
def test_static_allocation_refuses_bad_addresses(
    requested: str, conflict: bool, message: str
) -> None:
    with pytest.raises(AddressError, match=message) as caught:
        allocate_address(net("10.0.0.0/24"), taken=[ip("10.0.0.9")], gateway=ip("10.0.0.1"),
                         requested=ip(requested))
    assert caught.value.conflict is conflict


def test_static_allocation_returns_the_requested_free_address() -> None:
    chosen = allocate_address(net("10.0.0.0/24"), taken=[ip("10.0.0.2")],
                              gateway=ip("10.0.0.1"), requested=ip("10.0.0.77"))
    assert chosen == ip("10.0.0.77")


def test_static_allocation_without_a_range_only_checks_uniqueness() -> None:
    assert allocate_address(None, taken=[], requested=ip("172.16.0.9")) == ip("172.16.0.9")
    with pytest.raises(AddressError) as caught:
        allocate_address(None, taken=[ip("172.16.0.9")], requested=ip("172.16.0.9"))
    assert caught.value.conflict


@given(seed=st.integers(min_value=0, max_value=2**32))
def test_generated_macs_are_locally_administered_unicast(seed: int) -> None:
    mac = generate_mac(random.Random(seed))
    assert is_local_unicast_mac(mac)
    assert len(mac.split(":")) == 6


def test_generated_macs_avoid_taken_ones() -> None:
    first = generate_mac(random.Random(3))
    again = generate_mac(random.Random(3), taken=[first.upper().replace(":", "-")])
    assert again != first


def test_mac_generation_gives_up_when_the_dice_keep_repeating() -> None:
    class Stuck(random.Random):
        def getrandbits(self, k: int) -> int:
            return 0

    with pytest.raises(AddressError, match="no free MAC") as caught:
        generate_mac(Stuck(), taken=["02:00:00:00:00:00"])
    assert caught.value.conflict


@pytest.mark.parametrize(
    ("mac", "expected"),
    [
        pytest.param("02:00:00:00:00:01", True, id="local-unicast"),
        pytest.param("00:16:3e:00:00:01", False, id="vendor"),
        pytest.param("03:00:00:00:00:01", False, id="multicast"),
        pytest.param("fe-00-00-00-00-01", True, id="dash-separated"),
    ],
)
def test_is_local_unicast_mac(mac: str, expected: bool) -> None:
    assert is_local_unicast_mac(mac) is expected
