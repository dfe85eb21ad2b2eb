"""Connection Secrets: written with the right keys, kept up to date, never foreign, per policy."""

from __future__ import annotations

import ipaddress
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flow_support import NAMESPACE, Stack

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import OCCIClient
from occi_operator.occi.entities import Link, Resource
from occi_operator.reconciler.adapters import ComputeAdapter
from occi_operator.reconciler.connection import (
    DIGEST_ANNOTATION,
    MANAGED_BY,
    MANAGED_BY_LABEL,
    OWNER_ANNOTATION,
)
from occi_operator.reconciler.kube import SECRETS, KubeObject
from occi_operator.reconciler.outcome import OutcomeKind
from occi_operator.reconciler.resync import ResyncPolicy, SyncMemory

SECRET = "web-connection"
TOKEN = "tok-9f3a7c51e2d84b06"


def secret_body(stack: Stack, name: str = SECRET) -> dict[str, Any]:
    return stack.kube.objects[(SECRETS.plural, NAMESPACE, name)]


def values(stack: Stack, name: str = SECRET) -> dict[str, str]:
    return stack.kube.secret_values(NAMESPACE, name)


def has_secret(stack: Stack, name: str = SECRET) -> bool:
    return stack.kube.exists(SECRETS, NAMESPACE, name)


async def web_on_a_network(stack: Stack, **lifecycle: Any) -> None:
    """Compute/web (hostname web-1) with one interface on 10.20.0.0/24, all Ready."""
    stack.apply("Network", "net", {"ipNetwork": {"cidr": "10.20.0.0/24", "gateway": "10.20.0.1"}})
    stack.apply("Compute", "web", {"cores": 1, "hostname": "web-1"},
                writeConnectionSecretToRef={"name": SECRET}, **lifecycle)
    stack.apply("NetworkInterface", "web-eth0",
                {"computeRef": {"name": "web"}, "networkRef": {"name": "net"}})
    for kind, name in (("Network", "net"), ("Compute", "web"), ("NetworkInterface", "web-eth0"),
                       ("Compute", "web")):  # the Compute again: it now has its interface
        assert (await stack.settle(kind, name)).kind is OutcomeKind.DONE, (kind, name)


async def test_a_compute_gets_its_hostname_and_addresses(stack: Stack) -> None:
    await web_on_a_network(stack)
    web = stack.read("Compute", "web")
    data = values(stack)
    assert set(data) == {"location", "hostname", "address", "addresses"}
    assert data["hostname"] == "web-1"
    assert data["location"] == web.status["location"]
    assert ipaddress.ip_address(data["address"]) in ipaddress.ip_network("10.20.0.0/24")
    assert data["addresses"] == data["address"]
    assert data["address"] == stack.read("NetworkInterface", "web-eth0").status["address"]
    meta = secret_body(stack)["metadata"]
    assert meta["labels"][MANAGED_BY_LABEL] == MANAGED_BY
    assert meta["annotations"][OWNER_ANNOTATION] == "Compute/web"
    assert [(o["kind"], o["name"], o["uid"]) for o in meta["ownerReferences"]] == [
        ("Compute", "web", web.uid)
    ]
    # Status names the Secret and a digest, never a value.
    recorded = web.status["connectionSecret"]
    assert recorded == {"name": SECRET, "hash": meta["annotations"][DIGEST_ANNOTATION]}
    assert not any(value in str(recorded) for value in data.values())
    written = [e for e in stack.kube.events if e.reason == "ConnectionSecretWritten"]
    assert written
    assert all(data["address"] not in e.message for e in written)


async def test_no_write_when_nothing_changed(stack: Stack) -> None:
    await web_on_a_network(stack)
    version = stack.kube.read(SECRETS, NAMESPACE, SECRET).resource_version
    writes = stack.kube.writes
    for _ in range(3):
        assert (await stack.step("Compute", "web")).kind is OutcomeKind.DONE
    assert stack.kube.read(SECRETS, NAMESPACE, SECRET).resource_version == version
    assert stack.kube.writes == writes  # neither the Secret nor the status


