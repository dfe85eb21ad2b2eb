"""Objects finishing their deletion together: the shared guards go, no one is stranded.

The in-memory Kubernetes lets two referrers interleave deterministically: one clears its
location and then fails half-way through its release (a conflict on the endpoint object,
as a concurrent writer causes), the other finishes and releases the endpoint; the first
one's retry must neither need the endpoint it no longer uses nor keep any guard.

The endpoint object's deletion bumps its generation: that is no reason for a new client,
and a client that is replaced is not closed under the passes still using it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from flow_support import NAMESPACE, Stack, remote_locations
from memory_kube import MemoryKube

from occi_operator.api.v1alpha1.common import EndpointRef
from occi_operator.occi.client import EndpointConfig, OCCIClient
from occi_operator.reconciler.dependencies import GUARD_FINALIZER
from occi_operator.reconciler.endpoints import ENDPOINTS, EndpointPool
from occi_operator.reconciler.kube import KubeConflictError, KubeObject
from occi_operator.reconciler.outcome import OutcomeKind


def conflict_once_on_endpoint(kube: MemoryKube) -> list[str]:
    """Make the next finalizer write on the endpoint object fail with a 409."""
    hits: list[str] = []
    original = kube.set_finalizers

    async def failing(obj: KubeObject, finalizers: Sequence[str]) -> KubeObject:
        if obj.type == ENDPOINTS and not hits:
            hits.append(obj.name)
            raise KubeConflictError("changed by someone else", status=409)
        return await original(obj, finalizers)

    kube.set_finalizers = failing  # type: ignore[method-assign]
    return hits


async def make_pair(stack: Stack) -> None:
    stack.apply("Network", "public", {"ipNetwork": {"cidr": "10.9.0.0/24"}})
    stack.apply("Storage", "disk", {"size": "10Gi"})
    for kind, name in (("Network", "public"), ("Storage", "disk")):
        assert (await stack.settle(kind, name)).kind is OutcomeKind.DONE
    assert GUARD_FINALIZER in stack.kube.read(ENDPOINTS, NAMESPACE, "cloud").finalizers


@pytest.mark.parametrize("endpoint_first", [False, True], ids=["users-first", "endpoint-first"])
async def test_a_release_failing_half_way_strands_nothing(
    stack: Stack, http: OCCIClient, endpoint_first: bool
) -> None:
    await make_pair(stack)
    if endpoint_first:
        stack.kube.request_delete(ENDPOINTS, NAMESPACE, "cloud")
    stack.delete("Network", "public")
    stack.delete("Storage", "disk")
    # Storage is the last user at first: the Network's release keeps the guard.
    assert (await stack.finish_delete("Network", "public")).kind is OutcomeKind.DONE
    hits = conflict_once_on_endpoint(stack.kube)
    # Storage tears down, clears its location, and its release meets a conflict.
    outcome = await stack.finish_delete("Storage", "disk")
    assert hits == ["cloud"]
    assert outcome.kind is not OutcomeKind.DONE
    assert not stack.read("Storage", "disk").status.get("location")
    # The retry finishes the release alone: no endpoint call is needed any more.
    assert (await stack.finish_delete("Storage", "disk")).kind is OutcomeKind.DONE
    assert stack.gone("Network", "public")
    assert stack.gone("Storage", "disk")
    if endpoint_first:
        assert not stack.kube.exists(ENDPOINTS, NAMESPACE, "cloud")
    else:
        assert GUARD_FINALIZER not in stack.kube.read(ENDPOINTS, NAMESPACE, "cloud").finalizers
    for collection in ("/network/", "/storage/"):
        assert not await remote_locations(http, collection), collection


async def test_a_retry_after_the_endpoint_went_needs_no_endpoint(stack: Stack) -> None:
    await make_pair(stack)
    stack.kube.request_delete(ENDPOINTS, NAMESPACE, "cloud")
    stack.delete("Network", "public")
    stack.delete("Storage", "disk")
    hits = conflict_once_on_endpoint(stack.kube)
    # Both tear down; the Storage's release fails after its location is cleared …
    assert (await stack.finish_delete("Network", "public")).kind is OutcomeKind.DONE
    first = await stack.finish_delete("Storage", "disk")
    assert hits == ["cloud"]  # met by the Storage: the Network left the endpoint alone
    assert first.kind is not OutcomeKind.DONE
    # … then the other releases the endpoint, which goes for good (a concurrent pass).
    endpoint = stack.kube.read(ENDPOINTS, NAMESPACE, "cloud")
    await stack.kube.set_finalizers(
        endpoint, [f for f in endpoint.finalizers if f != GUARD_FINALIZER]
    )
    assert not stack.kube.exists(ENDPOINTS, NAMESPACE, "cloud")
    outcome = await stack.finish_delete("Storage", "disk")
    assert outcome.kind is OutcomeKind.DONE, outcome.message
    assert stack.gone("Storage", "disk")


class Recording(OCCIClient):
    """A client that remembers being closed."""

    closed = False

    async def aclose(self) -> None:
        self.closed = True
        await super().aclose()


async def test_deleting_the_endpoint_keeps_its_client_and_a_replaced_one_stays_open() -> None:
    kube = MemoryKube()
    kube.apply(ENDPOINTS, "ns", "cloud", {"url": "https://cloud.example.org/", "auth": "none"})
    built: list[Recording] = []

    def factory(config: EndpointConfig) -> OCCIClient:
        built.append(Recording(config))
        return built[-1]

    pool = EndpointPool(kube, client_factory=factory)
    ref = EndpointRef(name="cloud")
    first = (await pool.lease("ns", ref)).client
    endpoint = kube.read(ENDPOINTS, "ns", "cloud")
    await kube.set_finalizers(endpoint, [GUARD_FINALIZER])
    kube.request_delete(ENDPOINTS, "ns", "cloud")
    kube.objects[(ENDPOINTS.plural, "ns", "cloud")]["metadata"]["generation"] += 1
    assert (await pool.lease("ns", ref)).client is first
    kube.apply(ENDPOINTS, "ns", "cloud", {"url": "https://other.example.org/", "auth": "none"})
    second = (await pool.lease("ns", ref)).client
    assert second is not first
    assert not built[0].closed  # a pass that leased it before the change still uses it
    await pool.aclose()
    assert [client.closed for client in built] == [True, True]
