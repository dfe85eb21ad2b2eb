"""Mixins: the query interface and its filter, user mixins (GFD.223 §3.6) and mixin
collections: associate (POST), replace membership (PUT), disassociate (DELETE) (§3.5.4)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from service_support import LARGE, SMALL, compute, network, open_infrastructure

from occi_operator.endpoint.errors import BadRequestError, ConflictError, NotFoundError
from occi_operator.endpoint.service import Infrastructure
from occi_operator.occi import vocabulary as v
from occi_operator.occi.attributes import AttributeDefinition
from occi_operator.occi.categories import Kind, Mixin
from occi_operator.occi.entities import Filter

TAGS = "http://example.org/tags#"


def tag(term: str, location: str | None = None, **fields: object) -> Mixin:
    """A user mixin (a tag) named ``term``."""
    return Mixin.model_validate({"scheme": TAGS, "term": term, "location": location, **fields})


@pytest.fixture
def infra(tmp_path: Path) -> Iterator[Infrastructure]:
    with open_infrastructure(tmp_path) as opened:
        yield opened


def test_the_query_interface_lists_standard_catalog_and_user_categories(
    infra: Infrastructure,
) -> None:
    everything = infra.query_interface()
    assert {v.COMPUTE_KIND, v.NETWORKINTERFACE_KIND} <= {k.type_id for k in everything.kinds}
    mixins = {m.type_id for m in everything.mixins}
    assert {v.IPNETWORK_MIXIN, v.OS_TPL_MIXIN, SMALL, v.OPENSTACK_USER_DATA_MIXIN} <= mixins
    assert v.COMPUTE_SAVE in {a.type_id for a in everything.actions}
    infra.add_user_mixins([tag("blue", "/blue/")])
    assert TAGS + "blue" in {m.type_id for m in infra.query_interface().mixins}


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        pytest.param(Filter(categories=(v.COMPUTE_KIND,)), {v.COMPUTE_KIND}, id="one-kind"),
        pytest.param(Filter(categories=(SMALL, v.COMPUTE_STOP)), {SMALL, v.COMPUTE_STOP},
                     id="mixin-and-action"),
        pytest.param(Filter(categories=("http://nope#x",)), set(), id="unknown-selects-none"),
        pytest.param(Filter(attributes={v.NETWORK_VLAN: 1}), {v.NETWORK_KIND},
                     id="kinds-defining-an-attribute"),
        pytest.param(Filter(attributes={v.COMPUTE_CORES: 1, v.COMPUTE_MEMORY: 1}),
                     "templates+compute", id="several-attributes"),
    ],
)
def test_the_query_interface_filter(
    infra: Infrastructure, where: Filter, expected: set[str] | str
) -> None:
    found = {c.type_id for c in infra.query_interface(where)}
    if expected == "templates+compute":
        assert v.COMPUTE_KIND in found
        assert SMALL in found
        assert LARGE in found
        assert v.NETWORK_KIND not in found
    else:
        assert found == expected


def test_category_at_finds_kinds_and_mixins(infra: Infrastructure) -> None:
    compute_kind = infra.category_at("/compute/")
    assert isinstance(compute_kind, Kind)
    assert compute_kind.type_id == v.COMPUTE_KIND
    small = infra.category_at("/resource_tpl/small/")
    assert isinstance(small, Mixin)
    assert small.type_id == SMALL
    assert infra.category_at("/compute/1") is None
    assert infra.category_at("/nothing/") is None


def test_user_mixins_are_added_and_removed_and_persist(tmp_path: Path) -> None:
    with open_infrastructure(tmp_path) as infra:
        infra.add_user_mixins([tag("blue", "/blue/"), tag("red")])
        assert infra.category_at("/red/") == tag("red", "/red/")  # location defaulted
    with open_infrastructure(tmp_path) as again:
        assert again.category_at("/blue/") == tag("blue", "/blue/")
        again.remove_user_mixins([TAGS + "blue"])
        assert again.category_at("/blue/") is None
        assert TAGS + "blue" not in again.registry


@pytest.mark.parametrize(
    ("mixins", "error", "message"),
    [
        pytest.param([tag("c", "/compute/")], ConflictError, "already the collection of",
                     id="kind-location"),
        pytest.param([tag("c", "/ipnetwork/")], ConflictError, "already the collection of",
                     id="standard-mixin-location"),
        pytest.param([tag("c", "/compute/tags/")], BadRequestError, "inside the collection",
                     id="inside-a-kind-collection"),
        pytest.param([tag("c", "no-slashes")], BadRequestError, "must be a path",
                     id="not-a-path"),
        pytest.param([tag("a", "/x/"), tag("b", "/x/")], ConflictError,
                     "another mixin of the request", id="same-location-twice"),
        pytest.param([tag("a", "/x/"), tag("a", "/y/")], ConflictError, "given twice",
                     id="same-type-id-twice"),
        pytest.param([Mixin(scheme=v.INFRA_SCHEME, term="os_tpl", location="/o/")],
                     ConflictError, "already defined", id="standard-type-id"),
        pytest.param([tag("d", "/d/", depends=("http://nope#m",))], BadRequestError,
                     "depends on unknown mixin", id="unknown-dependency"),
        pytest.param([tag("d", "/d/", applies=("http://nope#k",))], BadRequestError,
                     "applies to unknown kind", id="unknown-kind"),
        pytest.param([tag("d", "/d/", actions=(v.COMPUTE_START,))], BadRequestError,
                     "cannot define actions", id="actions"),
        pytest.param([tag("d", "/d/", attributes=(AttributeDefinition(name="occi.x"),))],
                     BadRequestError, "reserved", id="reserved-attribute"),
    ],
)
def test_bad_user_mixins_are_refused_all_or_nothing(
    infra: Infrastructure, mixins: list[Mixin], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        infra.add_user_mixins(mixins)
    assert not [m for m in infra.registry.mixins if m.scheme == TAGS]


def test_a_taken_user_mixin_type_id_is_a_conflict(infra: Infrastructure) -> None:
    infra.add_user_mixins([tag("a", "/a/")])
    with pytest.raises(ConflictError, match="already defined"):
        infra.add_user_mixins([tag("a", "/b/")])


@pytest.mark.parametrize(
    ("type_id", "error"),
    [
        pytest.param(v.OS_TPL_MIXIN, BadRequestError, id="standard-mixin"),
        pytest.param(SMALL, BadRequestError, id="catalog-template"),
        pytest.param(v.COMPUTE_KIND, BadRequestError, id="kind"),
        pytest.param(TAGS + "never", NotFoundError, id="unknown"),
    ],
)
def test_only_user_mixins_can_be_removed(
    infra: Infrastructure, type_id: str, error: type[Exception]
) -> None:
    infra.add_user_mixins([tag("keep", "/keep/")])
    with pytest.raises(error):
        infra.remove_user_mixins([TAGS + "keep", type_id])
    assert TAGS + "keep" in infra.registry  # nothing was removed


def test_associate_replace_and_disassociate(infra: Infrastructure) -> None:
    infra.add_user_mixins([tag("blue", "/blue/", applies=(v.COMPUTE_KIND,))])
    vms = [infra.create("/compute/", compute()).location for _ in range(3)]

    def members() -> list[str]:
        return [r.location for r in infra.list("/blue/", where=None)]

    infra.associate("/blue/", vms[:2])
    assert members() == vms[:2]
    infra.associate("/blue/", vms[:1])  # already a member: nothing changes
    infra.replace_members("/blue/", vms[1:])
    assert members() == vms[1:]
    infra.disassociate("/blue/", [vms[2], vms[0]])
    assert members() == [vms[1]]
    assert TAGS + "blue" in infra.get(vms[1]).entity.mixins


def test_removing_a_user_mixin_takes_it_off_its_members(infra: Infrastructure) -> None:
    infra.add_user_mixins([tag("blue", "/blue/")])
    vm = infra.create("/compute/", compute(TAGS + "blue")).location
    infra.remove_user_mixins([TAGS + "blue"])
    assert infra.get(vm).entity.mixins == ()


@pytest.mark.parametrize(
    ("collection", "locations", "error", "message"),
    [
        pytest.param("/blue/", ["VM", "/compute/missing"], BadRequestError,
                     "nothing is stored at /compute/missing", id="missing-member"),
        pytest.param("/blue/", ["NET"], BadRequestError, "applies to compute, not to network",
                     id="not-applicable"),
        pytest.param("/compute/", ["VM"], NotFoundError, "not a mixin's collection",
                     id="kind-collection"),
        pytest.param("/none/", ["VM"], NotFoundError, "no collection", id="no-collection"),
    ],
)
@pytest.mark.parametrize("verb", ["associate", "replace_members"])
def test_membership_changes_check_every_location_first(
    infra: Infrastructure, collection: str, locations: list[str], error: type[Exception],
    message: str, verb: str,
) -> None:
    infra.add_user_mixins([tag("blue", "/blue/", applies=(v.COMPUTE_KIND,))])
    names = {"VM": infra.create("/compute/", compute()).location,
             "NET": infra.create("/network/", network()).location}
    with pytest.raises(error, match=message):
        getattr(infra, verb)(collection, [names.get(x, x) for x in locations])
    assert infra.list("/blue/", where=None) == []


def test_associating_a_resource_tpl_resizes(infra: Infrastructure) -> None:
    vm = infra.create("/compute/", compute(SMALL)).location
    infra.associate("/resource_tpl/large/", [vm])
    entity = infra.get(vm).entity
    assert entity.mixins == (LARGE,)
    assert entity.attributes[v.COMPUTE_CORES] == 4


def test_disassociating_drops_the_attributes_only_that_mixin_defined(
    infra: Infrastructure,
) -> None:
    key = {v.CREDENTIALS_SSH_PUBLICKEY: "ssh-ed25519 AAAA"}
    vm = infra.create("/compute/", compute(v.SSH_KEY_MIXIN, **key)).location
    infra.disassociate("/ssh_key/", [vm])
    entity = infra.get(vm).entity
    assert entity.mixins == ()
    assert v.CREDENTIALS_SSH_PUBLICKEY not in entity.attributes


def test_associating_a_mixin_that_requires_attributes_is_refused(infra: Infrastructure) -> None:
    vm = infra.create("/compute/", compute()).location
    with pytest.raises(BadRequestError, match=r"occi\.credentials\.ssh\.publickey: is required"):
        infra.associate("/ssh_key/", [vm])
