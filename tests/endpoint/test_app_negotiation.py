"""Content negotiation of the endpoint: Accept with q-values and wildcards, request bodies.

GFD.223 §5.1/§5.2 (Accept and Content-Type), RFC 9110 §12.5.1 (Accept); the answer's
media type is decided before any work is done.
"""

from __future__ import annotations

import pytest

from occi_operator.endpoint.http_errors import NotAcceptableError, UnsupportedMediaTypeError
from occi_operator.endpoint.negotiation import (
    Purpose,
    choose_media_type,
    offered_media_types,
    parse_accept,
    request_message,
)
from occi_operator.occi.rendering import (
    JsonRendering,
    TextOcciRendering,
    TextPlainRendering,
    UriListRendering,
)


@pytest.mark.parametrize(
    ("accept", "purpose", "expected"),
    [
        pytest.param(None, Purpose.ENTITY, "text/plain", id="no-accept-means-text-plain"),
        pytest.param("", Purpose.ENTITY, "text/plain", id="empty-accept-means-text-plain"),
        pytest.param("*/*", Purpose.ENTITY, "text/plain", id="anything-means-text-plain"),
        pytest.param("text/*", Purpose.COLLECTION, "text/plain", id="text-wildcard-prefers-plain"),
        pytest.param("application/*", Purpose.ENTITY, "application/occi+json", id="app-wildcard"),
        pytest.param("text/occi", Purpose.ENTITY, "text/occi", id="exact-text-occi"),
        pytest.param(
            "application/occi+json", Purpose.QUERY, "application/occi+json", id="exact-json"
        ),
        pytest.param("application/json", Purpose.ENTITY, "application/json", id="json-alias"),
        pytest.param("text/occi+plain", Purpose.ENTITY, "text/occi+plain", id="plain-alias"),
        pytest.param(
            "text/occi, text/plain", Purpose.ENTITY, "text/occi", id="first-listed-wins-a-tie"
        ),
        pytest.param(
            "text/plain;q=0.5, application/occi+json", Purpose.ENTITY,
            "application/occi+json", id="higher-q-wins",
        ),
        pytest.param(
            "text/plain;q=0.2, */*;q=0.1", Purpose.ENTITY, "text/plain", id="exact-beats-wildcard"
        ),
        pytest.param(
            "text/*;q=0.9, text/plain;q=0", Purpose.ENTITY, "text/occi",
            id="q0-refuses-despite-wildcard",
        ),
        pytest.param(
            "text/uri-list", Purpose.COLLECTION, "text/uri-list", id="uri-list-for-collections"
        ),
        pytest.param(
            "text/uri-list, text/plain;q=0.1", Purpose.ENTITY, "text/plain",
            id="uri-list-skipped-for-an-entity",
        ),
        pytest.param("TEXT/OCCI", Purpose.ENTITY, "text/occi", id="case-insensitive"),
        pytest.param(
            "text/plain; charset=utf-8; q=0.8, text/occi;q=0.7", Purpose.ENTITY, "text/plain",
            id="parameters-tolerated",
        ),
        pytest.param("garbage, ;;;", Purpose.ENTITY, "text/plain", id="unreadable-means-default"),
        pytest.param(
            "text/occi;q=abc, application/occi+json;q=0.3", Purpose.ENTITY,
            "application/occi+json", id="bad-q-range-skipped",
        ),
    ],
)
def test_the_answer_media_type_follows_accept(
    accept: str | None, purpose: Purpose, expected: str
) -> None:
    assert choose_media_type(accept, purpose) == expected


@pytest.mark.parametrize(
    ("accept", "purpose"),
    [
        pytest.param("text/uri-list", Purpose.ENTITY, id="uri-list-only-for-an-entity"),
        pytest.param("text/uri-list", Purpose.QUERY, id="uri-list-only-for-categories"),
        pytest.param("application/xml", Purpose.COLLECTION, id="unknown-type"),
        pytest.param("*/*;q=0", Purpose.ENTITY, id="everything-refused"),
        pytest.param("image/*", Purpose.ENTITY, id="foreign-wildcard"),
    ],
)
def test_nothing_acceptable_is_a_406_listing_what_can_be_rendered(
    accept: str, purpose: Purpose
) -> None:
    with pytest.raises(NotAcceptableError) as caught:
        choose_media_type(accept, purpose)
    assert caught.value.status_code == 406
    for media_type in offered_media_types(purpose):
        assert media_type in caught.value.message


def test_accept_ranges_keep_their_order_and_weights() -> None:
    ranges = parse_accept("text/plain;q=0.5, */*, bogus, text/occi;q=2")
    assert [(r.type, r.subtype, r.q, r.index) for r in ranges] == [
        ("text", "plain", 0.5, 0),
        ("*", "*", 1.0, 1),
    ]


@pytest.mark.parametrize(
    ("content_type", "body", "headers", "rendering"),
    [
        pytest.param("text/plain", b"Category: a", (), TextPlainRendering, id="text-plain"),
        pytest.param(
            "text/plain; charset=utf-8", b"Category: a", (), TextPlainRendering,
            id="charset-tolerated",
        ),
        pytest.param(None, b"Category: a", (), TextPlainRendering, id="body-without-type-is-plain"),
        pytest.param(
            None, b"", (("Category", "a"),), TextOcciRendering, id="headers-without-type-are-occi"
        ),
        pytest.param(
            "text/occi", b"", (("X-OCCI-Attribute", "a=1"),), TextOcciRendering,
            id="text-occi-in-headers",
        ),
        pytest.param("application/occi+json", b"{}", (), JsonRendering, id="json"),
        pytest.param("application/json", b"[]", (), JsonRendering, id="json-alias"),
        pytest.param("text/uri-list", b"/compute/1\r\n", (), UriListRendering, id="uri-list"),
    ],
)
def test_the_request_content_type_picks_the_parser(
    content_type: str | None,
    body: bytes,
    headers: tuple[tuple[str, str], ...],
    rendering: type,
) -> None:
    found = request_message(content_type, body, headers)
    assert found is not None
    assert isinstance(found[0], rendering)
    assert found[1].body == body


@pytest.mark.parametrize(
    ("content_type", "body", "headers"),
    [
        pytest.param(None, b"", (("Accept", "text/plain"),), id="nothing-at-all"),
        pytest.param("text/plain", b"  \n", (), id="blank-body"),
        pytest.param("text/occi", b"", (("User-Agent", "x"),), id="text-occi-without-fields"),
    ],
)
def test_a_request_without_content_carries_nothing(
    content_type: str | None, body: bytes, headers: tuple[tuple[str, str], ...]
) -> None:
    assert request_message(content_type, body, headers) is None


def test_an_unknown_request_media_type_is_a_415_naming_the_readable_ones() -> None:
    with pytest.raises(UnsupportedMediaTypeError) as caught:
        request_message("application/x-www-form-urlencoded", b"a=b", ())
    assert caught.value.status_code == 415
    assert "text/plain" in caught.value.message
    assert "application/x-www-form-urlencoded" in caught.value.message
