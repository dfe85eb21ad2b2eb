"""``text/plain``: OCCI text fields as body lines (GFD.229 §5), both directions.

Examples, real-server quirks and errors with line numbers; the property-based round trip
over every rendering is ``test_roundtrip.py``, stored server answers are ``test_golden.py``.
"""

from __future__ import annotations

import pytest
from occi_assertions import assert_same

from occi_operator.occi.attributes import AttributeDefinition
from occi_operator.occi.categories import Action, Kind, Mixin, QueryInterface
from occi_operator.occi.entities import ActionInvocation, Collection, Filter, Link, Resource
from occi_operator.occi.errors import ParseError, RenderError
from occi_operator.occi.rendering import Message, rendering_for
from occi_operator.occi.rendering.text_plain import TextPlainRendering

INFRA = "http://schemas.ogf.org/occi/infrastructure#"
ACTION = "http://schemas.ogf.org/occi/infrastructure/compute/action#"
CORE = "http://schemas.ogf.org/occi/core#"
TEXT = TextPlainRendering()

COMPUTE = Resource(
    kind=INFRA + "compute",
    mixins=("http://example.org/os_tpl#debian12",),
    id="8b1c",
    title="web 1",
    summary="front end",
    attributes={"occi.compute.cores": 2, "occi.compute.memory": 1.5, "x.up": True},
    actions=(ACTION + "stop",),
    location="http://h/compute/8b1c",
    links=(
        Link(
            kind=INFRA + "networkinterface",
            id="ni-1",
            target="/network/public",
            target_kind=INFRA + "network",
            location="/link/networkinterface/ni-1",
            attributes={"occi.networkinterface.mac": "aa:bb"},
        ),
    ),
)
COMPUTE_BODY = (
    f'Category: compute; scheme="{INFRA}"; class="kind"\n'
    'Category: debian12; scheme="http://example.org/os_tpl#"; class="mixin"\n'
    f'Link: </network/public>; rel="{INFRA}network"; self="/link/networkinterface/ni-1"; '
    f'category="{INFRA}networkinterface"; occi.core.id="ni-1"; occi.networkinterface.mac="aa:bb"\n'
    f'Link: <http://h/compute/8b1c?action=stop>; rel="{ACTION}stop"\n'
    'X-OCCI-Attribute: occi.core.id="8b1c"\n'
    'X-OCCI-Attribute: occi.core.title="web 1"\n'
    'X-OCCI-Attribute: occi.core.summary="front end"\n'
    "X-OCCI-Attribute: occi.compute.cores=2\n"
    "X-OCCI-Attribute: occi.compute.memory=1.5\n"
    "X-OCCI-Attribute: x.up=true\n"
    "X-OCCI-Location: http://h/compute/8b1c\n"
)


def message(body: str, content_type: str = "text/plain") -> Message:
    return Message(content_type=content_type, body=body.encode("utf-8"))


def test_media_types_and_lookup() -> None:
    assert TextPlainRendering.media_types == ("text/plain", "text/occi+plain")
    assert isinstance(rendering_for("text/occi+plain; charset=utf-8"), TextPlainRendering)


def test_resource_renders_categories_links_attributes_location_in_order() -> None:
    rendered = TEXT.render_entity(COMPUTE)
    assert rendered.content_type == "text/plain"
    assert rendered.headers == ()
    assert rendered.body.decode("utf-8") == COMPUTE_BODY
    assert_same(TEXT.parse_entity(rendered), COMPUTE)


def test_parse_accepts_crlf_blank_lines_whitespace_bom_and_other_order() -> None:
    lines = COMPUTE_BODY.splitlines()
    shuffled = [lines[6], "", lines[3], "  ", lines[0], *lines[7:], *lines[1:3], *lines[4:6]]
    body = "\ufeff" + "\r\n".join(f"  {line}\t" for line in shuffled) + "\r\n\r\n"
    assert_same(TEXT.parse_entity(message(body)), COMPUTE)


