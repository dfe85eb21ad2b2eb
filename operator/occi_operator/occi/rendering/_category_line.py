"""The ``Category`` field of the OCCI text renderings (GFD.229 §3.1), and its model mapping.

``term; scheme="…"; class="kind|mixin|action"[; title="…"][; rel="…"][; location="…"]
[; attributes="a{immutable required} b"][; actions="…"]``

Parsing is lenient where real servers differ: ``class`` bare or quoted and in any case,
parameters in any order or separated by whitespace only, unknown parameters ignored, a
trailing ``;``, and a scheme with a term after its ``#`` (rOCCI-core reads
``scheme="…/action#up"`` as ``…/action#``, and rOCCI-server once sent exactly that). It is
strict where input would otherwise be misread: a missing scheme, a scheme not ending in
``#``, an unknown class or attribute property, a parameter given twice (except ``rel``,
which ooi repeats once per related category). ``class`` itself
is optional here; the documents that need it (entities, the query interface) say so.

The text cannot carry attribute types, defaults, patterns or descriptions:
``attributes="…"`` reads into ``AttributeDefinition(name, mutable=not immutable,
required=…)``. ``rel`` is a kind's parent and a mixin's ``depends``; we render every
``depends`` space-separated (as rOCCI does; GFD.229 keeps only the first) and read them
all back. ``Mixin.applies`` is not rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import ValidationError

from occi_operator.occi.attributes import AttributeDefinition
from occi_operator.occi.categories import Action, CategoryClass, Kind, Mixin, split_type_id
from occi_operator.occi.errors import RenderError

from ._quoting import (
    ATTRIBUTE_NAME,
    TERM,
    Where,
    parse_type_ids,
    quote,
    render_type_ids,
    split_parameters,
    token_or_quoted,
)

__all__ = [
    "CategoryLine",
    "category_line",
    "parse_category",
    "render_category",
    "to_category",
    "type_id_line",
]

_PROPERTIES = {"immutable", "required"}
_DEFINITION_TOKEN = re.compile(r"[^\s{]+(?:\{[^}]*\})?|\S+")
_DEFINITION = re.compile(r"([^{}\s]+)(?:\{([^{}]*)\})?")


@dataclass(frozen=True)
class CategoryLine:
    """One ``Category`` value. ``cls`` is None when the value names no class."""

    term: str
    scheme: str
    cls: CategoryClass | None
    title: str | None = None
    rel: tuple[str, ...] = ()
    location: str | None = None
    attributes: tuple[AttributeDefinition, ...] = ()
    actions: tuple[str, ...] = ()

    @property
    def type_id(self) -> str:
        """``scheme + term``."""
        return self.scheme + self.term


def parse_category(text: str, where: Where) -> CategoryLine:
    """Parse one ``Category`` value."""
    term, parameters = split_parameters(text, where)
    if not TERM.fullmatch(term):
        raise where.error("bad category term", expected="a term", received=text)
    params, rels = _parameters(parameters, where)
    if "scheme" not in params:
        raise where.error("category without scheme", expected='scheme="…#"', received=text)
    scheme = _scheme(token_or_quoted(params["scheme"], where), where)
    cls: CategoryClass | None = None
    if "class" in params:
        value = token_or_quoted(params["class"], where).lower()
        try:
            cls = CategoryClass(value)
        except ValueError:
            raise where.error(
                "bad category class", expected="kind, mixin or action", received=value
            ) from None
    return CategoryLine(
        term=term,
        scheme=scheme,
        cls=cls,
        title=token_or_quoted(params["title"], where) if "title" in params else None,
        rel=tuple(type_id for rel in rels for type_id in parse_type_ids(rel, where)),
        location=token_or_quoted(params["location"], where) if "location" in params else None,
        attributes=_definitions(params.get("attributes"), where),
        actions=parse_type_ids(params.get("actions"), where),
    )


def _scheme(scheme: str, where: Where) -> str:
    """The scheme, cut after its last ``#`` when a term follows (as rOCCI-core reads it)."""
    head, sep, fragment = scheme.rpartition("#")
    if sep and (not fragment or TERM.fullmatch(fragment)):
        return head + sep
    raise where.error("bad category scheme", expected="a URI ending in '#'", received=scheme)


def _parameters(
    parameters: list[tuple[str, str]], where: Where
) -> tuple[dict[str, str], list[str]]:
    """Parameters by lower-case name, and the ``rel`` values (ooi repeats ``rel``)."""
    params: dict[str, str] = {}
    rels: list[str] = []
    for name, value in parameters:
        key = name.lower()
        if key == "rel":
            rels.append(value)
        elif key in params:
            raise where.error(f"parameter {key!r} given twice", received=f"{name}={value}")
        else:
            params[key] = value
    return params, rels


