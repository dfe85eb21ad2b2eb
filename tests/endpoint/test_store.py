"""The endpoint store: entities, links, mixins, filters, pages, transactions, state, schema.

Every test opens a real SQLite file under tmp_path; nothing is mocked. The clock is a
counter so that created/updated and due times are exact.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from occi_operator.endpoint.errors import StoreConflictError, StoreError, StoreNotFoundError
from occi_operator.endpoint.store import Store, Synchronous
from occi_operator.endpoint.store_schema import SCHEMA_VERSION
from occi_operator.occi.categories import Mixin
from occi_operator.occi.entities import Link, Resource

INFRA = "http://schemas.ogf.org/occi/infrastructure#"
COMPUTE, NETWORK, STORAGE = INFRA + "compute", INFRA + "network", INFRA + "storage"
NIC, STORAGELINK = INFRA + "networkinterface", INFRA + "storagelink"
SMALL = "http://example.org/occi/resource_tpl#small"
DEBIAN = "http://example.org/occi/os_tpl#debian12"
START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


class Clock:
    """A clock that moves one second on every reading."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    with Store.open(tmp_path / "store.sqlite3", clock=clock) as opened:
        yield opened


def resource(kind: str = COMPUTE, *, title: str | None = None, **fields: Any) -> Resource:
    ident = str(uuid.uuid4())
    collection = kind.rpartition("#")[2]
    return Resource(kind=kind, id=ident, location=f"/{collection}/{ident}", title=title, **fields)


def link(source: Resource | None, target: Resource, kind: str = NIC, **fields: Any) -> Link:
    ident = str(uuid.uuid4())
    collection = kind.rpartition("#")[2]
    return Link(
        kind=kind,
        id=ident,
        location=f"/{collection}/{ident}",
        source=None if source is None else source.location,
        target=str(target.location),
        **fields,
    )


def locations(records: Any) -> list[str]:
    return [record.location for record in records]


# -- create, read, replace -------------------------------------------------------------


def test_a_resource_round_trips_in_the_canonical_model(store: Store) -> None:
    web = resource(
        title="web-1",
        summary="a web server",
        mixins=(SMALL, DEBIAN),
        attributes={
            "occi.compute.cores": 2,
            "occi.compute.memory": 4.5,
            "occi.compute.state": "active",
            "org.example.flags": ["a", 1, True],
            "org.example.meta": {"k": {"n": None}},
            "org.example.on": False,
        },
        actions=(INFRA + "compute/action#stop",),
    )
    put = store.put_resource(web)
    got = store.get(str(web.location))
    assert got == put
    assert got is not None
    assert got.entity == web
    assert got.created == got.updated == START + timedelta(seconds=1)
    assert got.revision >= 1


def test_get_of_a_location_never_stored_is_none(store: Store) -> None:
    assert store.get("/compute/nothing") is None


def test_a_second_create_of_a_location_is_a_conflict(store: Store) -> None:
    web = resource()
    store.put_resource(web, create_only=True)
    with pytest.raises(StoreConflictError, match="already exists"):
        store.put_resource(web, create_only=True)


def test_a_replace_keeps_created_and_moves_revision_and_updated(store: Store) -> None:
    web = resource(title="before")
    first = store.put_resource(web)
    second = store.put_resource(web.model_copy(update={"title": "after"}))
    assert second.entity.title == "after"
    assert second.created == first.created
    assert second.updated > first.updated
    assert second.revision > first.revision


def test_if_revision_guards_a_replace(store: Store) -> None:
    web = resource()
    first = store.put_resource(web)
    store.put_resource(web, if_revision=first.revision)
    with pytest.raises(StoreConflictError, match=f"expected revision {first.revision}"):
        store.put_resource(web, if_revision=first.revision)
    with pytest.raises(StoreConflictError, match="nothing is stored"):
        store.put_resource(resource(), if_revision=1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"kind": STORAGE}, "kind cannot change", id="kind-is-immutable"),
        pytest.param({"id": "another-id"}, "occi.core.id cannot change", id="id-is-immutable"),
    ],
)
def test_a_replace_cannot_change_what_identifies_an_entity(
    store: Store, change: dict[str, str], message: str
) -> None:
    web = resource()
    store.put_resource(web)
    with pytest.raises(StoreConflictError, match=message):
        store.put_resource(web.model_copy(update=change))