def test_values_may_be_comma_joined_on_one_line() -> None:
    body = (
        f'Category: compute; scheme="{INFRA}"; class="kind", '
        'debian12; scheme="http://example.org/os_tpl#"; class="mixin"\n'
        'X-OCCI-Attribute: occi.core.title="a, b", occi.compute.cores=2\n'
    )
    parsed = TEXT.parse_entity(message(body))
    assert parsed.mixins == ("http://example.org/os_tpl#debian12",)
    assert parsed.title == "a, b"
    assert parsed.attributes == {"occi.compute.cores": 2}


def test_rocci_spellings_and_lower_case_names() -> None:
    body = (
        f'x-occi-category: compute; scheme="{INFRA}"; class="kind"\n'
        f'X-OCCI-Link: </c/1?action=start>; rel="{ACTION}start"\n'
        'x-occi-attribute: occi.core.id="1"\n'
    )
    parsed = TEXT.parse_entity(message(body))
    assert (parsed.kind, parsed.id, parsed.actions, parsed.location) == (
        INFRA + "compute", "1", (ACTION + "start",), "/c/1"
    )


def test_ooi_entity_quirks() -> None:
    """ooi writes the link's own URL in <…> and the target only in occi.core.target."""
    body = (
        f'Category: compute; scheme="{INFRA}"; class="kind"; title="compute resource"; '
        f'rel="{CORE}resource"; location="http://h/occi1.1/compute/"\n'
        'Category: 42; scheme="http://schemas.openstack.org/template/resource#"; class="mixin"; '
        f'title="Flavor: m1.nano"; rel="{INFRA}resource_tpl"\n'
        'X-OCCI-Attribute: occi.core.title="vm_2"\n'
        "X-OCCI-Attribute: occi.compute.memory=64\n"
        'X-OCCI-Attribute: occi.core.id="7039"\n'
        f'Link: <http://h/occi1.1/compute/7039?action=stop>; rel="{ACTION}stop"\n'
        f'Link: <http://h/occi1.1/networklink/7039_PUB>; rel="{INFRA}network"; '
        'self="http://h/occi1.1/networklink/7039_PUB"; occi.core.id="7039_PUB"; '
        'occi.core.source="http://h/occi1.1/compute/7039"; '
        'occi.core.target="http://h/occi1.1/network/PUB"; occi.networkinterface.address="1.2.3.4"\n'
    )
    parsed = TEXT.parse_entity(message(body))
    assert isinstance(parsed, Resource)
    assert parsed.location == "http://h/occi1.1/compute/7039"
    assert parsed.mixins == ("http://schemas.openstack.org/template/resource#42",)
    assert parsed.links == (
        Link(
            kind=CORE + "link",
            id="7039_PUB",
            source="http://h/occi1.1/compute/7039",
            target="http://h/occi1.1/network/PUB",
            target_kind=INFRA + "network",
            location="http://h/occi1.1/networklink/7039_PUB",
            attributes={"occi.networkinterface.address": "1.2.3.4"},
        ),
    )


def test_link_entity_renders_source_and_target_as_attributes() -> None:
    link = Link(
        kind=INFRA + "storagelink",
        id="sl-1",
        source="/compute/1",
        source_kind=INFRA + "compute",
        target="/storage/2",
        target_kind=INFRA + "storage",
        attributes={"occi.storagelink.deviceid": "vdb"},
    )
    body = TEXT.render_entity(link).body.decode("utf-8")
    assert body == (
        f'Category: storagelink; scheme="{INFRA}"; class="kind"\n'
        'X-OCCI-Attribute: occi.core.id="sl-1"\n'
        'X-OCCI-Attribute: occi.core.source="/compute/1"\n'
        f'X-OCCI-Attribute: occi.core.source.kind="{INFRA}compute"\n'
        'X-OCCI-Attribute: occi.core.target="/storage/2"\n'
        f'X-OCCI-Attribute: occi.core.target.kind="{INFRA}storage"\n'
        'X-OCCI-Attribute: occi.storagelink.deviceid="vdb"\n'
    )
    assert_same(TEXT.parse_entity(message(body)), link)


