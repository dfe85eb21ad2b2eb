"""The category registry: standard categories, lookups, merging, actions per state, updates."""

from __future__ import annotations

import pytest

from occi_operator.occi import vocabulary as v
from occi_operator.occi.attributes import AttributeDefinition, AttributeType
from occi_operator.occi.categories import Action, Kind, Mixin, QueryInterface
from occi_operator.occi.entities import CORE_ID, ActionInvocation, Link, Resource
from occi_operator.occi.errors import InvalidAttributeError, UnknownCategoryError
from occi_operator.occi.registry import CategoryRegistry, standard_registry
from occi_operator.occi.states import (
    ACTION_TARGET_STATES,
    actions_in_state,
    is_provisioning,
    target_state,
)

PROVIDER = "http://example.org/occi/"
SMALL = PROVIDER + "resource_tpl#small"
DEBIAN = PROVIDER + "os_tpl#debian12"


@pytest.mark.parametrize(
    ("kind", "parent", "location"),
    [
        pytest.param(v.ENTITY_KIND, None, "/entity/", id="entity"),
        pytest.param(v.RESOURCE_KIND, v.ENTITY_KIND, "/resource/", id="resource"),
        pytest.param(v.LINK_KIND, v.ENTITY_KIND, "/link/", id="link"),
        pytest.param(v.COMPUTE_KIND, v.RESOURCE_KIND, "/compute/", id="compute"),
        pytest.param(v.NETWORK_KIND, v.RESOURCE_KIND, "/network/", id="network"),
        pytest.param(v.STORAGE_KIND, v.RESOURCE_KIND, "/storage/", id="storage"),
        pytest.param(
            v.NETWORKINTERFACE_KIND, v.LINK_KIND, "/networkinterface/", id="networkinterface"
        ),
        pytest.param(v.STORAGELINK_KIND, v.LINK_KIND, "/storagelink/", id="storagelink"),
    ],
)
def test_standard_kinds_have_parent_and_collection(
    kind: str, parent: str | None, location: str
) -> None:
    found = standard_registry().kind(kind)
    assert (found.parent, found.location) == (parent, location)


def test_the_identifiers_are_those_of_gfd_224() -> None:
    # Spelled out once so that a typo in the vocabulary cannot hide behind itself.
    assert v.COMPUTE_KIND == "http://schemas.ogf.org/occi/infrastructure#compute"
    assert v.IPNETWORK_MIXIN == "http://schemas.ogf.org/occi/infrastructure/network#ipnetwork"
    assert v.IPNETWORKINTERFACE_MIXIN == (
        "http://schemas.ogf.org/occi/infrastructure/networkinterface#ipnetworkinterface"
    )
    assert v.USER_DATA_MIXIN == "http://schemas.ogf.org/occi/infrastructure/compute#user_data"
    assert v.SSH_KEY_MIXIN == "http://schemas.ogf.org/occi/infrastructure/credentials#ssh_key"
    assert v.COMPUTE_STOP == "http://schemas.ogf.org/occi/infrastructure/compute/action#stop"
    assert v.OPENSTACK_PUBLIC_KEY_MIXIN == (
        "http://schemas.openstack.org/instance/credentials#public_key"
    )


@pytest.mark.parametrize(
    ("mixin", "attribute", "applies"),
    [
        pytest.param(v.IPNETWORK_MIXIN, v.NETWORK_ADDRESS, v.NETWORK_KIND, id="ipnetwork"),
        pytest.param(
            v.IPNETWORKINTERFACE_MIXIN,
            v.NETWORKINTERFACE_ALLOCATION,
            v.NETWORKINTERFACE_KIND,
            id="ipnetworkinterface",
        ),
        pytest.param(v.USER_DATA_MIXIN, v.COMPUTE_USERDATA, v.COMPUTE_KIND, id="user_data"),
        pytest.param(v.SSH_KEY_MIXIN, v.CREDENTIALS_SSH_PUBLICKEY, v.COMPUTE_KIND, id="ssh_key"),
        pytest.param(
            v.OPENSTACK_USER_DATA_MIXIN, v.OPENSTACK_USER_DATA, v.COMPUTE_KIND, id="os-user_data"
        ),
        pytest.param(
            v.OPENSTACK_PUBLIC_KEY_MIXIN,
            v.OPENSTACK_PUBLICKEY_DATA,
            v.COMPUTE_KIND,
            id="os-public_key",
        ),
    ],
)
def test_standard_mixins_define_their_attributes(mixin: str, attribute: str, applies: str) -> None:
    found = standard_registry().mixin(mixin)
    assert found.attribute(attribute) is not None
    assert found.applies == (applies,)
    assert found.location


