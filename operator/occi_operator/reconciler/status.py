"""Writing an object's status: conditions, observedGeneration, the mirror, lastSyncTime.

:class:`StatusWriter` composes the new status from the pass's :class:`~.outcome.Outcome`,
the remote mirror (:class:`Mirror`) and the fields the flow sets (location,
createPending, the kind's own fields), compares it with the object's current status and
writes only when something changed — a resync that finds nothing new writes nothing.
Every write carries ``observedGeneration`` (kstatus; a paused pass keeps the old one)
and a ``resourceVersion`` precondition. ``lastSyncTime`` is written with another change,
or when the stored one is older than ``sync_refresh`` seconds: persisting every read
would make each resync a write per object; the in-memory sync times of :mod:`.resync`
fill the gap.

An Event is posted when Ready changes or the reason changes to an error. The remote
attributes that carry secrets never reach the mirror: those an adapter names
(``secret_attributes``), and, generically, any whose name says it holds a token, password,
secret, private or API key or user data (:func:`is_secret_attribute`), so that a kind
nobody wrote an adapter for (a provider's own) leaks nothing either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from pydantic.alias_generators import to_camel

from occi_operator.api.v1alpha1.common import Condition, ConditionReason, ConditionType, LinkStatus
from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import Link, Resource

from .contract import Observation
from .kube import KubeApi, KubeObject
from .outcome import Outcome, OutcomeKind

__all__ = [
    "SECRET_ATTRIBUTES",
    "Mirror",
    "StatusObserver",
    "StatusWriter",
    "format_time",
    "is_secret_attribute",
    "mirror_of",
    "parse_time",
]

#: Remote attributes never mirrored into status: they carry user data or secrets.
SECRET_ATTRIBUTES = frozenset({v.COMPUTE_USERDATA, v.OPENSTACK_USER_DATA})
#: A name part that says an attribute holds a secret (occi.database.token,
#: com.example.client_secret, org.openstack.compute.user_data, ...).
_SECRET_PART = re.compile(
    r"token|passw(or)?d|secret|private[_-]?key|api[_-]?key|user[_-]?data"
)
_ERROR_REASONS = frozenset(
    {
        ConditionReason.TRANSIENT_ERROR,
        ConditionReason.INVALID_CONFIGURATION,
        ConditionReason.ENDPOINT_UNAUTHORIZED,
        ConditionReason.UNRECOVERABLE_ERROR,
    }
)
_MIRROR_KEYS = ("state", "stateMessage", "attributes", "links")


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with second precision, as Kubernetes writes times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: object) -> datetime | None:
    """An RFC 3339 time written by :func:`format_time` (None when absent or unreadable)."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Mirror:
    """What status mirrors of a remote entity."""

    location: str
    state: str | None
    state_message: str | None
    attributes: Mapping[str, str]
    links: tuple[Mapping[str, Any], ...] = ()
    fields: Mapping[str, Any] = field(default_factory=dict)


def is_secret_attribute(name: str, hidden: Collection[str] = ()) -> bool:
    """Whether the attribute ``name`` may carry a secret and so stays out of status."""
    if name in SECRET_ATTRIBUTES or name in hidden:
        return True
    return any(_SECRET_PART.search(part) for part in name.lower().split("."))


def mirror_of(
    remote: Resource | Link, observation: Observation, *, hidden: Collection[str] = ()
) -> Mirror:
    """The mirror of ``remote``: its attributes as text (no secrets), links, state.

    ``hidden`` names further attributes to leave out (an adapter's ``secret_attributes``).
    """
    attributes = {
        name: _text(value)
        for name, value in sorted(remote.all_attributes().items())
        if value is not None and not is_secret_attribute(name, hidden)
    }
    links: list[Mapping[str, Any]] = []
    if isinstance(remote, Resource):
        for link in remote.links:
            state = next((val for key, val in link.attributes.items() if key.endswith(".state")),
                         None)
            links.append(
                LinkStatus(
                    location=link.location or "",
                    kind=link.kind,
                    target=link.target,
                    state=None if state is None else _text(state),
                ).model_dump(by_alias=True, exclude_none=True)
            )
    return Mirror(
        location=remote.location or "",
        state=observation.state,
        state_message=observation.state_message,
        attributes=attributes,
        links=tuple(links),
        fields=dict(observation.status),
    )


