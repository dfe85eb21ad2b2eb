"""``occi-operator templates``: the templates of the embedded endpoint, served on a socket.

The expected templates come from the catalog file the endpoint ships
(``endpoint/default_catalog.yaml``), not from the code under test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from cli_support import BASIC, PASSWORD, TOKEN, TOKENS, Result

import occi_operator
from occi_operator.cli.console import ExitCode

Cli = Callable[..., Result]
CATALOG = yaml.safe_load(
    (Path(occi_operator.__file__).parent / "endpoint" / "default_catalog.yaml").read_text())
OS_TERMS = {t["term"] for t in CATALOG["os_tpl"]["templates"]}
RESOURCES = {t["term"]: t for t in CATALOG["resource_tpl"]["templates"]}
APP_TERMS = {t["term"] for t in CATALOG["app_tpl"]["templates"]}
RES_TERMS = {t["term"] for t in CATALOG["res_tpl"]["templates"]}
# Every (term, family) the catalog publishes; a term may name templates of two families
# (the infrastructure's and the platform's "small").
ALL = ({(t, "os") for t in OS_TERMS} | {(t, "resource") for t in RESOURCES}
       | {(t, "app") for t in APP_TERMS} | {(t, "res") for t in RES_TERMS})


def _rows(table: str) -> dict[tuple[str, str], list[str]]:
    """The table's rows by term and family (cells are separated by two spaces or more)."""
    lines = table.strip().splitlines()
    assert re.split(r"\s{2,}", lines[0])[:3] == ["TERM", "TITLE", "FAMILY"]
    rows = [re.split(r"\s{2,}", line) for line in lines[1:]]
    return {(cells[0], cells[2]): cells for cells in rows}


def test_the_table_lists_every_template_with_cores_and_memory(serve: Callable[..., str],
                                                              cli: Cli) -> None:
    result = cli("templates", "--endpoint", serve())
    assert result.code == ExitCode.OK, result.err
    rows = _rows(result.out)
    assert set(rows) == ALL
    for term, template in RESOURCES.items():
        _, title, family, cores, memory, scheme = rows[(term, "resource")]
        assert (title, family, scheme) == (template["title"], "resource",
                                           CATALOG["resource_tpl"]["scheme"])
        assert (int(cores), float(memory)) == (template["cores"], template["memory"])
    assert rows[("debian-12", "os")][2:5] == ["os", "-", "-"]
    assert rows[("postgresql-16", "app")][1:6] == [
        "PostgreSQL 16", "app", "-", "-", CATALOG["app_tpl"]["scheme"]]


def test_json_output_is_for_scripts(serve: Callable[..., str], cli: Cli) -> None:
    url = serve()
    result = cli("templates", "--endpoint", url, "--output", "json")
    assert result.code == ExitCode.OK, result.err
    document = json.loads(result.out)
    assert document["endpoint"] == url
    assert {(t["term"], t["family"]) for t in document["templates"]} == ALL
    found = {t["term"]: t for t in document["templates"] if t["family"] in ("os", "resource")}
    small = found["small"]
    assert small["type_id"] == small["scheme"] + "small"
    assert (small["family"], small["cores"], small["memory"]) == ("resource", 1, 2.0)
    assert found["cirros"]["cores"] is None
    assert found["cirros"]["family"] == "os"


@pytest.mark.parametrize(("family", "expected"), [
    pytest.param("os", OS_TERMS, id="os-only"),
    pytest.param("resource", set(RESOURCES), id="resource-only"),
    pytest.param("app", APP_TERMS, id="application-only"),
    pytest.param("res", RES_TERMS, id="platform-resource-only"),
    pytest.param("platform", APP_TERMS | RES_TERMS, id="platform"),
    pytest.param("infrastructure", OS_TERMS | set(RESOURCES), id="infrastructure"),
])
def test_family_narrows_the_list(serve: Callable[..., str], cli: Cli, family: str,
                                 expected: set[str]) -> None:
    result = cli("templates", "--endpoint", serve(), "--family", family, "--output", "json")
    assert {t["term"] for t in json.loads(result.out)["templates"]} == expected


