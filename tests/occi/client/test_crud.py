"""The verbs: list, get, create, update, replace, delete and actions, with server quirks."""

from __future__ import annotations

import pytest
from client_testing import ClientFactory
from fake_occi import FakeOCCI, Quirks

from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import ActionInvocation, Resource
from occi_operator.occi.errors import BadRequestError, ConflictError, NotFoundError

JSON = "application/occi+json"


def _compute(title: str = "web-1", **attributes: object) -> Resource:
    return Resource.model_validate(
        {"kind": v.COMPUTE_KIND, "title": title, "attributes": {"occi.compute.cores": 2,
                                                                  **attributes}}
    )


@pytest.mark.parametrize(
    ("status", "style", "relative"),
    [
        pytest.param(201, "location", False, id="spec-201-location-header"),
        pytest.param(201, "location", True, id="relative-location-header"),
        pytest.param(201, "x-occi-location", False, id="text-occi-x-occi-location-header"),
        pytest.param(201, "body", False, id="rocci-x-occi-location-body-line"),
        pytest.param(200, "json-array", False, id="ooi-200-json-array"),
        pytest.param(200, "json-resources", True, id="ooi-resources-0-relative"),
        pytest.param(200, "json-entity", False, id="ooi-resources-0-entity-with-id"),
    ],
)
@pytest.mark.parametrize("rendering", ["text/plain", JSON])
async def test_create_returns_the_absolute_new_location(
    make_client: ClientFactory, rendering: str, status: int, style: str, relative: bool
) -> None:
    fake = FakeOCCI(Quirks(create_status=status, location_style=style,  # type: ignore[arg-type]
                           relative_locations=relative))
    client = make_client(fake, rendering=rendering)
    location = await client.create(_compute())
    assert location == "http://occi.test/compute/compute-1"
    assert fake.entities["/compute/compute-1"].title == "web-1"
    create = fake.seen[-1]
    assert (create.method, create.path) == ("POST", "/compute/")


async def test_create_posts_to_the_collection_given(
    make_client: ClientFactory, server: FakeOCCI
) -> None:
    location = await make_client().create(_compute(), collection="/network/")
    assert location == "http://occi.test/network/network-1"
    assert not any(seen.path.endswith("/-/") for seen in server.seen)  # no discovery needed


async def test_get_sets_the_absolute_location(make_client: ClientFactory) -> None:
    client = make_client(rendering=JSON)
    location = await client.create(_compute())
    entity = await client.get("/compute/compute-1")
    assert entity.location == location
    assert entity.title == "web-1"
    assert entity.attributes["occi.compute.state"] == "inactive"


async def test_get_of_a_missing_entity_is_not_found(make_client: ClientFactory) -> None:
    with pytest.raises(NotFoundError) as caught:
        await make_client().get("/compute/nope")
    assert caught.value.status_code == 404
    assert caught.value.server_message == "/compute/nope not found"


@pytest.mark.parametrize(
    ("rendering", "relative", "full"),
    [
        pytest.param(JSON, False, True, id="json-full-entities"),
        pytest.param("text/plain", False, False, id="rocci-text-locations-only"),
        pytest.param("text/plain", True, False, id="relative-locations-made-absolute"),
        pytest.param("text/uri-list", True, False, id="uri-list"),
    ],
)
async def test_list_gives_entities_or_absolute_locations(
    make_client: ClientFactory, rendering: str, relative: bool, full: bool
) -> None:
    fake = FakeOCCI(Quirks(relative_locations=relative))
    client = make_client(fake, rendering=rendering)
    await client.create(_compute("a"), collection="/compute/")
    await client.create(_compute("b"), collection="/compute/")
    listed = await client.list_collection("/compute/")
    if full:
        assert sorted(r.title or "" for r in listed.resources) == ["a", "b"]
    else:
        assert listed.resources == ()
        assert sorted(listed.locations) == [
            "http://occi.test/compute/compute-1",
            "http://occi.test/compute/compute-2",
        ]


@pytest.mark.parametrize("empty_204", [pytest.param(True, id="ooi-204"),
                                       pytest.param(False, id="spec-200")])
async def test_an_empty_collection_lists_nothing(
    make_client: ClientFactory, empty_204: bool
) -> None:
    fake = FakeOCCI(Quirks(empty_collection_204=empty_204))
    listed = await make_client(fake, rendering=JSON).list_collection("/compute/")
    assert listed.entities == ()
    assert listed.locations == ()


