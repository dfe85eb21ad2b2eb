"""A Compute's power state and restart request, end to end: the spec says, the operator
triggers the OCCI action, the endpoint's machine follows and status reports it."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_kube import MANAGED_PLURALS, Kubectl, is_ready, wait_until
from e2e_services import Remote, Service

from occi_operator.occi import vocabulary as v

COMPUTE = MANAGED_PLURALS["Compute"]
#: The files of the example stack a lone Compute needs: endpoint, user data, the machine.
COMPUTE_ONLY = ("00-endpoint.yaml", "01-user-data.yaml", "20-compute.yaml")


@pytest.fixture
def machine(kube: Kubectl, stack: Path, operator: Service) -> str:
    """The example Compute ``web``, running and Ready; returns its name."""
    for name in COMPUTE_ONLY:
        kube.apply(stack / name)
    kube("wait", "--for=condition=Ready", "--timeout=90s", f"{COMPUTE}/web", timeout=120)
    return "web"


def power(kube: Kubectl, remote: Remote, name: str, wanted: str, occi_state: str) -> None:
    """Ask for ``wanted``; wait until status and the endpoint's machine agree."""
    kube.patch(COMPUTE, name, {"spec": {"resource": {"powerState": wanted}}})

    def reached() -> bool:
        obj = kube.get(COMPUTE, name)
        return is_ready(obj) and obj["status"].get("powerState") == wanted

    wait_until(reached, what=f"Compute/{name} to be {wanted} and Ready",
               describe=lambda: str(kube.get(COMPUTE, name).get("status")))  # fmt: skip
    entity = remote.get(kube.get(COMPUTE, name)["status"]["location"])
    assert entity is not None
    assert entity.attributes[v.COMPUTE_STATE] == occi_state


def test_stop_then_start(kube: Kubectl, remote: Remote, machine: str) -> None:
    power(kube, remote, machine, "Stopped", v.STATE_INACTIVE)
    power(kube, remote, machine, "Running", v.STATE_ACTIVE)


def test_suspend_then_resume(kube: Kubectl, remote: Remote, machine: str) -> None:
    power(kube, remote, machine, "Suspended", v.STATE_SUSPENDED)
    power(kube, remote, machine, "Running", v.STATE_ACTIVE)


def test_each_new_restart_request_restarts_once(
    kube: Kubectl, remote: Remote, machine: str
) -> None:
    for request in ("first", "second"):
        kube.patch(COMPUTE, machine, {"spec": {"resource": {"restartRequest": request}}})

        def handled(request: str = request) -> bool:
            obj = kube.get(COMPUTE, machine)
            return is_ready(obj) and obj["status"].get("lastRestartRequest") == request

        wait_until(handled, what=f"restart request {request!r} to be handled")
    status = kube.get(COMPUTE, machine)["status"]
    assert status["powerState"] == "Running"
    entity = remote.get(status["location"])
    assert entity is not None
    assert entity.attributes[v.COMPUTE_STATE] == v.STATE_ACTIVE
