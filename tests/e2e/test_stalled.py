"""What a user must fix shows as Stalled with a reason that says what to do, and fixing it
needs no operator restart: refused credentials (EndpointUnauthorized, then the Secret is
rotated) and a template name the endpoint does not offer (InvalidConfiguration).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from e2e_kube import MANAGED_PLURALS, Kubectl, condition, is_ready, wait_until
from e2e_services import Remote, Service, start_endpoint
from kubernetes import client, config

from occi_operator.testbed.cluster import Cluster

NETWORK = MANAGED_PLURALS["Network"]
COMPUTE = MANAGED_PLURALS["Compute"]
USER = "operator"
RIGHT = "correct-horse-battery-staple"
WRONG = "tr0ub4dor-and-3"


@pytest.fixture(scope="module")
def guarded_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A second embedded endpoint, this one with HTTP Basic authentication."""
    service = start_endpoint(tmp_path_factory.mktemp("basic-endpoint"), name="basic-endpoint",
                             users={USER: RIGHT})  # fmt: skip
    yield service
    service.stop()


def secret(password: str) -> dict[str, Any]:
    """The credentials Secret of the guarded endpoint."""
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "occi-credentials"},
            "type": "Opaque", "stringData": {"username": USER, "password": password}}  # fmt: skip


def apply(kube: Kubectl, directory: Path, name: str, *documents: dict[str, Any]) -> None:
    """Write ``documents`` to ``directory/name`` and apply that file."""
    path = directory / name
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False))
    kube.apply(path)


def rotate(cluster: Cluster, namespace: str, password: str) -> None:
    """Set the Secret's new password with the Kubernetes client, as a secret manager would."""
    api = config.new_client_from_config(config_file=str(cluster.kubeconfig))  # type: ignore[no-untyped-call]
    try:
        client.CoreV1Api(api).patch_namespaced_secret(
            "occi-credentials", namespace, {"stringData": {"password": password}}
        )
    finally:
        api.close()


def stalled_because(kube: Kubectl, resource: str, name: str, reason: str) -> dict[str, Any]:
    """Wait until the object is Stalled with ``reason`` and not Ready; returns Stalled."""

    def stalled() -> dict[str, Any] | None:
        obj = kube.get(resource, name)
        found = condition(obj, "Stalled")
        ready = condition(obj, "Ready")
        if found and found.get("status") == "True" and found.get("reason") == reason:
            assert ready is not None
            assert ready.get("status") == "False", ready
            return found
        return None

    return wait_until(stalled, what=f"{name} to be Stalled with reason {reason}",
                      describe=lambda: str(kube.get(resource, name).get("status")))  # fmt: skip


def test_refused_credentials_stall_until_the_secret_is_rotated(
    kube: Kubectl,
    namespace: str,
    cluster: Cluster,
    tmp_path: Path,
    guarded_endpoint: Service,
    operator: Service,
) -> None:
    endpoint = {
        "apiVersion": "occi.occi-operator.dev/v1alpha1", "kind": "OCCIEndpoint",
        "metadata": {"name": "guarded"},
        "spec": {"url": guarded_endpoint.url, "auth": "basic",
                 "credentialsSecretRef": {"name": "occi-credentials"}},
    }  # fmt: skip
    network = {
        "apiVersion": "occi.occi-operator.dev/v1alpha1", "kind": "Network",
        "metadata": {"name": "behind-auth"},
        "spec": {"endpointRef": {"name": "guarded"}, "resource": {"title": "behind-auth"}},
    }  # fmt: skip
    apply(kube, tmp_path, "secret.yaml", secret(WRONG))
    apply(kube, tmp_path, "stack.yaml", endpoint, network)

    stalled = stalled_because(kube, NETWORK, "behind-auth", "EndpointUnauthorized")
    assert "credentials" in stalled["message"]
    shown = kube("get", NETWORK, "behind-auth", "-o", "yaml") + kube("get", "events", "-o", "yaml")
    assert WRONG not in shown
    assert WRONG not in operator.process.log.read_text(errors="replace")

    rotate(cluster, namespace, RIGHT)  # no operator restart follows

    wait_until(lambda: is_ready(kube.get(NETWORK, "behind-auth")),
               what="the network to become Ready with the rotated password",
               describe=lambda: str(kube.get(NETWORK, "behind-auth").get("status")),
               alive=operator.dead)  # fmt: skip
    location = kube.get(NETWORK, "behind-auth")["status"]["location"]
    assert Remote(guarded_endpoint.url, username=USER, password=RIGHT).get(location) is not None
    assert RIGHT not in operator.process.log.read_text(errors="replace")


def test_an_unknown_template_stalls_naming_the_available_ones(
    kube: Kubectl, stack: Path, operator: Service
) -> None:
    compute = yaml.safe_load((stack / "20-compute.yaml").read_text())
    compute["spec"]["resource"]["resourceTemplate"] = "enormous"
    for name in ("00-endpoint.yaml", "01-user-data.yaml"):
        kube.apply(stack / name)
    apply(kube, stack, "20-compute.yaml", compute)

    stalled = stalled_because(kube, COMPUTE, "web", "InvalidConfiguration")
    message = stalled["message"]
    assert "enormous" in message
    for offered in ("small", "medium", "large", "xlarge"):
        assert offered in message, message
    assert (kube.get(COMPUTE, "web").get("status") or {}).get("location") is None
