"""Benchmark: with N Ready Computes, what one resync period costs the endpoint and Kubernetes.

The endpoint object sets a short resync period (20 s by default; timer tick 1 s). Once all
N Computes are Ready, one period is let pass (the first resync round after convergence),
then requests are counted over ``--periods`` periods: OCCI requests on the endpoint side
(a counting wrapper around the embedded endpoint; goal ≤ 5 per period) and Kubernetes
writes at the API (every change of a Compute seen by a watch, plus Events; goal 0).
Asserts nothing. Run from the repository root::

    .venv/bin/python bench/resync.py [--count 1000] [--period 20] [--rendering MEDIA-TYPE]
"""

from __future__ import annotations

import argparse
import time

from harness import bench_world


def run(count: int, period: float, periods: int, timeout: float, rendering: str | None) -> None:
    """Converge N Computes, wait a period, then count over ``periods`` periods."""
    with bench_world(delay=0.5, resync_period=f"{period:g}s", rendering=rendering) as world:
        world.start_operator({"OCCI_OPERATOR_RESYNC__TICK": "1"})
        world.apply([f"vm-{n}" for n in range(count)])
        world.watch.wait_ready(count, timeout=timeout)
        time.sleep(period * 1.2)  # the first round after convergence
        occi, modified, events = world.occi_requests(), world.watch.modified, world.events()
        time.sleep(period * periods)
        sent = world.occi_requests() - occi
        writes = world.watch.modified - modified
        new_events = world.events() - events
        ready = len(world.watch.ready)
        rss = world.rss_mib()
    total = sum(sent.values())
    print(f"{count} Ready Computes, resync period {period:.0f} s, measured over {periods} "
          f"period(s); {ready} still Ready at the end; preferredRendering "
          f"{rendering or 'default (text/plain)'}")
    print(f"OCCI requests per period    {total / periods:8.1f}   (goal <= 5)   "
          + ", ".join(f"{key} {value}" for key, value in sent.most_common(5)))
    print(f"Kubernetes writes per period {(writes + new_events) / periods:7.1f}   (goal 0)   "
          f"Compute changes {writes}, Events {new_events}")
    print(f"operator RSS {rss:.0f} MiB")


def main() -> None:
    """Command line: ``--count N`` (default 1000), ``--period S`` (default 20)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="Ready Computes")
    parser.add_argument("--period", type=float, default=20.0, help="resync period, seconds")
    parser.add_argument("--periods", type=int, default=2, help="periods to count over")
    parser.add_argument("--timeout", type=float, default=1800.0, help="convergence limit, s")
    parser.add_argument("--rendering", default=None,
                        help="the endpoint object's preferredRendering (default: none set, "
                        "so the CRD's text/plain)")
    args = parser.parse_args()
    run(args.count, args.period, args.periods, args.timeout, args.rendering)


if __name__ == "__main__":
    main()
