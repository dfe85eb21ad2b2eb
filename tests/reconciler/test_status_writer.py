"""StatusWriter: observedGeneration on every write, nothing written when nothing changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from memory_kube import MemoryKube

from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import Link, Resource
from occi_operator.reconciler.contract import Observation
from occi_operator.reconciler.kube import custom
from occi_operator.reconciler.outcome import Outcome
from occi_operator.reconciler.status import Mirror, StatusWriter, mirror_of

NETWORKS = custom("networks", "Network")
T0 = datetime(2026, 1, 1, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def mirror(vlan: int = 1) -> Mirror:
    remote = Resource(kind=v.NETWORK_KIND, location="http://e/network/1",
                      attributes={v.NETWORK_VLAN: vlan, v.NETWORK_STATE: "active"})
    return mirror_of(remote, Observation(ready=True, state="active", status={"vlan": vlan}))


async def test_an_unchanged_resync_writes_nothing() -> None:
    kube, clock = MemoryKube(), Clock()
    writer = StatusWriter(kube, now=clock, sync_refresh=3600)
    obj = kube.apply(NETWORKS, "ns", "n", {})
    obj = await writer.write(obj, Outcome.done(), mirror=mirror())
    assert kube.writes == 1
    assert obj.status["observedGeneration"] == 1
    assert obj.status["lastSyncTime"] == "2026-01-01T00:00:00Z"
    clock.now = T0 + timedelta(minutes=10)
    obj = await writer.write(obj, Outcome.done(), mirror=mirror())
    assert kube.writes == 1
    clock.now = T0 + timedelta(hours=2)
    obj = await writer.write(obj, Outcome.done(), mirror=mirror())
    assert kube.writes == 2  # lastSyncTime grew stale: refreshed
    assert obj.status["lastSyncTime"] == "2026-01-01T02:00:00Z"


async def test_a_change_writes_with_generation_and_sync_time() -> None:
    kube, clock = MemoryKube(), Clock()
    writer = StatusWriter(kube, now=clock)
    obj = kube.apply(NETWORKS, "ns", "n", {})
    obj = await writer.write(obj, Outcome.done(), mirror=mirror(1))
    obj = kube.apply(NETWORKS, "ns", "n", {"resource": {"vlan": 2}})
    clock.now = T0 + timedelta(minutes=1)
    obj = await writer.write(obj, Outcome.waiting("updating", 1.0), mirror=mirror(2))
    assert obj.status["observedGeneration"] == 2
    assert obj.status["vlan"] == 2
    assert obj.status["lastSyncTime"] == "2026-01-01T00:01:00Z"


async def test_fields_set_to_none_are_removed() -> None:
    kube = MemoryKube()
    writer = StatusWriter(kube, now=Clock())
    obj = kube.apply(NETWORKS, "ns", "n", {})
    obj = await writer.write(obj, Outcome.waiting("creating", 0), fields={"create_pending": "x"})
    assert obj.status["createPending"] == "x"
    obj = await writer.write(obj, Outcome.waiting("created", 1),
                             fields={"create_pending": None, "location": "http://e/n/1"})
    assert "createPending" not in obj.status
    assert obj.status["location"] == "http://e/n/1"


async def test_events_mark_transitions_and_new_errors_only() -> None:
    kube = MemoryKube()
    writer = StatusWriter(kube, now=Clock())
    obj = kube.apply(NETWORKS, "ns", "n", {})
    obj = await writer.write(obj, Outcome.transient("down", 10.0))
    obj = await writer.write(obj, Outcome.transient("still down", 10.0))
    obj = await writer.write(obj, Outcome.done(), mirror=mirror())
    assert [(e.type, e.reason) for e in kube.events] == [
        ("Warning", "TransientError"), ("Normal", "Success")]


def test_user_data_never_reaches_the_mirror() -> None:
    remote = Resource(kind=v.COMPUTE_KIND, location="http://e/compute/1", attributes={
        v.COMPUTE_USERDATA: "c2VjcmV0", v.COMPUTE_CORES: 2,
        v.OPENSTACK_USER_DATA: "c2VjcmV0"})
    shown = mirror_of(remote, Observation(ready=True))
    assert dict(shown.attributes) == {v.COMPUTE_CORES: "2"}


def test_links_of_a_resource_are_mirrored() -> None:
    link = Link(kind=v.STORAGELINK_KIND, location="http://e/storagelink/1",
                target="http://e/storage/1", attributes={v.STORAGELINK_STATE: "active"})
    remote = Resource(kind=v.COMPUTE_KIND, location="http://e/compute/1", links=(link,))
    assert mirror_of(remote, Observation(ready=True)).links == ({
        "location": "http://e/storagelink/1", "kind": v.STORAGELINK_KIND,
        "target": "http://e/storage/1", "state": "active"},)


def compute_with_link(link_location: str | None) -> Mirror:
    link = Link(kind=v.NETWORKINTERFACE_KIND, location=link_location, source="http://e/compute/1",
                target="http://e/network/1", attributes={v.NETWORKINTERFACE_STATE: "active"})
    remote = Resource(kind=v.COMPUTE_KIND, location="http://e/compute/1", links=(link,),
                      attributes={v.COMPUTE_STATE: "active"})
    return mirror_of(remote, Observation(ready=True, state="active"))


async def test_a_listing_without_link_locations_keeps_the_known_ones_and_writes_nothing() -> None:
    # A JSON collection listing carries no location for a resource's links; a GET does.
    kube, clock = MemoryKube(), Clock()
    writer = StatusWriter(kube, now=clock)
    obj = kube.apply(NETWORKS, "ns", "n", {})
    obj = await writer.write(obj, Outcome.done(), mirror=compute_with_link("http://e/link/ni/1"))
    assert kube.writes == 1
    obj = await writer.write(obj, Outcome.done(), mirror=compute_with_link(None))
    assert kube.writes == 1
    assert obj.status["links"][0]["location"] == "http://e/link/ni/1"
    fresh = kube.apply(NETWORKS, "ns", "m", {})
    fresh = await writer.write(fresh, Outcome.done(), mirror=compute_with_link(None))
    assert fresh.status["links"][0]["location"] == ""  # nothing known yet: left empty
