"""Kubernetes quantities (``4Gi``, ``512Mi``, ``2G``) for memory and disk sizes.

OCCI speaks GiB as floats (``occi.compute.memory``, ``occi.storage.size``); the API speaks
Kubernetes quantities so that sizes read like everywhere else in Kubernetes. A quantity is
converted to GiB by :func:`to_gib`: binary suffixes are powers of 1024 (``Mi`` = 1/1024 GiB),
decimal ones powers of 1000 (``G`` = 10^9 bytes ≈ 0.931 GiB), no suffix means bytes.
Fractional and milli quantities are refused by the pattern: a memory size is never ``500m``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

__all__ = ["QUANTITY_PATTERN", "Quantity", "from_gib", "to_gib"]

_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"k": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6}

#: A positive decimal number with an optional binary or decimal suffix (bytes without one).
QUANTITY_PATTERN = r"^([0-9]+(\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$"

Quantity = Annotated[
    str,
    Field(
        pattern=QUANTITY_PATTERN,
        max_length=32,
        examples=["4Gi", "512Mi", "20G"],
    ),
]

_GIB = Decimal(1024**3)


def _split(quantity: str) -> tuple[Decimal, str]:
    for suffix in (*_BINARY, *_DECIMAL):
        if quantity.endswith(suffix):
            return Decimal(quantity[: -len(suffix)]), suffix
    return Decimal(quantity), ""


def to_bytes(quantity: str) -> Decimal:
    """The number of bytes a quantity stands for; ValueError when it is not one."""
    try:
        number, suffix = _split(quantity)
    except ArithmeticError:
        raise ValueError(f"not a Kubernetes quantity: {quantity!r}") from None
    if suffix in _BINARY:
        return number * Decimal(1024) ** _BINARY[suffix]
    if suffix in _DECIMAL:
        return number * Decimal(1000) ** _DECIMAL[suffix]
    return number


def to_gib(quantity: str) -> float:
    """A quantity in GiB, the unit of ``occi.compute.memory`` and ``occi.storage.size``.

    ``"4Gi"`` → 4.0, ``"512Mi"`` → 0.5, ``"2G"`` → 1.862645149230957.
    """
    return float(to_bytes(quantity) / _GIB)


def from_gib(gib: float) -> str:
    """The shortest exact quantity for a size in GiB (``0.5`` → ``"512Mi"``), for status."""
    total = Decimal(str(gib)) * _GIB
    for suffix, power in sorted(_BINARY.items(), key=lambda item: -item[1]):
        unit = Decimal(1024) ** power
        if total >= unit and total % unit == 0:
            return f"{total // unit}{suffix}"
    return f"{total.normalize():f}"
