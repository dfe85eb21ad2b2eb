"""The OCCI Platform categories in the standard registry (platform.tex, the draft's tables).

Each case names the table or clause it checks. Validation errors must name the attribute.
"""

from __future__ import annotations

import pytest

from occi_operator.occi import (
    InvalidAttributeError,
    Kind,
    Link,
    Mixin,
    Resource,
    actions_in_state,
    standard_registry,
    state_attribute,
    target_state,
)
from occi_operator.occi import (
    vocabulary as v,
)
from occi_operator.occi.entities import ActionInvocation
from occi_operator.occi.platform import COMPONENTLINK_SOURCES, COMPONENTLINK_TARGETS

REGISTRY = standard_registry()


def _app(**attributes: object) -> Resource:
    base: dict[str, object] = {v.APP_NAME: "shop", v.APP_CONTEXT: "https://git.example/shop.git"}
    return Resource(kind=v.APPLICATION_KIND, title="shop", attributes={**base, **attributes})


def test_application_kind_is_a_resource_with_the_table_attributes() -> None:
    """tbl:app: five attributes; only the name is mutable; parent core#resource."""
    kind = REGISTRY.kind(v.APPLICATION_KIND)
    assert kind.parent == v.RESOURCE_KIND
    assert kind.location == "/application/"
    attrs = kind.attribute_map()
    assert set(attrs) == {
        v.APP_NAME, v.APP_CONTEXT, v.APP_URL, v.APP_STATE, v.APP_STATE_MESSAGE
    }
    assert [name for name, a in attrs.items() if a.mutable] == [v.APP_NAME]
    assert {name for name, a in attrs.items() if a.required} == {
        v.APP_NAME, v.APP_CONTEXT, v.APP_URL, v.APP_STATE
    }
    assert attrs[v.APP_STATE].enum == ("active", "inactive", "error")
    assert attrs[v.APP_STATE].default == "inactive"
    assert kind.actions == (v.PLATFORM_START, v.PLATFORM_STOP)


def test_component_and_componentlink_kinds() -> None:
    """tbl:component and "Linking to Components": parents resource and link."""
    component = REGISTRY.kind(v.COMPONENT_KIND)
    assert component.parent == v.RESOURCE_KIND
    assert set(component.attribute_map()) == {v.COMPONENT_STATE, v.COMPONENT_STATE_MESSAGE}
    assert component.actions == (v.PLATFORM_START, v.PLATFORM_STOP)
    link = REGISTRY.kind(v.COMPONENTLINK_KIND)
    assert link.type_id == "http://schemas.ogf.org/occi/platform#componentLink"
    assert link.parent == v.LINK_KIND
    assert REGISTRY.is_a(v.COMPONENTLINK_KIND, v.LINK_KIND)
    assert COMPONENTLINK_SOURCES == (v.APPLICATION_KIND, v.COMPONENT_KIND)
    assert COMPONENTLINK_TARGETS == (v.COMPONENT_KIND,)


@pytest.mark.parametrize(
    ("mixin", "applies", "attributes"),
    [
        pytest.param(v.APP_TPL_MIXIN, (v.APPLICATION_KIND,), set(), id="app_tpl"),
        pytest.param(
            v.RES_TPL_MIXIN, (v.APPLICATION_KIND, v.COMPONENT_KIND), set(), id="res_tpl"
        ),
        pytest.param(v.DATABASE_MIXIN, (v.COMPONENT_KIND,), {v.DATABASE_VERSION}, id="database"),
        pytest.param(
            v.DATABASELINK_MIXIN,
            (v.COMPONENTLINK_KIND,),
            {v.DATABASE_URI, v.DATABASE_USERNAME, v.DATABASE_TOKEN},
            id="databaseLink",
        ),
    ],
)
def test_platform_mixins(mixin: str, applies: tuple[str, ...], attributes: set[str]) -> None:
    """Platform Templates, tbl:database and tbl:database_link: applies and attributes."""
    found = REGISTRY.mixin(mixin)
    assert isinstance(found, Mixin)
    assert found.applies == applies
    assert set(found.attribute_map()) == attributes
    assert all(not a.mutable for a in found.attributes)  # every one is Immutable


