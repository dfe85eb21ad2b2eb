"""The discovery documents the front serves itself: ``/api``, ``/api/v1``, ``/apis``, ``/version``.

``apiextensions-apiserver`` lists no core group and does not aggregate the groups of its
custom resources into ``/apis`` (in a full cluster kube-aggregator does that). kopf waits
silently forever when discovery lacks ``v1/namespaces``, ``v1/events`` or
``apiextensions.k8s.io/v1/customresourcedefinitions``, so these documents matter.
``/apis`` is built from the server's own group list plus every established CRD; the
private group of :mod:`occi_operator.testbed.core` is left out. The documents are the
legacy (unaggregated) kinds; clients asking for aggregated discovery fall back to them
because the answer's content type says plain JSON. This module imports no operator code.
"""

from __future__ import annotations

import re
from typing import Any

from occi_operator.testbed.core import CORE_KINDS, PRIVATE_GROUP

__all__ = ["api_versions", "core_resources", "group_list", "version_info"]


def api_versions(server_address: str) -> dict[str, Any]:
    """The ``/api`` document."""
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ],
    }


def core_resources() -> dict[str, Any]:
    """The ``/api/v1`` resource list."""
    resources = []
    for kind in CORE_KINDS.values():
        entry: dict[str, Any] = {
            "name": kind.plural,
            "singularName": kind.kind.lower(),
            "namespaced": kind.namespaced,
            "kind": kind.kind,
            "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update",
                      "watch"],
        }  # fmt: skip
        if kind.short_names:
            entry["shortNames"] = list(kind.short_names)
        resources.append(entry)
    return {"kind": "APIResourceList", "groupVersion": "v1", "resources": resources}


def version_info(kubernetes_version: str) -> dict[str, Any]:
    """The ``/version`` document for ``vMAJOR.MINOR.PATCH``."""
    match = re.match(r"v?(\d+)\.(\d+)", kubernetes_version)
    major, minor = (match[1], match[2]) if match else ("1", "0")
    return {
        "major": major,
        "minor": minor,
        "gitVersion": kubernetes_version,
        "gitCommit": "",
        "gitTreeState": "clean",
        "buildDate": "",
        "goVersion": "",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def group_list(server_groups: dict[str, Any], crds: dict[str, Any]) -> dict[str, Any]:
    """The ``/apis`` group list: the server's groups plus established CRD groups."""
    groups: dict[str, dict[str, Any]] = {}
    for group in server_groups.get("groups") or []:
        if isinstance(group, dict) and group.get("name") != PRIVATE_GROUP:
            groups[str(group["name"])] = group
    served: dict[str, list[str]] = {}
    for crd in crds.get("items") or []:
        spec = crd.get("spec") or {}
        group = spec.get("group")
        if group == PRIVATE_GROUP or not _established(crd) or not isinstance(group, str):
            continue
        names = served.setdefault(group, [])
        for version in spec.get("versions") or []:
            if version.get("served") and version["name"] not in names:
                names.append(version["name"])
    for name, versions in served.items():
        if name in groups or not versions:
            continue
        ordered = sorted(versions, key=version_priority)
        entries = [{"groupVersion": f"{name}/{v}", "version": v} for v in ordered]
        groups[name] = {"name": name, "versions": entries, "preferredVersion": entries[0]}
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": list(groups.values())}


def version_priority(version: str) -> tuple[int, int, int, str]:
    """Kubernetes' version order: GA before beta before alpha, higher numbers first."""
    match = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", version)
    if match is None:
        return (3, 0, 0, version)
    stage = {"": 0, "beta": 1, "alpha": 2}[match[2] or ""]
    return (stage, -int(match[1]), -int(match[3] or 0), version)


def _established(crd: dict[str, Any]) -> bool:
    conditions = (crd.get("status") or {}).get("conditions") or []
    return any(
        isinstance(c, dict) and c.get("type") == "Established" and c.get("status") == "True"
        for c in conditions
    )
