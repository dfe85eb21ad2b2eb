"""Helpers for endpoint tests: OCCI requests in any rendering, and reading the answers.

Requests are rendered with the project's own renderings, so the tests exercise the
endpoint with what the client sends; text/occi messages travel in the headers.
"""

from __future__ import annotations

from typing import Any

import httpx

from occi_operator.occi import vocabulary as v
from occi_operator.occi.categories import QueryInterface
from occi_operator.occi.entities import ActionInvocation, Collection, Link, Resource
from occi_operator.occi.rendering import Message, base_media_type, rendering_for

#: The renderings that carry entities, categories and actions.
ENTITY_RENDERINGS = ("text/plain", "text/occi", "application/occi+json")
#: Every rendering, for what collections and location lists can be sent in.
ALL_RENDERINGS = (*ENTITY_RENDERINGS, "text/uri-list")
IPNETWORK = "http://schemas.ogf.org/occi/infrastructure/network#ipnetwork"


def request_kwargs(message: Message, *, accept: str | None = None) -> dict[str, Any]:
    """``httpx`` keyword arguments that send ``message`` (headers and body)."""
    headers: list[tuple[str, str]] = [("Content-Type", message.content_type)]
    headers += list(message.headers)
    if accept is not None:
        headers.append(("Accept", accept))
    return {"content": message.body, "headers": headers}


def message_of(response: httpx.Response) -> Message:
    """The answer as a rendering reads it."""
    content_type = response.headers.get("content-type", "")
    return Message(content_type, response.content, tuple(response.headers.multi_items()))


def media_type(response: httpx.Response) -> str:
    """The answer's base media type."""
    return base_media_type(response.headers.get("content-type", ""))


def entity_of(response: httpx.Response) -> Resource | Link:
    """The entity an answer carries, in whatever rendering it came."""
    return rendering_for(media_type(response)).parse_entity(message_of(response))


def collection_of(response: httpx.Response) -> Collection:
    """The collection an answer carries."""
    return rendering_for(media_type(response)).parse_collection(message_of(response))


def locations_of(response: httpx.Response) -> list[str]:
    """The locations a collection answer lists (entities' own locations, or bare ones)."""
    collection = collection_of(response)
    if collection.locations:
        return list(collection.locations)
    return [str(entity.location) for entity in collection.entities]


def categories_of(response: httpx.Response) -> QueryInterface:
    """The categories a query-interface answer carries."""
    return rendering_for(media_type(response)).parse_query_interface(message_of(response))


def compute(title: str = "vm", **attributes: Any) -> Resource:
    """A minimal compute to create."""
    return Resource(kind=v.COMPUTE_KIND, title=title, attributes=dict(attributes))


def network(title: str = "net", cidr: str | None = None) -> Resource:
    """A network, with the ipnetwork mixin when ``cidr`` is given."""
    if cidr is None:
        return Resource(kind=v.NETWORK_KIND, title=title)
    return Resource(
        kind=v.NETWORK_KIND, title=title, mixins=(IPNETWORK,),
        attributes={"occi.network.address": cidr},
    )


def storage(title: str = "disk", size: float = 10.0) -> Resource:
    """A storage of ``size`` GiB."""
    return Resource(kind=v.STORAGE_KIND, title=title, attributes={"occi.storage.size": size})


async def create(
    client: httpx.AsyncClient,
    entity: Resource | Link,
    collection: str,
    *,
    rendering: str = "text/plain",
) -> str:
    """Create ``entity`` in ``collection``; returns the absolute location (201 asserted)."""
    message = rendering_for(rendering).render_entity(entity)
    response = await client.post(collection, **request_kwargs(message, accept=rendering))
    assert response.status_code == 201, response.text
    return response.headers["location"]


async def trigger(
    client: httpx.AsyncClient,
    location: str,
    action: str,
    *,
    rendering: str = "text/plain",
    **attributes: Any,
) -> httpx.Response:
    """POST ``?action=term`` with an action invocation rendering."""
    invocation = ActionInvocation(action=action, attributes=dict(attributes))
    message = rendering_for(rendering).render_action(invocation)
    term = action.rpartition("#")[2]
    return await client.post(
        f"{location}?action={term}", **request_kwargs(message, accept=rendering)
    )
