"""Validation of entity attributes against the standard registry: each error names the
attribute and the rule it breaks."""

from __future__ import annotations

import math

import pytest

from occi_operator.occi import vocabulary as v
from occi_operator.occi.attributes import AttributeValue
from occi_operator.occi.entities import Link, Resource
from occi_operator.occi.errors import InvalidAttributeError, UnknownCategoryError
from occi_operator.occi.registry import standard_registry

MAC = "fa:16:3e:00:00:01"


def _resource(kind: str, attributes: dict[str, AttributeValue], *mixins: str) -> Resource:
    return Resource(kind=kind, mixins=mixins, attributes=attributes)


@pytest.mark.parametrize(
    ("kind", "mixins", "name", "value", "rule"),
    [
        pytest.param(
            v.NETWORK_KIND, (), v.NETWORK_VLAN, 4096, "must be at most 4095", id="vlan-4096"
        ),
        pytest.param(
            v.NETWORK_KIND, (), v.NETWORK_VLAN, -1, "must be at least 0", id="vlan-negative"
        ),
        pytest.param(v.COMPUTE_KIND, (), v.COMPUTE_CORES, 0, "must be at least 1", id="cores-0"),
        pytest.param(
            v.COMPUTE_KIND,
            (),
            v.COMPUTE_CORES,
            True,
            "must be of type integer",
            id="bool-for-int",
        ),
        pytest.param(
            v.COMPUTE_KIND, (), v.COMPUTE_CORES, 2.5, "must be of type integer", id="cores-2.5"
        ),
        pytest.param(
            v.COMPUTE_KIND,
            (),
            v.COMPUTE_CORES,
            "2",
            "must be of type integer",
            id="string-for-int-is-normalize's-job",
        ),
        pytest.param(
            v.COMPUTE_KIND,
            (),
            v.COMPUTE_ARCHITECTURE,
            "arm",
            "must be one of x86, x64",
            id="arch-arm",
        ),
        pytest.param(
            v.COMPUTE_KIND, (), v.COMPUTE_MEMORY, -1, "must be at least 0", id="memory-negative"
        ),
        pytest.param(
            v.COMPUTE_KIND,
            (),
            v.COMPUTE_MEMORY,
            math.nan,
            "must be a finite number",
            id="memory-nan",
        ),
        pytest.param(
            v.COMPUTE_KIND, (), v.COMPUTE_SHARE, -3, "must be at least 0", id="share-negative"
        ),
        pytest.param(
            v.COMPUTE_KIND, (), v.COMPUTE_HOSTNAME, 5, "must be of type string", id="int-for-str"
        ),
        pytest.param(
            v.COMPUTE_KIND,
            (),
            v.COMPUTE_STATE,
            "running",
            "must be one of active, inactive, suspended, error, waiting",
            id="unknown-state",
        ),
        pytest.param(
            v.STORAGE_KIND, (), v.STORAGE_SIZE, -5, "must be at least 0", id="size-negative"
        ),
        pytest.param(
            v.NETWORK_KIND,
            (v.IPNETWORK_MIXIN,),
            v.NETWORK_ALLOCATION,
            "dhcp",
            "must be one of dynamic, static",
            id="allocation-dhcp",
        ),
        pytest.param(
            v.COMPUTE_KIND,
            (),
            "occi.compute.core",
            2,
            "is not defined by the kind or mixins of this compute (names under occi. are reserved)",
            id="typo-in-reserved-name",
        ),
        pytest.param(
            v.COMPUTE_KIND,
            (),
            v.COMPUTE_USERDATA,
            "I2Nsb3VkLWNvbmZpZw==",
            "is not defined by the kind or mixins of this compute (names under occi. are reserved)",
            id="userdata-without-its-mixin",
        ),
    ],
)
def test_bad_values_name_attribute_and_rule(
    kind: str, mixins: tuple[str, ...], name: str, value: AttributeValue, rule: str
) -> None:
    entity = _resource(kind, {name: value}, *mixins)
    with pytest.raises(InvalidAttributeError) as caught:
        standard_registry().validate_entity(entity, creating=False)
    assert (caught.value.name, caught.value.rule) == (name, rule)
    assert name in str(caught.value)
    assert rule in str(caught.value)


