"""Endpoint settings: precedence of flags, environment and file; safe defaults; no leaks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, SecretStr, ValidationError
from pydantic_settings import (
    EnvSettingsSource,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsError,
)

from occi_operator.endpoint.settings import (
    CONFIG_ENV,
    AuthMode,
    AuthSettings,
    EndpointSettings,
    FaultSettings,
    ServerErrorRates,
    default_data_dir,
    is_loopback,
)
from occi_operator.endpoint.store_schema import Synchronous
from occi_operator.settings_sources import YamlConfigSource

PASSWORD = "correct-horse-battery-staple"
TOKEN = "tok-8c1f7f0e9a"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No OCCI_ENDPOINT_* variable of the developer's shell leaks into a test."""
    import os

    for name in list(os.environ):
        if name.upper().startswith("OCCI_ENDPOINT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "endpoint.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- defaults --------------------------------------------------------------------------


def test_defaults_work_on_a_laptop(tmp_path: Path) -> None:
    settings = EndpointSettings()
    assert (settings.host, settings.port) == ("127.0.0.1", 8765)
    assert settings.auth.mode is AuthMode.NONE
    assert settings.data_dir == tmp_path / "state" / "occi-operator" / "endpoint"
    assert settings.database_path == settings.data_dir / "endpoint.sqlite3"
    assert settings.catalog is None
    assert settings.base_url is None
    assert settings.provisioning_delay_seconds == 2.0
    assert settings.max_page_size == 1000
    assert settings.sqlite_synchronous is Synchronous.NORMAL
    assert not settings.faults.enabled
    assert settings.config is None


def test_an_explicit_database_wins_over_the_data_dir(tmp_path: Path) -> None:
    settings = EndpointSettings(database=tmp_path / "x.db")
    assert settings.database_path == tmp_path / "x.db"


@pytest.mark.parametrize(
    ("xdg", "expected_base"),
    [
        pytest.param("/var/lib/me", Path("/var/lib/me"), id="absolute-xdg-is-used"),
        pytest.param("relative/dir", Path.home() / ".local" / "state",
                     id="relative-xdg-is-ignored-as-the-spec-says"),
        pytest.param(None, Path.home() / ".local" / "state", id="unset-xdg"),
    ],
)
def test_default_data_dir_follows_xdg_state_home(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None, expected_base: Path
) -> None:
    if xdg is None:
        monkeypatch.delenv("XDG_STATE_HOME")
    else:
        monkeypatch.setenv("XDG_STATE_HOME", xdg)
    assert default_data_dir() == expected_base / "occi-operator" / "endpoint"


def _models(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    yield model
    for field in model.model_fields.values():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            yield from _models(field.annotation)


@pytest.mark.parametrize("model", list(_models(EndpointSettings)), ids=lambda m: m.__name__)
def test_every_field_has_a_full_sentence_description(model: type[BaseModel]) -> None:
    for name, field in model.model_fields.items():
        text = field.description or ""
        assert text[:1].isupper(), f"{model.__name__}.{name}: {text!r}"
        assert text.endswith("."), f"{model.__name__}.{name}: {text!r}"
        assert field.annotation is not None, name


# --- precedence ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "env", "file", "expected"),
    [
        pytest.param(1003, 1002, 1001, 1003, id="flag-beats-env-and-file"),
        pytest.param(None, 1002, 1001, 1002, id="env-beats-file"),
        pytest.param(None, None, 1001, 1001, id="file-beats-default"),
        pytest.param(1003, None, 1001, 1003, id="flag-beats-file"),
        pytest.param(None, None, None, 8765, id="default-last"),
    ],
)
def test_precedence_is_flags_env_file_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    flag: int | None, env: int | None, file: int | None, expected: int,
) -> None:
    config = _config(tmp_path, f"port: {file}\n" if file is not None else "{}\n")
    monkeypatch.setenv(CONFIG_ENV, str(config))
    if env is not None:
        monkeypatch.setenv("OCCI_ENDPOINT_PORT", str(env))
    flags: dict[str, Any] = {"port": flag} if flag is not None else {}
    assert EndpointSettings(**flags).port == expected


def test_sources_are_declared_in_that_order(tmp_path: Path) -> None:
    def capture(**kwargs: object) -> tuple[PydanticBaseSettingsSource, ...]:
        return EndpointSettings.settings_customise_sources(
            EndpointSettings,
            init_settings=InitSettingsSource(EndpointSettings, dict(kwargs)),
            env_settings=EnvSettingsSource(EndpointSettings),
            dotenv_settings=EnvSettingsSource(EndpointSettings),
            file_secret_settings=EnvSettingsSource(EndpointSettings),
        )

    sources = capture(config=_config(tmp_path, "port: 1\n"))
    assert [type(s) for s in sources] == [InitSettingsSource, EnvSettingsSource, YamlConfigSource]
    assert sources[2]() == {"port": 1}


