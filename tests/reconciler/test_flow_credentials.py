"""Credentials from a Secret: refused ones stall the object, a rotation heals it, no leak."""

from __future__ import annotations

from pathlib import Path

import pytest
from flow_support import NAMESPACE, Stack, basic_endpoint, use_basic

from occi_operator.endpoint.settings import EndpointSettings
from occi_operator.reconciler.dependencies import GUARD_FINALIZER
from occi_operator.reconciler.endpoints import ENDPOINTS
from occi_operator.reconciler.kube import SECRETS
from occi_operator.reconciler.outcome import OutcomeKind

PASSWORD = "correct-horse-battery"
WRONG = "wrong-password-1234"


@pytest.fixture
def endpoint_settings(tmp_path: Path) -> EndpointSettings:
    """An endpoint that wants HTTP Basic."""
    return basic_endpoint(tmp_path, PASSWORD)




async def test_wrong_credentials_stall_then_rotation_heals(stack: Stack) -> None:
    use_basic(stack, WRONG)
    stack.apply("Network", "net", {"vlan": 1})
    outcome = await stack.settle("Network", "net")
    assert outcome.kind is OutcomeKind.TRANSIENT
    assert outcome.requeue_after == pytest.approx(60.0)
    stalled = stack.condition("Network", "net", "Stalled")
    assert (stalled["status"], stalled["reason"]) == ("True", "EndpointUnauthorized")
    use_basic(stack, PASSWORD)  # the Secret is rotated: no restart needed
    assert (await stack.settle("Network", "net")).kind is OutcomeKind.DONE
    everything = repr(stack.kube.objects) + repr(stack.kube.events)
    assert WRONG not in everything
    assert PASSWORD not in everything


async def test_the_credentials_secret_is_guarded_while_used(stack: Stack) -> None:
    use_basic(stack, PASSWORD)
    stack.apply("Network", "net", {"vlan": 1})
    await stack.settle("Network", "net")
    assert GUARD_FINALIZER in stack.kube.read(SECRETS, NAMESPACE, "creds").finalizers
    stack.delete("Network", "net")
    assert (await stack.finish_delete("Network", "net")).kind is OutcomeKind.DONE
    assert GUARD_FINALIZER not in stack.kube.read(SECRETS, NAMESPACE, "creds").finalizers


async def test_missing_secret_is_waited_for(stack: Stack) -> None:
    stack.kube.apply(ENDPOINTS, NAMESPACE, "cloud", {
        "url": "http://occi.test/", "auth": "basic", "credentialsSecretRef": {"name": "later"},
    })
    stack.apply("Network", "net", {"vlan": 1})
    outcome = await stack.step("Network", "net")
    assert outcome.kind is OutcomeKind.WAITING
    assert outcome.message == f"Waiting for Secret {NAMESPACE}/later of OCCIEndpoint/cloud"
