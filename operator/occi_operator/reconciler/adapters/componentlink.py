"""ComponentLink: an Application or Component (source) to a Component (target)."""

from __future__ import annotations

from occi_operator.api.v1alpha1 import componentlink as api
from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import CORE_TITLE, Link, Resource
from occi_operator.reconciler.contract import Adapter, Observation, Reference, Resolved

from ._common import attribute, text
from ._platform import text_details

__all__ = ["ComponentLinkAdapter"]


class ComponentLinkAdapter(Adapter[api.ComponentLinkSpec]):
    """ComponentLink ↔ ``platform#componentLink`` (+ databaseLink)."""

    info = api.KIND_INFO
    spec_model = api.ComponentLinkSpec
    occi_kind = v.COMPONENTLINK_KIND
    marker_attribute = CORE_TITLE
    references = (
        Reference("source.application_ref", "Application", role="source"),
        Reference("source.component_ref", "Component", role="source"),
        Reference("target.component_ref", "Component", role="target"),
    )
    # The provider's credential: in the connection Secret, never in status.
    secret_attributes = frozenset({v.DATABASE_TOKEN})

    def desired(self, spec: api.ComponentLinkSpec, resolved: Resolved) -> Link:
        """The link to create, from the source's location to the target Component's."""
        refs = resolved.references
        from_app = "source.application_ref" in refs
        source = refs.get("source.application_ref") or refs.get("source.component_ref")
        database = spec.resource is not None and spec.resource.database_link
        return Link(
            kind=self.occi_kind,
            mixins=(v.DATABASELINK_MIXIN,) if database else (),
            title=resolved.marker,
            source=source,
            source_kind=v.APPLICATION_KIND if from_app else v.COMPONENT_KIND,
            target=refs.get("target.component_ref", ""),
            target_kind=v.COMPONENT_KIND,
        )

    def observe(self, remote: Resource | Link, spec: api.ComponentLinkSpec) -> Observation:
        """Ready once it exists (the draft gives the link no state); with databaseLink,
        once the provider generated the database URI."""
        link = remote if isinstance(remote, Link) else None
        uri = text(attribute(remote, v.DATABASE_URI))
        waiting = spec.resource is not None and spec.resource.database_link and uri is None
        return Observation(
            ready=not waiting,
            message="Waiting for the provider to generate the database URI",
            status={
                "source": link.source if link else None,
                "target": link.target if link else None,
                "database_uri": uri,
                "database_username": text(attribute(remote, v.DATABASE_USERNAME)),
            },
        )

    def connection_details(
        self, remote: Resource | Link, spec: api.ComponentLinkSpec
    ) -> dict[str, str]:
        """The database URI, user name and token (databaseLink)."""
        return text_details(
            uri=attribute(remote, v.DATABASE_URI),
            username=attribute(remote, v.DATABASE_USERNAME),
            token=attribute(remote, v.DATABASE_TOKEN),
        )
