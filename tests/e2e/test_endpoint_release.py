"""An endpoint object held by a guard nobody needs any more is let go when it is deleted.

The guard finalizer (``…/in-use``) normally goes with the endpoint's last user. A guard
left behind — an object moved to another endpoint while the operator was down, simulated
here by putting the guard on an endpoint nothing uses — would hold the endpoint object
for ever; the operator's delete handler on endpoint objects releases it. One still in use
keeps it until its last user is gone.
"""

from __future__ import annotations

from pathlib import Path

from e2e_kube import MANAGED_PLURALS, Kubectl, is_ready, wait_until
from e2e_services import Service

from occi_operator.reconciler.dependencies import GUARD_FINALIZER

ENDPOINTS = "occiendpoints.occi.occi-operator.dev"
NETWORK = MANAGED_PLURALS["Network"]


def test_a_stale_guard_goes_when_the_endpoint_is_deleted(
    kube: Kubectl, stack: Path, operator: Service
) -> None:
    kube.apply(stack / "00-endpoint.yaml")
    kube.patch(ENDPOINTS, "embedded", {"metadata": {"finalizers": [GUARD_FINALIZER]}})
    kube("delete", ENDPOINTS, "embedded", "--wait=false")
    wait_until(lambda: kube.find(ENDPOINTS, "embedded") is None,
               what="the unused endpoint object to go", alive=operator.dead)


def test_an_endpoint_in_use_stays_until_its_last_user_goes(
    kube: Kubectl, stack: Path, operator: Service
) -> None:
    kube.apply(stack / "00-endpoint.yaml")
    kube.apply(stack / "10-network.yaml")
    wait_until(lambda: is_ready(kube.get(NETWORK, "private")), what="the network to be Ready",
               alive=operator.dead)
    kube("delete", ENDPOINTS, "embedded", "--wait=false")
    held = wait_until(lambda: (o := kube.get(ENDPOINTS, "embedded"))["metadata"].get(
        "deletionTimestamp") and o, what="the delete to be recorded")
    assert GUARD_FINALIZER in held["metadata"]["finalizers"]
    kube("delete", NETWORK, "private", "--wait=false")
    wait_until(lambda: kube.find(ENDPOINTS, "embedded") is None,
               what="the endpoint object to go with its last user", alive=operator.dead)
