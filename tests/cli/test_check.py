"""``occi-operator check``: the doctor against the embedded endpoint, served on a socket."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import BASIC, PASSWORD, TOKEN, TOKENS, Result

import occi_operator
from occi_operator.cli.console import ExitCode

Cli = Callable[..., Result]
NAMES = ["reachability", "tls", "authentication", "query interface", "well-known path",
         "renderings", "occi version", "kinds", "templates", "contextualization"]


def _checks(result: Result) -> dict[str, dict[str, str]]:
    document = json.loads(result.out)
    return {check["name"]: check for check in document["checks"]}


def _statuses(result: Result) -> dict[str, str]:
    return {name: check["status"] for name, check in _checks(result).items()}


def test_a_healthy_endpoint_passes_every_check(serve: Callable[..., str], cli: Cli) -> None:
    result = cli("check", "--endpoint", serve())
    assert result.code == ExitCode.OK, result.text
    rows = [line for line in result.out.splitlines() if line and line[0] in "✓!✗-"]
    assert [row[3:].split("  ")[0] for row in rows] == NAMES
    assert all(row.startswith("✓") for row in rows), result.out
    assert "OCCI/1.2 (Server: occi-operator/" in result.out
    assert "0 failed, 0 warning(s), 10 passed" in result.out


def test_json_output_carries_every_check(serve: Callable[..., str], cli: Cli) -> None:
    url = serve()
    result = cli("check", "--endpoint", url, "--output", "json")
    assert result.code == ExitCode.OK
    document = json.loads(result.out)
    assert (document["endpoint"], document["ok"]) == (url, True)
    checks = _checks(result)
    assert list(checks) == NAMES
    assert set(_statuses(result).values()) == {"ok"}
    assert checks["renderings"]["detail"] == "application/occi+json, text/plain, text/occi"
    assert checks["templates"]["detail"] == "5 os_tpl, 4 resource_tpl"
    assert checks["contextualization"]["detail"] == "OCCI 1.2: user data, SSH key"
    # 8 core and infrastructure kinds, 3 of the OCCI Platform, 1 provider kind of the catalog
    assert checks["well-known path"]["detail"].startswith("/.well-known/org/ogf/occi/-/: 12 kinds")


def test_the_right_credentials_are_reported_without_the_secret(
        serve: Callable[..., str], cli: Cli, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text(TOKEN)
    result = cli("check", "--endpoint", serve(auth=TOKENS), "--token-file", str(token),
                 "--output", "json")
    assert result.code == ExitCode.OK, result.text
    assert _checks(result)["authentication"]["detail"] == f"accepted bearer token from {token}"
    assert TOKEN not in result.text


def test_a_wrong_password_fails_authentication_and_skips_the_rest(
        serve: Callable[..., str], cli: Cli) -> None:
    wrong = "not-" + PASSWORD
    result = cli("check", "--endpoint", serve(auth=BASIC), "--username", "alice",
                 "--password-env", "PW", "--output", "json", env={"PW": wrong})
    assert result.code == ExitCode.FAILURE
    statuses = _statuses(result)
    assert (statuses["reachability"], statuses["authentication"]) == ("ok", "fail")
    assert statuses["query interface"] == statuses["kinds"] == "skip"
    assert statuses["occi version"] == "ok"  # the 401 answer still names the version
    authentication = _checks(result)["authentication"]
    assert "it asks for Basic" in authentication["detail"]
    assert "check --username and --password-env" in authentication["hint"]
    assert wrong not in result.text
    assert PASSWORD not in result.text


def test_the_table_shows_the_hint_of_a_failed_check(serve: Callable[..., str], cli: Cli) -> None:
    result = cli("check", "--endpoint", serve(auth=BASIC))
    assert result.code == ExitCode.FAILURE
    assert "✗  authentication" in result.out
    assert "✗ authentication: give credentials: --username NAME" in result.out


def test_a_closed_port_fails_reachability(closed_port: int, cli: Cli) -> None:
    result = cli("check", "--endpoint", f"http://127.0.0.1:{closed_port}/", "--output", "json")
    assert result.code == ExitCode.FAILURE
    reachability = _checks(result)["reachability"]
    assert reachability["status"] == "fail"
    assert "connection refused" in reachability["detail"]
    assert "check the port" in reachability["hint"]
    assert {_statuses(result)[name] for name in NAMES[2:]} == {"skip"}


def test_tls_spoken_to_a_plain_port_says_to_use_http(serve: Callable[..., str], cli: Cli) -> None:
    url = serve().replace("http://", "https://")
    result = cli("check", "--endpoint", url, "--output", "json")
    assert result.code == ExitCode.FAILURE
    tls = _checks(result)["tls"]
    assert tls["status"] == "fail"
    assert "try http://" in tls["hint"]


def test_an_unreadable_ca_bundle_names_the_file(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "ca.pem"
    result = cli("check", "--endpoint", "https://127.0.0.1:9/", "--ca-bundle", str(missing),
                 "--output", "json")
    assert result.code == ExitCode.FAILURE
    tls = _checks(result)["tls"]
    assert list(_checks(result)) == NAMES
    assert str(missing) in tls["detail"]
    assert "--ca-bundle" in tls["hint"]


@pytest.mark.parametrize(("hidden", "statuses"), [
    # the client falls back to the well-known path, so the operator still works
    pytest.param("/-/", ("warn", "ok"), id="only-well-known"),
    pytest.param("/.well-known/org/ogf/occi/-/", ("ok", "warn"), id="only-slash-dash"),
])
def test_one_query_path_missing_is_a_warning(serve: Callable[..., str], cli: Cli,
                                             hidden: str, statuses: tuple[str, str]) -> None:
    result = cli("check", "--endpoint", serve(hidden=frozenset({hidden})), "--output", "json")
    assert result.code == ExitCode.OK, result.text
    checks = _checks(result)
    assert (checks["query interface"]["status"], checks["well-known path"]["status"]) == statuses
    assert f"{hidden} answered 404" in (checks["query interface"]["detail"]
                                        + checks["well-known path"]["detail"])
    assert checks["kinds"]["status"] == "ok"


def test_no_query_path_at_all_fails(serve: Callable[..., str], cli: Cli) -> None:
    hidden = frozenset({"/-/", "/.well-known/org/ogf/occi/-/"})
    result = cli("check", "--endpoint", serve(hidden=hidden), "--output", "json")
    assert result.code == ExitCode.FAILURE
    checks = _checks(result)
    assert checks["query interface"]["status"] == "fail"
    assert "OCCI base URL" in checks["query interface"]["hint"]


@pytest.mark.parametrize(("header", "detail"), [
    pytest.param("rOCCI-server/1.1.8 OCCI/1.1", "OCCI/1.1 (Server: rOCCI-server/1.1.8 OCCI/1.1)",
                 id="an-older-version"),
    pytest.param("nginx/1.24", "Server: nginx/1.24 names no OCCI version", id="no-version"),
    pytest.param("", "no Server header", id="no-header"),
])
def test_a_server_header_without_occi_1_2_is_a_warning(
        serve: Callable[..., str], cli: Cli, header: str, detail: str) -> None:
    result = cli("check", "--endpoint", serve(server_header=header), "--output", "json")
    assert result.code == ExitCode.OK  # a warning does not fail the check
    version = _checks(result)["occi version"]
    assert (version["status"], version["detail"]) == ("warn", detail)


def test_the_doctor_runs_as_a_process(serve: Callable[..., str]) -> None:
    url = serve(auth=BASIC)
    package_root = Path(occi_operator.__path__[0]).parent  # not resolved: keep the tree used
    environment = {**os.environ, "PYTHONPATH": str(package_root), "OCCI_PW": PASSWORD}
    done = subprocess.run(
        [sys.executable, "-m", "occi_operator", "check", "--endpoint", url, "--output", "json",
         "--username", "alice", "--password-env", "OCCI_PW"],
        capture_output=True, text=True, env=environment, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["ok"] is True
    assert PASSWORD not in done.stdout + done.stderr
