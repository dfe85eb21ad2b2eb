"""No leaked or duplicated VM: the operator is ``kill -9``ed again and again during creates.

On a cluster of its own (see :mod:`chaos_support`), an endpoint that loses the answer of
a fifth of the creates and fails a tenth of the POSTs and GETs gets many Computes at
once, while the operator is killed at seeded moments (when a seeded number of objects
has reached the create) and started again each time. After the last restart every object
must settle, and then:

* no object is silently duplicated: each one's marker is on exactly one compute of the
  endpoint, the one in its ``status.location``;
* nothing is orphaned: every compute on the endpoint carries the marker of an object;
* every object is Ready (the only other way out, a Stalled object naming its duplicates
  and what to do, would fail the test too, with its message).

The second test runs the same with the API server (the testbed front) answering a share
of the preconditioned writes ``409 Conflict``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from chaos_support import (
    COMPUTE,
    MARKER_PREFIX,
    Endpoint,
    Operator,
    apply_documents,
    compute_list,
    computes,
    conflict_counts,
    conflicts,
    endpoint_object,
    marked_computes,
    private_cluster,
)
from e2e_kube import Kubectl, condition, is_ready, wait_until

from occi_operator.testbed.cluster import Cluster

#: Faults of a flaky cloud: lost create answers and server errors on POST and GET.
FLAKY = {"lost_create_answer_rate": 0.2, "server_error_rate": {"post": 0.1, "get": 0.1},
         "seed": 5}  # fmt: skip
SETTLE_TIMEOUT = 100.0
#: The operator backs off quickly in these tests (the faults are frequent and short).
OPERATOR_ENV = {"OCCI_OPERATOR_TIMING__MAX_BACKOFF": "4"}


@pytest.fixture(scope="module")
def chaos_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A cluster for this module alone: its operators are killed at will."""
    with private_cluster(tmp_path_factory.mktemp("chaos-cluster")) as cluster:
        yield cluster


@pytest.fixture
def chaos_kube(chaos_cluster: Cluster, request: pytest.FixtureRequest) -> Kubectl:
    """kubectl in a fresh namespace of the private cluster."""
    kubectl = Kubectl(chaos_cluster.kubectl_command(), chaos_cluster.env())
    name = f"chaos-{request.node.name.removeprefix('test_')[:30].replace('_', '-')}"
    manifest = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    kubectl("apply", "--validate=false", "-f", "-", stdin=yaml.safe_dump(manifest))
    return kubectl.in_namespace(name)


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[Endpoint]:
    """A private endpoint with the flaky faults on."""
    started = Endpoint(tmp_path / "endpoint")
    started.faults(FLAKY)
    yield started
    started.stop()


@pytest.fixture
def operator(tmp_path: Path, chaos_cluster: Cluster, chaos_kube: Kubectl) -> Iterator[Operator]:
    """An operator for the test's namespace (not started yet)."""
    assert chaos_kube.namespace is not None
    made = Operator(tmp_path / "operator", chaos_cluster, chaos_kube.namespace, OPERATOR_ENV)
    yield made
    made.stop()


def touched(items: list[dict[str, Any]]) -> int:
    """How many objects have reached the create (a pending mark or a location)."""
    return sum(1 for item in items
               if (item.get("status") or {}).get("createPending")
               or (item.get("status") or {}).get("location"))  # fmt: skip


def settled(item: dict[str, Any]) -> bool:
    """Ready, or Stalled: nothing more happens to it by itself."""
    stalled = condition(item, "Stalled")
    return is_ready(item) or (stalled is not None and stalled.get("status") == "True")


def kill_during_creates(kube: Kubectl, operator: Operator, *, total: int, kills: int,
                        seed: int) -> list[int]:
    """Start the operator; kill -9 it ``kills`` times, each when a seeded number of objects
    has reached the create, and start it again. Returns the progress at each kill."""
    dice = random.Random(seed)
    thresholds = sorted(dice.sample(range(1, total + 1), kills))
    operator.start()
    seen = []
    for threshold in thresholds:

        def reached(wanted: int = threshold) -> int | None:
            count = touched(compute_list(kube))
            return count if count >= wanted else None

        progress = wait_until(reached, what=f"{threshold} objects to reach the create",
                              timeout=60, alive=operator.dead)  # fmt: skip
        operator.kill()
        seen.append(progress)
        operator.start()
    return seen


