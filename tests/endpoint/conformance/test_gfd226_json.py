"""GFD.226 (JSON rendering): the endpoint's JSON answers have the members the spec defines.

A structural check written from GFD.226 §3 (no ``jsonschema`` dependency): resource and
link objects, kinded source/target, collections, the query interface, attribute
definitions, and the members every answer must not lack. The renderer's own unit tests
cover values; these tests cover what the endpoint puts into them.
"""

from __future__ import annotations

from typing import Any

import httpx
from occi_http import compute, create, storage

from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import Link

JSON = {"Accept": "application/occi+json"}
ENTITY_MEMBERS = {"kind", "mixins", "attributes", "actions", "id", "title", "summary", "links",
                  "source", "target"}
DEFINITION_MEMBERS = {"mutable", "required", "type", "pattern", "default", "description"}


def _is_type_id(value: object) -> bool:
    return isinstance(value, str) and "#" in value and value.index("#") > 0


def _check_entity(document: dict[str, Any]) -> None:
    assert set(document) <= ENTITY_MEMBERS, set(document) - ENTITY_MEMBERS
    assert _is_type_id(document["kind"])
    assert isinstance(document["attributes"], dict)
    assert isinstance(document["id"], str)
    assert document["id"]
    for key in ("mixins", "actions"):
        assert all(_is_type_id(item) for item in document.get(key, []))
    for link in document.get("links", []):
        _check_entity(link)
    for end in ("source", "target"):
        if end in document:
            assert set(document[end]) <= {"location", "kind"}
            assert isinstance(document[end]["location"], str)


async def test_gfd226_s3_1_a_resource_object(http: httpx.AsyncClient) -> None:
    """§3.1: kind, mixins, attributes, actions, id, title; no member GFD.226 lacks."""
    location = await create(http, compute("json", **{"occi.compute.cores": 2}), "/compute/")
    document = (await http.get(location, headers=JSON)).json()
    _check_entity(document)
    assert document["kind"] == v.COMPUTE_KIND
    assert document["title"] == "json"
    assert document["attributes"]["occi.compute.cores"] == 2
    assert v.COMPUTE_STOP in document["actions"]


async def test_gfd226_s3_2_a_link_object_with_kinded_ends(http: httpx.AsyncClient) -> None:
    """§3.2: source and target are {"location", "kind"} objects."""
    vm = await create(http, compute("src"), "/compute/")
    disk = await create(http, storage("tgt"), "/storage/")
    link = await create(http, Link(kind=v.STORAGELINK_KIND, source=vm, target=disk),
                        "/storagelink/")
    document = (await http.get(link, headers=JSON)).json()
    _check_entity(document)
    assert document["source"] == {"location": vm, "kind": v.COMPUTE_KIND}
    assert document["target"] == {"location": disk, "kind": v.STORAGE_KIND}
    resource = (await http.get(vm, headers=JSON)).json()
    assert [item["id"] for item in resource["links"]] == [document["id"]]


async def test_gfd226_s3_3_a_collection_object(http: httpx.AsyncClient) -> None:
    """§3.3: {"resources": [...]}, plus the members' locations (an endpoint extension)."""
    created = [await create(http, compute(f"c{n}"), "/compute/") for n in range(2)]
    document = (await http.get("/compute/", headers=JSON)).json()
    assert set(document) <= {"resources", "links", "locations"}
    for item in document["resources"]:
        _check_entity(item)
    assert document["locations"] == created
    empty = (await http.get("/storage/", headers=JSON)).json()
    assert empty == {"resources": []}


async def test_gfd226_s3_4_the_query_interface_object(http: httpx.AsyncClient) -> None:
    """§3.4: kinds, mixins, actions; categories with term and scheme; definitions typed."""
    document = (await http.get("/-/", headers=JSON)).json()
    assert set(document) == {"kinds", "mixins", "actions"}
    for key in ("kinds", "mixins", "actions"):
        for category in document[key]:
            assert isinstance(category["term"], str)
            assert category["scheme"].endswith("#")
            for definition in category.get("attributes", {}).values():
                assert set(definition) <= DEFINITION_MEMBERS
                assert definition["type"] in {"string", "number", "boolean", "array", "object"}
    compute_kind = next(k for k in document["kinds"] if k["term"] == "compute")
    assert compute_kind["location"] == "/compute/"
    assert compute_kind["parent"] == v.RESOURCE_KIND