def test_a_link_cannot_replace_a_resource_at_the_same_location(store: Store) -> None:
    web, net = resource(), resource(NETWORK)
    store.put_resource(web)
    store.put_resource(net)
    impostor = link(net, web).model_copy(update={"location": web.location, "id": web.id})
    with pytest.raises(StoreConflictError, match="sort cannot change"):
        store.put_link(impostor)


def test_an_id_is_unique_across_locations(store: Store) -> None:
    web = resource()
    store.put_resource(web)
    with pytest.raises(StoreConflictError, match="already used"):
        store.put_resource(web.model_copy(update={"location": "/compute/elsewhere"}))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"location": None}, "stored at a path", id="no-location"),
        pytest.param({"location": "/compute/"}, "stored at a path", id="collection-location"),
        pytest.param({"location": "http://h/compute/1"}, "stored at a path", id="absolute-url"),
        pytest.param({"id": None}, "no occi.core.id", id="no-id"),
    ],
)
def test_an_entity_without_a_path_or_id_is_refused(
    store: Store, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(StoreError, match=message):
        store.put_resource(resource().model_copy(update=fields))
    assert store.count() == 0


def test_the_indexed_columns_copy_the_body(store: Store) -> None:
    web = resource(title="web", attributes={"occi.compute.state": "active"})
    net = resource(NETWORK, attributes={"occi.network.state": 3})  # not text: no state
    store.put_resource(web)
    store.put_resource(net)
    with closing(sqlite3.connect(store.path)) as raw:
        rows = raw.execute("SELECT location, kind, id, title, state FROM entities").fetchall()
    assert sorted(rows) == sorted(
        [
            (web.location, COMPUTE, web.id, "web", "active"),
            (net.location, NETWORK, net.id, None, None),
        ]
    )


# -- links -----------------------------------------------------------------------------


def test_inline_links_are_stored_as_links_of_their_resource(store: Store) -> None:
    net = resource(NETWORK)
    store.put_resource(net)
    web = resource()
    nic = link(None, net, attributes={"occi.networkinterface.interface": "eth0"})
    stored = store.put_resource(web.model_copy(update={"links": (nic,)}))
    (inline,) = stored.entity.links
    assert inline.source == web.location
    assert inline.source_kind == COMPUTE
    assert inline.target_kind == NETWORK  # filled from the stored target
    assert locations(store.links_of(str(web.location))) == [nic.location]
    assert locations(store.links_to(str(net.location))) == [nic.location]
    got = store.get(str(nic.location))
    assert got is not None
    assert got.entity == inline


def test_a_link_naming_another_source_inside_a_resource_is_refused(store: Store) -> None:
    web, other = resource(), resource()
    store.put_resource(other)
    with pytest.raises(StoreError, match="names another source"):
        store.put_resource(web.model_copy(update={"links": (link(other, other),)}))
    assert store.get(str(web.location)) is None  # nothing half-written


def test_a_link_needs_a_stored_source_resource(store: Store) -> None:
    web, net = resource(), resource(NETWORK)
    store.put_resource(net)
    with pytest.raises(StoreNotFoundError, match="no resource is stored"):
        store.put_link(link(web, net))
    with pytest.raises(StoreError, match=r"no occi\.core\.source"):
        store.put_link(link(None, net))
    assert store.count() == 1


def test_a_stand_alone_link_shows_in_its_source_and_renews_its_revision(store: Store) -> None:
    web, disk = resource(), resource(STORAGE)
    before = store.put_resource(web)
    store.put_resource(disk)
    attached = store.put_link(link(web, disk, STORAGELINK))
    assert attached.entity.target_kind == STORAGE
    after = store.get(str(web.location))
    assert after is not None
    assert isinstance(after.entity, Resource)
    assert after.revision > before.revision
    assert [item.location for item in after.entity.links] == [attached.location]


def test_a_link_to_a_remote_target_is_kept_as_given(store: Store) -> None:
    web = resource()
    store.put_resource(web)
    remote = Link(kind=NIC, id="l1", location="/networkinterface/l1", source=web.location,
                  target="https://elsewhere.example/network/public")
    stored = store.put_link(remote)
    assert stored.entity.target_kind is None
    assert locations(store.links_to("https://elsewhere.example/network/public")) == [
        "/networkinterface/l1"
    ]


def test_a_replace_keeps_stored_links_unless_told_to_replace_them(store: Store) -> None:
    net = resource(NETWORK)
    store.put_resource(net)
    first, second = link(None, net), link(None, net)
    web = resource(links=(first, second))
    store.put_resource(web)
    store.put_resource(web.model_copy(update={"links": ()}))
    assert locations(store.links_of(str(web.location))) == [first.location, second.location]
    store.put_resource(web.model_copy(update={"links": (second,)}), replace_links=True)
    assert locations(store.links_of(str(web.location))) == [second.location]
    assert store.get(str(first.location)) is None


def test_deleting_a_resource_deletes_its_links_and_the_links_to_it(store: Store) -> None:
    net, other = resource(NETWORK), resource()
    store.put_resource(net)
    other_before = store.put_resource(other)
    own = link(None, net)
    web = resource(links=(own,))
    store.put_resource(web)
    incoming = store.put_link(link(other, web)).entity  # a link whose target is web
    kept = store.put_link(link(other, net)).entity

    deleted = store.delete(str(web.location))

    assert locations(deleted) == [web.location, own.location, incoming.location]
    for gone in (web, own, incoming):
        assert store.get(str(gone.location)) is None
    assert locations(store.links_of(str(other.location))) == [kept.location]
    assert store.links_to(str(web.location)) == []
    other_after = store.get(str(other.location))
    assert other_after is not None
    assert other_after.revision > other_before.revision  # it lost a link


def test_deleting_a_link_leaves_its_resources(store: Store) -> None:
    web, net = resource(), resource(NETWORK)
    store.put_resource(web)
    store.put_resource(net)
    nic = store.put_link(link(web, net))
    assert locations(store.delete(nic.location)) == [nic.location]
    assert store.links_of(str(web.location)) == []
    assert store.count() == 2


def test_deleting_nothing_deletes_nothing(store: Store) -> None:
    assert store.delete("/compute/nothing") == ()


# -- listings, pages, filters ----------------------------------------------------------


def test_a_listing_keeps_creation_order_across_updates(store: Store) -> None:
    made = [resource(title=f"vm-{n}") for n in range(5)]
    for item in made:
        store.put_resource(item)
    store.put_resource(made[0].model_copy(update={"title": "renamed"}))
    store.put_resource(resource(NETWORK))
    assert locations(store.list_kind(COMPUTE)) == [item.location for item in made]


@pytest.mark.parametrize(
    ("offset", "limit", "expected"),
    [
        pytest.param(0, None, [0, 1, 2, 3, 4, 5, 6], id="everything"),
        pytest.param(0, 3, [0, 1, 2], id="first-page"),
        pytest.param(3, 3, [3, 4, 5], id="middle-page"),
        pytest.param(6, 3, [6], id="last-partial-page"),
        pytest.param(7, 3, [], id="past-the-end-is-empty"),
        pytest.param(2, 0, [], id="zero-limit"),
    ],
)
def test_pages_slice_the_creation_order(
    store: Store, offset: int, limit: int | None, expected: list[int]
) -> None:
    made = [resource(title=f"vm-{n}") for n in range(7)]
    for item in made:
        store.put_resource(item)
    page = store.list_kind(COMPUTE, offset=offset, limit=limit)
    assert locations(page) == [made[n].location for n in expected]


@pytest.mark.parametrize(
    ("offset", "limit"),
    [pytest.param(-1, None, id="negative-offset"), pytest.param(0, -1, id="negative-limit")],
)
def test_a_negative_page_is_refused(store: Store, offset: int, limit: int | None) -> None:
    with pytest.raises(StoreError, match="cannot be negative"):
        store.list_kind(COMPUTE, offset=offset, limit=limit)


def test_a_listing_may_span_several_kinds(store: Store) -> None:
    web, net, disk = resource(), resource(NETWORK), resource(STORAGE)
    for item in (web, net, disk):
        store.put_resource(item)
    assert locations(store.list_kind({COMPUTE, STORAGE})) == [web.location, disk.location]
    assert store.list_kind(()) == []
    assert store.count((COMPUTE, NETWORK)) == 2


_ATTRS: dict[str, dict[str, Any]] = {
    "a": {"occi.compute.cores": 2, "occi.compute.state": "active", "x.on": True,
          "x.tags": ["red", "blue"], "x.size": 2.0},
    "b": {"occi.compute.cores": 4, "occi.compute.state": "inactive", "x.on": False,
          "x.tags": ["red"], "x.size": 1},
    "c": {"occi.compute.cores": 1, "occi.compute.state": "active", "x.on": 1,
          'x."quoted"': "yes", "x.tags": {"red": True}},
}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param({"occi.compute.state": "active"}, ["a", "c"], id="text"),
        pytest.param({"occi.compute.cores": 4}, ["b"], id="integer"),
        pytest.param({"x.size": 2}, ["a"], id="integer-equals-float"),
        pytest.param({"x.on": True}, ["a"], id="true-is-not-one"),
        pytest.param({"x.on": 1}, ["c"], id="one-is-not-true"),
        pytest.param({"x.on": False}, ["b"], id="false"),
        pytest.param({"occi.compute.cores": "2"}, [], id="text-is-not-a-number"),
        pytest.param({"occi.core.title": "vm-b"}, ["b"], id="core-title-column"),
        pytest.param({"occi.core.title": 3}, [], id="core-title-is-text-only"),
        pytest.param({"occi.core.summary": "about c"}, ["c"], id="core-summary"),
        pytest.param({"x.tags": ["red"]}, ["b"], id="array-in-python"),
        pytest.param({"x.tags": {"red": True}}, ["c"], id="object-in-python"),
        pytest.param({'x."quoted"': "yes"}, ["c"], id="quote-in-name-in-python"),
        pytest.param({"occi.compute.state": "active", "occi.compute.cores": 1}, ["c"],
                     id="every-attribute-must-match"),
        pytest.param({"x.missing": "v"}, [], id="absent-attribute"),
        pytest.param({}, ["a", "b", "c"], id="no-filter"),
    ],
)
def test_attribute_filters_match_by_json_type_and_value(
    store: Store, filters: dict[str, Any], expected: list[str]
) -> None:
    made = {}
    for name, attributes in _ATTRS.items():
        made[name] = resource(title=f"vm-{name}", summary=f"about {name}", attributes=attributes)
        store.put_resource(made[name])
    found = store.list_kind(COMPUTE, attributes=filters)
    assert locations(found) == [made[name].location for name in expected]
    assert store.count(COMPUTE, attributes=filters) == len(expected)


