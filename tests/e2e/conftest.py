"""The end-to-end suite's set-up: a real API server, the embedded endpoint, the operator.

Once per test session (per xdist worker):

* ``cluster``: the testbed (etcd, ``apiextensions-apiserver`` and the core/v1 front) from
  the binaries ``.ci/run`` built beforehand, with the CRDs of ``crds/`` applied by
  ``kubectl apply --server-side`` and established. ``OCCI_TESTBED=emulated`` (set by
  ``.ci/run`` when the build failed), or missing binaries without ``OCCI_TESTBED=real``,
  selects the testbed's emulated tier instead, said in capitals; ``OCCI_TESTBED=real``
  without binaries FAILS loudly. Nothing is ever skipped: on the emulated tier, which
  validates nothing, the admission corpus runs as a strict xfail;
* ``endpoint``: ``occi-operator endpoint serve`` on a free port (provisioning 0.2 s);
* ``operator``: ``occi-operator run --all-namespaces`` as its own process with
  ``KUBECONFIG`` set, started once its probe answers; its log tail (and the endpoint's)
  is attached to every failing test's report.

Per test: ``namespace`` (a fresh, unique one, emptied afterwards), ``kube`` (kubectl in
it) and ``stack`` (the example stack, pointed at this session's endpoint).
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from e2e_kube import NAMESPACED, Kubectl, wait_until
from e2e_services import Remote, Service, start_endpoint, start_operator

from occi_operator.testbed.build import cache_root, cached_binaries
from occi_operator.testbed.cluster import TIER_ENV, Cluster, start_cluster

ROOT = Path(__file__).resolve().parents[2]
CRDS = ROOT / "crds"
EXAMPLES = ROOT / "examples"
_LOGS = pytest.StashKey[dict[str, Service]]()


def _start_testbed(workdir: Path) -> Cluster:
    """The real testbed, or the emulated tier when asked for or when nothing was built."""
    tier = os.environ.get(TIER_ENV, "")
    if tier != "emulated" and cached_binaries() is None:
        if tier == "real":
            pytest.fail(f"END-TO-END SUITE CANNOT RUN: {TIER_ENV}=real BUT NO TESTBED BINARIES "
                        f"IN {cache_root()}; run `occi-operator testbed build` first",
                        pytrace=False)  # fmt: skip
        print(f"\nNO TESTBED BINARIES IN {cache_root()}: THE END-TO-END SUITE RUNS ON THE "
              "EMULATED API TIER", file=sys.stderr)  # fmt: skip
        tier = "emulated"
    return start_cluster(workdir, binaries=cached_binaries(), tier=tier or "real")


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A running API server with the project's CRDs established."""
    workdir = tmp_path_factory.mktemp("cluster")
    with _start_testbed(workdir) as started:
        kubectl = Kubectl(started.kubectl_command(), started.env())
        kubectl("apply", "--server-side", "-f", str(CRDS))
        names = [yaml.safe_load(path.read_text())["metadata"]["name"]
                 for path in sorted(CRDS.glob("*.yaml"))]  # fmt: skip
        kubectl("wait", "--for=condition=Established", "--timeout=60s",
                *(f"crd/{name}" for name in names))  # fmt: skip
        wait_until(lambda: kubectl.run("get", "occi", "-A").returncode == 0,
                   what="the occi category to be served", timeout=60)  # fmt: skip
        yield started


@pytest.fixture(scope="session")
def kubectl(cluster: Cluster) -> Kubectl:
    """kubectl against the cluster, no namespace."""
    return Kubectl(cluster.kubectl_command(), cluster.env())


@pytest.fixture(scope="session")
def endpoint(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Service]:
    """The embedded OCCI endpoint, without authentication."""
    service = start_endpoint(tmp_path_factory.mktemp("endpoint"))
    request.config.stash.setdefault(_LOGS, {})["endpoint"] = service
    yield service
    service.stop()


@pytest.fixture(scope="session")
def remote(endpoint: Service) -> Remote:
    """What exists on the endpoint, read with the OCCI client."""
    return Remote(endpoint.url)


@pytest.fixture(scope="session")
def operator(
    cluster: Cluster, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Service]:
    """The operator process, watching every namespace."""
    service = start_operator(tmp_path_factory.mktemp("operator"), env=cluster.env())
    request.config.stash.setdefault(_LOGS, {})["operator"] = service
    yield service
    service.stop()


@pytest.fixture
def namespace(kubectl: Kubectl, operator: Service) -> Iterator[str]:
    """A fresh namespace for one test; its objects are deleted afterwards."""
    if dead := operator.dead():
        pytest.fail(f"THE OPERATOR IS NOT RUNNING: {dead}", pytrace=False)
    name = f"e2e-{uuid.uuid4().hex[:10]}"
    manifest = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    kubectl("apply", "--validate=false", "-f", "-", stdin=yaml.safe_dump(manifest))
    yield name
    _empty(kubectl.in_namespace(name))


def _empty(kube: Kubectl) -> None:
    """Delete what a test left; strip finalizers of what stays stuck (no test depends on it)."""
    kube.run("delete", NAMESPACED, "--all", "--wait=false")
    try:
        wait_until(lambda: not kube.names(NAMESPACED), what="the namespace to empty", timeout=30)
    except AssertionError:
        for name in kube.names(NAMESPACED):
            kube.run("patch", name, "--type=merge", "-p", '{"metadata":{"finalizers":null}}')


@pytest.fixture
def kube(kubectl: Kubectl, namespace: str) -> Kubectl:
    """kubectl in the test's namespace."""
    return kubectl.in_namespace(namespace)


def write_stack(directory: Path, endpoint_url: str) -> Path:
    """The example stack copied into ``directory``, its endpoint URL set to ``endpoint_url``."""
    directory.mkdir(parents=True, exist_ok=True)
    for source in sorted(EXAMPLES.glob("*.yaml")):
        documents = [doc for doc in yaml.safe_load_all(source.read_text()) if doc]
        for document in documents:
            if document.get("kind") == "OCCIEndpoint":
                document["spec"]["url"] = endpoint_url
        (directory / source.name).write_text(yaml.safe_dump_all(documents, sort_keys=False))
    return directory


@pytest.fixture
def stack(tmp_path: Path, endpoint: Service) -> Path:
    """The directory of the example stack, pointed at this session's endpoint."""
    return write_stack(tmp_path / "stack", endpoint.url)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Attach the tails of the operator's and the endpoint's logs to a failing test."""
    report = yield
    if report.failed:
        for name, service in item.config.stash.get(_LOGS, {}).items():
            report.sections.append((f"{name} log (tail)", service.process.log_tail(80)))
    return report
