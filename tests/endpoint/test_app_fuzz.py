"""Fuzz: random verbs, paths, headers and bodies never make the endpoint answer 500.

Hypothesis builds requests from OCCI-looking fragments (so that many get past the parser
into validation and the domain) and from noise; every answer must be below 500 and carry
``Server`` and ``Content-Type``. One app and one event loop serve the whole test (its
state grows across examples, which explores more); Hypothesis drives it synchronously.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from occi_operator.endpoint.app import create_app
from occi_operator.endpoint.settings import EndpointSettings

INFRA = "http://schemas.ogf.org/occi/infrastructure#"
PATHS = [
    "/-/", "/.well-known/org/ogf/occi/-/", "/compute/", "/network/", "/storage/", "/link/",
    "/networkinterface/", "/storagelink/", "/os_tpl/", "/resource/", "/entity/", "/-/faults",
    "/", "/compute", "/compute/00000000-0000-4000-8000-000000000001",
]
LINES = [
    f'Category: compute; scheme="{INFRA}"; class="kind"',
    f'Category: network; scheme="{INFRA}"; class="kind"',
    f'Category: storage; scheme="{INFRA}"; class="kind"',
    f'Category: networkinterface; scheme="{INFRA}"; class="kind"',
    'Category: ipnetwork; scheme="http://schemas.ogf.org/occi/infrastructure/network#"; '
    'class="mixin"',
    'Category: small; scheme="http://occi-operator.dev/occi/resource_tpl#"; class="mixin"',
    'Category: stop; scheme="http://schemas.ogf.org/occi/infrastructure/compute/action#"; '
    'class="action"',
    'Category: tag; scheme="http://example.org/t#"; class="mixin"; location="/tag/"',
    "X-OCCI-Attribute: occi.compute.cores=2",
    "X-OCCI-Attribute: occi.storage.size=1.5",
    'X-OCCI-Attribute: occi.network.address="10.0.0.0/30"',
    'X-OCCI-Attribute: occi.core.id="00000000-0000-4000-8000-000000000001"',
    'X-OCCI-Attribute: occi.core.target="/network/x"',
    'X-OCCI-Attribute: occi.core.source="/compute/00000000-0000-4000-8000-000000000001"',
    f'Link: </network/x>; rel="{INFRA}network"; category="{INFRA}networkinterface"',
    "X-OCCI-Location: http://testserver/compute/00000000-0000-4000-8000-000000000001",
]
MEDIA = ["text/plain", "text/occi", "application/occi+json", "application/json",
         "text/uri-list", "text/occi+plain", "application/xml", "*/*", "text/*"]

text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(
        st.sampled_from(["kind", "mixins", "attributes", "links", "id", "title", "target",
                         "source", "location", "action", "resources", "kinds", "categories",
                         "occi.compute.cores", "occi.core.id"]) | text,
        inner, max_size=4,
    ),
    max_leaves=10,
)
lines = st.lists(st.sampled_from(LINES) | text.map(lambda t: f"X-OCCI-Attribute: {t}")
                 | text, max_size=6)
entities = st.tuples(st.sampled_from(LINES[:4]), st.lists(st.sampled_from(LINES[4:]), max_size=4))
bodies = st.one_of(
    entities.map(lambda parts: "\n".join([parts[0], *parts[1]]).encode()),
    lines.map(lambda ls: "\n".join(ls).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=60),
)
queries = st.sampled_from(["", "", "", "?action=stop", "?action=start", "?action=",
                           "?page=1&number=2", "?page=0", "?number=999999999",
                           "?action=save&page=2"])


Fuzzed = tuple[asyncio.AbstractEventLoop, httpx.AsyncClient]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    """The endpoint, its lifespan entered on a loop of our own, and a client of it."""
    data: Path = tmp_path_factory.mktemp("fuzz")
    app = create_app(EndpointSettings(data_dir=data, provisioning_delay_seconds=0))
    loop = asyncio.new_event_loop()
    lifespan = app.router.lifespan_context(app)
    loop.run_until_complete(lifespan.__aenter__())
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                               base_url="http://testserver")
    try:
        yield loop, client
    finally:
        loop.run_until_complete(client.aclose())
        loop.run_until_complete(lifespan.__aexit__(None, None, None))
        loop.close()


@settings(max_examples=500, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    # POST and GET are repeated so that more examples reach the parsers and the domain
    method=st.sampled_from(["GET", "POST", "POST", "POST", "PUT", "DELETE", "HEAD", "PATCH"]),
    path=st.sampled_from(["/compute/", "/network/", "/storage/", *PATHS]) | st.sampled_from(PATHS)
    # (no "//" start: httpx would read that as a host, not a path)
    | text.map(lambda t: "/" + t.replace("?", "").replace("#", "").lstrip("/")),
    query=queries,
    content_type=st.sampled_from(MEDIA[:3]) | st.none() | st.sampled_from(MEDIA) | text,
    accept=st.none() | st.sampled_from(MEDIA) | text,
    occi_headers=st.lists(st.tuples(st.sampled_from(["Category", "X-OCCI-Attribute", "Link",
                                                     "X-OCCI-Location", "User-Agent"]),
                                    st.sampled_from([line.partition(": ")[2] for line in LINES])
                                    | text), max_size=3),
    body=bodies,
)
def test_no_request_makes_the_endpoint_answer_500(
    fuzzed: Fuzzed,
    method: str,
    path: str,
    query: str,
    content_type: str | None,
    accept: str | None,
    occi_headers: list[tuple[str, str]],
    body: bytes,
) -> None:
    headers = list(occi_headers)
    if content_type is not None:
        headers.append(("Content-Type", content_type))
    if accept is not None:
        headers.append(("Accept", accept))
    loop, client = fuzzed
    request = client.request(method, path + query, headers=headers, content=body)
    response = loop.run_until_complete(request)
    assert response.status_code < 500, (response.status_code, response.text)
    assert "OCCI/1.2" in response.headers["server"]
    assert response.headers["content-type"]
