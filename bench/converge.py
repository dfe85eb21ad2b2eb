"""Benchmark: N Computes applied → all Ready, against two floors measured in the same run.

The direct-client floor is a script with the project's OCCI client creating the same N
Computes against the same endpoint (provisioning 0.5 s) at the same concurrency, then
reading each one every 50 ms until it is active; it touches no Kubernetes. The Kubernetes
floors (:mod:`kubefloor`) touch no OCCI: the N objects applied and, watching them, one
status write each, then the operator's own writes. The operator runs as ``occi-operator
run`` against the testbed cluster; its time runs from the first Compute applied to the
last one Ready (seen by a watch). Prints the times, the ratios (goal ≤ 1.3× the
direct-client floor), what each side sent and the CPU seconds of every process during
each Kubernetes phase. Asserts nothing. Run from the repository root::

    .venv/bin/python bench/converge.py [--count 100]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter

from harness import CONCURRENCY, JSON, bench_world
from kubefloor import PLANS, kubernetes_floor
from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import EndpointConfig, OCCIClient, TemplateFamily
from occi_operator.occi.entities import Resource

POLL = 0.05


async def direct_floor(url: str, count: int) -> float:
    """Seconds for a bare client to create ``count`` Computes and see all of them active."""
    config = EndpointConfig(url=url, rendering=JSON, max_concurrency=CONCURRENCY, rate=None)
    async with OCCIClient(config) as client:
        os_tpl = await client.resolve_template(TemplateFamily.OS, "debian-12")
        small = await client.resolve_template(TemplateFamily.RESOURCE, "small")

        async def one(number: int) -> None:
            entity = Resource(kind=v.COMPUTE_KIND, mixins=(os_tpl.type_id, small.type_id),
                              title=f"floor-{number}")  # fmt: skip
            location = await client.create(entity)
            while True:
                seen = await client.get(location)
                if seen.attributes.get(v.COMPUTE_STATE) == v.STATE_ACTIVE:
                    return
                await asyncio.sleep(POLL)

        started = time.monotonic()
        await asyncio.gather(*(one(n) for n in range(count)))
        return time.monotonic() - started


def run(count: int, timeout: float) -> None:
    """Measure the floors, then the operator, and print them side by side."""
    with bench_world(delay=0.5) as world:
        before = world.occi_requests()
        floor = asyncio.run(direct_floor(world.endpoint_url, count))
        floor_requests = world.occi_requests() - before
        kube: dict[str, tuple[float, dict[str, float]]] = {}
        for number, plan in enumerate(PLANS):
            cpu = world.cpu_seconds()
            names = [f"floor{number}-{n}" for n in range(count)]
            seconds = kubernetes_floor(world, names, plan, timeout)
            kube[plan] = (seconds, _spent(cpu, world.cpu_seconds()))
        world.start_operator({})
        names = [f"vm-{n}" for n in range(count)]
        before, modified, events = world.occi_requests(), world.watch.modified, world.events()
        cpu = world.cpu_seconds()
        started = time.monotonic()
        world.apply(names)
        applied = time.monotonic() - started
        wall = world.watch.wait_ready(count, timeout=timeout, among=names) - started
        operator_requests = world.occi_requests() - before
        changes = world.watch.modified - modified
        operator_cpu = _spent(cpu, world.cpu_seconds())
        events, mine = world.events() - events, world.events(about=names)
        rss = world.rss_mib()
    print(f"{count} Computes, {CONCURRENCY} requests in flight, provisioning 0.5 s")
    _row("direct-client floor (OCCI only)", floor, "s",
         f"OCCI requests {_total(floor_requests)} ({_summary(floor_requests)})")
    for plan, (seconds, _) in kube.items():
        _row(f"Kubernetes floor, {plan}", seconds, "s", f"({PLANS[plan][1]})")
    _row("operator", wall, "s",
         f"OCCI requests {_total(operator_requests)} ({_summary(operator_requests)})")
    _row("ratio operator / direct-client", wall / floor, "x", "(goal <= 1.3 x)")
    for plan, (seconds, _) in kube.items():
        _row(f"ratio operator / Kubernetes, {plan}", wall / seconds, "x", "")
    print(f"applying to Kubernetes alone {applied:.2f} s; Compute changes seen "
          f"{changes} ({changes / count:.1f} per object); Events {mine} about them "
          f"({events} new in the namespace); "
          f"operator RSS {rss:.0f} MiB")
    print("CPU seconds (bench = this script: watch, applies, floor writes):")
    for plan, (_, spent) in kube.items():
        print(f"  {'Kubernetes floor, ' + plan:<42}{_cpu(spent)}")
    print(f"  {'operator':<42}{_cpu(operator_cpu)}")


def _row(label: str, value: float, unit: str, note: str) -> None:
    print(f"{label:<44}{value:8.2f} {unit}   {note}".rstrip())


def _spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before.get(name, 0.0) for name in after}


def _cpu(spent: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds:.1f}" for name, seconds in sorted(spent.items()))


def _total(counts: Counter[str]) -> int:
    return sum(counts.values())


def _summary(counts: Counter[str]) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.most_common(4))


def main() -> None:
    """Command line: ``--count N`` (default 100), ``--timeout S``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="Computes to converge")
    parser.add_argument("--timeout", type=float, default=1800.0, help="give up after S s")
    args = parser.parse_args()
    run(args.count, args.timeout)


if __name__ == "__main__":
    main()
