"""The simulated passage of time: state changes and deletions that land later.

A real cloud takes a while to boot a VM, and (with the delete-linger fault) to make a
deleted one disappear. The embedded endpoint imitates that without a background task:
:class:`Simulation` writes what is due and when into the store's simulation state of the
entity (:meth:`~.store.Store.set_state`), and :meth:`Simulation.advance` — which the
service calls before every request — applies whatever has fallen due by the injectable
clock. Nothing sleeps; a test moves its clock and calls ``advance``. Because the pending
changes are stored, a restarted endpoint carries them out too.

Two changes exist:

* a **state change**: ``occi.<kind>.state`` becomes ``to`` (``active`` after
  provisioning or a start), and its ``.message`` says why, or is removed. The fault
  injector may turn it into ``error`` (:meth:`~.faults.FaultInjector.error_state`);
* a **deletion**: the entity (with its links, as the store does) goes away.

Imports no web layer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from occi_operator.occi.entities import Link, Resource
from occi_operator.occi.vocabulary import STATE_ERROR

from .faults import FaultInjector
from .store import Store

__all__ = ["DELETING_MESSAGE", "ERROR_MESSAGE", "Pending", "Simulation"]

#: The state message of an entity that lingers after its deletion.
DELETING_MESSAGE = "deleting"
#: The state message of an entity whose state change failed by fault injection.
ERROR_MESSAGE = "the operation failed (injected fault)"

_STATE = "state"
_DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Pending:
    """A change scheduled for one entity: a state change (``attribute`` to ``to``) or a
    deletion (``delete``), due at ``due``."""

    due: datetime
    delete: bool = False
    attribute: str | None = None
    to: str | None = None
    message: str | None = None


class Simulation:
    """Schedules and applies delayed changes; see the module docstring."""

    def __init__(
        self, store: Store, *, clock: Callable[[], datetime], faults: FaultInjector
    ) -> None:
        """Work on ``store``, read the time from ``clock`` and ask ``faults`` for errors."""
        self._store = store
        self._clock = clock
        self._faults = faults

    def schedule_state(
        self,
        location: str,
        *,
        attribute: str,
        to: str,
        delay: float,
        message: str | None = None,
    ) -> Pending:
        """Let ``attribute`` of the entity at ``location`` become ``to`` in ``delay`` seconds.

        Replaces whatever was scheduled for the entity. ``message`` becomes the state
        message when the change lands (None removes it).
        """
        due = self._clock() + timedelta(seconds=delay)
        data: dict[str, Any] = {"change": _STATE, "attribute": attribute, "to": to}
        if message is not None:
            data["message"] = message
        self._store.set_state(location, data, due=due)
        return Pending(due=due, attribute=attribute, to=to, message=message)

    def schedule_delete(self, location: str, *, linger: float) -> Pending:
        """Delete the entity at ``location`` in ``linger`` seconds (replaces what was due)."""
        due = self._clock() + timedelta(seconds=linger)
        self._store.set_state(location, {"change": _DELETE}, due=due)
        return Pending(due=due, delete=True)

    def cancel(self, location: str) -> None:
        """Forget what was scheduled for the entity (an action overtook it)."""
        if self.pending(location) is not None:
            self._store.set_state(location, {}, due=None)

    def pending(self, location: str) -> Pending | None:
        """What is scheduled for the entity at ``location``, or None."""
        state = self._store.get_state(location)
        if state is None or state.due is None:
            return None
        data = state.data
        if data.get("change") == _DELETE:
            return Pending(due=state.due, delete=True)
        return Pending(
            due=state.due,
            attribute=_text(data.get("attribute")),
            to=_text(data.get("to")),
            message=_text(data.get("message")),
        )

    def deleting(self, location: str) -> bool:
        """True while the entity lingers after a delete."""
        pending = self.pending(location)
        return pending is not None and pending.delete

    def advance(self) -> int:
        """Apply every change due by now; returns how many entities changed."""
        now = self._clock()
        changed = 0
        for state in self._store.entities_due(now):
            with self._store.transaction():
                if state.data.get("change") == _DELETE:
                    changed += bool(self._store.delete(state.location))
                    continue
                attribute, to = _text(state.data.get("attribute")), _text(state.data.get("to"))
                if attribute is not None and to is not None:
                    message = _text(state.data.get("message"))
                    changed += self._set(state.location, attribute, to, message)
                self._store.set_state(state.location, {}, due=None)
        return changed

    def set_state(self, location: str, attribute: str, to: str, message: str | None) -> bool:
        """Change a state now (the fault injector may make it ``error``); True if it changed."""
        return self._set(location, attribute, to, message)

    def _set(self, location: str, attribute: str, to: str, message: str | None) -> bool:
        record = self._store.get(location)
        if record is None:
            return False
        if self._faults.error_state():
            to, message = STATE_ERROR, ERROR_MESSAGE
        entity = record.entity
        attributes = dict(entity.attributes)
        attributes[attribute] = to
        if message is None:
            attributes.pop(attribute + ".message", None)
        else:
            attributes[attribute + ".message"] = message
        if attributes == entity.attributes:
            return False
        if isinstance(entity, Resource):
            self._store.put_resource(entity.model_copy(update={"attributes": attributes,
                                                               "links": ()}))
        elif isinstance(entity, Link):
            self._store.put_link(entity.model_copy(update={"attributes": attributes}))
        return True


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
