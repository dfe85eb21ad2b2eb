"""Fault injection through HTTP: made-up 5xx, latency, lost create answers, the admin path.

The dice are the domain's (test_faults.py); these tests check what the HTTP layer does
with a decision. Dropped connections need a real socket: see test_cli_endpoint.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from occi_http import compute, locations_of
from starlette.applications import Starlette

from occi_operator.endpoint import http_dispatch
from occi_operator.endpoint.app import create_app
from occi_operator.endpoint.settings import EndpointSettings
from occi_operator.occi.rendering import rendering_for


async def _set_faults(http: httpx.AsyncClient, **faults: object) -> httpx.Response:
    response = await http.put("/-/faults", json={"seed": 7, **faults})
    assert response.status_code == 200, response.text
    return response


async def test_faults_are_off_by_default_and_readable(http: httpx.AsyncClient) -> None:
    response = await http.get("/-/faults")
    assert response.status_code == 200
    assert response.json()["server_error_rate"]["get"] == 0.0
    assert response.json()["latency_seconds"] == 0.0


async def test_server_errors_switch_on_and_off_at_run_time(http: httpx.AsyncClient) -> None:
    await _set_faults(http, server_error_rate={"get": 1.0})
    failing = await http.get("/compute/", headers={"Accept": "application/occi+json"})
    assert failing.status_code in (500, 503)
    assert "injected" in failing.json()["error"]
    assert (await http.get("/-/faults")).status_code == 200  # the admin path is exempt
    await _set_faults(http)
    assert (await http.get("/compute/")).status_code == 200


async def test_a_lost_create_answer_still_creates(http: httpx.AsyncClient) -> None:
    await _set_faults(http, lost_create_answer_rate=1.0)
    body = rendering_for("text/plain").render_entity(compute("lost")).body
    response = await http.post("/compute/", content=body, headers={"Content-Type": "text/plain"})
    assert response.status_code == 500
    assert "lost" in response.text
    await _set_faults(http)
    assert len(locations_of(await http.get("/compute/"))) == 1


async def test_a_lost_answer_applies_to_creates_only(http: httpx.AsyncClient) -> None:
    await _set_faults(http, lost_create_answer_rate=1.0)
    assert (await http.get("/compute/")).status_code == 200
    assert (await http.post("/compute/", content=b"nonsense")).status_code == 400


async def test_latency_is_added_before_the_answer(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    waited: list[float] = []

    async def pause(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(http_dispatch, "pause", pause)
    await _set_faults(http, latency_seconds=0.25)
    assert (await http.get("/-/")).status_code == 200
    assert waited == [0.25]


async def test_bad_fault_settings_are_400(http: httpx.AsyncClient) -> None:
    response = await http.put("/-/faults", json={"latency_seconds": -1})
    assert response.status_code == 400
    response = await http.put("/-/faults", content=b"{not json")
    assert response.status_code == 400


@pytest.fixture
async def deletes_fail(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An endpoint started with every DELETE failing (faults from the settings)."""
    settings = EndpointSettings.model_validate({
        "data_dir": tmp_path, "provisioning_delay_seconds": 0,
        "faults": {"server_error_rate": {"delete": 1.0}, "seed": 1},
    })
    app: Starlette = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://occi.test") as client:
            yield client


async def test_faults_from_the_settings_apply_from_the_start(
    deletes_fail: httpx.AsyncClient,
) -> None:
    assert (await deletes_fail.get("/compute/")).status_code == 200
    assert (await deletes_fail.delete("/compute/")).status_code in (500, 503)
