"""Resources and links in the OCCI JSON rendering (GFD.226 §3.1).

A resource renders as ``{"kind", "mixins", "attributes", "actions", "id", "title",
"summary", "links"}``, a link as ``{"kind", "mixins", "attributes", "actions", "id",
"title", "source", "target"}`` where ``source`` and ``target`` are ``{"location", "kind"}``.
Links inside a resource are full link objects. Empty arrays are left out (the GFD.226 JSON
schema asks for at least one item) and ``attributes`` is always present.

The core attributes ``occi.core.id``, ``.title``, ``.summary``, ``.source`` and ``.target``
are written twice: as the top-level members GFD.226 defines, and inside ``attributes``,
because rOCCI-core reads them only from there (its JSON parser ignores top-level ``id`` and
``title``). The kinds of source and target travel only in the ``source``/``target`` objects.
Reading accepts either place; when both are present they must agree.

Reading is lenient where real servers differ: ``source``/``target`` may be plain URI strings
(the draft form), a member ``location`` is taken as the entity's location, unknown members
are ignored, and ``null`` attribute values mean "not set".
"""

from __future__ import annotations

from typing import Any

from occi_operator.occi.attributes import AttributeValue
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

from ._json_values import (
    at_index,
    at_key,
    build,
    fail,
    optional_string,
    read_attributes,
    read_list,
    read_object,
    read_string,
    read_type_id,
    read_type_ids,
)

__all__ = ["parse_entity", "parse_link", "render_entity"]

#: Core attributes written inside "attributes" as well (the kinds are not OCCI attributes
#: a server's kind defines, and rOCCI refuses undefined attribute names).
_CORE_IN_ATTRIBUTES = (CORE_ID, CORE_TITLE, CORE_SUMMARY, CORE_SOURCE, CORE_TARGET)
_KINDED_URI = "an object {\"location\": URI, \"kind\": type-id} or a URI string"


def _render_attributes(entity: Resource | Link) -> dict[str, AttributeValue]:
    core = entity.core_attributes()
    rendered = {name: core[name] for name in _CORE_IN_ATTRIBUTES if name in core}
    for name in sorted(entity.attributes):
        if name not in core:
            rendered[name] = entity.attributes[name]
    return rendered


def _kinded_uri(location: str, kind: str | None) -> dict[str, str]:
    rendered = {"location": location}
    if kind is not None:
        rendered["kind"] = kind
    return rendered


def render_entity(entity: Resource | Link) -> dict[str, Any]:
    """A resource (with its links as full link objects) or a link, as a JSON object."""
    rendered: dict[str, Any] = {"kind": entity.kind}
    if entity.mixins:
        rendered["mixins"] = list(entity.mixins)
    rendered["attributes"] = _render_attributes(entity)
    if entity.actions:
        rendered["actions"] = list(entity.actions)
    if entity.id is not None:
        rendered["id"] = entity.id
    if entity.title is not None:
        rendered["title"] = entity.title
    if isinstance(entity, Resource):
        if entity.summary is not None:
            rendered["summary"] = entity.summary
        if entity.links:
            rendered["links"] = [render_entity(link) for link in entity.links]
    else:
        if entity.source is not None:
            rendered["source"] = _kinded_uri(entity.source, entity.source_kind)
        rendered["target"] = _kinded_uri(entity.target, entity.target_kind)
    return rendered