@pytest.mark.parametrize(
    ("action", "parameter", "choices"),
    [
        pytest.param(v.COMPUTE_STOP, "method", ("graceful", "acpioff", "poweroff"), id="stop"),
        pytest.param(v.COMPUTE_RESTART, "method", ("graceful", "warm", "cold"), id="restart"),
        pytest.param(v.COMPUTE_SUSPEND, "method", ("hibernate", "suspend"), id="suspend"),
        pytest.param(v.COMPUTE_SAVE, "method", ("hot", "deferred"), id="save"),
    ],
)
def test_compute_actions_declare_their_methods(
    action: str, parameter: str, choices: tuple[str, ...]
) -> None:
    definition = standard_registry().action(action).attribute(parameter)
    assert definition is not None
    assert definition.enum == choices


def test_save_names_the_new_template_and_resize_needs_a_size() -> None:
    registry = standard_registry()
    assert registry.action(v.COMPUTE_SAVE).attribute(v.SAVE_NAME) is not None
    size = registry.action(v.STORAGE_RESIZE).attribute(v.RESIZE_SIZE)
    assert size is not None
    assert (size.type, size.required) == (AttributeType.NUMBER, True)


def test_legacy_extras_come_only_with_the_legacy_flag() -> None:
    strict, lenient = standard_registry(legacy=False), standard_registry()
    assert v.STORAGE_BACKUP not in strict
    assert v.STORAGE_BACKUP in lenient.kind(v.STORAGE_KIND).actions
    assert strict.kind(v.COMPUTE_KIND).attribute(v.COMPUTE_SPEED) is None
    assert lenient.kind(v.COMPUTE_KIND).attribute(v.COMPUTE_SPEED) is not None
    strict_states = strict.kind(v.COMPUTE_KIND).attribute(v.COMPUTE_STATE)
    lenient_states = lenient.kind(v.COMPUTE_KIND).attribute(v.COMPUTE_STATE)
    assert strict_states is not None
    assert lenient_states is not None
    assert "waiting" not in (strict_states.enum or ())
    assert "waiting" in (lenient_states.enum or ())
    assert v.OPENSTACK_USER_DATA_MIXIN not in strict


def test_legacy_values_say_so_in_their_description() -> None:
    registry = standard_registry()
    speed = registry.kind(v.COMPUTE_KIND).attribute(v.COMPUTE_SPEED)
    storage_state = registry.kind(v.STORAGE_KIND).attribute(v.STORAGE_STATE)
    assert speed is not None
    assert "1.1" in (speed.description or "")
    assert storage_state is not None
    assert "1.1" in (storage_state.description or "")
    assert "1.1" in (registry.action(v.STORAGE_BACKUP).title or "")


def test_standard_registry_is_immutable_and_shared() -> None:
    registry = standard_registry()
    assert standard_registry() is registry
    with pytest.raises(AttributeError, match="immutable"):
        registry.extra = 1
    with pytest.raises(AttributeError, match="immutable"):
        registry._by_id = {}  # type: ignore[assignment]
    with pytest.raises(TypeError):
        registry._by_id["x#y"] = registry.kind(v.COMPUTE_KIND)  # type: ignore[index]