async def test_a_resync_served_by_a_collection_listing_leaves_the_secrets(stack: Stack) -> None:
    # Settled objects are read out of one JSON listing of their collection: its entities
    # must carry the links' addresses just as a GET does, or the Secrets would flap.
    stack.apply("Network", "net", {"ipNetwork": {"cidr": "10.50.0.0/24"}})
    names = ("a", "b", "c")
    for name in names:
        stack.apply("Compute", name, {"cores": 1}, writeConnectionSecretToRef={"name": name})
        stack.apply("NetworkInterface", f"{name}-eth0",
                    {"computeRef": {"name": name}, "networkRef": {"name": "net"}})
    await stack.settle("Network", "net")
    for name in names:
        await stack.settle("Compute", name)
        await stack.settle("NetworkInterface", f"{name}-eth0")
        await stack.runtime.resync(stack.read("Compute", name))  # due: its interface came
    before = {name: values(stack, name) for name in names}
    assert all(data["address"].startswith("10.50.0.") for data in before.values())
    poller = stack.runtime.reconciler.poller
    served = poller.served
    versions = {n: stack.kube.read(SECRETS, NAMESPACE, n).resource_version for n in names}
    computes = {n: stack.read("Compute", n).resource_version for n in names}
    later = datetime.now(UTC)
    for name in names:
        stack.runtime.reconciler.memory.expedite(stack.read("Compute", name).uid, later)
        assert (await stack.runtime.resync(stack.read("Compute", name))).kind is OutcomeKind.DONE
    assert poller.served - served == len(names)  # every pass out of the listing
    assert {name: values(stack, name) for name in names} == before
    # No Secret write, and no status write either: a JSON listing renders no location for
    # a resource's links, and status keeps the ones a GET showed.
    assert {n: stack.kube.read(SECRETS, NAMESPACE, n).resource_version for n in names} == versions
    assert {n: stack.read("Compute", n).resource_version for n in names} == computes


async def test_the_secret_follows_the_remote_side(stack: Stack, http: OCCIClient) -> None:
    await web_on_a_network(stack)
    first = values(stack)
    web = stack.read("Compute", "web").status["location"]
    net = stack.read("Network", "net").status["location"]
    # Outside the operator: a second interface with a fixed address.
    await http.create(Link(
        kind=v.NETWORKINTERFACE_KIND, source=web, target=net, target_kind=v.NETWORK_KIND,
        mixins=(v.IPNETWORKINTERFACE_MIXIN,),
        attributes={v.NETWORKINTERFACE_ADDRESS: "10.20.0.200",
                    v.NETWORKINTERFACE_ALLOCATION: "static"},
    ))
    await stack.step("Compute", "web")
    data = values(stack)
    assert data["address"] == first["address"]  # the first interface stays first
    assert data["addresses"] == f"{first['address']},10.20.0.200"
    assert (
        stack.read("Compute", "web").status["connectionSecret"]["hash"]
        == secret_body(stack)["metadata"]["annotations"][DIGEST_ANNOTATION]
    )


async def test_an_interface_coming_or_going_makes_the_compute_due_at_once(stack: Stack) -> None:
    # Without the nudge the Compute would wait for its resync period (10 minutes).
    stack.apply("Network", "net", {"ipNetwork": {"cidr": "10.40.0.0/24"}})
    stack.apply("Compute", "web", {"cores": 1}, writeConnectionSecretToRef={"name": SECRET})
    for kind, name in (("Network", "net"), ("Compute", "web")):
        assert (await stack.settle(kind, name)).kind is OutcomeKind.DONE
    assert not stack.runtime.resync_due(stack.read("Compute", "web"))
    stack.apply("NetworkInterface", "web-eth0",
                {"computeRef": {"name": "web"}, "networkRef": {"name": "net"}})
    assert (await stack.settle("NetworkInterface", "web-eth0")).kind is OutcomeKind.DONE
    assert stack.runtime.resync_due(stack.read("Compute", "web"))
    await stack.runtime.resync(stack.read("Compute", "web"))
    assert values(stack)["address"].startswith("10.40.0.")
    assert not stack.runtime.resync_due(stack.read("Compute", "web"))
    stack.delete("NetworkInterface", "web-eth0")
    assert (await stack.finish_delete("NetworkInterface", "web-eth0")).kind is OutcomeKind.DONE
    assert stack.runtime.resync_due(stack.read("Compute", "web"))
    await stack.runtime.resync(stack.read("Compute", "web"))
    assert "address" not in values(stack)


