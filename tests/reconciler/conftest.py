"""Shared set-up of the reconciler tests.

* ``endpoint_app``: the embedded OCCI endpoint, in-process, no provisioning delay;
* ``kube``: the in-memory Kubernetes of ``memory_kube.py`` with namespace ``demo`` and an
  ``OCCIEndpoint/cloud`` pointing at the in-process endpoint;
* ``runtime``: the operator's runtime wired to both (real flow, real adapters, real
  OCCI client over ``httpx.ASGITransport``);
* ``stack``: a small driver: apply objects, run passes until they settle.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from occi_operator.endpoint.app import create_app
from occi_operator.endpoint.settings import EndpointSettings
from occi_operator.occi.client import EndpointConfig, OCCIClient
from occi_operator.reconciler.endpoints import ENDPOINTS
from occi_operator.reconciler.runtime import Runtime, build_runtime
from occi_operator.reconciler.settings import OperatorSettings

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from flow_support import BASE_URL, NAMESPACE, Stack  # noqa: E402
from memory_kube import MemoryKube  # noqa: E402


@pytest.fixture
def endpoint_settings(tmp_path: Path) -> EndpointSettings:
    """A throw-away endpoint: its own database, no provisioning delay."""
    return EndpointSettings(data_dir=tmp_path / "endpoint", provisioning_delay_seconds=0)


@pytest.fixture
async def endpoint_app(endpoint_settings: EndpointSettings) -> AsyncIterator[Starlette]:
    """The endpoint app with its lifespan running."""
    app = create_app(endpoint_settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
def kube() -> MemoryKube:
    """An in-memory Kubernetes with the endpoint object ``cloud`` in ``demo``."""
    memory = MemoryKube()
    memory.namespaces[NAMESPACE] = {"team": "a"}
    memory.apply(ENDPOINTS, NAMESPACE, "cloud", {
        "url": BASE_URL,
        "auth": "none",
        "limits": {"maxConcurrentRequests": 8, "requestsPerSecond": 10000, "burst": 10000},
    })
    return memory


@pytest.fixture
async def runtime(kube: MemoryKube, endpoint_app: Starlette) -> AsyncIterator[Runtime]:
    """The operator's runtime against the in-memory Kubernetes and in-process endpoint."""

    def factory(config: EndpointConfig) -> OCCIClient:
        return OCCIClient(config, transport=httpx.ASGITransport(app=endpoint_app))

    built = build_runtime(OperatorSettings(), kube, client_factory=factory,
                          now=lambda: datetime.now(UTC))
    yield built
    await built.aclose()


@pytest.fixture
async def http(endpoint_app: Starlette) -> AsyncIterator[OCCIClient]:
    """A plain OCCI client of the in-process endpoint (to look behind the operator)."""
    async with OCCIClient(
        EndpointConfig(url=BASE_URL, rate=None),
        transport=httpx.ASGITransport(app=endpoint_app),
    ) as client:
        yield client


@pytest.fixture
def stack(kube: MemoryKube, runtime: Runtime) -> Stack:
    """The driver of the flow tests."""
    return Stack(kube, runtime)