@pytest.mark.parametrize(
    ("lookup", "type_id"),
    [
        pytest.param("kind", "http://example.org/occi#nope", id="unknown-kind"),
        pytest.param("kind", v.IPNETWORK_MIXIN, id="mixin-is-not-a-kind"),
        pytest.param("mixin", v.COMPUTE_KIND, id="kind-is-not-a-mixin"),
        pytest.param("action", v.COMPUTE_KIND, id="kind-is-not-an-action"),
        pytest.param("category", "http://example.org/occi#nope", id="unknown-category"),
    ],
)
def test_lookups_refuse_what_they_do_not_hold(lookup: str, type_id: str) -> None:
    with pytest.raises(UnknownCategoryError, match="unknown category") as caught:
        getattr(standard_registry(), lookup)(type_id)
    assert caught.value.type_id == type_id


def test_lineage_and_is_a_follow_parents() -> None:
    registry = standard_registry()
    lineage = [kind.type_id for kind in registry.lineage(v.NETWORKINTERFACE_KIND)]
    assert lineage == [v.NETWORKINTERFACE_KIND, v.LINK_KIND, v.ENTITY_KIND]
    assert registry.is_a(v.COMPUTE_KIND, v.RESOURCE_KIND)
    assert not registry.is_a(v.COMPUTE_KIND, v.LINK_KIND)


def _endpoint(*extra: Kind | Mixin | Action) -> CategoryRegistry:
    """What a provider adds: templates depending on the standard families."""
    small = Mixin(
        scheme=PROVIDER + "resource_tpl#",
        term="small",
        depends=(v.RESOURCE_TPL_MIXIN,),
        attributes=(
            AttributeDefinition(name=v.COMPUTE_CORES, type=AttributeType.INTEGER, default=2),
            AttributeDefinition(name=v.COMPUTE_MEMORY, type=AttributeType.NUMBER, default=1.7),
        ),
    )
    debian = Mixin(scheme=PROVIDER + "os_tpl#", term="debian12", depends=(v.OS_TPL_MIXIN,))
    return standard_registry().merge(CategoryRegistry([small, debian, *extra]))


def test_definitions_combine_parents_kind_and_mixins() -> None:
    definitions = standard_registry().attribute_definitions(v.COMPUTE_KIND, [v.SSH_KEY_MIXIN])
    assert {CORE_ID, "occi.core.summary", v.COMPUTE_CORES, v.CREDENTIALS_SSH_PUBLICKEY} <= set(
        definitions
    )
    assert "occi.core.target" not in definitions


def test_a_template_default_overrides_the_kind_default_but_not_its_rules() -> None:
    definitions = _endpoint().attribute_definitions(v.COMPUTE_KIND, [SMALL, DEBIAN])
    cores = definitions[v.COMPUTE_CORES]
    assert cores.default == 2
    assert (cores.type, cores.minimum) == (AttributeType.INTEGER, 1)


def test_strict_definitions_refuse_unknown_mixins_lenient_ones_skip_them() -> None:
    registry = standard_registry()
    with pytest.raises(UnknownCategoryError):
        registry.attribute_definitions(v.COMPUTE_KIND, [SMALL])
    assert v.COMPUTE_CORES in registry.attribute_definitions(v.COMPUTE_KIND, [SMALL], strict=False)


def test_mixin_dependencies_come_before_the_mixin() -> None:
    found = [mixin.type_id for mixin in _endpoint().with_dependencies([SMALL])]
    assert found == [v.RESOURCE_TPL_MIXIN, SMALL]


def test_merge_keeps_the_specification_types_and_takes_the_endpoint_extras() -> None:
    # A text query interface lists names only: every definition there is an untyped string.
    discovered_compute = Kind(
        scheme=v.INFRA_SCHEME,
        term="compute",
        title="OpenStack compute",
        location="/occi1.1/compute/",
        parent=v.RESOURCE_KIND,
        attributes=(
            AttributeDefinition(name=v.COMPUTE_CORES, required=True),
            AttributeDefinition(name="org.openstack.compute.console", mutable=False),
        ),
        actions=(v.COMPUTE_START, "http://schemas.openstack.org/instance/action#create_image"),
    )
    merged = standard_registry().merge(CategoryRegistry([discovered_compute]))
    compute = merged.kind(v.COMPUTE_KIND)
    cores = compute.attribute(v.COMPUTE_CORES)
    assert cores is not None
    assert cores.type is AttributeType.INTEGER
    assert compute.attribute("org.openstack.compute.console") is not None
    assert (compute.title, compute.location) == ("OpenStack compute", "/occi1.1/compute/")
    assert compute.actions[:5] == standard_registry().kind(v.COMPUTE_KIND).actions
    assert compute.actions[-1].endswith("#create_image")
    assert standard_registry().kind(v.COMPUTE_KIND).title == "Compute resource"


