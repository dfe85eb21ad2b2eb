"""What this process created and has not recorded in status yet: the create window's memory.

The pass that sends a create's POST writes nothing after it (see :mod:`.flow`): the next
pass over the object — the settle timer's, seconds later — reads the new resource and
records its location with what it sees, with Ready when the cloud is quick. That saves
one Kubernetes write per object. In between, the location lives here, by uid, and is used
once. A crash loses only this memory: the object's ``status.createPending`` mark then has
the next process find the resource by its marker (:meth:`.lookup.Lookup.by_marker`).

Imports no kopf or Kubernetes client; holds no object bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Created", "Creations"]


@dataclass(frozen=True)
class Created:
    """A resource created by this process whose location status does not hold yet."""

    location: str
    #: When the create was sent (RFC 3339), the start of its transition.
    since: str
    #: The state a new resource of the kind starts in (None: the kind has none).
    initial: str | None

    def fields(self) -> dict[str, Any]:
        """The status fields (snake_case) the recording pass writes."""
        recorded: dict[str, Any] = {"location": self.location}
        if self.initial is not None:
            recorded.update(transition_since=self.since, transition_from=self.initial)
        return recorded

    def status(self) -> dict[str, Any]:
        """The same fields as status holds them (camelCase), for the pass's own view."""
        recorded: dict[str, Any] = {"location": self.location}
        if self.initial is not None:
            recorded.update(transitionSince=self.since, transitionFrom=self.initial)
        return recorded


class Creations:
    """By uid: what this process created and the next pass records. Each is used once."""

    def __init__(self) -> None:
        self._by_uid: dict[str, Created] = {}

    def __len__(self) -> int:
        return len(self._by_uid)

    def remember(self, uid: str, created: Created) -> None:
        """Keep ``created`` until a pass over ``uid`` takes it."""
        self._by_uid[uid] = created

    def take(self, uid: str) -> Created | None:
        """What was created for ``uid``, forgotten as it is handed out."""
        return self._by_uid.pop(uid, None)

    def forget(self, uid: str) -> None:
        """Drop what is kept for ``uid`` (its object is gone)."""
        self._by_uid.pop(uid, None)