def _definitions(raw: str | None, where: Where) -> tuple[AttributeDefinition, ...]:
    if raw is None:
        return ()
    definitions = []
    for token in _DEFINITION_TOKEN.findall(token_or_quoted(raw, where)):
        parsed = _DEFINITION.fullmatch(token)
        if parsed is None or not ATTRIBUTE_NAME.fullmatch(parsed.group(1)):
            raise where.error(
                "bad attribute definition",
                expected="name or name{immutable required}",
                received=token,
            )
        properties = {prop.lower() for prop in re.split(r"[\s,]+", parsed.group(2) or "") if prop}
        if not properties <= _PROPERTIES:
            raise where.error(
                "unknown attribute property",
                expected="immutable or required",
                received=" ".join(sorted(properties - _PROPERTIES)),
            )
        definitions.append(
            AttributeDefinition(
                name=parsed.group(1),
                mutable="immutable" not in properties,
                required="required" in properties,
            )
        )
    return tuple(definitions)


def to_category(line: CategoryLine, where: Where) -> Kind | Mixin | Action:
    """The model category a line describes; its class must be known."""
    try:
        if line.cls is CategoryClass.KIND:
            return Kind(
                scheme=line.scheme,
                term=line.term,
                title=line.title,
                attributes=line.attributes,
                parent=line.rel[0] if line.rel else None,
                actions=line.actions,
                location=line.location,
            )
        if line.cls is CategoryClass.MIXIN:
            return Mixin(
                scheme=line.scheme,
                term=line.term,
                title=line.title,
                attributes=line.attributes,
                depends=line.rel,
                actions=line.actions,
                location=line.location,
            )
        if line.cls is CategoryClass.ACTION:
            return Action(
                scheme=line.scheme, term=line.term, title=line.title, attributes=line.attributes
            )
    except ValidationError as exc:
        detail = exc.errors()[0]["msg"]
        raise where.error(f"invalid category: {detail}", received=line.type_id) from None
    raise where.error("category without class", expected='class="kind|mixin|action"')


def category_line(category: Kind | Mixin | Action) -> CategoryLine:
    """The line that renders a model category with every field the text can carry."""
    rel: tuple[str, ...] = ()
    location = None
    actions: tuple[str, ...] = ()
    if isinstance(category, Kind):
        rel = (category.parent,) if category.parent else ()
        location, actions = category.location, category.actions
    elif isinstance(category, Mixin):
        rel, location, actions = category.depends, category.location, category.actions
    return CategoryLine(
        term=category.term,
        scheme=category.scheme,
        cls=category.category_class,
        title=category.title,
        rel=rel,
        location=location,
        attributes=category.attributes,
        actions=actions,
    )


def type_id_line(type_id: str, cls: CategoryClass | None) -> CategoryLine:
    """The short line (term, scheme, class) that names a category in an entity or filter."""
    try:
        scheme, term = split_type_id(type_id)
    except ValueError as exc:
        raise RenderError(str(exc)) from None
    return CategoryLine(term=term, scheme=scheme, cls=cls)


def render_category(line: CategoryLine, *, ascii_only: bool) -> str:
    """``term; scheme="…"; class="…"`` and the optional parameters that are set."""
    if not TERM.fullmatch(line.term):
        raise RenderError(f"category term {line.term!r} is not a GFD.229 term")
    parts = [line.term, "scheme=" + quote(line.scheme, ascii_only=ascii_only)]
    if line.cls is not None:
        parts.append(f'class="{line.cls.value}"')
    if line.title is not None:
        parts.append("title=" + quote(line.title, ascii_only=ascii_only))
    if line.rel:
        parts.append("rel=" + render_type_ids(line.rel, ascii_only=ascii_only))
    if line.location is not None:
        parts.append("location=" + quote(line.location, ascii_only=ascii_only))
    if line.attributes:
        defs = " ".join(_render_definition(definition) for definition in line.attributes)
        parts.append("attributes=" + quote(defs, ascii_only=ascii_only))
    if line.actions:
        parts.append("actions=" + render_type_ids(line.actions, ascii_only=ascii_only))
    return "; ".join(parts)


def _render_definition(definition: AttributeDefinition) -> str:
    if not ATTRIBUTE_NAME.fullmatch(definition.name):
        raise RenderError(f"attribute name {definition.name!r} is not a GFD.229 attribute-name")
    flags = [("immutable", definition.immutable), ("required", definition.required)]
    properties = [name for name, on in flags if on]
    return definition.name + ("{" + " ".join(properties) + "}" if properties else "")
