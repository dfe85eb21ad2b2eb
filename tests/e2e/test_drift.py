"""Drift, end to end: what is changed or deleted behind the operator's back, on a resync.

Someone changes the OCCI resources directly on the endpoint (through the project's OCCI
client, as another tool would). Each object sets a 2-second resyncPeriod and the operator
checks every second whether a resync is due, so each case is settled within a resync:

* mutable drift is corrected — a machine stopped outside is started again; cores and
  title changed outside get their spec values back — and the correction is reported (an
  Event naming the field, spec value and what the resource had);
* immutable drift (the architecture) is reported — Stalled, InvalidConfiguration,
  naming the field — and never "fixed" by a recreate: the same location, one machine;
* a managed resource deleted outside is created again: a new location, an Event saying so;
* an imported resource deleted outside leaves its object Stalled, with the way out.

The module runs on a private cluster with its own endpoint and operator (the session's
operator checks for due resyncs only every 30 s).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from chaos_support import Endpoint, Operator, namespace_with_endpoint, private_cluster
from e2e_kube import MANAGED_PLURALS, Kubectl, condition, is_ready, wait_until

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import EndpointConfig, OCCIClient, TemplateFamily
from occi_operator.occi.entities import ActionInvocation, Resource

T = TypeVar("T")
NAMESPACE = "drift"
COMPUTE = MANAGED_PLURALS["Compute"]
RESYNC = "2s"
#: Long enough for a few resyncs on a loaded machine; a correction normally takes ~3 s.
WITHIN_RESYNCS = 60.0


class Cloud:
    """Changes made directly on the endpoint, behind the operator's back."""

    def __init__(self, url: str) -> None:
        self.config = EndpointConfig(url=url)

    def _call(self, work: Callable[[OCCIClient], Awaitable[T]]) -> T:
        async def session() -> T:
            async with OCCIClient(self.config) as client:
                return await work(client)

        return asyncio.run(session())

    def get(self, location: str) -> Resource:
        entity = self._call(lambda client: client.get(location))
        assert isinstance(entity, Resource)
        return entity

    def update(self, location: str, *, title: str | None = None, **attributes: Any) -> None:
        """A partial update of attributes and title (as another tool would make it)."""
        partial = Resource(kind=v.COMPUTE_KIND, title=title, attributes=attributes)
        self._call(lambda client: client.update(location, partial))

    def stop(self, location: str) -> None:
        self._call(lambda client: client.trigger(location, ActionInvocation(action=v.COMPUTE_STOP)))

    def delete(self, location: str) -> None:
        self._call(lambda client: client.delete(location))

    def create_compute(self, title: str) -> str:
        """A machine nobody's object created; returns its location."""

        async def create(client: OCCIClient) -> str:
            os_tpl = await client.resolve_template(TemplateFamily.OS, "cirros")
            entity = Resource(kind=v.COMPUTE_KIND, title=title, mixins=(os_tpl.type_id,))
            return await client.create(entity)

        return self._call(create)


@dataclass
class World:
    """The private cluster's namespace, the endpoint's cloud and a place for manifests."""

    kube: Kubectl
    cloud: Cloud
    workdir: Path
    operator: Operator

    def apply(self, name: str, spec: dict[str, Any]) -> None:
        document = {"apiVersion": "occi.occi-operator.dev/v1alpha1", "kind": "Compute",
                    "metadata": {"name": name},
                    "spec": {"endpointRef": {"name": "chaos"}, "resyncPeriod": RESYNC,
                             **spec}}  # fmt: skip
        path = self.workdir / f"{name}.yaml"
        path.write_text(yaml.safe_dump(document))
        self.kube.apply(path)

    def ready(self, name: str) -> dict[str, Any]:
        """Wait until ``name`` is Ready; return it."""

        def ready() -> dict[str, Any] | None:
            obj = self.kube.get(COMPUTE, name)
            return obj if is_ready(obj) else None

        return wait_until(ready, what=f"Compute/{name} to be Ready",
                          describe=lambda: self.describe(name),
                          alive=self.operator.dead)  # fmt: skip

    def describe(self, name: str) -> str:
        return json.dumps(self.kube.get(COMPUTE, name).get("status"))

    def events(self, name: str, reason: str) -> list[str]:
        """The messages of the Events about Compute ``name`` with ``reason``."""
        items = json.loads(self.kube("get", "events", "-o", "json"))["items"]
        return [item.get("message", "") for item in items
                if item.get("involvedObject", {}).get("name") == name
                and item.get("reason") == reason]  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    workdir = tmp_path_factory.mktemp("drift")
    cluster = private_cluster(workdir / "cluster")
    endpoint = Endpoint(workdir / "endpoint")
    kube = namespace_with_endpoint(cluster, NAMESPACE, endpoint.url)
    operator = Operator(workdir / "operator", cluster, NAMESPACE,
                        extra_env={"OCCI_OPERATOR_RESYNC__TICK": "1"})  # fmt: skip
    operator.start()
    try:
        yield World(kube, Cloud(endpoint.url), workdir, operator)
    finally:
        operator.stop()
        endpoint.stop()
        cluster.stop()


