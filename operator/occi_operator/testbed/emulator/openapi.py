"""Just enough OpenAPI v3 for kubectl to choose server-side field validation.

kubectl (1.27+) asks ``/openapi/v3`` whether a resource's PATCH takes the
``fieldValidation`` query parameter; when it does, kubectl sends objects as they are and
lets the server validate. Without an answer it falls back to downloading the protobuf
OpenAPI v2 document and fails. The emulator validates nothing, so it describes only that
parameter: one PATCH operation per resource, tagged with its group, version and kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from occi_operator.testbed.emulator.kinds import ResourceType

__all__ = ["group_version_document", "root_document"]


def _path(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


def root_document(types: Iterable[ResourceType]) -> dict[str, Any]:
    """``/openapi/v3``: one entry per served group version."""
    paths: dict[str, Any] = {}
    for rtype in types:
        for version in rtype.versions:
            path = _path(rtype.group, version)
            paths[path] = {"serverRelativeURL": f"/openapi/v3/{path}"}
    return {"paths": paths}


def group_version_document(types: Iterable[ResourceType], path: str) -> dict[str, Any] | None:
    """``/openapi/v3/<path>``: a PATCH with ``fieldValidation`` for each resource there."""
    paths: dict[str, Any] = {}
    for rtype in types:
        for version in rtype.versions:
            if _path(rtype.group, version) != path:
                continue
            scope = "/namespaces/{namespace}" if rtype.namespaced else ""
            operation = {
                "x-kubernetes-group-version-kind": {"group": rtype.group, "version": version,
                                                    "kind": rtype.kind},
                "parameters": [{"name": "fieldValidation", "in": "query",
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "OK"}},
            }  # fmt: skip
            paths[f"/{path}{scope}/{rtype.plural}/{{name}}"] = {"patch": operation}
    if not paths:
        return None
    info = {"title": "occi-operator testbed emulator", "version": path}
    return {"openapi": "3.0.0", "info": info, "paths": paths}
