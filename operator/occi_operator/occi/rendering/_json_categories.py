"""Kinds, mixins, actions and attribute definitions in the OCCI JSON rendering (GFD.226 §3.2).

An attribute definition renders as ``{"mutable", "required", "type", "pattern", "default",
"description"}``. JSON knows only ``string``, ``number``, ``boolean``, ``array`` and
``object``; the final GFD.226 makes ``pattern`` a JSON-schema object, and that object carries
what the plain ``type`` cannot: an integer type, a regular expression, allowed values and a
range::

    "occi.network.vlan": {"mutable": true, "required": false, "type": "number",
        "pattern": {"$schema": "http://json-schema.org/draft-04/schema#",
                    "type": "integer", "minimum": 0, "maximum": 4095}}

The pattern object is written only when there is something to say (always for integers).
Reading also accepts the draft form that rOCCI-core still sends, where ``pattern`` is a
regular-expression string, and a bare ``"type": "integer"``. Missing ``mutable`` and
``required`` default to ``false`` as GFD.226 says.
"""

from __future__ import annotations

from typing import Any, TypeVar

from occi_operator.occi.attributes import AttributeDefinition, AttributeType
from occi_operator.occi.categories import Action, Kind, Mixin, QueryInterface
from occi_operator.occi.errors import RenderError

from ._json_values import (
    at_index,
    at_key,
    build,
    fail,
    object_at,
    optional_string,
    read_list,
    read_object,
    read_string,
    read_type_ids,
)

__all__ = ["parse_query_interface", "render_query_interface"]

JSON_SCHEMA = "http://json-schema.org/draft-04/schema#"

_C = TypeVar("_C", Kind, Mixin, Action)

_JSON_TYPES = {kind.value: kind for kind in AttributeType}
_TYPE_NAMES = "string, number, boolean, array or object"


def _render_pattern(definition: AttributeDefinition) -> dict[str, Any] | None:
    constraints: dict[str, Any] = {}
    if definition.pattern is not None:
        constraints["pattern"] = definition.pattern
    if definition.enum is not None:
        constraints["enum"] = list(definition.enum)
    if definition.minimum is not None:
        constraints["minimum"] = definition.minimum
    if definition.maximum is not None:
        constraints["maximum"] = definition.maximum
    if not constraints and definition.type is not AttributeType.INTEGER:
        return None
    return {"$schema": JSON_SCHEMA, "type": definition.type.value, **constraints}


def render_definition(definition: AttributeDefinition) -> dict[str, Any]:
    """One attribute definition as a JSON object (its name is the key outside)."""
    json_type = "number" if definition.type is AttributeType.INTEGER else definition.type.value
    rendered: dict[str, Any] = {
        "mutable": definition.mutable,
        "required": definition.required,
        "type": json_type,
    }
    pattern = _render_pattern(definition)
    if pattern is not None:
        rendered["pattern"] = pattern
    if definition.default is not None:
        rendered["default"] = definition.default
    if definition.description is not None:
        rendered["description"] = definition.description
    return rendered


def _read_flag(parent: dict[str, Any], key: str, path: str) -> bool:
    value = parent.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        fail(at_key(path, key), "true or false", value)
    return value


def _read_bound(parent: dict[str, Any], key: str, path: str) -> float | None:
    value = parent.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        fail(at_key(path, key), "a number", value)
    return float(value)


def _read_pattern(value: object, path: str) -> dict[str, Any]:
    """The constraints a ``pattern`` member carries, as AttributeDefinition fields."""
    if isinstance(value, str):  # draft form (rOCCI-core): the regular expression itself
        return {"pattern": value}
    if not isinstance(value, dict):
        fail(path, "a JSON-schema object or a regular expression string", value)
    schema: dict[str, Any] = value
    fields: dict[str, Any] = {
        "pattern": optional_string(schema, "pattern", path),
        "minimum": _read_bound(schema, "minimum", path),
        "maximum": _read_bound(schema, "maximum", path),
        "schema_type": optional_string(schema, "type", path),
    }
    enum = schema.get("enum")
    if enum is not None:
        where = at_key(path, "enum")
        items = read_list(enum, where)
        enum_values = (read_string(item, at_index(where, i)) for i, item in enumerate(items))
        fields["enum"] = tuple(enum_values)
    return fields


