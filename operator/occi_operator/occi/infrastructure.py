"""The standard infrastructure categories (GFD.224) and the legacy ones real servers send.

Attribute properties follow the GFD.224 tables (type, mutability, required, default)
plus the constraints its prose states (enumerations, vlan 0–4095) and a few sanity
bounds the project adds (cores >= 1, sizes >= 0), each one named in the description.

``legacy=True`` adds what real servers still send beyond OCCI 1.2: ``occi.compute.speed``,
the storage backup/snapshot/resize actions and the storage states they lead to (OCCI
1.1, GFD.184), rOCCI's non-standard compute state ``waiting`` and the OpenStack
contextualization mixins (ooi, EGI sites). Descriptions say which values are not 1.2.

The categories are frozen pydantic models built fresh by each call; nothing here is a
shared mutable value. Imports: :mod:`.attributes`, :mod:`.categories` and
:mod:`.vocabulary` only.
"""

from __future__ import annotations

from . import vocabulary as v
from .attributes import AttributeDefinition, AttributeType
from .categories import Action, Kind, Mixin

__all__ = ["infrastructure_categories", "openstack_categories"]

_NUMBER, _INTEGER = AttributeType.NUMBER, AttributeType.INTEGER
_MAC_PATTERN = r"[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}"
_ONE_ONLY = " OCCI 1.1 only; real servers still send it."


def _attr(name: str, description: str, **properties: object) -> AttributeDefinition:
    return AttributeDefinition.model_validate(
        {"name": name, "description": description, **properties}
    )


def _state(name: str, states: tuple[str, ...], default: str, note: str = "") -> AttributeDefinition:
    return _attr(
        name,
        f"Current state of the instance (initially {default}).{note}",
        mutable=False,
        required=True,
        default=default,
        enum=states,
    )


def _message(name: str) -> AttributeDefinition:
    return _attr(name, "Human-readable explanation of the current state.", mutable=False)


def _method(choices: tuple[str, ...], what: str) -> AttributeDefinition:
    return _attr(v.ACTION_METHOD, f"How to {what}: {', '.join(choices)}.", enum=choices)


def _compute_attributes(legacy: bool) -> tuple[AttributeDefinition, ...]:
    states = v.COMPUTE_STATES + (v.LEGACY_COMPUTE_STATES if legacy else ())
    note = " 'waiting' is rOCCI's non-standard provisioning state." if legacy else ""
    speed = (
        (_attr(v.COMPUTE_SPEED, "CPU clock speed in GHz." + _ONE_ONLY, type=_NUMBER, minimum=0),)
        if legacy
        else ()
    )
    return (
        _attr(v.COMPUTE_ARCHITECTURE, "CPU architecture of the instance.", enum=v.ARCHITECTURES),
        _attr(
            v.COMPUTE_CORES, "Number of virtual CPU cores (at least 1).", type=_INTEGER, minimum=1
        ),
        _attr(v.COMPUTE_HOSTNAME, "Fully qualified DNS hostname of the instance."),
        _attr(v.COMPUTE_SHARE, "Relative number of CPU shares.", type=_INTEGER, minimum=0),
        _attr(v.COMPUTE_MEMORY, "Maximum RAM in GiB.", type=_NUMBER, minimum=0),
        *speed,
        _state(v.COMPUTE_STATE, states, v.STATE_INACTIVE, note),
        _message(v.COMPUTE_STATE_MESSAGE),
    )


def _compute_actions() -> tuple[Action, ...]:
    return (
        Action(scheme=v.COMPUTE_ACTION_SCHEME, term="start", title="Start the instance"),
        Action(
            scheme=v.COMPUTE_ACTION_SCHEME,
            term="stop",
            title="Stop the instance",
            attributes=(_method(v.STOP_METHODS, "stop"),),
        ),
        Action(
            scheme=v.COMPUTE_ACTION_SCHEME,
            term="restart",
            title="Restart the instance",
            attributes=(_method(v.RESTART_METHODS, "restart"),),
        ),
        Action(
            scheme=v.COMPUTE_ACTION_SCHEME,
            term="suspend",
            title="Suspend the instance",
            attributes=(_method(v.SUSPEND_METHODS, "suspend"),),
        ),
        Action(
            scheme=v.COMPUTE_ACTION_SCHEME,
            term="save",
            title="Save the instance as a new OS template",
            attributes=(
                _method(v.SAVE_METHODS, "save"),
                _attr(v.SAVE_NAME, "Name of the new OS template."),
            ),
        ),
    )


