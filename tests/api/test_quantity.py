"""Kubernetes quantities to the GiB of OCCI and back."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from occi_operator.api.v1alpha1.quantity import Quantity, from_gib, to_bytes, to_gib

QUANTITY = TypeAdapter(Quantity)


@pytest.mark.parametrize(
    ("quantity", "gib"),
    [
        pytest.param("4Gi", 4.0, id="binary-gi"),
        pytest.param("512Mi", 0.5, id="binary-mi-half"),
        pytest.param("1Ti", 1024.0, id="binary-ti"),
        pytest.param("1048576Ki", 1.0, id="binary-ki"),
        pytest.param("1.5Gi", 1.5, id="fractional-number"),
        pytest.param("2G", 2e9 / 2**30, id="decimal-g-is-smaller-than-gi"),
        pytest.param("1073741824", 1.0, id="plain-bytes"),
        pytest.param("500M", 5e8 / 2**30, id="decimal-m"),
    ],
)
def test_to_gib(quantity: str, gib: float) -> None:
    QUANTITY.validate_python(quantity)
    assert to_gib(quantity) == pytest.approx(gib)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("4 GB", id="space-and-wrong-suffix"),
        pytest.param("-1Gi", id="negative"),
        pytest.param("500m", id="milli-is-not-a-size"),
        pytest.param("Gi", id="no-number"),
        pytest.param("1e3", id="exponent-form"),
        pytest.param("", id="empty"),
    ],
)
def test_the_pattern_refuses_what_is_not_a_size(bad: str) -> None:
    with pytest.raises(ValidationError):
        QUANTITY.validate_python(bad)


def test_to_bytes_refuses_garbage() -> None:
    with pytest.raises(ValueError, match="not a Kubernetes quantity"):
        to_bytes("lots")


@pytest.mark.parametrize(
    ("gib", "quantity"),
    [
        pytest.param(4.0, "4Gi", id="whole-gib"),
        pytest.param(0.5, "512Mi", id="half-gib"),
        pytest.param(2048.0, "2Ti", id="tib"),
        pytest.param(1.7, "1825361100.8", id="not-a-whole-unit-falls-back-to-bytes"),
    ],
)
def test_from_gib_gives_the_shortest_exact_quantity(gib: float, quantity: str) -> None:
    assert from_gib(gib) == quantity
    assert to_gib(from_gib(gib)) == pytest.approx(gib)
