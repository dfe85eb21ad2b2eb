"""Platform entities and categories survive every rendering (platform.tex over GFD.226/229).

An application with its inline componentLink (carrying the databaseLink mixin and its
attributes), a database component, a componentLink on its own and the platform part of
the query interface are rendered and parsed back in text/plain, text/occi and JSON; their
locations in text/uri-list. The camel-case terms (componentLink, databaseLink) must come
back unchanged. GFD.226 has no member for an entity's own location, so JSON drops it
(the one normalisation, applied in :func:`_as_json_carries`).
"""

from __future__ import annotations

import pytest
from occi_assertions import assert_same

from occi_operator.occi import Collection, Link, QueryInterface, Resource, standard_registry
from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import ActionInvocation
from occi_operator.occi.rendering import (
    JsonRendering,
    Rendering,
    TextOcciRendering,
    TextPlainRendering,
    UriListRendering,
)

FULL = [
    pytest.param(TextPlainRendering(), id="text-plain"),
    pytest.param(TextOcciRendering(), id="text-occi"),
    pytest.param(JsonRendering(), id="json"),
]
HOST = "http://occi.example:8080"


def _database_link() -> Link:
    return Link(
        kind=v.COMPONENTLINK_KIND,
        mixins=(v.DATABASELINK_MIXIN,),
        id="9b4c1d2e-0000-4000-8000-000000000003",
        title="shop-db",
        source=f"{HOST}/application/9b4c1d2e-0000-4000-8000-000000000001",
        source_kind=v.APPLICATION_KIND,
        target=f"{HOST}/component/9b4c1d2e-0000-4000-8000-000000000002",
        target_kind=v.COMPONENT_KIND,
        location=f"{HOST}/componentlink/9b4c1d2e-0000-4000-8000-000000000003",
        attributes={
            v.DATABASE_URI: "postgresql://shop@db.occi.example:5432/shop",
            v.DATABASE_USERNAME: "shop",
            v.DATABASE_TOKEN: "s3cr3t-\"quoted\"-token",
        },
    )


def _application() -> Resource:
    return Resource(
        kind=v.APPLICATION_KIND,
        mixins=("http://occi-operator.dev/occi/app_tpl#python-3.12",),
        id="9b4c1d2e-0000-4000-8000-000000000001",
        title="shop",
        summary="The web shop",
        location=f"{HOST}/application/9b4c1d2e-0000-4000-8000-000000000001",
        attributes={
            v.APP_NAME: "shop",
            v.APP_CONTEXT: "https://git.example/shop.git",
            v.APP_URL: "http://shop.apps.occi.example/",
            v.APP_STATE: "active",
        },
        actions=(v.PLATFORM_STOP,),
        links=(_database_link(),),
    )


def _component() -> Resource:
    return Resource(
        kind=v.COMPONENT_KIND,
        mixins=(v.DATABASE_MIXIN,),
        id="9b4c1d2e-0000-4000-8000-000000000002",
        title="db",
        location=f"{HOST}/component/9b4c1d2e-0000-4000-8000-000000000002",
        attributes={v.COMPONENT_STATE: "inactive", v.DATABASE_VERSION: "16"},
        actions=(v.PLATFORM_START,),
    )


def _as_json_carries(entity: Resource | Link) -> Resource | Link:
    """``entity`` without the locations JSON does not carry (its own, its inline links')."""
    if isinstance(entity, Resource):
        links = tuple(link.model_copy(update={"location": None}) for link in entity.links)
        return entity.model_copy(update={"location": None, "links": links})
    return entity.model_copy(update={"location": None})


@pytest.mark.parametrize("rendering", FULL)
@pytest.mark.parametrize(
    "entity",
    [
        pytest.param(_application(), id="application-with-inline-link"),
        pytest.param(_component(), id="database-component"),
        pytest.param(_database_link(), id="componentlink"),
    ],
)
def test_platform_entity_roundtrips(rendering: Rendering, entity: Resource | Link) -> None:
    """Kind, mixins, attributes, action links and links come back as they were."""
    parsed = rendering.parse_entity(rendering.render_entity(entity))
    json = isinstance(rendering, JsonRendering)
    assert_same(parsed, _as_json_carries(entity) if json else entity)
    known = tuple(m for m in parsed.mixins if m in standard_registry())
    standard_registry().validate_entity(parsed.model_copy(update={"mixins": known}), creating=False)


@pytest.mark.parametrize("rendering", [*FULL, pytest.param(UriListRendering(), id="uri-list")])
def test_platform_collection_locations_roundtrip(rendering: Rendering) -> None:
    """A listing of platform entities by location, in every rendering."""
    locations = [e.location or "" for e in (_application(), _component(), _database_link())]
    collection = Collection(locations=tuple(locations))
    assert_same(rendering.parse_collection(rendering.render_collection(collection)), collection)


@pytest.mark.parametrize("rendering", FULL)
def test_platform_query_interface_roundtrips(rendering: Rendering) -> None:
    """The platform kinds, mixins and actions as /-/ lists them, camel-case terms kept."""
    registry = standard_registry()
    ids = {
        v.APPLICATION_KIND, v.COMPONENT_KIND, v.COMPONENTLINK_KIND, v.APP_TPL_MIXIN,
        v.RES_TPL_MIXIN, v.DATABASE_MIXIN, v.DATABASELINK_MIXIN, v.PLATFORM_START,
        v.PLATFORM_STOP,
    }
    query = QueryInterface(
        kinds=tuple(k for k in registry.kinds if k.type_id in ids),
        mixins=tuple(m for m in registry.mixins if m.type_id in ids),
        actions=tuple(a for a in registry.actions if a.type_id in ids),
    )
    parsed = rendering.parse_query_interface(rendering.render_query_interface(query))
    found = {c.type_id for c in (*parsed.kinds, *parsed.mixins, *parsed.actions)}
    assert found == ids
    link = next(k for k in parsed.kinds if k.type_id == v.COMPONENTLINK_KIND)
    assert (link.parent, link.location) == (v.LINK_KIND, "/componentlink/")
    app = next(k for k in parsed.kinds if k.type_id == v.APPLICATION_KIND)
    assert app.actions == (v.PLATFORM_START, v.PLATFORM_STOP)
    assert {a.name for a in app.attributes} >= {v.APP_NAME, v.APP_URL, v.APP_STATE}


@pytest.mark.parametrize("rendering", FULL)
def test_platform_action_invocation_roundtrips(rendering: Rendering) -> None:
    """POST ?action=start carries the platform action category."""
    invocation = ActionInvocation(action=v.PLATFORM_START)
    assert_same(rendering.parse_action(rendering.render_action(invocation)), invocation)
