"""What the OCCI Platform adapters share: the run state, its actions, templates, details.

An Application and a Component are driven to their desired ``runState`` by the platform's
``start`` and ``stop`` actions (one action scheme serves both kinds); a step is offered only
when the entity's state allows the action (:mod:`occi_operator.occi.states`), never while
it is still being deployed.
"""

from __future__ import annotations

from occi_operator.api.v1alpha1.runstate import RunState
from occi_operator.occi import vocabulary as v
from occi_operator.occi.attributes import AttributeValue
from occi_operator.occi.client import TemplateFamily
from occi_operator.occi.entities import ActionInvocation, Link, Resource
from occi_operator.occi.states import actions_in_state, is_provisioning
from occi_operator.reconciler.contract import ActionStep

from ._common import state_of, template_term

__all__ = ["RUN", "observed_run_state", "platform_templates", "run_state_steps",
           "text_details"]

#: The OCCI state each desired run state means, and the action that reaches it.
RUN = {
    RunState.RUNNING: (v.STATE_ACTIVE, v.PLATFORM_START),
    RunState.STOPPED: (v.STATE_INACTIVE, v.PLATFORM_STOP),
}
_OBSERVED = {state: run for run, (state, _) in RUN.items()}


def platform_templates(remote: Resource | Link) -> dict[str, str | None]:
    """The status fields naming the app_tpl and res_tpl templates ``remote`` carries."""
    return {
        "application_template": template_term(remote.mixins, TemplateFamily.APPLICATION),
        "resource_template": template_term(remote.mixins, TemplateFamily.PLATFORM_RESOURCE),
    }


def observed_run_state(state: str | None) -> RunState | None:
    """The run state an OCCI state means (None for error or no state)."""
    return _OBSERVED.get(state or "")


def run_state_steps(
    remote: Resource | Link, *, kind: str, state_attribute: str, wanted: RunState
) -> tuple[ActionStep, ...]:
    """Start or stop ``remote`` towards ``wanted`` when its state offers the action."""
    state, _ = state_of(remote, state_attribute)
    if state is None or is_provisioning(state):
        return ()
    target, action = RUN[wanted]
    if state == target or action not in (actions_in_state(kind, state) or ()):
        return ()
    term = action.rpartition("#")[2]
    return (
        ActionStep(
            ActionInvocation(action=action),
            f"Triggered {term}: the OCCI state is {state}, spec.resource.runState wants "
            f"{wanted.value}",
        ),
    )


def text_details(**values: AttributeValue | None) -> dict[str, str]:
    """Connection details: the values that are set, as text."""
    return {key: str(value) for key, value in values.items() if value not in (None, "")}
