"""The text/uri-list rendering (RFC 2483 §5): collections and locations only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from occi_operator.occi.categories import QueryInterface
from occi_operator.occi.entities import ActionInvocation, Collection, Filter, Link, Resource
from occi_operator.occi.errors import ParseError, RenderError
from occi_operator.occi.rendering.base import Message
from occi_operator.occi.rendering.uri_list import UriListRendering

COMPUTE = "http://schemas.ogf.org/occi/infrastructure#compute"
NIC = "http://schemas.ogf.org/occi/infrastructure#networkinterface"
RENDERING = UriListRendering()


def body(raw: bytes) -> Message:
    return Message(content_type="text/uri-list", body=raw)


def test_media_type() -> None:
    assert UriListRendering.media_types == ("text/uri-list",)


def test_locations_render_one_per_line_with_crlf() -> None:
    message = RENDERING.render_locations(["https://h/compute/1", "/compute/2"])
    assert message.content_type == "text/uri-list"
    assert message.body == b"https://h/compute/1\r\n/compute/2\r\n"


def test_no_locations_is_an_empty_body() -> None:
    assert RENDERING.render_locations([]).body == b""
    assert RENDERING.render_collection(Collection()).body == b""
    assert RENDERING.parse_collection(body(b"")) == Collection()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(b"http://h/c/1\r\nhttp://h/c/2\r\n", ["http://h/c/1", "http://h/c/2"],
                     id="crlf"),
        pytest.param(b"http://h/c/1\nhttp://h/c/2", ["http://h/c/1", "http://h/c/2"],
                     id="lf-without-final-newline"),
        pytest.param(b"# listing of /compute/\r\nhttp://h/c/1\r\n#http://h/c/old\r\n",
                     ["http://h/c/1"], id="comment-lines"),
        pytest.param(b"\r\n\r\nhttp://h/c/1\r\n\r\n", ["http://h/c/1"], id="blank-lines"),
        pytest.param(b"  http://h/c/1\t\r\n", ["http://h/c/1"], id="surrounding-blanks"),
        pytest.param(b"/compute/1\n../network/2\n", ["/compute/1", "../network/2"],
                     id="relative-kept-as-written"),
        pytest.param("http://h/café/1\n".encode(), ["http://h/café/1"], id="iri"),
        pytest.param(b"\xef\xbb\xbfhttp://h/c/1\n", ["http://h/c/1"], id="byte-order-mark"),
        pytest.param(b"http://h/c/1?action=stop#frag\n", ["http://h/c/1?action=stop#frag"],
                     id="query-and-fragment"),
    ],
)
def test_parse_locations(raw: bytes, expected: list[str]) -> None:
    assert RENDERING.parse_locations(body(raw)) == expected
    assert RENDERING.parse_collection(body(raw)) == Collection(locations=tuple(expected))


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        pytest.param(b"http://h/c/1\r\nhttp://h/c 2\r\n", "line 2", id="inner-space"),
        pytest.param(b"http://h/c/1\thttp://h/c/2\n", "line 1", id="two-uris-one-line"),
        pytest.param(b"http://h/c/1\n\n\nhttp://h/\x00c\n", "line 4", id="nul"),
        pytest.param(b"http://h/c/1\rhttp://h/c/2\n", "line 1", id="bare-cr"),
        pytest.param("http://h/c/1\u2028http://h/c/2\n".encode(), "line 1",
                     id="unicode-line-separator"),
        pytest.param(b"X-OCCI-Location: http://h/c/1\n", "line 1", id="text-plain-line"),
    ],
)
def test_a_line_that_is_not_a_uri_is_named(raw: bytes, where: str) -> None:
    with pytest.raises(ParseError, match="not a URI") as caught:
        RENDERING.parse_locations(body(raw))
    assert caught.value.where == where
    assert caught.value.media_type == "text/uri-list"


def test_invalid_utf8_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="not UTF-8") as caught:
        RENDERING.parse_collection(body(b"http://h/\xff\xfe\n"))
    assert caught.value.where == "byte 9"


def test_collection_renders_its_locations_first() -> None:
    collection = Collection(
        resources=(Resource(kind=COMPUTE, location="http://h/c/other"),),
        locations=("http://h/c/1",),
    )
    assert RENDERING.render_collection(collection).body == b"http://h/c/1\r\n"


def test_collection_of_entities_renders_their_locations() -> None:
    collection = Collection(
        resources=(Resource(kind=COMPUTE, location="http://h/compute/1"),),
        links=(Link(kind=NIC, target="/n/1", location="http://h/link/nic/1"),),
    )
    message = RENDERING.render_collection(collection)
    assert message.body == b"http://h/compute/1\r\nhttp://h/link/nic/1\r\n"
    assert RENDERING.parse_collection(message) == Collection(
        locations=("http://h/compute/1", "http://h/link/nic/1")
    )


def test_entity_without_location_cannot_be_listed() -> None:
    collection = Collection(
        resources=(
            Resource(kind=COMPUTE, location="http://h/compute/1"),
            Resource(kind=COMPUTE, id="abc"),
        )
    )
    with pytest.raises(RenderError, match=r"entity abc of kind .*#compute has no location"):
        RENDERING.render_collection(collection)


@pytest.mark.parametrize(
    "location",
    [
        pytest.param("", id="empty"),
        pytest.param("http://h/c 1", id="space"),
        pytest.param("http://h/c/1\r\nhttp://evil/", id="line-break"),
        pytest.param("#not-a-location", id="comment"),
        pytest.param("http://h/\ud800", id="lone-surrogate"),
    ],
)
def test_location_that_cannot_be_a_line_is_a_render_error(location: str) -> None:
    with pytest.raises(RenderError):
        RENDERING.render_locations(["http://h/ok", location])
    with pytest.raises(RenderError):
        RENDERING.render_collection(Collection(resources=(Resource(kind=COMPUTE,
                                                                   location=location),)))


_RENDER_REFUSED: list[Any] = [
    pytest.param(lambda r: r.render_entity(Resource(kind=COMPUTE)), id="resource"),
    pytest.param(lambda r: r.render_entity(Link(kind=NIC, target="/n/1")), id="link"),
    pytest.param(lambda r: r.render_query_interface(QueryInterface()), id="query-interface"),
    pytest.param(lambda r: r.render_action(ActionInvocation(action=COMPUTE)), id="action"),
    pytest.param(lambda r: r.render_filter(Filter(categories=(COMPUTE,))), id="filter"),
]


@pytest.mark.parametrize("render", _RENDER_REFUSED)
def test_everything_but_collections_is_refused_when_rendering(
    render: Callable[[UriListRendering], Message],
) -> None:
    with pytest.raises(RenderError, match="text/uri-list renders collections only"):
        render(RENDERING)


@pytest.mark.parametrize(
    "method", ["parse_entity", "parse_query_interface", "parse_action", "parse_filter"]
)
def test_everything_but_collections_is_refused_when_parsing(method: str) -> None:
    with pytest.raises(ParseError, match="text/uri-list renders collections only") as caught:
        getattr(RENDERING, method)(body(b"http://h/compute/1\r\n"))
    assert caught.value.media_type == "text/uri-list"
    assert "a collection or locations" in caught.value.expected
