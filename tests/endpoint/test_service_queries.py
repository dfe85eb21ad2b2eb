"""Listing collections: kinds and sub-kinds, mixin collections, filters by category and
attribute (GFD.223 §3.4.1), pagination (§3.4.2), deleting a collection (§3.5.5)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service_support import LARGE, SMALL, compute, network, nic, open_infrastructure, storage

from occi_operator.endpoint.errors import BadRequestError, NotFoundError, PayloadTooLargeError
from occi_operator.endpoint.service import Infrastructure
from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import CORE_ID, CORE_TITLE, Filter


@pytest.fixture
def infra(tmp_path: Path) -> Iterator[Infrastructure]:
    with open_infrastructure(tmp_path, max_page_size=10) as opened:
        yield opened


@pytest.fixture
def world(infra: Infrastructure) -> dict[str, str]:
    """Two small computes, a large one, a network, a storage and a link, by name."""
    made = {
        "small-1": infra.create("/compute/", compute(SMALL, title="small-1")).location,
        "small-2": infra.create("/compute/", compute(SMALL, title="small-2")).location,
        "large": infra.create("/compute/", compute(LARGE, title="large")).location,
        "net": infra.create("/network/", network(title="net")).location,
        "disk": infra.create("/storage/", storage(5)).location,
    }
    made["nic"] = infra.create("/networkinterface/", nic(made["net"], made["large"])).location
    infra.advance()
    return made


def _names(infra: Infrastructure, world: dict[str, str], collection: str,
           where: Filter | None = None, **paging: Any) -> list[str]:
    by_location = {location: name for name, location in world.items()}
    return [by_location[r.location] for r in infra.list(collection, where=where, **paging)]


@pytest.mark.parametrize(
    ("collection", "expected"),
    [
        pytest.param("/compute/", ["small-1", "small-2", "large"], id="kind"),
        pytest.param("/resource/", ["small-1", "small-2", "large", "net", "disk"],
                     id="parent-kind-lists-sub-kinds"),
        pytest.param("/link/", ["nic"], id="links"),
        pytest.param("/entity/", ["small-1", "small-2", "large", "net", "disk", "nic"],
                     id="every-entity"),
        pytest.param("/resource_tpl/small/", ["small-1", "small-2"], id="mixin-collection"),
        pytest.param("/storagelink/", [], id="empty"),
    ],
)
def test_collections_list_their_members_oldest_first(
    infra: Infrastructure, world: dict[str, str], collection: str, expected: list[str]
) -> None:
    assert _names(infra, world, collection) == expected


@pytest.mark.parametrize(
    ("collection", "where", "expected"),
    [
        pytest.param("/compute/", Filter(categories=(LARGE,)), ["large"], id="by-mixin"),
        pytest.param("/resource/", Filter(categories=(v.NETWORK_KIND,)), ["net"], id="by-kind"),
        pytest.param("/resource/", Filter(categories=(v.COMPUTE_KIND, SMALL)),
                     ["small-1", "small-2"], id="kind-and-mixin"),
        pytest.param("/compute/", Filter(categories=(v.NETWORK_KIND,)), [],
                     id="kind-outside-the-collection"),
        pytest.param("/compute/", Filter(categories=("http://nope#x",)), [],
                     id="unknown-category"),
        pytest.param("/compute/", Filter(categories=(v.COMPUTE_START,)), [], id="action"),
        pytest.param("/compute/", Filter(attributes={v.COMPUTE_CORES: 1}),
                     ["small-1", "small-2"], id="attribute"),
        pytest.param("/compute/", Filter(attributes={CORE_TITLE: "small-2"}), ["small-2"],
                     id="core-title"),
        pytest.param("/compute/", Filter(attributes={v.COMPUTE_CORES: "1"}), [],
                     id="typed-equality"),
        pytest.param("/storage/", Filter(attributes={v.STORAGE_STATE: "online"}), ["disk"],
                     id="state"),
        pytest.param("/resource_tpl/small/", Filter(attributes={CORE_TITLE: "small-1"}),
                     ["small-1"], id="mixin-collection-filtered"),
    ],
)
def test_filters_narrow_a_listing(
    infra: Infrastructure, world: dict[str, str], collection: str, where: Filter,
    expected: list[str],
) -> None:
    assert _names(infra, world, collection, where) == expected


def test_a_filter_on_the_id(infra: Infrastructure, world: dict[str, str]) -> None:
    ident = world["net"].rpartition("/")[2]
    assert _names(infra, world, "/entity/", Filter(attributes={CORE_ID: ident})) == ["net"]


@pytest.mark.parametrize(
    ("page", "number", "expected"),
    [
        pytest.param(1, 2, ["small-1", "small-2"], id="first-page"),
        pytest.param(2, 2, ["large", "net"], id="second-page"),
        pytest.param(3, 2, ["disk"], id="last-partial-page"),
        pytest.param(4, 2, [], id="past-the-end"),
        pytest.param(1, 10, ["small-1", "small-2", "large", "net", "disk"], id="max-page-size"),
        pytest.param(1, None, ["small-1", "small-2", "large", "net", "disk"], id="no-number"),
        pytest.param(2, None, [], id="no-number-page-two"),
        pytest.param(2**70, 10, [], id="page-beyond-any-offset"),
    ],
)
def test_pages(
    infra: Infrastructure, world: dict[str, str], page: int, number: int | None,
    expected: list[str],
) -> None:
    assert _names(infra, world, "/resource/", page=page, number=number) == expected


@pytest.mark.parametrize(
    ("page", "number", "error", "message"),
    [
        pytest.param(1, 11, PayloadTooLargeError, "largest page, 10", id="number-too-large"),
        pytest.param(0, 2, BadRequestError, "page must be 1 or more", id="page-zero"),
        pytest.param(1, 0, BadRequestError, "number must be 1 or more", id="number-zero"),
        pytest.param(-1, None, BadRequestError, "page must be 1 or more", id="negative-page"),
    ],
)
def test_bad_pages(
    infra: Infrastructure, page: int, number: int | None, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        infra.list("/compute/", where=None, page=page, number=number)


def test_a_filter_number_sqlite_cannot_hold_is_a_bad_request(infra: Infrastructure) -> None:
    with pytest.raises(BadRequestError, match=r"occi\.compute\.share: the number .* out of"):
        infra.list("/compute/", where=Filter(attributes={v.COMPUTE_SHARE: 2**64}))


def test_listing_an_unknown_collection_is_not_found(infra: Infrastructure) -> None:
    with pytest.raises(NotFoundError, match="no collection is at /nope/"):
        infra.list("/nope/", where=None)


def test_listed_entities_carry_their_actions(infra: Infrastructure, world: dict[str, str]) -> None:
    (record,) = infra.list("/network/", where=None)
    assert record.entity.actions == (v.NETWORK_DOWN,)


def test_deleting_a_collection_deletes_matching_members(
    infra: Infrastructure, world: dict[str, str]
) -> None:
    assert infra.delete_collection("/compute/", where=Filter(categories=(SMALL,))) == 2
    assert _names(infra, world, "/compute/") == ["large"]
    assert infra.delete_collection("/compute/", where=None) == 1
    assert _names(infra, world, "/entity/") == ["net", "disk"]  # the nic went with "large"


def test_deleting_a_mixin_collection_is_not_a_delete_of_its_members(
    infra: Infrastructure, world: dict[str, str]
) -> None:
    with pytest.raises(NotFoundError, match="mixin's collection"):
        infra.delete_collection("/resource_tpl/small/", where=None)
    assert len(_names(infra, world, "/compute/")) == 3


def test_deleting_nothing_is_not_found(infra: Infrastructure) -> None:
    with pytest.raises(NotFoundError):
        infra.delete("/compute/none")
