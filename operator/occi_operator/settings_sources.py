"""Settings sources shared by the operator's and the endpoint's settings classes.

Both processes read a YAML configuration file below flags and the environment; this is
the one reader (strict YAML: a repeated key is refused; errors name the file and line)
and the one precedence order. It imports neither the endpoint nor the reconciler.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsError,
)

from occi_operator.strict_yaml import YamlError, load_yaml

__all__ = ["YamlConfigSource", "flags_env_file_sources"]


def flags_env_file_sources(
    settings_cls: type[BaseSettings],
    init_settings: PydanticBaseSettingsSource,
    env_settings: PydanticBaseSettingsSource,
    *,
    config_env: str,
) -> tuple[PydanticBaseSettingsSource, ...]:
    """Flags, then environment, then the YAML file named by ``config=`` or ``config_env``."""
    path: object = None
    if isinstance(init_settings, InitSettingsSource):
        path = init_settings.init_kwargs.get("config")
    if path is None:
        path = os.environ.get(config_env) or None
    config_file = YamlConfigSource(settings_cls, Path(str(path)) if path else None)
    return init_settings, env_settings, config_file


class YamlConfigSource(InitSettingsSource):
    """The settings a YAML configuration file gives (nothing when there is no file).

    A named file that is missing, unreadable, not YAML, not a mapping, or that itself
    names a ``config`` is refused with a :class:`~pydantic_settings.SettingsError` naming
    the file (and line); unknown keys are refused later by validation, like any source's.
    """

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None) -> None:
        self.path = path
        super().__init__(settings_cls, _read_config(path) if path is not None else {})

    def __repr__(self) -> str:
        return f"YamlConfigSource(path={self.path!r})"


def _read_config(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"configuration file {path} cannot be read: {exc}") from exc
    try:
        data, _ = load_yaml(text)
    except YamlError as exc:
        raise SettingsError(f"configuration file {path}: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(key, str) for key in data):
        raise SettingsError(f"configuration file {path}: expected a mapping of setting names")
    if "config" in data:
        raise SettingsError(f"configuration file {path}: 'config' cannot be set in a file")
    return data
