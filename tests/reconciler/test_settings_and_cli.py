"""Operator settings: flags over environment over file over defaults; the run command's flags."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from occi_operator.cli import run as run_cli
from occi_operator.reconciler.settings import OperatorSettings


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    run_cli.add_parser(commands)
    return parser.parse_args(["run", *argv])


def test_defaults_work_on_a_laptop() -> None:
    settings = OperatorSettings()
    assert settings.peering.standalone is True
    assert settings.watch.namespaces == ()
    assert settings.resync.default_period == 600


def test_precedence_flags_env_file_defaults(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "operator.yaml"
    config.write_text("resync:\n  default_period: 100\n  jitter: 0.2\n"
                      "operator_namespace: from-file\nlog_level: ERROR\n")
    monkeypatch.setenv("OCCI_OPERATOR_CONFIG", str(config))
    monkeypatch.setenv("OCCI_OPERATOR_RESYNC__DEFAULT_PERIOD", "200")
    monkeypatch.setenv("OCCI_OPERATOR_LOG_LEVEL", "WARNING")
    settings = OperatorSettings(log_level="DEBUG")
    assert settings.log_level == "DEBUG"  # flag
    assert settings.resync.default_period == 200  # environment
    assert settings.resync.jitter == 0.2  # file, merged under the environment
    assert settings.operator_namespace == "from-file"
    assert settings.resync.tick == 30  # default


def test_run_flags_become_settings() -> None:
    settings = run_cli.settings_from(parse(
        "--kubeconfig", "/tmp/kc", "-n", "a", "-n", "b", "--selector", "shard=1",
        "--peering", "occi", "--priority", "5", "--resync-period", "90",
    ))
    assert settings.kubernetes.kubeconfig == Path("/tmp/kc")
    assert settings.watch.namespaces == ("a", "b")
    assert settings.watch.label_selector == "shard=1"
    assert (settings.peering.standalone, settings.peering.name, settings.peering.priority) == (
        False, "occi", 5)
    assert settings.resync.default_period == 90


def test_all_namespaces_and_standalone() -> None:
    settings = run_cli.settings_from(parse("--all-namespaces", "--standalone"))
    assert settings.watch.namespaces == ()
    assert settings.peering.standalone is True


def test_peering_and_standalone_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli.run(parse("--peering", "x", "--standalone")) == run_cli.ExitCode.USAGE
    assert "exclude" in capsys.readouterr().err


def test_bad_settings_exit_with_the_configuration_code(
    capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli.run(parse("--log-level", "DEBUG", "--resync-period", "-1")) == (
        run_cli.ExitCode.CONFIGURATION)
    assert "default_period" in capsys.readouterr().err
