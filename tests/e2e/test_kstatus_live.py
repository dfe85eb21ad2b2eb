"""kstatus, applied to live objects through every phase, says what the operator means.

A Compute and a NetworkInterface (a link) go through their lives on the real API server
while ``kubectl get -w`` records every version of them; :func:`kstatus_rules.kstatus`
(the rules Flux, Argo CD and ``kubectl wait`` use) is applied to each recorded version:

* just created (status defaulted, ``observedGeneration: -1``): InProgress;
* waiting for what it references, or provisioning (``Reconciling``): InProgress;
* Ready: Current;
* spec changed (generation ahead of ``observedGeneration``): InProgress;
* invalid (a template the endpoint does not offer, ``Stalled``): Failed;
* deleting (held by the link that still uses it): Terminating.

A paused sentinel object is created first in each watch: once the watch shows it, the
watch is live, so no version of the objects under test can be missed.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from e2e_kube import MANAGED_PLURALS, Kubectl, condition, is_ready, wait_until
from e2e_services import Service
from kstatus_rules import KStatus, kstatus

from occi_operator.reconciler.annotations import PAUSED

API = "occi.occi-operator.dev/v1alpha1"
COMPUTE = MANAGED_PLURALS["Compute"]
NIC = MANAGED_PLURALS["NetworkInterface"]
NETWORK = MANAGED_PLURALS["Network"]


class Watch:
    """``kubectl get PLURAL -w -o json`` in the background, its output in a file."""

    def __init__(self, kube: Kubectl, plural: str, path: Path) -> None:
        self.path = path
        scope = [f"--namespace={kube.namespace}"] if kube.namespace else []
        self._file = path.open("wb")
        self._process = subprocess.Popen(
            [*kube.base, *scope, "get", plural, "-w", "-o", "json", "--output-watch-events"],
            stdout=self._file, stderr=subprocess.STDOUT, env=dict(kube.env),
        )

    def versions(self, name: str) -> list[dict[str, Any]]:
        """Every recorded version of the object ``name``, oldest first."""
        text, found, at = self.path.read_text(errors="replace"), [], 0
        decoder = json.JSONDecoder()
        while True:
            at = _skip_space(text, at)
            if at >= len(text):
                return found
            try:
                event, at = decoder.raw_decode(text, at)
            except json.JSONDecodeError:
                return found  # a document still being written
            obj = event.get("object") or {}
            if (obj.get("metadata") or {}).get("name") == name:
                found.append(obj)

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._file.close()


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def manifest(kind: str, name: str, resource: dict[str, Any], **annotations: str) -> str:
    meta: dict[str, Any] = {"name": name}
    if annotations:
        meta["annotations"] = annotations
    return yaml.safe_dump({"apiVersion": API, "kind": kind, "metadata": meta,
                           "spec": {"endpointRef": {"name": "embedded"}, "resource": resource}})


def create(kube: Kubectl, text: str) -> dict[str, Any]:
    """``kubectl create -o json``: the object exactly as the API server stored it."""
    created: dict[str, Any] = json.loads(kube("create", "--validate=false", "-o", "json",
                                              "-f", "-", stdin=text))
    return created


@pytest.fixture
def watches(kube: Kubectl, tmp_path: Path) -> Iterator[dict[str, Watch]]:
    """Live watches of Computes and NetworkInterfaces, each proven live by a sentinel."""
    started = {plural: Watch(kube, plural, tmp_path / f"{plural}.json")
               for plural in (COMPUTE, NIC)}
    try:
        sentinels = {
            COMPUTE: manifest("Compute", "sentinel", {"resourceTemplate": "small"},
                              **{PAUSED: "true"}),
            NIC: manifest("NetworkInterface", "sentinel", {"computeRef": {"name": "none"},
                                                            "networkRef": {"name": "none"}},
                          **{PAUSED: "true"}),
        }
        for plural, text in sentinels.items():
            create(kube, text)
            wait_until(lambda p=plural: started[p].versions("sentinel"),  # type: ignore[misc]
                       what=f"the watch of {plural} to see its sentinel", timeout=30)
        yield started
    finally:
        for watch in started.values():
            watch.stop()


def statuses(versions: list[dict[str, Any]]) -> list[KStatus]:
    """The kstatus of each version, repeats collapsed."""
    seen: list[KStatus] = []
    for version in versions:
        status = kstatus(version)
        if not seen or seen[-1] is not status:
            seen.append(status)
    return seen


def test_a_compute_and_its_link_through_every_phase(
    kube: Kubectl, stack: Path, watches: dict[str, Watch], operator: Service
) -> None:
    kube.apply(stack / "00-endpoint.yaml")
    nic = create(kube, manifest("NetworkInterface", "link", {
        "computeRef": {"name": "web"}, "networkRef": {"name": "private"}}))
    assert nic["status"]["observedGeneration"] == -1
    assert kstatus(nic) is KStatus.IN_PROGRESS  # just created: never taken for healthy
    waiting = wait_until(lambda: (o := kube.get(NIC, "link"))
                         and (condition(o, "Reconciling") or {}).get("status") == "True" and o,
                         what="the link to wait for its ends", alive=operator.dead)
    assert condition(waiting, "Ready")["reason"] == "WaitingForDependency"  # type: ignore[index]
    assert kstatus(waiting) is KStatus.IN_PROGRESS

    compute = create(kube, manifest("Compute", "web", {"resourceTemplate": "small",
                                                       "osTemplate": "cirros"}))
    assert kstatus(compute) is KStatus.IN_PROGRESS
    create(kube, manifest("Network", "private", {"title": "private"}))
    for plural, name in ((COMPUTE, "web"), (NIC, "link")):
        wait_until(lambda p=plural, n=name: is_ready(kube.get(p, n)),  # type: ignore[misc]
                   what=f"{name} to become Ready", alive=operator.dead)
        assert kstatus(kube.get(plural, name)) is KStatus.CURRENT

    changed = json.loads(kube("patch", COMPUTE, "web", "--type=merge", "-o", "json", "-p",
                              json.dumps({"spec": {"resource": {"cores": 2}}})))
    assert changed["metadata"]["generation"] > changed["status"]["observedGeneration"]
    assert kstatus(changed) is KStatus.IN_PROGRESS  # the API server's answer, not yet handled
    wait_until(lambda: is_ready(kube.get(COMPUTE, "web")), what="the resize to finish",
               alive=operator.dead)

    kube.patch(COMPUTE, "web", {"spec": {"resource": {"resourceTemplate": "enormous"}}})
    failed = wait_until(lambda: kstatus(o := kube.get(COMPUTE, "web")) is KStatus.FAILED and o,
                        what="the Compute to stall on a template nobody offers",
                        alive=operator.dead)
    assert condition(failed, "Stalled")["reason"] == "InvalidConfiguration"  # type: ignore[index]

    kube("delete", COMPUTE, "web", "--wait=false")  # held: the link still uses it
    held = wait_until(lambda: (o := kube.get(COMPUTE, "web"))["metadata"].get(
        "deletionTimestamp") and o, what="the delete to be recorded")
    assert kstatus(held) is KStatus.TERMINATING
    kube("delete", NIC, "link", "--wait=false")
    for plural, name in ((NIC, "link"), (COMPUTE, "web")):
        wait_until(lambda p=plural, n=name: kube.find(p, n) is None,  # type: ignore[misc]
                   what=f"{name} to go", alive=operator.dead)

    # Every version the API server served, through the rules: the phases in their order.
    compute_phases = statuses(watches[COMPUTE].versions("web"))
    assert compute_phases[0] is KStatus.IN_PROGRESS
    _in_order(compute_phases, [KStatus.IN_PROGRESS, KStatus.CURRENT, KStatus.IN_PROGRESS,
                               KStatus.CURRENT, KStatus.FAILED, KStatus.TERMINATING])
    reconciling = [v for v in watches[COMPUTE].versions("web")
                   if (condition(v, "Reconciling") or {}).get("status") == "True"]
    assert reconciling, "no version of the Compute said Reconciling (provisioning)"
    link_phases = statuses(watches[NIC].versions("link"))
    _in_order(link_phases, [KStatus.IN_PROGRESS, KStatus.CURRENT, KStatus.TERMINATING])


def _in_order(seen: list[KStatus], expected: list[KStatus]) -> None:
    """``expected`` occurs in ``seen`` as a subsequence (other versions may lie between)."""
    rest = iter(seen)
    missing = [status for status in expected if status not in rest]
    assert not missing, f"phases seen {seen}; {expected} expected in this order"
