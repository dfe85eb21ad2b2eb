"""The fields of the OCCI text renderings (GFD.229 §3): names, ``Link``, attributes, locations.

``text/plain`` carries fields as body lines, ``text/occi`` as HTTP headers; both read them
into :class:`Field` values and hand them to :mod:`._text_document`. ``Category`` has its
own module (:mod:`._category_line`); quoted strings, lists and attribute values are in
:mod:`._quoting`.

* Field names are case-insensitive and ``_`` reads as ``-``; rOCCI-core's spellings
  ``X-OCCI-Category``, ``X-OCCI-Link`` and ``Location`` are accepted.
* ``Link``: ``<target>; rel="target kind"; self="link location"; category="kind mixin…";
  name=value…`` for inline links; ``<location?action=term>; rel="action type id"`` for
  action links (a target whose query has ``action=`` is one). Parameters are recognised by
  name in any order; every other ``name=value`` is a link attribute, so an attribute
  cannot be named ``rel``, ``self`` or ``category``. Parameters separated by whitespace
  alone (rOCCI-server 0.5) are accepted.
* ``X-OCCI-Attribute: name=value``; a trailing ``;`` (accepted by rOCCI) is dropped.
* ``X-OCCI-Location: URI``; ``<URI>`` is tolerated.

URIs that stand unquoted (link targets, locations) are refused with
:class:`~..errors.RenderError` when they contain spaces, controls, quotes or angle
brackets, or non-ASCII characters in ``text/occi``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from occi_operator.occi.attributes import AttributeValue
from occi_operator.occi.categories import split_type_id
from occi_operator.occi.errors import RenderError

from ._quoting import (
    ATTRIBUTE_NAME,
    Where,
    parse_type_ids,
    parse_value,
    quote,
    render_type_ids,
    render_value,
    split_parameters,
    token_or_quoted,
)

__all__ = [
    "ActionLinkLine",
    "Field",
    "FieldKind",
    "LinkLine",
    "Rendered",
    "attribute_map",
    "field_kind",
    "location_fields",
    "parse_attribute",
    "parse_link",
    "parse_location",
    "render_action_link",
    "render_attribute",
    "render_link",
    "render_location",
]

_LINK_PARAMETERS = {"rel", "self", "category"}


class FieldKind(enum.StrEnum):
    """The four OCCI text fields; the value is the canonical spelling we render."""

    CATEGORY = "Category"
    LINK = "Link"
    ATTRIBUTE = "X-OCCI-Attribute"
    LOCATION = "X-OCCI-Location"


_FIELD_NAMES = {
    "category": FieldKind.CATEGORY,
    "x-occi-category": FieldKind.CATEGORY,
    "link": FieldKind.LINK,
    "x-occi-link": FieldKind.LINK,
    "x-occi-attribute": FieldKind.ATTRIBUTE,
    "x-occi-location": FieldKind.LOCATION,
    "location": FieldKind.LOCATION,
}

#: A rendered field: which one, and its value.
Rendered = tuple[FieldKind, str]


def field_kind(name: str) -> FieldKind | None:
    """The field a name spells (any case, ``_`` for ``-``), or None for other names."""
    return _FIELD_NAMES.get(name.strip().lower().replace("_", "-"))


@dataclass(frozen=True)
class Field:
    """One value of a field as a transport read it (lists already split)."""

    kind: FieldKind
    value: str
    where: Where
    #: The name as received, lower case (``location`` marks rOCCI's/HTTP's spelling).
    name: str
    #: True for an HTTP header that may mean something else (``Link``, ``Location``).
    ignorable: bool = False


def attribute_map(fields: list[Field]) -> tuple[dict[str, AttributeValue], dict[str, Where]]:
    """The attribute fields by name, in order, and where each was read.

    A name given twice is a :class:`~..errors.ParseError` naming both places: a silent
    last-wins would hide a conflict the sender did not mean.
    """
    attributes: dict[str, AttributeValue] = {}
    places: dict[str, Where] = {}
    for item in fields:
        if item.kind is not FieldKind.ATTRIBUTE:
            continue
        name, value = parse_attribute(item.value, item.where)
        if name in places:
            raise item.where.error(f"attribute {name} given twice (first at {places[name].where})")
        attributes[name] = value
        places[name] = item.where
    return attributes, places


def location_fields(fields: list[Field]) -> list[Field]:
    """The location fields; ``Location`` ones only when no ``X-OCCI-Location`` is present.

    A create answer may carry both (the HTTP header and the OCCI field) for one location.
    """
    locations = [item for item in fields if item.kind is FieldKind.LOCATION]
    occi = [item for item in locations if item.name != "location"]
    return occi or locations


@dataclass(frozen=True)
class LinkLine:
    """An inline link: ``<target>; rel="…"; self="…"; category="…"; name=value…``."""

    target: str
    rel: tuple[str, ...] = ()
    self_location: str | None = None
    categories: tuple[str, ...] = ()
    attributes: dict[str, AttributeValue] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionLinkLine:
    """An action link ``<location?action=term>; rel="action type id"``."""

    location: str | None
    action: str


def parse_link(text: str, where: Where) -> LinkLine | ActionLinkLine:
    """Parse a ``Link`` value; a target whose query has ``action=`` is an action link."""
    head, parameters = split_parameters(text, where)
    target = head[1:-1].strip()
    if len(head) < 2 or head[0] != "<" or head[-1] != ">" or not target:
        raise where.error("bad link target", expected="<URI>", received=text)
    link_params: dict[str, str] = {}
    attributes: dict[str, AttributeValue] = {}
    for name, value in parameters:
        if name.lower() in link_params or name in attributes:
            raise where.error(f"link parameter {name!r} given twice", received=f"{name}={value}")
        if name.lower() in _LINK_PARAMETERS:
            link_params[name.lower()] = value
        elif ATTRIBUTE_NAME.fullmatch(name):
            attributes[name] = parse_value(value, where)
        else:
            raise where.error("bad link attribute name", expected="an attribute name",
                              received=name)
    rel = parse_type_ids(link_params.get("rel"), where)
    if _is_action_uri(target):
        if len(rel) != 1:
            raise where.error("action link needs one action", expected='rel="scheme#term"',
                              received=text)
        return ActionLinkLine(location=target.partition("?")[0] or None, action=rel[0])
    self_location = link_params.get("self")
    return LinkLine(
        target=target,
        rel=rel,
        self_location=None if self_location is None else token_or_quoted(self_location, where),
        categories=parse_type_ids(link_params.get("category"), where),
        attributes=attributes,
    )


def render_link(line: LinkLine, *, ascii_only: bool) -> str:
    """An inline link value; the optional parts are rendered when set."""
    target = _reference(line.target, "link target", ascii_only=ascii_only)
    if _is_action_uri(target):
        raise RenderError(f"link target {target!r} has an action= query: it would read as an "
                          "action link")
    parts = [f"<{target}>"]
    if line.rel:
        parts.append("rel=" + render_type_ids(line.rel, ascii_only=ascii_only))
    if line.self_location is not None:
        parts.append("self=" + quote(line.self_location, ascii_only=ascii_only))
    if line.categories:
        parts.append("category=" + render_type_ids(line.categories, ascii_only=ascii_only))
    for name, value in line.attributes.items():
        if name.lower() in _LINK_PARAMETERS:
            raise RenderError(f"link attribute {name!r} clashes with the link parameter")
        parts.append(render_attribute(name, value, ascii_only=ascii_only))
    return "; ".join(parts)


def _is_action_uri(uri: str) -> bool:
    _, sep, query = uri.partition("?")
    return bool(sep) and any(pair.partition("=")[0] == "action" for pair in query.split("&"))


def render_action_link(location: str | None, action: str, *, ascii_only: bool) -> str:
    """``<location?action=term>; rel="action"``; without a location the URI is relative."""
    try:
        _, term = split_type_id(action)
    except ValueError as exc:
        raise RenderError(str(exc)) from None
    base = "" if location is None else _reference(location, "location", ascii_only=ascii_only)
    if "?" in base:
        raise RenderError(f"location {base!r} has a query; action links append their own")
    return f"<{base}?action={term}>; rel=" + render_type_ids((action,), ascii_only=ascii_only)


def parse_attribute(text: str, where: Where) -> tuple[str, AttributeValue]:
    """Parse ``name=value`` (a trailing ``;``, as rOCCI accepts, is dropped)."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not ATTRIBUTE_NAME.fullmatch(name):
        raise where.error("bad attribute", expected="name=value", received=text)
    raw = raw.strip()
    if raw.endswith(";"):
        raw = raw[:-1]
    return name, parse_value(raw, where)


