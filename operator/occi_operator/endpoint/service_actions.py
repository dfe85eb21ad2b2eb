"""Actions on entities: which ones fit the state, and what each does (GFD.224 §3.1–3.3).

The states table of :mod:`occi_operator.occi.states` decides whether an action fits: one
the entity's kind defines but its state does not offer is a 409 naming the state and the
actions possible now; an action the kind does not define is a 400. What they do:

* compute ``start`` (and network ``up``, storage ``online``, the platform's ``start`` of
  an application or component) takes the provisioning delay: the state changes when it
  has passed (at once with a delay of 0);
* ``stop``, ``restart``, ``suspend``, ``down``, ``offline`` change the state at once;
* ``save`` keeps the compute active and creates a new os_tpl user mixin from it (named
  by the ``name`` parameter, else generated), which :class:`ActionOutcome` carries so
  that the answer can name it;
* the OCCI 1.1 storage actions ``backup``, ``snapshot`` and ``resize`` (which also sets
  ``occi.storage.size``) pass through their state and come back ``online`` after the
  provisioning delay;
* an action of a provider kind or mixin changes nothing.

Every state change may land in ``error`` by fault injection (:mod:`.simulation`). An
entity that lingers after a delete takes no action (409). Imports no web layer.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from occi_operator.occi import vocabulary as v
from occi_operator.occi.attributes import AttributeDefinition
from occi_operator.occi.categories import Mixin
from occi_operator.occi.entities import ActionInvocation, Link, Resource
from occi_operator.occi.registry import CategoryRegistry
from occi_operator.occi.states import actions_in_state, state_attribute, target_state

from .catalog import ATTR_IMAGE
from .errors import BadRequestError, ConflictError
from .service_entities import invalid_request, template_family
from .simulation import Simulation
from .store import Record, Store

__all__ = ["SAVED_OS_TPL_SCHEME", "ActionOutcome", "ActionRunner"]

#: The scheme of the os_tpl mixins the save action creates.
SAVED_OS_TPL_SCHEME = "http://occi-operator.dev/occi/os_tpl/saved#"
_TERM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}")
#: Actions whose state change takes the provisioning delay.
_DELAYED = frozenset({v.COMPUTE_START, v.NETWORK_UP, v.STORAGE_ONLINE, v.PLATFORM_START})
#: OCCI 1.1 storage actions: a transitional state, then online after the delay.
_TRANSITIONAL = frozenset({v.STORAGE_BACKUP, v.STORAGE_SNAPSHOT, v.STORAGE_RESIZE})


def _term(type_id: str) -> str:
    return type_id.rpartition("#")[2]


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """The entity after an action, and the os_tpl mixin a ``save`` created (else None).

    For ``save`` the answer should name the new mixin: its type id, and its collection
    location (``mixin.location``) where the saved image's users are listed.
    """

    record: Record[Resource | Link]
    saved: Mixin | None = None


class ActionRunner:
    """Checks and carries out actions; see the module docstring."""

    def __init__(
        self,
        store: Store,
        *,
        registry: Callable[[], CategoryRegistry],
        simulation: Simulation,
        delay: float,
        add_mixin: Callable[[Mixin], None],
    ) -> None:
        """``add_mixin`` stores a new user mixin (for save) and refreshes the registry."""
        self._store = store
        self._registry = registry
        self._simulation = simulation
        self._delay = delay
        self._add_mixin = add_mixin

    def validate(self, invocation: ActionInvocation) -> None:
        """Raise 400 for an unknown action or invalid parameters."""
        with invalid_request(f"action {invocation.action}"):
            self._registry().validate_action(invocation)

    def check(self, record: Record[Resource | Link], invocation: ActionInvocation) -> str | None:
        """Raise unless the action fits the entity now; returns its state attribute."""
        registry = self._registry()
        entity, what = record.entity, f"{_term(record.entity.kind)} {record.location}"
        self.validate(invocation)
        defined = registry.defined_actions(entity.kind, entity.mixins)
        if invocation.action not in defined:
            offered = ", ".join(_term(action) for action in defined) or "none"
            raise BadRequestError(
                f"{what}: {invocation.action} is not one of its actions (it has: {offered})"
            )
        if self._simulation.deleting(record.location):
            raise ConflictError(f"{what} is being deleted; it takes no action")
        for known in registry.lineage(entity.kind):
            attribute = state_attribute(known.type_id)
            if attribute is None:
                continue
            state = entity.attributes.get(attribute)
            offered_now = actions_in_state(known.type_id, str(state)) or ()
            if target_state(invocation.action) is not None and (
                invocation.action not in offered_now
            ):
                possible = ", ".join(_term(a) for a in offered_now) or "none"
                raise ConflictError(
                    f"{what} is {state}: {_term(invocation.action)} is not possible in that "
                    f"state (possible now: {possible})"
                )
            return attribute
        return None

    def run(self, record: Record[Resource | Link], invocation: ActionInvocation) -> ActionOutcome:
        """Carry out a checked action (:meth:`check` first) and return the entity after it."""
        attribute = self.check(record, invocation)
        action, location = invocation.action, record.location
        saved = None
        target = target_state(action)
        if attribute is not None and target is not None:
            if action == v.COMPUTE_SAVE:
                saved = self._save(record, invocation)
            if action in _DELAYED and self._delay > 0:
                self._simulation.schedule_state(location, attribute=attribute, to=target,
                                                delay=self._delay)
            elif action in _TRANSITIONAL:
                if action == v.STORAGE_RESIZE:
                    self._resize(record, invocation)
                self._simulation.cancel(location)
                self._simulation.set_state(location, attribute, target, f"{_term(action)} "
                                           "in progress")
                if self._store.get(location) is not None:
                    self._simulation.schedule_state(location, attribute=attribute,
                                                    to=v.STATE_ONLINE, delay=self._delay)
            else:
                self._simulation.cancel(location)
                self._simulation.set_state(location, attribute, target, None)
        after = self._store.get(location)
        assert after is not None  # an action deletes nothing
        return ActionOutcome(after, saved)

    def _resize(self, record: Record[Resource | Link], invocation: ActionInvocation) -> None:
        entity = record.entity
        assert isinstance(entity, Resource)  # storage is a resource kind
        size = invocation.attributes[v.RESIZE_SIZE]  # required: validate_action checked it
        attributes = {**entity.attributes, v.STORAGE_SIZE: size}
        self._store.put_resource(entity.model_copy(update={"attributes": attributes,
                                                           "links": ()}))

    def _save(self, record: Record[Resource | Link], invocation: ActionInvocation) -> Mixin:
        registry = self._registry()
        name = invocation.attributes.get(v.SAVE_NAME)
        if name is None:
            term = f"saved-{uuid.uuid4().hex[:12]}"
        elif isinstance(name, str) and _TERM.fullmatch(name):
            term = name
        else:
            raise BadRequestError(
                f"action save: parameter {v.SAVE_NAME}: must be a term of letters, digits, "
                f"'_', '.' and '-' (got {name!r})"
            )
        if registry.get(SAVED_OS_TPL_SCHEME + term) is not None:
            raise ConflictError(f"action save: an os_tpl named {term} already exists")
        entity = record.entity
        current = [m for m in entity.mixins if template_family(registry, m) == v.OS_TPL_MIXIN]
        inherited = registry.mixin(current[0]).attributes if current else ()
        image = AttributeDefinition(name=ATTR_IMAGE, default=f"saved/{term}", mutable=False,
                                    description=f"Image saved from {record.location}.")
        attributes = (*(d for d in inherited if d.name != ATTR_IMAGE), image)
        title = entity.title or record.location
        mixin = Mixin(
            scheme=SAVED_OS_TPL_SCHEME, term=term, title=f"Saved from {title}",
            attributes=attributes, depends=(v.OS_TPL_MIXIN,), applies=(v.COMPUTE_KIND,),
            location=f"/os_tpl/saved/{term}/",
        )
        self._add_mixin(mixin)
        return mixin
