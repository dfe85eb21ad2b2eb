"""Application: an application on a platform; templates by name, run state by actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from occi_operator.api.v1alpha1 import application as api
from occi_operator.api.v1alpha1.runstate import RunState
from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import TemplateFamily
from occi_operator.occi.entities import Link, Resource
from occi_operator.reconciler.contract import (
    ActionStep,
    Adapter,
    FieldMapping,
    Observation,
    Resolved,
    TemplateField,
)

from ._common import attribute, state_of, text
from ._platform import RUN, observed_run_state, platform_templates, run_state_steps, text_details

__all__ = ["ApplicationAdapter"]


class ApplicationAdapter(Adapter[api.ApplicationSpec]):
    """Application ↔ ``platform#application`` (+ app_tpl and res_tpl templates)."""

    info = api.KIND_INFO
    spec_model = api.ApplicationSpec
    occi_kind = v.APPLICATION_KIND
    fields = (
        FieldMapping("name", v.APP_NAME, mutable=True),
        FieldMapping("context", v.APP_CONTEXT, mutable=False),
    )
    templates = (
        TemplateField("application_template", TemplateFamily.APPLICATION, mutable=False),
        TemplateField("resource_template", TemplateFamily.PLATFORM_RESOURCE, mutable=True),
    )

    def desired(self, spec: api.ApplicationSpec, resolved: Resolved) -> Resource:
        """The application to create; its name defaults to the object's name."""
        attributes = self.base_attributes(spec)
        # occi.app.name is required by the Platform draft: the object's name stands in.
        attributes.setdefault(v.APP_NAME, resolved.name)
        return Resource(
            kind=self.occi_kind,
            mixins=self.base_mixins(spec, resolved),
            title=self.base_title(spec, resolved),
            summary=resolved.marker,
            attributes=attributes,
        )

    def observe(self, remote: Resource | Link, spec: api.ApplicationSpec) -> Observation:
        """Ready when deployed in the state its run state means and, running, given a URL."""
        state, message = state_of(remote, v.APP_STATE)
        run = spec.resource.run_state if spec.resource else RunState.RUNNING
        wanted = RUN[run][0]
        url = text(attribute(remote, v.APP_URL))
        waiting_for_url = run is RunState.RUNNING and not url
        return Observation(
            ready=state == wanted and not waiting_for_url,
            message=f"The application is {state or 'in no state'}; waiting for {wanted}"
            + (" and a URL" if waiting_for_url else ""),
            failed=state == v.STATE_ERROR,
            state=state,
            state_message=message,
            status={
                "name": text(attribute(remote, v.APP_NAME)),
                "url": url,
                **platform_templates(remote),
                "run_state": observed_run_state(state),
            },
        )

    def steps(
        self, remote: Resource | Link, spec: api.ApplicationSpec, status: Mapping[str, Any]
    ) -> tuple[ActionStep, ...]:
        """Start or stop towards ``runState``."""
        if spec.resource is None:
            return ()
        return run_state_steps(remote, kind=self.occi_kind, state_attribute=v.APP_STATE,
                               wanted=spec.resource.run_state)

    def connection_details(
        self, remote: Resource | Link, spec: api.ApplicationSpec
    ) -> dict[str, str]:
        """The URL the provider assigned, and the application's name."""
        return text_details(url=attribute(remote, v.APP_URL),
                            name=attribute(remote, v.APP_NAME))
