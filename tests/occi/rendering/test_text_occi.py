"""``text/occi``: OCCI text fields as HTTP headers, body ``OK`` (GFD.229 §6), both directions.

Examples and edge cases of the header transport: comma joining and splitting, repeated
headers, rOCCI's spellings, header-safe escaping, errors naming header and index. The
document rules shared with ``text/plain`` are tested in ``test_text_plain.py``.
"""

from __future__ import annotations

import pytest
from occi_assertions import assert_same

from occi_operator.occi.categories import Kind, QueryInterface
from occi_operator.occi.entities import ActionInvocation, Collection, Filter, Link, Resource
from occi_operator.occi.errors import ParseError, RenderError
from occi_operator.occi.rendering import Message, rendering_for
from occi_operator.occi.rendering.text_occi import TextOcciRendering

INFRA = "http://schemas.ogf.org/occi/infrastructure#"
ACTION = "http://schemas.ogf.org/occi/infrastructure/compute/action#"
OCCI = TextOcciRendering()

COMPUTE = Resource(
    kind=INFRA + "compute",
    mixins=("http://example.org/os_tpl#debian12",),
    id="8b1c",
    title="web, the first",
    attributes={"occi.compute.cores": 2, "occi.compute.memory": 1.5},
    actions=(ACTION + "start", ACTION + "stop"),
    location="http://h/compute/8b1c",
    links=(
        Link(kind=INFRA + "networkinterface", target="/network/a,b", target_kind=INFRA + "network"),
    ),
)


def headers(*pairs: tuple[str, str]) -> Message:
    return Message(content_type="text/occi", body=b"OK", headers=pairs)


def test_media_type_and_lookup() -> None:
    assert TextOcciRendering.media_types == ("text/occi",)
    assert isinstance(rendering_for("Text/OCCI"), TextOcciRendering)


def test_entity_renders_one_comma_joined_header_per_field_and_body_ok() -> None:
    rendered = OCCI.render_entity(COMPUTE)
    assert (rendered.content_type, rendered.body) == ("text/occi", b"OK")
    assert rendered.headers == (
        (
            "Category",
            f'compute; scheme="{INFRA}"; class="kind", '
            'debian12; scheme="http://example.org/os_tpl#"; class="mixin"',
        ),
        (
            "Link",
            f'</network/a,b>; rel="{INFRA}network"; category="{INFRA}networkinterface", '
            f'<http://h/compute/8b1c?action=start>; rel="{ACTION}start", '
            f'<http://h/compute/8b1c?action=stop>; rel="{ACTION}stop"',
        ),
        (
            "X-OCCI-Attribute",
            'occi.core.id="8b1c", occi.core.title="web, the first", '
            "occi.compute.cores=2, occi.compute.memory=1.5",
        ),
        ("X-OCCI-Location", "http://h/compute/8b1c"),
    )
    assert_same(OCCI.parse_entity(rendered), COMPUTE)


def test_repeated_headers_parse_like_comma_joined_ones() -> None:
    body = rendering_for("text/plain").render_entity(COMPUTE).body.decode("utf-8")
    repeated = [line.partition(": ")[::2] for line in body.splitlines()]
    assert len(repeated) == 10  # 2 categories, 3 links, 4 attributes, 1 location
    assert_same(OCCI.parse_entity(headers(*repeated)), COMPUTE)


def test_rocci_spellings_any_case_and_other_headers_ignored() -> None:
    message = Message(
        content_type="text/occi",
        body=b"",
        headers=(
            ("Server", "rOCCI-server/1.1 OCCI/1.2"),
            ("x-occi-category", f'compute; scheme="{INFRA}"; class="kind"'),
            ("X-OCCI-LINK", f'</compute/1?action=stop>; rel="{ACTION}stop"'),
            ("Content-Type", "text/occi"),
            ("X_OCCI_ATTRIBUTE", 'occi.core.id="1", occi.core.title="vm"'),
            ("X-OCCI-Error", "nothing, really"),
        ),
    )
    assert_same(
        OCCI.parse_entity(message),
        Resource(kind=INFRA + "compute", id="1", title="vm", actions=(ACTION + "stop",),
                 location="/compute/1"),
    )


@pytest.mark.parametrize(
    ("value", "rendered"),
    [
        pytest.param("two\nlines", r'"two\nlines"', id="newline"),
        pytest.param("crlf\r\nend", r'"crlf\r\nend"', id="crlf"),
        pytest.param("café 😀", r'"caf\u00e9 \ud83d\ude00"', id="non-ascii"),
        pytest.param("nul\x00", r'"nul\u0000"', id="nul"),
    ],
)
def test_header_values_are_ascii_without_line_breaks(value: str, rendered: str) -> None:
    resource = Resource(kind=INFRA + "compute", title=value)
    message = OCCI.render_entity(resource)
    attribute = dict(message.headers)["X-OCCI-Attribute"]
    assert attribute == "occi.core.title=" + rendered
    assert attribute.isascii()
    assert all(" " <= char <= "~" for char in attribute)
    assert_same(OCCI.parse_entity(message), resource)