@pytest.mark.parametrize(
    ("attribute", "expected_type"),
    [
        pytest.param('occi.core.target="/storage/2"', Link, id="target-makes-a-link"),
        pytest.param('occi.core.source="/c/1"', None, id="source-without-target-fails"),
        pytest.param(f'occi.core.target.kind="{INFRA}storage"', None,
                     id="target-kind-without-target-fails"),
        pytest.param('occi.core.summary="s"', Resource, id="summary-is-a-resource"),
        pytest.param('x.y="z"', Resource, id="plain-attribute-is-a-resource"),
    ],
)
def test_resource_or_link_is_decided_by_link_core_attributes(
    attribute: str, expected_type: type[Resource] | type[Link] | None
) -> None:
    body = f'Category: storagelink; scheme="{INFRA}"; class="kind"\nX-OCCI-Attribute: {attribute}\n'
    if expected_type is None:
        with pytest.raises(ParseError, match="link without target"):
            TEXT.parse_entity(message(body))
    else:
        assert type(TEXT.parse_entity(message(body))) is expected_type


def test_actions_without_location_use_relative_action_links() -> None:
    resource = Resource(kind=INFRA + "compute", actions=(ACTION + "start", ACTION + "stop"))
    body = TEXT.render_entity(resource).body.decode("utf-8")
    assert f'Link: <?action=start>; rel="{ACTION}start"\n' in body
    assert_same(TEXT.parse_entity(message(body)), resource)


def test_inline_link_actions_are_not_carried() -> None:
    link = Link(kind=INFRA + "networkinterface", target="/n/1", actions=(ACTION + "x",))
    resource = Resource(kind=INFRA + "compute", links=(link,))
    parsed = TEXT.parse_entity(TEXT.render_entity(resource))
    assert isinstance(parsed, Resource)
    assert parsed.links[0].actions == ()


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("line 1\nline 2", id="newline"),
        pytest.param("a\r\nb", id="crlf"),
        pytest.param("para\u2028graph\x85end", id="unicode-line-breaks"),
        pytest.param('"quoted", \\ and ; = <x>', id="separators"),
        pytest.param("tab\there\x00nul", id="controls"),
        pytest.param("é漢😀", id="non-ascii"),
    ],
)
def test_hostile_strings_stay_on_their_line_and_round_trip(value: str) -> None:
    resource = Resource(kind=INFRA + "compute", title=value, attributes={"x.y": value})
    body = TEXT.render_entity(resource).body.decode("utf-8")
    assert len(body.split("\n")) == 4  # kind, title, x.y, and the final line break
    assert_same(TEXT.parse_entity(message(body)), resource)


def test_array_attribute_cannot_be_rendered_and_is_named() -> None:
    resource = Resource(kind=INFRA + "compute", attributes={"x.list": [1, 2]})
    with pytest.raises(RenderError, match=r"attribute x\.list"):
        TEXT.render_entity(resource)


def test_collection_renders_locations_or_entity_locations() -> None:
    listed = Collection(locations=("http://h/compute/1", "http://h/compute/a,b"))
    body = b"X-OCCI-Location: http://h/compute/1\nX-OCCI-Location: http://h/compute/a,b\n"
    assert TEXT.render_collection(listed).body == body
    assert TEXT.parse_collection(message(body.decode())) == listed
    entities = Collection(resources=(Resource(kind=INFRA + "compute", location="/c/1"),))
    assert TEXT.render_collection(entities).body == b"X-OCCI-Location: /c/1\n"
    assert TEXT.render_collection(Collection()).body == b""


def test_collection_entity_without_location_cannot_be_rendered() -> None:
    collection = Collection(resources=(Resource(kind=INFRA + "compute", id="vm-9"),))
    with pytest.raises(RenderError, match="'vm-9' has no location"):
        TEXT.render_collection(collection)