def test_basic_credentials_from_a_file_open_the_endpoint(
        serve: Callable[..., str], cli: Cli, tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")  # the newline editors add is not part of it
    result = cli("templates", "--endpoint", serve(auth=BASIC), "--username", "alice",
                 "--password-file", str(secret))
    assert result.code == ExitCode.OK, result.err
    assert "debian-12" in result.out
    assert PASSWORD not in result.text


def test_a_static_token_from_the_environment_opens_a_token_endpoint(
        serve: Callable[..., str], cli: Cli) -> None:
    result = cli("templates", "--endpoint", serve(auth=TOKENS), "--token-env", "OCCI_TOKEN",
                 "--token-header", "x-auth-token", env={"OCCI_TOKEN": TOKEN})
    assert result.code == ExitCode.OK, result.err
    assert TOKEN not in result.text


def test_wrong_password_names_the_flags_to_check_and_no_secret(
        serve: Callable[..., str], cli: Cli) -> None:
    wrong = PASSWORD + "-wrong"
    result = cli("templates", "--endpoint", serve(auth=BASIC), "--username", "alice",
                 "--password-env", "OCCI_PASSWORD", env={"OCCI_PASSWORD": wrong})
    assert result.code == ExitCode.UNAUTHORIZED
    assert result.out == ""
    assert "refused the credentials (it asks for Basic)" in result.err
    assert "--password-env" in result.err
    assert "$OCCI_PASSWORD" in result.err
    assert wrong not in result.text
    assert PASSWORD not in result.text


def test_no_credentials_says_which_flags_give_them(serve: Callable[..., str], cli: Cli) -> None:
    result = cli("templates", "--endpoint", serve(auth=BASIC))
    assert result.code == ExitCode.UNAUTHORIZED
    assert "wants credentials (it asks for Basic)" in result.err
    assert "--username" in result.err


def test_insecure_is_said_once(serve: Callable[..., str], cli: Cli) -> None:
    result = cli("templates", "--endpoint", serve(), "--insecure")
    assert result.code == ExitCode.OK
    assert result.err.count("TLS verification is disabled (--insecure)") == 1
    assert "--ca-bundle" in result.err


def test_a_closed_port_says_nothing_listens(closed_port: int, cli: Cli) -> None:
    result = cli("templates", "--endpoint", f"http://127.0.0.1:{closed_port}/")
    assert result.code == ExitCode.UNREACHABLE
    assert f"nothing accepts connections at 127.0.0.1:{closed_port}" in result.err
    assert "hint: check the port" in result.err


@pytest.mark.parametrize(("args", "env", "code", "said"), [
    pytest.param(["--username", "alice"], {}, ExitCode.USAGE, "--password-env VAR",
                 id="user-without-password"),
    pytest.param(["--password-env", "X"], {"X": "x"}, ExitCode.USAGE, "needs --username",
                 id="password-without-user"),
    pytest.param(["--username", "a", "--password-env", "UNSET_VAR_9"], {},
                 ExitCode.CONFIGURATION, "UNSET_VAR_9 holding the password is not set",
                 id="variable-not-set"),
    pytest.param(["--token-file", "/nonexistent/token"], {}, ExitCode.CONFIGURATION,
                 "cannot read the token file /nonexistent/token", id="unreadable-token-file"),
    pytest.param(["--token-env", "T", "--username", "a"], {"T": "t"}, ExitCode.USAGE,
                 "not both", id="token-and-user"),
    pytest.param(["--key", "k.pem"], {}, ExitCode.USAGE, "--key needs --cert",
                 id="key-without-cert"),
])
def test_unusable_flags_say_what_is_wrong(cli: Cli, args: list[str], env: dict[str, str],
                                          code: ExitCode, said: str) -> None:
    result = cli("templates", "--endpoint", "http://127.0.0.1:9/", *args, env=env)
    assert result.code == code
    assert said in result.err


def test_a_password_in_the_url_is_refused_and_not_repeated(cli: Cli) -> None:
    result = cli("templates", "--endpoint", f"http://alice:{PASSWORD}@127.0.0.1:9/")
    assert result.code == ExitCode.USAGE
    assert "must not carry credentials" in result.err
    assert PASSWORD not in result.text


def test_the_command_runs_as_a_process(serve: Callable[..., str], tmp_path: Path) -> None:
    url = serve(auth=BASIC)
    package_root = Path(occi_operator.__path__[0]).parent  # not resolved: keep the tree used
    environment = {**os.environ, "PYTHONPATH": str(package_root), "OCCI_PW": PASSWORD}
    done = subprocess.run(
        [sys.executable, "-m", "occi_operator", "templates", "--endpoint", url, "--output",
         "json", "--username", "alice", "--password-env", "OCCI_PW"],
        capture_output=True, text=True, env=environment, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert {(t["term"], t["family"]) for t in json.loads(done.stdout)["templates"]} == ALL
    assert done.stderr == ""  # no spinner in a pipe
    assert PASSWORD not in done.stdout + done.stderr