def test_an_expedited_object_stays_due_until_a_read_that_can_see_the_change() -> None:
    memory, policy = SyncMemory(), ResyncPolicy(default_period=600.0, jitter=0.0)
    start = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    obj = KubeObject(type=SECRETS, namespace=NAMESPACE, name="web", uid="u1", generation=1,
                     resource_version="1")
    memory.mark("u1", start)
    assert memory.due_in(obj, period=600.0, policy=policy, now=start) == 600.0
    memory.expedite("u1", start + timedelta(seconds=10))
    assert memory.due_in(obj, period=600.0, policy=policy, now=start) == 0.0
    memory.mark("u1", start + timedelta(seconds=5))  # a listing older than the change
    assert memory.due_in(obj, period=600.0, policy=policy, now=start) == 0.0
    memory.mark("u1", start + timedelta(seconds=10))
    assert memory.due_in(obj, period=600.0, policy=policy, now=start) > 0.0


async def test_a_foreign_secret_is_never_overwritten(stack: Stack) -> None:
    stack.kube.put_secret(NAMESPACE, SECRET, {"password": "theirs"})
    stack.apply("Compute", "web", {"cores": 1}, writeConnectionSecretToRef={"name": SECRET})
    outcome = await stack.settle("Compute", "web")
    assert outcome.kind is OutcomeKind.TERMINAL
    assert f"Secret {NAMESPACE}/{SECRET}" in outcome.message
    stalled = stack.condition("Compute", "web", "Stalled")
    assert (stalled["status"], stalled["reason"]) == ("True", "InvalidConfiguration")
    assert values(stack) == {"password": "theirs"}
    assert "theirs" not in repr(stack.kube.objects) + repr(stack.kube.events)
    # Deleting the object leaves the foreign Secret alone too.
    stack.delete("Compute", "web")
    assert (await stack.finish_delete("Compute", "web")).kind is OutcomeKind.DONE
    assert values(stack) == {"password": "theirs"}


async def test_a_secret_deleted_by_someone_is_written_again(stack: Stack) -> None:
    await web_on_a_network(stack)
    await stack.kube.delete_secret(stack.kube.read(SECRETS, NAMESPACE, SECRET))
    await stack.step("Compute", "web")
    assert values(stack)["hostname"] == "web-1"


async def test_renaming_or_removing_the_field_deletes_the_old_secret(stack: Stack) -> None:
    await web_on_a_network(stack)
    stack.apply("Compute", "web", {"cores": 1, "hostname": "web-1"},
                writeConnectionSecretToRef={"name": "renamed"})
    assert (await stack.settle("Compute", "web")).kind is OutcomeKind.DONE
    assert not has_secret(stack)
    assert values(stack, "renamed")["hostname"] == "web-1"
    stack.apply("Compute", "web", {"cores": 1, "hostname": "web-1"})
    assert (await stack.settle("Compute", "web")).kind is OutcomeKind.DONE
    assert not has_secret(stack, "renamed")
    assert "connectionSecret" not in stack.read("Compute", "web").status


async def test_renaming_to_a_foreign_secret_keeps_the_old_one_until_fixed(stack: Stack) -> None:
    await web_on_a_network(stack)
    stack.kube.put_secret(NAMESPACE, "taken", {"password": "theirs"})
    stack.apply("Compute", "web", {"cores": 1, "hostname": "web-1"},
                writeConnectionSecretToRef={"name": "taken"})
    assert (await stack.settle("Compute", "web")).kind is OutcomeKind.TERMINAL
    assert values(stack)["hostname"] == "web-1"  # still there, as status says
    assert stack.read("Compute", "web").status["connectionSecret"]["name"] == SECRET
    assert values(stack, "taken") == {"password": "theirs"}


async def delete_web(stack: Stack) -> None:
    stack.delete("NetworkInterface", "web-eth0")
    assert (await stack.finish_delete("NetworkInterface", "web-eth0")).kind is OutcomeKind.DONE
    stack.delete("Compute", "web")
    for _ in range(5):
        if (await stack.finish_delete("Compute", "web")).kind is OutcomeKind.DONE:
            break
    assert stack.gone("Compute", "web")


async def test_on_delete_delete_deletes_the_secret(stack: Stack) -> None:
    await web_on_a_network(stack)
    await delete_web(stack)
    assert not has_secret(stack)  # no garbage collector needed


async def test_on_delete_detach_keeps_the_secret_released(stack: Stack) -> None:
    await web_on_a_network(stack, managedOptions={"onDelete": "detach"})
    before = values(stack)
    await delete_web(stack)
    assert values(stack) == before
    meta = secret_body(stack)["metadata"]
    assert not meta.get("ownerReferences")
    assert meta["annotations"][OWNER_ANNOTATION] == "Compute/web"


