"""The handlers of :data:`.routes.ROUTES`: read the call, ask the domain, render the answer.

Each handler is synchronous, like the store and :class:`~.service.Infrastructure` it calls
(see :mod:`.store` for why), and short: parsing lives in :class:`~.http_call.Call`,
rendering in the negotiated :class:`~occi_operator.occi.rendering.Rendering`, HTTP
framing in :mod:`.responses`. What each answers follows GFD.223:

* entity GET, POST (partial update), PUT (replace), POST ``?action``: 200 and the entity
  (§8.1–8.3); a PUT that creates, and a create in a kind collection: 201, ``Location``
  and the new location in the body (``X-OCCI-Location`` in the text renderings, §9.3.1);
* collection GET, associate, replace, actions: 200 and the collection (§9);
* DELETE: 200 and an empty rendering (§8.4, §9.4); the query interface: 200 and the
  categories (§7).

Domain errors pass through untouched: the dispatcher renders them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

from pydantic import ValidationError
from starlette.responses import Response

from occi_operator.occi.categories import Kind
from occi_operator.occi.entities import Collection, Link, Resource
from occi_operator.occi.rendering import Message, rendering_for

from .errors import BadRequestError
from .http_call import Call
from .responses import occi_answer
from .service import Infrastructure
from .settings import FaultSettings
from .store_records import Record

__all__ = [
    "add_mixins",
    "associate",
    "create_entity",
    "delete_collection",
    "delete_entity",
    "disassociate",
    "get_categories",
    "get_entity",
    "get_faults",
    "list_collection",
    "put_entity",
    "remove_mixins",
    "replace_members",
    "set_faults",
    "trigger_collection",
    "trigger_entity",
    "update_entity",
]

AnyRecord = Record[Resource | Link]


# -- answers ---------------------------------------------------------------------------


def _answer(
    call: Call, message: Message, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return occi_answer(message, media_type=call.media_type, status=status, headers=headers)


def _outgoing(call: Call, record: AnyRecord) -> Resource | Link:
    return call.locator.entity_out(record.entity, record.location)


def _entity(call: Call, record: AnyRecord) -> Response:
    rendering = rendering_for(call.media_type)
    return _answer(call, rendering.render_entity(_outgoing(call, record)))


def _collection(call: Call, records: Iterable[AnyRecord]) -> Response:
    resources: list[Resource] = []
    links: list[Link] = []
    for record in records:
        entity = _outgoing(call, record)
        if isinstance(entity, Link):
            links.append(entity)
        else:
            resources.append(entity)
    # The locations go along with the entities: text renderings list them, and JSON, whose
    # entity objects have no location member (GFD.226), carries them as "locations".
    members = (*resources, *links)
    collection = Collection(
        resources=tuple(resources),
        links=tuple(links),
        locations=tuple(str(entity.location) for entity in members),
    )
    return _answer(call, rendering_for(call.media_type).render_collection(collection))


def _created(call: Call, record: AnyRecord) -> Response:
    url = call.locator.url(record.location)
    message = rendering_for(call.media_type).render_locations([url])
    return _answer(call, message, status=201, headers={"Location": url})


def _done(call: Call) -> Response:
    return _answer(call, rendering_for(call.media_type).render_locations([]))


def _members(infrastructure: Infrastructure, call: Call) -> list[AnyRecord]:
    return infrastructure.list(call.collection, where=None, page=1, number=None)


# -- query interface (GFD.223 §7) ------------------------------------------------------


def get_categories(infrastructure: Infrastructure, call: Call) -> Response:
    """§7.1: every kind, mixin and action, narrowed by a filter when one is sent."""
    query = infrastructure.query_interface(call.filter())
    return _answer(call, rendering_for(call.media_type).render_query_interface(query))


def add_mixins(infrastructure: Infrastructure, call: Call) -> Response:
    """§7.3: add user mixins; answers them as the query interface renders them."""
    categories = call.categories()
    if categories.kinds or categories.actions or not categories.mixins:
        raise BadRequestError("POST /-/ takes mixins only (user-defined mixins to add)")
    infrastructure.add_user_mixins(categories.mixins)
    added = {mixin.type_id for mixin in categories.mixins}
    query = infrastructure.query_interface()
    answered = query.model_copy(
        update={
            "kinds": (),
            "actions": (),
            "mixins": tuple(m for m in query.mixins if m.type_id in added),
        }
    )
    return _answer(call, rendering_for(call.media_type).render_query_interface(answered))


def remove_mixins(infrastructure: Infrastructure, call: Call) -> Response:
    """§7.4: remove user mixins named by the categories sent."""
    categories = call.categories()
    if categories.kinds or categories.actions or not categories.mixins:
        raise BadRequestError("DELETE /-/ takes mixins only (user-defined mixins to remove)")
    infrastructure.remove_user_mixins([mixin.type_id for mixin in categories.mixins])
    return _done(call)


# -- entities (GFD.223 §8) -------------------------------------------------------------


def get_entity(infrastructure: Infrastructure, call: Call) -> Response:
    """§8.1: the entity."""
    return _entity(call, infrastructure.get(call.path))


def update_entity(infrastructure: Infrastructure, call: Call) -> Response:
    """§8.3.1: change what the partial rendering names; answers the entity."""
    return _entity(call, infrastructure.update(call.path, call.entity()))


def put_entity(infrastructure: Infrastructure, call: Call) -> Response:
    """§8.2: create at this location (201) or replace the mutable part (200)."""
    record, created = infrastructure.put(call.path, call.entity())
    return _created(call, record) if created else _entity(call, record)


def trigger_entity(infrastructure: Infrastructure, call: Call) -> Response:
    """§8.3.2: trigger ``?action=term``; answers the entity (and a saved image's location)."""
    stored = infrastructure.get(call.path).entity
    defined = infrastructure.registry.defined_actions(stored.kind, stored.mixins)
    outcome = infrastructure.perform(call.path, call.invocation(defined))
    answer = _entity(call, outcome.record)
    if outcome.saved is not None and outcome.saved.location:
        # save made a new os_tpl mixin: Location names its collection, /-/ describes it
        answer.headers["Location"] = call.locator.url(outcome.saved.location)
    return answer


def delete_entity(infrastructure: Infrastructure, call: Call) -> Response:
    """§8.4: delete the entity (a resource with its links)."""
    infrastructure.delete(call.path)
    return _done(call)


# -- collections (GFD.223 §9) ----------------------------------------------------------


def list_collection(infrastructure: Infrastructure, call: Call) -> Response:
    """§9.1 and §6: the members, filtered and paginated."""
    page, number = call.page()
    where = call.filter()
    records = infrastructure.list(call.collection, where=where, page=page, number=number)
    return _collection(call, records)


def create_entity(infrastructure: Infrastructure, call: Call) -> Response:
    """§9.3.1: create an entity of the collection's kind; 201 and its location."""
    return _created(call, infrastructure.create(call.collection, call.entity()))


def trigger_collection(infrastructure: Infrastructure, call: Call) -> Response:
    """§9.3.3: trigger ``?action=term`` on every member; answers the collection."""
    category = call.category
    defined: Sequence[str] = () if category is None else category.actions
    if isinstance(category, Kind):  # a kind's members also offer its parents' actions
        defined = infrastructure.registry.defined_actions(category.type_id)
    infrastructure.trigger_collection(call.collection, call.invocation(defined))
    return _collection(call, _members(infrastructure, call))


def delete_collection(infrastructure: Infrastructure, call: Call) -> Response:
    """§9.4.1: delete every member (those matching a filter, when one is sent)."""
    infrastructure.delete_collection(call.collection, where=call.filter())
    return _done(call)


def associate(infrastructure: Infrastructure, call: Call) -> Response:
    """§9.3.2: give the mixin to the entities listed; answers the members."""
    infrastructure.associate(call.collection, call.locations(required=True))
    return _collection(call, _members(infrastructure, call))


def replace_members(infrastructure: Infrastructure, call: Call) -> Response:
    """§9.2: exactly the entities listed carry the mixin; answers the members."""
    infrastructure.replace_members(call.collection, call.locations(required=False))
    return _collection(call, _members(infrastructure, call))


def disassociate(infrastructure: Infrastructure, call: Call) -> Response:
    """§9.4.2: take the mixin off the entities listed, or off every member."""
    locations = call.locations(required=False)
    if not locations:
        locations = [record.location for record in _members(infrastructure, call)]
    infrastructure.disassociate(call.collection, locations)
    return _done(call)


# -- fault injection (this endpoint's admin path) --------------------------------------


def _faults_answer(settings: FaultSettings) -> Response:
    body = settings.model_dump_json().encode("utf-8")
    return occi_answer(Message("application/json", body), media_type="application/json")


def get_faults(infrastructure: Infrastructure, call: Call) -> Response:
    """The fault-injection settings in force, as JSON."""
    return _faults_answer(infrastructure.faults.settings)


def set_faults(infrastructure: Infrastructure, call: Call) -> Response:
    """Replace the fault-injection settings with the JSON object sent; answers them."""
    try:
        document = json.loads(call.body or b"{}")
        settings = FaultSettings.model_validate(document)
    except (ValueError, ValidationError) as exc:
        raise BadRequestError(
            f"PUT /-/faults takes a JSON object of fault settings: {exc}"
        ) from None
    infrastructure.faults.configure(settings)
    return _faults_answer(settings)
