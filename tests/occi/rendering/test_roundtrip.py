"""Every rendering gives back what it was given: ``parse_x(render_x(value)) == value``.

The strategies (``occi_strategies``) generate only what a rendering can carry; what that
excludes is listed in their module docstring. The remaining normalisations, each stated
where it applies below:

* text collections list locations only (GFD.229 §4.4): a collection of located entities
  comes back as ``Collection(locations=<their locations, resources first>)``;
* ``text/uri-list`` carries locations only, and refuses entities, categories, action
  invocations and filters with :class:`RenderError`;
* comparisons are type-strict (``1 != 1.0 != True``), which ``==`` on models is not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import occi_strategies as occi_st
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from occi_assertions import assert_same

from occi_operator.occi.entities import Collection, Filter
from occi_operator.occi.errors import RenderError
from occi_operator.occi.rendering import (
    JsonRendering,
    Message,
    Rendering,
    TextOcciRendering,
    TextPlainRendering,
    UriListRendering,
)

TEXT_RENDERINGS = [
    pytest.param(TextPlainRendering(), id="text-plain"),
    pytest.param(TextOcciRendering(), id="text-occi"),
]
FULL_RENDERINGS = [
    *(pytest.param(param.values[0], occi_st.TEXT, id=param.id) for param in TEXT_RENDERINGS),
    pytest.param(JsonRendering(), occi_st.JSON, id="json"),
]
LOCATION_ONLY_RENDERINGS = [*TEXT_RENDERINGS, pytest.param(UriListRendering(), id="uri-list")]
ALL_RENDERINGS = [*LOCATION_ONLY_RENDERINGS, pytest.param(JsonRendering(), id="json")]


def _check_transport_safe(rendering: Rendering, message: Message) -> None:
    """A rendered message can travel over HTTP: header values hold no CR, LF or NUL."""
    assert message.content_type.split(";")[0].strip() in rendering.media_types
    for name, value in message.headers:
        assert not set(name + value) & {"\r", "\n", "\x00"}, (name, value)


def _roundtrip(
    rendering: Rendering, render: Callable[[Any], Message], parse: Callable[[Message], Any],
    value: Any,
) -> Any:
    message = render(value)
    _check_transport_safe(rendering, message)
    return parse(message)


# --- entities -----------------------------------------------------------------------------


@pytest.mark.parametrize(("rendering", "carrying"), FULL_RENDERINGS)
@given(data=st.data())
def test_resource_roundtrips(
    rendering: Rendering, carrying: occi_st.Carrying, data: st.DataObject
) -> None:
    """Kind, mixins, core attributes, attributes, action links and inline links survive."""
    resource = data.draw(occi_st.resources(carrying), label="resource")
    parsed = _roundtrip(rendering, rendering.render_entity, rendering.parse_entity, resource)
    assert_same(parsed, resource)


@pytest.mark.parametrize(("rendering", "carrying"), FULL_RENDERINGS)
@given(data=st.data())
def test_link_entity_roundtrips(
    rendering: Rendering, carrying: occi_st.Carrying, data: st.DataObject
) -> None:
    """A link on its own keeps source, target and both kinds (core attributes in text)."""
    link = data.draw(occi_st.link_entities(carrying), label="link")
    parsed = _roundtrip(rendering, rendering.render_entity, rendering.parse_entity, link)
    assert_same(parsed, link)


# --- collections --------------------------------------------------------------------------


@given(collection=occi_st.collections(occi_st.JSON))
def test_json_collection_roundtrips_with_full_entities(collection: Collection) -> None:
    """JSON renders collections as full resources and links (GFD.226 §3.3)."""
    rendering = JsonRendering()
    parsed = _roundtrip(
        rendering, rendering.render_collection, rendering.parse_collection, collection
    )
    assert_same(parsed, collection)


@pytest.mark.parametrize("rendering", ALL_RENDERINGS)
@given(locations=occi_st.location_lists)
def test_location_collection_roundtrips(rendering: Rendering, locations: list[str]) -> None:
    """A collection known only by its locations stays that (every rendering)."""
    collection = Collection(locations=tuple(locations))
    parsed = _roundtrip(
        rendering, rendering.render_collection, rendering.parse_collection, collection
    )
    assert_same(parsed, collection)


@pytest.mark.parametrize("rendering", LOCATION_ONLY_RENDERINGS)
@given(data=st.data())
def test_entity_collection_comes_back_as_locations(
    rendering: Rendering, data: st.DataObject
) -> None:
    """Normalisation: text and uri-list list a collection as its entities' locations."""
    resources = data.draw(
        st.lists(occi_st.resources(occi_st.TEXT, with_location=True), max_size=3)
    )
    links = data.draw(
        st.lists(occi_st.link_entities(occi_st.TEXT, with_location=True), max_size=2)
    )
    collection = Collection(resources=tuple(resources), links=tuple(links))
    parsed = _roundtrip(
        rendering, rendering.render_collection, rendering.parse_collection, collection
    )
    expected = Collection(locations=tuple(entity.location or "" for entity in collection.entities))
    assert_same(parsed, expected)


