"""The embedded endpoint simulates the OCCI Platform kinds (platform.tex) over a real store.

An application deploys inactive → active after the provisioning delay and gets its URL;
start/stop follow the draft's action tables; a database component gets its version from
its template (or a default); a componentLink with databaseLink gets a URI, a user name and
a random token; the link's ends are checked. Service level, no HTTP (the conformance tests
cover the wire).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from service_support import Clock, open_infrastructure

from occi_operator.endpoint.catalog_platform import ATTR_DATABASE_PORT, ATTR_INSTANCES
from occi_operator.endpoint.errors import BadRequestError, ConflictError
from occi_operator.endpoint.service import Infrastructure
from occi_operator.endpoint.service_platform import DEFAULT_DATABASE_VERSION, DEPLOYING_MESSAGE
from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import ActionInvocation, Link, Resource

APP_TPL = "http://occi-operator.dev/occi/app_tpl#"
RES_TPL = "http://occi-operator.dev/occi/res_tpl#"
PYTHON, POSTGRES = APP_TPL + "python-3.12", APP_TPL + "postgresql-16"
MARIADB = APP_TPL + "mariadb-11"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def infra(tmp_path: Path, clock: Clock) -> Iterator[Infrastructure]:
    with open_infrastructure(tmp_path, clock=clock, delay=30.0,
                             base_url="https://occi.example.org:8443") as service:
        yield service


def app(*mixins: str, name: str = "Web Shop", **attributes: object) -> Resource:
    return Resource(kind=v.APPLICATION_KIND, mixins=mixins, title="shop", attributes={
        v.APP_NAME: name, v.APP_CONTEXT: "https://git.example/shop.git", **attributes})


def component(*mixins: str, title: str = "db") -> Resource:
    return Resource(kind=v.COMPONENT_KIND, mixins=mixins, title=title)


def link(source: str, target: str, *mixins: str, **attributes: object) -> Link:
    return Link(kind=v.COMPONENTLINK_KIND, mixins=mixins, source=source, target=target,
                attributes=dict(attributes))


def test_an_application_deploys_then_is_active_with_a_url(
    infra: Infrastructure, clock: Clock
) -> None:
    created = infra.create("/application/", app(PYTHON))
    attributes = created.entity.attributes
    assert attributes[v.APP_STATE] == v.STATE_INACTIVE
    assert attributes[v.APP_STATE_MESSAGE] == DEPLOYING_MESSAGE
    ident = str(created.entity.id)
    assert attributes[v.APP_URL] == f"http://web-shop-{ident[:8]}.apps.occi.example.org/"
    assert attributes["dev.occi-operator.app.runtime"] == "python:3.12"
    clock.tick(29)
    assert infra.get(created.location).entity.attributes[v.APP_STATE] == v.STATE_INACTIVE
    clock.tick(1)
    after = infra.get(created.location).entity
    assert after.attributes[v.APP_STATE] == v.STATE_ACTIVE
    assert v.APP_STATE_MESSAGE not in after.attributes
    assert after.actions == (v.PLATFORM_STOP,)


def test_the_url_is_the_providers_and_immutable(infra: Infrastructure) -> None:
    created = infra.create("/application/", app(**{v.APP_URL: "http://mine.example/"}))
    assert created.entity.attributes[v.APP_URL] == "http://mine.example/"  # the client's wins
    with pytest.raises(BadRequestError, match=re.escape(v.APP_URL)):
        infra.update(created.location, Resource(kind=v.APPLICATION_KIND,
                                                attributes={v.APP_URL: "http://other/"}))
    renamed = infra.update(created.location, Resource(kind=v.APPLICATION_KIND,
                                                      attributes={v.APP_NAME: "shop-2"}))
    assert renamed.entity.attributes[v.APP_NAME] == "shop-2"


@pytest.mark.parametrize(
    ("attributes", "named"),
    [
        pytest.param({v.APP_CONTEXT: "not a url"}, v.APP_CONTEXT, id="context-not-a-uri"),
        pytest.param({v.APP_NAME: 3}, v.APP_NAME, id="name-not-a-string"),
        pytest.param({"occi.app.replicas": 2}, "occi.app.replicas", id="unknown-occi-name"),
    ],
)
def test_bad_application_attributes_are_400_naming_them(
    infra: Infrastructure, attributes: dict[str, object], named: str
) -> None:
    with pytest.raises(BadRequestError, match=re.escape(named)):
        infra.create("/application/", app(**attributes))


def test_start_and_stop_follow_the_action_tables(infra: Infrastructure, clock: Clock) -> None:
    created = infra.create("/application/", app())
    with pytest.raises(ConflictError, match="stop is not possible"):
        infra.trigger(created.location, ActionInvocation(action=v.PLATFORM_STOP))
    clock.tick(30)
    stopped = infra.trigger(created.location, ActionInvocation(action=v.PLATFORM_STOP))
    assert stopped.entity.attributes[v.APP_STATE] == v.STATE_INACTIVE
    assert stopped.entity.actions == (v.PLATFORM_START,)
    started = infra.trigger(created.location, ActionInvocation(action=v.PLATFORM_START))
    assert started.entity.attributes[v.APP_STATE] == v.STATE_INACTIVE  # redeploying
    clock.tick(30)
    assert infra.get(created.location).entity.attributes[v.APP_STATE] == v.STATE_ACTIVE


def test_a_component_deploys_and_takes_start_and_stop(
    infra: Infrastructure, clock: Clock
) -> None:
    created = infra.create("/component/", component())
    assert created.entity.attributes[v.COMPONENT_STATE] == v.STATE_INACTIVE
    assert v.DATABASE_VERSION not in created.entity.attributes
    clock.tick(30)
    stopped = infra.trigger(created.location, ActionInvocation(action=v.PLATFORM_STOP))
    assert stopped.entity.attributes[v.COMPONENT_STATE] == v.STATE_INACTIVE


@pytest.mark.parametrize(
    ("mixins", "version", "scheme"),
    [
        pytest.param((POSTGRES,), "16", "postgresql://", id="postgresql-template"),
        pytest.param((MARIADB, v.DATABASE_MIXIN), "11.4", "mysql://", id="mariadb-template"),
        pytest.param((v.DATABASE_MIXIN,), DEFAULT_DATABASE_VERSION, "postgresql://",
                     id="bare-database-mixin"),
    ],
)
def test_a_database_link_gets_uri_username_and_token(
    infra: Infrastructure, mixins: tuple[str, ...], version: str, scheme: str
) -> None:
    db = infra.create("/component/", component(*mixins))
    assert db.entity.attributes[v.DATABASE_VERSION] == version
    shop = infra.create("/application/", app(PYTHON))
    made = infra.create("/componentlink/", link(shop.location, db.location,
                                                v.DATABASELINK_MIXIN))
    attributes = made.entity.attributes
    assert attributes[v.DATABASE_USERNAME] == "web_shop"
    port = db.entity.attributes.get(ATTR_DATABASE_PORT, 5432)
    assert attributes[v.DATABASE_URI] == (
        f"{scheme}web_shop@{db.entity.id}.db.occi.example.org:{port}/web_shop"
    )
    token = str(attributes[v.DATABASE_TOKEN])
    assert len(token) >= 24
    assert token not in str(attributes[v.DATABASE_URI])
    again = infra.create("/componentlink/", link(shop.location, db.location,
                                                 v.DATABASELINK_MIXIN))
    assert again.entity.attributes[v.DATABASE_TOKEN] != token  # random, per link
    assert infra.get(made.location).entity.attributes[v.DATABASE_TOKEN] == token  # stored


def test_a_database_link_keeps_what_the_client_gave(infra: Infrastructure) -> None:
    db = infra.create("/component/", component(POSTGRES))
    shop = infra.create("/application/", app())
    made = infra.create("/componentlink/", link(
        shop.location, db.location, v.DATABASELINK_MIXIN,
        **{v.DATABASE_USERNAME: "shop", v.DATABASE_URI: "postgresql://shop@ext:5432/shop"}))
    assert made.entity.attributes[v.DATABASE_URI] == "postgresql://shop@ext:5432/shop"
    assert made.entity.attributes[v.DATABASE_USERNAME] == "shop"


def test_a_database_link_added_later_gets_its_details(infra: Infrastructure) -> None:
    db = infra.create("/component/", component(POSTGRES))
    shop = infra.create("/application/", app())
    plain = infra.create("/componentlink/", link(shop.location, db.location))
    assert v.DATABASE_URI not in plain.entity.attributes
    infra.associate("/databaselink/", [plain.location])
    assert infra.get(plain.location).entity.attributes[v.DATABASE_URI].startswith("postgresql")


@pytest.mark.parametrize(
    ("source", "target", "mixins", "message"),
    [
        pytest.param("compute", "db", (), "source must be an application or a component",
                     id="source-a-compute"),
        pytest.param("app", "app", (), "target must be a component", id="target-an-app"),
        pytest.param("app", "plain", (v.DATABASELINK_MIXIN,), "needs a target component",
                     id="databaselink-to-a-non-database"),
    ],
)
def test_componentlink_ends_are_checked(
    infra: Infrastructure, source: str, target: str, mixins: tuple[str, ...], message: str
) -> None:
    made = {
        "compute": infra.create("/compute/", Resource(kind=v.COMPUTE_KIND)).location,
        "app": infra.create("/application/", app()).location,
        "db": infra.create("/component/", component(POSTGRES)).location,
        "plain": infra.create("/component/", component()).location,
    }
    with pytest.raises(BadRequestError, match=message):
        infra.create("/componentlink/", link(made[source], made[target], *mixins))


def test_an_inline_componentlink_is_created_with_the_application(infra: Infrastructure) -> None:
    db = infra.create("/component/", component(POSTGRES))
    inline = Link(kind=v.COMPONENTLINK_KIND, mixins=(v.DATABASELINK_MIXIN,), target=db.location)
    shop = infra.create("/application/", app().model_copy(update={"links": (inline,)}))
    (made,) = shop.entity.links
    assert made.attributes[v.DATABASE_URI].startswith("postgresql://web_shop@")


def test_templates_one_per_family_and_the_app_tpl_is_fixed(infra: Infrastructure) -> None:
    with pytest.raises(BadRequestError, match="both app_tpl templates"):
        infra.create("/component/", component(POSTGRES, MARIADB))
    db = infra.create("/component/", component(POSTGRES, RES_TPL + "small"))
    assert db.entity.attributes[ATTR_INSTANCES] == 1
    resized = infra.update(db.location, Resource(kind=v.COMPONENT_KIND,
                                                 mixins=(RES_TPL + "large",)))
    assert resized.entity.attributes[ATTR_INSTANCES] == 4
    assert RES_TPL + "small" not in resized.entity.mixins
    with pytest.raises(BadRequestError, match="app_tpl cannot change"):
        infra.update(db.location, Resource(kind=v.COMPONENT_KIND, mixins=(MARIADB,)))


def test_a_runtime_template_does_not_apply_to_a_component(infra: Infrastructure) -> None:
    with pytest.raises(BadRequestError, match="applies to application, not to component"):
        infra.create("/component/", component(PYTHON))


def test_a_refused_token_change_does_not_echo_the_token(infra: Infrastructure) -> None:
    db = infra.create("/component/", component(POSTGRES))
    shop = infra.create("/application/", app())
    made = infra.create("/componentlink/", link(shop.location, db.location,
                                                v.DATABASELINK_MIXIN))
    token = str(made.entity.attributes[v.DATABASE_TOKEN])
    change = Link(kind=v.COMPONENTLINK_KIND, target=db.location,
                  attributes={v.DATABASE_TOKEN: "guess"})
    with pytest.raises(BadRequestError) as caught:
        infra.update(made.location, change)
    assert v.DATABASE_TOKEN in str(caught.value)
    assert token not in str(caught.value)
    assert "guess" not in str(caught.value)