def _keep_link_locations(
    links: Iterable[Mapping[str, Any]], old: Any
) -> list[dict[str, Any]]:
    """The mirrored links, each without a location given the one status already has.

    A JSON collection listing renders no location for a resource's links (GFD.226 has
    no member for it) while a GET in text does: without this, status would flip between
    the two reads, one needless write each time.
    """
    known = {
        (link.get("kind"), link.get("target")): link.get("location")
        for link in (old if isinstance(old, list) else ())
        if isinstance(link, Mapping) and link.get("location")
    }
    kept = []
    for link in links:
        entry = dict(link)
        if not entry.get("location"):
            entry["location"] = known.get((entry.get("kind"), entry.get("target")), "")
        kept.append(entry)
    return kept


def _plain(value: Any) -> Any:
    """JSON-ready: enums to their values, mappings and sequences recursively."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v_) for k, v_ in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return getattr(value, "value", value)


def _previous_conditions(status: Mapping[str, Any]) -> list[Condition]:
    conditions = []
    for raw in status.get("conditions") or ():
        try:
            conditions.append(Condition.model_validate(raw))
        except ValidationError:
            continue
    return conditions


#: Told of every status a pass ends with: (object before, object as stored, outcome).
#: The metrics count objects with it (see :mod:`.metrics`).
StatusObserver = Callable[[KubeObject, KubeObject, Outcome], None]


class StatusWriter:
    """Composes and writes statuses; see the module docstring."""

    def __init__(
        self,
        kube: KubeApi,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        sync_refresh: float = 3600.0,
        observer: StatusObserver | None = None,
    ) -> None:
        self._kube = kube
        self._now = now
        self._sync_refresh = sync_refresh
        self._observer = observer

    def compose(
        self,
        obj: KubeObject,
        outcome: Outcome,
        *,
        mirror: Mirror | None = None,
        fields: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The new status (camelCase) for ``obj``; keys set to None are removed."""
        now = self._now()
        stamp = format_time(now)
        old = obj.status
        generation = obj.generation
        if outcome.kind is OutcomeKind.PAUSED:
            # A paused pass acted on no spec: kstatus must not take a new generation for
            # handled (Ready with the current observedGeneration) while it waits.
            kept = old.get("observedGeneration")
            generation = kept if isinstance(kept, int) else -1
        status: dict[str, Any] = {
            "observedGeneration": generation,
            "conditions": [
                c.model_dump(by_alias=True, exclude_none=True, mode="json")
                for c in outcome.conditions(
                    generation=generation, now=stamp, previous=_previous_conditions(old)
                )
            ],
        }
        if mirror is not None:
            status.update(
                location=mirror.location,
                state=mirror.state,
                stateMessage=mirror.state_message,
                attributes=dict(mirror.attributes),
                links=_keep_link_locations(mirror.links, old.get("links")) or None,
            )
            status.update({to_camel(k): _plain(val) for k, val in mirror.fields.items()})
        for key, value in (fields or {}).items():
            status[to_camel(key)] = _plain(value)
        if mirror is not None:
            last = parse_time(old.get("lastSyncTime"))
            stale = last is None or (now - last).total_seconds() >= self._sync_refresh
            if stale or self.changed(old, status):
                status["lastSyncTime"] = stamp
        return status

    @staticmethod
    def changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
        """True when writing ``new`` would change ``old`` (None counts as absent)."""
        return any(old.get(key) != value for key, value in new.items() if key != "lastSyncTime")

    async def write(
        self,
        obj: KubeObject,
        outcome: Outcome,
        *,
        mirror: Mirror | None = None,
        fields: Mapping[str, Any] | None = None,
    ) -> KubeObject:
        """Write the composed status when it differs; returns the object as now stored."""
        status = self.compose(obj, outcome, mirror=mirror, fields=fields)
        if not self.changed(obj.status, status) and "lastSyncTime" not in status:
            written = obj
        else:
            written = await self._kube.patch_status(obj, status)
            await self._announce(obj, outcome)
        if self._observer is not None:
            self._observer(obj, written, outcome)
        return written

    async def _announce(self, obj: KubeObject, outcome: Outcome) -> None:
        before = {c.type: c for c in _previous_conditions(obj.status)}.get(ConditionType.READY)
        was_ready = before is not None and before.status == "True"
        reason_changed = before is None or before.reason != outcome.reason.value
        if outcome.ready and not was_ready:
            await self._kube.post_event(
                obj, type="Normal", reason=outcome.reason.value, message=outcome.message
            )
        elif outcome.reason in _ERROR_REASONS and reason_changed:
            await self._kube.post_event(
                obj, type="Warning", reason=outcome.reason.value, message=outcome.message
            )
