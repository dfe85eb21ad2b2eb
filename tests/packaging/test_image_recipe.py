"""The operator image's recipe, checked without a container engine.

No Docker engine exists where the tests run, so the image itself is never built here.
What can break in it without Docker noticing until a user runs it is checked instead:
the Dockerfile's promises (pinned base whose Python the package supports, non-root user,
the ports the chart uses), and its stages run by hand: the wheel is built from the same
files the Dockerfile copies, installed into a fresh virtualenv outside the checkout, and
the installed command serves the embedded endpoint with the catalog shipped in the wheel
and prints every CRD.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import tomllib
import venv
import zipfile
from pathlib import Path

import httpx
import pytest
import yaml

from occi_operator.testbed.process import free_port

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text("utf-8"))
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            rows.append((word.upper(), rest.strip()))
    return rows


def test_the_base_is_pinned_to_a_python_the_package_supports() -> None:
    args = dict(rest.split("=", 1) for word, rest in instructions() if word == "ARG")
    image = args["PYTHON_IMAGE"]
    match = re.fullmatch(r"python:(\d+)\.(\d+)-slim-(\w+)(@sha256:[0-9a-f]{64})?", image)
    assert match, f"base image {image!r} is not pinned to a python minor version and distro"
    minimum = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
        "requires-python"]
    wanted = tuple(int(part) for part in minimum.removeprefix(">=").split("."))
    assert (int(match[1]), int(match[2])) >= wanted
    froms = [rest for word, rest in instructions() if word == "FROM"]
    assert len(froms) == 3
    assert all(f.startswith("${PYTHON_IMAGE}") for f in froms)


def test_the_runtime_runs_as_a_numeric_non_root_user_and_exposes_the_charts_ports() -> None:
    rows = instructions()
    last_from = max(i for i, (word, _) in enumerate(rows) if word == "FROM")
    runtime = rows[last_from:]
    users = [rest for word, rest in runtime if word == "USER"]
    assert users
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", users[-1]), users
    exposed = {int(port) for word, rest in runtime if word == "EXPOSE" for port in rest.split()}
    values = yaml.safe_load((ROOT / "charts/occi-operator/values.yaml").read_text("utf-8"))
    assert {values["probe"]["port"], values["metrics"]["port"]} <= exposed
    assert ("ENTRYPOINT", '["occi-operator", "run"]') in runtime


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stage 1: the wheel, built from what the Dockerfile copies (and nothing else)."""
    source = tmp_path_factory.mktemp("src")
    for word, rest in instructions():
        if word == "COPY" and "--from" not in rest:
            *paths, _ = rest.split()
            for path in paths:
                origin = ROOT / path.rstrip("/")
                if origin.is_dir():
                    shutil.copytree(origin, source / origin.name,
                                    ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy2(origin, source / origin.name)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(out), str(source)],
        check=True, capture_output=True, cwd=source)
    (built,) = out.glob("occi_operator-*.whl")
    return built


def test_the_wheel_ships_the_data_files_and_no_tests(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "occi_operator/endpoint/default_catalog.yaml" in names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "operator/"))]
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "occi-operator = occi_operator.cli.main:" in zipfile.ZipFile(wheel).read(
        entry_points).decode()


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stage 2: a fresh virtualenv with the wheel; its dependencies come from ours."""
    target = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(target)
    # The runtime dependencies are this interpreter's (a .pth file), so that the test
    # needs no index; the package itself is only the wheel's copy.
    site = Path(subprocess.run(
        [str(target / "bin/python"), "-c",
         "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", "utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(target / "bin/python"), "install",
         "--quiet", "--no-deps", "--ignore-installed", str(wheel)],
        check=True, capture_output=True)
    return target


def run_installed(installed: Path, *arguments: str, cwd: Path) -> subprocess.Popen[str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONNOUSERSITE"] = "1"
    return subprocess.Popen([str(installed / "bin/occi-operator"), *arguments], cwd=cwd,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_installed_command_is_the_wheels_and_prints_every_crd(
    installed: Path, tmp_path: Path
) -> None:
    where = subprocess.run(
        [str(installed / "bin/python"), "-c",
         "import occi_operator; print(occi_operator.__file__)"],
        check=True, capture_output=True, text=True, cwd=tmp_path).stdout
    assert where.startswith(str(installed)), where  # not the checkout's editable copy
    process = run_installed(installed, "crds", cwd=tmp_path)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    kinds = {doc["spec"]["names"]["kind"] for doc in yaml.safe_load_all(out) if doc}
    shipped = {yaml.safe_load(path.read_text("utf-8"))["spec"]["names"]["kind"]
               for path in (ROOT / "crds").glob("*.yaml")}
    assert kinds == shipped


def test_the_installed_endpoint_serves_the_catalog_shipped_in_the_wheel(
    installed: Path, tmp_path: Path
) -> None:
    port = free_port()
    process = run_installed(installed, "endpoint", "serve", "--port", str(port),
                            "--data", str(tmp_path / "data"), cwd=tmp_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/-/",
                                   headers={"Accept": "text/plain"}, timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "the installed endpoint never answered"
                time.sleep(0.1)
        assert answer.status_code == 200
        assert "os_tpl#" in answer.text
        assert "app_tpl#" in answer.text
    finally:
        process.terminate()
        process.communicate(timeout=30)