def test_nested_settings_merge_across_sources(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = _config(tmp_path, (
        f"auth:\n  users: {{alice: {PASSWORD}}}\n"
        "faults:\n  error_state_rate: 0.25\n  latency_seconds: 9\n"
    ))
    monkeypatch.setenv("OCCI_ENDPOINT_AUTH__MODE", "basic")
    monkeypatch.setenv("OCCI_ENDPOINT_FAULTS__LATENCY_SECONDS", "0.5")
    settings = EndpointSettings(config=config, faults={"server_error_rate": {"post": 0.1}})
    assert settings.auth.mode is AuthMode.BASIC
    assert settings.auth.users["alice"].get_secret_value() == PASSWORD
    assert settings.faults.error_state_rate == 0.25
    assert settings.faults.latency_seconds == 0.5
    assert settings.faults.server_error_rate == ServerErrorRates(post=0.1)
    assert settings.faults.enabled


def test_the_config_flag_beats_the_config_environment_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    from_env = _config(tmp_path / "a", "port: 1111\n")
    from_flag = _config(tmp_path, "port: 2222\n")
    monkeypatch.setenv(CONFIG_ENV, str(from_env))
    settings = EndpointSettings(config=from_flag)
    assert (settings.port, settings.config) == (2222, from_flag)


def test_environment_fills_nested_maps_and_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCCI_ENDPOINT_AUTH__MODE", "token")
    monkeypatch.setenv("OCCI_ENDPOINT_AUTH__TOKENS", f'["{TOKEN}"]')
    monkeypatch.setenv("OCCI_ENDPOINT_AUTH__USERS__alice", PASSWORD)
    monkeypatch.setenv("OCCI_ENDPOINT_SQLITE_SYNCHRONOUS", "full")
    settings = EndpointSettings()
    assert [t.get_secret_value() for t in settings.auth.tokens] == [TOKEN]
    assert settings.auth.users["alice"].get_secret_value() == PASSWORD
    assert settings.sqlite_synchronous is Synchronous.FULL


# --- the configuration file ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        pytest.param("port: [1\n", "line 2", id="broken-yaml-names-the-line"),
        pytest.param("port: 1\nport: 2\n", "'port' a second time", id="repeated-key"),
        pytest.param("- port\n", "expected a mapping", id="top-level-list"),
        pytest.param("config: other.yaml\n", "'config' cannot be set", id="config-in-config"),
    ],
)
def test_a_bad_config_file_is_a_settings_error_naming_it(
    tmp_path: Path, text: str, says: str
) -> None:
    path = _config(tmp_path, text)
    with pytest.raises(SettingsError, match=says) as caught:
        EndpointSettings(config=path)
    assert str(path) in str(caught.value)


def test_a_missing_config_file_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "absent.yaml"))
    with pytest.raises(SettingsError, match=r"absent\.yaml cannot be read"):
        EndpointSettings()


def test_an_unknown_key_in_the_config_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="prot"):
        EndpointSettings(config=_config(tmp_path, "prot: 80\n"))


# --- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        pytest.param("127.0.0.1", True, id="ipv4-loopback"),
        pytest.param("127.45.6.7", True, id="anywhere-in-127/8"),
        pytest.param("::1", True, id="ipv6-loopback"),
        pytest.param("[::1]", True, id="bracketed-ipv6"),
        pytest.param("::ffff:127.0.0.1", True, id="ipv4-mapped-loopback"),
        pytest.param("localhost", True, id="localhost"),
        pytest.param("LocalHost", True, id="localhost-any-case"),
        pytest.param("0.0.0.0", False, id="all-interfaces"),
        pytest.param("::", False, id="all-ipv6-interfaces"),
        pytest.param("192.168.1.10", False, id="lan-address"),
        pytest.param("localhost.example.org", False, id="name-that-only-starts-so"),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "example.org"])
def test_an_open_host_without_auth_is_refused_with_advice(host: str) -> None:
    with pytest.raises(ValidationError) as caught:
        EndpointSettings(host=host)
    message = str(caught.value)
    assert "not a loopback address" in message
    assert "127.0.0.1" in message
    assert "OCCI_ENDPOINT_AUTH__MODE" in message


