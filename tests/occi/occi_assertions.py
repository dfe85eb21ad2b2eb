"""Type-strict comparison of OCCI model values (not a test module; see conftest.py).

``==`` on pydantic models compares attribute values with Python's ``==``, for which
``1 == 1.0 == True``; a rendering that turns ``2`` into ``2.0`` or ``true`` into ``1`` must
fail a round trip, so these helpers compare every scalar together with its type.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

__all__ = ["assert_same", "typed"]


def typed(value: Any) -> Any:
    """``value`` with the type of every scalar made explicit."""
    if isinstance(value, BaseModel):
        return {"__model__": type(value).__name__, **typed(value.model_dump())}
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def assert_same(actual: Any, expected: Any) -> None:
    """Equal values of the same model class, scalars compared by type as well as value."""
    assert type(actual) is type(expected), f"{type(actual).__name__} != {type(expected).__name__}"
    assert typed(actual) == typed(expected)
