"""Rendering benchmark: entities rendered and parsed per second, and peak memory.

Builds a collection of ``--count`` computes (two mixins, seven attributes, two action
links, a storage link and a network interface each) and measures, for every rendering:

* ``text/plain`` and ``text/occi``: entity by entity, as a client reads them (text
  renderings list collections as locations only, so full entities come one per request);
* ``application/occi+json``: the whole collection in one document;
* ``text/uri-list``: the collection as its locations.

Rates are the best of ``--repeat`` runs; peak memory is measured in a separate run under
:mod:`tracemalloc` (which slows code down) and covers rendering plus parsing. The script
prints a table and asserts nothing. Run it as ``.venv/bin/python bench/rendering.py``.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "operator"))

from occi_operator.occi.entities import Collection, Link, Resource
from occi_operator.occi.rendering import (
    JsonRendering,
    Message,
    Rendering,
    TextOcciRendering,
    TextPlainRendering,
    UriListRendering,
)

INFRA = "http://schemas.ogf.org/occi/infrastructure#"
ACTIONS = "http://schemas.ogf.org/occi/infrastructure/compute/action#"
BASE = "https://cloud.example.org:8787"


def build_resource(index: int) -> Resource:
    """One compute with mixins, attributes, action links and two inline links."""
    location = f"{BASE}/compute/{index:08d}-5f43-4d1a-9c1e-1f2e3d4c5b6a"
    return Resource(
        kind=INFRA + "compute",
        mixins=(
            f"http://schemas.openstack.org/template/os#image-{index % 7}",
            f"http://schemas.openstack.org/template/resource#flavor-{index % 3}",
        ),
        id=location.rsplit("/", 1)[1],
        title=f"web-{index}",
        summary='A compute with "quotes", commas, semicolons; and unicode: é漢',
        location=location,
        attributes={
            "occi.compute.cores": 1 + index % 8,
            "occi.compute.memory": 2.0 + index % 4,
            "occi.compute.architecture": "x64",
            "occi.compute.hostname": f"web-{index}.example.org",
            "occi.compute.state": "active",
            "occi.compute.share": index % 2,
            "org.example.tenant": "project-42",
        },
        actions=(ACTIONS + "stop", ACTIONS + "restart"),
        links=(
            Link(
                kind=INFRA + "storagelink",
                id=f"disk-{index}",
                location=f"{BASE}/link/storagelink/disk-{index}",
                target=f"{BASE}/storage/{index}",
                target_kind=INFRA + "storage",
                attributes={
                    "occi.storagelink.deviceid": "/dev/vda",
                    "occi.storagelink.state": "active",
                },
            ),
            Link(
                kind=INFRA + "networkinterface",
                mixins=("http://schemas.ogf.org/occi/infrastructure/networkinterface#ipnetworkinterface",),
                id=f"nic-{index}",
                location=f"{BASE}/link/networkinterface/nic-{index}",
                target=f"{BASE}/network/public",
                target_kind=INFRA + "network",
                attributes={
                    "occi.networkinterface.interface": "eth0",
                    "occi.networkinterface.mac": f"02:00:00:00:{index // 256 % 256:02x}:"
                    f"{index % 256:02x}",
                    "occi.networkinterface.address": f"10.0.{index // 256 % 256}.{index % 256}",
                    "occi.networkinterface.state": "active",
                },
            ),
        ),
    )


@dataclass(frozen=True)
class Case:
    """One measured way of moving the collection through a rendering."""

    name: str
    mode: str
    render: Callable[[], list[Message]]
    parse: Callable[[list[Message]], object]


def cases(collection: Collection) -> list[Case]:
    """The four renderings, each in the way a client uses it for collections."""
    cases: list[Case] = []
    for rendering in (TextPlainRendering(), TextOcciRendering()):
        cases.append(_per_entity_case(rendering, collection))
    json = JsonRendering()
    cases.append(
        Case(
            name=json.media_types[0],
            mode="collection",
            render=lambda: [json.render_collection(collection)],
            parse=lambda messages: json.parse_collection(messages[0]),
        )
    )
    uri_list = UriListRendering()
    listing = Collection(locations=tuple(r.location or "" for r in collection.resources))
    cases.append(
        Case(
            name=uri_list.media_types[0],
            mode="locations",
            render=lambda: [uri_list.render_collection(listing)],
            parse=lambda messages: uri_list.parse_collection(messages[0]),
        )
    )
    return cases


def _per_entity_case(rendering: Rendering, collection: Collection) -> Case:
    return Case(
        name=rendering.media_types[0],
        mode="per entity",
        render=lambda: [rendering.render_entity(entity) for entity in collection.resources],
        parse=lambda messages: [rendering.parse_entity(message) for message in messages],
    )


def _best_seconds(action: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def _peak_bytes(case: Case) -> int:
    tracemalloc.start()
    try:
        case.parse(case.render())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _size(messages: list[Message]) -> int:
    return sum(
        len(message.body) + sum(len(name) + len(value) + 4 for name, value in message.headers)
        for message in messages
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=1000, help="resources in the collection")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case (best wins)")
    options = parser.parse_args(argv)
    collection = Collection(resources=tuple(build_resource(i) for i in range(options.count)))
    count = len(collection.resources)
    print(f"{count} computes, 2 mixins, 7 attributes, 2 action links, 2 inline links each")
    header = (
        f"{'rendering':<24} {'mode':<11} {'render/s':>10} {'parse/s':>10} {'KiB':>8}"
        f" {'peak MiB':>9}"
    )
    print(header)
    print("-" * len(header))
    for case in cases(collection):
        messages = case.render()
        render_s = _best_seconds(case.render, options.repeat)
        parse_s = _best_seconds(functools.partial(case.parse, messages), options.repeat)
        peak = _peak_bytes(case)
        print(
            f"{case.name:<24} {case.mode:<11} {count / render_s:>10.0f} {count / parse_s:>10.0f}"
            f" {_size(messages) / 1024:>8.0f} {peak / 2**20:>9.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
