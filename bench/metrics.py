"""Benchmark: what the Prometheus metrics cost the operator, per request, per pass, per scrape.

Builds one :class:`~occi_operator.reconciler.metrics.OperatorMetrics` (the five
infrastructure kinds), counts ``--objects`` objects through status writes (a quarter of
them becoming Ready for the first time), feeds ``--requests`` request records through an
endpoint's observer (four endpoints, the usual methods, targets and codes), then renders
``/metrics`` as Prometheus would scrape it. Prints the cost of each step and the memory the
metrics hold (tracemalloc). In process, no network. Asserts nothing. Run from the
repository root::

    .venv/bin/python bench/metrics.py [--objects 5000] [--requests 100000]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

from prometheus_client import generate_latest

from occi_operator.occi.client import RequestRecord
from occi_operator.reconciler.kube import KubeObject, custom
from occi_operator.reconciler.metrics import OperatorMetrics
from occi_operator.reconciler.outcome import Outcome

KINDS = {"Compute": "computes", "Network": "networks", "Storage": "storages",
         "NetworkInterface": "networkinterfaces", "StorageLink": "storagelinks"}
START = datetime(2026, 1, 1, tzinfo=UTC)


def _object(number: int, *, ready: bool) -> KubeObject:
    kind = list(KINDS)[number % len(KINDS)]
    conditions = [{"type": "Ready", "status": "True" if ready else "False",
                   "observedGeneration": 1}]
    return KubeObject(
        type=custom(KINDS[kind], kind), namespace="bench", name=f"obj-{number}",
        uid=f"uid-{number}", generation=1, resource_version="1",
        status={"observedGeneration": 1, "location": f"http://h/x/{number}",
                "conditions": conditions},
        created=(START - timedelta(seconds=30)).isoformat(),
    )


def _records(count: int) -> list[tuple[str, RequestRecord]]:
    shapes = [("GET", "compute", 200), ("GET", "-", 200), ("POST", "compute", 201),
              ("PUT", "network", 200), ("DELETE", "storage", 204), ("GET", "compute", 503)]
    return [
        (f"ns-{n % 4}/cloud", RequestRecord(method=m, target=t, status_code=c, error=None,
                                            duration=0.001 * (n % 50), limiter_wait=0.0))
        for n, (m, t, c) in ((n, shapes[n % len(shapes)]) for n in range(count))
    ]


def _feed(
    metrics: OperatorMetrics,
    changes: list[tuple[KubeObject, KubeObject]],
    records: list[tuple[str, RequestRecord]],
) -> tuple[float, float]:
    """Count the objects and the requests; the seconds each step took."""
    observers = {endpoint: metrics.request_observer(endpoint) for endpoint, _ in records[:4]}
    started = time.perf_counter()
    for old, new in changes:
        metrics.status_written(old, new, Outcome.done())
        metrics.passed(new.type.kind, Outcome.done())
    passes = time.perf_counter() - started
    started = time.perf_counter()
    for endpoint, record in records:
        observers[endpoint](record)
    return passes, time.perf_counter() - started


def run(objects: int, requests: int) -> None:
    """Time the three steps, then measure the memory the metrics hold (a second run)."""
    changes = [(_object(n, ready=False), _object(n, ready=n % 4 == 0)) for n in range(objects)]
    records = _records(requests)
    metrics = OperatorMetrics(kinds=KINDS, now=lambda: START)
    passes, observed = _feed(metrics, changes, records)
    started = time.perf_counter()
    page = generate_latest(metrics.registry)
    scrape = time.perf_counter() - started

    # Memory on a fresh instance, traced apart: tracing slows the timed run down.
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    fresh = OperatorMetrics(kinds=KINDS, now=lambda: START)
    _feed(fresh, changes, records)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    held = sum(stat.size_diff for stat in after.compare_to(before, "filename"))

    print(f"{objects} objects, {requests} OCCI requests, {len(KINDS)} kinds, 4 endpoints")
    print(f"per pass (status + outcome)   {passes / max(objects, 1) * 1e6:8.1f} µs")
    print(f"per OCCI request (observer)   {observed / max(requests, 1) * 1e6:8.1f} µs")
    print(f"one scrape of /metrics        {scrape * 1e3:8.1f} ms   {len(page) / 1024:.1f} KiB")
    print(f"memory the metrics hold       {held / 2**20:8.2f} MiB")


def main() -> None:
    """Parse the flags and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=100_000)
    args = parser.parse_args()
    run(args.objects, args.requests)


if __name__ == "__main__":
    main()