def parse_definition(name: str, value: object, path: str) -> AttributeDefinition:
    """The attribute definition ``name`` from its JSON object at ``path``."""
    rendered = read_object(value, path)
    type_name = rendered.get("type", "string")
    where = at_key(path, "type")
    attribute_type = _JSON_TYPES.get(read_string(type_name, where).lower())
    if attribute_type is None:
        fail(where, _TYPE_NAMES, type_name, "unknown attribute type")
    constraints: dict[str, Any] = {}
    if rendered.get("pattern") is not None:
        constraints = _read_pattern(rendered["pattern"], at_key(path, "pattern"))
    schema_type = constraints.pop("schema_type", None)
    if attribute_type is AttributeType.NUMBER and schema_type == "integer":
        attribute_type = AttributeType.INTEGER
    return build(
        AttributeDefinition,
        path,
        name=name,
        type=attribute_type,
        mutable=_read_flag(rendered, "mutable", path),
        required=_read_flag(rendered, "required", path),
        default=rendered.get("default"),
        description=optional_string(rendered, "description", path),
        **{key: item for key, item in constraints.items() if item is not None},
    )


def render_category(category: Kind | Mixin | Action) -> dict[str, Any]:
    """A kind, mixin or action as a JSON object (members absent when empty)."""
    rendered: dict[str, Any] = {"term": category.term, "scheme": category.scheme}
    if category.title is not None:
        rendered["title"] = category.title
    if category.attributes:
        definitions: dict[str, Any] = {}
        for definition in category.attributes:
            if definition.name in definitions:
                raise RenderError(
                    f"category {category.type_id} defines attribute {definition.name} twice"
                )
            definitions[definition.name] = render_definition(definition)
        rendered["attributes"] = definitions
    if isinstance(category, Kind) and category.parent is not None:
        rendered["parent"] = category.parent
    if isinstance(category, Mixin):
        if category.depends:
            rendered["depends"] = list(category.depends)
        if category.applies:
            rendered["applies"] = list(category.applies)
    if isinstance(category, Kind | Mixin):
        if category.actions:
            rendered["actions"] = list(category.actions)
        if category.location is not None:
            rendered["location"] = category.location
    return rendered


def parse_category(value: object, path: str, model: type[_C]) -> _C:
    """A kind, mixin or action (``model``) from its JSON object at ``path``."""
    rendered = read_object(value, path)
    fields: dict[str, Any] = {
        "term": read_string(rendered.get("term"), at_key(path, "term")),
        "scheme": read_string(rendered.get("scheme"), at_key(path, "scheme")),
        "title": optional_string(rendered, "title", path),
    }
    definitions = object_at(rendered, "attributes", path)
    if definitions is not None:
        where = at_key(path, "attributes")
        fields["attributes"] = tuple(
            parse_definition(name, item, at_key(where, name)) for name, item in definitions.items()
        )
    if model is Kind:
        fields["parent"] = optional_string(rendered, "parent", path)
    if model is Mixin:
        fields["depends"] = read_type_ids(rendered, "depends", path)
        fields["applies"] = read_type_ids(rendered, "applies", path)
    if model is not Action:
        fields["actions"] = read_type_ids(rendered, "actions", path)
        fields["location"] = optional_string(rendered, "location", path)
    return build(model, path, **fields)


def render_query_interface(query: QueryInterface) -> dict[str, Any]:
    """``{"kinds": […], "mixins": […], "actions": […]}``, empty arrays left out."""
    rendered: dict[str, Any] = {}
    for key, categories in (
        ("kinds", query.kinds),
        ("mixins", query.mixins),
        ("actions", query.actions),
    ):
        if categories:
            rendered[key] = [render_category(category) for category in categories]
    return rendered


def parse_query_interface(document: object) -> QueryInterface:
    """The query interface from a decoded JSON document."""
    rendered = read_object(document, "")
    return build(
        QueryInterface,
        "",
        kinds=_parse_categories(rendered, "kinds", Kind),
        mixins=_parse_categories(rendered, "mixins", Mixin),
        actions=_parse_categories(rendered, "actions", Action),
    )


def _parse_categories(rendered: dict[str, Any], key: str, model: type[_C]) -> tuple[_C, ...]:
    value = rendered.get(key)
    if value is None:
        return ()
    items = read_list(value, key)
    return tuple(parse_category(item, at_index(key, i), model) for i, item in enumerate(items))