def test_query_interface_round_trip_keeps_every_category() -> None:
    registry = _endpoint()
    again = CategoryRegistry.from_query_interface(registry.to_query_interface())
    assert {c.type_id for c in again} == {c.type_id for c in registry}
    assert again.kinds == registry.kinds
    assert again.mixin(SMALL) == registry.mixin(SMALL)
    query = registry.to_query_interface()
    assert isinstance(query, QueryInterface)
    assert len(query.kinds) + len(query.mixins) + len(query.actions) == len(registry)


def _compute(state: str | None, *mixins: str) -> Resource:
    attributes = {} if state is None else {v.COMPUTE_STATE: state}
    return Resource(kind=v.COMPUTE_KIND, mixins=mixins, attributes=attributes)


@pytest.mark.parametrize(
    ("kind", "state_attribute", "state", "expected"),
    [
        pytest.param(v.COMPUTE_KIND, v.COMPUTE_STATE, "inactive", {v.COMPUTE_START}, id="c-off"),
        pytest.param(
            v.COMPUTE_KIND,
            v.COMPUTE_STATE,
            "active",
            {v.COMPUTE_STOP, v.COMPUTE_RESTART, v.COMPUTE_SUSPEND, v.COMPUTE_SAVE},
            id="c-active",
        ),
        pytest.param(v.COMPUTE_KIND, v.COMPUTE_STATE, "suspended", {v.COMPUTE_START}, id="c-susp"),
        pytest.param(v.COMPUTE_KIND, v.COMPUTE_STATE, "error", set(), id="c-error"),
        pytest.param(v.COMPUTE_KIND, v.COMPUTE_STATE, "waiting", set(), id="c-waiting"),
        pytest.param(v.NETWORK_KIND, v.NETWORK_STATE, "inactive", {v.NETWORK_UP}, id="n-off"),
        pytest.param(v.NETWORK_KIND, v.NETWORK_STATE, "active", {v.NETWORK_DOWN}, id="n-on"),
        pytest.param(v.STORAGE_KIND, v.STORAGE_STATE, "offline", {v.STORAGE_ONLINE}, id="s-off"),
        pytest.param(
            v.STORAGE_KIND,
            v.STORAGE_STATE,
            "online",
            {v.STORAGE_OFFLINE, v.STORAGE_BACKUP, v.STORAGE_SNAPSHOT, v.STORAGE_RESIZE},
            id="s-online",
        ),
        pytest.param(v.STORAGE_KIND, v.STORAGE_STATE, "snapshot", set(), id="s-busy"),
        pytest.param(v.COMPUTE_KIND, v.COMPUTE_STATE, "bogus", set(), id="unknown-state"),
    ],
)
def test_applicable_actions_follow_the_state_diagrams(
    kind: str, state_attribute: str, state: str, expected: set[str]
) -> None:
    entity = Resource(kind=kind, attributes={state_attribute: state})
    assert set(standard_registry().applicable_actions(entity)) == expected


def test_strict_registry_does_not_offer_the_legacy_storage_actions() -> None:
    entity = Resource(kind=v.STORAGE_KIND, attributes={v.STORAGE_STATE: "online"})
    assert standard_registry(legacy=False).applicable_actions(entity) == (v.STORAGE_OFFLINE,)


def test_a_missing_state_counts_as_the_initial_one() -> None:
    assert standard_registry().applicable_actions(_compute(None)) == (v.COMPUTE_START,)