def test_a_filter_checked_in_python_still_pages(store: Store) -> None:
    made = [resource(attributes={"x.tags": ["t"]}) for _ in range(4)]
    for item in made:
        store.put_resource(item)
    store.put_resource(resource(attributes={"x.tags": ["u"]}))
    page = store.list_kind(COMPUTE, attributes={"x.tags": ["t"]}, offset=1, limit=2)
    assert locations(page) == [made[1].location, made[2].location]


def test_link_core_attributes_filter_links(store: Store) -> None:
    web, net, other = resource(), resource(NETWORK), resource(NETWORK)
    for item in (web, net, other):
        store.put_resource(item)
    to_net = store.put_link(link(web, net))
    store.put_link(link(web, other))
    found = store.list_kind(NIC, attributes={"occi.core.target": net.location})
    assert locations(found) == [to_net.location]


def test_mixin_filters_narrow_kind_listings(store: Store) -> None:
    small = resource(mixins=(SMALL,))
    both = resource(mixins=(SMALL, DEBIAN))
    plain = resource()
    tagged_net = resource(NETWORK, mixins=(SMALL,))
    for item in (small, both, plain, tagged_net):
        store.put_resource(item)
    assert locations(store.list_kind(COMPUTE, mixins=[SMALL])) == [small.location, both.location]
    assert locations(store.list_kind(COMPUTE, mixins=[SMALL, DEBIAN])) == [both.location]
    assert locations(store.list_mixin(SMALL)) == [
        small.location, both.location, tagged_net.location
    ]
    assert locations(store.list_mixin(SMALL, offset=1, limit=1)) == [both.location]
    assert store.count(mixins=[DEBIAN]) == 1
    assert store.count() == 4


