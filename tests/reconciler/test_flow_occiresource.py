"""The generic OCCIResource kind against the endpoint's discovered definitions.

The embedded endpoint's catalog declares a provider kind, ``http://example.org/occi/dns#record``
(occi.dns.name and occi.dns.type immutable, occi.dns.value mutable, occi.dns.ttl an
integer). The spec is checked against what ``/-/`` defines before anything is sent; the
type checks need a query interface that carries types, so most objects here use an
endpoint object that prefers the JSON rendering.
"""

from __future__ import annotations

from typing import Any

import pytest
from flow_support import NAMESPACE, Stack, remote_locations
from memory_kube import MemoryKube

from occi_operator.occi.client import OCCIClient
from occi_operator.occi.entities import Resource
from occi_operator.reconciler.endpoints import ENDPOINTS
from occi_operator.reconciler.outcome import OutcomeKind

RECORD = "http://example.org/occi/dns#record"
JSON_ENDPOINT = {"endpointRef": {"name": "json"}}
WWW = {"kind": "record", "attributes": {"occi.dns.name": "www.example.org",
                                        "occi.dns.type": "A", "occi.dns.value": "192.0.2.7",
                                        "occi.dns.ttl": 300}}


@pytest.fixture(autouse=True)
def json_endpoint(kube: MemoryKube) -> None:
    """A second endpoint object for the same endpoint, speaking JSON (typed /-/)."""
    cloud = kube.read(ENDPOINTS, NAMESPACE, "cloud")
    kube.apply(ENDPOINTS, NAMESPACE, "json",
               {**cloud.spec, "preferredRendering": "application/occi+json"})


def _with(**attributes: Any) -> dict[str, Any]:
    return {**WWW, "attributes": {**WWW["attributes"], **attributes}}


async def _settle(stack: Stack, name: str, resource: dict[str, Any]) -> Any:
    stack.apply("OCCIResource", name, resource, **JSON_ENDPOINT)
    return await stack.settle("OCCIResource", name)


async def test_create_provider_kind_by_term(stack: Stack, http: OCCIClient) -> None:
    assert (await _settle(stack, "www", WWW)).kind is OutcomeKind.DONE
    status = stack.read("OCCIResource", "www").status
    assert status["kind"] == RECORD
    remote = await http.get(status["location"])
    assert isinstance(remote, Resource)
    assert remote.kind == RECORD
    assert remote.title == "www"
    assert {k: remote.attributes[k] for k in WWW["attributes"]} == WWW["attributes"]
    assert status["location"] in await remote_locations(http, "/dns/record/")


async def test_create_over_a_text_rendering_checks_names_the_endpoint_the_rest(
    stack: Stack, http: OCCIClient
) -> None:
    # A text /-/ carries names and mutability, no types or enumerations (GFD.229).
    stack.apply("OCCIResource", "txt", WWW)
    assert (await stack.settle("OCCIResource", "txt")).kind is OutcomeKind.DONE
    stack.apply("OCCIResource", "unknown", _with(**{"occi.dns.weight": 5}))
    outcome = await stack.settle("OCCIResource", "unknown")
    assert outcome.kind is OutcomeKind.TERMINAL
    assert "occi.dns.weight" in outcome.message
    assert "createPending" not in stack.read("OCCIResource", "unknown").status
    stack.apply("OCCIResource", "bad", _with(**{"occi.dns.type": "MX"}))
    outcome = await stack.settle("OCCIResource", "bad")
    assert outcome.kind is OutcomeKind.TERMINAL
    assert "occi.dns.type: must be one of A, AAAA, CNAME" in outcome.message
    assert len(await remote_locations(http, "/dns/record/")) == 1


