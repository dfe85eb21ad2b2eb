"""The metav1.LabelSelector shape, for the namespace selector of cluster-wide endpoints."""

from __future__ import annotations

import enum
from typing import Annotated

from pydantic import Field

from .common import ApiModel
from .rules import Rule, RuledModel

__all__ = ["LabelSelector", "LabelSelectorOperator", "LabelSelectorRequirement"]

LabelValue = Annotated[str, Field(max_length=63)]


class LabelSelectorOperator(enum.StrEnum):
    """How a requirement relates a label to its values."""

    IN = "In"
    NOT_IN = "NotIn"
    EXISTS = "Exists"
    DOES_NOT_EXIST = "DoesNotExist"


_WITH_VALUES = (LabelSelectorOperator.IN, LabelSelectorOperator.NOT_IN)


class LabelSelectorRequirement(RuledModel):
    """One requirement on a label (metav1.LabelSelectorRequirement)."""

    cel_rules = (
        Rule(
            cel="self.operator in ['In', 'NotIn'] ? "
            "(has(self.values) && size(self.values) > 0) : !has(self.values)",
            message="values must be non-empty for In and NotIn and empty for Exists and "
            "DoesNotExist",
            check=lambda req: bool(req.values)
            if req.operator in _WITH_VALUES
            else req.values is None,
        ),
    )

    key: str = Field(min_length=1, max_length=317, description="The label key.")
    operator: LabelSelectorOperator = Field(
        description="In, NotIn, Exists or DoesNotExist."
    )
    values: list[LabelValue] | None = Field(
        default=None,
        max_length=64,
        description="Values for In and NotIn; empty for Exists and DoesNotExist.",
    )


class LabelSelector(ApiModel):
    """A label query (metav1.LabelSelector); the requirements are ANDed; {} matches all."""

    match_labels: dict[str, LabelValue] | None = Field(
        default=None,
        max_length=64,
        description="Labels that must be present with these values.",
    )
    match_expressions: list[LabelSelectorRequirement] | None = Field(
        default=None, max_length=32, description="Requirements on labels."
    )
