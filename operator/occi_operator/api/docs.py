"""``docs/api-reference.md``, generated from the same structural schemas as the CRDs.

For every kind: what it is, its names, scope and OCCI kind, the ``kubectl get`` columns,
then one row per field (path, type, default, constraints, description) and the rules the
API server enforces (CEL messages). Endpoint objects also get the table of credential
Secret keys per auth type. Generating from the CRD schema means the reference documents
exactly what the API server accepts. A test keeps the committed file in sync.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .crdgen import CATEGORY, crd_for
from .v1alpha1 import API_VERSION
from .v1alpha1.endpoint import SECRET_KEYS
from .v1alpha1.kindinfo import KindInfo
from .v1alpha1.kinds import KINDS

__all__ = ["render_reference"]

Schema = dict[str, Any]

_CONSTRAINTS = (
    ("minimum", "≥ {}"),
    ("maximum", "≤ {}"),
    ("minLength", "length ≥ {}"),
    ("maxLength", "length ≤ {}"),
    ("minItems", "items ≥ {}"),
    ("maxItems", "items ≤ {}"),
    ("maxProperties", "entries ≤ {}"),
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _type(node: Schema) -> str:
    kind = str(node.get("type", "object"))
    if kind == "array":
        return f"[]{_type(node.get('items', {}))}"
    if kind == "object" and "additionalProperties" in node:
        return f"map[string]{_type(node['additionalProperties'])}"
    return kind


def _constraints(node: Schema, required: bool) -> str:
    parts = ["required"] if required else []
    if "enum" in node:
        parts.append("one of " + ", ".join(f"`{value}`" for value in node["enum"]))
    for key, template in _CONSTRAINTS:
        if key in node:
            bound = node[key]
            if key == "minimum" and node.get("exclusiveMinimum"):
                template = "> {}"
            parts.append(template.format(bound))
    if "pattern" in node:
        parts.append(f"pattern `{node['pattern']}`")
    return "; ".join(parts)


def _default(node: Schema) -> str:
    return f"`{json.dumps(node['default'])}`" if "default" in node else ""


def _fields(node: Schema, path: str) -> Iterator[tuple[str, Schema, bool]]:
    required = set(node.get("required", ()))
    for name, prop in node.get("properties", {}).items():
        where = f"{path}.{name}" if path else name
        yield where, prop, name in required
        child = prop.get("items", prop) if prop.get("type") == "array" else prop
        suffix = "[]" if prop.get("type") == "array" else ""
        yield from _fields(child, where + suffix)


def _rules(node: Schema, path: str) -> Iterator[tuple[str, str]]:
    for rule in node.get("x-kubernetes-validations", ()):
        yield path + rule.get("fieldPath", ""), rule["message"]
    for name, prop in node.get("properties", {}).items():
        child = prop.get("items", prop) if prop.get("type") == "array" else prop
        yield from _rules(child, f"{path}.{name}" if path else name)


def _kind_section(info: KindInfo) -> list[str]:
    version = crd_for(info)["spec"]["versions"][0]
    root: Schema = version["schema"]["openAPIV3Schema"]
    lines = [
        f"## {info.kind}",
        "",
        info.description,
        "",
        f"- API version: `{API_VERSION}`; scope: {info.scope.value}; "
        f"plural `{info.plural}`; short names: "
        + ", ".join(f"`{name}`" for name in info.short_names)
        + f"; category `{CATEGORY}`.",
    ]
    if info.occi_kind:
        lines.append(f"- OCCI kind: `{info.occi_kind}`.")
    columns = ", ".join(
        f"{column.name}{' (wide)' if column.priority else ''}" for column in info.columns
    )
    lines += [f"- `kubectl get` columns: {columns}.", ""]
    for part in ("spec", "status"):
        lines += [
            f"### {info.kind} {part}",
            "",
            "| Field | Type | Default | Constraints | Description |",
            "|---|---|---|---|---|",
        ]
        for where, prop, required in _fields(root["properties"][part], part):
            lines.append(
                f"| `{where}` | {_type(prop)} | {_cell(_default(prop))} | "
                f"{_cell(_constraints(prop, required))} | {_cell(prop.get('description', ''))} |"
            )
        lines.append("")
    rules = list(_rules(root["properties"]["spec"], "spec"))
    if rules:
        lines += [f"### {info.kind} validation rules", ""]
        lines += [f"- `{where}`: {message}" for where, message in rules]
        lines.append("")
    return lines


def _secret_keys() -> list[str]:
    lines = [
        "## Credentials Secret keys",
        "",
        "The Secret named by `credentialsSecretRef` holds these keys, depending on `auth` "
        "(keys in brackets are optional):",
        "",
        "| auth | Secret keys |",
        "|---|---|",
    ]
    for auth, keys in SECRET_KEYS.items():
        shown = ", ".join(f"`{key}`" for key in keys) or "none (no Secret)"
        lines.append(f"| `{auth.value}` | {shown} |")
    return [*lines, ""]


def render_reference() -> str:
    """The whole API reference as Markdown."""
    lines = [
        "<!-- Generated from the API models by `python -m occi_operator.api.docs`; "
        "do not edit. -->",
        "",
        "# API reference",
        "",
        f"Group `{API_VERSION}`. Every kind is in the `{CATEGORY}` category: "
        f"`kubectl get {CATEGORY}` lists them all. Quantities (`memory`, `size`) are "
        "Kubernetes quantities converted to GiB for OCCI (`4Gi` → 4, `512Mi` → 0.5).",
        "",
    ]
    for info in KINDS:
        lines += _kind_section(info)
    lines += _secret_keys()
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render_reference())