@pytest.mark.parametrize(
    ("locations", "message"),
    [
        pytest.param(["http://h/compute/a,b"], "comma", id="comma-in-location"),
        pytest.param(["http://h/réseau"], "cannot be rendered as a URI", id="non-ascii"),
        pytest.param(["http://h/a b"], "cannot be rendered as a URI", id="space"),
    ],
)
def test_locations_a_header_cannot_carry_are_refused(locations: list[str], message: str) -> None:
    with pytest.raises(RenderError, match=message):
        OCCI.render_locations(locations)


def test_locations_comma_joined_and_repeated() -> None:
    rendered = OCCI.render_locations(["http://h/c/1", "http://h/c/2", "http://h/c/3"])
    assert rendered.headers == (("X-OCCI-Location", "http://h/c/1, http://h/c/2, http://h/c/3"),)
    split = headers(("X-OCCI-Location", "http://h/c/1, http://h/c/2"),
                    ("X-OCCI-Location", "http://h/c/3"))
    assert OCCI.parse_locations(split) == ["http://h/c/1", "http://h/c/2", "http://h/c/3"]
    assert OCCI.parse_collection(split) == Collection(
        locations=("http://h/c/1", "http://h/c/2", "http://h/c/3")
    )
    assert OCCI.parse_collection(headers()) == Collection()


def test_http_location_header_is_a_fallback_and_never_split() -> None:
    created = headers(("Location", "http://h/c/a,b"))
    assert OCCI.parse_locations(created) == ["http://h/c/a,b"]
    both = headers(("Location", "http://h/c/1"), ("X-OCCI-Location", "http://h/c/1"))
    assert OCCI.parse_locations(both) == ["http://h/c/1"]


def test_http_link_and_location_headers_are_ignored_where_not_expected() -> None:
    message = headers(
        ("Category", f'compute; scheme="{INFRA}"; class="kind"'),
        ("Link", '<http://h/-/?page=2>; rel="next"'),
        ("Location", "http://h/-/"),
    )
    assert OCCI.parse_query_interface(message) == QueryInterface(
        kinds=(Kind(scheme=INFRA, term="compute"),)
    )


def test_long_field_lists_start_a_new_header_line() -> None:
    kinds = [Kind(scheme=INFRA, term=f"k{number:03}", title="x" * 60) for number in range(200)]
    query = QueryInterface(kinds=tuple(kinds))
    rendered = OCCI.render_query_interface(query)
    assert len(rendered.headers) > 1
    assert {name for name, _ in rendered.headers} == {"Category"}
    assert all(len(value) <= TextOcciRendering.max_header_length for _, value in rendered.headers)
    assert OCCI.parse_query_interface(rendered) == query


def test_action_and_filter_as_headers() -> None:
    invocation = ActionInvocation(action=ACTION + "stop", attributes={"method": "graceful"})
    rendered = OCCI.render_action(invocation)
    assert rendered.headers == (
        ("Category", f'stop; scheme="{ACTION}"; class="action"'),
        ("X-OCCI-Attribute", 'method="graceful"'),
    )
    assert OCCI.parse_action(rendered) == invocation
    query = Filter(categories=(INFRA + "compute", INFRA + "network"),
                   attributes={"occi.core.title": "a, b"})
    assert OCCI.parse_filter(OCCI.render_filter(query)) == query


@pytest.mark.parametrize(
    ("method", "pairs", "where", "message_part"),
    [
        pytest.param(
            "parse_entity",
            (("Category", f'compute; scheme="{INFRA}"; class="kind"'),
             ("X-OCCI-Attribute", "a.b=1, a.c=2"),
             ("X-OCCI-Attribute", 'a.d="x", a.b=3')),
            "header X-OCCI-Attribute value 4",
            "a.b given twice (first at header X-OCCI-Attribute value 1)",
            id="duplicate-attribute",
        ),
        pytest.param(
            "parse_entity",
            (("Category", f'compute; scheme="{INFRA}"; class="kind", net; class="kind"'),),
            "header Category value 2",
            "without scheme",
            id="second-value-broken",
        ),
        pytest.param(
            "parse_entity",
            (("X-OCCI-Attribute", 'a.b="open, c.d=1'),),
            "header X-OCCI-Attribute #1",
            "unterminated quoted string",
            id="unterminated-quote-in-header",
        ),
        pytest.param(
            "parse_query_interface",
            (("X-OCCI-Attribute", "a.b=1"),),
            "header X-OCCI-Attribute value 1",
            "unexpected X-OCCI-Attribute field",
            id="attribute-in-query-interface",
        ),
        pytest.param("parse_entity", (), "headers", "entity without kind", id="no-headers"),
    ],
)
def test_errors_name_header_and_index(
    method: str, pairs: tuple[tuple[str, str], ...], where: str, message_part: str
) -> None:
    with pytest.raises(ParseError) as caught:
        getattr(OCCI, method)(headers(*pairs))
    assert caught.value.where == where
    assert message_part in str(caught.value)
    assert str(caught.value).startswith("text/occi: ")
