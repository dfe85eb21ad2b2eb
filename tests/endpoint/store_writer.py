"""A writer process for the store's durability tests (run as a script, not collected).

``python store_writer.py DATABASE COUNT SYNCHRONOUS PREFIX [--barrier]`` opens the store,
prints ``open``, (with ``--barrier``, waits for a line on stdin, so that a test can start
several writers at the same moment), then puts COUNT compute resources one by one and
prints each location only after ``put_resource`` returned, i.e. after its commit: every
printed line is an acknowledged write. The tests kill it with SIGKILL part way and check
that every printed location survived.
"""

from __future__ import annotations

import sys
import uuid

from occi_operator.endpoint.store import Store, Synchronous
from occi_operator.occi.entities import Resource

COMPUTE = "http://schemas.ogf.org/occi/infrastructure#compute"


def main(database: str, count: int, synchronous: str, prefix: str, barrier: bool) -> None:
    """Write ``count`` resources and acknowledge each on stdout."""
    with Store.open(database, synchronous=Synchronous(synchronous)) as store:
        print("open", flush=True)
        if barrier:
            sys.stdin.readline()
        for number in range(count):
            ident = str(uuid.uuid4())
            store.put_resource(
                Resource(
                    kind=COMPUTE,
                    id=ident,
                    location=f"/compute/{ident}",
                    title=f"{prefix}-{number}",
                    attributes={"occi.compute.cores": number % 8 + 1},
                )
            )
            print(f"/compute/{ident}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], "--barrier" in sys.argv[5:])
