"""Driving the testbed like a user: kubectl as a subprocess, bounded polling, conditions.

:class:`Kubectl` runs kubectl with the testbed's kubeconfig (custom objects are applied
with ``--validate=false``: the front serves no OpenAPI document, the server still
enforces the schema). :func:`wait_until` polls a probe with a deadline and a short
interval, and fails with the last thing it saw; every wait in the suite goes through it,
so no test sleeps for a fixed time. :func:`condition` reads a kstatus condition.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: Seconds a convergence may take before a wait gives up (the endpoint provisions in
#: 0.2 s and the operator looks again every 0.5 s; this is the ceiling, not the pace).
CONVERGE_TIMEOUT = 90.0
POLL_INTERVAL = 0.2

#: The managed kinds in the order a stack is built; their plural resource names.
MANAGED_PLURALS = {
    "Network": "networks.occi.occi-operator.dev",
    "Storage": "storages.occi.occi-operator.dev",
    "Compute": "computes.occi.occi-operator.dev",
    "NetworkInterface": "networkinterfaces.occi.occi-operator.dev",
    "StorageLink": "storagelinks.occi.occi-operator.dev",
}

#: The OCCI Platform kinds and the generic kind, in the order a PaaS stack is built.
PLATFORM_PLURALS = {
    "Component": "components.occi.occi-operator.dev",
    "Application": "applications.occi.occi-operator.dev",
    "ComponentLink": "componentlinks.occi.occi-operator.dev",
    "OCCIResource": "occiresources.occi.occi-operator.dev",
}

#: Every namespaced kind of the API (``occi`` would add the cluster-scoped endpoints).
NAMESPACED = ",".join([
    "occiendpoints.occi.occi-operator.dev", *MANAGED_PLURALS.values(),
    *PLATFORM_PLURALS.values(),
])


class WaitTimeoutError(AssertionError):
    """A bounded wait ran out; the message says what was awaited and what was last seen."""


def wait_until(
    probe: Callable[[], T | None],
    *,
    what: str,
    timeout: float = CONVERGE_TIMEOUT,
    describe: Callable[[], str] | None = None,
    alive: Callable[[], str | None] | None = None,
) -> T:
    """Poll ``probe`` until it returns something other than None or False; return that.

    ``alive`` reports a dead helper process (its name and log tail) so that a crash fails
    at once instead of at the deadline; ``describe`` says what the world looked like when
    the time ran out.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result is not None and result is not False:
            return result
        if alive is not None and (dead := alive()):
            raise WaitTimeoutError(f"while waiting for {what}: {dead}")
        if time.monotonic() > deadline:
            seen = describe() if describe else ""
            raise WaitTimeoutError(f"{what}: not reached within {timeout:.0f} s. {seen}")
        time.sleep(POLL_INTERVAL)


def condition(obj: Mapping[str, Any], kind: str) -> dict[str, Any] | None:
    """The status condition of type ``kind`` (Ready, Reconciling, Stalled), if any."""
    for item in (obj.get("status") or {}).get("conditions") or ():
        if isinstance(item, dict) and item.get("type") == kind:
            return item
    return None


def is_ready(obj: Mapping[str, Any]) -> bool:
    """Ready=True for the object's current generation (what kstatus calls current)."""
    ready = condition(obj, "Ready")
    status = obj.get("status") or {}
    generation = (obj.get("metadata") or {}).get("generation")
    return (
        ready is not None
        and ready.get("status") == "True"
        and status.get("observedGeneration") == generation
    )


class KubectlError(AssertionError):
    """kubectl failed where the test needed it to succeed."""


@dataclass
class Kubectl:
    """kubectl against one cluster; ``namespace`` is the default for every call."""

    base: Sequence[str]
    env: Mapping[str, str]
    namespace: str | None = None
    calls: list[str] = field(default_factory=list)

    def in_namespace(self, namespace: str) -> Kubectl:
        """The same kubectl, defaulting to ``namespace``."""
        return Kubectl(self.base, self.env, namespace)

    def run(
        self, *arguments: str, stdin: str | None = None, timeout: float = 120.0
    ) -> subprocess.CompletedProcess[str]:
        """Run kubectl; returns the finished process whatever its exit code."""
        scope = [f"--namespace={self.namespace}"] if self.namespace else []
        command = [*self.base, *scope, *arguments]
        self.calls.append(" ".join(arguments))
        return subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            text=True,
            env=dict(self.env),
            timeout=timeout,
            check=False,
        )

    def __call__(self, *arguments: str, stdin: str | None = None, timeout: float = 120.0) -> str:
        """Run kubectl, fail the test when it fails; returns its standard output."""
        done = self.run(*arguments, stdin=stdin, timeout=timeout)
        if done.returncode != 0:
            raise KubectlError(
                f"kubectl {' '.join(arguments)} exited {done.returncode}:\n"
                f"{done.stderr.strip()}\n{done.stdout.strip()}"
            )
        return done.stdout

    def apply(self, path: Path | str) -> str:
        """``kubectl apply --validate=false -f path`` (a file or a directory)."""
        return self("apply", "--validate=false", "-f", str(path))

    def get(self, resource: str, name: str) -> dict[str, Any]:
        """One object as JSON."""
        document: dict[str, Any] = json.loads(self("get", resource, name, "-o", "json"))
        return document

    def find(self, resource: str, name: str) -> dict[str, Any] | None:
        """One object as JSON, or None when it does not exist."""
        done = self.run("get", resource, name, "-o", "json", "--ignore-not-found")
        if done.returncode != 0:
            raise KubectlError(f"kubectl get {resource} {name}: {done.stderr.strip()}")
        text = done.stdout.strip()
        return json.loads(text) if text else None

    def names(self, resource: str) -> list[str]:
        """``kind/name`` of every object of ``resource`` (a kind, a category, a list)."""
        return self("get", resource, "-o", "name").split()

    def patch(self, resource: str, name: str, patch: Mapping[str, Any]) -> str:
        """A JSON merge patch."""
        return self("patch", resource, name, "--type=merge", "-p", json.dumps(patch))
