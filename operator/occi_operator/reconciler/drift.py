"""Drift: where the remote entity differs from what the spec asks, field by field.

The comparison is generic: the adapter's ``desired`` entity and its field table say what
each spec field should look like remotely, so no adapter compares fields by hand. A field
the spec leaves unset is not compared (the endpoint or a template decides it). Mutable
drift is corrected by a partial update; immutable drift is reported (Stalled,
InvalidConfiguration), never fixed by a recreate.

Pure functions; no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from occi_operator.occi.attributes import AttributeValue
from occi_operator.occi.entities import CORE_TITLE, Link, Resource

from .contract import Adapter, Resolved, field_value

__all__ = ["Drift", "find_drift", "partial_update"]


@dataclass(frozen=True)
class Drift:
    """One spec field whose remote value differs."""

    field: str
    attribute: str
    desired: Any
    observed: Any
    mutable: bool

    def describe(self) -> str:
        """``field (attribute): spec says X, the resource has Y``."""
        return (
            f"{self.field} ({self.attribute}): spec says {self.desired!r}, "
            f"the resource has {self.observed!r}"
        )


def same_value(desired: AttributeValue | None, observed: AttributeValue | None) -> bool:
    """Equality as OCCI values go: numbers within a relative 1e-6, text exactly."""
    if isinstance(desired, bool) or isinstance(observed, bool):
        return desired == observed
    if isinstance(desired, int | float) and isinstance(observed, int | float):
        return math.isclose(float(desired), float(observed), rel_tol=1e-6, abs_tol=1e-9)
    if isinstance(desired, int | float) and isinstance(observed, str):
        try:
            return same_value(desired, float(observed))
        except ValueError:
            return False
    return desired == observed


def find_drift(
    adapter: Adapter[Any],
    spec: Any,
    desired: Resource | Link,
    remote: Resource | Link,
    resolved: Resolved,
) -> tuple[Drift, ...]:
    """Every field of the adapter's table whose desired value the remote does not show.

    A field is compared only when the spec sets it: what ``desired`` fills in by default
    (the title, an application's name: the object's name) applies to a create, and an
    imported or adopted resource need not carry it.
    """
    drifts: list[Drift] = []
    remote_values = remote.attributes
    for mapping in adapter.fields:
        if mapping.attribute not in desired.attributes or mapping.value(spec) is None:
            continue
        wanted = desired.attributes[mapping.attribute]
        seen = remote_values.get(mapping.attribute)
        if seen is not None:
            seen = mapping.normalize(seen)
        if not same_value(mapping.normalize(wanted), seen):
            drifts.append(Drift(mapping.field, mapping.attribute, wanted, seen, mapping.mutable))
    titled = field_value(spec, "title") is not None
    if titled and desired.title is not None and desired.title != remote.title:
        drifts.append(Drift("title", CORE_TITLE, desired.title, remote.title, True))
    for template in adapter.templates:
        mixin = resolved.templates.get(template.field)
        if mixin is None or mixin in remote.mixins:
            continue
        family = template.family.value
        current = [m for m in remote.mixins if m.rpartition("#")[0].endswith(family)]
        drifts.append(
            Drift(template.field, family, mixin, current[0] if current else None,
                  template.mutable)
        )
    return tuple(drifts)


def partial_update(
    desired: Resource | Link,
    drifts: Sequence[Drift],
    resolved: Resolved,
    remote: Resource | Link,
) -> Resource | Link:
    """The partial entity (POST to the entity) that corrects the mutable ``drifts``.

    A link keeps the remote's ends: a partial update never moves a link.
    """
    attributes = {
        d.attribute: desired.attributes[d.attribute]
        for d in drifts
        if d.mutable and d.attribute in desired.attributes
    }
    template_ids = set(resolved.templates.values())
    mixins = tuple(
        d.desired for d in drifts if d.mutable and isinstance(d.desired, str)
        and d.desired in template_ids
    )
    title = next((d.desired for d in drifts if d.mutable and d.attribute == CORE_TITLE), None)
    update: dict[str, Any] = {
        "attributes": attributes,
        "mixins": mixins,
        "title": title,
        "id": None,
        "location": None,
        "actions": (),
    }
    if isinstance(desired, Resource):
        update["summary"] = None
        update["links"] = ()
    if isinstance(desired, Link) and isinstance(remote, Link):
        update.update(source=remote.source, target=remote.target,
                      source_kind=None, target_kind=None)
    return desired.model_copy(update=update)
