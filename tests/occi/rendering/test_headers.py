"""The OCCI text field grammar (GFD.229 §3): lists, quoting, values and the four fields.

Examples and edge cases of ``_quoting``, ``_category_line`` and ``_headers``; whole
documents are in ``test_text_plain.py`` and ``test_text_occi.py``.
"""

from __future__ import annotations

import pytest

from occi_operator.occi.attributes import AttributeDefinition
from occi_operator.occi.categories import Action, CategoryClass, Kind, Mixin
from occi_operator.occi.errors import ParseError, RenderError
from occi_operator.occi.rendering._category_line import (
    CategoryLine,
    category_line,
    parse_category,
    render_category,
    to_category,
)
from occi_operator.occi.rendering._headers import (
    ActionLinkLine,
    FieldKind,
    LinkLine,
    field_kind,
    parse_attribute,
    parse_link,
    parse_location,
    render_action_link,
    render_attribute,
    render_link,
    render_location,
)
from occi_operator.occi.rendering._quoting import (
    Where,
    parse_value,
    quote,
    render_value,
    split_list,
    split_parameters,
    unquote,
)

INFRA = "http://schemas.ogf.org/occi/infrastructure#"
ACTION = "http://schemas.ogf.org/occi/infrastructure/compute/action#"
HERE = Where("text/plain", "line 7")


# ---------------------------------------------------------------- lists and parameters


@pytest.mark.parametrize(
    ("text", "separator", "expected"),
    [
        pytest.param("a, b,c", ",", ["a", "b", "c"], id="plain-commas"),
        pytest.param('a="x, y", b', ",", ['a="x, y"', "b"], id="comma-in-quotes"),
        pytest.param(r'a="x\", y", b', ",", [r'a="x\", y"', "b"], id="escaped-quote-in-quotes"),
        pytest.param("</n/a,b>; rel=x, </c>", ",", ["</n/a,b>; rel=x", "</c>"], id="comma-in-uri"),
        pytest.param("a=<1, b", ",", ["a=<1", "b"], id="angle-only-opens-an-item"),
        pytest.param(" , a,, ,b , ", ",", ["a", "b"], id="empty-items-dropped"),
        pytest.param('t; s="a;b"; c', ";", ["t", 's="a;b"', "c"], id="semicolon-in-quotes"),
    ],
)
def test_split_list_respects_quotes_and_references(
    text: str, separator: str, expected: list[str]
) -> None:
    assert split_list(text, separator, HERE) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('a, "b', "closing \"", id="unterminated-quote"),
        pytest.param("<http://x/a, b", "closing >", id="unterminated-reference"),
    ],
)
def test_split_list_errors_name_the_place(text: str, expected: str) -> None:
    with pytest.raises(ParseError, match="line 7") as caught:
        split_list(text, ",", HERE)
    assert expected in caught.value.expected


@pytest.mark.parametrize(
    ("text", "head", "parameters"),
    [
        pytest.param('t; a="1"; b=2', "t", [("a", '"1"'), ("b", "2")], id="semicolons"),
        pytest.param('t;a="1";b=2;', "t", [("a", '"1"'), ("b", "2")], id="tight-trailing"),
        pytest.param('t; a="1" b="2"', "t", [("a", '"1"'), ("b", '"2"')], id="space-only"),
        pytest.param('<x>; a = "1 ; 2"', "<x>", [("a", '"1 ; 2"')], id="spaces-around-eq"),
        pytest.param("t", "t", [], id="head-only"),
    ],
)
def test_split_parameters(text: str, head: str, parameters: list[tuple[str, str]]) -> None:
    assert split_parameters(text, HERE) == (head, parameters)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("t; novalue", id="no-equals"),
        pytest.param('t; a="1"b=2', id="no-separator-after-quote"),
        pytest.param('t; a="1', id="unterminated-quote"),
        pytest.param("<x; a=1", id="unterminated-reference"),
    ],
)
def test_split_parameters_refuses_malformed_lists(text: str) -> None:
    with pytest.raises(ParseError, match="line 7"):
        split_parameters(text, HERE)


# ---------------------------------------------------------------- quoted strings


