"""``occi-operator testbed build|up``: what a user sees, and Ctrl-C stopping a cluster."""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from occi_operator.cli import testbed as command
from occi_operator.testbed.build import RECIPE_KEY, cache_root, cached_binaries
from occi_operator.testbed.cluster import TIER_ENV

# The lead registers the command in cli/main.py; these tests build their own parser.
UP = """
import argparse, sys
from occi_operator.cli import testbed
parser = argparse.ArgumentParser(prog="occi-operator")
testbed.add_parser(parser.add_subparsers(dest="command"))
args = parser.parse_args(sys.argv[1:])
sys.exit(args.run(args))
"""


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="occi-operator")
    command.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_build_prints_the_cache_path_of_a_finished_build(tmp_path: Path) -> None:
    directory = tmp_path / RECIPE_KEY
    directory.mkdir()
    for name in ("apiextensions-apiserver", "etcd", "kubectl"):
        (directory / name).write_text("")
        (directory / name).chmod(0o755)
    (directory / "manifest.json").write_text(json.dumps({"versions": {"kubectl": "1.36.4"}}))
    out = io.StringIO()
    args = _parse("testbed", "build", "--cache", str(tmp_path))
    assert command.run(args, out=out) == command.ExitCode.OK
    assert f"binaries in {directory}" in out.getvalue()
    assert "kubectl 1.36.4" in out.getvalue()


def test_a_failed_build_names_the_step_and_exits_nonzero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out = io.StringIO()
    args = _parse("testbed", "build", "--cache", str(tmp_path / "cache"))
    assert command.run(args, out=out) == command.ExitCode.BUILD_FAILED
    assert "step 'prerequisites'" in out.getvalue()


def test_testbed_without_a_subcommand_is_a_usage_error() -> None:
    out = io.StringIO()
    assert command.run(_parse("testbed"), out=out) == command.ExitCode.USAGE


def test_up_serves_a_cluster_until_interrupted(tmp_path: Path) -> None:
    if os.environ.get(TIER_ENV, "real") == "real" and cached_binaries() is None:
        pytest.fail(f"TESTBED BINARIES MISSING in {cache_root()}: run `occi-operator testbed "
                    "build` first", pytrace=False)  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-c", UP, "testbed", "up", "--workdir", str(tmp_path / "cluster")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        kubeconfig = ""
        for line in process.stdout:
            if line.startswith("export KUBECONFIG="):
                kubeconfig = line.strip().split("=", 1)[1]
                break
        assert kubeconfig, "testbed up printed no KUBECONFIG"
        server = yaml.safe_load(Path(kubeconfig).read_text())["clusters"][0]["cluster"]["server"]
        with httpx.Client(base_url=server, trust_env=False) as http:
            names = [n["metadata"]["name"] for n in http.get("/api/v1/namespaces").json()["items"]]
        assert "default" in names
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, rest
    assert "testbed: stopped" in rest
