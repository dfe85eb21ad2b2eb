"""The JSON rendering (GFD.226): spec and rOCCI examples, spellings servers use, error paths."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from occi_operator.occi.attributes import AttributeDefinition, AttributeType
from occi_operator.occi.categories import Action, Kind, Mixin, QueryInterface
from occi_operator.occi.entities import ActionInvocation, Collection, Filter, Link, Resource
from occi_operator.occi.errors import ParseError, RenderError
from occi_operator.occi.rendering.base import Message
from occi_operator.occi.rendering.json import JsonRendering

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
INFRA = "http://schemas.ogf.org/occi/infrastructure#"
COMPUTE = INFRA + "compute"
NETWORK = INFRA + "network"
NIC = INFRA + "networkinterface"
STORAGELINK = INFRA + "storagelink"
START = "http://schemas.ogf.org/occi/infrastructure/compute/action#start"
STOP = "http://schemas.ogf.org/occi/infrastructure/compute/action#stop"
JSON_SCHEMA = "http://json-schema.org/draft-04/schema#"

RENDERING = JsonRendering()


def body(document: Any) -> Message:
    """A message carrying ``document`` (bytes as they are, anything else as JSON)."""
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    return Message(content_type="application/occi+json", body=raw)


def rendered(message: Message) -> Any:
    """The JSON document a message carries."""
    assert message.content_type == "application/occi+json"
    return json.loads(message.body)


def golden(name: str) -> Message:
    return Message(content_type="application/json", body=(GOLDEN / name).read_bytes())


# --- documents from GFD.226 and rOCCI-core -------------------------------------------------


def test_media_types_put_occi_json_first() -> None:
    assert JsonRendering.media_types == ("application/occi+json", "application/json")


def test_spec_action_invocation_example_parses() -> None:
    invocation = RENDERING.parse_action(golden("spec_json_action_invocation.json"))
    assert invocation == ActionInvocation(action=STOP, attributes={"method": "graceful"})


def test_rocci_action_instance_parses() -> None:
    invocation = RENDERING.parse_action(golden("rocci_core_action_instance.json"))
    assert invocation.action.endswith("action#suspend")
    assert invocation.attributes == {"method": "suspend"}


def test_spec_query_interface_example_parses() -> None:
    query = RENDERING.parse_query_interface(golden("spec_json_query_interface.json"))
    compute, medium, stop = query.kinds[0], query.mixins[0], query.actions[0]
    assert compute.type_id == COMPUTE
    assert compute.parent == "http://schemas.ogf.org/occi/core#resource"
    assert compute.location == "/compute/"
    assert compute.actions[:2] == (START, STOP)
    state = compute.attribute("occi.compute.state")
    assert state == AttributeDefinition(
        name="occi.compute.state",
        mutable=False,
        required=False,
        default="inactive",
        description="State the compute resource is in",
    )
    assert medium.depends == (INFRA + "resourcetpl",)
    assert medium.applies == (COMPUTE,)
    speed = medium.attribute("occi.compute.speed")
    assert speed is not None
    assert (speed.type, speed.default, speed.mutable) == (AttributeType.NUMBER, 2.8, False)
    assert stop.type_id == STOP
    assert stop.attribute("method") is not None


def test_rocci_compute_with_inline_links_parses() -> None:
    resource = RENDERING.parse_entity(golden("rocci_core_compute_inline_links.json"))
    assert isinstance(resource, Resource)
    assert (resource.id, resource.title) == ("89878", "my_compute")
    assert resource.summary is not None
    assert resource.summary.startswith("Instantiated")
    # the core attributes rOCCI repeats inside "attributes" land in the typed fields
    assert not any(name.startswith("occi.core.") for name in resource.attributes)
    assert resource.attributes["occi.compute.cores"] == 1
    assert type(resource.attributes["occi.compute.memory"]) is float
    disk, nic = resource.links
    assert (disk.kind, disk.id, disk.target, disk.target_kind) == (
        STORAGELINK, "compute_89878_disk_0", "/storage/5401", INFRA + "storage",
    )
    assert (nic.source, nic.source_kind) == ("/compute/89878", COMPUTE)
    assert nic.attributes["occi.networkinterface.mac"] == "02:00:93:e4:f2:a3"


def test_rocci_compute_renders_back_to_the_same_document() -> None:
    """What rOCCI-core sends, we send: core attributes in both places, kinded URIs."""
    message = golden("rocci_core_compute_inline_links.json")
    resource = RENDERING.parse_entity(message)
    assert rendered(RENDERING.render_entity(resource)) == json.loads(message.body)


# --- entities --------------------------------------------------------------------------------

WEB = Resource(
    kind=COMPUTE,
    mixins=("http://example.org/occi/os_tpl#debian12",),
    id="8b1c",
    title="web-1",
    summary="the web server",
    attributes={"occi.compute.cores": 2, "occi.compute.memory": 4.0, "org.example.tags": ["a"]},
    actions=(START,),
    links=(
        Link(
            kind=NIC,
            id="nic0",
            target="/network/public",
            target_kind=NETWORK,
            attributes={"occi.networkinterface.interface": "eth0"},
        ),
    ),
)


def test_resource_renders_top_level_members_and_core_attributes() -> None:
    document = rendered(RENDERING.render_entity(WEB))
    assert list(document) == [
        "kind", "mixins", "attributes", "actions", "id", "title", "summary", "links",
    ]
    assert document["attributes"] == {
        "occi.core.id": "8b1c",
        "occi.core.title": "web-1",
        "occi.core.summary": "the web server",
        "occi.compute.cores": 2,
        "occi.compute.memory": 4.0,
        "org.example.tags": ["a"],
    }
    assert document["links"] == [
        {
            "kind": NIC,
            "attributes": {
                "occi.core.id": "nic0",
                "occi.core.target": "/network/public",
                "occi.networkinterface.interface": "eth0",
            },
            "id": "nic0",
            "target": {"location": "/network/public", "kind": NETWORK},
        }
    ]


def test_resource_roundtrips() -> None:
    assert RENDERING.parse_entity(RENDERING.render_entity(WEB)) == WEB


def test_minimal_resource_leaves_empty_members_out_but_keeps_attributes() -> None:
    document = rendered(RENDERING.render_entity(Resource(kind=COMPUTE)))
    assert document == {"kind": COMPUTE, "attributes": {}}


def test_link_renders_source_and_target_as_kinded_uris() -> None:
    link = Link(
        kind=NIC, id="l1", source="/compute/1", source_kind=COMPUTE, target="/network/2",
    )
    document = rendered(RENDERING.render_entity(link))
    assert document["source"] == {"location": "/compute/1", "kind": COMPUTE}
    assert document["target"] == {"location": "/network/2"}
    assert document["attributes"] == {
        "occi.core.id": "l1", "occi.core.source": "/compute/1", "occi.core.target": "/network/2",
    }
    assert RENDERING.parse_entity(RENDERING.render_entity(link)) == link


def test_output_is_compact_utf8_and_independent_of_attribute_order() -> None:
    first = Resource(kind=COMPUTE, title="café 漢", attributes={"b.x": 1, "a.y": 2})
    second = Resource(kind=COMPUTE, title="café 漢", attributes={"a.y": 2, "b.x": 1})
    message = RENDERING.render_entity(first)
    assert message.body == RENDERING.render_entity(second).body
    assert "café 漢".encode() in message.body
    assert b" " not in message.body.replace("café 漢".encode(), b"")


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        pytest.param(
            {"kind": COMPUTE, "attributes": {"occi.core.id": "x", "occi.core.title": "t",
                                             "occi.core.summary": "s"}},
            Resource(kind=COMPUTE, id="x", title="t", summary="s"),
            id="core-attributes-only-inside",
        ),
        pytest.param(
            {"kind": COMPUTE, "id": "x", "title": "t", "summary": "s"},
            Resource(kind=COMPUTE, id="x", title="t", summary="s"),
            id="core-attributes-only-top-level",
        ),
        pytest.param(
            {"kind": COMPUTE, "id": "x", "attributes": {"occi.core.id": "x"}},
            Resource(kind=COMPUTE, id="x"),
            id="both-places-agreeing",
        ),
        pytest.param(
            {"kind": NIC, "attributes": {"occi.core.source": "/c/1", "occi.core.target": "/n/2",
                                         "occi.core.target.kind": NETWORK}},
            Link(kind=NIC, source="/c/1", target="/n/2", target_kind=NETWORK),
            id="link-ends-only-inside",
        ),
        pytest.param(
            {"kind": NIC, "source": "/c/1", "target": "/n/2"},
            Link(kind=NIC, source="/c/1", target="/n/2"),
            id="link-ends-as-draft-uri-strings",
        ),
        pytest.param(
            {"kind": COMPUTE, "attributes": {"occi.compute.hostname": None, "x.y": 1}},
            Resource(kind=COMPUTE, attributes={"x.y": 1}),
            id="null-attribute-means-unset",
        ),
        pytest.param(
            {"kind": COMPUTE, "id": None, "title": None, "links": None, "mixins": None},
            Resource(kind=COMPUTE),
            id="null-members-mean-absent",
        ),
        pytest.param(
            {"kind": COMPUTE, "location": "/compute/1", "x-unknown": {"a": 1}},
            Resource(kind=COMPUTE, location="/compute/1"),
            id="location-read-unknown-members-ignored",
        ),
        pytest.param(
            {"resources": [{"kind": COMPUTE, "id": "1"}]},
            Resource(kind=COMPUTE, id="1"),
            id="collection-of-one",
        ),
    ],
)
def test_entity_spellings_servers_send(document: Any, expected: Resource | Link) -> None:
    assert RENDERING.parse_entity(body(document)) == expected


@pytest.mark.parametrize(
    ("raw", "expected_type", "expected"),
    [
        pytest.param(b"2", int, 2, id="integral-stays-int"),
        pytest.param(b"2.0", float, 2.0, id="point-zero-stays-float"),
        pytest.param(b"2.5e3", float, 2500.0, id="exponent-is-float"),
        pytest.param(b"-7", int, -7, id="negative-int"),
        pytest.param(b"true", bool, True, id="bool-is-not-int"),
        pytest.param(b"123456789012345678901234567890", int, 123456789012345678901234567890,
                     id="big-int-is-exact"),
    ],
)
def test_numbers_keep_their_json_type(raw: bytes, expected_type: type, expected: Any) -> None:
    message = body(b'{"kind":"%s","attributes":{"a.b":%s}}' % (COMPUTE.encode(), raw))
    value = RENDERING.parse_entity(message).attributes["a.b"]
    assert type(value) is expected_type
    assert value == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(math.nan, id="nan"),
        pytest.param(math.inf, id="infinity"),
        pytest.param(-math.inf, id="minus-infinity"),
    ],
)
def test_non_finite_numbers_cannot_be_rendered(value: float) -> None:
    with pytest.raises(RenderError, match="application/occi\\+json"):
        RENDERING.render_entity(Resource(kind=COMPUTE, attributes={"a.b": value}))


def test_deeply_nested_attribute_value_cannot_be_rendered() -> None:
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(RenderError, match="nested too deeply"):
        RENDERING.render_action(ActionInvocation(action=STOP, attributes={"a": deep}))


# --- collections and locations -------------------------------------------------------------


def test_collection_renders_resources_and_links() -> None:
    link = Link(kind=NIC, source="/c/1", target="/n/1")
    collection = Collection(resources=(WEB,), links=(link,))
    document = rendered(RENDERING.render_collection(collection))
    assert list(document) == ["resources", "links"]
    assert RENDERING.parse_collection(RENDERING.render_collection(collection)) == collection


@pytest.mark.parametrize(
    ("collection", "document"),
    [
        pytest.param(Collection(), {"resources": []}, id="empty"),
        pytest.param(Collection(locations=("/c/1", "/c/2")), ["/c/1", "/c/2"], id="locations"),
        pytest.param(
            Collection(resources=(Resource(kind=COMPUTE, id="1"),), locations=("/c/1",)),
            {"resources": [{"kind": COMPUTE, "attributes": {"occi.core.id": "1"}, "id": "1"}],
             "locations": ["/c/1"]},
            id="entities-and-locations",
        ),
    ],
)
def test_collection_forms(collection: Collection, document: Any) -> None:
    message = RENDERING.render_collection(collection)
    assert rendered(message) == document
    assert RENDERING.parse_collection(message) == collection


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(b"", Collection(), id="empty-body-ooi-204"),
        pytest.param(b" \r\n", Collection(), id="blank-body"),
        pytest.param(b"{}", Collection(), id="empty-object"),
        pytest.param(b'["/c/1"]', Collection(locations=("/c/1",)), id="bare-array"),
        pytest.param(b'{"locations":["/c/1"]}', Collection(locations=("/c/1",)),
                     id="rocci-locations-object"),
        pytest.param(b'{"resources":["/c/1"]}', Collection(locations=("/c/1",)),
                     id="location-strings-in-resources"),
        pytest.param(
            json.dumps({"kind": COMPUTE, "id": "1"}).encode(),
            Collection(resources=(Resource(kind=COMPUTE, id="1"),)),
            id="single-entity",
        ),
        pytest.param(
            json.dumps({"resources": [{"kind": NIC, "target": "/n/1"}]}).encode(),
            Collection(links=(Link(kind=NIC, target="/n/1"),)),
            id="link-listed-under-resources",
        ),
    ],
)
def test_collection_spellings_servers_send(raw: bytes, expected: Collection) -> None:
    assert RENDERING.parse_collection(body(raw)) == expected


def test_locations_render_as_json_array() -> None:
    message = RENDERING.render_locations(["https://h/compute/1", "/compute/2"])
    assert rendered(message) == ["https://h/compute/1", "/compute/2"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(b"", [], id="empty-body"),
        pytest.param(b"[]", [], id="empty-array"),
        pytest.param(b'["/c/1","/c/2"]', ["/c/1", "/c/2"], id="array"),
        pytest.param(b'"/c/1"', ["/c/1"], id="single-string"),
        pytest.param(b'{"locations":["/c/1"]}', ["/c/1"], id="rocci-locations-object"),
        pytest.param(b'{"resources":[{"kind":"a#b","location":"/c/1"}]}', ["/c/1"],
                     id="resources-with-location"),
        pytest.param(b'{"kind":"a#b","location":"/c/1"}', ["/c/1"], id="entity-with-location"),
    ],
)
def test_locations_spellings_servers_send(raw: bytes, expected: list[str]) -> None:
    assert RENDERING.parse_locations(body(raw)) == expected


# --- query interface -----------------------------------------------------------------------

VLAN = AttributeDefinition(
    name="occi.network.vlan", type=AttributeType.INTEGER, minimum=0, maximum=4095
)
ARCH = AttributeDefinition(
    name="occi.compute.architecture", enum=("x86", "x64"), description="CPU architecture"
)
MAC = AttributeDefinition(name="occi.networkinterface.mac", pattern="[0-9a-f:]{17}", mutable=False)


def test_integer_renders_as_number_with_an_integer_schema() -> None:
    document = rendered(RENDERING.render_query_interface(QueryInterface(
        kinds=(Kind(scheme=INFRA, term="network", attributes=(VLAN,)),)
    )))
    assert document["kinds"][0]["attributes"]["occi.network.vlan"] == {
        "mutable": True,
        "required": False,
        "type": "number",
        "pattern": {"$schema": JSON_SCHEMA, "type": "integer", "minimum": 0, "maximum": 4095},
    }


@pytest.mark.parametrize(
    ("definition", "pattern"),
    [
        pytest.param(ARCH, {"$schema": JSON_SCHEMA, "type": "string", "enum": ["x86", "x64"]},
                     id="enum"),
        pytest.param(MAC, {"$schema": JSON_SCHEMA, "type": "string", "pattern": "[0-9a-f:]{17}"},
                     id="regex"),
        pytest.param(AttributeDefinition(name="a.b", type=AttributeType.NUMBER), None,
                     id="plain-number-has-none"),
    ],
)
def test_constraints_travel_in_the_pattern_schema(
    definition: AttributeDefinition, pattern: dict[str, Any] | None
) -> None:
    action = Action(scheme=INFRA + "x/action#", term="go", attributes=(definition,))
    document = rendered(RENDERING.render_query_interface(QueryInterface(actions=(action,))))
    assert document["actions"][0]["attributes"][definition.name].get("pattern") == pattern


def test_query_interface_roundtrips_every_definition_detail() -> None:
    query = QueryInterface(
        kinds=(
            Kind(scheme=INFRA, term="network", title="Network", attributes=(VLAN,),
                 parent="http://schemas.ogf.org/occi/core#resource", actions=(START,),
                 location="/network/"),
        ),
        mixins=(
            Mixin(scheme="http://example.org/tpl#", term="small", attributes=(ARCH, MAC),
                  depends=(INFRA + "resource_tpl",), applies=(COMPUTE,), location="/small/"),
        ),
        actions=(
            Action(scheme=INFRA + "compute/action#", term="stop", attributes=(
                AttributeDefinition(name="method", default="graceful", required=True),
                AttributeDefinition(name="x.y", type=AttributeType.OBJECT, default={"a": [1]}),
            )),
        ),
    )
    assert RENDERING.parse_query_interface(RENDERING.render_query_interface(query)) == query


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        pytest.param(
            {"type": "string", "mutable": True, "required": True,
             "pattern": "(?-mix:^(x86|x64)$)"},
            AttributeDefinition(name="a.b", required=True, pattern="(?-mix:^(x86|x64)$)"),
            id="rocci-draft-regex-string",
        ),
        pytest.param(
            {"type": "integer"},
            AttributeDefinition(name="a.b", type=AttributeType.INTEGER, mutable=False),
            id="bare-integer-type",
        ),
        pytest.param(
            {"type": "Number", "pattern": {"type": "integer", "minimum": 1}},
            AttributeDefinition(name="a.b", type=AttributeType.INTEGER, mutable=False, minimum=1),
            id="type-case-insensitive-schema-without-dollar-schema",
        ),
        pytest.param(
            {}, AttributeDefinition(name="a.b", mutable=False), id="spec-defaults",
        ),
    ],
)
def test_attribute_definition_spellings(definition: Any, expected: AttributeDefinition) -> None:
    document = {"kinds": [{"term": "k", "scheme": "s#", "attributes": {"a.b": definition}}]}
    query = RENDERING.parse_query_interface(body(document))
    assert query.kinds[0].attributes == (expected,)


def test_duplicate_attribute_definition_cannot_be_rendered() -> None:
    kind = Kind(scheme=INFRA, term="k", attributes=(ARCH, ARCH))
    with pytest.raises(RenderError, match="twice"):
        RENDERING.render_query_interface(QueryInterface(kinds=(kind,)))


def test_empty_query_interface_is_an_empty_object() -> None:
    message = RENDERING.render_query_interface(QueryInterface())
    assert rendered(message) == {}
    assert RENDERING.parse_query_interface(message) == QueryInterface()


# --- actions and filters ---------------------------------------------------------------------


def test_action_invocation_renders_as_spec_example() -> None:
    message = RENDERING.render_action(ActionInvocation(action=STOP, attributes={"method": "acpi"}))
    assert rendered(message) == {"action": STOP, "attributes": {"method": "acpi"}}


@pytest.mark.parametrize(
    ("query", "document"),
    [
        pytest.param(Filter(), {}, id="empty"),
        pytest.param(
            Filter(categories=(COMPUTE,), attributes={"occi.compute.state": "active"}),
            {"categories": [COMPUTE], "attributes": {"occi.compute.state": "active"}},
            id="categories-and-attributes",
        ),
    ],
)
def test_filter_form(query: Filter, document: Any) -> None:
    message = RENDERING.render_filter(query)
    assert rendered(message) == document
    assert RENDERING.parse_filter(message) == query


def test_filter_accepts_categories_by_class_and_as_objects() -> None:
    document = {
        "kinds": [{"scheme": INFRA, "term": "compute"}],
        "mixins": ["http://example.org/tpl#small"],
        "attributes": {"occi.core.title": "web"},
    }
    assert RENDERING.parse_filter(body(document)) == Filter(
        categories=(COMPUTE, "http://example.org/tpl#small"),
        attributes={"occi.core.title": "web"},
    )
    assert RENDERING.parse_filter(body(b"")) == Filter()


# --- malformed documents: ParseError names the path and what was expected ------------------

_ENTITY_ERRORS = [
    pytest.param([], "the document", "an object", id="array-top-level"),
    pytest.param("compute", "the document", "an object", id="string-top-level"),
    pytest.param(42, "the document", "an object", id="number-top-level"),
    pytest.param(None, "the document", "an object", id="null-top-level"),
    pytest.param({}, "kind", "type identifier", id="kind-missing"),
    pytest.param({"kind": 7}, "kind", "type identifier", id="kind-number"),
    pytest.param({"kind": "compute"}, "kind", "scheme#term", id="kind-without-hash"),
    pytest.param({"kind": COMPUTE, "mixins": "a#b"}, "mixins", "an array", id="mixins-string"),
    pytest.param({"kind": COMPUTE, "mixins": ["a#b", 3]}, "mixins[1]", "type identifier",
                 id="mixin-number"),
    pytest.param({"kind": COMPUTE, "actions": [{"href": "/c?action=start"}]}, "actions[0]",
                 "type identifier", id="draft-action-object"),
    pytest.param({"kind": COMPUTE, "attributes": ["a"]}, "attributes", "an object",
                 id="attributes-array"),
    pytest.param({"kind": COMPUTE, "attributes": {"": 1}}, "attributes", "attribute names",
                 id="empty-attribute-name"),
    pytest.param({"kind": COMPUTE, "id": 5}, "id", "a string", id="id-number"),
    pytest.param({"kind": COMPUTE, "attributes": {"occi.core.title": ["t"]}},
                 'attributes["occi.core.title"]', "a string", id="core-title-array"),
    pytest.param({"kind": COMPUTE, "links": {}}, "links", "an array", id="links-object"),
    pytest.param({"kind": COMPUTE, "links": ["/link/1"]}, "links[0]", "an object",
                 id="link-as-uri-string"),
    pytest.param({"kind": COMPUTE, "links": [{"kind": NIC}]}, "links[0].target", "location",
                 id="inline-link-without-target"),
    pytest.param({"kind": NIC, "source": "/c/1"}, "target", "location", id="link-without-target"),
    pytest.param({"kind": NIC, "target": 3}, "target", "location", id="target-number"),
    pytest.param({"kind": NIC, "target": {"kind": NETWORK}}, "target.location", "URI",
                 id="target-without-location"),
    pytest.param({"kind": NIC, "target": {"location": "/n", "kind": "net"}}, "target.kind",
                 "type identifier", id="target-kind-not-type-id"),
    pytest.param({"kind": NIC, "target": "/n", "summary": "s"}, "summary", "no summary",
                 id="summary-on-link"),
    pytest.param({"kind": COMPUTE, "attributes": {"occi.core.target.kind": NETWORK}},
                 'attributes["occi.core.target.kind"]', "no link attributes",
                 id="link-attribute-on-resource"),
    pytest.param({"resources": [{"kind": COMPUTE}, {"kind": COMPUTE}]}, "the document",
                 "exactly one", id="collection-of-two"),
]


@pytest.mark.parametrize(("document", "where", "expected"), _ENTITY_ERRORS)
def test_malformed_entity_names_path_and_expectation(
    document: Any, where: str, expected: str
) -> None:
    with pytest.raises(ParseError) as caught:
        RENDERING.parse_entity(body(document))
    assert caught.value.where == where
    assert expected in caught.value.expected
    assert caught.value.media_type == "application/occi+json"


def test_error_path_reaches_deep_into_a_collection() -> None:
    document = {"resources": [
        {"kind": COMPUTE}, {"kind": COMPUTE},
        {"kind": COMPUTE, "links": [{"kind": NIC, "target": None, "source": "/c/3"}]},
    ]}
    with pytest.raises(ParseError, match=r"at resources\[2\]\.links\[0\]\.target;") as caught:
        RENDERING.parse_collection(body(document))
    assert caught.value.where == "resources[2].links[0].target"


@pytest.mark.parametrize(
    ("method", "document", "where", "expected"),
    [
        pytest.param("parse_collection", {"resources": {}}, "resources", "an array",
                     id="collection-resources-object"),
        pytest.param("parse_collection", {"locations": [1]}, "locations[0]", "a string",
                     id="collection-location-number"),
        pytest.param("parse_locations", [1], "[0]", "location", id="location-number"),
        pytest.param("parse_locations", {"x": 1}, "the document", "locations",
                     id="locations-unknown-object"),
        pytest.param("parse_locations", {"resources": [{"kind": "a#b"}]},
                     "resources[0].location", "location", id="resource-without-location"),
        pytest.param("parse_action", {}, "action", "type identifier", id="action-missing"),
        pytest.param("parse_action", {"action": STOP, "attributes": 1}, "attributes",
                     "an object", id="action-attributes-number"),
        pytest.param("parse_filter", {"kinds": [{"term": "compute"}]}, "kinds[0].scheme",
                     "a string", id="filter-category-without-scheme"),
        pytest.param("parse_filter", {"categories": "a#b"}, "categories", "an array",
                     id="filter-categories-string"),
        pytest.param("parse_query_interface", {"kinds": {}}, "kinds", "an array",
                     id="kinds-object"),
        pytest.param("parse_query_interface", {"kinds": [{"scheme": INFRA}]}, "kinds[0].term",
                     "a string", id="kind-without-term"),
        pytest.param("parse_query_interface",
                     {"mixins": [{"term": "t", "scheme": "s#", "attributes": {"a": {"type": 1}}}]},
                     'mixins[0].attributes.a.type', "a string", id="attribute-type-number"),
        pytest.param("parse_query_interface",
                     {"kinds": [{"term": "t", "scheme": "s#",
                                 "attributes": {"a.b": {"type": "date"}}}]},
                     'kinds[0].attributes["a.b"].type', "string, number", id="unknown-type"),
        pytest.param("parse_query_interface",
                     {"kinds": [{"term": "t", "scheme": "s#",
                                 "attributes": {"a": {"mutable": "yes"}}}]},
                     "kinds[0].attributes.a.mutable", "true or false", id="mutable-string"),
        pytest.param("parse_query_interface",
                     {"kinds": [{"term": "t", "scheme": "s#",
                                 "attributes": {"a": {"pattern": {"enum": [1]}}}}]},
                     "kinds[0].attributes.a.pattern.enum[0]", "a string", id="enum-number"),
        pytest.param("parse_query_interface",
                     {"kinds": [{"term": "t", "scheme": "s#",
                                 "attributes": {"a": {"pattern": {"minimum": True}}}}]},
                     "kinds[0].attributes.a.pattern.minimum", "a number", id="minimum-bool"),
        pytest.param("parse_query_interface",
                     {"kinds": [{"term": "t", "scheme": "s#",
                                 "attributes": {"a": {"pattern": 3}}}]},
                     "kinds[0].attributes.a.pattern", "JSON-schema object", id="pattern-number"),
    ],
)
def test_malformed_documents_name_path_and_expectation(
    method: str, document: Any, where: str, expected: str
) -> None:
    with pytest.raises(ParseError) as caught:
        getattr(RENDERING, method)(body(document))
    assert caught.value.where == where
    assert expected in caught.value.expected


def test_model_rule_violation_names_the_field() -> None:
    """The category's own validation (scheme must end with '#') becomes a ParseError."""
    document = {"actions": [{"term": "stop", "scheme": "http://example.org/action"}]}
    with pytest.raises(ParseError, match="must end with '#'") as caught:
        RENDERING.parse_query_interface(body(document))
    assert caught.value.where == "actions[0].scheme"


