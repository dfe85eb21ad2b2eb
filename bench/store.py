"""Benchmark of the endpoint store: puts/s and gets/s for N compute resources.

Each put is its own committed transaction, as the endpoint does per request; gets read in
a shuffled order. Prints numbers only, asserts nothing. Run from the repository root::

    PYTHONPATH=operator python bench/store.py [--count 10000] [--synchronous FULL]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from pathlib import Path

from occi_operator.endpoint.store import Store, Synchronous
from occi_operator.occi.entities import Resource

COMPUTE = "http://schemas.ogf.org/occi/infrastructure#compute"
SMALL = "http://example.org/occi/resource_tpl#small"


def _resource(number: int) -> Resource:
    ident = str(uuid.uuid4())
    return Resource(
        kind=COMPUTE,
        id=ident,
        location=f"/compute/{ident}",
        title=f"vm-{number}",
        mixins=(SMALL,),
        attributes={
            "occi.compute.cores": number % 8 + 1,
            "occi.compute.memory": 2.0,
            "occi.compute.state": "active",
            "occi.compute.hostname": f"vm-{number}.example.org",
        },
    )


def run(count: int, synchronous: Synchronous, directory: Path) -> None:
    """Put ``count`` resources, get each once, list them in pages; print the rates."""
    resources = [_resource(number) for number in range(count)]
    with Store.open(directory / "bench.sqlite3", synchronous=synchronous) as store:
        started = time.perf_counter()
        for resource in resources:
            store.put_resource(resource)
        put_seconds = time.perf_counter() - started

        wanted = [str(resource.location) for resource in resources]
        random.shuffle(wanted)
        started = time.perf_counter()
        for location in wanted:
            store.get(location)
        get_seconds = time.perf_counter() - started

        started = time.perf_counter()
        listed = sum(
            len(store.list_kind(COMPUTE, offset=offset, limit=100))
            for offset in range(0, count, 100)
        )
        list_seconds = time.perf_counter() - started

    print(f"store benchmark: {count} entities, synchronous={synchronous.value}")
    print(f"  puts/s  {count / put_seconds:12,.0f}")
    print(f"  gets/s  {count / get_seconds:12,.0f}")
    print(f"  listed/s {listed / list_seconds:11,.0f}  (pages of 100)")


def main() -> None:
    """Parse the options and run the benchmark in a fresh database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="how many entities")
    parser.add_argument(
        "--synchronous", type=Synchronous, default=Synchronous.NORMAL,
        choices=list(Synchronous), help="PRAGMA synchronous level",
    )
    parser.add_argument(
        "--directory", type=Path, default=None,
        help="where the database goes (default: a temporary directory, removed after)",
    )
    options = parser.parse_args()
    if options.directory is not None:
        run(options.count, options.synchronous, options.directory)
        return
    with tempfile.TemporaryDirectory() as directory:
        run(options.count, options.synchronous, Path(directory))


if __name__ == "__main__":
    main()
