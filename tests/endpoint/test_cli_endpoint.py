"""``occi-operator endpoint serve`` as a real process on a real socket.

The server is started with ``--port 0``; it prints its URL once the socket listens, so the
test reads that line instead of guessing a port, and the first request simply waits in the
listen queue until the server is up (readiness is still checked with a bounded loop).
Covers what only a socket shows: reason phrases on the wire, dropped connections, and a
SIGKILL losing nothing that was acknowledged.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from occi_http import compute, request_kwargs

from occi_operator.cli.endpoint import settings_from
from occi_operator.cli.main import build_parser, main
from occi_operator.occi.rendering import rendering_for

ROOT = Path(__file__).resolve().parents[2]
_URL = re.compile(r"OCCI 1\.2 endpoint at (http://\S+/) ")


def _start(data: Path, *extra: str) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "operator")}
    environment = {k: val for k, val in environment.items() if not k.startswith("OCCI_ENDPOINT")}
    command = [sys.executable, "-m", "occi_operator", "endpoint", "serve", "--port", "0",
               "--data", str(data), "--provisioning-delay", "0", "--log-level", "warning",
               *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=environment)


def _ready(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    line = process.stdout.readline()
    match = _URL.search(line)
    assert match, (line, process.stderr.read() if process.stderr else "")
    url = match.group(1)
    for _attempt in range(50):  # bounded: the socket listens already, so one try suffices
        try:
            if httpx.get(url + "-/", timeout=10).status_code == 200:
                return url
        except httpx.TransportError:
            continue
    raise AssertionError(f"the endpoint at {url} never answered /-/")


@contextmanager
def serving(data: Path, *extra: str) -> Iterator[str]:
    """A running endpoint on ``data``; yields its URL and stops it afterwards."""
    process = _start(data, *extra)
    try:
        yield _ready(process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)
        _close(process)


def _create(url: str) -> httpx.Response:
    message = rendering_for("text/plain").render_entity(compute("cli"))
    return httpx.post(url + "compute/", timeout=10, **request_kwargs(message))


def _close(process: subprocess.Popen[str]) -> None:
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def test_serve_prints_its_url_and_a_curl_hint_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    process = _start(tmp_path / "data")
    try:
        url = _ready(process)
        assert process.stdout is not None
        hint = process.stdout.readline()
        assert hint.strip() == f"try: curl -H 'Accept: text/plain' {url}-/"
        answer = httpx.get(url + "-/", timeout=10)
        assert "OCCI/1.2" in answer.headers["server"]
        assert "uvicorn" not in answer.headers["server"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0  # a graceful stop is a normal end
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=20)
        _close(process)


def test_standard_reason_phrases_on_the_wire(tmp_path: Path) -> None:
    """GFD.223 §5.4: status codes with their standard reason phrases."""
    with serving(tmp_path / "data") as url:
        created = _create(url)
        assert (created.status_code, created.reason_phrase) == (201, "Created")
        location = created.headers["location"]
        assert location.startswith(url + "compute/")
        missing = httpx.get(url + "compute/nothing-here", timeout=10)
        assert (missing.status_code, missing.reason_phrase) == (404, "Not Found")
        refused = httpx.put(url + "-/", timeout=10)
        assert (refused.status_code, refused.reason_phrase) == (405, "Method Not Allowed")


def test_a_sigkill_loses_nothing_that_was_acknowledged(tmp_path: Path) -> None:
    data = tmp_path / "data"
    process = _start(data)
    try:
        url = _ready(process)
        locations = []
        for _ in range(3):
            response = _create(url)
            assert response.status_code == 201
            locations.append(response.headers["location"].removeprefix(url))
    finally:
        process.kill()  # SIGKILL: no shutdown, no lifespan exit
        process.wait(timeout=20)
        _close(process)
    with serving(data) as again:
        for path in locations:
            assert httpx.get(again + path, timeout=10).status_code == 200


def test_dropped_connections_and_lost_answers_over_a_socket(tmp_path: Path) -> None:
    with serving(tmp_path / "data") as url:
        faults = httpx.put(url + "-/faults", json={"dropped_connection_rate": 1.0}, timeout=10)
        assert faults.status_code == 200
        with pytest.raises(httpx.TransportError):
            httpx.get(url + "compute/", timeout=10)

        lose = {"dropped_connection_rate": 1.0, "lost_create_answer_rate": 1.0}
        assert httpx.put(url + "-/faults", json=lose, timeout=10).status_code == 200
        with pytest.raises(httpx.TransportError):
            _create(url)

        assert httpx.put(url + "-/faults", json={}, timeout=10).status_code == 200
        listing = httpx.get(url + "compute/", timeout=10)
        assert listing.status_code == 200
        assert listing.text.count("X-OCCI-Location:") == 1  # the create did happen


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        pytest.param(["--host", "0.0.0.0"], "loopback", id="open-host-without-auth"),
        pytest.param(["--catalog", "/nonexistent/catalog.yaml"], "catalog", id="missing-catalog"),
        pytest.param(["--auth", "basic"], "auth.users", id="basic-without-users"),
    ],
)
def test_a_bad_configuration_exits_3_with_a_message(
    tmp_path: Path, arguments: list[str], fragment: str
) -> None:
    process = _start(tmp_path / "data", *arguments)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 3
    assert fragment in stderr
    assert stdout == ""


def test_help_lists_the_flags() -> None:
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "operator")}
    result = subprocess.run(
        [sys.executable, "-m", "occi_operator", "endpoint", "serve", "--help"],
        capture_output=True, text=True, env=environment, timeout=30, check=False,
    )
    assert result.returncode == 0
    for flag in ("--port", "--data", "--catalog", "--base-url", "--provisioning-delay", "--auth"):
        assert flag in result.stdout


def test_flags_override_the_environment_and_only_given_flags_count(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OCCI_ENDPOINT_PORT", "7000")
    monkeypatch.setenv("OCCI_ENDPOINT_MAX_PAGE_SIZE", "12")
    monkeypatch.setenv("OCCI_ENDPOINT_AUTH__TOKENS", '["from-env"]')
    args = build_parser().parse_args([
        "endpoint", "serve", "--port", "9000", "--data", str(tmp_path), "--auth", "token",
        "--provisioning-delay", "0.5", "--base-url", "https://cloud.example/occi/",
    ])
    settings = settings_from(args)
    assert settings.port == 9000  # the flag wins over the environment
    assert settings.max_page_size == 12  # no flag: the environment applies
    assert settings.auth.mode.value == "token"
    assert [t.get_secret_value() for t in settings.auth.tokens] == ["from-env"]  # merged
    assert settings.data_dir == tmp_path
    assert settings.provisioning_delay_seconds == 0.5
    assert settings.base_url == "https://cloud.example/occi"


def test_endpoint_without_a_command_prints_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["endpoint"]) == 2
    assert "serve" in capsys.readouterr().out
