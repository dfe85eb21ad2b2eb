"""Static checks run as tests: ruff, mypy --strict, the import-layer contracts.

They run the tools from the same environment as pytest, on the whole tree, so a change
that breaks typing or a layer boundary fails the suite like a failing test.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.quality


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "operator")}
    return subprocess.run(
        list(args), cwd=ROOT, capture_output=True, text=True, check=False, timeout=600, env=env
    )


def test_ruff_is_clean() -> None:
    result = _run(str(BIN / "ruff"), "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = _run(sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir=/dev/null")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_layers_hold() -> None:
    result = _run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_nothing_shadows_the_standard_operator_module() -> None:
    operator = importlib.import_module("operator")
    assert Path(operator.__file__ or "").parent != ROOT / "operator"
    assert not (ROOT / "operator" / "__init__.py").exists()


def test_test_modules_have_unique_names() -> None:
    # The test directories are no packages (pytest's default "prepend" import mode): two
    # test files of one name in different directories make the second fail to import, and
    # which one is "second" depends on the order pytest collects them in.
    seen: dict[str, Path] = {}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path.name == "conftest.py":
            continue
        assert path.name not in seen, f"{path} has the name of {seen[path.name]}"
        seen[path.name] = path


@pytest.mark.parametrize(("contract", "exempt"), [
    pytest.param("Only the reconciler's handlers import kopf", {"handlers"}, id="kopf"),
    pytest.param("Only the reconciler's Kubernetes-facing modules use the kubernetes client",
                 {"handlers", "kube"}, id="kubernetes"),
])
def test_the_import_contracts_name_every_reconciler_module(contract: str,
                                                           exempt: set[str]) -> None:
    # The contracts list their source modules by name: a new module is unguarded until
    # it is added, so this test says which are missing.
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"][
        "importlinter"]["contracts"]
    (listed,) = [c["source_modules"] for c in contracts if c["name"] == contract]
    package = ROOT / "operator/occi_operator/reconciler"
    modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"} | {"adapters"}
    prefix = "occi_operator.reconciler."
    assert sorted(modules - exempt - {m.removeprefix(prefix) for m in listed}) == []