async def test_update_mutable_attribute_is_sent_and_remote_drift_set_back(
    stack: Stack, http: OCCIClient
) -> None:
    await _settle(stack, "www", WWW)
    assert (await _settle(stack, "www", _with(**{"occi.dns.ttl": 60}))).kind is OutcomeKind.DONE
    location = stack.read("OCCIResource", "www").status["location"]
    assert (await http.get(location)).attributes["occi.dns.ttl"] == 60
    changed = Resource(kind=RECORD, attributes={"occi.dns.value": "192.0.2.99"})
    await http.update(location, changed)
    stack.runtime.reconciler.poller.invalidate(http, location)
    obj = stack.read("OCCIResource", "www")
    outcome = await stack.runtime.reconcile(obj)
    for _ in range(4):
        if outcome.kind is OutcomeKind.DONE:
            break
        outcome = await stack.step("OCCIResource", "www")
    assert (await http.get(location)).attributes["occi.dns.value"] == "192.0.2.7"


async def test_update_immutable_attribute_is_stalled_naming_it(stack: Stack) -> None:
    await _settle(stack, "www", WWW)
    outcome = await _settle(stack, "www", _with(**{"occi.dns.type": "AAAA"}))
    assert outcome.kind is OutcomeKind.TERMINAL
    assert "attributes[occi.dns.type] (occi.dns.type)" in outcome.message
    assert "never recreates" in outcome.message


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        pytest.param(_with(**{"occi.dns.ttl": "300"}),
                     "attributes[occi.dns.ttl]: attribute occi.dns.ttl: must be of type integer",
                     id="wrong-type"),
        pytest.param(_with(**{"occi.dns.weight": 5}),
                     "define no attribute 'occi.dns.weight'; they define: occi.dns.name",
                     id="unknown-attribute"),
        pytest.param(_with(**{"occi.dns.ttl": -1}), "must be at least 0", id="out-of-range"),
        pytest.param(_with(**{"occi.core.summary": "mine"}), "the core attributes are the "
                     "operator's", id="core-attribute"),
        pytest.param({**WWW, "kind": "zone"}, "the endpoint offers no kind 'zone'; it offers: "
                     "http://schemas.ogf.org/occi/infrastructure#compute", id="unknown-kind"),
        pytest.param({**WWW, "kind": "resource"}, "offers no kind 'resource'",
                     id="abstract-kind"),
        pytest.param({**WWW, "mixins": ["gold"]}, "spec.resource.mixins[0]: the endpoint "
                     "offers no mixin 'gold'", id="unknown-mixin"),
        pytest.param({**WWW, "sourceRef": {"name": "a"}, "targetRef": {"name": "b"}},
                     "is a resource kind: sourceRef and targetRef apply to link kinds only",
                     id="ends-on-a-resource-kind"),
        pytest.param({"kind": "componentLink"}, "is a link kind: set sourceRef and targetRef",
                     id="link-kind-without-ends"),
    ],
)
async def test_invalid_spec_is_stalled_before_anything_is_sent(
    stack: Stack, http: OCCIClient, resource: dict[str, Any], expected: str
) -> None:
    outcome = await _settle(stack, "bad", resource)
    assert outcome.kind is OutcomeKind.TERMINAL
    assert expected in outcome.message
    obj = stack.read("OCCIResource", "bad")
    ready = next(c for c in obj.status["conditions"] if c["type"] == "Stalled")
    assert ready["status"] == "True"
    assert ready["reason"] == "InvalidConfiguration"
    assert "location" not in obj.status
    assert "createPending" not in obj.status
    assert not await remote_locations(http, "/dns/record/")


async def test_delete_removes_the_remote_entity(stack: Stack, http: OCCIClient) -> None:
    await _settle(stack, "www", WWW)
    location = stack.read("OCCIResource", "www").status["location"]
    stack.delete("OCCIResource", "www")
    assert (await stack.finish_delete("OCCIResource", "www")).kind is OutcomeKind.DONE
    assert location not in await remote_locations(http, "/dns/record/")


async def test_import_by_location_observes_any_kind(stack: Stack, http: OCCIClient) -> None:
    await _settle(stack, "www", WWW)
    location = stack.read("OCCIResource", "www").status["location"]
    stack.apply("OCCIResource", "seen", None, managementPolicy="unmanaged",
                **{"import": {"location": location}})
    assert (await stack.settle("OCCIResource", "seen")).kind is OutcomeKind.DONE
    status = stack.read("OCCIResource", "seen").status
    assert (status["location"], status["kind"]) == (location, RECORD)
    assert status["attributes"]["occi.dns.value"] == "192.0.2.7"
