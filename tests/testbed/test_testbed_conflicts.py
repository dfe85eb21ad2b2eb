"""The front's made-up 409 Conflicts: only preconditioned writes, at the rate asked for,
switched by environment or by ``PUT /-/testbed/conflicts``, counted, and not forwarded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from occi_operator.testbed.cluster import Cluster
from occi_operator.testbed.conflicts import (
    CONFLICT_RATE_ENV,
    CONFLICT_SEED_ENV,
    CONFLICTS_PATH,
    ConflictInjector,
    InvalidConflictSettingsError,
)

PRECONDITIONED = b'{"metadata": {"resourceVersion": "7"}, "status": {"x": 1}}'


@pytest.mark.parametrize(("method", "body", "eligible"), [
    ("PATCH", PRECONDITIONED, True),
    ("put", PRECONDITIONED, True),
    ("PATCH", b'{"metadata": {"labels": {"a": "b"}}}', False),
    ("POST", PRECONDITIONED, False),
    ("GET", b"", False),
], ids=["patch-with-resource-version", "put-any-case", "patch-without-precondition",
        "create-never", "read-never"])
def test_only_preconditioned_writes_are_eligible(method: str, body: bytes, eligible: bool) -> None:
    injector = ConflictInjector(rate=1.0)
    assert injector.decide(method, body) is eligible
    assert injector.describe()["eligible"] == int(eligible)
    assert injector.describe()["injected"] == int(eligible)


def test_the_rate_is_a_seeded_share() -> None:
    first, second = ConflictInjector(rate=0.3, seed=4), ConflictInjector(rate=0.3, seed=4)
    rolls = [first.decide("PATCH", PRECONDITIONED) for _ in range(1000)]
    assert rolls == [second.decide("PATCH", PRECONDITIONED) for _ in range(1000)]
    assert 200 < sum(rolls) < 400
    assert first.describe()["injected"] == sum(rolls)


def test_the_environment_switches_it_on() -> None:
    injector = ConflictInjector.from_env({CONFLICT_RATE_ENV: "1", CONFLICT_SEED_ENV: "3"})
    assert (injector.rate, injector.seed) == (1.0, 3)
    assert ConflictInjector.from_env({}).rate == 0.0


@pytest.mark.parametrize("settings", [{"rate": 2}, {"rate": "often"}, {"seed": "x"}],
                         ids=["rate-above-one", "rate-not-a-number", "seed-not-a-number"])
def test_bad_settings_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(InvalidConflictSettingsError):
        ConflictInjector().configure(settings)


@pytest.fixture
def conflicting(api: httpx.Client, real_server: Cluster) -> Iterator[httpx.Client]:
    """The front answering every preconditioned write 409 (switched off afterwards)."""
    answer = api.put(CONFLICTS_PATH, json={"rate": 1.0, "seed": 1})
    assert answer.status_code == 200, answer.text
    yield api
    assert api.put(CONFLICTS_PATH, json={"rate": 0}).status_code == 200


def test_the_front_answers_409_and_forwards_nothing(
    conflicting: httpx.Client, crd: dict[str, Any], namespace: str
) -> None:
    widgets = f"/apis/{crd['spec']['group']}/v1alpha1/namespaces/{namespace}/widgets"
    created = conflicting.post(widgets, json={
        "apiVersion": f"{crd['spec']['group']}/v1alpha1", "kind": "Widget",
        "metadata": {"name": "w"}, "spec": {"color": "red"}})  # creates are never refused
    assert created.status_code == 201, created.text
    version = created.json()["metadata"]["resourceVersion"]
    merge = {"content-type": "application/merge-patch+json"}
    refused = conflicting.patch(f"{widgets}/w", headers=merge, content=(
        f'{{"metadata": {{"resourceVersion": "{version}"}}, "spec": {{"color": "blue"}}}}'))
    assert refused.status_code == 409
    assert refused.json()["reason"] == "Conflict"
    assert conflicting.get(f"{widgets}/w").json()["spec"]["color"] == "red"  # not forwarded
    plain = conflicting.patch(f"{widgets}/w", headers=merge,
                              content='{"spec": {"color": "green"}}')
    assert plain.status_code == 200, plain.text
    counts = conflicting.get(CONFLICTS_PATH).json()
    assert (counts["eligible"], counts["injected"]) == (1, 1)
    assert conflicting.put(CONFLICTS_PATH, json={"rate": 5}).status_code == 400
