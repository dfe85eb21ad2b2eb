"""The Kubernetes floor of the converge benchmark: what any operator costs on this API server.

The direct-client floor ignores Kubernetes; this one ignores OCCI. A script applies the N
Computes through the same client path as the benchmark (:func:`harness.post_computes`)
and, watching them, writes to each one as soon as it appears, with no OCCI request and no
reconciler logic in between. Two plans of writes:

- ``ONE_WRITE``: a single status patch, ``Ready=True`` for the object's generation — the
  least an operator that reports readiness can do;
- ``OPERATOR_WRITES``: what the operator sends per Compute, in its order and with its
  ``resourceVersion`` preconditions — the finalizer, the create-pending mark, the
  location with Ready (one status patch: the pass after the POST records both), the
  record of the handled spec (an annotation), and one Event.

The time runs from the first POST to the last object seen Ready by the benchmark's watch,
as for the operator. Afterwards the objects are deleted (their finalizer removed first),
so the operator starts on an empty namespace. Nothing here asserts.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from harness import COMPUTES, CONCURRENCY, NAMESPACE, World, post_computes

MERGE = {"Content-Type": "application/merge-patch+json"}
FINALIZER = "bench.occi-operator.dev/floor"
HANDLED = "operator.occi-operator.dev/last-handled-configuration"

Body = dict[str, Any]
Write = Callable[[httpx.AsyncClient, Body], Awaitable[Body]]


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


async def _patch(http: httpx.AsyncClient, body: Body, patch: Body, *, status: bool) -> Body:
    """A merge patch with the body's resourceVersion as precondition; the new body."""
    meta = body["metadata"]
    path = f"{COMPUTES}/{meta['name']}" + ("/status" if status else "")
    patch = {**patch, "metadata": {**patch.get("metadata", {}),
                                   "resourceVersion": meta["resourceVersion"]}}  # fmt: skip
    answer = await http.patch(path, content=json.dumps(patch), headers=MERGE)
    if answer.status_code != 200:
        raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:200]}")
    result: Body = answer.json()
    return result


def _ready(body: Body) -> Body:
    generation = body["metadata"]["generation"]
    return {"status": {"observedGeneration": generation, "conditions": [
        {"type": "Ready", "status": "True", "reason": "Ready", "message": "",
         "observedGeneration": generation, "lastTransitionTime": _now()}]}}  # fmt: skip


async def ready(http: httpx.AsyncClient, body: Body) -> Body:
    """The one write: Ready=True with observedGeneration."""
    return await _patch(http, body, _ready(body), status=True)


async def operator_writes(http: httpx.AsyncClient, body: Body) -> Body:
    """The operator's four writes and one Event, without OCCI in between."""
    name = body["metadata"]["name"]
    body = await _patch(http, body, {"metadata": {"finalizers": [FINALIZER]}}, status=False)
    body = await _patch(http, body, {"status": {"createPending": _now()}}, status=True)
    recorded = _ready(body)
    recorded["status"].update(createPending=None, location=f"http://floor/compute/{name}")
    body = await _patch(http, body, recorded, status=True)
    handled = json.dumps(body["spec"], separators=(",", ":"))
    body = await _patch(http, body, {"metadata": {"annotations": {HANDLED: handled}}},
                        status=False)  # fmt: skip
    answer = await http.post(f"/api/v1/namespaces/{NAMESPACE}/events", json={
        "metadata": {"generateName": f"{name}-"},
        "involvedObject": {"apiVersion": body["apiVersion"], "kind": "Compute",
                           "name": name, "namespace": NAMESPACE,
                           "uid": body["metadata"]["uid"]},
        "type": "Normal", "reason": "Ready", "message": "Compute is ready",
        "source": {"component": "bench-floor"}, "firstTimestamp": _now(),
        "lastTimestamp": _now(), "count": 1,
    })  # fmt: skip
    if answer.status_code != 201:
        raise RuntimeError(f"Event: {answer.status_code} {answer.text[:200]}")
    return body


PLANS: dict[str, tuple[Write, str]] = {
    "1 write": (ready, "Ready status patch"),
    "operator's writes": (operator_writes, "finalizer, pending mark, location with Ready, "
                                           "handled spec + 1 Event"),
}


async def _follow(http: httpx.AsyncClient, names: set[str], write: Write, version: str) -> None:
    """Watch the Computes; run ``write`` on each of ``names`` once, as it first appears."""
    pending: set[asyncio.Task[Body]] = set()
    seen: set[str] = set()
    params = {"watch": "1", "resourceVersion": version, "timeoutSeconds": "600"}
    async with http.stream("GET", COMPUTES, params=params, timeout=None) as stream:
        async for line in stream.aiter_lines():
            event = json.loads(line)
            name = event["object"]["metadata"]["name"]
            if event["type"] == "ADDED" and name in names and name not in seen:
                seen.add(name)
                pending.add(asyncio.create_task(write(http, event["object"])))
            if len(seen) == len(names):
                break
    await asyncio.gather(*pending)


async def _converge(server: str, names: list[str], write: Write) -> None:
    # Like the operator: its own client, CONCURRENCY requests in flight (plus the watch);
    # each object's writes in sequence, every object at once. A write may queue for a
    # connection for as long as it takes (pool=None).
    limits = httpx.Limits(max_connections=CONCURRENCY + 1)
    timeout = httpx.Timeout(60, pool=None)
    async with httpx.AsyncClient(base_url=server, trust_env=False, timeout=60) as applier, \
            httpx.AsyncClient(base_url=server, trust_env=False, timeout=timeout,
                              limits=limits) as writer:  # fmt: skip
        listing = await applier.get(COMPUTES, params={"limit": 1})
        version = listing.json()["metadata"]["resourceVersion"]
        follower = asyncio.create_task(_follow(writer, set(names), write, version))
        await post_computes(applier, names)
        await follower


async def _remove(server: str, names: list[str]) -> None:
    """Delete the floor's objects, their finalizer first (the watch sees them go)."""
    limit = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(base_url=server, trust_env=False, timeout=60) as http:

        async def one(name: str) -> None:
            async with limit:
                await http.patch(f"{COMPUTES}/{name}", headers=MERGE,
                                 content=json.dumps({"metadata": {"finalizers": None}}))
                await http.delete(f"{COMPUTES}/{name}")

        await asyncio.gather(*(one(name) for name in names))


def kubernetes_floor(world: World, names: list[str], plan: str, timeout: float) -> float:
    """Seconds from the first POST until every one of ``names`` is Ready, with ``plan``."""
    write, _ = PLANS[plan]
    started = time.monotonic()
    asyncio.run(_converge(world.cluster.server, names, write))
    world.watch.wait_ready(len(names), timeout=timeout, among=names)
    elapsed = world.watch.last_ready(names) - started
    asyncio.run(_remove(world.cluster.server, names))
    world.watch.wait_gone(names, timeout=timeout)
    return elapsed
