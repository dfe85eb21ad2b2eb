"""An entity (Resource or Link) to and from OCCI text fields (GFD.229 §4.1).

The parsed entity is in the canonical form of :mod:`..entities`. Decisions:

* **Kind and class.** The first ``Category`` with ``class="kind"`` is the kind; a second
  kind, an action category or one without class is an error; mixins keep their order.
* **Resource or Link.** The entity is a :class:`~..entities.Link` when it carries
  ``occi.core.source``, ``occi.core.source.kind``, ``occi.core.target`` or
  ``occi.core.target.kind`` (it then needs ``occi.core.target``, and may have neither
  inline links nor ``occi.core.summary``); otherwise it is a Resource.
* **Order.** Categories (kind first), inline links, action links, attributes (core first),
  then ``X-OCCI-Location`` when the entity's location is known. GFD.229's entity grammar
  has no location line, but rOCCI and ooi skip it, and it keeps the location through a
  round trip. Parsing takes the location from ``X-OCCI-Location`` (two different ones are
  an error), else from the action links' ``<location?action=…>``.
* **Action links** of an entity without a location are written ``<?action=term>``: a
  relative reference that resolves against the entity's own URL.
* **Inline links** render ``<target>; rel="target kind"; self="location"; category="kind
  mixins…"`` and then id, title, source, source kind and the other attributes; ``rel`` is
  left out when the target kind is unknown. A link's own actions cannot be carried inline
  and are dropped. Parsed inline links have ``source=None`` unless an ``occi.core.source``
  attribute says otherwise. ``occi.core.target`` and ``occi.core.target.kind``
  attributes, when present, win over ``<…>`` and ``rel``: ooi writes the link's own URL
  between the brackets and the target only in the attribute. A missing ``category``
  reads as :data:`DEFAULT_LINK_KIND`.
* Core attributes must be strings; the model's validators failing is a ParseError too.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import ValidationError

from occi_operator.occi.attributes import AttributeValue
from occi_operator.occi.categories import CategoryClass
from occi_operator.occi.entities import (
    CORE_ID,
    CORE_SOURCE,
    CORE_SOURCE_KIND,
    CORE_SUMMARY,
    CORE_TARGET,
    CORE_TARGET_KIND,
    CORE_TITLE,
    Link,
    Resource,
    split_core_attributes,
)

from ._category_line import parse_category, render_category, type_id_line
from ._headers import (
    ActionLinkLine,
    Field,
    FieldKind,
    LinkLine,
    Rendered,
    attribute_map,
    location_fields,
    parse_link,
    parse_location,
    render_action_link,
    render_attribute,
    render_link,
    render_location,
)
from ._quoting import Where

__all__ = ["DEFAULT_LINK_KIND", "parse_entity_fields", "render_entity_fields"]

#: The kind of an inline link that names none (``category`` is optional in GFD.229).
DEFAULT_LINK_KIND = "http://schemas.ogf.org/occi/core#link"
_LINK_CORE = (CORE_SOURCE, CORE_SOURCE_KIND, CORE_TARGET, CORE_TARGET_KIND)
_EntityT = TypeVar("_EntityT", Resource, Link)


def render_entity_fields(
    entity: Resource | Link, *, ascii_only: bool, comma_lists: bool
) -> list[Rendered]:
    """The fields of one entity, in the order the module docstring gives."""
    lines = [type_id_line(entity.kind, CategoryClass.KIND)]
    lines += [type_id_line(mixin, CategoryClass.MIXIN) for mixin in entity.mixins]
    fields = [
        (FieldKind.CATEGORY, render_category(line, ascii_only=ascii_only)) for line in lines
    ]
    if isinstance(entity, Resource):
        fields += [
            (FieldKind.LINK, render_link(_link_line(link), ascii_only=ascii_only))
            for link in entity.links
        ]
    fields += [
        (FieldKind.LINK, render_action_link(entity.location, action, ascii_only=ascii_only))
        for action in entity.actions
    ]
    fields += [
        (FieldKind.ATTRIBUTE, render_attribute(name, value, ascii_only=ascii_only))
        for name, value in entity.all_attributes().items()
    ]
    if entity.location is not None:
        location = render_location(entity.location, ascii_only=ascii_only, in_list=comma_lists)
        fields.append((FieldKind.LOCATION, location))
    return fields


def _link_line(link: Link) -> LinkLine:
    attributes: dict[str, AttributeValue] = {}
    for name, value in (
        (CORE_ID, link.id),
        (CORE_TITLE, link.title),
        (CORE_SOURCE, link.source),
        (CORE_SOURCE_KIND, link.source_kind),
    ):
        if value is not None:
            attributes[name] = value
    attributes.update(link.attributes)
    return LinkLine(
        target=link.target,
        rel=(link.target_kind,) if link.target_kind is not None else (),
        self_location=link.location,
        categories=(link.kind, *link.mixins),
        attributes=attributes,
    )


def parse_entity_fields(fields: list[Field], whole: Where) -> Resource | Link:
    """The entity that ``fields`` (Category, Link, attribute, location) describe."""
    kind: str | None = None
    mixins: list[str] = []
    links: list[tuple[LinkLine, Where]] = []
    actions: list[ActionLinkLine] = []
    for item in fields:
        if item.kind is FieldKind.CATEGORY:
            line = parse_category(item.value, item.where)
            if line.cls is CategoryClass.KIND and kind is None:
                kind = line.type_id
            elif line.cls is CategoryClass.MIXIN:
                mixins.append(line.type_id)
            else:
                raise item.where.error(
                    "unexpected category in an entity",
                    expected='one class="kind", then class="mixin"',
                    received=item.value,
                )
        elif item.kind is FieldKind.LINK:
            parsed = parse_link(item.value, item.where)
            if isinstance(parsed, ActionLinkLine):
                actions.append(parsed)
            else:
                links.append((parsed, item.where))
    if kind is None:
        raise whole.error("entity without kind", expected='a Category with class="kind"')
    attributes, places = attribute_map(fields)
    core, rest = split_core_attributes(attributes)
    values: dict[str, object] = {
        "kind": kind,
        "mixins": tuple(mixins),
        "attributes": rest,
        "actions": tuple(action.action for action in actions),
        "location": _location(fields, actions),
    }
    if any(name in core for name in _LINK_CORE):
        if links:
            raise links[0][1].error("a link cannot have inline links")
        return _build_link(values, core, places, whole)
    values["summary"] = _core_text(core, CORE_SUMMARY, places)
    values["links"] = tuple(_inline_link(line, where) for line, where in links)
    return _build(Resource, values, core, places, whole)


def _location(fields: list[Field], actions: list[ActionLinkLine]) -> str | None:
    given = location_fields(fields)
    locations = [parse_location(item.value, item.where) for item in given]
    for item, location in zip(given[1:], locations[1:], strict=True):
        if location != locations[0]:
            raise item.where.error(
                "an entity has one location", expected=locations[0], received=location
            )
    if locations:
        return locations[0]
    return next((action.location for action in actions if action.location), None)


def _inline_link(line: LinkLine, where: Where) -> Link:
    core, rest = split_core_attributes(line.attributes)
    values: dict[str, object] = {
        "kind": line.categories[0] if line.categories else DEFAULT_LINK_KIND,
        "mixins": line.categories[1:],
        "attributes": rest,
        "location": line.self_location,
        "target": line.target,
        "target_kind": line.rel[0] if line.rel else None,
    }
    return _build_link(values, core, dict.fromkeys(line.attributes, where), where)


def _build_link(
    values: dict[str, object], core: dict[str, object], places: dict[str, Where], where: Where
) -> Link:
    if CORE_SUMMARY in core:
        raise places[CORE_SUMMARY].error(f"{CORE_SUMMARY} is a resource attribute, not a link's")
    for name, key in (
        (CORE_SOURCE, "source"),
        (CORE_SOURCE_KIND, "source_kind"),
        (CORE_TARGET, "target"),
        (CORE_TARGET_KIND, "target_kind"),
    ):
        if name in core:
            values[key] = _core_text(core, name, places)
    if values.get("target") is None:
        raise where.error("link without target", expected=f'{CORE_TARGET}="…"')
    return _build(Link, values, core, places, where)


def _core_text(core: dict[str, object], name: str, places: dict[str, Where]) -> str | None:
    value = core.get(name)
    if value is None or isinstance(value, str):
        return value
    raise places[name].error(f"{name} must be a string", expected='"…"', received=repr(value))


def _build(
    model: type[_EntityT],
    values: dict[str, object],
    core: dict[str, object],
    places: dict[str, Where],
    where: Where,
) -> _EntityT:
    values["id"] = _core_text(core, CORE_ID, places)
    values["title"] = _core_text(core, CORE_TITLE, places)
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field_name = ".".join(str(part) for part in error["loc"])
        what = model.__name__.lower()
        raise where.error(f"invalid {what}: {field_name}: {error['msg']}") from None