def check_one_compute_per_object(kube: Kubectl, endpoint: Endpoint, total: int) -> None:
    """Settle; then no silent duplicate, no orphan, every object Ready."""

    def all_settled() -> list[dict[str, Any]] | None:
        found = compute_list(kube)
        return found if found and all(settled(i) for i in found) else None

    items = wait_until(all_settled, what="every Compute to be Ready or Stalled",
                       timeout=SETTLE_TIMEOUT, describe=lambda: describe(compute_list(kube)))
    assert len(items) == total
    endpoint.faults({})  # the check reads the truth, without the chaos
    remote = marked_computes(endpoint.remote())
    orphans = remote.pop("", [])
    assert not orphans, f"computes without a marker: {orphans}"
    markers = {f"{MARKER_PREFIX}{i['metadata']['uid']}": i for i in items}
    assert set(remote) <= set(markers), f"orphaned: {set(remote) - set(markers)}"
    for marker, item in markers.items():
        name, status = item["metadata"]["name"], item.get("status") or {}
        locations = remote.get(marker, [])
        if is_ready(item):
            assert locations == [status.get("location")], (name, locations, status)
        else:  # Stalled: only a duplicate it names may stop it, never one kept quiet
            message = (condition(item, "Stalled") or {}).get("message", "")
            assert len(locations) > 1, (name, message)
            assert all(location in message for location in locations), (name, message)
    stalled = [i["metadata"]["name"] for i in items if not is_ready(i)]
    assert not stalled, f"Stalled (duplicates found and reported): {describe(items)}"


def event_reasons(kube: Kubectl) -> set[str]:
    """The reasons of the namespace's Events."""
    events = json.loads(kube("get", "events", "-o", "json"))["items"]
    return {str(event.get("reason")) for event in events}


def describe(items: list[dict[str, Any]]) -> str:
    """Names and Ready messages of the objects that are not Ready."""
    lines = []
    for item in items:
        if not is_ready(item):
            ready = condition(item, "Ready") or {}
            lines.append(f"{item['metadata']['name']}: {ready.get('reason')} "
                         f"{ready.get('message')}")  # fmt: skip
    return "; ".join(lines) or "all Ready"


def test_kill_9_during_50_creates_leaves_exactly_one_compute_per_object(
    chaos_kube: Kubectl, endpoint: Endpoint, operator: Operator, tmp_path: Path
) -> None:
    total = 50
    apply_documents(chaos_kube, tmp_path / "objects.yaml",
                    [endpoint_object(endpoint.url), *computes(total)])  # fmt: skip
    kills = random.Random(50).randint(5, 8)
    progress = kill_during_creates(chaos_kube, operator, total=total, kills=kills, seed=50)
    assert operator.starts == kills + 1, progress
    check_one_compute_per_object(chaos_kube, endpoint, total)
    assert "Adopted" in event_reasons(chaos_kube)  # lost answers were met, and adopted


def test_kill_9_with_api_server_conflicts_leaves_one_compute_per_object(
    chaos_cluster: Cluster, chaos_kube: Kubectl, endpoint: Endpoint, operator: Operator,
    tmp_path: Path,
) -> None:
    total = 30
    conflicts(chaos_cluster, {"rate": 0.3, "seed": 11, "methods": ["PATCH", "PUT"]})
    try:
        apply_documents(chaos_kube, tmp_path / "objects.yaml",
                        [endpoint_object(endpoint.url), *computes(total)])  # fmt: skip
        kill_during_creates(chaos_kube, operator, total=total, kills=4, seed=30)
        check_one_compute_per_object(chaos_kube, endpoint, total)
        counts = conflict_counts(chaos_cluster)
        assert counts["injected"] > 0, counts  # the conflicts did happen
    finally:
        conflicts(chaos_cluster, {"rate": 0.0})
    assert chaos_kube("get", COMPUTE, "-o", "name").count("\n") == total
