"""A kopf operator runs against the testbed: discovery, watch, finalizer patch, status.

kopf's finalizer JSON patch (``test /metadata/resourceVersion``) and its discovery
requirements are exactly what an emulator gets wrong; the operator here is a tiny script
run as a process, as the project's own operator is in the end-to-end tests.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from occi_operator.testbed.cluster import Cluster

OPERATOR = '''
import kopf

@kopf.on.create("widgets.testbed.example", "v1alpha1", "widgets")
def created(body, spec, patch, **_):
    patch.status["phase"] = "Seen-" + str(spec.get("size"))
    kopf.info(body, reason="Seen", message="the testbed delivered this widget")
'''


def _poll(api: httpx.Client, url: str, pick: Callable[[Any], Any], *, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = pick(api.get(url).json())
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_a_kopf_handler_runs_and_writes_status(
    testbed: Cluster, api: httpx.Client, crd: dict[str, Any], namespace: str, tmp_path: Path
) -> None:
    script = tmp_path / "operator.py"
    script.write_text(OPERATOR)
    log = (tmp_path / "kopf.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "kopf", "run", "--standalone", f"--namespace={namespace}",
         str(script)],
        env=testbed.env(), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        widgets = f"/apis/{crd['spec']['group']}/v1alpha1/namespaces/{namespace}/widgets"
        created = api.post(widgets, json={"apiVersion": f"{crd['spec']['group']}/v1alpha1",
                                          "kind": "Widget", "metadata": {"name": "k"},
                                          "spec": {"size": 3}})  # fmt: skip
        assert created.status_code == 201
        status = _poll(api, f"{widgets}/k", lambda w: w.get("status"), timeout=30)
        assert status == {"phase": "Seen-3"}, (tmp_path / "kopf.log").read_text()[-3000:]
        events = _poll(api, f"/api/v1/namespaces/{namespace}/events",
                       lambda listing: [e for e in listing["items"]
                                        if e.get("reason") == "Seen"],
                       timeout=30)  # fmt: skip
        assert events, "kopf posted no event about the handler"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