@pytest.mark.parametrize(
    ("text", "ascii_only", "rendered"),
    [
        pytest.param('say "hi"', False, r'"say \"hi\""', id="quote"),
        pytest.param("a\\b", False, r'"a\\b"', id="backslash"),
        pytest.param("a\nb\r\tc", False, r'"a\nb\r\tc"', id="line-breaks-and-tab"),
        pytest.param("\x00\x1b\x7f\x85", False, r'"\u0000\u001b\u007f\u0085"', id="controls"),
        pytest.param("a\u2028b\u2029", False, r'"a\u2028b\u2029"', id="unicode-line-breaks"),
        pytest.param("é漢😀", False, '"é漢😀"', id="utf8-kept-in-body"),
        pytest.param("é😀", True, r'"\u00e9\ud83d\ude00"', id="ascii-for-headers"),
        pytest.param("a, b; c=<d>", True, '"a, b; c=<d>"', id="separators-need-no-escape"),
    ],
)
def test_quote_escapes_what_would_break_a_line_or_header(
    text: str, ascii_only: bool, rendered: str
) -> None:
    assert quote(text, ascii_only=ascii_only) == rendered
    assert unquote(rendered, HERE) == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(r'"a\qb"', "aqb", id="rfc7230-quoted-pair"),
        pytest.param(r'"\#{x}"', "#{x}", id="ruby-inspect-hash"),
        pytest.param(r'"\u00E9"', "é", id="upper-hex"),
        pytest.param(r'"\u12"', "u12", id="short-u-is-a-quoted-pair"),
        pytest.param(r'"\udc00"', "\udc00", id="lone-surrogate-kept"),
        pytest.param('""', "", id="empty"),
    ],
)
def test_unquote_is_lenient_with_escapes(raw: str, expected: str) -> None:
    assert unquote(raw, HERE) == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("abc", id="no-quotes"),
        pytest.param('"a"b"', id="inner-quote"),
        pytest.param('"abc\\"', id="escaped-closing-quote"),
        pytest.param('"', id="lone-quote"),
    ],
)
def test_unquote_refuses_broken_strings(raw: str) -> None:
    with pytest.raises(ParseError, match="line 7"):
        unquote(raw, HERE)


# ---------------------------------------------------------------- attribute values


@pytest.mark.parametrize(
    ("value", "rendered"),
    [
        pytest.param(True, "true", id="true"),
        pytest.param(False, "false", id="false"),
        pytest.param(2, "2", id="int"),
        pytest.param(-3, "-3", id="negative-int-keeps-sign"),
        pytest.param(1.5, "1.5", id="float"),
        pytest.param(2.0, "2.0", id="integral-float-keeps-point"),
        pytest.param(1e20, "100000000000000000000.0", id="large-float-no-exponent"),
        pytest.param(1.5e-7, "0.00000015", id="small-float-no-exponent"),
        pytest.param("x86", '"x86"', id="string"),
    ],
)
def test_render_value(value: object, rendered: str) -> None:
    assert render_value("a.b", value, ascii_only=False) == rendered
    parsed = parse_value(rendered, HERE)
    assert (type(parsed), parsed) == (type(value), value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param([1, 2], "not a list", id="array"),
        pytest.param({"a": 1}, "not a dict", id="object"),
        pytest.param(None, "not None", id="none"),
        pytest.param(float("nan"), "finite", id="nan"),
        pytest.param(float("inf"), "finite", id="infinity"),
    ],
)
def test_render_value_refuses_what_text_cannot_carry(value: object, message: str) -> None:
    with pytest.raises(RenderError, match=r"attribute occi\.x\.list") as caught:
        render_value("occi.x.list", value, ascii_only=False)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param('"2"', "2", id="quoted-number-is-a-string"),
        pytest.param('"true"', "true", id="quoted-bool-is-a-string"),
        pytest.param("+2", 2, id="plus-sign"),
        pytest.param("-0", 0, id="minus-zero-int"),
        pytest.param("1e3", 1000.0, id="exponent-is-float"),
        pytest.param("1.0e+20", 1e20, id="ruby-float-inspect"),
        pytest.param(".5", 0.5, id="no-leading-digit"),
        pytest.param("5.", 5.0, id="no-trailing-digit"),
        pytest.param("TRUE", True, id="bool-any-case"),
        pytest.param("x86_64", "x86_64", id="bare-token-is-a-string"),
        pytest.param("  7  ", 7, id="surrounding-space"),
    ],
)
def test_parse_value_is_lenient(raw: str, expected: object) -> None:
    parsed = parse_value(raw, HERE)
    assert (type(parsed), parsed) == (type(expected), expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("", "empty attribute value", id="empty"),
        pytest.param("1e999", "out of range", id="overflow"),
        pytest.param("9" * 5000, "too large", id="too-many-digits"),
        pytest.param('"open', "not a quoted string", id="unterminated"),
    ],
)
def test_parse_value_errors(raw: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_value(raw, HERE)


# ---------------------------------------------------------------- field names


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        pytest.param("Category", FieldKind.CATEGORY, id="category"),
        pytest.param("X-OCCI-Category", FieldKind.CATEGORY, id="rocci-category"),
        pytest.param("x_occi_category", FieldKind.CATEGORY, id="cgi-underscores"),
        pytest.param("LINK", FieldKind.LINK, id="link-upper"),
        pytest.param("X-OCCI-Link", FieldKind.LINK, id="rocci-link"),
        pytest.param("x-occi-attribute", FieldKind.ATTRIBUTE, id="attribute-lower"),
        pytest.param("X-OCCI-Location", FieldKind.LOCATION, id="location"),
        pytest.param("Location", FieldKind.LOCATION, id="http-location"),
        pytest.param("Content-Type", None, id="other-header"),
        pytest.param("X-OCCI-Error", None, id="error-header"),
    ],
)
def test_field_names(name: str, kind: FieldKind | None) -> None:
    assert field_kind(name) is kind


