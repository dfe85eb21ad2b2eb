"""Every parser fails only with ParseError: random, structured and mutated input.

For each rendering and each ``parse_*`` method the input is one of

* random bytes (and, for ``text/occi``, random header lines);
* JSON-shaped documents built from OCCI member names with values of the wrong type;
* lines built from OCCI text tokens (``Category:``, ``Link: <…>``, ``attributes="…"``);
* a valid rendering (of an entity, collection, query interface, action, filter or
  locations) with bytes inserted, deleted or flipped, lines duplicated or dropped, or the
  end cut off.

The parser may accept the input (renderings are lenient) or raise ParseError; any other
exception fails the test.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

import occi_strategies as occi_st
import pytest
from hypothesis import given
from hypothesis import strategies as st

from occi_operator.occi.entities import Collection
from occi_operator.occi.errors import ParseError, RenderError
from occi_operator.occi.rendering import (
    JsonRendering,
    Message,
    Rendering,
    TextOcciRendering,
    TextPlainRendering,
    UriListRendering,
)

RENDERINGS = [
    pytest.param(TextPlainRendering(), id="text-plain"),
    pytest.param(TextOcciRendering(), id="text-occi"),
    pytest.param(UriListRendering(), id="uri-list"),
    pytest.param(JsonRendering(), id="json"),
]
PARSERS = (
    "parse_entity",
    "parse_collection",
    "parse_query_interface",
    "parse_action",
    "parse_locations",
    "parse_filter",
)
_HEADER_NAMES = (
    "Category",
    "X-OCCI-Category",
    "Link",
    "X-OCCI-Link",
    "X-OCCI-Attribute",
    "X-OCCI-Location",
    "Location",
    "Content-Type",
)


def _parse_everything(rendering: Rendering, message: Message) -> None:
    """Run every parser; each may succeed or raise ParseError, nothing else."""
    for name in PARSERS:
        with contextlib.suppress(ParseError):
            getattr(rendering, name)(message)


def _message(rendering: Rendering, payload: bytes) -> Message:
    """``payload`` as this rendering receives it: header lines for text/occi, else body."""
    media_type = rendering.media_types[0]
    if not isinstance(rendering, TextOcciRendering):
        return Message(content_type=media_type, body=payload)
    headers = []
    for line in payload.decode("latin-1").split("\n"):
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return Message(content_type=media_type, body=b"OK", headers=tuple(headers))


def _payload(message: Message) -> bytes:
    """The inverse of :func:`_message`: what a mutation works on."""
    if not message.headers:
        return message.body
    lines = [f"{name}: {value}" for name, value in message.headers]
    return "\n".join(lines).encode("utf-8")


# --- input generators ---------------------------------------------------------------------

_OCCI_KEYS = (
    "kind", "mixins", "attributes", "actions", "id", "title", "summary", "links", "source",
    "target", "location", "resources", "kinds", "action", "term", "scheme", "parent",
    "depends", "applies", "type", "mutable", "required", "default", "pattern", "categories",
)
_json_leaves = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8),
    occi_st.type_ids, occi_st.locations,
)
_json_documents = st.recursive(
    _json_leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(_OCCI_KEYS) | st.text(max_size=4), children, max_size=5),
    ),
    max_leaves=12,
)

_TEXT_TOKENS = (
    "Category: ", "X-OCCI-Attribute: ", "Link: ", "X-OCCI-Location: ", "X-OCCI-Category: ",
    "compute", ";", "; ", "scheme=", '"http://schemas.ogf.org/occi/infrastructure#"', "class=",
    '"kind"', '"mixin"', '"action"', "kind", "title=", "rel=", "self=", "category=",
    "location=", "attributes=", '"a{immutable required} b{', "actions=", "<", ">", "</c/1>",
    "</c/1?action=start>", "occi.core.id=", "occi.core.target=", "x=", '"', "\\", '\\"', "=",
    ",", "1", "1.5", "-2", "1e5", "true", "false", "{", "}", " ", "\t", "\n", "\r\n", "#",
    "http://h/x", "\u2028", "\x00", "é",
)
_text_documents = st.lists(st.sampled_from(_TEXT_TOKENS), max_size=40).map("".join)


def _valid_message(rendering: Rendering, data: st.DataObject) -> Message:
    """A rendering of some OCCI value, or of locations where the rendering refuses it."""
    carrying = occi_st.JSON if isinstance(rendering, JsonRendering) else occi_st.TEXT
    makers: list[Callable[[], Message]] = [
        lambda: rendering.render_entity(data.draw(occi_st.resources(carrying))),
        lambda: rendering.render_entity(data.draw(occi_st.link_entities(carrying))),
        lambda: rendering.render_collection(
            data.draw(occi_st.collections(carrying))
            if carrying is occi_st.JSON
            else Collection(locations=tuple(data.draw(occi_st.location_lists)))
        ),
        lambda: rendering.render_query_interface(data.draw(occi_st.query_interfaces(carrying))),
        lambda: rendering.render_action(data.draw(occi_st.action_invocations(carrying))),
        lambda: rendering.render_filter(data.draw(occi_st.filters(carrying))),
        lambda: rendering.render_locations(data.draw(occi_st.location_lists)),
    ]
    maker = data.draw(st.sampled_from(makers), label="what")
    try:
        return maker()
    except RenderError:
        return rendering.render_locations(data.draw(occi_st.location_lists))


def _mutate(payload: bytes, data: st.DataObject) -> bytes:
    """Apply one to four random edits to ``payload``."""
    buffer = bytearray(payload)
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        edit = data.draw(
            st.sampled_from(["insert", "delete", "flip", "truncate", "dup-line", "drop-line"])
        )
        at = data.draw(st.integers(0, len(buffer)))
        if edit == "insert":
            buffer[at:at] = data.draw(st.binary(min_size=1, max_size=4) | st.sampled_from(
                [b'"', b"\\", b";", b",", b"=", b"<", b">", b"\n", b"{", b"}", b"[", b"]", b":"]
            ))
        elif edit == "delete":
            del buffer[at : at + data.draw(st.integers(1, 8))]
        elif edit == "flip" and at < len(buffer):
            buffer[at] ^= 1 << data.draw(st.integers(0, 7))
        elif edit == "truncate":
            del buffer[at:]
        else:
            lines = bytes(buffer).split(b"\n")
            index = data.draw(st.integers(0, len(lines) - 1))
            if edit == "dup-line":
                lines.insert(index, lines[index])
            else:
                del lines[index]
            buffer = bytearray(b"\n".join(lines))
    return bytes(buffer)


# --- the properties -----------------------------------------------------------------------


@pytest.mark.parametrize("rendering", RENDERINGS)
@given(payload=st.binary(max_size=300))
def test_random_bytes_raise_only_parse_errors(rendering: Rendering, payload: bytes) -> None:
    """Arbitrary bytes (body, or header lines for text/occi)."""
    _parse_everything(rendering, _message(rendering, payload))


@pytest.mark.parametrize("rendering", RENDERINGS)
@given(
    headers=st.lists(
        st.tuples(st.sampled_from(_HEADER_NAMES) | st.text(max_size=6), _text_documents),
        max_size=6,
    ),
    body=st.binary(max_size=40),
)
def test_random_headers_raise_only_parse_errors(
    rendering: Rendering, headers: list[tuple[str, str]], body: bytes
) -> None:
    """OCCI-looking headers next to any body (text/occi reads headers; others ignore them)."""
    message = Message(content_type=rendering.media_types[0], body=body, headers=tuple(headers))
    _parse_everything(rendering, message)


@pytest.mark.parametrize("rendering", RENDERINGS)
@given(document=_json_documents)
def test_wrongly_typed_json_raises_only_parse_errors(rendering: Rendering, document: Any) -> None:
    """JSON documents with OCCI member names and values of any type."""
    payload = json.dumps(document).encode("utf-8")
    _parse_everything(rendering, _message(rendering, payload))


@pytest.mark.parametrize("rendering", RENDERINGS)
@given(document=_text_documents)
def test_occi_text_fragments_raise_only_parse_errors(rendering: Rendering, document: str) -> None:
    """Lines assembled from the tokens of the text rendering."""
    _parse_everything(rendering, _message(rendering, document.encode("utf-8")))


@pytest.mark.parametrize("rendering", RENDERINGS)
@given(data=st.data())
def test_mutated_renderings_raise_only_parse_errors(
    rendering: Rendering, data: st.DataObject
) -> None:
    """A valid rendering with random edits."""
    payload = _payload(_valid_message(rendering, data))
    mutated = _mutate(payload, data)
    _parse_everything(rendering, _message(rendering, mutated))