def test_provider_actions_are_offered_in_any_state() -> None:
    snapshot = Action(scheme=PROVIDER + "action#", term="snapshot")
    tagged = Mixin(scheme=PROVIDER + "mixin#", term="backups", actions=(snapshot.type_id,))
    registry = _endpoint(snapshot, tagged)
    actions = registry.applicable_actions(_compute("error", tagged.type_id))
    assert actions == (snapshot.type_id,)


def test_state_helpers() -> None:
    assert actions_in_state("http://example.org/occi#thing", "active") is None
    assert target_state(v.COMPUTE_SUSPEND) == "suspended"
    assert target_state(PROVIDER + "action#x") is None
    assert all(target_state(action) for action in ACTION_TARGET_STATES)
    assert is_provisioning("waiting")
    assert not is_provisioning("inactive")
    assert not is_provisioning(None)


def test_update_refuses_a_change_of_an_immutable_attribute() -> None:
    registry = standard_registry()
    old = Link(
        kind=v.NETWORKINTERFACE_KIND,
        target="/network/1",
        attributes={
            v.NETWORKINTERFACE_INTERFACE: "eth0",
            v.NETWORKINTERFACE_MAC: "aa:bb:cc:dd:ee:ff",
        },
    )
    moved_mac = old.model_copy(update={"attributes": {v.NETWORKINTERFACE_MAC: "aa:bb:cc:dd:ee:00"}})
    registry.validate_update(old, moved_mac)  # mac is mutable; a partial update is fine
    renamed = old.model_copy(update={"attributes": {v.NETWORKINTERFACE_INTERFACE: "eth1"}})
    with pytest.raises(InvalidAttributeError, match="is immutable") as caught:
        registry.validate_update(old, renamed)
    assert caught.value.name == v.NETWORKINTERFACE_INTERFACE


def test_update_refuses_a_new_id_or_kind_but_allows_setting_an_unechoed_value() -> None:
    registry = standard_registry()
    old = Resource(kind=v.COMPUTE_KIND, id="1", mixins=(v.USER_DATA_MIXIN,))
    registry.validate_update(
        old, old.model_copy(update={"attributes": {v.COMPUTE_USERDATA: "I2Nsb3VkLWNvbmZpZw=="}})
    )
    with pytest.raises(InvalidAttributeError) as caught:
        registry.validate_update(old, old.model_copy(update={"id": "2"}))
    assert caught.value.name == CORE_ID
    with pytest.raises(InvalidAttributeError, match="cannot change"):
        registry.validate_update(old, old.model_copy(update={"kind": v.STORAGE_KIND}))


@pytest.mark.parametrize(
    ("invocation", "name", "rule"),
    [
        pytest.param(
            ActionInvocation(action=v.COMPUTE_STOP, attributes={"method": "halt"}),
            "method",
            "must be one of graceful, acpioff, poweroff",
            id="bad-method",
        ),
        pytest.param(
            ActionInvocation(action=v.COMPUTE_START, attributes={"method": "cold"}),
            "method",
            "is not a parameter of the start action",
            id="no-such-parameter",
        ),
        pytest.param(
            ActionInvocation(action=v.STORAGE_RESIZE),
            "size",
            "is required by the resize action",
            id="missing-size",
        ),
    ],
)
def test_action_invocations_are_checked(invocation: ActionInvocation, name: str, rule: str) -> None:
    with pytest.raises(InvalidAttributeError) as caught:
        standard_registry().validate_action(invocation)
    assert (caught.value.name, caught.value.rule) == (name, rule)


def test_valid_and_unknown_action_invocations() -> None:
    registry = standard_registry()
    registry.validate_action(
        ActionInvocation(action=v.COMPUTE_RESTART, attributes={"method": "warm"})
    )
    registry.validate_action(ActionInvocation(action=v.COMPUTE_START))
    with pytest.raises(UnknownCategoryError):
        registry.validate_action(ActionInvocation(action=PROVIDER + "action#nope"))
