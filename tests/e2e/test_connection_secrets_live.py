"""Connection Secrets on the real API server: a pod-style consumer reads them (a Compute's
addresses; an Application's URL with its database link's URI, user name and token), they
follow the remote side, and deleting the object deletes or keeps them as the docs say.

The testbed has no garbage collector: a Secret that disappears with its object was
deleted by the operator itself, not by its ownerReference.
"""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from e2e_kube import MANAGED_PLURALS, Kubectl, condition, is_ready, wait_until
from e2e_services import Service

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import EndpointConfig, OCCIClient
from occi_operator.occi.entities import Link

COMPUTE = MANAGED_PLURALS["Compute"]
NETWORK = MANAGED_PLURALS["Network"]
INTERFACE = MANAGED_PLURALS["NetworkInterface"]
REQUESTED = "occi.occi-operator.dev/reconcile-requested-at"
OWNER = "occi.occi-operator.dev/connection-secret-of"
#: A workload's view of the Secret: what it finds in the mounted directory, checked the
#: way a program connecting to the machine would (addresses parse, inside the network).
CONSUMER = """
import ipaddress, json, pathlib, sys
mount, cidr = pathlib.Path(sys.argv[1]), ipaddress.ip_network(sys.argv[2])
values = {path.name: path.read_text() for path in mount.iterdir()}
addresses = [ipaddress.ip_address(a) for a in values["addresses"].split(",")]
assert ipaddress.ip_address(values["address"]) == addresses[0]
assert all(a in cidr for a in addresses), addresses
assert values["location"].startswith("http"), values["location"]
print(json.dumps({"hostname": values["hostname"], "addresses": [str(a) for a in addresses]}))
"""


