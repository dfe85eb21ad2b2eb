"""The create-pending mark: written first, with optimistic concurrency; adopted after a crash."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from flow_support import Stack, remote_locations

from occi_operator.occi.client import OCCIClient
from occi_operator.reconciler.kube import KubeConflictError, KubeObject
from occi_operator.reconciler.outcome import OutcomeKind


async def test_a_stale_object_creates_nothing(stack: Stack, http: OCCIClient) -> None:
    stale = stack.apply("Storage", "disk", {"size": "1Gi"})
    stack.apply("Storage", "disk", {"size": "2Gi"})  # someone else wrote meanwhile
    outcome = await stack.runtime.reconcile(stale)
    assert outcome.kind is OutcomeKind.TRANSIENT
    assert "changed" in outcome.message
    assert not await remote_locations(http, "/storage/")


async def test_the_mark_is_written_before_the_post(stack: Stack, http: OCCIClient) -> None:
    seen: list[tuple[bool, int]] = []
    original = stack.kube.patch_status

    async def spy(obj: KubeObject, status: Mapping[str, Any]) -> KubeObject:
        if status.get("createPending"):
            seen.append((True, len(await remote_locations(http, "/storage/"))))
        return await original(obj, status)

    stack.kube.patch_status = spy  # type: ignore[method-assign]
    stack.apply("Storage", "disk", {"size": "1Gi"})
    await stack.step("Storage", "disk")
    assert seen == [(True, 0)]
    assert len(await remote_locations(http, "/storage/")) == 1


async def test_a_lost_status_write_after_the_post_is_adopted(
    stack: Stack, http: OCCIClient
) -> None:
    original = stack.kube.patch_status
    failed: list[str] = []

    async def lose_location(obj: KubeObject, status: Mapping[str, Any]) -> KubeObject:
        if status.get("location") and not failed:
            failed.append(str(status["location"]))
            raise KubeConflictError("simulated crash after the POST", status=409)
        return await original(obj, status)

    stack.kube.patch_status = lose_location  # type: ignore[method-assign]
    stack.apply("Storage", "disk", {"size": "1Gi"})
    assert (await stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    assert failed
    obj = stack.read("Storage", "disk")
    assert obj.status["location"] == failed[0]
    assert await remote_locations(http, "/storage/") == {failed[0]}


async def test_passes_on_one_snapshot_are_serialised_and_create_once(
    stack: Stack, http: OCCIClient
) -> None:
    obj = stack.apply("Storage", "disk", {"size": "1Gi"})
    first, second = await asyncio.gather(
        stack.runtime.reconcile(obj), stack.runtime.reconcile(obj)  # a timer beside a handler,
        # both with the same snapshot: the second must not act on it as it was
    )
    assert OutcomeKind.TRANSIENT not in (first.kind, second.kind)
    assert len(await remote_locations(http, "/storage/")) == 1


async def test_the_location_is_recorded_by_the_next_pass_with_ready(
    stack: Stack, http: OCCIClient
) -> None:
    # The pass that sends the POST writes nothing after it: the next pass records the
    # location together with what it sees (Ready, on a cloud that provisions at once).
    stack.apply("Storage", "first", {"size": "1Gi"})
    await stack.settle("Storage", "first")  # the endpoint object is guarded from now on
    stack.apply("Storage", "disk", {"size": "1Gi"})
    before = stack.kube.writes
    await stack.step("Storage", "disk")
    created = stack.read("Storage", "disk")
    assert created.status["createPending"]
    assert not created.status.get("location")
    after_create = stack.kube.writes
    assert after_create - before == 2  # the finalizer, then the mark; none after the POST
    assert (await stack.step("Storage", "disk")).kind is OutcomeKind.DONE
    ready = stack.read("Storage", "disk")
    assert stack.kube.writes - after_create == 1  # location, mirror and Ready in one
    assert ready.status["location"] in await remote_locations(http, "/storage/")
    assert not ready.status.get("createPending")


async def test_a_restart_before_the_location_is_recorded_adopts_by_marker(
    stack: Stack, http: OCCIClient
) -> None:
    stack.apply("Storage", "disk", {"size": "1Gi"})
    await stack.step("Storage", "disk")
    stack.runtime.reconciler.created.forget(stack.read("Storage", "disk").uid)  # a new process
    assert (await stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    locations = await remote_locations(http, "/storage/")
    assert len(locations) == 1
    assert stack.read("Storage", "disk").status["location"] in locations
