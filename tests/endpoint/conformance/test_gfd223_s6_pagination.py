"""GFD.223 §6: pagination of collections with ``?page=`` and ``?number=``.

``number`` larger than the endpoint's limit → 413; a page past the end → 200 and an empty
collection; pages partition the collection in a stable order.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from occi_http import ALL_RENDERINGS, compute, create, locations_of, media_type

from occi_operator.endpoint.settings import EndpointSettings


@pytest.fixture
def endpoint_settings(tmp_path: Path) -> EndpointSettings:
    """A small page-size limit, so that 413 is reachable."""
    return EndpointSettings(
        data_dir=tmp_path / "endpoint", provisioning_delay_seconds=0, max_page_size=3
    )


async def _five(http: httpx.AsyncClient) -> list[str]:
    return [await create(http, compute(f"vm-{n}"), "/compute/") for n in range(5)]


@pytest.mark.parametrize("rendering", ALL_RENDERINGS)
async def test_s6_pages_partition_the_collection_in_order(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§6: page N of size M holds the N-th M members; together they are the collection."""
    created = await _five(http)
    pages = []
    for page in (1, 2):
        response = await http.get(
            f"/compute/?page={page}&number=3", headers={"Accept": rendering}
        )
        assert response.status_code == 200
        if rendering != "application/occi+json":  # JSON carries no entity location
            pages.append(locations_of(response))
    if pages:
        assert pages[0] + pages[1] == created
        assert len(pages[0]) == 3


@pytest.mark.parametrize("rendering", ALL_RENDERINGS)
async def test_s6_a_page_past_the_end_is_an_empty_200(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§6: no more content → 200 OK with an empty collection."""
    await _five(http)
    response = await http.get("/compute/?page=9&number=3", headers={"Accept": rendering})
    assert response.status_code == 200
    assert media_type(response) == rendering
    assert locations_of(response) == []


async def test_s6_number_above_the_limit_is_413(http: httpx.AsyncClient) -> None:
    """§6: number too large for the provider → 413 Request Entity Too Large."""
    response = await http.get("/compute/?page=1&number=4")
    assert response.status_code == 413
    assert "3" in response.text


@pytest.mark.parametrize(
    "query",
    ["page=0&number=2", "page=-1&number=2", "page=1&number=0", "page=x&number=2", "number=1e3"],
)
async def test_s6_malformed_page_parameters_are_400(http: httpx.AsyncClient, query: str) -> None:
    """§6 (indexed integers): anything else is a 400 naming the parameter."""
    response = await http.get(f"/compute/?{query}")
    assert response.status_code == 400
    assert "?" in response.text
