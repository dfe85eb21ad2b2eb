"""Endpoint objects get a status of their own: Ready, the rendering, the templates offered."""

from __future__ import annotations

from flow_support import NAMESPACE, Stack

from occi_operator.reconciler.endpoints import ENDPOINTS
from occi_operator.reconciler.outcome import OutcomeKind


async def test_a_working_endpoint_is_ready_and_lists_its_templates(stack: Stack) -> None:
    endpoint = stack.kube.read(ENDPOINTS, NAMESPACE, "cloud")
    outcome = await stack.runtime.probe(endpoint)
    assert outcome.kind is OutcomeKind.DONE
    status = stack.kube.read(ENDPOINTS, NAMESPACE, "cloud").status
    assert "debian-12" in status["osTemplates"]
    assert status["resourceTemplates"] == ["large", "medium", "small", "xlarge"]
    assert status["rendering"] == "text/plain"
    assert status["observedGeneration"] == 1
    assert status["lastDiscoveryTime"]
    writes = stack.kube.writes
    await stack.runtime.probe(stack.kube.read(ENDPOINTS, NAMESPACE, "cloud"))
    assert stack.kube.writes == writes  # nothing new: nothing written


async def test_a_missing_credentials_secret_shows_on_the_endpoint(stack: Stack) -> None:
    stack.kube.apply(ENDPOINTS, NAMESPACE, "cloud", {
        "url": "http://occi.test/", "auth": "token", "credentialsSecretRef": {"name": "tok"},
    })
    outcome = await stack.runtime.probe(stack.kube.read(ENDPOINTS, NAMESPACE, "cloud"))
    assert outcome.kind is OutcomeKind.WAITING
    status = stack.kube.read(ENDPOINTS, NAMESPACE, "cloud").status
    ready = next(c for c in status["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("False", "WaitingForDependency")
    assert ready["message"] == f"Waiting for Secret {NAMESPACE}/tok of OCCIEndpoint/cloud"
    assert "osTemplates" not in status
