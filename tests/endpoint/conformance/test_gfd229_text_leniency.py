"""GFD.229 text renderings as real clients send them: both header spellings, comma-joined
and repeated headers, CRLF or LF, ``text/occi+plain`` (GFD.229 §5 and §6; rOCCI's
``X-OCCI-Category``), and HEAD (GFD.223 §5, HTTP semantics) on the same paths.
"""

from __future__ import annotations

import httpx
import pytest
from occi_http import entity_of, media_type

from occi_operator.occi import vocabulary as v

COMPUTE = 'compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"'
SMALL = 'small; scheme="http://occi-operator.dev/occi/resource_tpl#"; class="mixin"'


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param([("Category", f"{COMPUTE}, {SMALL}"),
                      ("X-OCCI-Attribute", 'occi.core.title="joined", occi.compute.hostname="h"')],
                     id="comma-joined"),
        pytest.param([("Category", COMPUTE), ("Category", SMALL),
                      ("X-OCCI-Attribute", 'occi.core.title="joined"'),
                      ("X-OCCI-Attribute", 'occi.compute.hostname="h"')], id="repeated"),
        pytest.param([("X-OCCI-Category", f"{COMPUTE}, {SMALL}"),
                      ("X-OCCI-Attribute", 'occi.core.title="joined", occi.compute.hostname="h"')],
                     id="rocci-spelling"),
    ],
)
async def test_s6_text_occi_headers_in_every_spelling_create_the_same_entity(
    http: httpx.AsyncClient, headers: list[tuple[str, str]]
) -> None:
    """GFD.229 §6: header fields, comma-joined or repeated; rOCCI's X-OCCI-Category."""
    response = await http.post(
        "/compute/", content=b"OK", headers=[("Content-Type", "text/occi"), *headers]
    )
    assert response.status_code == 201, response.text
    got = entity_of(await http.get(response.headers["location"]))
    assert got.title == "joined"
    assert got.attributes["occi.compute.hostname"] == "h"
    assert "http://occi-operator.dev/occi/resource_tpl#small" in got.mixins


@pytest.mark.parametrize(
    ("content_type", "newline"),
    [
        pytest.param("text/plain", "\r\n", id="crlf"),
        pytest.param("text/plain", "\n", id="lf"),
        pytest.param("text/occi+plain", "\n", id="text-occi-plus-plain"),
    ],
)
async def test_s5_text_plain_bodies_with_either_line_end(
    http: httpx.AsyncClient, content_type: str, newline: str
) -> None:
    """GFD.229 §5: body lines end in CRLF or LF."""
    body = newline.join([f"Category: {COMPUTE}", 'X-OCCI-Attribute: occi.core.title="eol"', ""])
    response = await http.post(
        "/compute/", content=body.encode(), headers={"Content-Type": content_type}
    )
    assert response.status_code == 201, response.text
    assert entity_of(await http.get(response.headers["location"])).kind == v.COMPUTE_KIND


async def test_head_answers_like_get_without_a_body(http: httpx.AsyncClient) -> None:
    """HTTP HEAD on the query interface: the GET's status and headers, no body."""
    response = await http.head("/-/", headers={"Accept": "text/occi"})
    assert response.status_code == 200
    assert media_type(response) == "text/occi"
