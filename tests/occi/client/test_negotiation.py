"""Content negotiation: headers on every request, fallback on 406/415, remembered results."""

from __future__ import annotations

import pytest
from client_testing import ClientFactory
from fake_occi import FakeOCCI, Quirks

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import DEFAULT_USER_AGENT
from occi_operator.occi.entities import Resource
from occi_operator.occi.errors import NotAcceptableError

JSON = "application/occi+json"
COMPUTE = Resource(kind=v.COMPUTE_KIND, title="x")


async def test_every_request_names_accept_and_user_agent_and_body_type(
    make_client: ClientFactory, server: FakeOCCI
) -> None:
    client = make_client(rendering=JSON)
    await client.create(COMPUTE)
    query, create = server.seen
    assert query.headers["accept"] == JSON
    assert "content-type" not in query.headers  # no body, no Content-Type
    assert create.headers["accept"] == JSON
    assert create.headers["content-type"] == JSON
    for seen in server.seen:
        assert "OCCI/1.2" in seen.headers["user-agent"]
        assert seen.headers["user-agent"] == DEFAULT_USER_AGENT


async def test_a_refused_rendering_falls_back_and_is_remembered(
    make_client: ClientFactory,
) -> None:
    fake = FakeOCCI(Quirks(refuse=frozenset({JSON})))
    client = make_client(fake, rendering=JSON)
    await client.discover()
    await client.list_collection("/compute/")
    accepts = [seen.headers["accept"] for seen in fake.seen]
    # JSON refused once (406), then text/occi (the next fallback) from then on.
    assert accepts == [JSON, "text/occi", "text/occi"]
    assert client.refused_renderings == (JSON,)
    assert client.renderings[0] == "text/occi"


async def test_a_refused_body_type_415_falls_back_for_a_create(
    make_client: ClientFactory,
) -> None:
    fake = FakeOCCI(Quirks(refuse=frozenset({JSON, "text/occi"})))
    client = make_client(fake, rendering=JSON)
    location = await client.create(COMPUTE, collection="/compute/")
    assert location.endswith("/compute/compute-1")
    assert [s.headers.get("content-type") for s in fake.seen] == [JSON, "text/occi",
                                                                   "text/plain"]


async def test_no_rendering_left_is_not_acceptable(make_client: ClientFactory) -> None:
    fake = FakeOCCI(Quirks(refuse=frozenset({JSON, "text/occi", "text/plain"})))
    client = make_client(fake, rendering=JSON)
    with pytest.raises(NotAcceptableError) as caught:
        await client.discover()
    assert caught.value.status_code == 406
    with pytest.raises(NotAcceptableError, match="no rendering left"):
        await client.discover()


async def test_probe_remembers_what_the_endpoint_speaks(make_client: ClientFactory) -> None:
    fake = FakeOCCI(Quirks(refuse=frozenset({"text/occi"})))
    client = make_client(fake, rendering=JSON)
    offered = await client.probe_renderings()
    assert offered == (JSON, "text/plain")
    assert client.refused_renderings == ("text/occi",)


async def test_uri_list_is_never_sent_for_an_entity(
    make_client: ClientFactory, server: FakeOCCI
) -> None:
    client = make_client(rendering="text/uri-list")
    location = await client.create(COMPUTE, collection="/compute/")
    await client.get(location)
    listed = await client.list_collection("/compute/")
    assert listed.locations == (location,)
    assert [s.headers["accept"] for s in server.seen] == [JSON, JSON, "text/uri-list"]


async def test_a_listing_may_ask_for_json_first_and_falls_back_when_refused(
    make_client: ClientFactory,
) -> None:
    fake = FakeOCCI(Quirks(refuse=frozenset({JSON})))
    client = make_client(fake, rendering="text/plain")
    await client.list_collection("/compute/", rendering=JSON)
    await client.list_collection("/compute/", rendering=JSON)  # refused: not asked again
    accepts = [seen.headers["accept"] for seen in fake.seen]
    assert accepts == [JSON, "text/plain", "text/plain"]


async def test_a_listing_asks_json_first_whatever_the_preferred_rendering(
    make_client: ClientFactory, server: FakeOCCI
) -> None:
    client = make_client(rendering="text/plain")
    await client.create(COMPUTE, collection="/compute/")
    await client.list_collection("/compute/", rendering=JSON)
    accepts = [seen.headers["accept"] for seen in server.seen]
    assert accepts == ["text/plain", JSON]  # the entity in text/plain, the listing in JSON
