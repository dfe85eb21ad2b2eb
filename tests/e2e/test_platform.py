"""OCCI Platform and the generic kind, end to end on the real API server.

* the PaaS example stack (examples/paas/: a database Component, an Application, the
  ComponentLink carrying databaseLink, a DNS record of the endpoint's own catalog through
  OCCIResource) comes to Ready; the provider's URL and database URI reach status, the
  database token never does;
* a provider-specific kind (``http://example.org/occi/dns#record``, declared in the
  embedded endpoint's catalog) is managed through OCCIResource: created, a mutable
  attribute changed in the spec and one changed behind the operator's back both corrected,
  deleted with its remote entity;
* attributes that do not fit the endpoint's definitions are refused before anything is
  sent, Stalled (InvalidConfiguration) with the attribute named.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import yaml
from e2e_kube import PLATFORM_PLURALS, Kubectl, condition, is_ready, wait_until
from e2e_services import Remote, Service

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import EndpointConfig, OCCIClient
from occi_operator.occi.entities import Link, Resource

T = TypeVar("T")
PAAS = Path(__file__).resolve().parents[2] / "examples" / "paas"
GENERIC = PLATFORM_PLURALS["OCCIResource"]
RECORD = "http://example.org/occi/dns#record"
REQUESTED = "occi.occi-operator.dev/reconcile-requested-at"


def write_paas(directory: Path, endpoint_url: str) -> list[str]:
    """The PaaS example copied into ``directory`` for this endpoint; its objects, in order."""
    directory.mkdir(parents=True, exist_ok=True)
    objects = []
    for source in sorted(PAAS.glob("*.yaml")):
        document = yaml.safe_load(source.read_text())
        if document["kind"] == "OCCIEndpoint":
            document["spec"]["url"] = endpoint_url
        else:
            objects.append(f"{PLATFORM_PLURALS[document['kind']]}/{document['metadata']['name']}")
        (directory / source.name).write_text(yaml.safe_dump(document, sort_keys=False))
    return objects


def endpoint_object(url: str, name: str, rendering: str) -> dict[str, Any]:
    """An OCCIEndpoint for the session's endpoint, speaking ``rendering``."""
    return {"apiVersion": "occi.occi-operator.dev/v1alpha1", "kind": "OCCIEndpoint",
            "metadata": {"name": name},
            "spec": {"url": url, "auth": "none", "preferredRendering": rendering}}  # fmt: skip


def record(name: str, endpoint: str, **attributes: Any) -> dict[str, Any]:
    """An OCCIResource of the catalog's DNS record kind."""
    values = {"occi.dns.name": f"{name}.example.org", "occi.dns.type": "A",
              "occi.dns.value": "192.0.2.7", "occi.dns.ttl": 300, **attributes}  # fmt: skip
    return {"apiVersion": "occi.occi-operator.dev/v1alpha1", "kind": "OCCIResource",
            "metadata": {"name": name},
            "spec": {"endpointRef": {"name": endpoint},
                     "resource": {"kind": "record", "attributes": values}}}  # fmt: skip


def apply(kube: Kubectl, directory: Path, *documents: dict[str, Any]) -> None:
    """Write ``documents`` to a file in ``directory`` and apply it."""
    path = directory / f"{documents[0]['metadata']['name']}.yaml"
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False))
    kube.apply(path)


def on_endpoint(url: str, work: Callable[[OCCIClient], Awaitable[T]]) -> T:
    """Run ``work`` with a client of the endpoint, as another tool would."""

    async def session() -> T:
        async with OCCIClient(EndpointConfig(url=url)) as client:
            return await work(client)

    return asyncio.run(session())


def ready_status(kube: Kubectl, obj: str, test: Callable[[dict[str, Any]], bool]) -> Any:
    """Wait until ``obj`` is Ready and its status passes ``test``; returns the status."""

    def check() -> dict[str, Any] | None:
        found = kube.get(*obj.split("/"))
        status = found.get("status") or {}
        return status if is_ready(found) and test(status) else None

    return wait_until(check, what=f"{obj} to be Ready as expected",
                      describe=lambda: str(kube.get(*obj.split("/")).get("status")))  # fmt: skip


