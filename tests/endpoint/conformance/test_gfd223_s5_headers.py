"""GFD.223 §5: headers and status codes — Content-Type, Server, Accept, versioning, 405/406.

Each test names its clause: §5.1 request headers, §5.2 response headers, §5.3 versioning,
§5.4 status codes. Reason phrases on the wire are checked over a real socket in
test_cli_endpoint.py.
"""

from __future__ import annotations

import httpx
import pytest
from occi_http import (
    ALL_RENDERINGS,
    ENTITY_RENDERINGS,
    compute,
    create,
    media_type,
    request_kwargs,
)

from occi_operator.endpoint.responses import SERVER
from occi_operator.occi.rendering import rendering_for

PATHS = ["/-/", "/.well-known/org/ogf/occi/-/", "/compute/", "/compute/missing", "/nowhere/x"]


@pytest.mark.parametrize("path", PATHS)
async def test_s5_2_every_answer_names_occi_1_2_in_server_and_has_a_content_type(
    http: httpx.AsyncClient, path: str
) -> None:
    """§5.2/§5.3: Server carries OCCI/1.2 and Content-Type is always set, errors too."""
    response = await http.get(path)
    assert "OCCI/1.2" in response.headers["server"]
    assert response.headers["server"] == SERVER
    assert response.headers["content-type"]
    assert "text/plain" in response.headers["accept"]


@pytest.mark.parametrize("rendering", ALL_RENDERINGS)
async def test_s5_1_accept_selects_the_rendering_of_a_collection(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§5.1: the answer comes in the media type the client accepts (all four)."""
    response = await http.get("/compute/", headers={"Accept": rendering})
    assert response.status_code == 200
    assert media_type(response) == rendering


async def test_s5_1_no_accept_answers_text_plain(http: httpx.AsyncClient) -> None:
    """§5.1 (SHOULD send Accept): without one, the mandatory text/plain answers."""
    response = await http.get("/-/", headers={"Accept": ""})
    assert media_type(response) == "text/plain"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        pytest.param("text/occi;q=0.4, application/occi+json;q=0.9", "application/occi+json",
                     id="q-values"),
        pytest.param("text/*", "text/plain", id="wildcard"),
        pytest.param("application/json", "application/json", id="json-alias-named"),
    ],
)
async def test_s5_1_accept_q_values_and_wildcards_are_honoured(
    http: httpx.AsyncClient, accept: str, expected: str
) -> None:
    """§5.1 with RFC 9110 §12.5.1: weights and wildcards choose the rendering."""
    response = await http.get("/-/", headers={"Accept": accept})
    assert response.status_code == 200
    assert media_type(response) == expected


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        pytest.param("/-/", "text/uri-list", id="categories-as-uri-list"),
        pytest.param("/compute/", "application/xml", id="unknown-type"),
    ],
)
async def test_s5_4_406_when_nothing_acceptable_lists_what_can_be_rendered(
    http: httpx.AsyncClient, path: str, accept: str
) -> None:
    """§5.4 406 Not Acceptable: the message lists the renderings available."""
    response = await http.get(path, headers={"Accept": accept})
    assert response.status_code == 406
    assert "text/plain" in response.text
    assert media_type(response) == "text/plain"


async def test_s5_4_406_for_an_entity_asked_as_uri_list(http: httpx.AsyncClient) -> None:
    """§5.4: text/uri-list renders collections only; an entity asked only so is a 406."""
    location = await create(http, compute(), "/compute/")
    response = await http.get(location, headers={"Accept": "text/uri-list"})
    assert response.status_code == 406
    fallback = await http.get(location, headers={"Accept": "text/uri-list, text/occi;q=0.5"})
    assert media_type(fallback) == "text/occi"


@pytest.mark.parametrize(
    "agent",
    [
        pytest.param("client/1 OCCI/1.3", id="1.3"),
        pytest.param("client/1 OCCI/2.0 other/5", id="2.0"),
        pytest.param("occi/1.1 libcurl OCCI/1.10", id="minor-10"),
    ],
)
async def test_s5_3_a_client_asking_a_higher_version_gets_501(
    http: httpx.AsyncClient, agent: str
) -> None:
    """§5.3: a User-Agent with a higher OCCI version than the server's → 501."""
    response = await http.get("/-/", headers={"User-Agent": agent})
    assert response.status_code == 501
    assert "OCCI/1.2" in response.text


@pytest.mark.parametrize(
    "agent", ["client/1 OCCI/1.2", "client/1 OCCI/1.1", "rOCCI-cli/4.3 OCCI/1.0", "curl/8"]
)
async def test_s5_3_clients_of_this_or_an_older_version_are_served(
    http: httpx.AsyncClient, agent: str
) -> None:
    """§5.3: the same or a lower version (or none) is served."""
    response = await http.get("/-/", headers={"User-Agent": agent})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        pytest.param("PUT", "/-/", {"GET", "POST", "DELETE"}, id="put-query-interface"),
        pytest.param("PUT", "/compute/", {"GET", "POST", "DELETE"}, id="put-kind-collection"),
        pytest.param("PATCH", "/compute/x", {"GET", "POST", "PUT", "DELETE"}, id="patch-entity"),
    ],
)
async def test_s5_4_405_lists_the_allowed_verbs(
    http: httpx.AsyncClient, method: str, path: str, allowed: set[str]
) -> None:
    """§5.4 405 Method Not Allowed, with Allow read from the route table."""
    response = await http.request(method, path)
    assert response.status_code == 405
    assert allowed <= {verb.strip() for verb in response.headers["allow"].split(",")}


@pytest.mark.parametrize("rendering", ENTITY_RENDERINGS)
async def test_s5_1_content_type_with_charset_is_tolerated(
    http: httpx.AsyncClient, rendering: str
) -> None:
    """§5.1: Content-Type parameters such as charset do not change the rendering."""
    message = rendering_for(rendering).render_entity(compute("charset"))
    kwargs = request_kwargs(message)
    kwargs["headers"][0] = ("Content-Type", f"{rendering}; charset=utf-8")
    response = await http.post("/compute/", **kwargs)
    assert response.status_code == 201, response.text


async def test_s5_1_a_body_without_content_type_is_read_as_text_plain(
    http: httpx.AsyncClient,
) -> None:
    """§5.1 (MUST send Content-Type): the endpoint is lenient and reads text/plain."""
    body = rendering_for("text/plain").render_entity(compute("untyped")).body
    response = await http.post("/compute/", content=body)
    assert response.status_code == 201, response.text


async def test_s5_4_a_body_of_an_unknown_media_type_is_refused_415(
    http: httpx.AsyncClient,
) -> None:
    """§5.4 (a server MAY use other codes): 415 names the media types it reads."""
    response = await http.post(
        "/compute/", content=b"<compute/>", headers={"Content-Type": "application/xml"}
    )
    assert response.status_code == 415
    assert "text/plain" in response.text


async def test_s5_4_options_answers_allow(http: httpx.AsyncClient) -> None:
    """§5.4 support: OPTIONS names the verbs of the path."""
    response = await http.options("/compute/")
    assert response.status_code == 200
    assert "POST" in response.headers["allow"]