_PARSERS = ["parse_entity", "parse_query_interface", "parse_action"]


@pytest.mark.parametrize("method", _PARSERS)
@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(b"", "empty body", id="empty"),
        pytest.param(b'{"kind": ', "not valid JSON", id="truncated"),
        pytest.param(b'{"kind": "a#b"} x', "not valid JSON", id="trailing-garbage"),
        pytest.param(b"{'kind': 'a#b'}", "not valid JSON", id="single-quotes"),
        pytest.param(b'{"a": NaN}', "no NaN", id="nan-token"),
        pytest.param(b'{"a": Infinity}', "no Infinity", id="infinity-token"),
        pytest.param(b'{"a": -Infinity}', "no -Infinity", id="minus-infinity-token"),
        pytest.param(b'{"a": 1e400}', "no 1e400", id="float-overflow"),
        pytest.param(b'{"a": ' + b"9" * 5000 + b"}", "unreadable JSON value", id="huge-int"),
        pytest.param(b'{"kind": "\xff"}', "not UTF-8", id="invalid-utf8"),
        pytest.param('{"kind": "a#b"}'.encode("utf-16"), "not UTF-8", id="utf16"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "nested too deeply", id="deep-nesting"),
        pytest.param(b'{"a": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "nested too deeply",
                     id="deep-attribute-value"),
    ],
)
def test_unreadable_bodies_raise_parse_error(method: str, raw: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        getattr(RENDERING, method)(body(raw))


def test_byte_order_mark_is_tolerated() -> None:
    raw = b"\xef\xbb\xbf" + json.dumps({"kind": COMPUTE}).encode()
    assert RENDERING.parse_entity(body(raw)) == Resource(kind=COMPUTE)


def test_json_inside_the_package_is_the_standard_library() -> None:
    """The module is named json.py; the package's own ``import json`` must not find it."""
    import occi_operator.occi.rendering._json_values as values
    import occi_operator.occi.rendering.json as ours

    imported = vars(values)["json"]
    assert imported is json
    assert imported is not ours


def test_top_level_core_member_wins_over_its_copy_in_attributes() -> None:
    """MartServer sends ``urn:uuid:`` ids inside attributes next to the bare top-level id."""
    body = b'{"kind": "%s", "id": "a1", "attributes": {"occi.core.id": "urn:uuid:a1"}}' % (
        COMPUTE.encode()
    )
    entity = JsonRendering().parse_entity(Message("application/occi+json", body))
    assert entity.id == "a1"
    assert "occi.core.id" not in entity.attributes