class _Fields:
    """The members of one entity object, with the core attributes found in ``attributes``."""

    def __init__(self, value: object, path: str) -> None:
        self.path = path
        self.rendered = read_object(value, path)
        attributes = read_attributes(self.rendered, "attributes", path)
        self.core, self.attributes = split_core_attributes(attributes)

    def core_value(self, name: str, *, type_id: bool = False) -> str | None:
        """Core attribute ``name`` from inside ``attributes``, checked to be a string."""
        if name not in self.core:
            return None
        where = at_key(at_key(self.path, "attributes"), name)
        if type_id:
            return read_type_id(self.core[name], where)
        return read_string(self.core[name], where)

    def merged(
        self, top: str | None, where: str, name: str, *, type_id: bool = False
    ) -> str | None:
        """A top-level value (at ``where``) and its twin in ``attributes``.

        The top-level member wins when both are present: GFD.226 puts the core attributes
        there, and servers such as MartServer send a differently spelled copy inside
        ``attributes`` (``urn:uuid:…`` next to a bare uuid).
        """
        del where  # kept in the signature so every caller names the member it reads
        inner = self.core_value(name, type_id=type_id)
        return top if top is not None else inner

    def string(self, key: str, name: str) -> str | None:
        """Top-level string member ``key`` merged with core attribute ``name``."""
        top = optional_string(self.rendered, key, self.path)
        return self.merged(top, at_key(self.path, key), name)

    def kinded_uri(
        self, key: str, location_name: str, kind_name: str
    ) -> tuple[str | None, str | None]:
        """``source``/``target``: location and kind, from the member or ``attributes``."""
        value = self.rendered.get(key)
        where = at_key(self.path, key)
        location = kind = None
        if isinstance(value, str):
            location = value
        elif value is not None:
            if not isinstance(value, dict):
                fail(where, _KINDED_URI, value)
            location_path = at_key(where, "location")
            location = read_string(value.get("location"), location_path, "a URI string")
            if value.get("kind") is not None:
                kind = read_type_id(value["kind"], at_key(where, "kind"))
        return (
            self.merged(location, where, location_name),
            self.merged(kind, at_key(where, "kind"), kind_name, type_id=True),
        )

    def common(self) -> dict[str, Any]:
        """The fields every entity has."""
        return {
            "kind": read_type_id(self.rendered.get("kind"), at_key(self.path, "kind")),
            "mixins": read_type_ids(self.rendered, "mixins", self.path),
            "actions": read_type_ids(self.rendered, "actions", self.path),
            "id": self.string("id", CORE_ID),
            "title": self.string("title", CORE_TITLE),
            "location": optional_string(self.rendered, "location", self.path),
            "attributes": self.attributes,
        }

    def is_link(self) -> bool:
        """A link has a source or a target; a resource has neither."""
        return any(key in self.rendered for key in ("source", "target")) or any(
            name in self.core for name in (CORE_SOURCE, CORE_TARGET)
        )


def _link(fields: _Fields) -> Link:
    for key in ("links", "summary"):
        if key in fields.rendered:
            fail(at_key(fields.path, key), f"no {key} member in a link", fields.rendered[key])
    if CORE_SUMMARY in fields.core:
        where = at_key(at_key(fields.path, "attributes"), CORE_SUMMARY)
        fail(where, "no occi.core.summary in a link", fields.core[CORE_SUMMARY])
    source, source_kind = fields.kinded_uri("source", CORE_SOURCE, CORE_SOURCE_KIND)
    target, target_kind = fields.kinded_uri("target", CORE_TARGET, CORE_TARGET_KIND)
    if target is None:
        fail(at_key(fields.path, "target"), _KINDED_URI, None, "a link needs a target")
    return build(
        Link,
        fields.path,
        **fields.common(),
        source=source,
        source_kind=source_kind,
        target=target,
        target_kind=target_kind,
    )


def _resource(fields: _Fields) -> Resource:
    for name in (CORE_SOURCE_KIND, CORE_TARGET_KIND):
        if name in fields.core:
            where = at_key(at_key(fields.path, "attributes"), name)
            fail(where, "no link attributes in a resource", fields.core[name])
    links: list[Link] = []
    if fields.rendered.get("links") is not None:
        where = at_key(fields.path, "links")
        for index, item in enumerate(read_list(fields.rendered["links"], where)):
            links.append(parse_link(item, at_index(where, index)))
    return build(
        Resource,
        fields.path,
        **fields.common(),
        summary=fields.string("summary", CORE_SUMMARY),
        links=tuple(links),
    )


def parse_link(value: object, path: str) -> Link:
    """A link object at ``path``; a missing target is an error there."""
    return _link(_Fields(value, path))


def parse_entity(value: object, path: str) -> Resource | Link:
    """A resource or a link at ``path``: an object with a source or target is a link."""
    fields = _Fields(value, path)
    return _link(fields) if fields.is_link() else _resource(fields)
