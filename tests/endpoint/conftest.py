"""Shared set-up of the endpoint tests that talk HTTP to the embedded app.

* ``endpoint_settings``: a fresh database under ``tmp_path``, no provisioning delay;
* ``endpoint_app``: the app of those settings with its lifespan running (httpx's
  ``ASGITransport`` sends no lifespan events, so the fixture runs it);
* ``http``: an ``httpx.AsyncClient`` talking to that app in-process.

Helpers to build and read OCCI messages over HTTP live in ``occi_http.py`` beside this file.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from occi_operator.endpoint.app import create_app
from occi_operator.endpoint.settings import EndpointSettings

_HERE = str(Path(__file__).resolve().parent)
# The client's suite runs here too, against this server: its helpers (the FakeClock of
# client_testing) are shared, not copied.
_CLIENT_TESTS = str(Path(__file__).resolve().parents[1] / "occi" / "client")
for _path in (_HERE, _CLIENT_TESTS):
    if _path not in sys.path:
        sys.path.insert(0, _path)

#: The base URL of the in-process app; every absolute location starts with it.
BASE_URL = "http://occi.test"


@pytest.fixture
def endpoint_settings(tmp_path: Path) -> EndpointSettings:
    """Settings of a throw-away endpoint: its own database, no provisioning delay."""
    return EndpointSettings(data_dir=tmp_path / "endpoint", provisioning_delay_seconds=0)


@pytest.fixture
async def endpoint_app(endpoint_settings: EndpointSettings) -> AsyncIterator[Starlette]:
    """The endpoint app with its lifespan running (store open, catalog loaded)."""
    app = create_app(endpoint_settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def http(endpoint_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the in-process endpoint, at :data:`BASE_URL`."""
    transport = httpx.ASGITransport(app=endpoint_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client
