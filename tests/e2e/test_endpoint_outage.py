"""Resilience: the endpoint dies for a while, then comes back on the same port and data.

While it is gone the operator must not crash, every object must say why it is not Ready
(TransientError, the endpoint unreachable), and the failing objects must back off: the
number of failed passes per object over the outage is bounded by the backoff schedule
(doubling from 0.5 s up to 4 s here), where an immediate or fixed-delay requeue would
exceed it several times. The outage ends when the objects created during it have each
failed a given number of times (an event, not a timer); the bound uses the measured
length of the outage, and nothing asserts a duration. Once the endpoint is back,
everything converges, with one compute per object.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from chaos_support import (
    MARKER_PREFIX,
    Endpoint,
    Operator,
    apply_documents,
    compute_list,
    computes,
    endpoint_object,
    marked_computes,
    private_cluster,
)
from e2e_kube import Kubectl, condition, is_ready, wait_until

from occi_operator.testbed.cluster import Cluster

BASE_DELAY = 0.5
MAX_BACKOFF = 4.0
OPERATOR_ENV = {
    "OCCI_OPERATOR_TIMING__TRANSIENT_ERROR": str(BASE_DELAY),
    "OCCI_OPERATOR_TIMING__MAX_BACKOFF": str(MAX_BACKOFF),
    "OCCI_OPERATOR_RESYNC__TICK": "1",
}
#: Failed passes each object created during the outage must see before it ends.
FAILURES_BEFORE_RETURN = 6
#: The jitter stretches a delay by at most this share (ErrorDelays.jitter).
JITTER = 0.2


@pytest.fixture(scope="module")
def outage_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A cluster for this module alone."""
    with private_cluster(tmp_path_factory.mktemp("outage-cluster")) as cluster:
        yield cluster


@pytest.fixture
def outage_kube(outage_cluster: Cluster) -> Kubectl:
    """kubectl in a fresh namespace of the private cluster."""
    kubectl = Kubectl(outage_cluster.kubectl_command(), outage_cluster.env())
    manifest = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "outage"}}
    kubectl("apply", "--validate=false", "-f", "-", stdin=yaml.safe_dump(manifest))
    return kubectl.in_namespace("outage")


def failed_passes(lines: list[str], name: str) -> int:
    """Passes over ``name`` that failed because the endpoint was unreachable."""
    return sum(1 for line in lines
               if "failed temporarily" in line and "unreachable" in line
               and f"Compute/{name}:" in line)  # fmt: skip


def allowed_passes(window: float) -> int:
    """The most failed passes one object may make in ``window`` seconds with the backoff.

    Delays double from BASE_DELAY until MAX_BACKOFF (never shorter, jitter only adds):
    the ramp-up holds ``log2(MAX_BACKOFF / BASE_DELAY) + 1`` passes, then one per
    MAX_BACKOFF; plus one for a pass in flight at each end.
    """
    ramp = int(math.log2(MAX_BACKOFF / BASE_DELAY)) + 1
    return ramp + math.ceil(window / MAX_BACKOFF) + 2


def says_unreachable(item: dict[str, Any]) -> bool:
    """Not Ready because of a TransientError that says the endpoint is unreachable."""
    ready = condition(item, "Ready") or {}
    return (ready.get("status") == "False" and ready.get("reason") == "TransientError"
            and "unreachable" in str(ready.get("message")))  # fmt: skip


def test_an_endpoint_outage_backs_off_and_converges_after_it_returns(
    outage_cluster: Cluster, outage_kube: Kubectl, tmp_path: Path
) -> None:
    endpoint = Endpoint(tmp_path / "endpoint")
    assert outage_kube.namespace is not None
    operator = Operator(tmp_path / "operator", outage_cluster, outage_kube.namespace,
                        OPERATOR_ENV)  # fmt: skip
    try:
        operator.start()
        early = computes(4, prefix="early")
        for document in early:
            document["spec"]["resyncPeriod"] = "2s"  # read again during the outage
        apply_documents(outage_kube, tmp_path / "early.yaml",
                        [endpoint_object(endpoint.url), *early])  # fmt: skip
        wait_until(lambda: len(items := compute_list(outage_kube)) == 4
                   and all(is_ready(i) for i in items),
                   what="the first Computes to be Ready", alive=operator.dead)  # fmt: skip

        offset = operator.log_size()
        endpoint.kill()
        started = time.monotonic()
        late = computes(2, prefix="late")
        apply_documents(outage_kube, tmp_path / "late.yaml", late)
        wait_until(lambda: all(says_unreachable(i) for i in compute_list(outage_kube)),
                   what="every Compute to say the endpoint is unreachable",
                   alive=operator.dead, timeout=60,
                   describe=lambda: str([condition(i, "Ready")
                                         for i in compute_list(outage_kube)]))  # fmt: skip
        names = [document["metadata"]["name"] for document in late]
        wait_until(lambda: all(failed_passes(operator.log_since(offset), name)
                               >= FAILURES_BEFORE_RETURN for name in names),
                   what=f"{FAILURES_BEFORE_RETURN} failed passes per new Compute",
                   alive=operator.dead, timeout=90)  # fmt: skip
        window = time.monotonic() - started
        lines = operator.log_since(offset)
        endpoint.start()

        bound = allowed_passes(window)
        counts = {i["metadata"]["name"]: failed_passes(lines, i["metadata"]["name"])
                  for i in compute_list(outage_kube)}  # fmt: skip
        assert all(count <= bound for count in counts.values()), (window, bound, counts)
        # A fixed requeue at the base delay would have made this many: far above the bound.
        assert window / BASE_DELAY > 2 * bound, (window, bound)

        def all_ready() -> list[dict[str, Any]] | None:
            found = compute_list(outage_kube)
            return found if len(found) == 6 and all(is_ready(i) for i in found) else None

        items = wait_until(all_ready, what="every Compute to be Ready after the endpoint's "
                           "return", alive=operator.dead, timeout=60)  # fmt: skip
        remote = marked_computes(endpoint.remote())
        assert sorted(remote) == sorted(f"{MARKER_PREFIX}{i['metadata']['uid']}" for i in items)
        assert all(len(locations) == 1 for locations in remote.values()), remote
        assert operator.starts == 1  # it never crashed
    finally:
        operator.stop()
        endpoint.stop()
