"""The user's annotations end to end: ``paused`` stops every remote call (the condition
says Paused), and ``reconcile-requested-at`` runs a pass now, echoed in
``status.lastReconcileRequest``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from chaos_support import MARKER_PREFIX, marked_computes
from e2e_kube import MANAGED_PLURALS, Kubectl, condition, is_ready, wait_until
from e2e_services import Remote, Service

from occi_operator.occi import vocabulary as v

COMPUTE = MANAGED_PLURALS["Compute"]
PAUSED = "occi.occi-operator.dev/paused"
REQUESTED = "occi.occi-operator.dev/reconcile-requested-at"


def machine(name: str, **annotations: str) -> dict[str, Any]:
    """A small running Compute on the example endpoint ``embedded``."""
    return {"apiVersion": "occi.occi-operator.dev/v1alpha1", "kind": "Compute",
            "metadata": {"name": name, "annotations": annotations},
            "spec": {"endpointRef": {"name": "embedded"},
                     "managedOptions": {"onDelete": "delete"},
                     "resource": {"osTemplate": "cirros", "resourceTemplate": "small",
                                  "powerState": "Running"}}}  # fmt: skip


def paused(kube: Kubectl, name: str) -> dict[str, Any]:
    """Wait until the object's Ready condition gives the reason Paused; returns the object."""

    def probe() -> dict[str, Any] | None:
        obj = kube.get(COMPUTE, name)
        ready = condition(obj, "Ready") or {}
        reconciling = condition(obj, "Reconciling") or {}
        if ready.get("reason") == "Paused" and reconciling.get("status") == "False":
            return obj
        return None

    return wait_until(probe, what=f"Compute/{name} to say Paused",
                      describe=lambda: str(kube.get(COMPUTE, name).get("status")))  # fmt: skip


def ready(kube: Kubectl, name: str) -> dict[str, Any]:
    """Wait until the object is Ready for its generation; returns it."""

    def probe() -> dict[str, Any] | None:
        obj = kube.get(COMPUTE, name)
        return obj if is_ready(obj) else None

    return wait_until(probe, what=f"Compute/{name} to be Ready",
                      describe=lambda: str(kube.get(COMPUTE, name).get("status")))  # fmt: skip


def test_a_paused_compute_is_not_created_until_unpaused(
    kube: Kubectl, stack: Path, remote: Remote, tmp_path: Path, operator: Service
) -> None:
    kube.apply(stack / "00-endpoint.yaml")
    path = tmp_path / "vm.yaml"
    path.write_text(yaml.safe_dump(machine("held", **{PAUSED: "true"})))
    kube.apply(path)
    obj = paused(kube, "held")
    assert condition(obj, "Ready")["status"] == "False"  # type: ignore[index]
    assert obj["status"]["observedGeneration"] == -1
    marker = f"{MARKER_PREFIX}{obj['metadata']['uid']}"
    assert marker not in marked_computes(remote)
    kube("annotate", COMPUTE, "held", f"{PAUSED}-")
    ready(kube, "held")
    assert len(marked_computes(remote)[marker]) == 1


def test_a_paused_compute_ignores_a_spec_change_until_unpaused(
    kube: Kubectl, stack: Path, remote: Remote, tmp_path: Path, operator: Service
) -> None:
    kube.apply(stack / "00-endpoint.yaml")
    path = tmp_path / "vm.yaml"
    path.write_text(yaml.safe_dump(machine("frozen")))
    kube.apply(path)
    location = ready(kube, "frozen")["status"]["location"]
    kube("annotate", COMPUTE, "frozen", f"{PAUSED}=true")
    paused(kube, "frozen")
    kube.patch(COMPUTE, "frozen", {"spec": {"resource": {"powerState": "Stopped"}}})
    obj = wait_until(lambda: (o := kube.get(COMPUTE, "frozen"))["metadata"]["generation"] == 2
                     and condition(o, "Ready")["reason"] == "Paused" and o,  # type: ignore[index]
                     what="the paused object to see its new generation")  # fmt: skip
    assert condition(obj, "Ready")["status"] == "True"  # type: ignore[index]
    assert obj["status"]["observedGeneration"] == 1  # kstatus: generation 2 not handled
    entity = remote.get(location)
    assert entity is not None
    assert entity.attributes[v.COMPUTE_STATE] == v.STATE_ACTIVE  # no action was sent
    kube("annotate", COMPUTE, "frozen", f"{PAUSED}-")
    wait_until(lambda: is_ready(o := kube.get(COMPUTE, "frozen"))
               and o["status"].get("powerState") == "Stopped",
               what="the unpaused Compute to stop")  # fmt: skip
    entity = remote.get(location)
    assert entity is not None
    assert entity.attributes[v.COMPUTE_STATE] == v.STATE_INACTIVE


def test_a_reconcile_request_is_handled_and_echoed(
    kube: Kubectl, stack: Path, remote: Remote, tmp_path: Path, operator: Service
) -> None:
    kube.apply(stack / "00-endpoint.yaml")
    path = tmp_path / "vm.yaml"
    path.write_text(yaml.safe_dump(machine("asked")))
    kube.apply(path)
    ready(kube, "asked")
    for request in ("2026-11-28T06:00:00Z", "again"):
        kube("annotate", "--overwrite", COMPUTE, "asked", f"{REQUESTED}={request}")
        wait_until(lambda r=request: kube.get(COMPUTE, "asked")["status"]  # type: ignore[misc]
                   .get("lastReconcileRequest") == r,
                   what=f"the request {request!r} to be echoed")  # fmt: skip
    assert is_ready(kube.get(COMPUTE, "asked"))