@pytest.mark.parametrize(
    "auth",
    [
        pytest.param({"mode": "basic", "users": {"alice": PASSWORD}}, id="basic"),
        pytest.param({"mode": "token", "tokens": [TOKEN]}, id="token"),
    ],
)
def test_an_open_host_with_auth_is_allowed(auth: dict[str, Any]) -> None:
    settings = EndpointSettings(host="0.0.0.0", auth=auth)
    assert settings.host == "0.0.0.0"


@pytest.mark.parametrize(
    ("auth", "says"),
    [
        pytest.param({"mode": "basic"}, "at least one entry in auth.users", id="basic-no-users"),
        pytest.param({"mode": "token", "users": {"alice": PASSWORD}},
                     "at least one entry in auth.tokens", id="token-no-tokens"),
        pytest.param({"mode": "basic", "users": {"al:ice": PASSWORD}}, "contain no ':'",
                     id="colon-in-user-name"),
        pytest.param({"mode": "token", "tokens": [""]}, "tokens.0", id="empty-token"),
        pytest.param({"mode": "ldap"}, "'none', 'basic' or 'token'", id="unknown-mode"),
    ],
)
def test_auth_settings_that_cannot_work_are_refused(auth: dict[str, Any], says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        EndpointSettings(auth=auth)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("port", 70000, id="port-too-high"),
        pytest.param("port", -1, id="port-negative"),
        pytest.param("max_page_size", 0, id="page-size-zero"),
        pytest.param("provisioning_delay_seconds", -1.0, id="negative-delay"),
        pytest.param("faults", {"error_state_rate": 1.5}, id="rate-above-one"),
        pytest.param("faults", {"server_error_rate": {"patch": 0.1}}, id="unknown-verb"),
        pytest.param("sqlite_synchronous", "OFF", id="unsafe-synchronous-level"),
        pytest.param("host", "http://127.0.0.1", id="host-given-as-url"),
    ],
)
def test_out_of_range_values_are_refused(field: str, value: object) -> None:
    kwargs: dict[str, Any] = {field: value}
    with pytest.raises(ValidationError, match=field):
        EndpointSettings(**kwargs)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param("https://occi.example.org/", "https://occi.example.org", id="slash-dropped"),
        pytest.param("http://127.0.0.1:8765/occi", "http://127.0.0.1:8765/occi", id="with-path"),
    ],
)
def test_base_url_is_normalised(given: str, expected: str) -> None:
    assert EndpointSettings(base_url=given).base_url == expected


@pytest.mark.parametrize(
    "given",
    [
        pytest.param("occi.example.org", id="no-scheme"),
        pytest.param("ftp://occi.example.org", id="not-http"),
        pytest.param("https://user:pw@occi.example.org", id="user-info"),
        pytest.param("https://occi.example.org/?a=1", id="query"),
    ],
)
def test_a_base_url_that_is_not_a_plain_absolute_url_is_refused(given: str) -> None:
    with pytest.raises(ValidationError, match="base_url"):
        EndpointSettings(base_url=given)


def test_settings_are_frozen() -> None:
    settings = EndpointSettings()
    with pytest.raises(ValidationError):
        settings.port = 1  # type: ignore[misc]


def test_faults_are_enabled_by_any_single_knob() -> None:
    assert not FaultSettings().enabled
    assert FaultSettings(delete_linger_seconds=1).enabled
    assert FaultSettings(server_error_rate=ServerErrorRates(delete=0.5)).enabled


# --- secrets ---------------------------------------------------------------------------


def test_secrets_never_appear_in_repr_str_or_dump() -> None:
    settings = EndpointSettings(
        host="0.0.0.0",
        auth=AuthSettings(mode=AuthMode.BASIC, users={"alice": SecretStr(PASSWORD)},
                          tokens=(SecretStr(TOKEN),)),
    )
    for text in (repr(settings), str(settings), settings.model_dump_json(), repr(settings.auth)):
        assert PASSWORD not in text
        assert TOKEN not in text


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"host": "0.0.0.0", "auth": {"users": {"alice": PASSWORD}}},
                     id="refused-host"),
        pytest.param({"auth": {"mode": "token", "users": {"alice": PASSWORD}}},
                     id="refused-auth"),
        pytest.param({"auth": {"mode": "basic", "users": {"alice": [PASSWORD]}}},
                     id="password-of-wrong-type"),
        pytest.param({"auth": {"mode": "token", "tokens": TOKEN}}, id="tokens-not-a-list"),
    ],
)
def test_secrets_never_appear_in_validation_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        EndpointSettings(**kwargs)
    text = str(caught.value) + repr(caught.value.errors(include_input=False))
    assert PASSWORD not in text
    assert TOKEN not in text