def test_a_minimal_application_is_valid_without_the_provider_assigned_url() -> None:
    """occi.app.url is the provider's DNS entry: a create may leave it out."""
    REGISTRY.validate_entity(_app(), creating=True)


@pytest.mark.parametrize(
    ("attributes", "named"),
    [
        pytest.param({v.APP_NAME: 7}, v.APP_NAME, id="name-not-a-string"),
        pytest.param({v.APP_CONTEXT: "not a url"}, v.APP_CONTEXT, id="context-not-a-url"),
        pytest.param({v.APP_URL: "shop"}, v.APP_URL, id="url-without-scheme"),
        pytest.param({v.APP_STATE: "deploying"}, v.APP_STATE, id="state-not-in-enum"),
        pytest.param({"occi.app.port": 80}, "occi.app.port", id="reserved-unknown-name"),
    ],
)
def test_bad_application_values_name_the_attribute(
    attributes: dict[str, object], named: str
) -> None:
    """Each bad value is refused with the attribute named."""
    with pytest.raises(InvalidAttributeError) as caught:
        REGISTRY.validate_entity(_app(**attributes), creating=True)
    assert caught.value.name == named


@pytest.mark.parametrize("missing", [v.APP_NAME, v.APP_CONTEXT])
def test_the_name_and_context_are_required(missing: str) -> None:
    """tbl:app multiplicity 1: the client must give name and context."""
    app = _app()
    del app.attributes[missing]
    with pytest.raises(InvalidAttributeError) as caught:
        REGISTRY.validate_entity(app, creating=True)
    assert caught.value.name == missing


def test_the_context_is_immutable_and_the_name_is_not() -> None:
    """tbl:app mutability: renaming is fine, a new context is refused."""
    old = _app()
    REGISTRY.validate_update(old, _app(**{v.APP_NAME: "shop-2"}))
    with pytest.raises(InvalidAttributeError) as caught:
        REGISTRY.validate_update(old, _app(**{v.APP_CONTEXT: "https://git.example/other.git"}))
    assert caught.value.name == v.APP_CONTEXT


def test_database_component_and_database_link() -> None:
    """tbl:database and tbl:database_link: version and URI provider-assigned, URI a URI."""
    db = Resource(kind=v.COMPONENT_KIND, mixins=(v.DATABASE_MIXIN,), title="db")
    REGISTRY.validate_entity(db, creating=True)
    link = Link(
        kind=v.COMPONENTLINK_KIND, mixins=(v.DATABASELINK_MIXIN,), source="/application/a",
        target="/component/b", attributes={v.DATABASE_USERNAME: "shop"},
    )
    REGISTRY.validate_entity(link, creating=True)
    bad = link.model_copy(update={"attributes": {v.DATABASE_URI: "no uri here"}})
    with pytest.raises(InvalidAttributeError) as caught:
        REGISTRY.validate_entity(bad, creating=True)
    assert caught.value.name == v.DATABASE_URI


def test_database_attributes_need_the_mixin() -> None:
    """A component without the database mixin has no occi.database.version."""
    db = Resource(kind=v.COMPONENT_KIND, title="db", attributes={v.DATABASE_VERSION: "16"})
    with pytest.raises(InvalidAttributeError) as caught:
        REGISTRY.validate_entity(db, creating=True)
    assert caught.value.name == v.DATABASE_VERSION