# ---------------------------------------------------------------- Category

SPEC_KIND = (
    'compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"; '
    'title="Compute Resource type"; rel="http://schemas.ogf.org/occi/core#resource"; '
    'location="http://example.com/compute/"; '
    'attributes="occi.compute.cores occi.compute.state{immutable} occi.x{required immutable}"; '
    f'actions="{ACTION}start {ACTION}stop"'
)


def test_category_with_every_parameter_parses() -> None:
    line = parse_category(SPEC_KIND, HERE)
    assert line.type_id == INFRA + "compute"
    assert line.cls is CategoryClass.KIND
    assert line.title == "Compute Resource type"
    assert line.rel == ("http://schemas.ogf.org/occi/core#resource",)
    assert line.location == "http://example.com/compute/"
    assert line.attributes == (
        AttributeDefinition(name="occi.compute.cores"),
        AttributeDefinition(name="occi.compute.state", mutable=False),
        AttributeDefinition(name="occi.x", mutable=False, required=True),
    )
    assert line.actions == (ACTION + "start", ACTION + "stop")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(f'compute; scheme="{INFRA}"; class=kind', CategoryClass.KIND, id="bare-class"),
        pytest.param(f'compute; class="Mixin"; scheme="{INFRA}"', CategoryClass.MIXIN, id="order"),
        pytest.param(f'compute;scheme="{INFRA}";class="kind";', CategoryClass.KIND, id="tight"),
        pytest.param(f'compute; scheme="{INFRA}" class="kind"', CategoryClass.KIND, id="no-semi"),
        pytest.param(f'compute; scheme="{INFRA}"; x="y"', None, id="unknown-param-no-class"),
    ],
)
def test_category_spellings_servers_send(text: str, expected: CategoryClass | None) -> None:
    line = parse_category(text, HERE)
    assert (line.type_id, line.cls) == (INFRA + "compute", expected)


@pytest.mark.parametrize(
    "scheme",
    [
        pytest.param(INFRA + "compute", id="rocci-term-repeated"),
        pytest.param(INFRA + "other", id="rocci-server-wrong-fragment"),
    ],
)
def test_scheme_with_a_fragment_is_cut_after_the_hash(scheme: str) -> None:
    assert parse_category(f'compute; scheme="{scheme}"; class="kind"', HERE).scheme == INFRA


def test_repeated_rel_collects_every_relation() -> None:
    text = f'os; scheme="http://o.org/os#"; class="mixin"; rel="{INFRA}os_tpl"; rel="{INFRA}x"'
    assert parse_category(text, HERE).rel == (INFRA + "os_tpl", INFRA + "x")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('compute; class="kind"', "without scheme", id="no-scheme"),
        pytest.param('compute; scheme="http://x/"; class="kind"', "bad category scheme",
                     id="scheme-without-hash"),
        pytest.param(f'compute; scheme="{INFRA}"; class="resource"', "bad category class",
                     id="unknown-class"),
        pytest.param(f'compute; scheme="{INFRA}"; scheme="{INFRA}"', "given twice",
                     id="duplicate-parameter"),
        pytest.param(f'-bad; scheme="{INFRA}"', "bad category term", id="bad-term"),
        pytest.param(f'c; scheme="{INFRA}"; attributes="a{{mutable}}"', "unknown attribute",
                     id="unknown-property"),
        pytest.param(f'c; scheme="{INFRA}"; attributes="a b{{"', "bad attribute definition",
                     id="unclosed-brace"),
        pytest.param(f'c; scheme="{INFRA}"; actions="start"', "bad type identifier",
                     id="action-without-scheme"),
        pytest.param(f'c; scheme="{INFRA}"; title=', "empty value", id="empty-bare-value"),
    ],
)
def test_malformed_category_names_line_and_problem(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message) as caught:
        parse_category(text, HERE)
    assert caught.value.where == "line 7"


