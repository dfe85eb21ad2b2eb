"""Entity states: which actions each state offers and which state each action leads to.

The tables follow the state diagrams and action tables of GFD.224:

* compute: ``inactive --start--> active``; ``active --stop--> inactive``;
  ``active --restart--> active``; ``active --suspend--> suspended``;
  ``suspended --start--> active``; ``active --save--> active`` (the copy becomes a
  new OS template, the instance keeps running);
* network: ``inactive --up--> active``; ``active --down--> inactive``;
* storage: ``offline --online--> online``; ``online --offline--> offline``, and the OCCI
  1.1 ``online --backup|snapshot|resize-->`` their transitional states;
* the links (networkinterface, storagelink, componentLink) define no actions;
* application and component (OCCI Platform draft, platform.tex): ``inactive --start-->
  active``; ``active --stop--> inactive`` (one action scheme serves both kinds).

``error`` offers nothing: the diagrams draw no way out of it, so the only remedy is a
delete. rOCCI's ``waiting`` (provisioning) and the transitional 1.1 storage states offer
nothing either, as the entity is busy. An embedded server answers an action that is not
offered in the current state with 409 Conflict; an entity renders the offered ones as
its action links.

Constants only, plus three lookups; no imports beyond :mod:`.vocabulary`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from . import vocabulary as v

__all__ = [
    "ACTIONS_BY_STATE",
    "ACTION_TARGET_STATES",
    "STATE_ATTRIBUTES",
    "actions_in_state",
    "is_provisioning",
    "state_attribute",
    "target_state",
]

#: The attribute holding the state, by kind.
STATE_ATTRIBUTES: Mapping[str, str] = MappingProxyType(
    {
        v.COMPUTE_KIND: v.COMPUTE_STATE,
        v.NETWORK_KIND: v.NETWORK_STATE,
        v.STORAGE_KIND: v.STORAGE_STATE,
        v.NETWORKINTERFACE_KIND: v.NETWORKINTERFACE_STATE,
        v.STORAGELINK_KIND: v.STORAGELINK_STATE,
        v.APPLICATION_KIND: v.APP_STATE,
        v.COMPONENT_KIND: v.COMPONENT_STATE,
    }
)

_NOTHING: tuple[str, ...] = ()
_LINK_STATES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    dict.fromkeys(v.LINK_STATES, _NOTHING)
)

_PLATFORM_STATES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        v.STATE_INACTIVE: (v.PLATFORM_START,),
        v.STATE_ACTIVE: (v.PLATFORM_STOP,),
        v.STATE_ERROR: _NOTHING,
    }
)

#: The actions an entity of a kind offers in each state: kind → state → action ids.
ACTIONS_BY_STATE: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        v.COMPUTE_KIND: MappingProxyType(
            {
                v.STATE_INACTIVE: (v.COMPUTE_START,),
                v.STATE_ACTIVE: (
                    v.COMPUTE_STOP,
                    v.COMPUTE_RESTART,
                    v.COMPUTE_SUSPEND,
                    v.COMPUTE_SAVE,
                ),
                v.STATE_SUSPENDED: (v.COMPUTE_START,),
                v.STATE_ERROR: _NOTHING,
                v.STATE_WAITING: _NOTHING,
            }
        ),
        v.NETWORK_KIND: MappingProxyType(
            {
                v.STATE_INACTIVE: (v.NETWORK_UP,),
                v.STATE_ACTIVE: (v.NETWORK_DOWN,),
                v.STATE_ERROR: _NOTHING,
            }
        ),
        v.STORAGE_KIND: MappingProxyType(
            {
                v.STATE_OFFLINE: (v.STORAGE_ONLINE,),
                v.STATE_ONLINE: (
                    v.STORAGE_OFFLINE,
                    v.STORAGE_BACKUP,
                    v.STORAGE_SNAPSHOT,
                    v.STORAGE_RESIZE,
                ),
                v.STATE_ERROR: _NOTHING,
                v.STATE_BACKUP: _NOTHING,
                v.STATE_SNAPSHOT: _NOTHING,
                v.STATE_RESIZE: _NOTHING,
                v.STATE_DEGRADED: _NOTHING,
            }
        ),
        v.NETWORKINTERFACE_KIND: _LINK_STATES,
        v.STORAGELINK_KIND: _LINK_STATES,
        v.APPLICATION_KIND: _PLATFORM_STATES,
        v.COMPONENT_KIND: _PLATFORM_STATES,
    }
)

#: The state an action leads to (the "Target state" columns of GFD.224, GFD.184 and the
#: platform draft).
#: The 1.1 storage actions lead to a transitional state; the provider returns the
#: storage to ``online`` when the operation ends.
ACTION_TARGET_STATES: Mapping[str, str] = MappingProxyType(
    {
        v.COMPUTE_START: v.STATE_ACTIVE,
        v.COMPUTE_STOP: v.STATE_INACTIVE,
        v.COMPUTE_RESTART: v.STATE_ACTIVE,
        v.COMPUTE_SUSPEND: v.STATE_SUSPENDED,
        v.COMPUTE_SAVE: v.STATE_ACTIVE,
        v.NETWORK_UP: v.STATE_ACTIVE,
        v.NETWORK_DOWN: v.STATE_INACTIVE,
        v.STORAGE_ONLINE: v.STATE_ONLINE,
        v.STORAGE_OFFLINE: v.STATE_OFFLINE,
        v.STORAGE_BACKUP: v.STATE_BACKUP,
        v.STORAGE_SNAPSHOT: v.STATE_SNAPSHOT,
        v.STORAGE_RESIZE: v.STATE_RESIZE,
        v.PLATFORM_START: v.STATE_ACTIVE,
        v.PLATFORM_STOP: v.STATE_INACTIVE,
    }
)


def state_attribute(kind: str) -> str | None:
    """The name of the state attribute of a standard kind, or None for other kinds."""
    return STATE_ATTRIBUTES.get(kind)


def actions_in_state(kind: str, state: str) -> tuple[str, ...] | None:
    """The actions a ``kind`` entity offers in ``state``.

    None when the table does not cover the kind (a provider kind: the caller decides);
    an empty tuple for a state the kind does not know.
    """
    by_state = ACTIONS_BY_STATE.get(kind)
    if by_state is None:
        return None
    return by_state.get(state, _NOTHING)


def target_state(action: str) -> str | None:
    """The state a standard action leads to, or None for other actions."""
    return ACTION_TARGET_STATES.get(action)


def is_provisioning(state: object) -> bool:
    """True for a state that means "still being created".

    rOCCI answers ``waiting`` right after a create (and while hot-plugging); it is kept
    as the server sent it, and callers treat it as provisioning rather than an error or
    an unknown state. ooi answers ``inactive`` instead, which cannot be told apart from
    a stopped instance, so it is not a provisioning state here.
    """
    return state == v.STATE_WAITING
