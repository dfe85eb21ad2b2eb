"""The operator's Prometheus metrics, in one explicit registry built once per process.

:class:`OperatorMetrics` owns a ``CollectorRegistry`` (never prometheus-client's global
one) and every metric of the operator, named after the anchors (Crossplane, ACK; see
``docs/operations.md`` for the table):

* OCCI requests by endpoint object, method, target collection and code, their duration,
  and the seconds the per-endpoint limiter held them back — fed by the neutral
  :data:`~occi_operator.occi.client.RequestObserver` hook of the OCCI client
  (:meth:`OperatorMetrics.request_observer`), since the ``occi`` package imports no
  metrics library;
* passes by kind and result (the condition reason the pass came to);
* managed objects by kind that exist remotely, are Ready and are synced (their last pass
  reached its goal or is progressing without error), counted at scrape time from what this
  process last wrote or read (:meth:`OperatorMetrics.status_written`, :meth:`~.seen`);
* time from creation to the first Ready this process saw, drift found and corrected by
  spec field, and deletion duration (from ``deletionTimestamp`` to the end of teardown).

Labels are bounded: kinds, fields and reasons come from our own tables; an OCCI target
that is not a collection-like word (an id in the path of an odd server) becomes ``other``.
:func:`serve` exposes the registry on ``/metrics`` with aiohttp (which kopf already
brings; no web framework of the endpoint enters the operator). Imports no kopf and no
Kubernetes client.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.aiohttp import make_aiohttp_handler
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from occi_operator.occi.client import RequestObserver, RequestRecord
from occi_operator.occi.client.observer import QUERY_TARGET

from .dependencies import is_ready
from .kube import KubeObject
from .outcome import Outcome, OutcomeKind
from .status import parse_time

__all__ = ["PREFIX", "OperatorMetrics", "serve"]

#: The prefix of every metric name.
PREFIX = "occi_operator"
#: A collection-like target: a lower-case word, no digits (ids have digits).
_TARGET = re.compile(r"^[a-z][a-z_.-]{0,31}$")
#: Seconds: from a fraction of a second (a local endpoint) to an hour (a slow cloud).
_SLOW_BUCKETS = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600)
_REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
_WAIT_BUCKETS = (0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30)


def _target_label(target: str) -> str:
    if target in ("", QUERY_TARGET) or _TARGET.match(target):
        return target
    return "other"


@dataclass(frozen=True)
class _Managed:
    kind: str
    exists: bool
    ready: bool
    synced: bool


_GAUGES: tuple[tuple[str, str, Callable[[_Managed], bool]], ...] = (
    ("exists", "whose OCCI resource exists", lambda m: m.exists),
    ("ready", "that are Ready", lambda m: m.ready),
    ("synced", "whose last pass reached the endpoint without error", lambda m: m.synced),
)


class _ManagedCollector(Collector):
    """The exists / ready / synced gauges, counted from the state table at scrape time."""

    def __init__(self, kinds: tuple[str, ...], table: dict[str, _Managed]) -> None:
        self._kinds = kinds
        self._table = table

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """One gauge family per condition, one sample per kind (zeros included)."""
        for name, what, test in _GAUGES:
            family = GaugeMetricFamily(
                f"{PREFIX}_managed_resource_{name}", f"Managed objects {what}.", labels=["kind"]
            )
            counts = dict.fromkeys(self._kinds, 0)
            for managed in list(self._table.values()):
                if test(managed):
                    counts[managed.kind] = counts.get(managed.kind, 0) + 1
            for kind, count in counts.items():
                family.add_metric([kind], count)
            yield family


class OperatorMetrics:
    """Every metric of one operator process; see the module docstring."""

    def __init__(
        self,
        *,
        kinds: Iterable[str],
        registry: CollectorRegistry | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self._now = now
        self._kinds = tuple(kinds)
        self._managed: dict[str, _Managed] = {}
        #: uids whose first Ready was already counted (by this process).
        self._ready_once: set[str] = set()
        reg = self.registry
        self.requests = Counter(
            f"{PREFIX}_occi_requests", "HTTP requests to OCCI endpoints.",
            ["endpoint", "method", "kind", "code"], registry=reg,
        )
        self.request_duration = Histogram(
            f"{PREFIX}_occi_request_duration_seconds", "Duration of HTTP requests to OCCI "
            "endpoints (without the limiter's wait).", ["endpoint", "method"],
            buckets=_REQUEST_BUCKETS, registry=reg,
        )
        self.limiter_wait = Histogram(
            f"{PREFIX}_rate_limiter_wait_seconds", "Seconds a request waited for its "
            "endpoint's limiter (concurrency and rate).", ["endpoint"],
            buckets=_WAIT_BUCKETS, registry=reg,
        )
        self.passes = Counter(
            f"{PREFIX}_reconcile", "Passes of the reconciler by the reason they came to.",
            ["kind", "result"], registry=reg,
        )
        self.first_ready = Histogram(
            f"{PREFIX}_time_to_first_ready_seconds", "Seconds from an object's creation to "
            "the first Ready this process saw.", ["kind"], buckets=_SLOW_BUCKETS, registry=reg,
        )
        self.drift_found = Counter(
            f"{PREFIX}_drift_found", "Spec fields found to differ from the OCCI resource.",
            ["kind", "field"], registry=reg,
        )
        self.drift_corrected = Counter(
            f"{PREFIX}_drift_corrected", "Spec fields corrected on the OCCI resource.",
            ["kind", "field"], registry=reg,
        )
        self.deletion = Histogram(
            f"{PREFIX}_deletion_duration_seconds", "Seconds from an object's deletion "
            "request to the end of its teardown.", ["kind"], buckets=_SLOW_BUCKETS,
            registry=reg,
        )
        reg.register(_ManagedCollector(self._kinds, self._managed))
        # The standard process_* (memory, CPU, open files) and python_info samples.
        ProcessCollector(registry=reg)
        PlatformCollector(registry=reg)

    # OCCI requests.

    def request_observer(self, endpoint: str) -> RequestObserver:
        """The client hook of the endpoint object labelled ``endpoint``."""

        def observe(record: RequestRecord) -> None:
            code = str(record.status_code) if record.status_code is not None else record.error
            self.requests.labels(
                endpoint, record.method, _target_label(record.target), code or "unknown"
            ).inc()
            self.request_duration.labels(endpoint, record.method).observe(record.duration)
            self.limiter_wait.labels(endpoint).observe(record.limiter_wait)

        return observe

    # Passes and objects.

    def passed(self, kind: str, outcome: Outcome) -> None:
        """Count one pass over an object of ``kind``."""
        self.passes.labels(kind, outcome.reason.value).inc()

    def seen(self, obj: KubeObject, *, synced: bool = True) -> None:
        """Count ``obj`` as its stored status says (a restarted process skipping it)."""
        if obj.type.kind not in self._kinds:
            return
        self._managed[obj.uid] = _Managed(
            kind=obj.type.kind,
            exists=bool(obj.status.get("location")),
            ready=is_ready(obj),
            synced=synced,
        )

    def status_written(self, before: KubeObject, after: KubeObject, outcome: Outcome) -> None:
        """Update the counts after a status write (``after`` as stored now)."""
        if after.type.kind not in self._kinds:
            return
        self.seen(after, synced=outcome.kind in (OutcomeKind.DONE, OutcomeKind.WAITING))
        if not is_ready(after) or is_ready(before) or after.uid in self._ready_once:
            return
        self._ready_once.add(after.uid)
        created = parse_time(after.created)
        if created is not None:
            seconds = (self._now() - created).total_seconds()
            self.first_ready.labels(after.type.kind).observe(max(0.0, seconds))

    def drifted(self, kind: str, *, found: Iterable[str], corrected: Iterable[str]) -> None:
        """Count the spec fields a pass found drifted, and those it corrected."""
        for name in found:
            self.drift_found.labels(kind, name).inc()
        for name in corrected:
            self.drift_corrected.labels(kind, name).inc()

    def forget(self, uid: str) -> None:
        """The object ``uid`` is gone: stop counting it."""
        self._managed.pop(uid, None)
        self._ready_once.discard(uid)

    def deleted(self, obj: KubeObject) -> None:
        """``obj``'s teardown is done: time it and stop counting it."""
        self.forget(obj.uid)
        if obj.type.kind not in self._kinds:
            return
        since = parse_time(obj.deleted)
        if since is not None:
            seconds = (self._now() - since).total_seconds()
            self.deletion.labels(obj.type.kind).observe(max(0.0, seconds))


async def serve(registry: CollectorRegistry, *, host: str, port: int) -> web.AppRunner:
    """Serve ``registry`` on ``http://host:port/metrics``; clean the runner up to stop."""
    app = web.Application()
    app.router.add_get("/metrics", make_aiohttp_handler(registry))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
