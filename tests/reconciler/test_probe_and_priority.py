"""The probe endpoint and random peering priorities: settings, flags and kopf's view."""

from __future__ import annotations

import argparse

import pytest

from occi_operator.cli import run as run_cli
from occi_operator.reconciler.handlers import peering_priority
from occi_operator.reconciler.settings import OperatorSettings


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    run_cli.add_parser(commands)
    return parser.parse_args(["run", *argv])


@pytest.mark.parametrize(
    ("argv", "env", "url"),
    [
        pytest.param((), {}, None, id="off-by-default"),
        pytest.param(("--probe-port", "9000"), {}, "http://0.0.0.0:9000/healthz", id="flag"),
        pytest.param((), {"OCCI_OPERATOR_PROBE__PORT": "7000"}, "http://0.0.0.0:7000/healthz",
                     id="environment"),
        pytest.param(("--probe-port", "0"), {}, None, id="zero-turns-it-off"),
        pytest.param(("--probe-port", "0"), {"OCCI_OPERATOR_PROBE__PORT": "7000"}, None,
                     id="flag-over-environment"),
    ],
)
def test_the_probe_endpoint_kopf_gets(
    argv: tuple[str, ...], env: dict[str, str], url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert run_cli.settings_from(parse(*argv)).probe.url == url


def test_a_port_out_of_range_is_a_configuration_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli.run(parse("--probe-port", "70000")) == run_cli.ExitCode.CONFIGURATION
    assert "probe.port" in capsys.readouterr().err


def test_the_configured_priority_is_used_unless_random() -> None:
    settings = run_cli.settings_from(parse("--peering", "p", "--priority", "7"))
    assert peering_priority(settings) == 7


def test_random_priorities_differ_between_replicas() -> None:
    settings = run_cli.settings_from(parse("--peering", "p", "--random-priority"))
    assert settings.peering.random_priority
    drawn = {peering_priority(settings) for _ in range(20)}
    assert len(drawn) > 1  # kopf pauses every peer that shares a priority
    assert all(priority > 0 for priority in drawn)  # above any default-priority peer


def test_defaults_keep_a_fixed_priority() -> None:
    assert peering_priority(OperatorSettings()) == 0
