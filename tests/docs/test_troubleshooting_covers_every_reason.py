"""docs/troubleshooting.md has a section for every condition reason the operator writes."""

from __future__ import annotations

import re
from pathlib import Path

from occi_operator.api.v1alpha1.common import ConditionReason

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "troubleshooting.md"


def test_every_reason_has_a_section() -> None:
    headings = set(re.findall(r"^### (\w+)$", GUIDE.read_text(encoding="utf-8"), re.M))
    assert {reason.value for reason in ConditionReason} <= headings


def test_the_emergency_patch_carries_its_warning() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    patch = text.index('"finalizers":null')
    assert "will not\ndelete the OCCI resource" in text[:patch]
