"""Benchmark: the operator's resident memory as Ready Computes grow (1,000 → 5,000).

Computes are applied in steps of ``--step`` (1,000) up to ``--count`` (5,000); after each
step, once all are Ready and a few seconds have passed, the operator's VmRSS is read from
``/proc/<pid>/status``. Goal: ≤ 150 MiB at 1,000. Asserts nothing. Run from the
repository root::

    .venv/bin/python bench/rss.py [--count 5000] [--step 1000] [--settle S] [--env NAME=VALUE]

``--env`` compares operator settings or allocator variables (``PYTHONMALLOC=malloc``,
``MALLOC_ARENA_MAX=2``); ``--settle`` (5 s) is the wait before each reading, longer for
anything that acts periodically.
"""

from __future__ import annotations

import argparse
import time

from harness import bench_world


def run(count: int, step: int, timeout: float, settle: float, env: dict[str, str]) -> None:
    """Grow in steps and print the RSS after each one (``env``: the operator's extras)."""
    rows: list[tuple[int, float]] = []
    with bench_world(delay=0.5) as world:
        world.start_operator(env)
        time.sleep(settle)
        rows.append((0, world.rss_mib()))
        applied = 0
        while applied < count:
            batch = min(step, count - applied)
            world.apply([f"vm-{n}" for n in range(applied, applied + batch)])
            applied += batch
            world.watch.wait_ready(applied, timeout=timeout)
            time.sleep(settle)
            rows.append((applied, world.rss_mib()))
    print("Ready Computes   operator RSS (MiB)   per 1,000 objects since the start (MiB)")
    base = rows[0][1]
    for objects, rss in rows:
        growth = (rss - base) / objects * 1000 if objects else 0.0
        print(f"{objects:>14}   {rss:>18.1f}   {growth:>10.1f}")
    print("goal: <= 150 MiB at 1,000" + "".join(f"; {k}={v}" for k, v in env.items()))


def main() -> None:
    """Command line: ``--count N`` (default 5000), ``--step S`` (default 1000)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="Computes at the end")
    parser.add_argument("--step", type=int, default=1000, help="Computes per step")
    parser.add_argument("--timeout", type=float, default=3600.0, help="per step, seconds")
    parser.add_argument("--settle", type=float, default=5.0,
                        help="seconds between all Ready and reading the RSS")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment of the operator (e.g. a setting to compare)")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    run(args.count, args.step, args.timeout, args.settle, env)


if __name__ == "__main__":
    main()