async def test_update_merges_and_answers_the_entity(
    make_client: ClientFactory, server: FakeOCCI
) -> None:
    client = make_client(rendering=JSON)
    location = await client.create(_compute())
    answer = await client.update(location, Resource(kind=v.COMPUTE_KIND,
                                                    attributes={"occi.compute.cores": 4}))
    assert answer is not None
    assert answer.location == location
    assert answer.attributes["occi.compute.cores"] == 4
    assert server.entities["/compute/compute-1"].attributes["occi.compute.state"] == "inactive"


async def test_replace_uses_put_where_supported(
    make_client: ClientFactory, server: FakeOCCI
) -> None:
    client = make_client(rendering=JSON)
    location = await client.create(_compute())
    await client.replace(location, _compute("renamed"))
    assert client.put_supported is True
    assert server.seen[-1].method == "PUT"
    assert server.entities["/compute/compute-1"].title == "renamed"


@pytest.mark.parametrize("status", [pytest.param(501, id="rocci-501"),
                                    pytest.param(405, id="405")])
async def test_replace_falls_back_to_post_and_remembers(
    make_client: ClientFactory, status: int
) -> None:
    fake = FakeOCCI(Quirks(put_status=status))
    client = make_client(fake, rendering=JSON)
    location = await client.create(_compute())
    await client.replace(location, _compute("first"))
    await client.replace(location, _compute("second"))
    assert [s.method for s in fake.seen[2:]] == ["PUT", "POST", "POST"]  # after /-/, create
    assert client.put_supported is False
    assert fake.entities["/compute/compute-1"].title == "second"


async def test_delete_reports_whether_it_was_there(
    make_client: ClientFactory, server: FakeOCCI
) -> None:
    client = make_client()
    location = await client.create(_compute())
    assert await client.delete(location) is True
    assert await client.delete(location) is False  # 404: already gone, not an error
    assert server.entities == {}


@pytest.mark.parametrize("status", [pytest.param(200, id="spec-200"),
                                    pytest.param(204, id="ooi-204")])
@pytest.mark.parametrize("rendering", ["text/plain", JSON])
async def test_actions_are_triggered(
    make_client: ClientFactory, status: int, rendering: str
) -> None:
    fake = FakeOCCI(Quirks(action_status=status))
    client = make_client(fake, rendering=rendering)
    location = await client.create(_compute())
    answer = await client.trigger(location, ActionInvocation(action=v.COMPUTE_START))
    assert answer.body in (b"", b"OK")
    assert fake.entities["/compute/compute-1"].attributes["occi.compute.state"] == "active"
    assert fake.seen[-1].query == "action=start"


@pytest.mark.parametrize(
    ("status", "error"),
    [pytest.param(409, ConflictError, id="rocci-409"),
     pytest.param(400, BadRequestError, id="ooi-400")],
)
async def test_an_action_the_state_forbids_is_refused(
    make_client: ClientFactory, status: int, error: type[Exception]
) -> None:
    fake = FakeOCCI(Quirks(conflict_status=status))
    client = make_client(fake)
    location = await client.create(_compute())
    with pytest.raises(error, match="not allowed in this state"):
        await client.trigger(location, ActionInvocation(action=v.COMPUTE_STOP))


async def test_an_action_on_a_collection_reaches_every_member(
    make_client: ClientFactory, server: FakeOCCI
) -> None:
    client = make_client()
    await client.create(_compute("a"))
    await client.create(_compute("b"))
    await client.trigger("/compute/", ActionInvocation(action=v.COMPUTE_START,
                                                       attributes={"method": "graceful"}))
    states = {e.attributes["occi.compute.state"] for e in server.entities.values()}
    assert states == {"active"}


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        pytest.param("MiB", 2.0, id="ooi-sends-mb"),
        pytest.param("GiB", 2048, id="spec-gib-untouched"),
    ],
)
async def test_memory_is_normalised_to_gib_per_endpoint_setting(
    make_client: ClientFactory, unit: str, expected: float
) -> None:
    client = make_client(rendering=JSON, memory_unit=unit)
    sent = Resource(kind=v.COMPUTE_KIND, attributes={"occi.compute.memory": 2048})
    location = await client.create(sent)
    entity = await client.get(location)
    assert entity.attributes["occi.compute.memory"] == expected
    listed = await client.list_collection("/compute/")
    assert listed.resources[0].attributes["occi.compute.memory"] == expected
