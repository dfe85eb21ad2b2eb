"""Locations between the wire and the domain: absolute URLs out, this endpoint's paths in.

GFD.229 §5 (every X-OCCI-Location absolute); GFD.223 §4 (kind and mixin locations are
paths of the provider's namespace).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from occi_http import compute, create, entity_of, network

from occi_operator.endpoint.app import create_app
from occi_operator.endpoint.http_locations import Locator
from occi_operator.endpoint.settings import EndpointSettings
from occi_operator.occi.entities import Link, Resource

COMPUTE = "http://schemas.ogf.org/occi/infrastructure#compute"
NETWORK = "http://schemas.ogf.org/occi/infrastructure#network"
NIC = "http://schemas.ogf.org/occi/infrastructure#networkinterface"


@pytest.mark.parametrize(
    ("base", "reference", "path"),
    [
        pytest.param("http://h:8765", "http://h:8765/compute/1", "/compute/1", id="same-origin"),
        pytest.param("http://h:80/", "http://H/compute/1", "/compute/1", id="default-port-case"),
        pytest.param("http://h", "/compute/1", "/compute/1", id="already-a-path"),
        pytest.param("http://h", "http://other/compute/1", "http://other/compute/1", id="remote"),
        pytest.param("http://h", "https://h/compute/1", "https://h/compute/1", id="other-scheme"),
        pytest.param(
            "https://h/occi1.2", "https://h/occi1.2/compute/1", "/compute/1", id="path-prefix"
        ),
        pytest.param("http://h", "http://h:99999/x", "http://h:99999/x", id="bad-port-is-remote"),
    ],
)
def test_urls_of_this_endpoint_become_paths(base: str, reference: str, path: str) -> None:
    assert Locator(base).path(reference) == path


def test_paths_become_absolute_and_remote_urls_stay() -> None:
    locator = Locator("https://cloud.example.org:11443/")
    assert locator.url("/compute/1") == "https://cloud.example.org:11443/compute/1"
    assert locator.url("http://elsewhere/network/2") == "http://elsewhere/network/2"


def test_an_entity_goes_out_with_absolute_locations_and_comes_back_as_paths() -> None:
    link = Link(
        kind=NIC, id="l1", location="/link/networkinterface/l1", source="/compute/1",
        target="/network/2", target_kind=NETWORK,
    )
    vm = Resource(kind=COMPUTE, id="1", links=(link,))
    locator = Locator("http://h:1")
    out = locator.entity_out(vm, "/compute/1")
    assert isinstance(out, Resource)
    assert out.location == "http://h:1/compute/1"
    assert out.links[0].location == "http://h:1/link/networkinterface/l1"
    assert out.links[0].source == "http://h:1/compute/1"
    assert out.links[0].target == "http://h:1/network/2"
    back = locator.entity_in(out)
    assert isinstance(back, Resource)
    assert back.location == "/compute/1"
    assert back.links[0].target == "/network/2"
    assert back.links[0].source == "/compute/1"


async def test_base_url_from_the_settings_is_used_in_and_out(tmp_path: Path) -> None:
    """Behind a proxy: Location is built from base_url, and its URLs are read as paths."""
    settings = EndpointSettings(
        data_dir=tmp_path, provisioning_delay_seconds=0, base_url="https://proxy.example/occi"
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://inner:1") as http:
            net = await create(http, network("lan"), "/network/")
            assert net.startswith("https://proxy.example/occi/network/")
            nic = Link(kind=NIC, target=net, target_kind=NETWORK)
            vm = await create(http, compute("vm").model_copy(update={"links": (nic,)}),
                              "/compute/")
            path = vm.removeprefix("https://proxy.example/occi")
            got = entity_of(await http.get(path))
            assert isinstance(got, Resource)
            assert got.location == vm
            assert got.links[0].target == net  # stored as a local path, answered absolute
