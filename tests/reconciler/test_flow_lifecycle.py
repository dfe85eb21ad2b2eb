"""Lifecycle fields through the flow: import by location or filter, unmanaged, detach."""

from __future__ import annotations

import pytest
from flow_support import Stack, remote_locations

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import OCCIClient
from occi_operator.occi.entities import ActionInvocation, Resource
from occi_operator.reconciler.outcome import OutcomeKind


async def make_network(http: OCCIClient, title: str, vlan: int = 7) -> str:
    return await http.create(
        Resource(kind=v.NETWORK_KIND, title=title, attributes={v.NETWORK_VLAN: vlan})
    )


async def test_import_by_location_adopts_and_corrects_mutable_drift(
    stack: Stack, http: OCCIClient
) -> None:
    location = await make_network(http, "legacy")
    stack.apply("Network", "legacy", {"vlan": 9}, **{"import": {"location": location}})
    assert (await stack.settle("Network", "legacy")).kind is OutcomeKind.DONE
    obj = stack.read("Network", "legacy")
    assert obj.status["location"] == location
    assert obj.status["vlan"] == 9
    assert (await http.get(location)).title == "legacy"  # no spec title: left alone


async def test_import_by_filter_needs_exactly_one_match(stack: Stack, http: OCCIClient) -> None:
    one = await make_network(http, "alpha")
    await make_network(http, "beta")
    await make_network(http, "beta")
    stack.apply("Network", "a", None, managementPolicy="unmanaged",
                **{"import": {"filter": {"title": "alpha"}}})
    assert (await stack.settle("Network", "a")).kind is OutcomeKind.DONE
    assert stack.read("Network", "a").status["location"] == one
    stack.apply("Network", "b", None, managementPolicy="unmanaged",
                **{"import": {"filter": {"title": "beta"}}})
    outcome = await stack.settle("Network", "b")
    assert outcome.kind is OutcomeKind.TERMINAL
    assert "matches 2" in outcome.message
    assert outcome.message.count("http://occi.test/network/") == 2
    stack.apply("Network", "c", None, managementPolicy="unmanaged",
                **{"import": {"filter": {"title": "gamma"}}})
    assert "matches 0: none" in (await stack.settle("Network", "c")).message


async def test_import_error_names_the_location(stack: Stack) -> None:
    missing = "http://occi.test/network/does-not-exist"
    stack.apply("Network", "x", None, managementPolicy="unmanaged",
                **{"import": {"location": missing}})
    outcome = await stack.settle("Network", "x")
    assert outcome.kind is OutcomeKind.TERMINAL
    assert missing in stack.condition("Network", "x", "Stalled")["message"]


async def test_unmanaged_observes_and_never_writes(stack: Stack, http: OCCIClient) -> None:
    location = await make_network(http, "observed", vlan=3)
    stack.apply("Network", "o", None, managementPolicy="unmanaged",
                **{"import": {"location": location}})
    await stack.settle("Network", "o")
    await http.update(location, Resource(kind=v.NETWORK_KIND, attributes={v.NETWORK_VLAN: 4}))
    await stack.step("Network", "o")
    assert stack.read("Network", "o").status["vlan"] == 4
    stack.delete("Network", "o")
    assert (await stack.finish_delete("Network", "o")).kind is OutcomeKind.DONE
    assert await remote_locations(http, "/network/") == {location}


async def test_imported_resource_deleted_outside_is_stalled(stack: Stack, http: OCCIClient) -> None:
    location = await make_network(http, "fragile")
    stack.apply("Network", "f", None, managementPolicy="unmanaged",
                **{"import": {"location": location}})
    await stack.settle("Network", "f")
    await http.delete(location)
    outcome = await stack.settle("Network", "f")
    assert outcome.kind is OutcomeKind.TERMINAL
    assert stack.condition("Network", "f", "Stalled")["reason"] == "UnrecoverableError"


@pytest.mark.parametrize(("on_delete", "remains"), [("detach", 1), ("delete", 0)],
                         ids=["detach-leaves-it", "delete-removes-it"])
async def test_on_delete(stack: Stack, http: OCCIClient, on_delete: str, remains: int) -> None:
    stack.apply("Storage", "disk", {"size": "1Gi"}, managedOptions={"onDelete": on_delete})
    await stack.settle("Storage", "disk")
    stack.delete("Storage", "disk")
    assert (await stack.finish_delete("Storage", "disk")).kind is OutcomeKind.DONE
    assert stack.gone("Storage", "disk")
    assert len(await remote_locations(http, "/storage/")) == remains


async def test_storage_resize_and_offline(stack: Stack) -> None:
    stack.apply("Storage", "disk", {"size": "1Gi"})
    await stack.settle("Storage", "disk")
    stack.apply("Storage", "disk", {"size": "2560Mi", "online": False})
    assert (await stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    status = stack.read("Storage", "disk").status
    assert (status["size"], status["online"], status["state"]) == ("2560Mi", False, "offline")


async def test_an_observed_stopped_machine_is_ready_as_it_is(
    stack: Stack, http: OCCIClient
) -> None:
    location = await http.create(Resource(kind=v.COMPUTE_KIND, title="legacy-vm"))
    await http.get(location)  # provisioning lands on the next request
    await http.trigger(location, ActionInvocation(action=v.COMPUTE_STOP))
    stack.apply("Compute", "seen", None, managementPolicy="unmanaged",
                **{"import": {"location": location}})
    assert (await stack.settle("Compute", "seen")).kind is OutcomeKind.DONE
    status = stack.read("Compute", "seen").status
    assert (status["state"], status["powerState"]) == ("inactive", "Stopped")
    assert (await http.get(location)).attributes[v.COMPUTE_STATE] == "inactive"
