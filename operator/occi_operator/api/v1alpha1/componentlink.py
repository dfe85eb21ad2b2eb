"""The ComponentLink kind: joins an application or a component to a component.

OCCI Platform's ``componentLink``: the source is an Application or a Component (exactly
one of ``source.applicationRef`` and ``source.componentRef``), the target a Component, all
named by objects in the same namespace and immutable. ``databaseLink: true`` adds the
``databaseLink`` mixin: the provider then generates the database URI, user name and token
the source needs. The token is a credential: it never reaches the status (the adapter
lists it among its secret attributes).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from occi_operator.occi import vocabulary

from .common import ApiModel, LocalRef, ResourceStatus
from .kindinfo import KindInfo, PrinterColumn, Scope, standard_columns
from .lifecycle import LifecycleSpec
from .rules import IMMUTABLE, Rule, RuledModel

__all__ = [
    "KIND_INFO",
    "ComponentLink",
    "ComponentLinkResourceSpec",
    "ComponentLinkSource",
    "ComponentLinkSpec",
    "ComponentLinkStatus",
    "ComponentLinkTarget",
]


class ComponentLinkSource(RuledModel):
    """Where the link starts: an Application or a Component."""

    cel_rules = (
        Rule(
            cel="has(self.applicationRef) != has(self.componentRef)",
            message="source must set exactly one of applicationRef and componentRef",
            check=lambda src: (src.application_ref is None) != (src.component_ref is None),
        ),
    )

    application_ref: LocalRef | None = Field(
        default=None, description="The Application the link starts from."
    )
    component_ref: LocalRef | None = Field(
        default=None, description="The Component the link starts from."
    )


class ComponentLinkTarget(ApiModel):
    """Where the link points: a Component."""

    component_ref: LocalRef = Field(description="The Component the link points at.")


class ComponentLinkResourceSpec(ApiModel):
    """The desired link between an application (or component) and a component."""

    source: ComponentLinkSource = Field(
        description="The link's source: an Application or a Component. Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    target: ComponentLinkTarget = Field(
        description="The link's target: a Component. Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    database_link: bool = Field(
        default=False,
        description="Carry the databaseLink mixin: the provider generates the database URI, "
        "user name and token the source connects with (the token never appears in status). "
        "Immutable.",
        json_schema_extra=IMMUTABLE,
    )


class ComponentLinkSpec(LifecycleSpec):
    """The desired state of a ComponentLink."""

    resource: ComponentLinkResourceSpec | None = Field(
        default=None, description="The link to create and keep in shape (managed objects)."
    )


class ComponentLinkStatus(ResourceStatus):
    """The observed state of a ComponentLink (never the database token)."""

    source: str | None = Field(default=None, description="Location of the source.")
    target: str | None = Field(default=None, description="Location of the target Component.")
    database_uri: str | None = Field(
        default=None, description="Observed occi.database.uri (databaseLink)."
    )
    database_username: str | None = Field(
        default=None, description="Observed occi.database.username (databaseLink)."
    )


class ComponentLink(ApiModel):
    """A link from an Application or Component to a Component on an OCCI endpoint."""

    api_version: Literal["occi.occi-operator.dev/v1alpha1"] = Field(
        default="occi.occi-operator.dev/v1alpha1", description="APIVersion of the object."
    )
    kind: Literal["ComponentLink"] = Field(
        default="ComponentLink", description="Kind of the object."
    )
    metadata: dict[str, Any] = Field(default_factory=dict, description="Standard metadata.")
    spec: ComponentLinkSpec = Field(description="The desired state.")
    status: ComponentLinkStatus | None = Field(default=None, description="The observed state.")


KIND_INFO = KindInfo(
    kind="ComponentLink",
    plural="componentlinks",
    singular="componentlink",
    short_names=("occicl", "ocl"),
    scope=Scope.NAMESPACED,
    model=ComponentLink,
    occi_kind=vocabulary.COMPONENTLINK_KIND,
    description="A link from an Application or Component to a Component "
    "(platform#componentLink), optionally carrying database access (databaseLink).",
    columns=standard_columns(
        PrinterColumn("Target", ".spec.resource.target.componentRef.name",
                      description="The target Component."),
        PrinterColumn("Database", ".status.databaseUri", description="Observed database URI."),
        PrinterColumn("Endpoint", ".spec.endpointRef.name", description="The endpoint."),
    ),
)