@pytest.mark.parametrize(
    ("kind", "mixins", "attributes"),
    [
        pytest.param(v.NETWORK_KIND, (), {v.NETWORK_VLAN: 0}, id="vlan-0"),
        pytest.param(v.NETWORK_KIND, (), {v.NETWORK_VLAN: 4095}, id="vlan-4095"),
        pytest.param(v.COMPUTE_KIND, (), {v.COMPUTE_CORES: 1}, id="cores-1"),
        pytest.param(v.COMPUTE_KIND, (), {v.COMPUTE_CORES: 2.0}, id="integral-float-cores"),
        pytest.param(v.COMPUTE_KIND, (), {v.COMPUTE_ARCHITECTURE: "x64"}, id="arch-x64"),
        pytest.param(v.COMPUTE_KIND, (), {v.COMPUTE_MEMORY: 0.5}, id="memory-float"),
        pytest.param(v.COMPUTE_KIND, (), {v.COMPUTE_MEMORY: 2}, id="memory-int-is-a-number"),
        pytest.param(v.COMPUTE_KIND, (), {v.COMPUTE_SPEED: 2.4}, id="legacy-speed"),
        pytest.param(v.COMPUTE_KIND, (), {v.COMPUTE_STATE: "waiting"}, id="rocci-waiting"),
        pytest.param(v.COMPUTE_KIND, (), {"org.example.flavor": [1, 2]}, id="extension-name"),
        pytest.param(v.STORAGE_KIND, (), {v.STORAGE_STATE: "degraded"}, id="legacy-storage-state"),
        pytest.param(
            v.NETWORK_KIND,
            (v.IPNETWORK_MIXIN,),
            {v.NETWORK_ADDRESS: "10.0.0.0/24", v.NETWORK_ALLOCATION: "static"},
            id="ipnetwork",
        ),
        pytest.param(
            v.COMPUTE_KIND,
            (v.OPENSTACK_PUBLIC_KEY_MIXIN,),
            {v.OPENSTACK_PUBLICKEY_DATA: "ssh-ed25519 AAAA"},
            id="openstack-public-key",
        ),
    ],
)
def test_good_values_pass(
    kind: str, mixins: tuple[str, ...], attributes: dict[str, AttributeValue]
) -> None:
    standard_registry().validate_entity(_resource(kind, attributes, *mixins), creating=False)


def test_the_strict_registry_refuses_the_1_1_speed() -> None:
    entity = _resource(v.COMPUTE_KIND, {v.COMPUTE_SPEED: 2.4})
    with pytest.raises(InvalidAttributeError) as caught:
        standard_registry(legacy=False).validate_entity(entity, creating=False)
    assert caught.value.name == v.COMPUTE_SPEED


@pytest.mark.parametrize(
    ("entity", "name"),
    [
        pytest.param(_resource(v.STORAGE_KIND, {}), v.STORAGE_SIZE, id="storage-size"),
        pytest.param(
            _resource(v.COMPUTE_KIND, {}, v.SSH_KEY_MIXIN),
            v.CREDENTIALS_SSH_PUBLICKEY,
            id="ssh-key",
        ),
        pytest.param(
            _resource(v.COMPUTE_KIND, {}, v.USER_DATA_MIXIN), v.COMPUTE_USERDATA, id="user-data"
        ),
        pytest.param(
            Link(kind=v.NETWORKINTERFACE_KIND, target="/network/1"),
            "occi.core.source",
            id="standalone-link-source",
        ),
        pytest.param(
            Link(
                kind=v.NETWORKINTERFACE_KIND,
                source="/compute/1",
                target="/network/1",
                mixins=(v.IPNETWORKINTERFACE_MIXIN,),
            ),
            v.NETWORKINTERFACE_ALLOCATION,
            id="ip-allocation",
        ),
    ],
)
def test_create_needs_the_required_attributes(entity: Resource | Link, name: str) -> None:
    registry = standard_registry()
    registry.validate_entity(entity, creating=False)
    with pytest.raises(InvalidAttributeError, match="is required when creating a") as caught:
        registry.validate_entity(entity, creating=True)
    assert caught.value.name == name


def test_create_does_not_demand_what_the_provider_assigns_or_defaults() -> None:
    # No id, interface, MAC or address (provider-assigned); no state (it has a default);
    # an inline link's source is the resource itself.
    compute = Resource(
        kind=v.COMPUTE_KIND,
        title="web-1",
        links=(
            Link(
                kind=v.NETWORKINTERFACE_KIND,
                target="/network/public",
                mixins=(v.IPNETWORKINTERFACE_MIXIN,),
                attributes={v.NETWORKINTERFACE_ALLOCATION: "dynamic"},
            ),
            Link(kind=v.STORAGELINK_KIND, target="/storage/disk"),
        ),
    )
    standard_registry().validate_entity(compute, creating=True)
    storage = _resource(v.STORAGE_KIND, {v.STORAGE_SIZE: 10})
    standard_registry().validate_entity(storage, creating=True)


def test_links_inside_a_resource_are_validated() -> None:
    compute = Resource(
        kind=v.COMPUTE_KIND,
        links=(
            Link(
                kind=v.NETWORKINTERFACE_KIND,
                target="/network/1",
                attributes={v.NETWORKINTERFACE_MAC: "not-a-mac"},
            ),
        ),
    )
    with pytest.raises(InvalidAttributeError, match="must match") as caught:
        standard_registry().validate_entity(compute, creating=False)
    assert caught.value.name == v.NETWORKINTERFACE_MAC
    good = compute.links[0].model_copy(update={"attributes": {v.NETWORKINTERFACE_MAC: MAC}})
    standard_registry().validate_entity(good, creating=False)


@pytest.mark.parametrize(
    "entity",
    [
        pytest.param(Resource(kind="http://example.org/occi#vm"), id="unknown-kind"),
        pytest.param(Resource(kind=v.IPNETWORK_MIXIN), id="mixin-as-kind"),
        pytest.param(
            Resource(kind=v.COMPUTE_KIND, mixins=("http://example.org/os_tpl#debian",)),
            id="unknown-mixin",
        ),
    ],
)
def test_unknown_categories_are_refused(entity: Resource) -> None:
    with pytest.raises(UnknownCategoryError):
        standard_registry().validate_entity(entity, creating=True)