def manifest(kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    """An object of our API on the example endpoint ``embedded``."""
    return {"apiVersion": "occi.occi-operator.dev/v1alpha1", "kind": kind,
            "metadata": {"name": name},
            "spec": {"endpointRef": {"name": "embedded"}, **spec}}  # fmt: skip


def apply(kube: Kubectl, tmp_path: Path, *objects: dict[str, Any]) -> None:
    path = tmp_path / f"objects-{len(list(tmp_path.glob('objects-*')))}.yaml"
    path.write_text(yaml.safe_dump_all(objects))
    kube.apply(path)


def machine(name: str, secret: str, on_delete: str = "delete") -> dict[str, Any]:
    """A small running Compute that writes its connection details to ``secret``."""
    return manifest("Compute", name, {
        "managedOptions": {"onDelete": on_delete},
        "writeConnectionSecretToRef": {"name": secret},
        "resource": {"hostname": name, "osTemplate": "cirros", "resourceTemplate": "small"},
    })


def ready(kube: Kubectl, resource: str, name: str) -> dict[str, Any]:
    """Wait until the object is Ready for its generation; returns it."""

    def probe() -> dict[str, Any] | None:
        obj = kube.get(resource, name)
        return obj if is_ready(obj) else None

    return wait_until(probe, what=f"{resource}/{name} to be Ready",
                      describe=lambda: str(kube.get(resource, name).get("status")))  # fmt: skip


def mount(kube: Kubectl, secret: str, directory: Path) -> Path:
    """What the kubelet does for a Secret volume: one file per key, base64-decoded."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        old.unlink()
    for key, value in (kube.get("secret", secret).get("data") or {}).items():
        (directory / key).write_bytes(base64.b64decode(value))
    return directory


def consume(directory: Path, cidr: str) -> dict[str, Any]:
    """Run the consumer in its own process, as a pod would; its verdict as JSON."""
    done = subprocess.run([sys.executable, "-c", CONSUMER, str(directory), cidr],
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    verdict: dict[str, Any] = json.loads(done.stdout)
    return verdict


def secret_data(kube: Kubectl, name: str) -> dict[str, str]:
    found = kube.find("secret", name) or {}
    return {k: base64.b64decode(val).decode() for k, val in (found.get("data") or {}).items()}


def add_interface(url: str, compute: str, network: str, address: str) -> None:
    """Outside the operator: a second interface with a fixed address on the machine."""

    async def create() -> None:
        async with OCCIClient(EndpointConfig(url=url)) as client:
            await client.create(Link(
                kind=v.NETWORKINTERFACE_KIND, source=compute, target=network,
                target_kind=v.NETWORK_KIND, mixins=(v.IPNETWORKINTERFACE_MIXIN,),
                attributes={v.NETWORKINTERFACE_ADDRESS: address,
                            v.NETWORKINTERFACE_ALLOCATION: "static"},
            ))

    asyncio.run(create())


def test_a_compute_secret_is_read_by_a_consumer_follows_changes_and_goes_with_it(
    kube: Kubectl, stack: Path, endpoint: Service, tmp_path: Path, operator: Service
) -> None:
    kube.apply(stack / "00-endpoint.yaml")
    kube.apply(stack / "10-network.yaml")  # Network/private, 10.0.0.0/24
    interface = manifest("NetworkInterface", "app-eth0", {
        "resource": {"computeRef": {"name": "app"}, "networkRef": {"name": "private"}},
    })
    apply(kube, tmp_path, machine("app", "app-connection"), interface)
    network = ready(kube, NETWORK, "private")["status"]["location"]
    ready(kube, INTERFACE, "app-eth0")
    # The machine saw no interface at its last pass; the interface's becoming Ready makes
    # it due at the next resync tick (30 s), not at its period (10 minutes).
    wait_until(lambda: "address" in secret_data(kube, "app-connection"),
               what="the Secret to carry the address",
               describe=lambda: str(secret_data(kube, "app-connection")))  # fmt: skip
    first = consume(mount(kube, "app-connection", tmp_path / "mount"), "10.0.0.0/24")
    assert first["hostname"] == "app"
    compute = kube.get(COMPUTE, "app")
    assert compute["status"]["connectionSecret"]["name"] == "app-connection"
    assert secret_data(kube, "app-connection")["address"] not in json.dumps(
        compute["status"].get("connectionSecret")
    )

    # Outside the operator nothing tells it: a reconcile request does (or the resync).
    add_interface(endpoint.url, compute["status"]["location"], network, "10.0.0.200")
    kube("annotate", "--overwrite", COMPUTE, "app", f"{REQUESTED}=second-interface")
    wait_until(lambda: "10.0.0.200" in secret_data(kube, "app-connection").get("addresses", ""),
               what="the Secret to follow the new interface",
               describe=lambda: str(secret_data(kube, "app-connection")))  # fmt: skip
    second = consume(mount(kube, "app-connection", tmp_path / "mount"), "10.0.0.0/24")
    assert second["addresses"] == [*first["addresses"], "10.0.0.200"]

    kube("delete", INTERFACE, "app-eth0", "--wait=false")
    kube("delete", COMPUTE, "app", "--wait=false")
    wait_until(lambda: kube.find(COMPUTE, "app") is None, what="Compute/app to be deleted")
    assert kube.find("secret", "app-connection") is None  # deleted with it: no GC here


#: What the shop's pod does with its two Secrets: the application's URL and the database
#: link's URI, user name and token, as a database driver would take them.
PLATFORM_CONSUMER = """
import json, pathlib, sys, urllib.parse
app, db = (pathlib.Path(p) for p in sys.argv[1:3])
url = urllib.parse.urlsplit((app / "url").read_text())
assert url.scheme in ("http", "https") and url.hostname, url
uri = urllib.parse.urlsplit((db / "uri").read_text())
user, token = (db / "username").read_text(), (db / "token").read_text()
assert uri.scheme and uri.hostname and uri.port and uri.username == user, uri
assert len(token) >= 16, "token too short"
dsn = uri._replace(netloc=f"{user}:{token}@{uri.hostname}:{uri.port}").geturl()
print(json.dumps({"url": url.geturl(), "dsn_length": len(dsn), "token": token}))
"""


def test_a_database_link_secret_is_read_by_the_application_pod(
    kube: Kubectl, stack: Path, tmp_path: Path, operator: Service
) -> None:
    kube.apply(stack / "00-endpoint.yaml")
    database = manifest("Component", "db", {"resource": {
        "applicationTemplate": "postgresql-16", "resourceTemplate": "small",
        "database": {"version": "16"}}})  # fmt: skip
    application = manifest("Application", "shop", {
        "writeConnectionSecretToRef": {"name": "shop-connection"},
        "resource": {"context": "https://git.example.org/shop.git",
                     "applicationTemplate": "python-3.12", "resourceTemplate": "small"},
    })  # fmt: skip
    link = manifest("ComponentLink", "shop-db", {
        "writeConnectionSecretToRef": {"name": "shop-db-connection"},
        "resource": {"source": {"applicationRef": {"name": "shop"}},
                     "target": {"componentRef": {"name": "db"}}, "databaseLink": True},
    })  # fmt: skip
    apply(kube, tmp_path, database, application, link)
    for resource, name in (("componentlinks.occi.occi-operator.dev", "shop-db"),
                           ("applications.occi.occi-operator.dev", "shop")):  # fmt: skip
        ready(kube, resource, name)
    wait_until(lambda: "url" in secret_data(kube, "shop-connection"),
               what="the application's Secret to carry its URL")  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", PLATFORM_CONSUMER,
         str(mount(kube, "shop-connection", tmp_path / "app")),
         str(mount(kube, "shop-db-connection", tmp_path / "db"))],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    token = json.loads(done.stdout)["token"]
    # The token is in the Secret and nowhere else: status, Events.
    everything = kube("get", "componentlinks.occi.occi-operator.dev,applications"
                      ".occi.occi-operator.dev,components.occi.occi-operator.dev,events",
                      "-o", "json")  # fmt: skip
    assert token not in everything
    assert kube.get("componentlinks.occi.occi-operator.dev", "shop-db")["status"][
        "connectionSecret"]["name"] == "shop-db-connection"  # fmt: skip


def test_a_detached_compute_leaves_its_secret_released(
    kube: Kubectl, stack: Path, tmp_path: Path, operator: Service
) -> None:
    kube.apply(stack / "00-endpoint.yaml")
    apply(kube, tmp_path, machine("kept", "kept-connection", on_delete="detach"))
    location = ready(kube, COMPUTE, "kept")["status"]["location"]
    secret = kube.get("secret", "kept-connection")
    assert [o["name"] for o in secret["metadata"]["ownerReferences"]] == ["kept"]
    kube("delete", COMPUTE, "kept", "--wait=false")
    wait_until(lambda: kube.find(COMPUTE, "kept") is None, what="Compute/kept to be deleted")
    secret = kube.get("secret", "kept-connection")
    assert not secret["metadata"].get("ownerReferences")
    assert secret["metadata"]["annotations"][OWNER] == "Compute/kept"
    assert secret_data(kube, "kept-connection") == {"location": location, "hostname": "kept"}


def test_a_foreign_secret_is_refused_by_name(
    kube: Kubectl, stack: Path, tmp_path: Path, operator: Service
) -> None:
    kube.apply(stack / "00-endpoint.yaml")
    # (kubectl create sends protobuf, which the testbed's core front does not speak.)
    foreign = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "taken"},
               "stringData": {"password": "not-yours"}}  # fmt: skip
    kube("apply", "--validate=false", "-f", "-", stdin=yaml.safe_dump(foreign))
    apply(kube, tmp_path, machine("intruder", "taken"))

    def stalled() -> dict[str, Any] | None:
        found = condition(kube.get(COMPUTE, "intruder"), "Stalled") or {}
        return found if found.get("status") == "True" else None

    found = wait_until(stalled, what="Compute/intruder to stall",
                       describe=lambda: str(kube.get(COMPUTE, "intruder")["status"]))
    assert found["reason"] == "InvalidConfiguration"
    assert f"Secret {kube.namespace}/taken" in found["message"]
    assert secret_data(kube, "taken") == {"password": "not-yours"}
    assert "not-yours" not in json.dumps(kube.get(COMPUTE, "intruder"))
