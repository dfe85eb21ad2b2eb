"""No duplicate after a lost create answer: the next pass adopts by marker.

The endpoint here carries out every create but loses its answer (fault injection), as a
crash between the POST and the status write would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flow_support import Stack, remote_locations

from occi_operator.endpoint.settings import EndpointSettings, FaultSettings
from occi_operator.occi.client import OCCIClient
from occi_operator.reconciler.outcome import OutcomeKind


@pytest.fixture
def endpoint_settings(tmp_path: Path) -> EndpointSettings:
    """An endpoint that loses the answer of every create."""
    return EndpointSettings(
        data_dir=tmp_path / "endpoint",
        provisioning_delay_seconds=0,
        faults=FaultSettings(lost_create_answer_rate=1.0, seed=1),
    )


async def test_lost_answer_is_adopted_not_duplicated(stack: Stack, http: OCCIClient) -> None:
    stack.apply("Storage", "disk", {"size": "1Gi"})
    first = await stack.step("Storage", "disk")
    assert first.kind is OutcomeKind.TRANSIENT, first
    pending = stack.read("Storage", "disk")
    assert pending.status["createPending"]
    assert "location" not in pending.status
    assert (await stack.settle("Storage", "disk")).kind is OutcomeKind.DONE
    obj = stack.read("Storage", "disk")
    assert "createPending" not in obj.status
    assert await remote_locations(http, "/storage/") == {obj.status["location"]}
    assert any(e.reason == "Adopted" for e in stack.kube.events)


async def test_lost_link_create_is_adopted_by_its_title_marker(
    stack: Stack, http: OCCIClient
) -> None:
    stack.apply("Storage", "disk", {"size": "1Gi"})
    stack.apply("Compute", "vm", {"osTemplate": "cirros"})
    stack.apply("StorageLink", "link", {"computeRef": {"name": "vm"},
                                        "storageRef": {"name": "disk"}})
    for kind, name in (("Storage", "disk"), ("Compute", "vm"), ("StorageLink", "link")):
        assert (await stack.settle(kind, name)).kind is OutcomeKind.DONE, kind
    link = stack.read("StorageLink", "link")
    assert await remote_locations(http, "/storagelink/") == {link.status["location"]}
    assert (await http.get(link.status["location"])).title == f"occi-operator uid={link.uid}"