# -- mixin membership and user mixins --------------------------------------------------


def test_associate_and_disassociate_change_the_entity(store: Store) -> None:
    web = resource(mixins=(DEBIAN,))
    first = store.put_resource(web)
    added = store.associate(str(web.location), SMALL)
    assert added.entity.mixins == (DEBIAN, SMALL)
    assert added.revision > first.revision
    assert store.associate(str(web.location), SMALL).revision == added.revision  # no change
    assert locations(store.list_mixin(SMALL)) == [web.location]
    removed = store.disassociate(str(web.location), SMALL)
    assert removed.entity.mixins == (DEBIAN,)
    assert store.list_mixin(SMALL) == []
    assert store.disassociate(str(web.location), SMALL).revision == removed.revision


def test_associating_with_nothing_stored_is_not_found(store: Store) -> None:
    with pytest.raises(StoreNotFoundError):
        store.associate("/compute/nothing", SMALL)


def test_replace_members_sets_exactly_the_given_entities(store: Store) -> None:
    a, b, c = resource(mixins=(SMALL,)), resource(mixins=(SMALL,)), resource()
    for item in (a, b, c):
        store.put_resource(item)
    members = store.replace_members(SMALL, [str(c.location), str(b.location)])
    assert members == [b.location, c.location]
    got = store.get(str(a.location))
    assert got is not None
    assert got.entity.mixins == ()


