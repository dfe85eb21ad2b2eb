"""The client's verbs against the embedded endpoint: list, get, create, update, replace,
delete, actions, and the errors the server answers with.

Mirrors, from ``tests/occi/client/``:

* ``test_crud.py``: ``test_create_returns_the_absolute_new_location`` (the spec's 201 +
  ``Location``), ``test_create_posts_to_the_collection_given``,
  ``test_get_sets_the_absolute_location``, ``test_get_of_a_missing_entity_is_not_found``,
  ``test_list_gives_entities_or_absolute_locations`` (JSON: full entities; text: locations;
  uri-list), ``test_an_empty_collection_lists_nothing`` (spec-200),
  ``test_update_merges_and_answers_the_entity``, ``test_replace_uses_put_where_supported``,
  ``test_delete_reports_whether_it_was_there``, ``test_actions_are_triggered`` (spec-200),
  ``test_an_action_the_state_forbids_is_refused`` (rocci-409, the spec's answer),
  ``test_an_action_on_a_collection_reaches_every_member``,
  ``test_memory_is_normalised_to_gib_per_endpoint_setting`` (spec-gib);
* ``test_errors.py``: ``test_the_server_message_is_found_in_every_form`` for the form this
  endpoint uses, plus a 400 for an invalid attribute carrying the server's reason.
"""

from __future__ import annotations

import pytest
from client_support import BASE_URL, RENDERINGS, Recorder, client_for, members
from starlette.applications import Starlette

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import OCCIClient
from occi_operator.occi.entities import ActionInvocation, Resource
from occi_operator.occi.errors import BadRequestError, ConflictError, NotFoundError

JSON = "application/occi+json"
COMPUTE_COLLECTION = BASE_URL + "compute/"


@pytest.fixture
def server(endpoint_app: Starlette) -> Recorder:
    """The running endpoint, each request it receives recorded."""
    return Recorder(endpoint_app)


@pytest.fixture(params=RENDERINGS)
async def client(server: Recorder, request: pytest.FixtureRequest) -> OCCIClient:
    """A client preferring one rendering (closed by the test through ``async with``)."""
    return client_for(server, rendering=str(request.param))


def _compute(title: str = "web-1", **attributes: object) -> Resource:
    return Resource.model_validate(
        {"kind": v.COMPUTE_KIND, "title": title,
         "attributes": {"occi.compute.cores": 2, **attributes}})


async def test_create_returns_the_absolute_new_location(
    client: OCCIClient, server: Recorder
) -> None:
    async with client:
        location = await client.create(_compute())
        assert location.startswith(COMPUTE_COLLECTION)
        assert len(location) > len(COMPUTE_COLLECTION)
        assert (await client.get(location)).title == "web-1"
    create = [s for s in server.seen if s.method == "POST"]
    assert [(s.path, s.status) for s in create] == [("/compute/", 201)]


async def test_create_posts_to_the_collection_given(client: OCCIClient, server: Recorder) -> None:
    async with client:
        location = await client.create(
            Resource(kind=v.NETWORK_KIND, title="lan"), collection="/network/")
    assert location.startswith(BASE_URL + "network/")
    assert [s.path for s in server.seen] == ["/network/"]  # no discovery needed


async def test_get_sets_the_absolute_location(client: OCCIClient) -> None:
    async with client:
        location = await client.create(_compute(), collection="/compute/")
        relative = location.removeprefix(BASE_URL.rstrip("/"))
        entity = await client.get(relative)
    assert entity.location == location
    assert entity.title == "web-1"
    assert entity.attributes["occi.compute.cores"] == 2
    assert entity.attributes[v.COMPUTE_STATE] == v.STATE_ACTIVE  # no provisioning delay


async def test_get_of_a_missing_entity_is_not_found(client: OCCIClient) -> None:
    async with client:
        with pytest.raises(NotFoundError) as caught:
            await client.get("/compute/no-such-vm")
    error = caught.value
    assert error.status_code == 404
    assert error.method == "GET"
    assert error.url == BASE_URL + "compute/no-such-vm"
    assert "/compute/no-such-vm" in error.server_message
    assert str(error).startswith("404 NotFound: ")


@pytest.mark.parametrize(
    ("rendering", "full"),
    [
        pytest.param(JSON, True, id="json-full-entities"),
        pytest.param("text/plain", False, id="text-plain-locations"),
        pytest.param("text/occi", False, id="text-occi-locations"),
        pytest.param("text/uri-list", False, id="uri-list"),
    ],
)
async def test_list_gives_entities_or_absolute_locations(
    server: Recorder, rendering: str, full: bool
) -> None:
    async with client_for(server, rendering=rendering) as client:
        first = await client.create(_compute("a"), collection="/compute/")
        second = await client.create(_compute("b"), collection="/compute/")
        await client.create(Resource(kind=v.NETWORK_KIND, title="n"), collection="/network/")
        listed = await client.list_collection("/compute/")
    assert members(listed) == {first, second}
    if full:
        assert sorted(r.title or "" for r in listed.resources) == ["a", "b"]
        # GFD.226 gives an entity no location: the ids name the members listed.
        assert {r.id for r in listed.resources} == {loc.rpartition("/")[2]
                                                    for loc in (first, second)}
    else:
        assert listed.resources == ()
        assert set(listed.locations) == {first, second}


