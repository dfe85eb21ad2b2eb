"""The Application kind: an application on a platform (OCCI ``platform#application``).

The framework it runs on is an ``app_tpl`` template and its size a ``res_tpl`` template,
both named by term or title and resolved through the endpoint's ``/-/``. ``context`` (where
the code comes from, ``occi.app.context``) is immutable, as the Platform draft defines it;
the provider assigns the URL (``occi.app.url``), mirrored in ``status.url``. ``runState``
maps onto the platform's start and stop actions.
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
    "URL_PATTERN",
    "Application",
    "ApplicationResourceSpec",
    "ApplicationSpec",
    "ApplicationStatus",
]

#: A URL: a scheme, a colon and no blanks (what the endpoint accepts for occi.app.context).
URL_PATTERN = r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$"


class ApplicationResourceSpec(ApiModel):
    """The desired application."""

    title: str | None = Field(
        default=None,
        max_length=255,
        description="Display name (occi.core.title); defaults to the object's name.",
    )
    name: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="Name of the application (occi.app.name); defaults to the object's name.",
    )
    context: str = Field(
        min_length=3,
        max_length=2048,
        pattern=URL_PATTERN,
        description="URL the platform deploys the application from, such as a Git "
        "repository (occi.app.context). Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    application_template: TemplateName | None = Field(
        default=None,
        description="Application template (an app_tpl mixin: the framework, such as "
        "python-3.12) by term or title, resolved through the endpoint's /-/. Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    resource_template: TemplateName | None = Field(
        default=None,
        description="Resource template (a res_tpl mixin, such as small) by term or title, "
        "resolved through /-/. Changing it resizes the application.",
    )
    run_state: RunState = Field(
        default=RunState.RUNNING,
        description="Desired state: Running (start) or Stopped (stop), reached through the "
        "platform's actions.",
    )


class ApplicationSpec(LifecycleSpec):
    """The desired state of an Application."""

    resource: ApplicationResourceSpec | None = Field(
        default=None,
        description="The application to create and keep in shape (managed objects).",
    )


class ApplicationStatus(ResourceStatus):
    """The observed state of an Application."""

    name: str | None = Field(default=None, description="Observed occi.app.name.")
    url: str | None = Field(
        default=None, description="The URL the provider assigned (occi.app.url)."
    )
    application_template: str | None = Field(
        default=None, description="Term of the application template the application carries."
    )
    resource_template: str | None = Field(
        default=None, description="Term of the resource template the application carries."
    )
    run_state: RunState | None = Field(
        default=None, description="Run state derived from the OCCI state."
    )


class Application(ApiModel):
    """An application on an OCCI platform endpoint."""

    api_version: Literal["occi.occi-operator.dev/v1alpha1"] = Field(
        default="occi.occi-operator.dev/v1alpha1", description="APIVersion of the object."
    )
    kind: Literal["Application"] = Field(default="Application", description="Kind of the object.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Standard metadata.")
    spec: ApplicationSpec = Field(description="The desired state.")
    status: ApplicationStatus | None = Field(default=None, description="The observed state.")


KIND_INFO = KindInfo(
    kind="Application",
    plural="applications",
    singular="application",
    short_names=("occiapp", "oapp"),
    scope=Scope.NAMESPACED,
    model=Application,
    occi_kind=vocabulary.APPLICATION_KIND,
    description="An application on an OCCI platform endpoint (platform#application).",
    columns=standard_columns(
        PrinterColumn("URL", ".status.url", description="The URL the provider assigned."),
        PrinterColumn("Run", ".status.runState", description="Observed run state."),
        PrinterColumn("Endpoint", ".spec.endpointRef.name", description="The endpoint."),
    ),
)
