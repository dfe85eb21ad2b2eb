"""The kinds of the OCCI core model (GFD.221): entity, and resource and link under it.

``occi.core.id`` is immutable and required on every instance; the provider assigns it
when a create request carries none. Imports: :mod:`.attributes`, :mod:`.categories`,
:mod:`.entities` and :mod:`.vocabulary` only.
"""

from __future__ import annotations

from .attributes import AttributeDefinition
from .categories import Kind
from .entities import (
    CORE_ID,
    CORE_SOURCE,
    CORE_SOURCE_KIND,
    CORE_SUMMARY,
    CORE_TARGET,
    CORE_TARGET_KIND,
    CORE_TITLE,
)
from .vocabulary import CORE_SCHEME

__all__ = ["core_categories"]


def _attr(name: str, description: str, **properties: object) -> AttributeDefinition:
    return AttributeDefinition.model_validate(
        {"name": name, "description": description, **properties}
    )


def core_categories() -> tuple[Kind, ...]:
    """The kinds of the core model: entity, and resource and link under it (GFD.221)."""
    entity = Kind(
        scheme=CORE_SCHEME,
        term="entity",
        title="Entity",
        location="/entity/",
        attributes=(
            _attr(
                CORE_ID,
                "Unique identifier of the instance; the provider assigns it when the "
                "client gives none.",
                mutable=False,
                required=True,
            ),
            _attr(CORE_TITLE, "Display name of the instance."),
        ),
    )
    resource = Kind(
        scheme=CORE_SCHEME,
        term="resource",
        title="Resource",
        parent=entity.type_id,
        location="/resource/",
        attributes=(_attr(CORE_SUMMARY, "Short description of the resource."),),
    )
    link = Kind(
        scheme=CORE_SCHEME,
        term="link",
        title="Link",
        parent=entity.type_id,
        location="/link/",
        attributes=(
            _attr(CORE_SOURCE, "Location of the source resource.", required=True),
            _attr(CORE_SOURCE_KIND, "Kind of the source resource."),
            _attr(CORE_TARGET, "Location of the target resource.", required=True),
            _attr(CORE_TARGET_KIND, "Kind of the target resource."),
        ),
    )
    return (entity, resource, link)