@pytest.mark.parametrize(
    ("category", "rendered"),
    [
        pytest.param(
            Kind(
                scheme=INFRA,
                term="compute",
                title='The "compute"',
                attributes=(
                    AttributeDefinition(name="occi.compute.cores", required=True),
                    AttributeDefinition(name="occi.compute.state", mutable=False, required=True),
                ),
                parent="http://schemas.ogf.org/occi/core#resource",
                actions=(ACTION + "start",),
                location="/compute/",
            ),
            f'compute; scheme="{INFRA}"; class="kind"; title="The \\"compute\\""; '
            'rel="http://schemas.ogf.org/occi/core#resource"; location="/compute/"; '
            'attributes="occi.compute.cores{required} occi.compute.state{immutable required}"; '
            f'actions="{ACTION}start"',
            id="kind",
        ),
        pytest.param(
            Mixin(scheme="http://o.org/os#", term="debian12", depends=(INFRA + "os_tpl",),
                  applies=(INFRA + "compute",)),
            f'debian12; scheme="http://o.org/os#"; class="mixin"; rel="{INFRA}os_tpl"',
            id="mixin-applies-not-rendered",
        ),
        pytest.param(
            Action(scheme=ACTION, term="stop", attributes=(AttributeDefinition(name="method"),)),
            f'stop; scheme="{ACTION}"; class="action"; attributes="method"',
            id="action",
        ),
    ],
)
def test_render_category(category: Kind | Mixin | Action, rendered: str) -> None:
    assert render_category(category_line(category), ascii_only=False) == rendered


def test_to_category_needs_a_class() -> None:
    with pytest.raises(ParseError, match="without class"):
        to_category(parse_category(f'compute; scheme="{INFRA}"', HERE), HERE)


def test_category_that_breaks_the_model_is_a_parse_error() -> None:
    line = CategoryLine(term="compute", scheme=INFRA, cls=CategoryClass.KIND, rel=("x#y",),
                        attributes=(AttributeDefinition(name="a"),))
    assert isinstance(to_category(line, HERE), Kind)
    broken = CategoryLine(term="has space", scheme=INFRA, cls=CategoryClass.MIXIN)
    with pytest.raises(ParseError, match="invalid category"):
        to_category(broken, HERE)


@pytest.mark.parametrize(
    "definition",
    [
        pytest.param(AttributeDefinition(name="a b"), id="space-in-name"),
        pytest.param(AttributeDefinition(name="a{x}"), id="brace-in-name"),
    ],
)
def test_attribute_definition_names_must_fit_the_list(definition: AttributeDefinition) -> None:
    kind = Kind(scheme=INFRA, term="compute", attributes=(definition,))
    with pytest.raises(RenderError, match="attribute-name"):
        render_category(category_line(kind), ascii_only=False)


# ---------------------------------------------------------------- Link


def test_inline_link_parses() -> None:
    text = (
        f'</network/pub>; rel="{INFRA}network"; self="/link/ni/1"; '
        f'category="{INFRA}networkinterface http://x.org/ipni#ip"; '
        'occi.core.id="ni-1"; occi.networkinterface.mac="aa:bb"; x.n=2'
    )
    assert parse_link(text, HERE) == LinkLine(
        target="/network/pub",
        rel=(INFRA + "network",),
        self_location="/link/ni/1",
        categories=(INFRA + "networkinterface", "http://x.org/ipni#ip"),
        attributes={"occi.core.id": "ni-1", "occi.networkinterface.mac": "aa:bb", "x.n": 2},
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(f'</compute/1?action=start>; rel="{ACTION}start"',
                     ActionLinkLine("/compute/1", ACTION + "start"), id="action-link"),
        pytest.param(f'<?action=stop>; rel="{ACTION}stop"',
                     ActionLinkLine(None, ACTION + "stop"), id="relative-action-link"),
        pytest.param(f"<http://h/c/1?x=1&action=stop>; rel={ACTION}stop",
                     ActionLinkLine("http://h/c/1", ACTION + "stop"), id="ooi-unquoted-rel"),
    ],
)
def test_action_links_parse(text: str, expected: ActionLinkLine) -> None:
    assert parse_link(text, HERE) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(f'/network/1; rel="{INFRA}network"', "bad link target", id="no-brackets"),
        pytest.param(f'<>; rel="{INFRA}network"', "bad link target", id="empty-target"),
        pytest.param("</c/1?action=stop>", "needs one action", id="action-without-rel"),
        pytest.param('</n>; rel="network"', "bad type identifier", id="rel-not-type-id"),
        pytest.param('</n>; self="/a"; SELF="/b"', "given twice", id="duplicate-parameter"),
        pytest.param('</n>; a.b=1; a.b=2', "given twice", id="duplicate-attribute"),
        pytest.param('</n>; -x=1', "bad link attribute name", id="bad-attribute-name"),
    ],
)
def test_malformed_links_name_line_and_problem(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message) as caught:
        parse_link(text, HERE)
    assert caught.value.where == "line 7"


