"""Shared set-up of the testbed tests: one running cluster per test session (per worker).

The binaries are built beforehand by ``.ci/run`` (``occi-operator testbed build``); the
fixture only takes them from the cache and fails loudly when they are missing, instead of
starting a several-minute build in the middle of a test run or skipping.

* ``testbed``: the running :class:`~occi_operator.testbed.cluster.Cluster` of the tier
  ``$OCCI_TESTBED`` names (``real`` unless ``.ci/run`` fell back to ``emulated``);
* ``real_server``: the same, for tests of what only the real server does; under the
  emulated tier these tests skip with a capitalised reason that ``-ra`` prints;
* ``api``: a plain HTTP client of its front;
* ``crd``: a Widget CRD registered once per session (the first write after a CRD is
  registered waits about two seconds in the server; one registration pays that once);
* ``namespace``: a fresh namespace per test, so tests never see each other's objects.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from occi_operator.testbed.build import cache_root, cached_binaries
from occi_operator.testbed.cluster import TIER_ENV, Cluster, start_cluster


def _tier() -> str:
    return os.environ.get(TIER_ENV) or "real"


@pytest.fixture(scope="session")
def testbed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A running testbed cluster of the tier ``$OCCI_TESTBED`` names, once per session."""
    workdir = tmp_path_factory.mktemp("testbed")
    if _tier() == "emulated":
        with start_cluster(workdir, tier="emulated") as cluster:
            yield cluster
        return
    binaries = cached_binaries()
    if binaries is None:
        pytest.fail(
            f"TESTBED BINARIES MISSING in {cache_root()}: run `occi-operator testbed build` "
            "first (.ci/run does), or set OCCI_TESTBED_CACHE to where they are",
            pytrace=False,
        )
    with start_cluster(workdir, binaries=binaries, tier="real") as cluster:
        yield cluster


@pytest.fixture
def real_server(testbed: Cluster) -> Cluster:
    """The testbed, for tests of what only the real API server does (schemas, CEL, gzip)."""
    if testbed.tier != "real":
        pytest.skip(
            "NEEDS THE REAL API SERVER: OCCI_TESTBED=emulated because the testbed build "
            "failed (see the TESTBED BUILD FAILED banner of .ci/run)"
        )
    return testbed


@pytest.fixture
def api(testbed: Cluster) -> Iterator[httpx.Client]:
    """A plain HTTP client of the testbed's front."""
    with testbed.client() as client:
        yield client


def widget_crd(group: str) -> dict[str, Any]:
    """A namespaced CRD with a status subresource, a default and a CEL rule."""
    spec_schema = {
        "type": "object",
        "properties": {
            "size": {"type": "integer", "minimum": 1, "default": 1},
            "color": {"type": "string"},
        },
        "x-kubernetes-validations": [
            {"rule": "self.size <= 10", "message": "size must be at most 10"}
        ],
    }
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"widgets.{group}"},
        "spec": {
            "group": group,
            "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget",
                      "listKind": "WidgetList"},
            "versions": [{
                "name": "v1alpha1", "served": True, "storage": True,
                "subresources": {"status": {}},
                "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                    "spec": spec_schema,
                    "status": {"type": "object", "properties": {"phase": {"type": "string"}}},
                }}},
            }],
        },
    }  # fmt: skip


@pytest.fixture(scope="session")
def crd(testbed: Cluster) -> dict[str, Any]:
    """The Widget CRD, registered and served; returns the CRD."""
    document = widget_crd("widgets.testbed.example")
    testbed.register_crds([document])
    return document


@pytest.fixture
def namespace(api: httpx.Client) -> str:
    """A namespace of this test's own (created through the front's core/v1)."""
    name = f"t-{uuid.uuid4().hex[:10]}"
    created = api.post("/api/v1/namespaces", json={"apiVersion": "v1", "kind": "Namespace",
                                                   "metadata": {"name": name}})  # fmt: skip
    assert created.status_code == 201, created.text
    return name