def test_location_line_is_the_fallback_for_x_occi_location() -> None:
    assert TEXT.parse_locations(message("Location: http://h/c/1\n")) == ["http://h/c/1"]
    both = "Location: http://h/c/1\nX-OCCI-Location: http://h/c/1\n"
    assert TEXT.parse_locations(message(both)) == ["http://h/c/1"]


QUERY = QueryInterface(
    kinds=(
        Kind(
            scheme=INFRA,
            term="compute",
            title="Compute",
            attributes=(
                AttributeDefinition(name="occi.compute.cores"),
                AttributeDefinition(name="occi.compute.state", mutable=False, required=True),
            ),
            parent=CORE + "resource",
            actions=(ACTION + "start",),
            location="/compute/",
        ),
    ),
    mixins=(Mixin(scheme="http://o.org/os#", term="debian12", depends=(INFRA + "os_tpl",),
                  location="/os_tpl/debian12/"),),
    actions=(Action(scheme=ACTION, term="start", attributes=(AttributeDefinition(name="m"),)),),
)


def test_query_interface_renders_every_text_field_and_round_trips() -> None:
    body = TEXT.render_query_interface(QUERY).body.decode("utf-8")
    assert body == (
        f'Category: compute; scheme="{INFRA}"; class="kind"; title="Compute"; '
        f'rel="{CORE}resource"; location="/compute/"; '
        'attributes="occi.compute.cores occi.compute.state{immutable required}"; '
        f'actions="{ACTION}start"\n'
        f'Category: debian12; scheme="http://o.org/os#"; class="mixin"; rel="{INFRA}os_tpl"; '
        'location="/os_tpl/debian12/"\n'
        f'Category: start; scheme="{ACTION}"; class="action"; attributes="m"\n'
    )
    assert_same(TEXT.parse_query_interface(message(body)), QUERY)


def test_query_interface_loses_what_text_cannot_carry() -> None:
    rich = QueryInterface(
        kinds=(Kind(scheme=INFRA, term="storage", attributes=(
            AttributeDefinition(name="occi.storage.size", type="number", default=1.0,
                                description="GiB"),
        )),)
    )
    parsed = TEXT.parse_query_interface(TEXT.render_query_interface(rich))
    assert parsed.kinds[0].attributes == (AttributeDefinition(name="occi.storage.size"),)


def test_action_invocation() -> None:
    invocation = ActionInvocation(action=ACTION + "stop", attributes={"method": "graceful"})
    body = TEXT.render_action(invocation).body.decode("utf-8")
    assert body == (
        f'Category: stop; scheme="{ACTION}"; class="action"\n'
        'X-OCCI-Attribute: method="graceful"\n'
    )
    assert TEXT.parse_action(message(body)) == invocation
    classless = message(f'Category: stop; scheme="{ACTION}"')
    assert TEXT.parse_action(classless).action == ACTION + "stop"


def test_filter_renders_categories_without_class() -> None:
    query = Filter(categories=(INFRA + "compute",), attributes={"occi.core.title": "web"})
    body = TEXT.render_filter(query).body.decode("utf-8")
    assert body == (
        f'Category: compute; scheme="{INFRA}"\nX-OCCI-Attribute: occi.core.title="web"\n'
    )
    assert TEXT.parse_filter(message(body)) == query
    assert TEXT.parse_filter(message("")) == Filter()


KIND_LINE = f'Category: compute; scheme="{INFRA}"; class="kind"'


