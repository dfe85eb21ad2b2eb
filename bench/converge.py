"""Benchmark: N Computes applied → all Ready, against a direct-client floor in the same run.

The floor is a script with the project's OCCI client creating the same N Computes against
the same endpoint (provisioning 0.5 s) at the same concurrency, then reading each one
every 50 ms until it is active. The operator runs as ``occi-operator run`` against the
testbed cluster; its time runs from the first Compute applied to the last one Ready (seen
by a watch). Prints both times, their ratio (goal ≤ 1.3×) and what each side sent.
Asserts nothing. Run from the repository root::

    .venv/bin/python bench/converge.py [--count 100]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter

from harness import CONCURRENCY, JSON, bench_world
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
    """Measure the floor, then the operator, and print both."""
    with bench_world(delay=0.5) as world:
        before = world.occi_requests()
        floor = asyncio.run(direct_floor(world.endpoint_url, count))
        floor_requests = world.occi_requests() - before
        world.start_operator({})
        names = [f"vm-{n}" for n in range(count)]
        before, modified = world.occi_requests(), world.watch.modified
        cpu = world.cpu_seconds()
        started = time.monotonic()
        world.apply(names)
        applied = time.monotonic() - started
        wall = world.watch.wait_ready(count, timeout=timeout) - started
        operator_requests = world.occi_requests() - before
        changes = world.watch.modified - modified
        cpu_after = world.cpu_seconds()
        events = world.events()
        rss = world.rss_mib()
    print(f"{count} Computes, {CONCURRENCY} requests in flight, provisioning 0.5 s")
    print(f"direct-client floor   {floor:8.2f} s   OCCI requests {_total(floor_requests)} "
          f"({_summary(floor_requests)})")
    print(f"operator              {wall:8.2f} s   OCCI requests {_total(operator_requests)} "
          f"({_summary(operator_requests)})")
    print(f"ratio                 {wall / floor:8.2f} x   (goal <= 1.3 x)")
    print(f"applying to Kubernetes alone {applied:.2f} s; Compute changes seen "
          f"{changes} ({changes / count:.1f} per object); Events {events}; "
          f"operator RSS {rss:.0f} MiB")
    print("CPU seconds while the operator converged: " + ", ".join(
        f"{name} {cpu_after[name] - cpu.get(name, 0.0):.1f}" for name in sorted(cpu_after)))


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
