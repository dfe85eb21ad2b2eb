"""Watch streams cut by the API server lose no change.

The operator runs with a 2-second ``watch.serverTimeout`` (the server ends each watch
after that and kopf resumes it from the last version seen), and the testbed front cuts
every watch stream after 1.5 s whether it is quiet or not and answers half of the
resumed watches with ``410 Gone`` (as for a compacted version, after which kopf lists
everything again). Meanwhile objects are created, their specs changed and some deleted,
in small bursts spread over many cuts. Every change must be reconciled: each object
left is Ready for its latest generation and its OCCI storage has the size the spec asks
for; each deleted object is gone, with its storage. The resync period is left at its
default (10 minutes), so a lost event would not be made up for within the test.

The module runs on a private cluster (the knob cuts every client's watches) with its own
endpoint and operator.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from chaos_support import Endpoint, Operator, namespace_with_endpoint, private_cluster
from e2e_kube import MANAGED_PLURALS, Kubectl, is_ready, wait_until
from e2e_services import Remote

from occi_operator.occi import vocabulary as v
from occi_operator.testbed.cluster import Cluster
from occi_operator.testbed.watchcuts import WATCH_CUTS_PATH

NAMESPACE = "cuts"
STORAGE = MANAGED_PLURALS["Storage"]
CUTS = {"cut_after": 1.5, "gone_rate": 0.5, "seed": 11}
OPERATOR_ENV = {"OCCI_OPERATOR_WATCH__SERVER_TIMEOUT": "2"}
#: Seconds between bursts of changes: several cuts fall between the first and the last.
BURST_GAP = 0.8


@dataclass
class World:
    """The private cluster's namespace, its front's knob, the endpoint and the operator."""

    cluster: Cluster
    kube: Kubectl
    remote: Remote
    workdir: Path
    operator: Operator

    def apply(self, name: str, size: str) -> None:
        document = {"apiVersion": "occi.occi-operator.dev/v1alpha1", "kind": "Storage",
                    "metadata": {"name": name},
                    "spec": {"endpointRef": {"name": "chaos"},
                             "resource": {"size": size}}}  # fmt: skip
        path = self.workdir / f"{name}.yaml"
        path.write_text(yaml.safe_dump(document))
        self.kube.apply(path)

    def delete(self, name: str) -> None:
        self.kube("delete", STORAGE, name, "--wait=false")

    def cuts(self, settings: dict[str, Any] | None = None) -> dict[str, Any]:
        """Set (when given) and read the front's watch-cut settings and counts."""
        with self.cluster.client() as http:
            answer = (http.put(WATCH_CUTS_PATH, json=settings) if settings is not None
                      else http.get(WATCH_CUTS_PATH))  # fmt: skip
        assert answer.status_code == 200, answer.text
        counts: dict[str, Any] = answer.json()
        return counts

    def storages(self) -> dict[str, dict[str, Any]]:
        items = json.loads(self.kube("get", STORAGE, "-o", "json"))["items"]
        return {item["metadata"]["name"]: item for item in items}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    workdir = tmp_path_factory.mktemp("cuts")
    cluster = private_cluster(workdir / "cluster")
    endpoint = Endpoint(workdir / "endpoint")
    kube = namespace_with_endpoint(cluster, NAMESPACE, endpoint.url)
    operator = Operator(workdir / "operator", cluster, NAMESPACE, extra_env=OPERATOR_ENV)
    operator.start()
    try:
        yield World(cluster, kube, endpoint.remote(), workdir, operator)
    finally:
        operator.stop()
        endpoint.stop()
        cluster.stop()


def converged(world: World, wanted: dict[str, str]) -> bool:
    """Exactly the ``wanted`` objects exist, each Ready for its generation, sized as asked."""
    found = world.storages()
    if set(found) != set(wanted):
        return False
    return all(is_ready(obj) and obj["spec"]["resource"]["size"] == wanted[name]
               for name, obj in found.items())  # fmt: skip


def test_changes_made_while_watches_are_cut_are_all_reconciled(world: World) -> None:
    world.cuts(CUTS)
    wanted: dict[str, str] = {}
    bursts: list[list[tuple[str, str | None]]] = [
        [(f"disk-{n}", "1Gi") for n in range(6)],  # creates
        [("disk-0", "2Gi"), ("disk-1", "2Gi"), ("disk-6", "1Gi")],
        [("disk-2", None), ("disk-3", "3Gi"), ("disk-7", "1Gi")],  # None: delete
        [("disk-0", "4Gi"), ("disk-4", None), ("disk-6", "2Gi")],
        [("disk-5", "2Gi"), ("disk-7", None), ("disk-8", "1Gi")],
        [("disk-1", "3Gi"), ("disk-8", "2Gi")],
    ]
    locations: dict[str, str] = {}
    for burst in bursts:
        for name, size in burst:
            if size is None:
                location = world.storages()[name]["status"].get("location")
                if location:
                    locations[name] = location
                world.delete(name)
                wanted.pop(name)
            else:
                world.apply(name, size)
                wanted[name] = size
        time.sleep(BURST_GAP)
    wait_until(lambda: converged(world, wanted), what="every change to be reconciled",
               timeout=120, alive=world.operator.dead,
               describe=lambda: json.dumps({n: [o["spec"], o.get("status", {}).get("conditions")]
                                            for n, o in world.storages().items()})[:3000])
    counts = world.cuts()
    world.cuts({"cut_after": 0, "gone_rate": 0})
    for name, obj in world.storages().items():
        entity = world.remote.get(obj["status"]["location"])
        assert entity is not None, name
        gib = float(wanted[name].removesuffix("Gi"))
        assert entity.attributes[v.STORAGE_SIZE] == gib, name
    for name, location in locations.items():
        assert world.remote.get(location) is None, f"{name}'s storage is left behind"
    # The cuts really happened while the changes were made.
    assert counts["cut"] >= 3, counts
    assert counts["gone"] >= 1, counts
