"""Observation that scales: one collection GET per endpoint and kind serves every object.

A settled object (Ready for its current generation) is read again once per resync
period. Reading each one with its own GET costs a request per object per period;
:class:`CollectionPoller` instead lists the kind's collection once and hands every
object its entity out of that listing. The listing serves an object when

* the endpoint renders full entities in a collection. Listings ask for JSON first,
  whatever the rendering preferred for entities, since JSON collections carry whole
  entities and the text renderings list locations only; an endpoint that refuses JSON
  (406/415, then the next rendering is used) or answers with locations only makes every
  object fall back to its own GET, for good, as long as that client lives;
* it was requested after the object's last sync (an older listing would take its
  observation back in time) and is at most a quarter of the object's period old;
* the kind has at least ``min_members`` objects on that endpoint (for one object a
  listing of a large foreign collection costs more than one GET).

Every listing also confirms the objects it shows unchanged: each settled object's entity
is remembered (a digest) after its pass, and a listing that carries the same entity
marks the object observed in :class:`~.resync.SyncMemory` at the listing's time — no
pass, no GET, no Kubernetes request. Only objects whose entity changed stay due, and
their passes are served from the same listing. So, per endpoint and kind, one listing
per period serves every object, however their schedules were spread.

Concurrent readers share one request in flight. An object missing from a full listing
is read with its own GET, whose 404 is the authoritative answer. Whatever the operator
writes to an entity drops it from the listing held.

Objects that are changing state (being provisioned, after an update or an action) are
read with their own GET, first soon, then less often: :meth:`CollectionPoller.settling_delay`
doubles the wait on each look that finds the object still not ready, up to a cap.

Listings are kept per client (a rebuilt client starts afresh) and per collection URL.
This module talks to the endpoint only through the client; it imports no kopf or
Kubernetes client and writes nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from occi_operator.occi.client import OCCIClient
from occi_operator.occi.entities import Collection, Link, Resource
from occi_operator.occi.errors import OCCIError

from .resync import SyncMemory

__all__ = ["CollectionPoller", "Sighting"]

logger = logging.getLogger("occi_operator.reconciler.poller")

#: The share of an object's period a listing may be old and still serve it.
MAX_AGE_SHARE = 0.25
#: The rendering asked first for listings: its collections carry whole entities (GFD.226).
LISTING_RENDERING = "application/occi+json"


@dataclass(frozen=True)
class Sighting:
    """An entity as a collection listing showed it, and when that listing was requested."""

    entity: Resource | Link
    at: datetime


@dataclass
class _Listing:
    at: datetime
    #: Absolute location → entity; None when the rendering listed locations only.
    entities: dict[str, Resource | Link] | None


@dataclass(frozen=True)
class _Member:
    """A settled object's entity as its last pass saw it."""

    location: str
    digest: bytes


@dataclass
class _Collection:
    """What is known of one collection of one endpoint."""

    members: dict[str, _Member] = field(default_factory=dict)
    listing: _Listing | None = None
    in_flight: tuple[datetime, asyncio.Task[_Listing | None]] | None = None
    #: False once the endpoint answered a listing with locations only.
    full: bool = True


