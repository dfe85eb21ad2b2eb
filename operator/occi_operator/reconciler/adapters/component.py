"""Component: a part of an application, a database with the database mixin."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from occi_operator.api.v1alpha1 import component as api
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
from ._platform import RUN, observed_run_state, platform_templates, run_state_steps

__all__ = ["ComponentAdapter"]


class ComponentAdapter(Adapter[api.ComponentSpec]):
    """Component ↔ ``platform#component`` (+ templates and the database mixin)."""

    info = api.KIND_INFO
    spec_model = api.ComponentSpec
    occi_kind = v.COMPONENT_KIND
    fields = (
        FieldMapping("database.version", v.DATABASE_VERSION, mutable=False,
                     mixin=v.DATABASE_MIXIN),
    )
    templates = (
        TemplateField("application_template", TemplateFamily.APPLICATION, mutable=False),
        TemplateField("resource_template", TemplateFamily.PLATFORM_RESOURCE, mutable=True),
    )

    def desired(self, spec: api.ComponentSpec, resolved: Resolved) -> Resource:
        """The component to create; ``database`` adds its mixin, with or without a version."""
        resource = spec.resource
        mixins = list(self.base_mixins(spec, resolved))
        if resource is not None and resource.database is not None:
            mixins.append(v.DATABASE_MIXIN)
        return Resource(
            kind=self.occi_kind,
            mixins=tuple(dict.fromkeys(mixins)),
            title=self.base_title(spec, resolved),
            summary=resolved.marker,
            attributes=self.base_attributes(spec),
        )

    def observe(self, remote: Resource | Link, spec: api.ComponentSpec) -> Observation:
        """Ready when in the state its run state means (a database: with a version)."""
        state, message = state_of(remote, v.COMPONENT_STATE)
        resource = spec.resource
        wanted = RUN[resource.run_state if resource else RunState.RUNNING][0]
        version = text(attribute(remote, v.DATABASE_VERSION))
        waiting_for_version = bool(resource and resource.database) and not version
        return Observation(
            ready=state == wanted and not waiting_for_version,
            message=f"The component is {state or 'in no state'}; waiting for {wanted}"
            + (" and a database version" if waiting_for_version else ""),
            failed=state == v.STATE_ERROR,
            state=state,
            state_message=message,
            status={
                "database_version": version,
                **platform_templates(remote),
                "run_state": observed_run_state(state),
            },
        )

    def steps(
        self, remote: Resource | Link, spec: api.ComponentSpec, status: Mapping[str, Any]
    ) -> tuple[ActionStep, ...]:
        """Start or stop towards ``runState``."""
        if spec.resource is None:
            return ()
        return run_state_steps(remote, kind=self.occi_kind, state_attribute=v.COMPONENT_STATE,
                               wanted=spec.resource.run_state)