@pytest.mark.parametrize(
    ("method", "body", "where", "message_part"),
    [
        pytest.param("parse_entity", "<html><body>502 Bad Gateway</body></html>", "line 1",
                     "not an OCCI field", id="html-error-page"),
        pytest.param("parse_collection", "\n\nServer: broken\n", "line 3",
                     "not an OCCI field", id="unknown-field-name"),
        pytest.param("parse_entity", f"{KIND_LINE}\nX-OCCI-Attribute occi.core.id=1", "line 2",
                     "not an OCCI field", id="missing-colon"),
        pytest.param("parse_entity", f'{KIND_LINE}\nX-OCCI-Attribute: a="x\n', "line 2",
                     "unterminated", id="unterminated-quote"),
        pytest.param("parse_entity",
                     f"{KIND_LINE}\nX-OCCI-Attribute: a.b=1\n\nX-OCCI-Attribute: a.b=2", "line 4",
                     "given twice (first at line 2)", id="duplicate-attribute"),
        pytest.param("parse_entity", 'X-OCCI-Attribute: occi.core.id="1"', "body",
                     "entity without kind", id="no-kind"),
        pytest.param("parse_entity", f"{KIND_LINE}\n{KIND_LINE}", "line 2",
                     "unexpected category", id="second-kind"),
        pytest.param("parse_entity", f'{KIND_LINE}\nCategory: start; scheme="{ACTION}"', "line 2",
                     "unexpected category", id="category-without-class"),
        pytest.param("parse_entity", f"{KIND_LINE}\nX-OCCI-Attribute: occi.core.id=5", "line 2",
                     "occi.core.id must be a string", id="core-attribute-not-a-string"),
        pytest.param("parse_entity",
                     f'{KIND_LINE}\nX-OCCI-Attribute: occi.core.target="/t"\n'
                     'X-OCCI-Attribute: occi.core.summary="s"',
                     "line 3", "resource attribute", id="summary-on-a-link"),
        pytest.param("parse_entity",
                     f'{KIND_LINE}\nLink: </n>; rel="{INFRA}network"\n'
                     'X-OCCI-Attribute: occi.core.target="/t"', "line 2",
                     "cannot have inline links", id="link-with-inline-link"),
        pytest.param("parse_entity",
                     f"{KIND_LINE}\nX-OCCI-Location: /c/1\nX-OCCI-Location: /c/2", "line 3",
                     "one location", id="two-locations"),
        pytest.param("parse_collection", f"X-OCCI-Location: /c/1\n{KIND_LINE}", "line 2",
                     "unexpected Category field", id="category-in-collection"),
        pytest.param("parse_query_interface", f'Category: c; scheme="{INFRA}"', "line 1",
                     "without class", id="query-category-without-class"),
        pytest.param("parse_query_interface", "X-OCCI-Location: /c/1", "line 1",
                     "unexpected X-OCCI-Location", id="location-in-query-interface"),
        pytest.param("parse_action", "", "body", "exactly one action", id="no-action"),
        pytest.param("parse_action", KIND_LINE, "line 1", "not an action", id="kind-as-action"),
        pytest.param("parse_locations", "X-OCCI-Location: http://h/a b", "line 1",
                     "bad location", id="space-in-location"),
    ],
)
def test_malformed_input_names_the_line(
    method: str, body: str, where: str, message_part: str
) -> None:
    with pytest.raises(ParseError) as caught:
        getattr(TEXT, method)(message(body))
    assert caught.value.where == where
    assert message_part in str(caught.value)
    assert str(caught.value).startswith("text/plain: ")


@pytest.mark.parametrize(
    ("content_type", "body", "message_part"),
    [
        pytest.param("text/plain", b"X-OCCI-Location: /caf\xe9\n", "not valid utf-8",
                     id="invalid-utf8"),
        pytest.param("text/plain; charset=klingon", b"", "unknown charset", id="unknown-charset"),
    ],
)
def test_undecodable_body_is_a_parse_error(
    content_type: str, body: bytes, message_part: str
) -> None:
    with pytest.raises(ParseError, match=message_part):
        TEXT.parse_locations(Message(content_type=content_type, body=body))


def test_declared_charset_is_honoured() -> None:
    raw = Message(content_type='text/plain; charset="iso-8859-1"',
                  body=b'Category: c; scheme="http://x#"; class="kind"; title="caf\xe9"\n')
    assert TEXT.parse_query_interface(raw).kinds[0].title == "café"
