"""The client's discovery, templates and negotiation against the embedded endpoint.

Mirrors, from ``tests/occi/client/``:

* ``test_discovery.py``: ``test_discover_lists_kinds_and_mixins``,
  ``test_discovery_is_cached_until_the_ttl_passes``,
  ``test_discovery_falls_back_to_the_well_known_path`` (``/-/`` hidden by a forwarding
  proxy, the endpoint's own well-known path answers), ``test_templates_resolve_by_term_
  title_or_type_id`` (with the default catalog's names), ``test_a_missing_template_lists_
  what_exists_after_one_refetch``, ``test_an_ambiguous_template_name_lists_the_candidates``
  (a catalog with two equal titles), ``test_the_contextualization_family_is_detected``
  (the OCCI 1.2 family, the one the endpoint offers), ``test_collection_of_a_kind_is_absolute``;
* ``test_negotiation.py``: ``test_every_request_names_accept_and_user_agent_and_body_type``,
  ``test_probe_remembers_what_the_endpoint_speaks``, ``test_uri_list_is_never_sent_for_an_entity``.

Every test runs in each rendering the client prefers (text/plain, text/occi, JSON).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from client_support import BASE_URL, RENDERINGS, Recorder, client_for
from client_testing import FakeClock
from starlette.applications import Starlette

from occi_operator.endpoint.app import create_app
from occi_operator.endpoint.settings import EndpointSettings
from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import DEFAULT_USER_AGENT, ContextFamily, TemplateFamily
from occi_operator.occi.entities import Resource
from occi_operator.occi.errors import TemplateNotFoundError, UnknownCategoryError

OS, RESOURCE = TemplateFamily.OS, TemplateFamily.RESOURCE
OS_SCHEME = "http://occi-operator.dev/occi/os_tpl#"
RESOURCE_SCHEME = "http://occi-operator.dev/occi/resource_tpl#"
WELL_KNOWN = "/.well-known/org/ogf/occi/-/"


@pytest.fixture(params=RENDERINGS)
def rendering(request: pytest.FixtureRequest) -> str:
    """The rendering the client prefers."""
    return str(request.param)


@pytest.fixture
def server(endpoint_app: Starlette) -> Recorder:
    """The running endpoint, each request it receives recorded."""
    return Recorder(endpoint_app)


def _query_gets(server: Recorder) -> int:
    return sum(1 for seen in server.seen if seen.path in ("/-/", WELL_KNOWN))


async def test_discover_lists_kinds_mixins_and_actions(server: Recorder, rendering: str) -> None:
    async with client_for(server, rendering=rendering) as client:
        query = await client.discover()
    for type_id in (v.COMPUTE_KIND, v.NETWORK_KIND, v.STORAGE_KIND, v.OS_TPL_MIXIN,
                    v.COMPUTE_START, OS_SCHEME + "debian-12"):
        assert query.find(type_id) is not None, type_id
    assert [seen.path for seen in server.seen] == ["/-/"]


async def test_discovery_is_cached_until_the_ttl_passes(server: Recorder, rendering: str) -> None:
    clock = FakeClock()
    async with client_for(server, clock, rendering=rendering, discovery_ttl=60) as client:
        await client.discover()
        await client.discover()
        assert _query_gets(server) == 1
        clock.advance(61)
        await client.discover()
        assert _query_gets(server) == 2
        await client.discover(refresh=True)
        assert _query_gets(server) == 3


async def test_discovery_falls_back_to_the_well_known_path(
    endpoint_app: Starlette, rendering: str
) -> None:
    proxy = Recorder(endpoint_app, hidden=frozenset({"/-/"}))
    async with client_for(proxy, rendering=rendering, discovery_ttl=0) as client:
        query = await client.discover()
        await client.discover()
    assert query.find(v.COMPUTE_KIND) is not None
    # The endpoint's own well-known answer was used, and that path is remembered.
    assert [(s.path, s.status) for s in proxy.seen] == [
        ("/-/", 404), (WELL_KNOWN, 200), (WELL_KNOWN, 200)]


@pytest.mark.parametrize(
    ("family", "name", "expected"),
    [
        pytest.param(OS, "debian-12", OS_SCHEME + "debian-12", id="os-term"),
        pytest.param(OS, "Debian 12 (bookworm)", OS_SCHEME + "debian-12", id="os-title"),
        pytest.param(OS, "alpine linux 3.20", OS_SCHEME + "alpine-3.20",
                     id="os-title-ignoring-case"),
        pytest.param(OS, OS_SCHEME + "cirros", OS_SCHEME + "cirros", id="os-type-id"),
        pytest.param(RESOURCE, "medium", RESOURCE_SCHEME + "medium", id="resource-term"),
        pytest.param(RESOURCE, "Large (4 cores, 8 GiB)", RESOURCE_SCHEME + "large",
                     id="resource-title"),
    ],
)
async def test_templates_resolve_by_term_title_or_type_id(
    server: Recorder, rendering: str, family: TemplateFamily, name: str, expected: str
) -> None:
    async with client_for(server, rendering=rendering) as client:
        mixin = await client.resolve_template(family, name)
    assert mixin.type_id == expected
    assert family.parent in mixin.depends  # the endpoint's templates depend on the parent


async def test_a_missing_template_lists_what_exists_after_one_refetch(
    server: Recorder, rendering: str
) -> None:
    async with client_for(server, rendering=rendering) as client:
        with pytest.raises(TemplateNotFoundError) as caught:
            await client.resolve_template(OS, "windows-11")
    error = caught.value
    assert not error.ambiguous
    assert "debian-12 (Debian 12 (bookworm))" in error.available
    assert not any(name.startswith("medium") for name in error.available)  # other family
    assert "windows-11" in str(error)
    assert _query_gets(server) == 2  # images come and go: one refetch before giving up


@pytest.fixture
def twin_catalog(tmp_path: Path) -> Path:
    """A catalog whose two OS templates share a title."""
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "os_tpl:\n"
        "  scheme: \"http://twins.test/os_tpl#\"\n"
        "  templates:\n"
        "    - {term: twin-a, title: Twin, architecture: x64, image: a}\n"
        "    - {term: twin-b, title: Twin, architecture: x64, image: b}\n"
        "resource_tpl:\n"
        "  scheme: \"http://twins.test/resource_tpl#\"\n"
        "  templates:\n"
        "    - {term: one, title: One, cores: 1, memory: 1.0}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
async def twins(tmp_path: Path, twin_catalog: Path) -> AsyncIterator[Starlette]:
    """An endpoint serving :func:`twin_catalog`."""
    settings = EndpointSettings(data_dir=tmp_path / "twins", catalog=twin_catalog,
                                provisioning_delay_seconds=0)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


async def test_an_ambiguous_template_name_lists_the_candidates(
    twins: Starlette, rendering: str
) -> None:
    async with client_for(twins, rendering=rendering) as client:
        with pytest.raises(TemplateNotFoundError) as caught:
            await client.resolve_template(OS, "Twin")
        assert (await client.resolve_template(OS, "twin-b")).term == "twin-b"
    assert caught.value.ambiguous
    assert sorted(caught.value.available) == [
        "http://twins.test/os_tpl#twin-a", "http://twins.test/os_tpl#twin-b"]
    assert "ambiguous" in str(caught.value)


async def test_the_contextualization_family_is_occi_1_2(
    server: Recorder, rendering: str
) -> None:
    async with client_for(server, rendering=rendering) as client:
        found = await client.contextualization()
    assert found is not None
    assert found.family is ContextFamily.OCCI
    assert found.user_data == v.USER_DATA_MIXIN
    assert found.user_data_attribute == v.COMPUTE_USERDATA
    assert found.ssh_key == v.SSH_KEY_MIXIN
    assert found.ssh_key_attribute == v.CREDENTIALS_SSH_PUBLICKEY


async def test_collection_of_a_kind_is_absolute(server: Recorder, rendering: str) -> None:
    async with client_for(server, rendering=rendering) as client:
        assert await client.collection_of(v.COMPUTE_KIND) == BASE_URL + "compute/"
        assert await client.collection_of(v.STORAGELINK_KIND) == BASE_URL + "storagelink/"
        with pytest.raises(UnknownCategoryError):
            await client.collection_of("http://example.org/nothing#here")


async def test_probe_finds_every_rendering_spoken(server: Recorder, rendering: str) -> None:
    async with client_for(server, rendering=rendering) as client:
        offered = await client.probe_renderings()
        assert set(offered) == set(RENDERINGS)
        assert offered[0] == rendering  # the preference order is kept
        assert client.refused_renderings == ()
    accepts = {seen.headers["accept"] for seen in server.seen}
    assert accepts == set(RENDERINGS)
    assert all(seen.status == 200 for seen in server.seen)


async def test_every_request_names_accept_user_agent_and_body_type(
    server: Recorder, rendering: str
) -> None:
    async with client_for(server, rendering=rendering) as client:
        location = await client.create(Resource(kind=v.COMPUTE_KIND, title="x"))
        entity = await client.get(location)
    assert entity.title == "x"
    query, create, get = server.seen
    assert (query.path, create.method, create.status, get.status) == ("/-/", "POST", 201, 200)
    for seen in server.seen:
        assert seen.headers["accept"] == rendering
        assert seen.headers["user-agent"] == DEFAULT_USER_AGENT
    assert "content-type" not in query.headers  # no body, no Content-Type
    assert create.headers["content-type"] == rendering


async def test_uri_list_is_never_sent_for_an_entity(server: Recorder) -> None:
    async with client_for(server, rendering="text/uri-list") as client:
        location = await client.create(Resource(kind=v.COMPUTE_KIND, title="x"),
                                       collection="/compute/")
        await client.get(location)
        listed = await client.list_collection("/compute/")
    assert listed.locations == (location,)
    json = "application/occi+json"
    assert [s.headers["accept"] for s in server.seen] == [json, json, "text/uri-list"]
    assert [s.status for s in server.seen] == [201, 200, 200]