@pytest.mark.parametrize("rendering", ALL_RENDERINGS)
@given(locations=occi_st.location_lists)
def test_locations_roundtrip(rendering: Rendering, locations: list[str]) -> None:
    """Bare locations (a create answer, a mixin membership) survive in every rendering."""
    parsed = _roundtrip(rendering, rendering.render_locations, rendering.parse_locations, locations)
    assert_same(parsed, locations)


# --- categories, actions, filters ---------------------------------------------------------


@pytest.mark.parametrize(("rendering", "carrying"), FULL_RENDERINGS)
@given(data=st.data())
def test_query_interface_roundtrips(
    rendering: Rendering, carrying: occi_st.Carrying, data: st.DataObject
) -> None:
    """Kinds, mixins and actions with their attribute definitions survive."""
    query = data.draw(occi_st.query_interfaces(carrying), label="query")
    parsed = _roundtrip(
        rendering, rendering.render_query_interface, rendering.parse_query_interface, query
    )
    assert_same(parsed, query)


@pytest.mark.parametrize(("rendering", "carrying"), FULL_RENDERINGS)
@given(data=st.data())
def test_action_invocation_roundtrips(
    rendering: Rendering, carrying: occi_st.Carrying, data: st.DataObject
) -> None:
    """The action's type identifier and its parameters survive."""
    invocation = data.draw(occi_st.action_invocations(carrying), label="invocation")
    parsed = _roundtrip(rendering, rendering.render_action, rendering.parse_action, invocation)
    assert_same(parsed, invocation)


@pytest.mark.parametrize(("rendering", "carrying"), FULL_RENDERINGS)
@given(data=st.data())
def test_filter_roundtrips(
    rendering: Rendering, carrying: occi_st.Carrying, data: st.DataObject
) -> None:
    """Filter categories and attribute values survive."""
    query = data.draw(occi_st.filters(carrying), label="filter")
    parsed = _roundtrip(rendering, rendering.render_filter, rendering.parse_filter, query)
    assert_same(parsed, query)


# --- what uri-list cannot carry -----------------------------------------------------------


_REFUSED: list[Any] = [
    pytest.param(lambda: occi_st.resources(occi_st.TEXT), "render_entity", id="entity"),
    pytest.param(lambda: occi_st.link_entities(occi_st.TEXT), "render_entity", id="link"),
    pytest.param(
        lambda: occi_st.query_interfaces(occi_st.TEXT), "render_query_interface", id="query"
    ),
    pytest.param(lambda: occi_st.action_invocations(occi_st.TEXT), "render_action", id="action"),
    pytest.param(
        lambda: st.builds(
            Filter, categories=st.lists(occi_st.type_ids, min_size=1, max_size=2).map(tuple)
        ),
        "render_filter",
        id="filter",
    ),
]


@pytest.mark.parametrize(("strategy", "method"), _REFUSED)
@settings(max_examples=25)
@given(data=st.data())
def test_uri_list_refuses_what_it_cannot_carry(
    strategy: Callable[[], st.SearchStrategy[Any]], method: str, data: st.DataObject
) -> None:
    """GFD.229 §6: uri-list renders listings only; anything else is a RenderError."""
    value = data.draw(strategy(), label="value")
    with pytest.raises(RenderError):
        getattr(UriListRendering(), method)(value)
