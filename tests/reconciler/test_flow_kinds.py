"""The same scenarios over every kind (after k-orc): create-minimal, create-full, dependency,
import, import-error, update, delete."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from flow_support import Stack, remote_locations

from occi_operator.occi.client import OCCIClient
from occi_operator.reconciler.outcome import OutcomeKind


@dataclass(frozen=True)
class Case:
    """One kind: what a minimal and a full object ask, an update, what it depends on."""

    kind: str
    collection: str
    minimal: dict[str, Any]
    full: dict[str, Any]
    update: dict[str, Any]
    status_field: str
    updated_value: Any
    needs: tuple[tuple[str, str, dict[str, Any]], ...] = field(default=())


VM = ("Compute", "vm", {"osTemplate": "cirros", "resourceTemplate": "small"})
NET = ("Network", "net", {"ipNetwork": {"cidr": "10.1.0.0/24"}})
DISK = ("Storage", "disk", {"size": "1Gi"})
APP = ("Application", "app", {"context": "https://git.example.org/app.git"})
DB = ("Component", "db", {"database": {}})
LINK = {"source": {"applicationRef": {"name": "app"}}, "target": {"componentRef": {"name": "db"}}}

CASES = [
    Case("Network", "/network/", {}, {"title": "Net", "vlan": 12, "label": "dmz",
                                      "ipNetwork": {"cidr": "10.2.0.0/24",
                                                    "gateway": "10.2.0.254"}},
         {"vlan": 13}, "vlan", 13),
    Case("Storage", "/storage/", {"size": "1Gi"}, {"title": "Disk", "size": "3Gi",
                                                   "online": True},
         {"size": "2Gi"}, "size", "2Gi"),
    Case("Compute", "/compute/", {}, {"title": "VM", "cores": 2, "memory": "1Gi",
                                      "hostname": "vm.example.org", "osTemplate": "cirros"},
         {"cores": 3}, "cores", 3),
    Case("NetworkInterface", "/networkinterface/",
         {"computeRef": {"name": "vm"}, "networkRef": {"name": "net"}},
         {"computeRef": {"name": "vm"}, "networkRef": {"name": "net"},
          "address": "10.1.0.7", "allocation": "static", "mac": "52:54:00:12:34:56"},
         {"mac": "52:54:00:12:34:57"}, "mac", "52:54:00:12:34:57", needs=(VM, NET)),
    Case("StorageLink", "/storagelink/",
         {"computeRef": {"name": "vm"}, "storageRef": {"name": "disk"}},
         {"computeRef": {"name": "vm"}, "storageRef": {"name": "disk"},
          "deviceId": "/dev/vdz", "mountPoint": "/srv"},
         {"mountPoint": "/mnt"}, "mountPoint", "/mnt", needs=(VM, DISK)),
    Case("Application", "/application/", {"context": "https://git.example.org/a.git"},
         {"title": "Shop", "name": "shop", "context": "https://git.example.org/a.git",
          "applicationTemplate": "python-3.12", "resourceTemplate": "small"},
         {"resourceTemplate": "medium"}, "resourceTemplate", "medium"),
    Case("Component", "/component/", {},
         {"title": "DB", "applicationTemplate": "postgresql-16", "resourceTemplate": "small",
          "database": {"version": "16"}},
         {"runState": "Stopped"}, "runState", "Stopped"),
    Case("ComponentLink", "/componentlink/", LINK, {**LINK, "databaseLink": True},
         {}, "databaseUri", None, needs=(APP, DB)),
]
IDS = [case.kind for case in CASES]


async def prepare(stack: Stack, case: Case) -> None:
    for kind, name, resource in case.needs:
        stack.apply(kind, name, resource)
        assert (await stack.settle(kind, name)).kind is OutcomeKind.DONE, kind


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_create_minimal(stack: Stack, http: OCCIClient, case: Case) -> None:
    await prepare(stack, case)
    stack.apply(case.kind, "it", case.minimal)
    assert (await stack.settle(case.kind, "it")).kind is OutcomeKind.DONE
    obj = stack.read(case.kind, "it")
    assert obj.status["location"] in await remote_locations(http, case.collection)
    assert obj.status["observedGeneration"] == obj.generation


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_create_full(stack: Stack, http: OCCIClient, case: Case) -> None:
    await prepare(stack, case)
    stack.apply(case.kind, "it", case.full)
    assert (await stack.settle(case.kind, "it")).kind is OutcomeKind.DONE
    remote = await http.get(stack.read(case.kind, "it").status["location"])
    if "title" in case.full:
        assert remote.title == case.full["title"]
    assert len(await remote_locations(http, case.collection)) == 1


@pytest.mark.parametrize("case", [c for c in CASES if c.needs], ids=[c.kind for c in CASES
                                                                     if c.needs])
async def test_dependency(stack: Stack, case: Case) -> None:
    stack.apply(case.kind, "it", case.minimal)
    outcome = await stack.step(case.kind, "it")
    assert outcome.kind is OutcomeKind.WAITING
    kind, name, _ = case.needs[0]
    assert outcome.message == f"Waiting for {kind}/{name} to exist"
    await prepare(stack, case)
    assert (await stack.settle(case.kind, "it")).kind is OutcomeKind.DONE


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_import(stack: Stack, case: Case) -> None:
    await prepare(stack, case)
    stack.apply(case.kind, "original", case.minimal)
    await stack.settle(case.kind, "original")
    location = stack.read(case.kind, "original").status["location"]
    stack.apply(case.kind, "observer", None, managementPolicy="unmanaged",
                **{"import": {"location": location}})
    assert (await stack.settle(case.kind, "observer")).kind is OutcomeKind.DONE
    assert stack.read(case.kind, "observer").status["location"] == location


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_import_error(stack: Stack, case: Case) -> None:
    missing = f"http://occi.test{case.collection}missing"
    stack.apply(case.kind, "observer", None, managementPolicy="unmanaged",
                **{"import": {"location": missing}})
    outcome = await stack.settle(case.kind, "observer")
    assert outcome.kind is OutcomeKind.TERMINAL
    assert missing in outcome.message


# A ComponentLink has nothing mutable.
@pytest.mark.parametrize("case", [c for c in CASES if c.update],
                         ids=[c.kind for c in CASES if c.update])
async def test_update(stack: Stack, case: Case) -> None:
    await prepare(stack, case)
    stack.apply(case.kind, "it", case.full)
    await stack.settle(case.kind, "it")
    location = stack.read(case.kind, "it").status["location"]
    stack.apply(case.kind, "it", {**case.full, **case.update})
    assert (await stack.settle(case.kind, "it")).kind is OutcomeKind.DONE
    obj = stack.read(case.kind, "it")
    assert obj.status[case.status_field] == case.updated_value
    assert obj.status["location"] == location  # updated in place, never recreated


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_delete(stack: Stack, http: OCCIClient, case: Case) -> None:
    await prepare(stack, case)
    stack.apply(case.kind, "it", case.minimal)
    await stack.settle(case.kind, "it")
    stack.delete(case.kind, "it")
    assert (await stack.finish_delete(case.kind, "it")).kind is OutcomeKind.DONE
    assert stack.gone(case.kind, "it")
    assert not await remote_locations(http, case.collection)