class CollectionPoller:
    """Serves settled objects from collection listings; see the module docstring."""

    def __init__(
        self,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        memory: SyncMemory | None = None,
        min_members: int = 2,
        backoff_cap: float = 30.0,
    ) -> None:
        self._now = now
        self.memory = memory or SyncMemory()
        self.min_members = min_members
        self.backoff_cap = backoff_cap
        self._clients: weakref.WeakKeyDictionary[OCCIClient, dict[str, _Collection]] = (
            weakref.WeakKeyDictionary()
        )
        self._homes: dict[str, tuple[weakref.ref[OCCIClient], str]] = {}
        self._waits: dict[str, int] = {}
        #: Collection GETs sent, objects served from a listing, objects a listing confirmed
        #: unchanged (for tests and logs).
        self.listings = 0
        self.served = 0
        self.confirmed = 0

    def _collection(self, client: OCCIClient, url: str) -> _Collection:
        return self._clients.setdefault(client, {}).setdefault(url, _Collection())

    def join(
        self, client: OCCIClient, collection: str, uid: str, entity: Resource | Link
    ) -> None:
        """Remember ``uid``'s settled ``entity`` in ``collection`` (after each Ready pass)."""
        url = client.absolute(collection)
        home = self._homes.get(uid)
        if home is not None and (home[0]() is not client or home[1] != url):
            self._leave(uid)
        location = client.absolute(entity.location or "")
        self._collection(client, url).members[uid] = _Member(location, _digest(entity))
        self._homes[uid] = (weakref.ref(client), url)

    def _leave(self, uid: str) -> None:
        home = self._homes.pop(uid, None)
        client = home[0]() if home else None
        if home is not None and client is not None:
            known = self._clients.get(client, {}).get(home[1])
            if known is not None:
                known.members.pop(uid, None)

    def forget(self, uid: str) -> None:
        """Drop everything known of ``uid`` (its object is gone)."""
        self._leave(uid)
        self._waits.pop(uid, None)

    def invalidate(self, client: OCCIClient, location: str) -> None:
        """Drop ``location`` from every listing of ``client``: the operator changed it."""
        absolute = client.absolute(location)
        for known in self._clients.get(client, {}).values():
            if known.listing is not None and known.listing.entities is not None:
                known.listing.entities.pop(absolute, None)

    async def sighting(
        self,
        client: OCCIClient,
        collection: str,
        location: str,
        *,
        since: datetime | None,
        period: float,
    ) -> Sighting | None:
        """The entity at ``location`` out of a listing, or None: read it with a GET."""
        url = client.absolute(collection)
        known = self._collection(client, url)
        if not known.full or len(known.members) < self.min_members:
            return None
        now = self._now()
        max_age = period * MAX_AGE_SHARE
        listing = known.listing
        if listing is None or not _usable(listing.at, since, now, max_age):
            known.listing = None  # expired: let it go before the next one arrives
            listing = await self._listing(client, url, known, since, now, max_age)
        if listing is None or listing.entities is None:
            return None
        entity = listing.entities.get(client.absolute(location))
        if entity is None:
            return None
        self.served += 1
        return Sighting(entity, listing.at)

    async def _listing(
        self,
        client: OCCIClient,
        url: str,
        known: _Collection,
        since: datetime | None,
        now: datetime,
        max_age: float,
    ) -> _Listing | None:
        if known.in_flight is None or not _usable(known.in_flight[0], since, now, max_age):
            task = asyncio.get_running_loop().create_task(self._fetch(client, url, known, now))
            known.in_flight = (now, task)
        task = known.in_flight[1]
        listing = await asyncio.shield(task)
        if known.in_flight is not None and known.in_flight[1] is task:
            known.in_flight = None
        if listing is not None and (known.listing is None or known.listing.at <= listing.at):
            known.listing = listing
        return listing

    async def _fetch(
        self, client: OCCIClient, url: str, known: _Collection, at: datetime
    ) -> _Listing | None:
        self.listings += 1
        try:
            answer = await client.list_collection(url, rendering=LISTING_RENDERING)
        except OCCIError as exc:
            # Each object falls back to its own GET, which reports the failure properly.
            logger.debug("listing %s failed: %s", url, exc)
            return None
        if answer.locations and not answer.entities:
            logger.info("%s lists locations only: reading its members one by one", url)
            known.full = False
            return _Listing(at, None)
        listing = _Listing(at, _by_location(client, answer))
        self._confirm(known, listing)
        return listing

    def _confirm(self, known: _Collection, listing: _Listing) -> None:
        """Mark observed, at the listing's time, every member whose entity is unchanged."""
        entities = listing.entities or {}
        for uid, member in list(known.members.items()):
            entity = entities.get(member.location)
            if entity is not None and _digest(entity) == member.digest:
                self.memory.mark(uid, listing.at)
                self.confirmed += 1

    def settling_delay(self, uid: str, base: float) -> float:
        """The wait before the next look at a changing object: base, 2×base, 4×base…"""
        looks = self._waits.get(uid, 0)
        self._waits[uid] = looks + 1
        return float(min(base * 2**looks, max(self.backoff_cap, base)))

    def settled(self, uid: str) -> None:
        """The object stopped changing: its next change starts with short waits again."""
        self._waits.pop(uid, None)


def _by_location(client: OCCIClient, answer: Collection) -> dict[str, Resource | Link]:
    """The listed entities by absolute location.

    JSON entity objects carry no location (GFD.226); servers send a ``locations`` array
    beside them. An entity is paired with the location ending in its id, else with the
    location at its own position when both lists are as long; one left unpaired is not
    served (its object is read with a GET).
    """
    locations = [client.absolute(location) for location in answer.locations]
    by_id = {location.rstrip("/").rsplit("/", 1)[-1]: location for location in locations}
    aligned = len(locations) == len(answer.entities)
    found: dict[str, Resource | Link] = {}
    for index, entity in enumerate(answer.entities):
        location = entity.location or (by_id.get(entity.id) if entity.id else None)
        if location is None and aligned:
            location = locations[index]
        if location is not None:
            location = client.absolute(location)
            found[location] = entity.model_copy(update={"location": location})
    return found


def _digest(entity: Resource | Link) -> bytes:
    """A short fingerprint of everything an entity says."""
    return hashlib.blake2b(entity.model_dump_json().encode(), digest_size=16).digest()


def _usable(at: datetime, since: datetime | None, now: datetime, max_age: float) -> bool:
    """A listing requested at ``at`` is newer than the last sync and young enough."""
    if since is not None and at < since:
        return False
    return (now - at).total_seconds() <= max_age