def render_attribute(name: str, value: object, *, ascii_only: bool) -> str:
    """``name=value``."""
    if not ATTRIBUTE_NAME.fullmatch(name):
        raise RenderError(f"attribute name {name!r} is not a GFD.229 attribute-name")
    return f"{name}={render_value(name, value, ascii_only=ascii_only)}"


def parse_location(text: str, where: Where) -> str:
    """An ``X-OCCI-Location`` value: a URI reference (``<…>`` around it is tolerated)."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    if not text or any(char.isspace() for char in text):
        raise where.error("bad location", expected="a URI", received=text)
    return text


def render_location(location: str, *, ascii_only: bool, in_list: bool) -> str:
    """A location as it goes on the wire; ``in_list`` refuses commas (comma-joined headers)."""
    location = _reference(location, "location", ascii_only=ascii_only)
    if in_list and "," in location:
        raise RenderError(f"location {location!r} contains a comma, which a comma-joined "
                          "header cannot carry; percent-encode it")
    return location


def _reference(uri: str, what: str, *, ascii_only: bool) -> str:
    """Check that ``uri`` can stand unquoted: no space, control, quote or angle bracket."""
    bad = [
        char
        for char in uri
        if char.isspace() or ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F or char in '"<>'
    ]
    if ascii_only:
        bad += [char for char in uri if ord(char) > 0x7E]
    if not uri or bad:
        raise RenderError(f"{what} {uri!r} cannot be rendered as a URI"
                          + (f" (it contains {bad[0]!r})" if bad else ""))
    return uri
