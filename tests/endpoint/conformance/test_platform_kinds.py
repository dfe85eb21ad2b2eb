"""OCCI Platform (platform.tex) on the wire, in every rendering that carries entities.

Clauses: "Application Kind Definition" (the kind MUST be present, its attributes, the
start/stop actions of …/platform/action#), "Component Kind Definition", "Linking to
Components" (componentLink), "Platform Templates" (app_tpl, res_tpl), "Database Mixin"
and "Database Link". Locations are also listed in text/uri-list, and the JSON answers
validate against the GFD.226 schema beside this file.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from jsonschema import Draft7Validator
from occi_http import (
    ALL_RENDERINGS,
    ENTITY_RENDERINGS,
    categories_of,
    create,
    entity_of,
    locations_of,
    request_kwargs,
    trigger,
)

from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import Link, Resource
from occi_operator.occi.rendering import rendering_for

POSTGRES = "http://occi-operator.dev/occi/app_tpl#postgresql-16"
PYTHON = "http://occi-operator.dev/occi/app_tpl#python-3.12"
PLATFORM_IDS = {
    v.APPLICATION_KIND, v.COMPONENT_KIND, v.COMPONENTLINK_KIND, v.APP_TPL_MIXIN,
    v.RES_TPL_MIXIN, v.DATABASE_MIXIN, v.DATABASELINK_MIXIN, v.PLATFORM_START, v.PLATFORM_STOP,
}


def application(name: str = "shop", *mixins: str) -> Resource:
    return Resource(kind=v.APPLICATION_KIND, mixins=mixins, title=name, attributes={
        v.APP_NAME: name, v.APP_CONTEXT: "https://git.example/shop.git"})


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_the_platform_categories_are_discoverable(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """Application/Component Kind Definition: the kinds MUST be present (in /-/)."""
    response = await http.get("/-/", headers={"Accept": rendering})
    assert response.status_code == 200
    query = categories_of(response)
    found = {c.type_id for c in (*query.kinds, *query.mixins, *query.actions)}
    assert found >= PLATFORM_IDS
    kinds = {k.type_id: k for k in query.kinds}
    assert kinds[v.APPLICATION_KIND].parent == v.RESOURCE_KIND
    assert kinds[v.COMPONENTLINK_KIND].parent == v.LINK_KIND
    assert kinds[v.APPLICATION_KIND].actions == (v.PLATFORM_START, v.PLATFORM_STOP)
    templates = {m.type_id for m in query.mixins if v.APP_TPL_MIXIN in m.depends}
    assert {PYTHON, POSTGRES} <= templates


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_an_application_is_created_and_activated_with_a_url(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """tbl:app: name and context from the client, url and state from the provider."""
    location = await create(http, application("shop", PYTHON), "/application/",
                            rendering=rendering)
    response = await http.get(location, headers={"Accept": rendering})
    assert response.status_code == 200
    app = entity_of(response)
    assert app.kind == v.APPLICATION_KIND
    assert app.mixins == (PYTHON,)
    assert app.attributes[v.APP_NAME] == "shop"
    assert str(app.attributes[v.APP_URL]).startswith("http://shop-")
    assert app.attributes[v.APP_STATE] == v.STATE_ACTIVE  # no provisioning delay here
    assert app.actions == (v.PLATFORM_STOP,)


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_start_and_stop_are_the_action_table(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """tbl:app_actions: stop → inactive, start → active; a misfit is 409."""
    location = await create(http, application(), "/application/")
    stopped = await trigger(http, location, v.PLATFORM_STOP, rendering=rendering)
    assert stopped.status_code == 200, stopped.text
    again = await trigger(http, location, v.PLATFORM_STOP, rendering=rendering)
    assert again.status_code == 409
    started = await trigger(http, location, v.PLATFORM_START, rendering=rendering)
    assert started.status_code == 200
    response = await http.get(location, headers={"Accept": rendering})
    assert entity_of(response).attributes[v.APP_STATE] == v.STATE_ACTIVE


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_a_bad_application_is_400_naming_the_attribute(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """tbl:app: occi.app.context is a URL; occi.app.state is the provider's enum."""
    bad = application().model_copy(update={"attributes": {
        v.APP_NAME: "shop", v.APP_CONTEXT: "no url"}})
    message = rendering_for(rendering).render_entity(bad)
    response = await http.post("/application/", **request_kwargs(message, accept=rendering))
    assert response.status_code == 400
    assert v.APP_CONTEXT in response.text


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_a_database_link_carries_the_connection(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """Database Mixin, Database Link: version on the component; URI, user, token on the link."""
    db = await create(http, Resource(kind=v.COMPONENT_KIND, mixins=(POSTGRES,), title="db"),
                      "/component/", rendering=rendering)
    component = entity_of(await http.get(db, headers={"Accept": rendering}))
    assert component.attributes[v.DATABASE_VERSION] == "16"
    app = await create(http, application("shop"), "/application/", rendering=rendering)
    request = Link(kind=v.COMPONENTLINK_KIND, mixins=(v.DATABASELINK_MIXIN,), source=app,
                   target=db)
    location = await create(http, request, "/componentlink/", rendering=rendering)
    link = entity_of(await http.get(location, headers={"Accept": rendering}))
    assert isinstance(link, Link)
    assert link.kind == v.COMPONENTLINK_KIND
    assert link.mixins == (v.DATABASELINK_MIXIN,)
    assert (link.source_kind, link.target_kind) == (v.APPLICATION_KIND, v.COMPONENT_KIND)
    assert str(link.attributes[v.DATABASE_URI]).startswith("postgresql://shop@")
    assert link.attributes[v.DATABASE_USERNAME] == "shop"
    assert isinstance(link.attributes[v.DATABASE_TOKEN], str)
    inline = entity_of(await http.get(app, headers={"Accept": rendering}))
    assert isinstance(inline, Resource)
    assert [str(x.target).rpartition("/")[2] for x in inline.links] == [db.rpartition("/")[2]]


@pytest.mark.parametrize("rendering", ALL_RENDERINGS)
async def test_platform_collections_list_their_members(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """Every kind and mixin defines a collection: /component/, /app_tpl/<term>/, /database/."""
    db = await create(http, Resource(kind=v.COMPONENT_KIND, mixins=(POSTGRES,)), "/component/")
    bare = await create(http, Resource(kind=v.COMPONENT_KIND, mixins=(v.DATABASE_MIXIN,)),
                        "/component/")
    plain = await create(http, Resource(kind=v.COMPONENT_KIND), "/component/")
    for collection, expected in (
        ("/component/", {db, bare, plain}),
        ("/app_tpl/postgresql-16/", {db}),
        ("/database/", {bare}),  # members carry the mixin itself, as with /os_tpl/
    ):
        response = await http.get(collection, headers={"Accept": rendering})
        assert response.status_code == 200, (collection, response.text)
        assert set(locations_of(response)) == expected, collection


async def test_a_componentlink_from_a_compute_is_400(http: httpx.AsyncClient) -> None:
    """Linking to Components: a componentLink starts at an application or a component."""
    vm = await create(http, Resource(kind=v.COMPUTE_KIND), "/compute/")
    db = await create(http, Resource(kind=v.COMPONENT_KIND), "/component/")
    message = rendering_for("text/plain").render_entity(
        Link(kind=v.COMPONENTLINK_KIND, source=vm, target=db))
    response = await http.post("/componentlink/", **request_kwargs(message))
    assert response.status_code == 400
    assert "occi.core.source" in response.text


async def test_platform_json_answers_follow_gfd226(http: httpx.AsyncClient) -> None:
    """GFD.226 §3.1/§3.2: application, component and componentLink answers in JSON."""
    schema = json.loads((Path(__file__).parent / "gfd226.schema.json").read_text("utf-8"))
    db = await create(http, Resource(kind=v.COMPONENT_KIND, mixins=(POSTGRES,)), "/component/")
    app = await create(http, application(), "/application/")
    link = await create(http, Link(kind=v.COMPONENTLINK_KIND, mixins=(v.DATABASELINK_MIXIN,),
                                   source=app, target=db), "/componentlink/")
    for location, definition in ((app, "resource"), (db, "resource"), (link, "link")):
        response = await http.get(location, headers={"Accept": "application/occi+json"})
        validator = Draft7Validator({**schema, "$ref": f"#/definitions/{definition}"})
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(
            response.json())]
        assert errors == [], location
