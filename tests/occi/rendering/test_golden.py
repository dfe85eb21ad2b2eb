"""Renderings from the specifications and from real servers parse to the expected model.

Each golden file in ``tests/occi/golden/`` has a YAML sidecar of the same stem (or naming
it in ``file:``) that says where the rendering comes from (``source``), what was changed
to store it (``edits``), its quirks (``notes``), its media type, and one or more
``checks``: a ``parse`` method and either the expected value (``type`` + ``value``,
compared type-strictly) or, for large query interfaces, ``counts`` per category class
(a list means "one of") and categories that must be ``included`` exactly.

``.headers`` files hold ``text/occi`` header lines, ``Name: value`` per line; the message
body is then ``OK``, as GFD.229 §5 prescribes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from occi_assertions import assert_same
from pydantic import BaseModel

from occi_operator.occi.categories import Action, Kind, Mixin, QueryInterface
from occi_operator.occi.entities import ActionInvocation, Collection, Filter, Link, Resource
from occi_operator.occi.rendering import Message, rendering_for

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SIDECARS = sorted(GOLDEN.glob("*.yaml"))

_MODELS: dict[str, type[BaseModel]] = {
    model.__name__: model
    for model in (Resource, Link, Collection, ActionInvocation, Filter, QueryInterface)
}
_CATEGORY_CLASSES: dict[str, type[Kind | Mixin | Action]] = {
    "kind": Kind,
    "mixin": Mixin,
    "action": Action,
}
_PLURAL = {"kind": "kinds", "mixin": "mixins", "action": "actions"}


def _sidecar(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), f"{path.name}: a sidecar is a mapping"
    for key in ("file", "source", "edits", "media_type", "checks"):
        assert key in loaded, f"{path.name}: sidecar lacks {key!r}"
    return loaded


def _message(data_file: Path, media_type: str) -> Message:
    """The stored rendering as the message a client or server would receive."""
    raw = data_file.read_bytes()
    if data_file.suffix != ".headers":
        return Message(content_type=media_type, body=raw)
    headers = []
    for line in raw.decode("utf-8").splitlines():
        name, separator, value = line.partition(":")
        assert separator, f"{data_file.name}: header line without ':': {line!r}"
        headers.append((name.strip(), value.strip()))
    return Message(content_type=media_type, body=b"OK", headers=tuple(headers))


def _check_value(parsed: Any, check: dict[str, Any]) -> None:
    if check["type"] == "locations":
        assert parsed == check["value"]
        return
    expected = _MODELS[check["type"]].model_validate(check["value"])
    assert_same(parsed, expected)


def _check_query_interface(parsed: Any, check: dict[str, Any]) -> None:
    assert isinstance(parsed, QueryInterface)
    for category_class, wanted in check["counts"].items():
        count = len(getattr(parsed, category_class))
        allowed = wanted if isinstance(wanted, list) else [wanted]
        assert count in allowed, f"{count} {category_class}, expected {wanted}"
    for included in check.get("includes", []):
        model = _CATEGORY_CLASSES[included["class"]]
        expected = model.model_validate(included["value"])
        candidates = [
            category
            for category in getattr(parsed, _PLURAL[included["class"]])
            if category.type_id == expected.type_id
        ]
        assert len(candidates) == 1, f"{expected.type_id}: found {len(candidates)}"
        assert_same(candidates[0], expected)


def test_there_are_golden_files_for_every_rendering() -> None:
    """At least a dozen goldens, each media type present, every data file described."""
    sidecars = [_sidecar(path) for path in SIDECARS]
    assert len(sidecars) >= 12
    media_types = {sidecar["media_type"] for sidecar in sidecars}
    assert media_types >= {"text/plain", "text/occi", "application/occi+json", "text/uri-list"}
    described = {sidecar["file"] for sidecar in sidecars}
    data_files = {path.name for path in GOLDEN.iterdir() if path.suffix != ".yaml"}
    assert described == data_files


@pytest.mark.parametrize("sidecar_path", SIDECARS, ids=[path.stem for path in SIDECARS])
def test_golden_rendering_parses_to_expected_model(sidecar_path: Path) -> None:
    """The stored rendering parses, with every check of its sidecar."""
    sidecar = _sidecar(sidecar_path)
    rendering = rendering_for(sidecar["media_type"])
    message = _message(GOLDEN / sidecar["file"], sidecar["media_type"])
    for check in sidecar["checks"]:
        parsed = getattr(rendering, f"parse_{check['parse']}")(message)
        if check["parse"] == "query_interface":
            _check_query_interface(parsed, check)
        else:
            _check_value(parsed, check)
