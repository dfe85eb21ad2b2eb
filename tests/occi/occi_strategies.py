"""Hypothesis strategies for the OCCI model in canonical form (see ``entities.py``).

Not a test module: ``tests/occi/conftest.py`` puts this directory on ``sys.path`` and the
test modules ``import occi_strategies``.

Every strategy takes a :class:`Carrying` profile that says what the target rendering can
carry, so that a round trip can compare the parsed value with the generated one as is:

* text renderings (GFD.229) carry only str, int, float and bool attribute values; numbers
  have no sign and no exponent; attribute definitions carry only name, mutability and
  requiredness; ``Mixin.applies`` is not rendered and only the first ``depends`` is;
  inline links carry no actions, no source and no source kind, and always name the kind
  of their target (``rel`` is mandatory);
* JSON (GFD.226) carries arrays, objects, negative numbers and exponents, and attribute
  definitions with type, default, pattern and description, but neither a resource's
  location nor the ``enum``/``minimum``/``maximum`` refinements, and ``integer`` comes back
  as ``number``.

Strings are deliberately hostile: quotes, backslashes, commas, semicolons, ``=``, ``<>``,
line breaks (including the Unicode ones ``str.splitlines`` honours), tabs, NUL and
astral-plane characters.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from occi_operator.occi.attributes import AttributeDefinition, AttributeType
from occi_operator.occi.categories import Action, Kind, Mixin, QueryInterface
from occi_operator.occi.entities import ActionInvocation, Collection, Filter, Link, Resource

__all__ = [
    "JSON",
    "TEXT",
    "Carrying",
    "action_ids",
    "action_invocations",
    "attribute_maps",
    "collections",
    "filters",
    "inline_links",
    "link_entities",
    "location_lists",
    "locations",
    "nasty_text",
    "query_interfaces",
    "resources",
    "type_ids",
]


@dataclass(frozen=True)
class Carrying:
    """What a rendering can carry; strategies generate only that."""

    name: str
    #: Arrays and objects as attribute values; signed numbers and exponents.
    json_values: bool
    #: Attribute definitions with type, default, pattern and description.
    rich_definitions: bool
    #: Mixin.applies and every Mixin.depends (text keeps only the first depends).
    mixin_relations: bool
    #: Inline links with actions, source kind and an optional target kind.
    full_inline_links: bool
    #: The location of an inline link (text: ``self=``).
    inline_link_location: bool


TEXT = Carrying(
    name="text",
    json_values=False,
    rich_definitions=False,
    mixin_relations=False,
    full_inline_links=False,
    inline_link_location=True,
)
JSON = Carrying(
    name="json",
    json_values=True,
    rich_definitions=True,
    mixin_relations=True,
    full_inline_links=True,
    inline_link_location=False,
)

# Characters that break naive quoting, splitting or line handling.
_NASTY = '"\\,;=<> \n\r\t\x00\x0b\x0c\x1c\x85\u2028\u2029é漢😀{}#?&%\'`'
_nasty_chars = st.one_of(
    st.sampled_from(_NASTY),
    st.characters(codec="utf-8", exclude_categories=["Cs"]),
)

#: Any string, weighted towards characters that break renderers.
nasty_text = st.text(_nasty_chars, max_size=24)

_LOWER = string.ascii_lowercase
_ALNUM = string.ascii_lowercase + string.digits
_TERM_REST = string.ascii_letters + string.digits + "_.-"

terms = st.builds(
    lambda head, rest: head + rest,
    st.sampled_from(string.ascii_letters + string.digits),
    st.text(_TERM_REST, max_size=12),
)
_host = st.builds(
    lambda a, b: f"{a}.{b}",
    st.text(_LOWER, min_size=1, max_size=8),
    st.sampled_from(["org", "com", "eu", "example"]),
)
_path_segment = st.text(_ALNUM + "_-.", min_size=1, max_size=10)

#: Category schemes: URIs ending in '#'.
schemes = st.one_of(
    st.sampled_from(
        [
            "http://schemas.ogf.org/occi/core#",
            "http://schemas.ogf.org/occi/infrastructure#",
            "http://schemas.ogf.org/occi/infrastructure/compute/action#",
            "http://schemas.openstack.org/template/os#",
        ]
    ),
    st.builds(
        lambda host, segments: f"http://{host}/{'/'.join(segments)}#",
        _host,
        st.lists(_path_segment, min_size=1, max_size=3),
    ),
)

#: Category type identifiers ``scheme#term``.
type_ids = st.builds(lambda scheme, term: scheme + term, schemes, terms)
#: Action type identifiers.
action_ids = type_ids


def _uri_path(segments: list[str]) -> str:
    return "/" + "/".join(segments)


_paths = st.lists(_path_segment, min_size=1, max_size=4).map(_uri_path)
#: Absolute entity locations (what X-OCCI-Location and uri-list carry).
absolute_locations = st.builds(
    lambda scheme, host, port, path: f"{scheme}://{host}{port}{path}",
    st.sampled_from(["http", "https"]),
    _host,
    st.sampled_from(["", ":8787", ":3300"]),
    _paths,
)
#: Absolute or relative entity locations.
locations = st.one_of(absolute_locations, _paths)
#: Lists of distinct absolute locations.
location_lists = st.lists(absolute_locations, max_size=6, unique=True)

_name_segment = st.builds(
    lambda head, rest: head + rest, st.sampled_from(_LOWER), st.text(_ALNUM + "_-", max_size=8)
)
#: Attribute names that are not core attributes (those live in typed fields).
attribute_names = st.lists(_name_segment, min_size=2, max_size=4).map(".".join).filter(
    lambda name: not name.startswith("occi.core.")
)

_text_numbers = st.one_of(
    st.integers(min_value=0, max_value=2**53),
    # repr() of floats in [1e-4, 1e16) has no exponent, which text renderings cannot carry.
    st.just(0.0),
    st.floats(min_value=1e-4, max_value=1e15, allow_nan=False, allow_infinity=False),
)
_json_scalars = st.one_of(
    nasty_text,
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
)
_json_values: st.SearchStrategy[Any] = st.recursive(
    _json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(nasty_text, children, max_size=3),
    ),
    max_leaves=8,
)


def attribute_values(carrying: Carrying) -> st.SearchStrategy[Any]:
    """Attribute values the rendering can carry."""
    if carrying.json_values:
        return _json_values
    return st.one_of(nasty_text, st.booleans(), _text_numbers)


def attribute_maps(carrying: Carrying, *, max_size: int = 4) -> st.SearchStrategy[dict[str, Any]]:
    """Non-core attributes by name."""
    return st.dictionaries(attribute_names, attribute_values(carrying), max_size=max_size)


_ids = st.one_of(st.uuids().map(str), nasty_text)
_optional_text = st.none() | nasty_text
_mixin_lists = st.lists(type_ids, max_size=3, unique=True).map(tuple)
_action_lists = st.lists(action_ids, max_size=3, unique=True).map(tuple)


@st.composite
def inline_links(draw: st.DrawFn, carrying: Carrying) -> Link:
    """A link inside a resource: no source (the resource itself)."""
    full = carrying.full_inline_links
    return Link(
        kind=draw(type_ids),
        mixins=draw(_mixin_lists),
        id=draw(st.none() | _ids),
        title=draw(_optional_text),
        attributes=draw(attribute_maps(carrying, max_size=3)),
        actions=draw(_action_lists) if full else (),
        location=draw(st.none() | locations) if carrying.inline_link_location else None,
        source=None,
        source_kind=None,
        target=draw(locations),
        target_kind=draw(st.none() | type_ids) if full else draw(type_ids),
    )


@st.composite
def resources(draw: st.DrawFn, carrying: Carrying, *, with_location: bool = False) -> Resource:
    """A resource with mixins, core attributes, actions and inline links."""
    return Resource(
        kind=draw(type_ids),
        mixins=draw(_mixin_lists),
        id=draw(st.none() | _ids),
        title=draw(_optional_text),
        summary=draw(_optional_text),
        attributes=draw(attribute_maps(carrying)),
        actions=draw(_action_lists),
        links=tuple(draw(st.lists(inline_links(carrying), max_size=2))),
        location=draw(absolute_locations) if with_location else None,
    )


@st.composite
def link_entities(draw: st.DrawFn, carrying: Carrying, *, with_location: bool = False) -> Link:
    """A link rendered on its own: source and target known."""
    return Link(
        kind=draw(type_ids),
        mixins=draw(_mixin_lists),
        id=draw(st.none() | _ids),
        title=draw(_optional_text),
        attributes=draw(attribute_maps(carrying)),
        actions=draw(_action_lists),
        source=draw(locations),
        source_kind=draw(st.none() | type_ids),
        target=draw(locations),
        target_kind=draw(st.none() | type_ids),
        location=draw(absolute_locations) if with_location else None,
    )


def collections(carrying: Carrying) -> st.SearchStrategy[Collection]:
    """Collections of full entities (for renderings that carry entities)."""
    return st.builds(
        Collection,
        resources=st.lists(resources(carrying), max_size=3).map(tuple),
        links=st.lists(link_entities(carrying), max_size=2).map(tuple),
    )


def action_invocations(carrying: Carrying) -> st.SearchStrategy[ActionInvocation]:
    """Action invocations with parameter attributes."""
    return st.builds(
        ActionInvocation,
        action=action_ids,
        attributes=st.dictionaries(
            st.one_of(attribute_names, terms), attribute_values(carrying), max_size=3
        ),
    )


def filters(carrying: Carrying) -> st.SearchStrategy[Filter]:
    """Filters on categories and attribute values."""
    return st.builds(
        Filter,
        categories=st.lists(type_ids, max_size=3, unique=True).map(tuple),
        attributes=attribute_maps(carrying, max_size=3),
    )


_TYPED_DEFAULTS: dict[AttributeType, st.SearchStrategy[Any]] = {
    AttributeType.STRING: nasty_text,
    AttributeType.NUMBER: st.floats(allow_nan=False, allow_infinity=False) | st.integers(),
    AttributeType.BOOLEAN: st.booleans(),
    AttributeType.ARRAY: st.lists(_json_scalars, max_size=3),
    AttributeType.OBJECT: st.dictionaries(nasty_text, _json_scalars, max_size=3),
}
# integer is omitted: JSON has only "number" (see the module docstring).
_JSON_TYPES = tuple(_TYPED_DEFAULTS)


@st.composite
def _definition(draw: st.DrawFn, name: str, carrying: Carrying) -> AttributeDefinition:
    mutable = draw(st.booleans())
    required = draw(st.booleans())
    if not carrying.rich_definitions:
        return AttributeDefinition(name=name, mutable=mutable, required=required)
    kind = draw(st.sampled_from(_JSON_TYPES))
    return AttributeDefinition(
        name=name,
        type=kind,
        mutable=mutable,
        required=required,
        default=draw(st.none() | _TYPED_DEFAULTS[kind]),
        pattern=draw(_optional_text),
        description=draw(_optional_text),
    )


@st.composite
def _definitions(draw: st.DrawFn, carrying: Carrying) -> tuple[AttributeDefinition, ...]:
    names = draw(st.lists(st.one_of(attribute_names, terms), max_size=3, unique=True))
    return tuple(draw(_definition(name, carrying)) for name in names)


@st.composite
def _kind(draw: st.DrawFn, type_id: str, carrying: Carrying) -> Kind:
    scheme, term = type_id.rsplit("#", 1)
    return Kind(
        scheme=scheme + "#",
        term=term,
        title=draw(_optional_text),
        attributes=draw(_definitions(carrying)),
        parent=draw(st.none() | type_ids),
        actions=draw(_action_lists),
        location=draw(st.none() | _paths.map(lambda path: path + "/")),
    )


@st.composite
def _mixin(draw: st.DrawFn, type_id: str, carrying: Carrying) -> Mixin:
    scheme, term = type_id.rsplit("#", 1)
    if carrying.mixin_relations:
        depends = draw(st.lists(type_ids, max_size=2, unique=True).map(tuple))
        applies = draw(st.lists(type_ids, max_size=2, unique=True).map(tuple))
    else:
        depends = draw(st.lists(type_ids, max_size=1).map(tuple))
        applies = ()
    return Mixin(
        scheme=scheme + "#",
        term=term,
        title=draw(_optional_text),
        attributes=draw(_definitions(carrying)),
        depends=depends,
        applies=applies,
        actions=draw(_action_lists),
        location=draw(st.none() | _paths.map(lambda path: path + "/")),
    )


@st.composite
def _action(draw: st.DrawFn, type_id: str, carrying: Carrying) -> Action:
    scheme, term = type_id.rsplit("#", 1)
    return Action(
        scheme=scheme + "#",
        term=term,
        title=draw(_optional_text),
        attributes=draw(_definitions(carrying)),
    )


@st.composite
def query_interfaces(draw: st.DrawFn, carrying: Carrying) -> QueryInterface:
    """Kinds, mixins and actions with distinct type identifiers."""
    ids = draw(st.lists(type_ids, max_size=7, unique=True))
    split = sorted(draw(st.lists(st.integers(0, len(ids)), min_size=2, max_size=2)))
    kinds = tuple(draw(_kind(type_id, carrying)) for type_id in ids[: split[0]])
    mixins = tuple(draw(_mixin(type_id, carrying)) for type_id in ids[split[0] : split[1]])
    actions = tuple(draw(_action(type_id, carrying)) for type_id in ids[split[1] :])
    return QueryInterface(kinds=kinds, mixins=mixins, actions=actions)
