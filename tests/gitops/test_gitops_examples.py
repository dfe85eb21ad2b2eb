"""The Argo CD Application and the Flux Kustomization point at the example stack and
check the health of every object in it."""

from __future__ import annotations

from pathlib import Path

import yaml

from occi_operator.api.v1alpha1 import API_VERSION

ROOT = Path(__file__).resolve().parents[2]


def _example_objects() -> set[tuple[str, str]]:
    found = set()
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document and document.get("apiVersion") == API_VERSION:
                found.add((document["kind"], document["metadata"]["name"]))
    return found


def test_flux_checks_the_health_of_every_example_object() -> None:
    kustomization = yaml.safe_load((ROOT / "gitops/flux/kustomization.yaml").read_text())
    spec = kustomization["spec"]
    assert spec["path"] == "./examples"
    assert spec["wait"] is True
    checked = {(c["kind"], c["name"]) for c in spec["healthChecks"]}
    assert all(c["apiVersion"] == API_VERSION for c in spec["healthChecks"])
    assert checked == _example_objects()


def test_argocd_application_syncs_the_examples() -> None:
    application = yaml.safe_load((ROOT / "gitops/argocd/application.yaml").read_text())
    assert application["kind"] == "Application"
    assert application["spec"]["source"]["path"] == "examples"
    assert "ServerSideApply=true" in application["spec"]["syncPolicy"]["syncOptions"]
