"""Lenient normalisation of what real servers (rOCCI-server, ooi) send into the 1.2 form."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from occi_operator.occi import vocabulary as v
from occi_operator.occi.attributes import AttributeDefinition, AttributeType, AttributeValue
from occi_operator.occi.categories import Mixin
from occi_operator.occi.entities import Collection, Link, Resource
from occi_operator.occi.normalize import (
    ATTRIBUTE_ALIASES,
    MemoryUnit,
    memory_in_gib,
    normalize_collection,
    normalize_entity,
)
from occi_operator.occi.registry import CategoryRegistry, standard_registry
from occi_operator.occi.states import is_provisioning

OOI = "http://ooi.example.org:8787/occi1.1"
# ooi attaches its image and flavour as mixins in schemas.openstack.org schemes.
OOI_TEMPLATES = (
    "http://schemas.openstack.org/template/os#5f4311da",
    "http://schemas.openstack.org/template/resource#42",
)
ROCCI_TEMPLATES = ("http://fedcloud.egi.eu/occi/infrastructure/resource_tpl#small",)


def _compute(attributes: Mapping[str, AttributeValue], *mixins: str) -> Resource:
    return Resource(kind=v.COMPUTE_KIND, mixins=mixins, attributes=dict(attributes))


def _normalized(
    entity: Resource, memory_unit: MemoryUnit = MemoryUnit.AUTO
) -> dict[str, AttributeValue]:
    return normalize_entity(entity, base_url=None, memory_unit=memory_unit).attributes


@pytest.mark.parametrize(
    ("sent", "standard"),
    [
        pytest.param("occi.crendentials.ssh.publickey", v.CREDENTIALS_SSH_PUBLICKEY, id="ooi-typo"),
        pytest.param("occi.credentials.ssh_key", v.CREDENTIALS_SSH_PUBLICKEY, id="ooi-ssh_key"),
        pytest.param("occi.compute.user_data", v.COMPUTE_USERDATA, id="ooi-user_data"),
    ],
)
def test_server_spellings_become_the_standard_names(sent: str, standard: str) -> None:
    assert ATTRIBUTE_ALIASES[sent] == standard
    assert _normalized(_compute({sent: "value"})) == {standard: "value"}


def test_the_standard_spelling_wins_over_an_alias() -> None:
    sent = {"occi.crendentials.ssh.publickey": "old", v.CREDENTIALS_SSH_PUBLICKEY: "new"}
    assert _normalized(_compute(sent)) == {v.CREDENTIALS_SSH_PUBLICKEY: "new"}


def test_occi_1_1_names_are_already_the_1_2_names() -> None:
    # What rOCCI (OCCI 1.1 model) sends for a VM and its network interface.
    compute = _compute(
        {
            v.COMPUTE_ARCHITECTURE: "x64",
            v.COMPUTE_CORES: 2,
            v.COMPUTE_SPEED: 2.4,
            v.COMPUTE_MEMORY: 1.7,
            v.COMPUTE_STATE: "active",
        },
        *ROCCI_TEMPLATES,
    )
    link = Link(
        kind=v.NETWORKINTERFACE_KIND,
        target="/network/1",
        mixins=(v.IPNETWORKINTERFACE_MIXIN,),
        attributes={
            v.NETWORKINTERFACE_INTERFACE: "eth0",
            v.NETWORKINTERFACE_MAC: "02:00:0a:00:00:01",
            v.NETWORKINTERFACE_ADDRESS: "10.0.0.1",
            v.NETWORKINTERFACE_ALLOCATION: "dynamic",
        },
    )
    assert _normalized(compute) == compute.attributes
    assert normalize_entity(link, base_url=None).attributes == link.attributes


@pytest.mark.parametrize(
    ("kind", "name", "sent", "expected"),
    [
        pytest.param(v.COMPUTE_KIND, v.COMPUTE_CORES, "2", 2, id="integer"),
        pytest.param(v.COMPUTE_KIND, v.COMPUTE_CORES, " 3 ", 3, id="padded-integer"),
        pytest.param(v.COMPUTE_KIND, v.COMPUTE_CORES, "2.0", 2, id="integral-float-to-int"),
        pytest.param(v.COMPUTE_KIND, v.COMPUTE_MEMORY, "1.5", 1.5, id="float"),
        pytest.param(v.COMPUTE_KIND, v.COMPUTE_SPEED, "2.4", 2.4, id="legacy-speed"),
        pytest.param(v.NETWORK_KIND, v.NETWORK_VLAN, "12", 12, id="vlan"),
        pytest.param(v.STORAGE_KIND, v.STORAGE_SIZE, "20", 20, id="storage-size"),
        pytest.param(
            v.STORAGE_KIND,
            v.STORAGE_SIZE,
            "12345678901234567891",
            12345678901234567891,
            id="big-integer-stays-exact",
        ),
        pytest.param(v.COMPUTE_KIND, v.COMPUTE_HOSTNAME, "42", "42", id="string-stays-string"),
        pytest.param(v.COMPUTE_KIND, v.COMPUTE_CORES, "two", "two", id="not-a-number-stays"),
        pytest.param(v.COMPUTE_KIND, v.COMPUTE_CORES, "1e3", "1e3", id="exponent-stays"),
        pytest.param(v.COMPUTE_KIND, v.COMPUTE_CORES, "nan", "nan", id="nan-stays"),
        pytest.param(v.COMPUTE_KIND, "org.example.count", "5", "5", id="unknown-name-stays"),
    ],
)
def test_numbers_sent_as_strings_become_numbers(
    kind: str, name: str, sent: str, expected: AttributeValue
) -> None:
    found = _normalized(Resource(kind=kind, attributes={name: sent}))[name]
    assert found == expected
    assert type(found) is type(expected)


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_any_integer_text_becomes_that_integer(number: int) -> None:
    entity = Resource(kind=v.NETWORK_KIND, attributes={v.NETWORK_VLAN: str(number)})
    assert _normalized(entity)[v.NETWORK_VLAN] == number


def test_the_endpoint_registry_types_its_own_extensions() -> None:
    flags = Mixin(
        scheme="http://example.org/occi#",
        term="flags",
        attributes=(
            AttributeDefinition(name="org.example.ha", type=AttributeType.BOOLEAN),
            AttributeDefinition(name="org.example.count", type=AttributeType.INTEGER),
        ),
    )
    registry = standard_registry().merge(CategoryRegistry([flags]))
    entity = _compute({"org.example.ha": "True", "org.example.count": "5"}, flags.type_id)
    found = normalize_entity(entity, base_url=None, registry=registry).attributes
    assert found == {"org.example.ha": True, "org.example.count": 5}


@pytest.mark.parametrize(
    ("unit", "sent", "mixins", "expected"),
    [
        pytest.param(MemoryUnit.AUTO, 64, OOI_TEMPLATES, 0.0625, id="ooi-m1.nano-64MiB"),
        pytest.param(MemoryUnit.AUTO, 4, OOI_TEMPLATES, 4 / 1024, id="ooi-small-value"),
        pytest.param(MemoryUnit.AUTO, 2048, (), 2.0, id="whole-2048-is-MiB"),
        pytest.param(MemoryUnit.AUTO, 512, (), 0.5, id="threshold-512-is-MiB"),
        pytest.param(MemoryUnit.AUTO, 256, (), 256, id="below-threshold-is-GiB"),
        pytest.param(MemoryUnit.AUTO, 1.7, ROCCI_TEMPLATES, 1.7, id="rocci-GiB"),
        pytest.param(MemoryUnit.AUTO, 1024.5, (), 1024.5, id="fraction-is-GiB"),
        pytest.param(MemoryUnit.AUTO, "2048", (), 2.0, id="string-then-MiB"),
        pytest.param(MemoryUnit.GIB, 2048, OOI_TEMPLATES, 2048, id="flag-GiB-never-converts"),
        pytest.param(MemoryUnit.MIB, 4096, (), 4.0, id="flag-MiB-always-converts"),
        pytest.param(MemoryUnit.MIB, 256, (), 0.25, id="flag-MiB-small-value"),
    ],
)
def test_memory_ends_up_in_gib(
    unit: MemoryUnit, sent: AttributeValue, mixins: tuple[str, ...], expected: float
) -> None:
    found = _normalized(_compute({v.COMPUTE_MEMORY: sent}, *mixins), memory_unit=unit)
    assert found[v.COMPUTE_MEMORY] == pytest.approx(expected)


def test_memory_helper_and_non_numbers() -> None:
    assert memory_in_gib(1024, unit=MemoryUnit.MIB) == 1.0
    assert memory_in_gib(8, mixins=OOI_TEMPLATES) == 8 / 1024
    assert _normalized(_compute({v.COMPUTE_MEMORY: "lots"})) == {v.COMPUTE_MEMORY: "lots"}


@pytest.mark.parametrize(
    ("base_url", "location", "expected"),
    [
        pytest.param(OOI, "/compute/1", "http://ooi.example.org:8787/compute/1", id="host-root"),
        pytest.param(OOI, "compute/1", OOI + "/compute/1", id="under-endpoint-path"),
        pytest.param(OOI + "/", "compute/1", OOI + "/compute/1", id="base-with-slash"),
        pytest.param(OOI, "https://other/compute/1", "https://other/compute/1", id="absolute"),
        pytest.param(OOI, "urn:uuid:1234", "urn:uuid:1234", id="urn"),
        pytest.param(None, "/compute/1", "/compute/1", id="no-base"),
    ],
)
def test_relative_locations_become_absolute(
    base_url: str | None, location: str, expected: str
) -> None:
    entity = Resource(kind=v.COMPUTE_KIND, location=location)
    assert normalize_entity(entity, base_url=base_url).location == expected


def test_links_and_their_ends_are_normalised() -> None:
    rocci = "https://rocci.example.org:11443/"
    link = Link(
        kind=v.STORAGELINK_KIND, source="/compute/1", target="/storage/2", location="/link/3"
    )
    compute = Resource(kind=v.COMPUTE_KIND, location="/compute/1", links=(link,))
    found = normalize_entity(compute, base_url=rocci)
    assert isinstance(found, Resource)
    (inline,) = found.links
    assert (inline.source, inline.target, inline.location) == (
        rocci + "compute/1",
        rocci + "storage/2",
        rocci + "link/3",
    )
    standalone = normalize_entity(link, base_url=rocci)
    assert isinstance(standalone, Link)
    assert standalone.target == rocci + "storage/2"


def test_waiting_is_kept_and_reads_as_provisioning() -> None:
    found = _normalized(_compute({v.COMPUTE_STATE: "waiting"}))
    assert found[v.COMPUTE_STATE] == "waiting"
    assert is_provisioning(found[v.COMPUTE_STATE])


def test_normalisation_leaves_its_input_alone() -> None:
    sent = {v.COMPUTE_MEMORY: 2048, "occi.compute.user_data": "x", v.COMPUTE_CORES: "2"}
    entity = Resource(
        kind=v.COMPUTE_KIND, mixins=OOI_TEMPLATES, attributes=dict(sent), location="/compute/1"
    )
    normalize_entity(entity, base_url=OOI)
    assert entity.attributes == sent
    assert entity.location == "/compute/1"


def test_collections_are_normalised_entity_by_entity() -> None:
    collection = Collection(
        resources=(_compute({v.COMPUTE_MEMORY: 64}, *OOI_TEMPLATES),),
        links=(Link(kind=v.NETWORKINTERFACE_KIND, source="/compute/1", target="/network/1"),),
        locations=("/compute/1", "http://ooi.example.org:8787/occi1.1/compute/2"),
    )
    found = normalize_collection(collection, base_url=OOI + "/")
    assert found.resources[0].attributes[v.COMPUTE_MEMORY] == pytest.approx(0.0625)
    assert found.links[0].source == "http://ooi.example.org:8787/compute/1"
    assert found.locations == (
        "http://ooi.example.org:8787/compute/1",
        "http://ooi.example.org:8787/occi1.1/compute/2",
    )
