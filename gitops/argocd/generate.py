"""Write argocd-cm-patch.yaml: health.lua once per kind found in crds/.

Argo CD takes a health script per kind (``resource.customizations.health.<group>_<Kind>``),
so the patch repeats the one script for every CustomResourceDefinition in ``crds/``.
Run from anywhere after changing ``health.lua`` or adding a kind::

    python gitops/argocd/generate.py          # rewrite the patch
    python gitops/argocd/generate.py --check  # exit 1 when the patch is out of date

Needs only PyYAML; it imports nothing of the operator. tests/gitops keeps the committed
patch in sync with this output.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCRIPT = HERE / "health.lua"
PATCH = HERE / "argocd-cm-patch.yaml"
CRDS = ROOT / "crds"
KEY_PREFIX = "resource.customizations.health."

HEADER = """\
# Generated from gitops/argocd/health.lua and crds/ by `python gitops/argocd/generate.py`.
# Do not edit by hand. Merge into Argo CD's argocd-cm, e.g.
#   kubectl -n argocd patch configmap argocd-cm --patch-file gitops/argocd/argocd-cm-patch.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  labels:
    app.kubernetes.io/part-of: argocd
data:
"""


def kinds(crd_dir: Path = CRDS) -> list[tuple[str, str]]:
    """(group, kind) of every CustomResourceDefinition in ``crd_dir``, sorted by kind."""
    found: list[tuple[str, str]] = []
    for path in sorted(crd_dir.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                spec = doc["spec"]
                found.append((spec["group"], spec["names"]["kind"]))
    return sorted(found, key=lambda pair: (pair[1], pair[0]))


def config_key(group: str, kind: str) -> str:
    """The argocd-cm key of the health script for ``kind`` of ``group``."""
    return f"{KEY_PREFIX}{group}_{kind}"


def _block(script: str, indent: str) -> str:
    """``script`` as the body of a YAML literal block scalar (blank lines stay empty)."""
    lines = script.rstrip("\n").split("\n")
    return "".join(f"{indent}{line}\n" if line else "\n" for line in lines)


def render(script: str, pairs: Sequence[tuple[str, str]]) -> str:
    """The whole patch: one literal-block entry of ``script`` per (group, kind)."""
    if "\t" in script or any(line != line.rstrip() for line in script.splitlines()):
        raise ValueError("health.lua must not contain tabs or trailing spaces (YAML block)")
    entries = [f"  {config_key(group, kind)}: |\n{_block(script, '    ')}" for group, kind in pairs]
    return HEADER + "".join(entries)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the patch, or with ``--check`` report whether it is up to date."""
    parser = argparse.ArgumentParser(
        description="Write argocd-cm-patch.yaml: health.lua once per kind found in crds/."
    )
    parser.add_argument("--check", action="store_true", help="only compare, do not write")
    args = parser.parse_args(argv)
    wanted = render(SCRIPT.read_text(encoding="utf-8"), kinds())
    current = PATCH.read_text(encoding="utf-8") if PATCH.exists() else None
    if args.check:
        if current != wanted:
            print(f"{PATCH} is out of date: run python {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    if current != wanted:
        PATCH.write_text(wanted, encoding="utf-8")
        print(f"wrote {PATCH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