def test_replace_members_changes_nothing_when_one_location_is_missing(store: Store) -> None:
    a, b = resource(mixins=(SMALL,)), resource()
    store.put_resource(a)
    store.put_resource(b)
    with pytest.raises(StoreNotFoundError, match="/compute/nothing"):
        store.replace_members(SMALL, [str(b.location), "/compute/nothing"])
    assert locations(store.list_mixin(SMALL)) == [a.location]


def _tag(term: str = "my_tag", location: str | None = "/my_tag/") -> Mixin:
    return Mixin(scheme="http://example.org/user#", term=term, title="mine", location=location)


def test_user_mixins_are_added_found_listed_and_removed(store: Store) -> None:
    tag, other = _tag(), _tag("other", "/other/")
    store.add_user_mixin(tag)
    store.add_user_mixin(other)
    assert store.get_user_mixin(tag.type_id) == tag
    assert store.user_mixin_at("/other/") == other
    assert store.list_user_mixins() == [tag, other]
    web = resource(mixins=(tag.type_id, SMALL))
    store.put_resource(web)
    assert store.remove_user_mixin(tag.type_id) == tag
    got = store.get(str(web.location))
    assert got is not None
    assert got.entity.mixins == (SMALL,)  # taken off the entity too
    assert store.get_user_mixin(tag.type_id) is None
    assert store.remove_user_mixin(tag.type_id) is None
    assert store.list_user_mixins() == [other]


@pytest.mark.parametrize(
    "clash",
    [
        pytest.param(_tag(location="/elsewhere/"), id="same-type-id"),
        pytest.param(_tag("second"), id="same-location"),
    ],
)
def test_a_user_mixin_clash_is_a_conflict(store: Store, clash: Mixin) -> None:
    store.add_user_mixin(_tag())
    with pytest.raises(StoreConflictError, match="already taken"):
        store.add_user_mixin(clash)


@pytest.mark.parametrize("location", [None, "my_tag/", "/my_tag"], ids=str)
def test_a_user_mixin_needs_a_collection_location(store: Store, location: str | None) -> None:
    with pytest.raises(StoreError, match="collection location"):
        store.add_user_mixin(_tag(location=location))


# -- simulation state ------------------------------------------------------------------


def test_simulation_state_is_set_read_and_due(store: Store) -> None:
    early, late, idle = resource(), resource(), resource()
    for item in (early, late, idle):
        store.put_resource(item)
    store.set_state(str(late.location), {"next": "active"}, due=START + timedelta(minutes=2))
    store.set_state(str(early.location), {"next": "active", "n": 1},
                    due=START + timedelta(minutes=1))
    store.set_state(str(idle.location), {"quiet": True})
    state = store.get_state(str(early.location))
    assert state is not None
    assert (state.data, state.due) == ({"next": "active", "n": 1}, START + timedelta(minutes=1))
    assert store.entities_due(START) == []
    assert locations(store.entities_due(START + timedelta(minutes=1))) == [early.location]
    assert locations(store.entities_due(START + timedelta(hours=1))) == [
        early.location, late.location
    ]
    assert locations(store.entities_due(START + timedelta(hours=1), limit=1)) == [early.location]
    store.set_state(str(early.location), {"done": True})  # no longer due
    assert locations(store.entities_due(START + timedelta(hours=1))) == [late.location]


def test_simulation_state_goes_with_its_entity(store: Store) -> None:
    web = resource()
    store.put_resource(web)
    store.set_state(str(web.location), {"a": 1}, due=START)
    store.put_resource(web.model_copy(update={"title": "kept"}))  # a replace keeps it
    assert store.get_state(str(web.location)) is not None
    store.delete(str(web.location))
    assert store.get_state(str(web.location)) is None
    assert store.entities_due(START) == []


