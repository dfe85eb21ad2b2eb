"""Endpoint objects: one shared client each, rebuilt on change; selectors; no secret leaks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from memory_kube import MemoryKube

from occi_operator.api.v1alpha1.common import EndpointKind, EndpointRef
from occi_operator.api.v1alpha1.labels import LabelSelector
from occi_operator.occi.client import BasicCredentials, EndpointConfig, OCCIClient
from occi_operator.reconciler.endpoints import (
    CLUSTER_ENDPOINTS,
    ENDPOINTS,
    EndpointPool,
    selector_matches,
)
from occi_operator.reconciler.outcome import OutcomeError, OutcomeKind

SECRET = "hunter2-but-longer"


class Factory:
    """Records every config a client was built from."""

    def __init__(self) -> None:
        self.configs: list[EndpointConfig] = []

    def __call__(self, config: EndpointConfig) -> OCCIClient:
        self.configs.append(config)
        return OCCIClient(config)


def setup(spec: Mapping[str, Any]) -> tuple[MemoryKube, EndpointPool, Factory]:
    kube, factory = MemoryKube(), Factory()
    kube.apply(ENDPOINTS, "ns", "cloud", spec)
    return kube, EndpointPool(kube, client_factory=factory), factory


BASIC = {"url": "https://cloud.example.org/", "auth": "basic",
         "credentialsSecretRef": {"name": "creds"},
         "limits": {"maxConcurrentRequests": 3, "requestsPerSecond": 2.5, "burst": 4}}


async def test_one_client_per_endpoint_with_its_limits() -> None:
    kube, pool, factory = setup(BASIC)
    kube.put_secret("ns", "creds", {"username": "alice", "password": SECRET})
    ref = EndpointRef(name="cloud")
    first = await pool.lease("ns", ref)
    second = await pool.lease("ns", ref)
    assert first.client is second.client
    (config,) = factory.configs
    assert (config.max_concurrency, config.rate, config.burst) == (3, 2.5, 4)
    assert isinstance(config.auth, BasicCredentials)
    assert SECRET not in repr(config)
    await pool.aclose()


async def test_rotation_or_a_spec_change_rebuilds_the_client() -> None:
    kube, pool, factory = setup(BASIC)
    kube.put_secret("ns", "creds", {"username": "alice", "password": SECRET})
    ref = EndpointRef(name="cloud")
    first = await pool.lease("ns", ref)
    kube.put_secret("ns", "creds", {"username": "alice", "password": SECRET + "2"})
    second = await pool.lease("ns", ref)
    assert second.client is not first.client
    kube.apply(ENDPOINTS, "ns", "cloud", {**BASIC, "preferredRendering": "text/occi"})
    third = await pool.lease("ns", ref)
    assert third.client is not second.client
    assert [c.rendering for c in factory.configs] == ["text/plain", "text/plain", "text/occi"]
    await pool.aclose()


async def test_a_missing_key_names_the_key_not_the_values() -> None:
    kube, pool, _ = setup(BASIC)
    kube.put_secret("ns", "creds", {"user": "alice", "password": SECRET})
    with pytest.raises(OutcomeError) as caught:
        await pool.lease("ns", EndpointRef(name="cloud"))
    outcome = caught.value.outcome
    assert outcome.kind is OutcomeKind.TERMINAL
    assert "'username'" in outcome.message
    assert SECRET not in outcome.message
    await pool.aclose()


async def test_missing_endpoint_is_waited_for() -> None:
    _, pool, _ = setup(BASIC)
    with pytest.raises(OutcomeError) as caught:
        await pool.lease("ns", EndpointRef(name="elsewhere"))
    assert caught.value.outcome.message == "Waiting for OCCIEndpoint/elsewhere to exist"
    await pool.aclose()


@pytest.mark.parametrize(("labels", "admitted"), [
    ({"team": "a", "env": "prod"}, True),
    ({"team": "b", "env": "prod"}, False),
    ({"team": "a"}, False),
], ids=["matches", "wrong-label", "missing-label"])
async def test_cluster_endpoint_namespace_selector(labels: dict[str, str], admitted: bool) -> None:
    kube, factory = MemoryKube(), Factory()
    kube.namespaces["ns"] = labels
    kube.apply(CLUSTER_ENDPOINTS, None, "shared", {
        "url": "https://cloud.example.org/",
        "namespaceSelector": {"matchLabels": {"team": "a"},
                              "matchExpressions": [{"key": "env", "operator": "Exists"}]},
    })
    pool = EndpointPool(kube, client_factory=factory)
    ref = EndpointRef(kind=EndpointKind.CLUSTER, name="shared")
    if admitted:
        assert (await pool.lease("ns", ref)).endpoint.name == "shared"
    else:
        with pytest.raises(OutcomeError, match="does not admit namespace ns"):
            await pool.lease("ns", ref)
    await pool.aclose()


@pytest.mark.parametrize(("selector", "labels", "expected"), [
    ({}, {"any": "x"}, True),
    ({"matchExpressions": [{"key": "t", "operator": "In", "values": ["a", "b"]}]}, {"t": "b"},
     True),
    ({"matchExpressions": [{"key": "t", "operator": "NotIn", "values": ["a"]}]}, {"t": "a"},
     False),
    ({"matchExpressions": [{"key": "t", "operator": "DoesNotExist"}]}, {"t": "a"}, False),
], ids=["empty-admits-all", "in", "not-in", "does-not-exist"])
def test_label_selectors(selector: dict[str, Any], labels: dict[str, str],
                         expected: bool) -> None:
    assert selector_matches(LabelSelector.model_validate(selector), labels) is expected