async def test_an_empty_collection_lists_nothing(client: OCCIClient) -> None:
    async with client:
        listed = await client.list_collection("/storage/")
    assert listed.entities == ()
    assert listed.locations == ()


async def test_update_merges_and_answers_the_entity(client: OCCIClient, server: Recorder) -> None:
    async with client:
        location = await client.create(_compute(), collection="/compute/")
        answer = await client.update(
            location, Resource(kind=v.COMPUTE_KIND, attributes={"occi.compute.cores": 4}))
        stored = await client.get(location)
    assert answer is not None
    assert answer.location == location
    assert answer.attributes["occi.compute.cores"] == 4
    assert stored.attributes["occi.compute.cores"] == 4
    assert stored.title == "web-1"  # a partial update keeps what it does not name
    assert [s.method for s in server.seen] == ["POST", "POST", "GET"]


async def test_replace_uses_put_where_supported(client: OCCIClient, server: Recorder) -> None:
    async with client:
        location = await client.create(_compute(), collection="/compute/")
        current = await client.get(location)
        await client.replace(location, current.model_copy(update={"title": "renamed"}))
        assert client.put_supported is True
        assert (await client.get(location)).title == "renamed"
    assert [(s.method, s.status) for s in server.seen][2] == ("PUT", 200)


async def test_delete_reports_whether_it_was_there(client: OCCIClient, server: Recorder) -> None:
    async with client:
        location = await client.create(_compute(), collection="/compute/")
        assert await client.delete(location) is True
        assert await client.delete(location) is False  # 404: already gone, not an error
        assert members(await client.list_collection("/compute/")) == set()
    assert server.statuses("DELETE")[1] == 404


async def test_actions_are_triggered_on_an_entity(client: OCCIClient, server: Recorder) -> None:
    async with client:
        location = await client.create(_compute(), collection="/compute/")
        answer = await client.trigger(location, ActionInvocation(
            action=v.COMPUTE_STOP, attributes={"method": "graceful"}))
        state = (await client.get(location)).attributes[v.COMPUTE_STATE]
    assert state == v.STATE_INACTIVE
    assert answer.content_type  # the endpoint always names its media type
    action = next(s for s in server.seen if s.query)
    assert (action.method, action.query, action.status) == ("POST", "action=stop", 200)


async def test_an_action_the_state_forbids_is_a_conflict(client: OCCIClient) -> None:
    async with client:
        location = await client.create(_compute(), collection="/compute/")
        with pytest.raises(ConflictError) as caught:
            await client.trigger(location, ActionInvocation(action=v.COMPUTE_START))
    assert caught.value.status_code == 409
    assert "start" in caught.value.server_message
    assert "active" in caught.value.server_message


async def test_an_action_on_a_collection_reaches_every_member(client: OCCIClient) -> None:
    async with client:
        locations = [await client.create(_compute(title), collection="/compute/")
                     for title in ("a", "b", "c")]
        await client.trigger("/compute/", ActionInvocation(action=v.COMPUTE_STOP))
        states = {(await client.get(loc)).attributes[v.COMPUTE_STATE] for loc in locations}
        assert states == {v.STATE_INACTIVE}
        await client.trigger("/compute/", ActionInvocation(action=v.COMPUTE_START))
        states = {(await client.get(loc)).attributes[v.COMPUTE_STATE] for loc in locations}
    assert states == {v.STATE_ACTIVE}


async def test_an_action_on_a_missing_entity_is_not_found(client: OCCIClient) -> None:
    async with client:
        with pytest.raises(NotFoundError):
            await client.trigger("/compute/gone", ActionInvocation(action=v.COMPUTE_STOP))


async def test_an_invalid_attribute_is_a_bad_request_with_the_servers_reason(
    client: OCCIClient, server: Recorder
) -> None:
    async with client:
        with pytest.raises(BadRequestError) as caught:
            await client.create(Resource(kind=v.NETWORK_KIND, title="lan",
                                         attributes={"occi.network.vlan": 5000}))
        assert members(await client.list_collection("/network/")) == set()
    error = caught.value
    assert error.status_code == 400
    assert "occi.network.vlan" in error.server_message
    assert "4095" in error.server_message
    assert "5000" in error.server_message
    assert server.count("POST") == 1  # a 400 is not repeated


async def test_memory_in_gib_comes_back_untouched(client: OCCIClient) -> None:
    async with client:
        vm = Resource(kind=v.COMPUTE_KIND, attributes={"occi.compute.memory": 4.0})
        location = await client.create(vm, collection="/compute/")
        assert (await client.get(location)).attributes["occi.compute.memory"] == 4.0