def test_a_machine_stopped_outside_is_started_again(world: World) -> None:
    world.apply("stopped", {"resource": {"osTemplate": "cirros"}})
    location = world.ready("stopped")["status"]["location"]
    world.cloud.stop(location)
    assert world.cloud.get(location).attributes[v.COMPUTE_STATE] == v.STATE_INACTIVE
    wait_until(lambda: world.cloud.get(location).attributes[v.COMPUTE_STATE] == v.STATE_ACTIVE
               and is_ready(world.kube.get(COMPUTE, "stopped")),
               what="the machine to run again", timeout=WITHIN_RESYNCS,
               describe=lambda: world.describe("stopped"))  # fmt: skip
    assert any("start" in message for message in world.events("stopped", "Action"))
    assert world.kube.get(COMPUTE, "stopped")["status"]["location"] == location


def test_cores_and_title_changed_outside_are_corrected(world: World) -> None:
    world.apply("resized", {"resource": {"osTemplate": "cirros", "cores": 2,
                                         "title": "the resized one"}})  # fmt: skip
    location = world.ready("resized")["status"]["location"]
    world.cloud.update(location, title="renamed outside", **{v.COMPUTE_CORES: 3})

    def corrected() -> bool:
        entity = world.cloud.get(location)
        return entity.attributes.get(v.COMPUTE_CORES) == 2 and entity.title == "the resized one"

    wait_until(corrected, what="cores and title to be corrected", timeout=WITHIN_RESYNCS,
               describe=lambda: str(world.cloud.get(location)))  # fmt: skip
    world.ready("resized")
    reports = " ".join(world.events("resized", "Updated"))
    assert "cores (occi.compute.cores): spec says 2, the resource has 3" in reports
    assert "title" in reports
    assert world.kube.get(COMPUTE, "resized")["status"]["cores"] == 2


def test_immutable_drift_is_stalled_never_recreated(world: World) -> None:
    world.apply("pinned", {"resource": {"osTemplate": "cirros", "architecture": "x64"}})
    location = world.ready("pinned")["status"]["location"]
    world.cloud.update(location, **{v.COMPUTE_ARCHITECTURE: "x86"})

    def stalled() -> dict[str, Any] | None:
        found = condition(world.kube.get(COMPUTE, "pinned"), "Stalled")
        return found if found and found.get("status") == "True" else None

    found = wait_until(stalled, what="Compute/pinned to be Stalled", timeout=WITHIN_RESYNCS,
                       describe=lambda: world.describe("pinned"))  # fmt: skip
    assert found["reason"] == "InvalidConfiguration"
    assert "architecture" in found["message"]
    assert "never recreates" in found["message"]
    status = world.kube.get(COMPUTE, "pinned")["status"]
    assert status["location"] == location
    assert world.cloud.get(location).attributes[v.COMPUTE_ARCHITECTURE] == "x86"
    ready = condition(world.kube.get(COMPUTE, "pinned"), "Ready")
    assert ready is not None
    assert ready["status"] == "False"


def test_a_managed_machine_deleted_outside_is_created_again(world: World) -> None:
    world.apply("phoenix", {"resource": {"osTemplate": "cirros"}})
    first = world.ready("phoenix")["status"]["location"]
    world.cloud.delete(first)

    def recreated() -> str | None:
        obj = world.kube.get(COMPUTE, "phoenix")
        location = obj["status"].get("location")
        return location if is_ready(obj) and location and location != first else None

    second = wait_until(recreated, what="a new machine for Compute/phoenix",
                        timeout=WITHIN_RESYNCS,
                        describe=lambda: world.describe("phoenix"))  # fmt: skip
    assert world.cloud.get(second).attributes[v.COMPUTE_STATE] == v.STATE_ACTIVE
    deleted = world.events("phoenix", "RemoteDeleted")
    assert any(first in message and "creating it again" in message for message in deleted)


def test_an_imported_machine_deleted_outside_leaves_its_object_stalled(world: World) -> None:
    location = world.cloud.create_compute("made elsewhere")
    world.apply("adopted", {"import": {"location": location}})
    world.ready("adopted")
    world.cloud.delete(location)

    def stalled() -> dict[str, Any] | None:
        found = condition(world.kube.get(COMPUTE, "adopted"), "Stalled")
        return found if found and found.get("status") == "True" else None

    found = wait_until(stalled, what="Compute/adopted to be Stalled", timeout=WITHIN_RESYNCS,
                       describe=lambda: world.describe("adopted"))  # fmt: skip
    assert found["reason"] == "UnrecoverableError"
    assert "deleted outside the operator" in found["message"]
    assert "delete this object, or import another resource" in found["message"]
