"""The OCCI JSON rendering, ``application/occi+json`` (GFD.226), both directions.

Documents, as written (members are left out when empty, output is compact UTF-8 with a
fixed member order, entity attributes sorted by name):

* entity: a resource or link object, see :mod:`._json_entities`;
* collection: ``{"resources": […], "links": […]}``; an empty one is ``{"resources": []}``;
  a collection holding only locations is a JSON array of strings; one holding entities and
  locations also gets a ``"locations"`` array;
* locations: a JSON array of strings;
* action invocation: ``{"action": "type-id", "attributes": {…}}``;
* query interface: ``{"kinds": […], "mixins": […], "actions": […]}``, see
  :mod:`._json_categories`;
* filter (GFD.226 defines none, so this form is ours): ``{"categories": ["type-id", …],
  "attributes": {…}}``.

Reading is lenient where servers differ: a collection or locations may come as
``{"locations": […]}`` (rOCCI-server), a bare array of locations, a single entity object,
or an empty body (ooi answers an empty collection with 204); a filter may name categories in
``kinds``/``mixins``/``actions``/``categories``, as type identifiers or ``{"scheme",
"term"}`` objects. An entity's location is not rendered (GFD.226 has no member for it and
rOCCI refuses unknown members), but a ``location`` member is read when a server sends one.

Every malformed document raises :class:`ParseError` naming the JSON path
(``resources[2].links[0].target``) and what was expected there; nothing else escapes.
This module is named ``json``, but absolute imports keep ``import json`` elsewhere in the
package pointing at the standard library.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

from occi_operator.occi.categories import QueryInterface
from occi_operator.occi.entities import ActionInvocation, Collection, Filter, Link, Resource
from occi_operator.occi.errors import ParseError

from . import _json_categories, _json_entities
from ._json_values import (
    MEDIA_TYPE,
    at_index,
    at_key,
    build,
    decode_document,
    encode_document,
    fail,
    read_attributes,
    read_list,
    read_object,
    read_string,
    read_type_id,
)
from .base import Message

__all__ = ["JsonRendering"]

_T = TypeVar("_T")


def _guarded(parse: Callable[[], _T]) -> _T:
    """Run a parse step; recursion too deep for Python becomes a ParseError."""
    try:
        return parse()
    except RecursionError:
        raise ParseError(
            "JSON document nested too deeply", media_type=MEDIA_TYPE, expected="less nesting"
        ) from None


def _blank(message: Message) -> bool:
    return not message.body.strip()


def _strings(value: object, path: str) -> list[str]:
    return [read_string(item, at_index(path, i)) for i, item in enumerate(read_list(value, path))]


def _located(value: object, path: str) -> str:
    """A location string, or the ``location`` member of an entity object."""
    if isinstance(value, dict):
        return read_string(value.get("location"), at_key(path, "location"), "a location URI")
    return read_string(value, path, "a location URI or an object with a location member")


def _category_ids(value: object, path: str) -> list[str]:
    """Type identifiers given as strings or ``{"scheme", "term"}`` objects."""
    ids: list[str] = []
    for index, item in enumerate(read_list(value, path)):
        where = at_index(path, index)
        if isinstance(item, dict):
            scheme = read_string(item.get("scheme"), at_key(where, "scheme"))
            term = read_string(item.get("term"), at_key(where, "term"))
            item = scheme + term
        ids.append(read_type_id(item, where))
    return ids


class JsonRendering:
    """``application/occi+json``: entities, collections, categories, actions, filters."""

    media_types: ClassVar[tuple[str, ...]] = ("application/occi+json", "application/json")

    def _message(self, document: object) -> Message:
        return Message(content_type=MEDIA_TYPE, body=encode_document(document))

    def render_entity(self, entity: Resource | Link) -> Message:
        """Render one resource (links as full link objects) or one link."""
        return self._message(_json_entities.render_entity(entity))

    def parse_entity(self, message: Message) -> Resource | Link:
        """Parse one resource or link (also a collection holding exactly one entity)."""

        def parse() -> Resource | Link:
            document = decode_document(message.body)
            rendered = read_object(document, "")
            if "kind" in rendered or not {"resources", "links"} & rendered.keys():
                return _json_entities.parse_entity(rendered, "")
            collection = self._collection(rendered)
            if len(collection.entities) != 1 or collection.locations:
                fail("", "a resource or link, or a collection of exactly one", document)
            return collection.entities[0]

        return _guarded(parse)

    def render_collection(self, collection: Collection) -> Message:
        """Render resources and links; a collection of only locations as a JSON array."""
        if not collection.entities and collection.locations:
            return self.render_locations(collection.locations)
        document: dict[str, Any] = {}
        if collection.resources or not collection.links:
            resources = collection.resources
            document["resources"] = [_json_entities.render_entity(r) for r in resources]
        if collection.links:
            document["links"] = [_json_entities.render_entity(link) for link in collection.links]
        if collection.locations:
            document["locations"] = list(collection.locations)
        return self._message(document)

    def parse_collection(self, message: Message) -> Collection:
        """Parse a collection; an empty body is an empty collection."""
        if _blank(message):
            return Collection()
        return _guarded(lambda: self._collection(decode_document(message.body)))

    def _collection(self, document: object) -> Collection:
        if isinstance(document, list | str):
            return Collection(locations=tuple(self._locations(document)))
        rendered = read_object(document, "")
        resources: list[Resource] = []
        links: list[Link] = []
        locations: list[str] = []
        entities: list[tuple[object, str]] = []
        if "kind" in rendered and not {"resources", "links", "locations"} & rendered.keys():
            entities.append((rendered, ""))  # a single entity, as some create answers are
        for key in ("resources", "links"):
            if rendered.get(key) is not None:
                items = read_list(rendered[key], key)
                entities.extend((item, at_index(key, i)) for i, item in enumerate(items))
        for item, where in entities:
            if isinstance(item, str):  # a bare location where an entity could be
                locations.append(item)
                continue
            entity = _json_entities.parse_entity(item, where)
            if isinstance(entity, Link):
                links.append(entity)
            else:
                resources.append(entity)
        if rendered.get("locations") is not None:
            locations.extend(_strings(rendered["locations"], "locations"))
        return build(
            Collection,
            "",
            resources=tuple(resources),
            links=tuple(links),
            locations=tuple(locations),
        )

    def render_query_interface(self, query: QueryInterface) -> Message:
        """Render kinds, mixins and actions with their attribute definitions."""
        return self._message(_json_categories.render_query_interface(query))

    def parse_query_interface(self, message: Message) -> QueryInterface:
        """Parse kinds, mixins and actions."""
        return _guarded(
            lambda: _json_categories.parse_query_interface(decode_document(message.body))
        )

    def render_action(self, invocation: ActionInvocation) -> Message:
        """Render ``{"action": type-id, "attributes": {…}}``."""
        attributes = {name: invocation.attributes[name] for name in sorted(invocation.attributes)}
        return self._message({"action": invocation.action, "attributes": attributes})

    def parse_action(self, message: Message) -> ActionInvocation:
        """Parse an action invocation."""

        def parse() -> ActionInvocation:
            rendered = read_object(decode_document(message.body), "")
            action = read_type_id(rendered.get("action"), "action")
            attributes = read_attributes(rendered, "attributes", "")
            return build(ActionInvocation, "", action=action, attributes=attributes)

        return _guarded(parse)

    def render_locations(self, locations: Sequence[str]) -> Message:
        """Render locations as a JSON array of strings."""
        return self._message(list(locations))

    def parse_locations(self, message: Message) -> list[str]:
        """Parse locations: an array, ``{"locations": […]}`` or entities with locations."""
        if _blank(message):
            return []
        return _guarded(lambda: self._locations(decode_document(message.body)))

    def _locations(self, document: object) -> list[str]:
        if isinstance(document, str):
            return [document]
        if isinstance(document, list):
            return [_located(item, at_index("", i)) for i, item in enumerate(document)]
        rendered = read_object(document, "")
        if "kind" in rendered:
            return [_located(rendered, "")]
        found = [key for key in ("locations", "resources", "links") if key in rendered]
        if not found:
            fail("", "an array of locations or an object with a locations member", document)
        locations: list[str] = []
        for key in found:
            items = read_list(rendered[key], key)
            locations.extend(_located(item, at_index(key, i)) for i, item in enumerate(items))
        return locations

    def render_filter(self, query: Filter) -> Message:
        """Render ``{"categories": [type-id…], "attributes": {…}}``."""
        document: dict[str, Any] = {}
        if query.categories:
            document["categories"] = list(query.categories)
        if query.attributes:
            attributes = query.attributes
            document["attributes"] = {name: attributes[name] for name in sorted(attributes)}
        return self._message(document)

    def parse_filter(self, message: Message) -> Filter:
        """Parse a filter; an empty body filters nothing."""
        if _blank(message):
            return Filter()

        def parse() -> Filter:
            rendered = read_object(decode_document(message.body), "")
            categories: list[str] = []
            for key in ("categories", "kinds", "mixins", "actions"):
                if rendered.get(key) is not None:
                    categories.extend(_category_ids(rendered[key], key))
            attributes = read_attributes(rendered, "attributes", "")
            return build(Filter, "", categories=tuple(categories), attributes=attributes)

        return _guarded(parse)