def test_render_link_and_action_link() -> None:
    line = LinkLine(
        target="/storage/1",
        rel=(INFRA + "storage",),
        self_location="/link/sl/1",
        categories=(INFRA + "storagelink",),
        attributes={"occi.core.title": 'root "disk"', "occi.storagelink.deviceid": "vda"},
    )
    assert render_link(line, ascii_only=False) == (
        f'</storage/1>; rel="{INFRA}storage"; self="/link/sl/1"; '
        f'category="{INFRA}storagelink"; occi.core.title="root \\"disk\\""; '
        'occi.storagelink.deviceid="vda"'
    )
    assert render_action_link("/compute/1", ACTION + "start", ascii_only=False) == (
        f'</compute/1?action=start>; rel="{ACTION}start"'
    )
    assert render_action_link(None, ACTION + "stop", ascii_only=True).startswith("<?action=stop>")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param(LinkLine(target="/a b"), "cannot be rendered as a URI", id="space"),
        pytest.param(LinkLine(target="/a>b"), "cannot be rendered as a URI", id="angle"),
        pytest.param(LinkLine(target=""), "cannot be rendered as a URI", id="empty"),
        pytest.param(LinkLine(target="/c?action=x"), "action link", id="action-query"),
        pytest.param(LinkLine(target="/n", attributes={"rel": "x"}), "clashes", id="rel-attr"),
        pytest.param(LinkLine(target="/n", categories=("a b#c",)), "type identifier",
                     id="space-in-type-id"),
    ],
)
def test_render_link_refuses_what_would_not_read_back(line: LinkLine, message: str) -> None:
    with pytest.raises(RenderError, match=message):
        render_link(line, ascii_only=False)


def test_non_ascii_target_is_refused_only_in_headers() -> None:
    line = LinkLine(target="/network/réseau")
    assert render_link(line, ascii_only=False) == "</network/réseau>"
    with pytest.raises(RenderError, match="cannot be rendered as a URI"):
        render_link(line, ascii_only=True)


# ---------------------------------------------------------------- attributes and locations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('occi.core.title="a=b"', ("occi.core.title", "a=b"), id="eq-in-value"),
        pytest.param(" occi.compute.cores = 2 ", ("occi.compute.cores", 2), id="spaces"),
        pytest.param('occi.compute.state="active";', ("occi.compute.state", "active"),
                     id="rocci-trailing-semicolon"),
        pytest.param("occi.compute.state=active", ("occi.compute.state", "active"),
                     id="lax-bare-enum"),
    ],
)
def test_parse_attribute(text: str, expected: tuple[str, object]) -> None:
    assert parse_attribute(text, HERE) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("occi.compute.cores", id="no-equals"),
        pytest.param("=2", id="no-name"),
        pytest.param("occi compute=2", id="space-in-name"),
    ],
)
def test_malformed_attribute_is_a_parse_error(text: str) -> None:
    with pytest.raises(ParseError, match="expected name=value"):
        parse_attribute(text, HERE)


def test_render_attribute_checks_the_name() -> None:
    assert render_attribute("occi.compute.cores", 4, ascii_only=True) == "occi.compute.cores=4"
    with pytest.raises(RenderError, match="attribute-name"):
        render_attribute("bad name", 4, ascii_only=True)


def test_locations() -> None:
    assert parse_location(" <http://h/compute/1> ", HERE) == "http://h/compute/1"
    assert render_location("/a,b", ascii_only=False, in_list=False) == "/a,b"
    with pytest.raises(RenderError, match="comma"):
        render_location("/a,b", ascii_only=True, in_list=True)
    with pytest.raises(ParseError, match="bad location"):
        parse_location("http://h/a b", HERE)