async def test_an_unmanaged_import_writes_and_keeps_its_secret(
    stack: Stack, http: OCCIClient
) -> None:
    location = await http.create(Resource(
        kind=v.COMPUTE_KIND, title="legacy", attributes={v.COMPUTE_HOSTNAME: "legacy-1"}
    ))
    stack.apply("Compute", "web", None, managementPolicy="unmanaged",
                writeConnectionSecretToRef={"name": SECRET}, **{"import": {"location": location}})
    assert (await stack.settle("Compute", "web")).kind is OutcomeKind.DONE
    assert values(stack) == {"location": location, "hostname": "legacy-1"}
    stack.delete("Compute", "web")
    assert (await stack.finish_delete("Compute", "web")).kind is OutcomeKind.DONE
    assert values(stack)["hostname"] == "legacy-1"
    assert not secret_body(stack)["metadata"].get("ownerReferences")


@pytest.mark.parametrize(
    ("kind", "name", "keys"),
    [
        pytest.param("Network", "net", {"location", "cidr", "gateway"}, id="network"),
        pytest.param("Storage", "disk", {"location", "size"}, id="storage"),
        pytest.param("NetworkInterface", "web-eth0",
                     {"location", "address", "gateway", "mac", "interface"}, id="interface"),
        pytest.param("StorageLink", "web-disk", {"location", "deviceid", "mountpoint"},
                     id="storagelink"),
    ],
)
async def test_every_kind_writes_what_reaches_it(
    stack: Stack, kind: str, name: str, keys: set[str]
) -> None:
    # One stack, one Secret per object; the kind under test is checked.
    ref = {"writeConnectionSecretToRef": {"name": f"{name}-conn"}}
    stack.apply("Network", "net", {"ipNetwork": {"cidr": "10.30.0.0/24", "gateway": "10.30.0.1"}},
                **(ref if kind == "Network" else {}))
    stack.apply("Storage", "disk", {"size": "2Gi"}, **(ref if kind == "Storage" else {}))
    stack.apply("Compute", "web", {"cores": 1})
    stack.apply("NetworkInterface", "web-eth0",
                {"computeRef": {"name": "web"}, "networkRef": {"name": "net"}},
                **(ref if kind == "NetworkInterface" else {}))
    stack.apply("StorageLink", "web-disk",
                {"computeRef": {"name": "web"}, "storageRef": {"name": "disk"},
                 "deviceId": "vdb", "mountPoint": "/data"},
                **(ref if kind == "StorageLink" else {}))
    for each, each_name in (("Network", "net"), ("Storage", "disk"), ("Compute", "web"),
                            ("NetworkInterface", "web-eth0"), ("StorageLink", "web-disk")):
        assert (await stack.settle(each, each_name)).kind is OutcomeKind.DONE, each
    data = values(stack, f"{name}-conn")
    assert set(data) == keys
    status = stack.read(kind, name).status
    checks = {"cidr": "10.30.0.0/24", "gateway": "10.30.0.1", "size": "2Gi",
              "deviceid": "vdb", "mountpoint": "/data",
              "address": status.get("address"), "mac": status.get("mac")}
    for key, expected in checks.items():
        if key in data:
            assert data[key] == expected, key


class TokenComputeAdapter(ComputeAdapter):
    """A Compute adapter whose connection details carry a secret (as a database link's do)."""

    def connection_details(self, remote: Resource | Link, spec: Any) -> dict[str, str]:
        return {**super().connection_details(remote, spec), "token": TOKEN}


async def test_a_secret_detail_goes_to_the_secret_only(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setitem(stack.runtime.reconciler.adapters, "Compute", TokenComputeAdapter())
    stack.apply("Compute", "web", {"cores": 1}, writeConnectionSecretToRef={"name": SECRET})
    assert (await stack.settle("Compute", "web")).kind is OutcomeKind.DONE
    assert values(stack)["token"] == TOKEN
    # Objects (statuses, the Secret's metadata; values are kept aside), Events, logs.
    assert TOKEN not in repr(stack.kube.objects) + repr(stack.kube.events) + caplog.text
    stack.delete("Compute", "web")
    assert (await stack.finish_delete("Compute", "web")).kind is OutcomeKind.DONE
    assert TOKEN not in repr(stack.kube.events) + caplog.text
    assert not has_secret(stack)