def _storage_actions(legacy: bool) -> tuple[Action, ...]:
    standard = (
        Action(scheme=v.STORAGE_ACTION_SCHEME, term="online", title="Bring the storage online"),
        Action(scheme=v.STORAGE_ACTION_SCHEME, term="offline", title="Take the storage offline"),
    )
    if not legacy:
        return standard
    size = _attr(v.RESIZE_SIZE, "New size in GiB.", type=_NUMBER, required=True, minimum=0)
    return (
        *standard,
        Action(scheme=v.STORAGE_ACTION_SCHEME, term="backup", title="Back up (OCCI 1.1 only)"),
        Action(scheme=v.STORAGE_ACTION_SCHEME, term="snapshot", title="Snapshot (OCCI 1.1 only)"),
        Action(
            scheme=v.STORAGE_ACTION_SCHEME,
            term="resize",
            title="Resize (OCCI 1.1 only)",
            attributes=(size,),
        ),
    )


def _resource_kinds(legacy: bool, actions: dict[str, tuple[Action, ...]]) -> tuple[Kind, ...]:
    storage_states = v.STORAGE_STATES + (v.LEGACY_STORAGE_STATES if legacy else ())
    storage_note = " backup, snapshot, resize and degraded are OCCI 1.1 only." if legacy else ""
    return (
        Kind(
            scheme=v.INFRA_SCHEME,
            term="compute",
            title="Compute resource",
            parent=v.RESOURCE_KIND,
            location="/compute/",
            attributes=_compute_attributes(legacy),
            actions=tuple(action.type_id for action in actions["compute"]),
        ),
        Kind(
            scheme=v.INFRA_SCHEME,
            term="network",
            title="Network resource",
            parent=v.RESOURCE_KIND,
            location="/network/",
            attributes=(
                _attr(
                    v.NETWORK_VLAN,
                    "802.1q VLAN identifier.",
                    type=_INTEGER,
                    minimum=0,
                    maximum=4095,
                ),
                _attr(v.NETWORK_LABEL, "Tag-based VLAN label, a token (e.g. external-dmz)."),
                _state(v.NETWORK_STATE, v.NETWORK_STATES, v.STATE_INACTIVE),
                _message(v.NETWORK_STATE_MESSAGE),
            ),
            actions=tuple(action.type_id for action in actions["network"]),
        ),
        Kind(
            scheme=v.INFRA_SCHEME,
            term="storage",
            title="Storage resource",
            parent=v.RESOURCE_KIND,
            location="/storage/",
            attributes=(
                _attr(
                    v.STORAGE_SIZE, "Storage size in GiB.", type=_NUMBER, required=True, minimum=0
                ),
                _state(v.STORAGE_STATE, storage_states, v.STATE_OFFLINE, storage_note),
                _message(v.STORAGE_STATE_MESSAGE),
            ),
            actions=tuple(action.type_id for action in actions["storage"]),
        ),
    )


def _link_kinds() -> tuple[Kind, ...]:
    return (
        Kind(
            scheme=v.INFRA_SCHEME,
            term="networkinterface",
            title="Network interface link",
            parent=v.LINK_KIND,
            location="/networkinterface/",
            attributes=(
                _attr(
                    v.NETWORKINTERFACE_INTERFACE,
                    "Identifier of the device interface (e.g. eth0).",
                    mutable=False,
                    required=True,
                ),
                _attr(
                    v.NETWORKINTERFACE_MAC,
                    "MAC address of the device interface.",
                    required=True,
                    pattern=_MAC_PATTERN,
                ),
                _state(v.NETWORKINTERFACE_STATE, v.LINK_STATES, v.STATE_INACTIVE),
                _message(v.NETWORKINTERFACE_STATE_MESSAGE),
            ),
        ),
        Kind(
            scheme=v.INFRA_SCHEME,
            term="storagelink",
            title="Storage link",
            parent=v.LINK_KIND,
            location="/storagelink/",
            attributes=(
                _attr(
                    v.STORAGELINK_DEVICEID, "Device identifier from the provider.", required=True
                ),
                _attr(v.STORAGELINK_MOUNTPOINT, "Where the storage is mounted in the guest OS."),
                _state(v.STORAGELINK_STATE, v.LINK_STATES, v.STATE_INACTIVE),
                _message(v.STORAGELINK_STATE_MESSAGE),
            ),
        ),
    )