def test_the_paas_stack_becomes_ready_without_the_token_in_status(
    kube: Kubectl, tmp_path: Path, endpoint: Service, remote: Remote, operator: Service
) -> None:
    objects = write_paas(tmp_path / "paas", endpoint.url)
    assert len(objects) == 4
    kube.apply(tmp_path / "paas")
    kube("wait", "--for=condition=Ready", "--timeout=90s", *objects, timeout=120)

    app = kube.get(PLATFORM_PLURALS["Application"], "shop")["status"]
    assert app["url"].startswith("http://shop-")
    assert app["runState"] == "Running"
    db = kube.get(PLATFORM_PLURALS["Component"], "shop-db")["status"]
    assert db["databaseVersion"] == "16"
    link_obj = kube.get(PLATFORM_PLURALS["ComponentLink"], "shop-db-access")
    status = link_obj["status"]
    assert (status["source"], status["target"]) == (app["location"], db["location"])
    link = remote.get(status["location"])
    assert isinstance(link, Link)
    assert v.DATABASELINK_MIXIN in link.mixins
    token = str(link.attributes[v.DATABASE_TOKEN])
    assert status["databaseUri"] == link.attributes[v.DATABASE_URI]
    assert token not in json.dumps(link_obj)
    assert v.DATABASE_TOKEN not in status["attributes"]

    dns = remote.get(kube.get(GENERIC, "shop-www")["status"]["location"])
    assert isinstance(dns, Resource)
    assert dns.kind == RECORD
    assert dns.attributes["occi.dns.type"] == "CNAME"
    assert dns.attributes["occi.dns.ttl"] == 300


def test_a_provider_kind_is_managed_through_the_generic_crd(
    kube: Kubectl, tmp_path: Path, endpoint: Service, remote: Remote, operator: Service
) -> None:
    apply(kube, tmp_path, endpoint_object(endpoint.url, "cloud", "text/plain"),
          record("api", "cloud"))  # fmt: skip
    status = ready_status(kube, f"{GENERIC}/api", lambda s: s.get("kind") == RECORD)
    location = status["location"]
    assert location in remote.locations(RECORD)

    kube.patch(GENERIC, "api", {"spec": {"resource": {"attributes": {"occi.dns.ttl": 60}}}})
    ready_status(kube, f"{GENERIC}/api",
                 lambda s: s.get("attributes", {}).get("occi.dns.ttl") == "60")  # fmt: skip
    entity = remote.get(location)
    assert entity is not None
    assert entity.attributes["occi.dns.ttl"] == 60

    changed = Resource(kind=RECORD, attributes={"occi.dns.value": "192.0.2.99"})
    on_endpoint(endpoint.url, lambda client: client.update(location, changed))
    kube("annotate", "--overwrite", f"{GENERIC}/api",
         f"{REQUESTED}={datetime.now(UTC).isoformat()}")  # fmt: skip
    wait_until(lambda: (remote.get(location) or changed).attributes["occi.dns.value"]
               == "192.0.2.7", what="the record's value to be set back")  # fmt: skip

    kube("delete", f"{GENERIC}/api", "--timeout=60s", timeout=90)
    wait_until(lambda: remote.get(location) is None, what=f"{location} to be deleted")


def test_attributes_that_do_not_fit_are_refused_naming_the_attribute(
    kube: Kubectl, tmp_path: Path, endpoint: Service, remote: Remote, operator: Service
) -> None:
    before = remote.locations(RECORD)
    apply(kube, tmp_path, endpoint_object(endpoint.url, "typed", "application/occi+json"),
          record("typo", "typed", **{"occi.dns.ttl": "soon"}),
          record("extra", "typed", **{"occi.dns.weight": 5}))  # fmt: skip
    for name, expected in (
        ("typo", "attributes[occi.dns.ttl]: attribute occi.dns.ttl: must be of type integer"),
        ("extra", "define no attribute 'occi.dns.weight'"),
    ):

        def stalled(name: str = name) -> dict[str, Any] | None:
            found = condition(kube.get(GENERIC, name), "Stalled")
            return found if found and found.get("status") == "True" else None

        found = wait_until(stalled, what=f"{name} to be Stalled")
        assert found["reason"] == "InvalidConfiguration"
        assert expected in found["message"], found["message"]
        assert "location" not in kube.get(GENERIC, name).get("status", {})
    assert remote.locations(RECORD) == before
