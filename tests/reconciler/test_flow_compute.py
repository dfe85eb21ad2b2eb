"""Compute through the generic flow, against the embedded endpoint (create, update, delete)."""

from __future__ import annotations

from flow_support import NAMESPACE, Stack, remote_locations, rtype

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import OCCIClient
from occi_operator.occi.entities import ActionInvocation
from occi_operator.reconciler.dependencies import FINALIZER
from occi_operator.reconciler.outcome import OutcomeKind


async def test_create_minimal_becomes_ready(stack: Stack, http: OCCIClient) -> None:
    stack.apply("Compute", "vm", {"resourceTemplate": "small", "osTemplate": "debian-12"})
    outcome = await stack.settle("Compute", "vm")
    assert outcome.kind is OutcomeKind.DONE, outcome
    obj = stack.read("Compute", "vm")
    assert FINALIZER in obj.finalizers
    assert obj.status["observedGeneration"] == obj.generation
    assert obj.status["state"] == "active"
    assert obj.status["powerState"] == "Running"
    assert obj.status["cores"] == 1
    assert obj.status["memory"] == "2Gi"
    assert obj.status["osTemplate"] == "debian-12"
    assert "createPending" not in obj.status
    assert stack.condition("Compute", "vm", "Ready")["status"] == "True"
    assert stack.condition("Compute", "vm", "Stalled")["status"] == "False"
    remote = await http.get(obj.status["location"])
    assert remote.title == "vm"
    assert remote.summary == f"occi-operator uid={obj.uid}"


async def test_create_full_with_user_data_keeps_it_out_of_status(
    stack: Stack, http: OCCIClient
) -> None:
    stack.kube.put_secret(NAMESPACE, "cloud-init", {"user-data": "#cloud-config\npassword: s3cr3t"})
    stack.apply("Compute", "full", {
        "title": "Full machine", "cores": 2, "memory": "3Gi", "architecture": "x64",
        "hostname": "full.example.org", "osTemplate": "Debian 12 (bookworm)",
        "resourceTemplate": "medium",
        "userDataSecretRef": {"name": "cloud-init", "key": "user-data"},
        "sshPublicKeys": ["ssh-ed25519 AAAAC3Nza test@example"],
    })
    assert (await stack.settle("Compute", "full")).kind is OutcomeKind.DONE
    obj = stack.read("Compute", "full")
    assert (obj.status["cores"], obj.status["memory"]) == (2, "3Gi")
    remote = await http.get(obj.status["location"])
    assert v.USER_DATA_MIXIN in remote.mixins
    assert v.COMPUTE_USERDATA not in obj.status["attributes"]
    assert "s3cr3t" not in repr(obj.status) + repr(stack.kube.events)


async def test_resize_by_resource_template_and_cores(stack: Stack, http: OCCIClient) -> None:
    stack.apply("Compute", "vm", {"resourceTemplate": "small", "osTemplate": "cirros"})
    await stack.settle("Compute", "vm")
    stack.apply("Compute", "vm", {"resourceTemplate": "large", "osTemplate": "cirros"})
    assert (await stack.settle("Compute", "vm")).kind is OutcomeKind.DONE
    obj = stack.read("Compute", "vm")
    assert (obj.status["cores"], obj.status["resourceTemplate"]) == (4, "large")
    stack.apply("Compute", "vm", {"resourceTemplate": "large", "osTemplate": "cirros",
                                  "cores": 6})
    assert (await stack.settle("Compute", "vm")).kind is OutcomeKind.DONE
    assert stack.read("Compute", "vm").status["cores"] == 6
    assert any(e.reason == "Updated" for e in stack.kube.events)


