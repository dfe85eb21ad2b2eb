"""Helpers of the flow tests: names, the :class:`Stack` driver, remote listings.

Kept apart from ``conftest.py`` (fixtures only) so that test modules import them by a
name no other test directory uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from memory_kube import MemoryKube
from pydantic import SecretStr

from occi_operator.endpoint.settings import AuthMode, AuthSettings, EndpointSettings
from occi_operator.occi.client import OCCIClient
from occi_operator.reconciler.dependencies import FINALIZER
from occi_operator.reconciler.endpoints import ENDPOINTS
from occi_operator.reconciler.kube import KubeObject, ResourceType, custom
from occi_operator.reconciler.outcome import Outcome, OutcomeKind
from occi_operator.reconciler.runtime import Runtime

BASE_URL = "http://occi.test/"
NAMESPACE = "demo"
PLURALS = {
    "Compute": "computes",
    "Network": "networks",
    "Storage": "storages",
    "NetworkInterface": "networkinterfaces",
    "StorageLink": "storagelinks",
    "Application": "applications",
    "Component": "components",
    "ComponentLink": "componentlinks",
    "OCCIResource": "occiresources",
}


def rtype(kind: str) -> ResourceType:
    """The resource type of a managed kind."""
    return custom(PLURALS[kind], kind)


async def remote_locations(client: OCCIClient, collection: str) -> set[str]:
    """The locations of a collection's members, whatever the rendering lists."""
    answer = await client.list_collection(collection)
    return {str(e.location) for e in answer.entities} | set(answer.locations)


class Stack:
    """Applies objects to the in-memory Kubernetes and runs passes of the flow."""

    def __init__(self, kube: MemoryKube, runtime: Runtime) -> None:
        self.kube = kube
        self.runtime = runtime

    def apply(self, kind: str, name: str, resource: Mapping[str, Any] | None = None,
              **lifecycle: Any) -> KubeObject:
        spec: dict[str, Any] = {"endpointRef": {"name": "cloud"}, **lifecycle}
        if resource is not None:
            spec["resource"] = dict(resource)
        return self.kube.apply(rtype(kind), NAMESPACE, name, spec)

    def read(self, kind: str, name: str) -> KubeObject:
        return self.kube.read(rtype(kind), NAMESPACE, name)

    async def step(self, kind: str, name: str) -> Outcome:
        """One pass (a deletion pass when the object is being deleted)."""
        obj = self.read(kind, name)
        if obj.deleting:
            return await self.runtime.delete(obj)
        return await self.runtime.reconcile(obj)

    async def settle(self, kind: str, name: str, *, passes: int = 12) -> Outcome:
        """Passes until done or a terminal error (or ``passes`` run out)."""
        outcome = await self.step(kind, name)
        for _ in range(passes - 1):
            if outcome.kind in (OutcomeKind.DONE, OutcomeKind.TERMINAL):
                break
            if not self.kube.exists(rtype(kind), NAMESPACE, name):
                break
            outcome = await self.step(kind, name)
        return outcome

    def delete(self, kind: str, name: str) -> None:
        self.kube.request_delete(rtype(kind), NAMESPACE, name)

    async def finish_delete(self, kind: str, name: str) -> Outcome:
        """A deletion pass; when done, drop our finalizer as kopf does after the handler."""
        outcome = await self.step(kind, name)
        if outcome.kind is OutcomeKind.DONE and self.kube.exists(rtype(kind), NAMESPACE, name):
            obj = self.read(kind, name)
            await self.kube.set_finalizers(obj, [f for f in obj.finalizers if f != FINALIZER])
        return outcome

    def gone(self, kind: str, name: str) -> bool:
        return not self.kube.exists(rtype(kind), NAMESPACE, name)

    def condition(self, kind: str, name: str, ctype: str) -> Mapping[str, Any]:
        for condition in self.read(kind, name).status.get("conditions", []):
            if condition["type"] == ctype:
                return dict(condition)
        raise AssertionError(f"{kind}/{name} has no {ctype} condition")


def basic_endpoint(tmp_path: Path, password: str) -> EndpointSettings:
    """An embedded endpoint that wants HTTP Basic: user ``alice`` with ``password``."""
    return EndpointSettings(
        data_dir=tmp_path / "endpoint",
        provisioning_delay_seconds=0,
        auth=AuthSettings(mode=AuthMode.BASIC, users={"alice": SecretStr(password)}),
    )


def use_basic(stack: Stack, password: str) -> None:
    """Point the endpoint object ``cloud`` at the Secret ``creds`` holding ``password``."""
    stack.kube.put_secret(NAMESPACE, "creds", {"username": "alice", "password": password})
    stack.kube.apply(ENDPOINTS, NAMESPACE, "cloud", {
        "url": "http://occi.test/", "auth": "basic", "credentialsSecretRef": {"name": "creds"},
        "limits": {"requestsPerSecond": 10000, "burst": 10000},
    })
