"""The Component kind: a part of an application, such as a database (``platform#component``).

A component may carry templates (``app_tpl``, ``res_tpl``) by name and the ``database``
mixin (``database: {version: "16"}``, ``occi.database.version``; the provider picks a
version when none is given). The mixin and its version are immutable: a new database
engine is a new component. ``runState`` maps onto the platform's start and stop actions.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from occi_operator.occi import vocabulary

from .common import ApiModel, ResourceStatus
from .kindinfo import KindInfo, PrinterColumn, Scope, standard_columns
from .lifecycle import LifecycleSpec
from .rules import IMMUTABLE
from .runstate import RunState, TemplateName

__all__ = [
    "KIND_INFO",
    "Component",
    "ComponentResourceSpec",
    "ComponentSpec",
    "ComponentStatus",
    "DatabaseSpec",
]


class DatabaseSpec(ApiModel):
    """The database mixin: this component is a database."""

    version: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Database version, such as 16 (occi.database.version); when empty, the "
        "provider (or the application template) decides. Immutable.",
        json_schema_extra=IMMUTABLE,
    )


class ComponentResourceSpec(ApiModel):
    """The desired component."""

    title: str | None = Field(
        default=None,
        max_length=255,
        description="Display name (occi.core.title); defaults to the object's name.",
    )
    application_template: TemplateName | None = Field(
        default=None,
        description="Application template (an app_tpl mixin, such as postgresql-16) by term "
        "or title, resolved through the endpoint's /-/. Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    resource_template: TemplateName | None = Field(
        default=None,
        description="Resource template (a res_tpl mixin, such as small) by term or title, "
        "resolved through /-/. Changing it resizes the component.",
    )
    database: DatabaseSpec | None = Field(
        default=None,
        description="Make the component a database (the database mixin). Immutable: it can "
        "be neither added nor removed once the component exists.",
        json_schema_extra=IMMUTABLE,
    )
    run_state: RunState = Field(
        default=RunState.RUNNING,
        description="Desired state: Running (start) or Stopped (stop), reached through the "
        "platform's actions.",
    )


class ComponentSpec(LifecycleSpec):
    """The desired state of a Component."""

    resource: ComponentResourceSpec | None = Field(
        default=None,
        description="The component to create and keep in shape (managed objects).",
    )


class ComponentStatus(ResourceStatus):
    """The observed state of a Component."""

    database_version: str | None = Field(
        default=None, description="Observed occi.database.version (database components)."
    )
    application_template: str | None = Field(
        default=None, description="Term of the application template the component carries."
    )
    resource_template: str | None = Field(
        default=None, description="Term of the resource template the component carries."
    )
    run_state: RunState | None = Field(
        default=None, description="Run state derived from the OCCI state."
    )


class Component(ApiModel):
    """A component (such as a database) on an OCCI platform endpoint."""

    api_version: Literal["occi.occi-operator.dev/v1alpha1"] = Field(
        default="occi.occi-operator.dev/v1alpha1", description="APIVersion of the object."
    )
    kind: Literal["Component"] = Field(default="Component", description="Kind of the object.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Standard metadata.")
    spec: ComponentSpec = Field(description="The desired state.")
    status: ComponentStatus | None = Field(default=None, description="The observed state.")


KIND_INFO = KindInfo(
    kind="Component",
    plural="components",
    singular="component",
    short_names=("occicpt", "ocpt"),
    scope=Scope.NAMESPACED,
    model=Component,
    occi_kind=vocabulary.COMPONENT_KIND,
    description="A component, such as a database, on an OCCI platform endpoint "
    "(platform#component).",
    columns=standard_columns(
        PrinterColumn("Database", ".status.databaseVersion",
                      description="Observed database version."),
        PrinterColumn("Run", ".status.runState", description="Observed run state."),
        PrinterColumn("Endpoint", ".spec.endpointRef.name", description="The endpoint."),
    ),
)
