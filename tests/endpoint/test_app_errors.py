"""Errors are answers: rendered in the negotiated rendering, 4xx for any bad input.

Known errors (endpoint, store, parse, invalid attribute) become 4xx text in the answer's
rendering (text: one line; text/occi: also ``X-OCCI-Error``; JSON: ``{"status", "error"}``,
as rOCCI sends them). Only a bug is a 500, and it is logged with its traceback.
The fuzz test is in test_app_fuzz.py.
"""

from __future__ import annotations

import logging

import httpx
import pytest
from occi_http import compute, create, media_type
from starlette.responses import Response

from occi_operator.endpoint import routes
from occi_operator.endpoint.http_call import Call
from occi_operator.endpoint.negotiation import Purpose
from occi_operator.endpoint.service import Infrastructure

MISSING = "/compute/4a6a4bd2-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    ("path", "accept", "status", "expected"),
    [
        pytest.param(MISSING, None, 404, "text/plain", id="default"),
        pytest.param("/compute/?number=99999999", "text/uri-list", 413, "text/plain",
                     id="uri-list-errors-are-plain"),
        pytest.param(MISSING, "text/occi", 404, "text/occi", id="text-occi"),
        pytest.param(MISSING, "application/occi+json", 404, "application/occi+json", id="json"),
    ],
)
async def test_an_error_is_rendered_in_the_negotiated_rendering(
    http: httpx.AsyncClient, path: str, accept: str | None, status: int, expected: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = await http.get(path, headers=headers)
    assert response.status_code == status
    assert media_type(response) == expected
    if expected == "application/occi+json":
        assert response.json()["status"] == status
        assert "compute" in response.json()["error"]
    elif expected == "text/occi":
        assert "compute" in response.headers["x-occi-error"]
    else:
        assert "compute" in response.text or "number" in response.text


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        pytest.param(b"Category: compute\n", "without scheme", id="category-without-scheme"),
        pytest.param(b"<html>oops</html>", "line 1", id="not-occi-text"),
        pytest.param(
            b'Category: compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; '
            b'class="kind"\nX-OCCI-Attribute: occi.compute.cores="many"\n',
            "occi.compute.cores", id="invalid-attribute-value",
        ),
        pytest.param(
            b'Category: nosuch; scheme="http://example.org/x#"; class="kind"\n',
            "nosuch", id="unknown-kind",
        ),
    ],
)
async def test_malformed_or_invalid_bodies_are_400_naming_the_problem(
    http: httpx.AsyncClient, body: bytes, fragment: str
) -> None:
    response = await http.post("/compute/", content=body, headers={"Content-Type": "text/plain"})
    assert response.status_code == 400, response.text
    assert fragment in response.text


async def test_malformed_json_is_400_naming_the_path(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/compute/",
        content=b'{"kind": 5}',
        headers={"Content-Type": "application/occi+json", "Accept": "application/occi+json"},
    )
    assert response.status_code == 400
    assert "kind" in response.json()["error"]


async def test_a_create_without_a_body_is_400(http: httpx.AsyncClient) -> None:
    response = await http.post("/compute/")
    assert response.status_code == 400
    assert "entity" in response.text


async def test_a_bug_is_a_logged_500_and_the_next_request_is_served(
    http: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(infrastructure: Infrastructure, call: Call) -> Response:
        raise RuntimeError("a bug")

    key = (routes.Target.KIND, "GET", False)
    monkeypatch.setitem(routes.ROUTES, key, routes.Route(broken, Purpose.COLLECTION))
    with caplog.at_level(logging.ERROR, logger="occi_operator.endpoint"):
        response = await http.get("/compute/")
    assert response.status_code == 500
    assert "internal error" in response.text
    assert "a bug" not in response.text  # no internals in the answer
    assert any("a bug" in (record.exc_text or "") for record in caplog.records)
    monkeypatch.undo()
    location = await create(http, compute(), "/compute/")
    assert (await http.get(location)).status_code == 200