@pytest.mark.parametrize(
    ("location", "data", "due", "error"),
    [
        pytest.param("/compute/nothing", {}, None, StoreNotFoundError, id="no-entity"),
        pytest.param(None, {"when": datetime.now(UTC)}, None, StoreError, id="not-json"),
        pytest.param(None, {"x": float("nan")}, None, StoreError, id="nan-is-not-json"),
        pytest.param(None, {}, datetime(2024, 1, 1), StoreError, id="naive-due-has-no-zone"),
    ],
)
def test_bad_simulation_state_is_refused(
    store: Store, location: str | None, data: dict[str, Any], due: datetime | None,
    error: type[Exception],
) -> None:
    web = resource()
    store.put_resource(web)
    with pytest.raises(error):
        store.set_state(location or str(web.location), data, due=due)
    assert store.get_state(str(web.location)) is None


# -- transactions ----------------------------------------------------------------------


def test_a_transaction_commits_its_writes_together(store: Store) -> None:
    web, net = resource(), resource(NETWORK)
    with store.transaction():
        store.put_resource(net)
        store.put_resource(web.model_copy(update={"links": (link(None, net),)}))
        store.set_state(str(web.location), {"n": 1})
    assert store.count() == 3


def test_an_exception_rolls_a_transaction_back(store: Store) -> None:
    kept = resource()
    store.put_resource(kept)

    def half_done() -> None:
        with store.transaction():
            store.put_resource(resource())
            store.delete(str(kept.location))
            store.add_user_mixin(_tag())
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        half_done()
    assert locations(store.list_kind(COMPUTE)) == [kept.location]
    assert store.list_user_mixins() == []
    store.put_resource(resource())  # the store is usable afterwards
    assert store.count() == 2


def test_a_failed_call_inside_a_transaction_undoes_only_itself(store: Store) -> None:
    net = resource(NETWORK)
    orphan = link(resource(), net)

    def inner_block() -> None:
        with store.transaction():
            store.put_resource(resource())
            raise RuntimeError("inner")

    with store.transaction():
        store.put_resource(net)
        with pytest.raises(StoreNotFoundError):
            store.put_link(orphan)
        with pytest.raises(RuntimeError, match="inner"):
            inner_block()
    assert locations(store.list_kind([COMPUTE, NETWORK, NIC])) == [net.location]


# -- the file --------------------------------------------------------------------------


def test_reopening_the_file_sees_everything_committed(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "store.sqlite3"
    net = resource(NETWORK)
    web = resource(mixins=(SMALL,), links=(link(None, net),))
    with Store.open(path, clock=clock) as first:
        first.put_resource(net)
        written = first.put_resource(web)
        first.add_user_mixin(_tag())
        first.set_state(str(web.location), {"n": 1}, due=START)
    with Store.open(path, clock=clock) as second:
        assert second.get(str(web.location)) == written
        assert second.list_user_mixins() == [_tag()]
        assert locations(second.entities_due(START)) == [web.location]
        assert second.count() == 3


@pytest.mark.parametrize(
    ("synchronous", "pragma"),
    [
        pytest.param(Synchronous.NORMAL, 1, id="normal"),
        pytest.param(Synchronous.FULL, 2, id="full"),
    ],
)
def test_the_file_is_wal_with_the_chosen_synchronous_level(
    tmp_path: Path, synchronous: Synchronous, pragma: int
) -> None:
    with Store.open(tmp_path / "s.sqlite3", synchronous=synchronous) as opened:
        connection = opened._connection
        assert connection is not None
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("PRAGMA synchronous").fetchone() == (pragma,)
        assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert connection.execute("PRAGMA foreign_keys").fetchone() == (1,)


def test_a_file_from_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    Store.open(path).close()
    with closing(sqlite3.connect(path, isolation_level=None)) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="will not downgrade"):
        Store.open(path)


def test_a_path_that_cannot_be_a_database_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="store database"):
        Store.open(tmp_path)  # a directory


def test_a_write_waits_busy_timeout_then_fails_and_the_store_recovers(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with Store.open(path) as holder, Store.open(path, busy_timeout=0.01) as waiter:
        with holder.transaction():
            holder.put_resource(resource())
            with pytest.raises(StoreError, match="locked"):
                waiter.put_resource(resource())
            assert waiter.count() == 0  # readers are not blocked by the writer (WAL)
        waiter.put_resource(resource())
        assert waiter.count() == 2


def test_a_closed_store_refuses_calls(tmp_path: Path) -> None:
    opened = Store.open(tmp_path / "s.sqlite3")
    opened.close()
    opened.close()  # closing twice is fine
    with pytest.raises(StoreError, match="closed"):
        opened.get("/compute/x")
