"""The API models as CustomResourceDefinitions (``apiextensions.k8s.io/v1``), one per kind.

Generated, never edited: ``occi-operator crds --output crds`` writes ``crds/`` and a test
fails when the committed files differ. Each CRD has the kind's names (short names, the
``occi`` category), its scope, the status subresource, the printer columns of its
:class:`~.v1alpha1.kindinfo.KindInfo`, and the structural schema of its model
(:mod:`.schema`) with the models' CEL rules and ``status`` defaulted to
``{observedGeneration: -1}`` so that kstatus never mistakes a fresh object for a healthy one.
Output is deterministic: fixed key order, no timestamps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .schema import structural
from .v1alpha1 import GROUP, VERSION
from .v1alpha1.kindinfo import KindInfo
from .v1alpha1.kinds import KINDS

__all__ = [
    "CATEGORY",
    "HEADER",
    "crd_for",
    "file_name",
    "render_all",
    "stale_files",
    "to_yaml",
    "write_all",
]

#: ``kubectl get occi`` lists every kind.
CATEGORY = "occi"
HEADER = (
    "# Generated from the pydantic models in operator/occi_operator/api by\n"
    "# `occi-operator crds --output crds`. Do not edit by hand.\n"
)


def file_name(info: KindInfo) -> str:
    """The CRD's file name in ``crds/``, such as ``occi.occi-operator.dev_computes.yaml``."""
    return f"{GROUP}_{info.plural}.yaml"


def _root_schema(info: KindInfo) -> dict[str, Any]:
    model_schema = info.model.model_json_schema(by_alias=True)
    properties = model_schema["properties"]
    spec = structural({**properties["spec"], "$defs": model_schema["$defs"]}, ".spec")
    status = structural({**properties["status"], "$defs": model_schema["$defs"]}, ".status")
    status["default"] = {"observedGeneration": -1}
    return {
        "description": info.description,
        "type": "object",
        "required": ["spec"],
        "properties": {
            "apiVersion": {
                "description": "APIVersion defines the versioned schema of this "
                "representation of an object.",
                "type": "string",
            },
            "kind": {
                "description": "Kind is a string value representing the REST resource this "
                "object represents.",
                "type": "string",
            },
            "metadata": {"type": "object"},
            "spec": spec,
            "status": status,
        },
    }


def crd_for(info: KindInfo) -> dict[str, Any]:
    """The CustomResourceDefinition of one kind, as a plain dict."""
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "name": f"{info.plural}.{GROUP}",
            "labels": {"app.kubernetes.io/part-of": "occi-operator"},
        },
        "spec": {
            "group": GROUP,
            "names": {
                "kind": info.kind,
                "listKind": info.list_kind,
                "plural": info.plural,
                "singular": info.singular,
                "shortNames": list(info.short_names),
                "categories": [CATEGORY],
            },
            "scope": info.scope.value,
            "versions": [
                {
                    "name": VERSION,
                    "served": True,
                    "storage": True,
                    "subresources": {"status": {}},
                    "additionalPrinterColumns": [column.to_crd() for column in info.columns],
                    "schema": {"openAPIV3Schema": _root_schema(info)},
                }
            ],
        },
    }


def to_yaml(crd: dict[str, Any]) -> str:
    """One CRD as YAML with the generated-file header."""
    body = yaml.safe_dump(crd, sort_keys=False, width=100, allow_unicode=True)
    return HEADER + body


def render_all() -> dict[str, str]:
    """Every CRD of the API: file name → YAML text, in the order of :data:`KINDS`."""
    return {file_name(info): to_yaml(crd_for(info)) for info in KINDS}


def _generated(directory: Path) -> set[str]:
    return {path.name for path in directory.glob(f"{GROUP}_*.yaml")}


def stale_files(directory: Path) -> list[str]:
    """Files of ``directory`` that differ from what the models generate, sorted.

    A missing file, a changed one and a leftover CRD of this group all count.
    """
    expected = render_all()
    differing = {
        name
        for name, text in expected.items()
        if not (directory / name).is_file() or (directory / name).read_text("utf-8") != text
    }
    return sorted(differing | (_generated(directory) - set(expected)))


def write_all(directory: Path) -> list[str]:
    """Write every CRD into ``directory`` and remove leftovers; returns the changed names."""
    directory.mkdir(parents=True, exist_ok=True)
    changed = stale_files(directory)
    expected = render_all()
    for name in changed:
        path = directory / name
        if name in expected:
            path.write_text(expected[name], "utf-8")
        else:
            path.unlink()
    return changed