def _infrastructure_mixins() -> tuple[Mixin, ...]:
    return (
        Mixin(
            scheme=v.NETWORK_MIXIN_SCHEME,
            term="ipnetwork",
            title="IP networking",
            applies=(v.NETWORK_KIND,),
            location="/ipnetwork/",
            attributes=(
                _attr(v.NETWORK_ADDRESS, "IP network address range in CIDR notation."),
                _attr(v.NETWORK_GATEWAY, "IP address of the gateway."),
                _attr(v.NETWORK_ALLOCATION, "Address allocation mechanism.", enum=v.ALLOCATIONS),
            ),
        ),
        Mixin(
            scheme=v.NETWORKINTERFACE_MIXIN_SCHEME,
            term="ipnetworkinterface",
            title="IP network interface",
            applies=(v.NETWORKINTERFACE_KIND,),
            location="/ipnetworkinterface/",
            attributes=(
                _attr(v.NETWORKINTERFACE_ADDRESS, "IP address of the interface.", required=True),
                _attr(v.NETWORKINTERFACE_GATEWAY, "IP address of the gateway."),
                _attr(
                    v.NETWORKINTERFACE_ALLOCATION,
                    "Address allocation mechanism.",
                    required=True,
                    enum=v.ALLOCATIONS,
                ),
            ),
        ),
        Mixin(
            scheme=v.INFRA_SCHEME,
            term="os_tpl",
            title="OS template",
            applies=(v.COMPUTE_KIND,),
            location="/os_tpl/",
        ),
        Mixin(
            scheme=v.INFRA_SCHEME,
            term="resource_tpl",
            title="Resource template",
            applies=(v.COMPUTE_KIND,),
            location="/resource_tpl/",
        ),
        Mixin(
            scheme=v.COMPUTE_MIXIN_SCHEME,
            term="user_data",
            title="Contextualization (user data)",
            applies=(v.COMPUTE_KIND,),
            location="/user_data/",
            attributes=(
                _attr(
                    v.COMPUTE_USERDATA,
                    "Contextualization data (e.g. base64 cloud-init), given once at creation; "
                    "it cannot be updated.",
                    mutable=False,
                    required=True,
                ),
            ),
        ),
        Mixin(
            scheme=v.CREDENTIALS_SCHEME,
            term="ssh_key",
            title="Credentials (SSH public key)",
            applies=(v.COMPUTE_KIND,),
            location="/ssh_key/",
            attributes=(
                _attr(
                    v.CREDENTIALS_SSH_PUBLICKEY,
                    "Contents of the SSH public key to inject.",
                    required=True,
                ),
            ),
        ),
    )


def infrastructure_categories(*, legacy: bool = True) -> tuple[Kind | Mixin | Action, ...]:
    """The kinds, mixins and actions of GFD.224; ``legacy`` adds the OCCI 1.1 leftovers."""
    actions = {
        "compute": _compute_actions(),
        "network": (
            Action(scheme=v.NETWORK_ACTION_SCHEME, term="up", title="Bring the network up"),
            Action(scheme=v.NETWORK_ACTION_SCHEME, term="down", title="Take the network down"),
        ),
        "storage": _storage_actions(legacy),
    }
    every_action = tuple(action for group in actions.values() for action in group)
    return (
        *_resource_kinds(legacy, actions),
        *_link_kinds(),
        *_infrastructure_mixins(),
        *every_action,
    )


def openstack_categories() -> tuple[Mixin, ...]:
    """The legacy OpenStack contextualization mixins ooi and EGI sites still offer."""
    return (
        Mixin(
            scheme=v.OPENSTACK_INSTANCE_SCHEME,
            term="user_data",
            title="OpenStack contextualization (user data); legacy, pre-OCCI 1.2",
            applies=(v.COMPUTE_KIND,),
            location="/openstack/user_data/",
            attributes=(
                _attr(v.OPENSTACK_USER_DATA, "Base64 user data.", mutable=False, required=True),
            ),
        ),
        Mixin(
            scheme=v.OPENSTACK_CREDENTIALS_SCHEME,
            term="public_key",
            title="OpenStack contextualization (public key); legacy, pre-OCCI 1.2",
            applies=(v.COMPUTE_KIND,),
            location="/openstack/public_key/",
            attributes=(
                _attr(v.OPENSTACK_PUBLICKEY_NAME, "Name of the key pair.", mutable=False),
                _attr(
                    v.OPENSTACK_PUBLICKEY_DATA,
                    "Contents of the SSH public key.",
                    mutable=False,
                    required=True,
                ),
            ),
        ),
    )
