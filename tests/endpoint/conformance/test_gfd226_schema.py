"""GFD.226 §3–5: every JSON document the endpoint answers validates against the schema.

``gfd226.schema.json`` beside this file is written from the specification's member tables
(see its ``$comment``); ``jsonschema`` checks the endpoint's answers and the request bodies
our own rendering sends.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft7Validator
from occi_http import compute, create, network, storage

from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import ActionInvocation, Link
from occi_operator.occi.rendering import JsonRendering

SCHEMA = json.loads((Path(__file__).parent / "gfd226.schema.json").read_text(encoding="utf-8"))
JSON = {"Accept": "application/occi+json"}


def assert_valid(document: Any, definition: str) -> None:
    """Validate ``document`` against ``#/definitions/<definition>``; list every error."""
    schema = {**SCHEMA, "$ref": f"#/definitions/{definition}"}
    errors = sorted(Draft7Validator(schema).iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_gfd226_the_schema_itself_is_valid() -> None:
    Draft7Validator.check_schema(SCHEMA)


@pytest.mark.parametrize(
    ("document", "definition"),
    [
        pytest.param({"kind": "compute", "id": "1"}, "resource", id="kind-without-scheme"),
        pytest.param({"kind": v.COMPUTE_KIND}, "resource", id="resource-without-id"),
        pytest.param({"kind": v.STORAGELINK_KIND, "id": "1", "target": "/s/1"}, "link",
                     id="target-not-kinded"),
        pytest.param({"kinds": [{"term": "c", "scheme": "x#", "location": "http://h/c/"}]},
                     "query_interface", id="absolute-kind-location"),
    ],
)
def test_gfd226_the_schema_refuses_what_the_spec_refuses(
    document: dict[str, Any], definition: str
) -> None:
    """The schema can fail: documents that break §3–5 are refused."""
    with pytest.raises(AssertionError):
        assert_valid(document, definition)


async def test_gfd226_s3_1_resource_answers(http: httpx.AsyncClient) -> None:
    net = await create(http, network("net", cidr="10.1.0.0/24"), "/network/")
    vm = await create(http, compute("vm", **{"occi.compute.cores": 2}), "/compute/")
    await create(http, Link(kind=v.NETWORKINTERFACE_KIND, source=vm, target=net),
                 "/networkinterface/")
    for location in (vm, net):
        assert_valid((await http.get(location, headers=JSON)).json(), "resource")


async def test_gfd226_s3_2_link_answers(http: httpx.AsyncClient) -> None:
    vm = await create(http, compute("vm"), "/compute/")
    disk = await create(http, storage("disk"), "/storage/")
    link = await create(http, Link(kind=v.STORAGELINK_KIND, source=vm, target=disk),
                        "/storagelink/")
    assert_valid((await http.get(link, headers=JSON)).json(), "link")


async def test_gfd226_s4_collection_answers(http: httpx.AsyncClient) -> None:
    for title in ("a", "b"):
        await create(http, compute(title), "/compute/")
    for path in ("/compute/", "/storagelink/"):
        answer = await http.get(path, headers=JSON)
        assert answer.status_code == 200
        assert_valid(answer.json(), "collection")


async def test_gfd226_s5_query_interface_answer(http: httpx.AsyncClient) -> None:
    answer = await http.get("/-/", headers=JSON)
    document = answer.json()
    assert_valid(document, "query_interface")
    assert {"kinds", "mixins", "actions"} <= set(document)


def test_gfd226_action_invocations_we_send() -> None:
    body = JsonRendering().render_action(
        ActionInvocation(action=v.COMPUTE_STOP, attributes={"method": "graceful"})
    ).body
    assert_valid(json.loads(body), "action_invocation")
