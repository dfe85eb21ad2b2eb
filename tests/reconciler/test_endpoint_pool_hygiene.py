"""The endpoint pool tidies up: retired clients close with their last lease, moved guards go.

* A client rebuilt because its endpoint's spec (or Secret) changed is closed as soon as
  no pass holds a lease on it any more — not only when the process stops.
* An object whose ``endpointRef`` changed (the API server forbids it; a cluster that does
  not enforce CEL rules lets it through) no longer keeps the old endpoint guarded.
"""

from __future__ import annotations

from typing import Any

from flow_support import NAMESPACE, Stack, rtype
from memory_kube import MemoryKube

from occi_operator.api.v1alpha1.common import EndpointRef
from occi_operator.occi.client import EndpointConfig, OCCIClient
from occi_operator.reconciler.dependencies import GUARD_FINALIZER
from occi_operator.reconciler.endpoints import ENDPOINTS, EndpointPool
from occi_operator.reconciler.outcome import OutcomeKind

REF = EndpointRef(name="cloud")
SPEC: dict[str, Any] = {"url": "https://cloud.example.org/", "auth": "none"}


class ClosingClient(OCCIClient):
    """A real client that also remembers being closed."""

    closed = False

    async def aclose(self) -> None:
        self.closed = True
        await super().aclose()


def closed(client: OCCIClient) -> bool:
    """Whether the pool closed ``client``."""
    assert isinstance(client, ClosingClient)
    return client.closed


def pool_with_endpoint() -> tuple[MemoryKube, EndpointPool]:
    kube = MemoryKube()
    kube.apply(ENDPOINTS, "ns", "cloud", SPEC)
    return kube, EndpointPool(kube, client_factory=ClosingClient)


def change_endpoint(kube: MemoryKube, rate: float) -> None:
    kube.apply(ENDPOINTS, "ns", "cloud", {**SPEC, "limits": {"requestsPerSecond": rate}})


async def test_a_retired_client_closes_with_its_last_lease() -> None:
    kube, pool = pool_with_endpoint()
    first, second = await pool.lease("ns", REF), await pool.lease("ns", REF)
    old = first.client
    assert second.client is old
    change_endpoint(kube, 5.0)
    fresh = await pool.lease("ns", REF)
    assert fresh.client is not old
    assert pool.retired == (old,)
    assert not closed(old)  # two passes still use it
    await pool.release(first)
    assert not closed(old)
    await pool.release(second)
    assert closed(old)
    assert pool.retired == ()
    await pool.release(fresh)
    assert not closed(fresh.client)  # the current client stays for the next pass
    await pool.aclose()
    assert closed(fresh.client)


async def test_a_client_nobody_holds_closes_when_it_is_replaced() -> None:
    kube, pool = pool_with_endpoint()
    lease = await pool.lease("ns", REF)
    await pool.release(lease)
    change_endpoint(kube, 3.0)
    replacement = await pool.lease("ns", REF)
    assert closed(lease.client)
    assert pool.retired == ()
    assert not closed(replacement.client)
    await pool.aclose()


async def test_passes_hand_their_leases_back(stack: Stack) -> None:
    """After whole passes (create, update, delete) no retired client is left open."""
    stack.apply("Storage", "disk", {"size": "1Gi"})
    await stack.settle("Storage", "disk")
    pool = stack.runtime.reconciler.endpoints
    stack.kube.apply(ENDPOINTS, NAMESPACE, "cloud", {
        **stack.kube.read(ENDPOINTS, NAMESPACE, "cloud").spec, "defaultResyncPeriod": "7m",
    })
    stack.apply("Storage", "disk", {"size": "2Gi"})
    assert (await stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    assert pool.retired == ()
    stack.delete("Storage", "disk")
    await stack.finish_delete("Storage", "disk")
    assert pool.retired == ()


async def test_moving_to_another_endpoint_releases_the_old_guard(stack: Stack) -> None:
    kube = stack.kube
    kube.apply(ENDPOINTS, NAMESPACE, "other", dict(kube.read(ENDPOINTS, NAMESPACE, "cloud").spec))
    stack.apply("Storage", "disk", {"size": "1Gi"})
    await stack.settle("Storage", "disk")
    assert GUARD_FINALIZER in kube.read(ENDPOINTS, NAMESPACE, "cloud").finalizers
    spec = dict(stack.read("Storage", "disk").spec)
    kube.apply(rtype("Storage"), NAMESPACE, "disk", {**spec, "endpointRef": {"name": "other"}})
    await stack.step("Storage", "disk")
    assert GUARD_FINALIZER not in kube.read(ENDPOINTS, NAMESPACE, "cloud").finalizers


async def test_the_old_endpoint_stays_guarded_while_others_use_it(stack: Stack) -> None:
    kube = stack.kube
    kube.apply(ENDPOINTS, NAMESPACE, "other", dict(kube.read(ENDPOINTS, NAMESPACE, "cloud").spec))
    for name in ("a", "b"):
        stack.apply("Storage", name, {"size": "1Gi"})
        await stack.settle("Storage", name)
    spec = dict(stack.read("Storage", "a").spec)
    kube.apply(rtype("Storage"), NAMESPACE, "a", {**spec, "endpointRef": {"name": "other"}})
    await stack.step("Storage", "a")
    assert GUARD_FINALIZER in kube.read(ENDPOINTS, NAMESPACE, "cloud").finalizers  # b uses it


def test_the_observer_config_field_stays_out_of_dumps() -> None:
    config = EndpointConfig(url="https://cloud.example.org/", observer=lambda record: None)
    assert "observer" not in config.model_dump()
    assert "observer" not in repr(config)


async def test_a_deleted_endpoint_nobody_uses_drops_a_guard_left_behind(stack: Stack) -> None:
    """The user moved while the operator was down: deleting the old endpoint heals it."""
    kube = stack.kube
    kube.apply(ENDPOINTS, NAMESPACE, "other", dict(kube.read(ENDPOINTS, NAMESPACE, "cloud").spec))
    stack.apply("Storage", "disk", {"size": "1Gi"})
    await stack.settle("Storage", "disk")
    spec = dict(stack.read("Storage", "disk").spec)
    # No pass sees the move (the operator is down): the guard stays on "cloud".
    kube.apply(rtype("Storage"), NAMESPACE, "disk", {**spec, "endpointRef": {"name": "other"}})
    kube.request_delete(ENDPOINTS, NAMESPACE, "cloud")
    assert kube.exists(ENDPOINTS, NAMESPACE, "cloud")  # held by the stale guard
    outcome = await stack.runtime.release(kube.read(ENDPOINTS, NAMESPACE, "cloud"))
    assert outcome.kind is OutcomeKind.DONE
    assert not kube.exists(ENDPOINTS, NAMESPACE, "cloud")


async def test_a_deleted_endpoint_still_in_use_keeps_its_guard(stack: Stack) -> None:
    stack.apply("Storage", "disk", {"size": "1Gi"})
    await stack.settle("Storage", "disk")
    stack.kube.request_delete(ENDPOINTS, NAMESPACE, "cloud")
    await stack.runtime.release(stack.kube.read(ENDPOINTS, NAMESPACE, "cloud"))
    assert GUARD_FINALIZER in stack.kube.read(ENDPOINTS, NAMESPACE, "cloud").finalizers
