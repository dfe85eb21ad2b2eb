"""The metrics endpoint's settings: flag over environment over file, off by default."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from occi_operator.cli import run as run_cli


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    run_cli.add_parser(commands)
    return parser.parse_args(["run", *argv])


@pytest.mark.parametrize(
    ("argv", "env", "file", "port"),
    [
        pytest.param((), {}, None, 0, id="off-by-default"),
        pytest.param(("--metrics-port", "9090"), {}, None, 9090, id="flag"),
        pytest.param((), {"OCCI_OPERATOR_METRICS__PORT": "9191"}, None, 9191, id="environment"),
        pytest.param((), {}, "metrics:\n  port: 9292\n", 9292, id="file"),
        pytest.param(("--metrics-port", "0"), {"OCCI_OPERATOR_METRICS__PORT": "9191"}, None, 0,
                     id="flag-over-environment"),
        pytest.param((), {"OCCI_OPERATOR_METRICS__PORT": "9191"}, "metrics:\n  port: 9292\n",
                     9191, id="environment-over-file"),
    ],
)
def test_the_metrics_port(
    argv: tuple[str, ...], env: dict[str, str], file: str | None, port: int,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if file is not None:
        path = tmp_path / "operator.yaml"
        path.write_text(file)
        argv = (*argv, "--config", str(path))
    settings = run_cli.settings_from(parse(*argv))
    assert settings.metrics.port == port
    assert settings.metrics.host == "0.0.0.0"


def test_a_metrics_port_out_of_range_is_a_configuration_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_cli.run(parse("--metrics-port", "70000")) == run_cli.ExitCode.CONFIGURATION
    assert "metrics.port" in capsys.readouterr().err
