"""The resource types the emulator serves: core/v1 kinds, CRDs, and those CRDs define.

A :class:`ResourceType` is what discovery lists and what the store keys objects by.
:func:`from_crd` reads one from a CustomResourceDefinition, as the real server's naming
controller does; :func:`crd_status` is the status it would write (names accepted,
established at once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from occi_operator.testbed.core import CORE_KINDS

__all__ = ["CORE_TYPES", "CRD_TYPE", "ResourceType", "crd_status", "from_crd"]

VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


@dataclass(frozen=True)
class ResourceType:
    """One served resource: group (``""`` for core), versions, names, scope."""

    group: str
    versions: tuple[str, ...]
    plural: str
    singular: str
    kind: str
    namespaced: bool
    status: bool = False
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    schemas: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, str]:
        """The store's key: (group, plural)."""
        return (self.group, self.plural)

    @property
    def list_kind(self) -> str:
        """The kind of a list of these objects."""
        return f"{self.kind}List"

    def api_version(self, version: str) -> str:
        """``group/version``, or ``v1`` for the core group."""
        return f"{self.group}/{version}" if self.group else version

    def resource_entries(self) -> list[dict[str, Any]]:
        """The entries of this type in an APIResourceList."""
        main: dict[str, Any] = {
            "name": self.plural, "singularName": self.singular, "namespaced": self.namespaced,
            "kind": self.kind, "verbs": VERBS,
        }  # fmt: skip
        if self.short_names:
            main["shortNames"] = list(self.short_names)
        if self.categories:
            main["categories"] = list(self.categories)
        entries = [main]
        if self.status:
            entries.append({"name": f"{self.plural}/status", "singularName": "",
                            "namespaced": self.namespaced, "kind": self.kind,
                            "verbs": ["get", "patch", "update"]})  # fmt: skip
        return entries


CORE_TYPES = [
    ResourceType(
        "",
        ("v1",),
        kind.plural,
        kind.kind.lower(),
        kind.kind,
        kind.namespaced,
        short_names=kind.short_names,
    )
    for kind in CORE_KINDS.values()
]
CRD_TYPE = ResourceType(
    "apiextensions.k8s.io", ("v1",), "customresourcedefinitions", "customresourcedefinition",
    "CustomResourceDefinition", namespaced=False, status=True, short_names=("crd", "crds"),
)  # fmt: skip


def from_crd(crd: dict[str, Any]) -> ResourceType:
    """The resource type a CRD defines (served versions only, storage version first)."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    versions = [v for v in spec.get("versions") or [] if v.get("served", True)]
    versions.sort(key=lambda v: not v.get("storage", False))
    return ResourceType(
        group=str(spec.get("group", "")),
        versions=tuple(str(v["name"]) for v in versions),
        plural=str(names.get("plural", "")),
        singular=str(names.get("singular") or str(names.get("kind", "")).lower()),
        kind=str(names.get("kind", "")),
        namespaced=spec.get("scope") == "Namespaced",
        status=any("status" in (v.get("subresources") or {}) for v in versions),
        short_names=tuple(names.get("shortNames") or ()),
        categories=tuple(names.get("categories") or ()),
        schemas={v["name"]: (v.get("schema") or {}).get("openAPIV3Schema") or {} for v in versions},
    )


def crd_status(crd: dict[str, Any]) -> dict[str, Any]:
    """The status the real server's controllers give a CRD whose names are free."""
    names = dict((crd.get("spec") or {}).get("names") or {})
    names.setdefault("singular", str(names.get("kind", "")).lower())
    names.setdefault("listKind", f"{names.get('kind', '')}List")
    conditions = [
        {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts",
         "message": "no conflicts found"},
        {"type": "Established", "status": "True", "reason": "InitialNamesAccepted",
         "message": "the initial names have been accepted"},
    ]  # fmt: skip
    versions = [v["name"] for v in (crd.get("spec") or {}).get("versions") or []
                if v.get("storage")]  # fmt: skip
    return {"acceptedNames": names, "conditions": conditions, "storedVersions": versions}
