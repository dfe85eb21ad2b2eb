"""Finding an existing OCCI resource for an object: import by location or filter, adoption.

:class:`Lookup` answers the three questions the flow asks before it would create:
is there a resource at ``spec.import.location`` (of the right kind)? does
``spec.import.filter`` match exactly one resource (else the candidates are listed)? did a
create whose answer was lost leave a resource carrying our marker (exactly one: several
mean a duplicate nobody can attribute, and the object stops, Stalled)? Each answer is a
remote entity or an :class:`~.outcome.OutcomeError` with a terminal outcome that says what
the user must change. Reads only; writes nothing anywhere.
"""

from __future__ import annotations

from typing import Any

from occi_operator.api.v1alpha1.common import ConditionReason, ImportFilter
from occi_operator.occi.client import OCCIClient
from occi_operator.occi.entities import CORE_TITLE, Filter, Link, Resource
from occi_operator.occi.errors import NotFoundError
from occi_operator.occi.vocabulary import ENTITY_KIND

from .annotations import RECONCILE_REQUESTED_AT
from .contract import Adapter
from .outcome import Outcome, OutcomeError

__all__ = ["Lookup"]


class Lookup:
    """Looks up the remote resource of one object of ``adapter``'s kind."""

    def __init__(self, client: OCCIClient, adapter: Adapter[Any], marker: str) -> None:
        self.client = client
        self.adapter = adapter
        self.marker = marker

    async def at_location(self, location: str) -> Resource | Link:
        """The resource at ``spec.import.location``; terminal when missing or of another kind."""
        try:
            remote = await self.client.get(location)
        except NotFoundError:
            raise OutcomeError(Outcome.terminal(
                f"spec.import.location: no OCCI resource at {location}"
            )) from None
        # An unbound generic adapter (core#entity: the kind is not known yet) takes any.
        if self.adapter.occi_kind not in (remote.kind, ENTITY_KIND):
            raise OutcomeError(Outcome.terminal(
                f"spec.import.location: {location} is a {remote.kind}, not a "
                f"{self.adapter.occi_kind}"
            ))
        return remote

    async def search(self, where: Filter) -> list[str]:
        """Locations of the kind's collection members matching ``where``, sorted."""
        collection = self.adapter.collection or await self.client.collection_of(
            self.adapter.occi_kind
        )
        answer = await self.client.list_collection(collection, where=where)
        found = [e.location for e in answer.entities if e.location]
        return sorted({*found, *answer.locations})

    async def by_filter(self, wanted: ImportFilter) -> Resource | Link:
        """The one resource ``spec.import.filter`` matches; terminal for none or several."""
        attributes: dict[str, Any] = dict(wanted.attributes or {})
        if wanted.title is not None:
            attributes[CORE_TITLE] = wanted.title
        where = Filter(categories=(self.adapter.occi_kind, *(wanted.mixins or ())),
                       attributes=attributes)
        candidates = await self.search(where)
        if len(candidates) != 1:
            listed = ", ".join(candidates[:10]) or "none"
            raise OutcomeError(Outcome.terminal(
                f"spec.import.filter must match exactly one OCCI resource; it matches "
                f"{len(candidates)}: {listed}"
            ))
        return await self.at_location(candidates[0])

    async def by_marker(self) -> Resource | Link | None:
        """What a create with a lost answer left behind, found by our marker; None if nothing."""
        where = Filter(
            categories=(self.adapter.occi_kind,),
            attributes={self.adapter.marker_attribute: self.marker},
        )
        candidates = await self.search(where)
        if not candidates:
            return None
        if len(candidates) > 1:
            # Adopting one would leave the others running unseen, deleting any would
            # guess: a human decides which one this object owns.
            raise OutcomeError(Outcome.terminal(
                f"{len(candidates)} OCCI resources carry this object's marker "
                f"{self.marker!r}: {', '.join(candidates[:10])}. The operator cannot tell "
                "which one is its own and creates nothing more: delete the extra ones on the "
                "endpoint (keep one), then set the annotation "
                f"{RECONCILE_REQUESTED_AT} to any new value to look again",
                reason=ConditionReason.UNRECOVERABLE_ERROR,
            ))
        return await self.client.get(candidates[0])
