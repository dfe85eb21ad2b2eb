"""docs/api-reference.md is exactly what the models generate, and covers every field."""

from __future__ import annotations

from pathlib import Path

from occi_operator.api.docs import render_reference
from occi_operator.api.v1alpha1.kinds import KINDS

HINT = (
    "docs/api-reference.md is out of date: run "
    "`python -m occi_operator.api.docs > docs/api-reference.md`"
)


def test_committed_reference_matches_the_models(repo_root: Path) -> None:
    committed = (repo_root / "docs" / "api-reference.md").read_text("utf-8")
    assert committed == render_reference(), HINT


def test_every_kind_and_key_field_is_documented() -> None:
    text = render_reference()
    for info in KINDS:
        assert f"## {info.kind}\n" in text
    for row in (
        "`spec.resource.memory`",
        "`spec.resource.ipNetwork.cidr`",
        "`spec.namespaceSelector.matchExpressions[].operator`",
        "`status.observedGeneration`",
        "`spec.import.filter.title`",
    ):
        assert row in text, row
    assert "| `x509` | `tls.crt`" in text


def test_defaults_and_constraints_are_shown() -> None:
    text = render_reference()
    assert '| `spec.resource.powerState` | string | `"Running"` |' in text
    assert "≥ 1; ≤ 1024" in text
    assert "- `spec.resource.architecture`: architecture is immutable" in text