async def test_power_states_and_restart_go_through_actions(stack: Stack) -> None:
    spec = {"osTemplate": "cirros", "resourceTemplate": "small"}
    stack.apply("Compute", "vm", spec)
    await stack.settle("Compute", "vm")
    for power, state in (("Stopped", "inactive"), ("Running", "active"),
                         ("Suspended", "suspended"), ("Stopped", "inactive")):
        stack.apply("Compute", "vm", {**spec, "powerState": power})
        assert (await stack.settle("Compute", "vm")).kind is OutcomeKind.DONE, power
        assert stack.read("Compute", "vm").status["state"] == state
    stack.apply("Compute", "vm", {**spec, "restartRequest": "2026-01-01T00:00:00Z"})
    assert (await stack.settle("Compute", "vm")).kind is OutcomeKind.DONE
    obj = stack.read("Compute", "vm")
    assert obj.status["lastRestartRequest"] == "2026-01-01T00:00:00Z"
    actions = [e.message for e in stack.kube.events if e.reason == "Action"]
    assert any("restart" in message for message in actions)


async def test_immutable_change_is_stalled_never_recreated(stack: Stack, http: OCCIClient) -> None:
    stack.apply("Compute", "vm", {"osTemplate": "cirros", "resourceTemplate": "small"})
    await stack.settle("Compute", "vm")
    location = stack.read("Compute", "vm").status["location"]
    stack.apply("Compute", "vm", {"osTemplate": "debian-12", "resourceTemplate": "small"})
    outcome = await stack.settle("Compute", "vm")
    assert outcome.kind is OutcomeKind.TERMINAL
    stalled = stack.condition("Compute", "vm", "Stalled")
    assert (stalled["status"], stalled["reason"]) == ("True", "InvalidConfiguration")
    assert "os_template" in stalled["message"]
    assert stack.read("Compute", "vm").status["location"] == location
    assert await remote_locations(http, "/compute/") == {location}


async def test_unknown_template_is_stalled_with_the_names_offered(stack: Stack) -> None:
    stack.apply("Compute", "vm", {"osTemplate": "windows-95"})
    outcome = await stack.settle("Compute", "vm")
    assert outcome.kind is OutcomeKind.TERMINAL
    message = stack.condition("Compute", "vm", "Stalled")["message"]
    assert "windows-95" in message
    assert "debian-12" in message
    assert FINALIZER not in stack.read("Compute", "vm").finalizers


async def test_delete_removes_remote_and_releases(stack: Stack, http: OCCIClient) -> None:
    stack.apply("Compute", "vm", {"osTemplate": "cirros"})
    await stack.settle("Compute", "vm")
    location = stack.read("Compute", "vm").status["location"]
    stack.delete("Compute", "vm")
    outcome = await stack.step("Compute", "vm")
    assert outcome.kind is OutcomeKind.DONE
    assert not await remote_locations(http, "/compute/")
    assert location
    assert stack.kube.exists(rtype("Compute"), NAMESPACE, "vm")  # kopf drops the finalizer


async def test_remote_deleted_outside_is_created_again(stack: Stack, http: OCCIClient) -> None:
    stack.apply("Compute", "vm", {"osTemplate": "cirros"})
    await stack.settle("Compute", "vm")
    first = stack.read("Compute", "vm").status["location"]
    await http.delete(first)
    assert (await stack.settle("Compute", "vm")).kind is OutcomeKind.DONE
    second = stack.read("Compute", "vm").status["location"]
    assert second != first
    assert any(e.reason == "RemoteDeleted" for e in stack.kube.events)


async def test_a_resync_corrects_power_drift_made_outside(stack: Stack, http: OCCIClient) -> None:
    stack.apply("Compute", "vm", {"osTemplate": "cirros"})
    await stack.settle("Compute", "vm")
    location = stack.read("Compute", "vm").status["location"]
    await http.trigger(location, ActionInvocation(action=v.COMPUTE_STOP))
    assert stack.runtime.fresh(stack.read("Compute", "vm"))  # status still says Ready
    outcome = await stack.settle("Compute", "vm")  # what the resync timer runs when due
    assert outcome.kind is OutcomeKind.DONE
    assert (await http.get(location)).attributes[v.COMPUTE_STATE] == "active"
    assert any("start" in e.message for e in stack.kube.events if e.reason == "Action")