@pytest.mark.parametrize("kind", [v.APPLICATION_KIND, v.COMPONENT_KIND])
def test_states_offer_start_and_stop(kind: str) -> None:
    """tbl:app_actions / tbl:component_actions: start → active, stop → inactive."""
    assert state_attribute(kind) in (v.APP_STATE, v.COMPONENT_STATE)
    assert actions_in_state(kind, "inactive") == (v.PLATFORM_START,)
    assert actions_in_state(kind, "active") == (v.PLATFORM_STOP,)
    assert actions_in_state(kind, "error") == ()
    assert target_state(v.PLATFORM_START) == "active"
    assert target_state(v.PLATFORM_STOP) == "inactive"


def test_applicable_actions_follow_the_state() -> None:
    """A new (inactive) application offers start; an active one offers stop."""
    assert REGISTRY.applicable_actions(_app()) == (v.PLATFORM_START,)
    assert REGISTRY.applicable_actions(_app(**{v.APP_STATE: "active"})) == (v.PLATFORM_STOP,)


def test_start_and_stop_take_no_parameters() -> None:
    """The action tables list no attributes: a parameter is refused by name."""
    REGISTRY.validate_action(ActionInvocation(action=v.PLATFORM_STOP))
    with pytest.raises(InvalidAttributeError) as caught:
        REGISTRY.validate_action(
            ActionInvocation(action=v.PLATFORM_STOP, attributes={"method": "graceful"})
        )
    assert caught.value.name == "method"


def test_every_platform_category_is_in_the_query_interface() -> None:
    """Discovery lists every kind, mixin and action the registry holds."""
    query = REGISTRY.to_query_interface()
    kinds = {k.type_id for k in query.kinds if isinstance(k, Kind)}
    assert {v.APPLICATION_KIND, v.COMPONENT_KIND, v.COMPONENTLINK_KIND} <= kinds
    mixins = {m.type_id for m in query.mixins}
    assert {v.APP_TPL_MIXIN, v.RES_TPL_MIXIN, v.DATABASE_MIXIN, v.DATABASELINK_MIXIN} <= mixins
    assert {a.type_id for a in query.actions} >= {v.PLATFORM_START, v.PLATFORM_STOP}


def test_a_token_never_appears_in_an_error() -> None:
    """occi.database.token is a credential: refusals name it but never show its value."""
    old = Link(kind=v.COMPONENTLINK_KIND, mixins=(v.DATABASELINK_MIXIN,), source="/a",
               target="/b", attributes={v.DATABASE_URI: "postgresql://u@h:5432/d",
                                        v.DATABASE_TOKEN: "old-s3cret"})
    new = old.model_copy(update={"attributes": {**old.attributes, v.DATABASE_TOKEN: "new-s3cret"}})
    with pytest.raises(InvalidAttributeError) as caught:
        REGISTRY.validate_update(old, new)
    assert caught.value.name == v.DATABASE_TOKEN
    assert "s3cret" not in str(caught.value)
    assert "s3cret" not in repr(caught.value)
    wrong_type = old.model_copy(update={"attributes": {**old.attributes, v.DATABASE_TOKEN: 42}})
    with pytest.raises(InvalidAttributeError) as typed:
        REGISTRY.validate_entity(wrong_type, creating=True)
    assert "42" not in str(typed.value)
    assert "must be of type string" in str(typed.value)


def test_an_entity_repr_hides_the_token_but_keeps_it() -> None:
    """A log line or error showing a link shows no credential; the value itself stays."""
    link = Link(kind=v.COMPONENTLINK_KIND, target="/component/b",
                attributes={v.DATABASE_TOKEN: "s3cret", v.DATABASE_USERNAME: "shop"})
    holder = Resource(kind=v.APPLICATION_KIND, links=(link,))
    for shown in (repr(link), str(link), repr(holder), f"{holder!r}"):
        assert "s3cret" not in shown
        assert "shop" in shown
    assert link.attributes[v.DATABASE_TOKEN] == "s3cret"
    assert link.model_dump()["attributes"][v.DATABASE_TOKEN] == "s3cret"
