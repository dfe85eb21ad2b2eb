"""The front's watch cuts: streams closed after ``cut_after`` seconds, quiet or not, and
resumed watches answered with the server's 410 Gone event at the rate asked for; switched
by environment or by ``PUT /-/testbed/watch-cuts``, and counted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from occi_operator.testbed.cluster import Cluster
from occi_operator.testbed.watchcuts import (
    WATCH_CUTS_PATH,
    InvalidWatchCutSettingsError,
    WatchCutter,
    is_watch,
)


@pytest.mark.parametrize(("query", "gone"), [
    ({"watch": "true", "resourceVersion": "12"}, True),
    ({"watch": "1", "resourceVersion": "12"}, True),
    ({"watch": "true"}, False),
    ({"watch": "true", "resourceVersion": ""}, False),
], ids=["resumed-watch", "watch-as-1", "watch-from-now-never", "empty-version-never"])
def test_only_resumed_watches_can_be_gone(query: dict[str, str], gone: bool) -> None:
    cutter = WatchCutter(gone_rate=1.0)
    assert is_watch(query)
    assert cutter.expire(query) is gone
    assert (cutter.seen, cutter.gone) == (1, int(gone))


def test_lists_are_not_watches() -> None:
    assert not is_watch({"limit": "500"})
    assert not is_watch({"watch": "false"})


def test_the_gone_rate_is_a_seeded_share() -> None:
    first, second = WatchCutter(gone_rate=0.3, seed=5), WatchCutter(gone_rate=0.3, seed=5)
    resumed = {"watch": "true", "resourceVersion": "7"}
    rolls = [first.expire(resumed) for _ in range(1000)]
    assert rolls == [second.expire(resumed) for _ in range(1000)]
    assert 200 < sum(rolls) < 400


def test_the_environment_switches_it_on() -> None:
    cutter = WatchCutter.from_env({"OCCI_TESTBED_WATCH_CUT_AFTER": "1.5",
                                   "OCCI_TESTBED_WATCH_GONE_RATE": "0.2",
                                   "OCCI_TESTBED_WATCH_SEED": "3"})  # fmt: skip
    assert (cutter.cut_after, cutter.gone_rate, cutter.seed) == (1.5, 0.2, 3)
    off = WatchCutter.from_env({})
    assert (off.deadline(), off.gone_rate) == (None, 0.0)


@pytest.mark.parametrize("settings", [
    {"cut_after": -1}, {"gone_rate": 1.5}, {"gone_rate": "often"}, {"seed": "x"},
    {"cut": 1},
], ids=["negative-cut", "rate-above-one", "rate-not-a-number", "seed-not-a-number",
        "unknown-key"])
def test_bad_settings_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(InvalidWatchCutSettingsError):
        WatchCutter().configure(settings)


@pytest.fixture
def cutting(api: httpx.Client, real_server: Cluster) -> Iterator[httpx.Client]:
    """The front cutting every watch after a second and expiring every resumed one."""
    answer = api.put(WATCH_CUTS_PATH, json={"cut_after": 1, "gone_rate": 1.0, "seed": 1})
    assert answer.status_code == 200, answer.text
    yield api
    assert api.put(WATCH_CUTS_PATH, json={"cut_after": 0, "gone_rate": 0}).status_code == 200


def test_the_front_cuts_quiet_streams_and_expires_resumed_ones(
    cutting: httpx.Client, crd: dict[str, Any], namespace: str
) -> None:
    widgets = f"/apis/{crd['spec']['group']}/v1alpha1/namespaces/{namespace}/widgets"
    listed = cutting.get(widgets)
    assert listed.status_code == 200, listed.text
    # A quiet watch from "now" ends by itself (the read timeout is far longer than the cut).
    with cutting.stream("GET", widgets, params={"watch": "true"},
                        timeout=httpx.Timeout(30.0)) as quiet:  # fmt: skip
        assert quiet.status_code == 200
        assert list(quiet.iter_lines()) == []
    version = listed.json()["metadata"]["resourceVersion"]
    resumed = cutting.get(widgets, params={"watch": "true", "resourceVersion": version})
    event = json.loads(resumed.text.splitlines()[0])
    assert event["type"] == "ERROR"
    assert (event["object"]["code"], event["object"]["reason"]) == (410, "Expired")
    counts = cutting.get(WATCH_CUTS_PATH).json()
    assert (counts["seen"], counts["cut"], counts["gone"]) == (2, 1, 1)
    assert cutting.put(WATCH_CUTS_PATH, json={"gone_rate": 5}).status_code == 400
