"""JSON merge patch (RFC 7386), JSON patch (RFC 6902) and structural-schema defaults.

Errors are :class:`PatchError` with the HTTP status a real server would answer: 422 for
a failed ``test`` or a path that does not exist, 400 for a malformed patch.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["PatchError", "apply_defaults", "json_patch", "merge_patch"]


class PatchError(Exception):
    """A patch that cannot be applied; ``status`` is the HTTP answer."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, ``null`` removes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def json_patch(document: Any, operations: Any) -> Any:
    """RFC 6902 on a copy of ``document``."""
    if not isinstance(operations, list):
        raise PatchError(400, "a JSON patch must be a list of operations")
    result = copy.deepcopy(document)
    for number, operation in enumerate(operations):
        if not isinstance(operation, dict) or "op" not in operation or "path" not in operation:
            raise PatchError(400, f"operation {number} needs 'op' and 'path'")
        result = _apply(result, operation)
    return result


def _apply(document: Any, operation: dict[str, Any]) -> Any:
    op, path = operation["op"], _pointer(operation["path"])
    if op == "test":
        if _get(document, path) != operation.get("value"):
            raise PatchError(422, f"testing value {operation['path']} failed")
        return document
    if op in ("move", "copy"):
        value = copy.deepcopy(_get(document, _pointer(str(operation.get("from", "")))))
        if op == "move":
            document = _remove(document, _pointer(str(operation["from"])))
        return _add(document, path, value)
    if op == "remove":
        return _remove(document, path)
    if op == "add":
        return _add(document, path, copy.deepcopy(operation.get("value")))
    if op == "replace":
        _get(document, path)  # must exist
        return _add(_remove(document, path), path, copy.deepcopy(operation.get("value")))
    raise PatchError(400, f"unknown JSON patch operation {op!r}")


def _pointer(text: str) -> list[str]:
    if text == "":
        return []
    if not text.startswith("/"):
        raise PatchError(400, f"invalid JSON pointer {text!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in text[1:].split("/")]


def _get(document: Any, path: list[str]) -> Any:
    current = document
    for part in path:
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            raise PatchError(422, f"path /{'/'.join(path)} does not exist")
    return current


def _add(document: Any, path: list[str], value: Any) -> Any:
    if not path:
        return value
    parent = _get(document, path[:-1])
    key = path[-1]
    if isinstance(parent, dict):
        parent[key] = value
    elif isinstance(parent, list):
        index = len(parent) if key == "-" else int(key) if key.isdigit() else -1
        if not 0 <= index <= len(parent):
            raise PatchError(422, f"index {key} out of range")
        parent.insert(index, value)
    else:
        raise PatchError(422, f"cannot add below /{'/'.join(path[:-1])}")
    return document


def _remove(document: Any, path: list[str]) -> Any:
    if not path:
        return None
    parent = _get(document, path[:-1])
    _get(document, path)
    if isinstance(parent, dict):
        del parent[path[-1]]
    else:
        del parent[int(path[-1])]
    return document


def apply_defaults(value: Any, schema: dict[str, Any]) -> Any:
    """Fill ``default`` values of a structural schema into ``value`` (in place)."""
    if isinstance(value, dict):
        for name, sub in (schema.get("properties") or {}).items():
            if name not in value and isinstance(sub, dict) and "default" in sub:
                value[name] = copy.deepcopy(sub["default"])
            if name in value and isinstance(sub, dict):
                apply_defaults(value[name], sub)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for name in value:
                if name not in (schema.get("properties") or {}):
                    apply_defaults(value[name], extra)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            apply_defaults(item, schema["items"])
    return value
