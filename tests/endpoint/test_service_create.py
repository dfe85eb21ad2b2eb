"""Creating entities: ids, kinds and collections, defaults from kinds and templates, and
validation against the registry (GFD.223 §3.5.1 create, GFD.221 §4 attributes)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service_support import DEBIAN, LARGE, SMALL, UBUNTU, compute, network, nic, open_infrastructure

from occi_operator.endpoint.catalog import ATTR_DISK, ATTR_IMAGE
from occi_operator.endpoint.errors import BadRequestError, ConflictError, NotFoundError
from occi_operator.endpoint.service import Infrastructure
from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import Link, Resource


@pytest.fixture
def infra(tmp_path: Path) -> Iterator[Infrastructure]:
    with open_infrastructure(tmp_path) as opened:
        yield opened


def test_create_minimal_compute_gets_a_uuid_and_the_kind_defaults(infra: Infrastructure) -> None:
    record = infra.create("/compute/", compute())
    entity = record.entity
    assert uuid.UUID(str(entity.id)).version == 4
    assert record.location == f"/compute/{entity.id}" == entity.location
    assert entity.attributes == {v.COMPUTE_STATE: v.STATE_INACTIVE}
    assert entity.actions == (v.COMPUTE_START,)


def test_create_full_compute_takes_values_from_its_templates(infra: Infrastructure) -> None:
    record = infra.create("/compute/", compute(DEBIAN, LARGE, title="web-1",
                                               **{v.COMPUTE_HOSTNAME: "web-1.example"}))
    attributes = record.entity.attributes
    assert record.entity.title == "web-1"
    assert attributes[v.COMPUTE_CORES] == 4
    assert attributes[v.COMPUTE_MEMORY] == 8.0
    assert attributes[v.COMPUTE_ARCHITECTURE] == "x64"
    assert attributes[ATTR_IMAGE] == "debian-12-genericcloud-amd64"
    assert attributes[ATTR_DISK] == 80
    assert attributes[v.COMPUTE_HOSTNAME] == "web-1.example"


def test_explicit_values_win_over_template_defaults(infra: Infrastructure) -> None:
    record = infra.create("/compute/", compute(SMALL, **{v.COMPUTE_CORES: 3}))
    assert record.entity.attributes[v.COMPUTE_CORES] == 3
    assert record.entity.attributes[v.COMPUTE_MEMORY] == 2.0


@pytest.mark.parametrize(
    "wanted",
    [
        pytest.param("my-vm-1", id="name"),
        pytest.param(str(uuid.uuid4()), id="uuid"),
        pytest.param("a.b_c~d", id="unreserved-characters"),
    ],
)
def test_a_free_client_id_is_honoured(infra: Infrastructure, wanted: str) -> None:
    record = infra.create("/compute/", compute().model_copy(update={"id": wanted}))
    assert record.location == f"/compute/{wanted}"
    assert record.entity.id == wanted


def test_a_taken_client_id_is_a_conflict_even_in_another_collection(
    infra: Infrastructure,
) -> None:
    infra.create("/network/", network().model_copy(update={"id": "shared"}))
    with pytest.raises(ConflictError, match=r"occi\.core\.id: shared is already taken"):
        infra.create("/compute/", compute().model_copy(update={"id": "shared"}))


@pytest.mark.parametrize(
    "wanted",
    [
        pytest.param("urn:uuid:1234", id="urn-colon"),
        pytest.param("a/b", id="slash"),
        pytest.param("-leading-dash", id="leading-dash"),
        pytest.param("x" * 129, id="too-long"),
        pytest.param("", id="empty"),
    ],
)
def test_a_client_id_must_be_a_path_segment(infra: Infrastructure, wanted: str) -> None:
    with pytest.raises(BadRequestError, match=r"occi\.core\.id: must be a path segment"):
        infra.create("/compute/", compute().model_copy(update={"id": wanted}))


@pytest.mark.parametrize(
    ("collection", "entity", "message"),
    [
        pytest.param("/compute/", network(), "creates a compute; the request's kind is",
                     id="network-posted-to-compute"),
        pytest.param("/networkinterface/", Resource(kind=v.NETWORKINTERFACE_KIND),
                     "is a link; the request describes a resource", id="link-kind-as-resource"),
        pytest.param("/compute/", Link(kind=v.COMPUTE_KIND, target="/network/x"),
                     "is a resource; the request describes a link", id="resource-kind-as-link"),
        pytest.param("/entity/", Resource(kind=v.ENTITY_KIND), "is abstract",
                     id="abstract-entity"),
    ],
)
def test_the_kind_must_fit_the_collection(
    infra: Infrastructure, collection: str, entity: Resource | Link, message: str
) -> None:
    with pytest.raises(BadRequestError, match=message):
        infra.create(collection, entity)
    assert infra.list(collection, where=None) == []


@pytest.mark.parametrize(
    "collection",
    [
        pytest.param("/nothing/", id="unknown-path"),
        pytest.param("/os_tpl/", id="mixin-collection"),
    ],
)
def test_create_needs_a_kind_collection(infra: Infrastructure, collection: str) -> None:
    with pytest.raises(NotFoundError, match=f"{collection} is"):
        infra.create(collection, compute())


def test_core_resources_and_links_can_be_created(infra: Infrastructure) -> None:
    resource = infra.create("/resource/", Resource(kind=v.RESOURCE_KIND, title="plain"))
    link = infra.create("/link/", Link(kind=v.LINK_KIND, source=resource.location,
                                       target="http://elsewhere.example/thing/1"))
    assert link.entity.source == resource.location  # type: ignore[union-attr]
    assert [r.location for r in infra.list("/resource/", where=None)] == [resource.location]


@pytest.mark.parametrize(
    ("entity", "rule"),
    [
        pytest.param(compute(**{v.COMPUTE_CORES: 0}),
                     r"attribute occi\.compute\.cores: must be at least 1 \(got 0\)",
                     id="cores-below-minimum"),
        pytest.param(compute(**{v.COMPUTE_CORES: "two"}),
                     r"attribute occi\.compute\.cores: must be of type integer",
                     id="cores-not-a-number"),
        pytest.param(compute(**{v.COMPUTE_ARCHITECTURE: "sparc"}),
                     r"attribute occi\.compute\.architecture: must be one of x86, x64",
                     id="architecture-enumeration"),
        pytest.param(network(**{v.NETWORK_VLAN: 5000}),
                     r"attribute occi\.network\.vlan: must be at most 4095", id="vlan-range"),
        pytest.param(Resource(kind=v.STORAGE_KIND),
                     r"attribute occi\.storage\.size: is required when creating a storage",
                     id="storage-size-required"),
        pytest.param(compute(**{"occi.compute.colour": "red"}),
                     r"attribute occi\.compute\.colour: is not defined .* reserved",
                     id="reserved-prefix"),
        pytest.param(compute(v.USER_DATA_MIXIN),
                     r"attribute occi\.compute\.userdata: is required", id="mixin-requires"),
        pytest.param(network("10.0.0.0/33"),
                     r"attribute occi\.network\.address: must be a network in CIDR",
                     id="network-cidr"),
        pytest.param(network("10.0.0.0/24", **{v.NETWORK_GATEWAY: "10.9.9.9"}),
                     r"occi\.network\.gateway: 10\.9\.9\.9 is outside 10\.0\.0\.0/24",
                     id="gateway-outside"),
    ],
)
def test_invalid_attributes_are_a_bad_request_naming_attribute_and_rule(
    infra: Infrastructure, entity: Resource, rule: str
) -> None:
    collection = "/" + entity.kind.rpartition("#")[2] + "/"
    with pytest.raises(BadRequestError, match=rule):
        infra.create(collection, entity)
    assert infra.list(collection, where=None) == []


@pytest.mark.parametrize(
    ("mixins", "message"),
    [
        pytest.param(("http://example.org/nope#tpl",), "unknown category", id="unknown-mixin"),
        pytest.param((v.IPNETWORK_MIXIN,), "applies to network, not to compute",
                     id="mixin-for-another-kind"),
        pytest.param((SMALL, LARGE), "both resource_tpl templates", id="two-resource-tpls"),
        pytest.param((DEBIAN, UBUNTU), "both os_tpl templates", id="two-os-tpls"),
        pytest.param((v.COMPUTE_START,), "unknown category", id="action-as-mixin"),
    ],
)
def test_mixins_must_be_known_applicable_and_one_per_template_family(
    infra: Infrastructure, mixins: tuple[str, ...], message: str
) -> None:
    with pytest.raises(BadRequestError, match=message):
        infra.create("/compute/", compute(*mixins))


def test_state_and_actions_in_the_request_are_the_providers(infra: Infrastructure) -> None:
    request = compute(**{v.COMPUTE_STATE: v.STATE_ACTIVE, v.COMPUTE_STATE_MESSAGE: "hi"})
    request = request.model_copy(update={"actions": (v.COMPUTE_STOP,)})
    record = infra.create("/compute/", request)
    assert record.entity.attributes == {v.COMPUTE_STATE: v.STATE_INACTIVE}
    assert record.entity.actions == (v.COMPUTE_START,)


def test_both_contextualization_families_are_accepted(infra: Infrastructure) -> None:
    attributes: dict[str, Any] = {
        v.COMPUTE_USERDATA: "I2Nsb3VkLWNvbmZpZw==", v.OPENSTACK_USER_DATA: "I2Nsb3Vk",
        v.CREDENTIALS_SSH_PUBLICKEY: "ssh-ed25519 AAAA", v.OPENSTACK_PUBLICKEY_DATA: "ssh-rsa B",
    }
    mixins = (v.USER_DATA_MIXIN, v.SSH_KEY_MIXIN, v.OPENSTACK_USER_DATA_MIXIN,
              v.OPENSTACK_PUBLIC_KEY_MIXIN)
    record = infra.create("/compute/", compute(*mixins, **attributes))
    assert set(record.entity.mixins) == set(mixins)
    assert record.entity.attributes[v.COMPUTE_USERDATA] == "I2Nsb3VkLWNvbmZpZw=="


def test_inline_links_are_created_with_the_resource(infra: Infrastructure) -> None:
    net = infra.create("/network/", network("192.168.0.0/24")).location
    record = infra.create("/compute/", compute(links=(nic(net), nic(net))))
    links = record.entity.links  # type: ignore[union-attr]
    assert [link.attributes[v.NETWORKINTERFACE_INTERFACE] for link in links] == ["eth0", "eth1"]
    assert [link.attributes[v.NETWORKINTERFACE_ADDRESS] for link in links] == [
        "192.168.0.2", "192.168.0.3"]
    assert all(link.source == record.location for link in links)
    listed = {r.location for r in infra.list("/networkinterface/", where=None)}
    assert listed == {str(link.location) for link in links}


def test_a_bad_inline_link_leaves_nothing_behind(infra: Infrastructure) -> None:
    with pytest.raises(BadRequestError, match=r"occi\.core\.target /network/missing"):
        infra.create("/compute/", compute(links=(nic("/network/missing"),)))
    assert infra.list("/compute/", where=None) == []
    assert infra.list("/networkinterface/", where=None) == []


def test_an_inline_link_must_be_a_link_from_the_resource(infra: Infrastructure) -> None:
    net = infra.create("/network/", network()).location
    with pytest.raises(BadRequestError, match="not a link kind"):
        infra.create("/compute/", compute(links=(Link(kind=v.NETWORK_KIND, target=net),)))
    with pytest.raises(BadRequestError, match="must be the resource itself"):
        infra.create("/compute/", compute(links=(nic(net, "/compute/other"),)))


def test_put_at_a_new_location_creates(infra: Infrastructure) -> None:
    record, created = infra.put("/compute/chosen", compute(SMALL))
    assert created
    assert record.entity.id == "chosen"
    assert record.entity.attributes[v.COMPUTE_CORES] == 1


@pytest.mark.parametrize(
    ("location", "entity", "error", "message"),
    [
        pytest.param("/compute/a", compute().model_copy(update={"id": "b"}), BadRequestError,
                     "differs from the location's", id="id-mismatch"),
        pytest.param("/compute/a", network(), BadRequestError, "collection of", id="wrong-kind"),
        pytest.param("/nowhere/a", compute(), NotFoundError, "no collection", id="no-collection"),
        pytest.param("/compute/a:b", compute(), BadRequestError, "path segment", id="bad-id"),
    ],
)
def test_put_create_checks_location_and_kind(
    infra: Infrastructure, location: str, entity: Resource, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        infra.put(location, entity)


def test_full_urls_are_accepted_for_locations(tmp_path: Path) -> None:
    with open_infrastructure(tmp_path, base_url="https://cloud.example/occi") as infra:
        record = infra.create("https://cloud.example/occi/compute/", compute())
        assert infra.get(f"https://cloud.example/occi{record.location}").location == (
            record.location)
        assert infra.get(f"http://other.host{record.location}").location == record.location
