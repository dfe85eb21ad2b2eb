"""JSON log lines name their object and endpoint, and never carry a credential.

The passes run through the kopf edge (:func:`~occi_operator.reconciler.handlers.guarded`)
with kopf's own JSON formatter on a handler of the root logger, at DEBUG, and the
runtime's :class:`~occi_operator.reconciler.logcontext.LogContext` installed on it, as
``occi-operator run --log-format json`` does. The endpoint wants HTTP Basic: a wrong
password first, then a rotated one, so that errors, retries and a rebuilt client all log.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kopf
import pytest
from flow_support import NAMESPACE, Stack, basic_endpoint, use_basic

from occi_operator.endpoint.settings import EndpointSettings
from occi_operator.reconciler.endpoints import ENDPOINTS
from occi_operator.reconciler.handlers import guarded
from occi_operator.reconciler.kube import KubeObject
from occi_operator.reconciler.logcontext import LogContext
from occi_operator.reconciler.outcome import OutcomeKind

PASSWORD = "rotated-horse-battery-staple"
WRONG = "wrong-password-5678"


@pytest.fixture
def endpoint_settings(tmp_path: Path) -> EndpointSettings:
    """An endpoint that wants HTTP Basic."""
    return basic_endpoint(tmp_path, PASSWORD)


@pytest.fixture
def captured(stack: Stack) -> Iterator[io.StringIO]:
    """Every log line, as kopf's JSON formatter writes it, with the runtime's context."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_json_formatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    stack.runtime.log_context.install(root)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _json_formatter() -> logging.Formatter:
    from kopf._core.actions.loggers import make_formatter

    return make_formatter(log_format=kopf.LogFormat.JSON)




async def run_pass(stack: Stack, obj: KubeObject) -> OutcomeKind:
    call = stack.runtime.reconcile(obj)
    return (await guarded(stack.runtime, f"reconcile {obj.display}", call, about=obj)).kind


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


async def test_every_line_of_a_pass_names_object_and_endpoint_and_no_secret(
    stack: Stack, captured: io.StringIO
) -> None:
    use_basic(stack, WRONG)
    stack.apply("Network", "net", {"vlan": 1})
    assert await run_pass(stack, stack.read("Network", "net")) is OutcomeKind.TRANSIENT
    use_basic(stack, PASSWORD)  # rotation: the pool builds a new client, and says so
    for _ in range(10):
        if await run_pass(stack, stack.read("Network", "net")) is OutcomeKind.DONE:
            break
    text = captured.getvalue()
    assert WRONG not in text
    assert PASSWORD not in text
    records = lines(captured)  # every line came from a pass: each must name its subject
    assert len(records) >= 3, records
    assert any("building a new client" in r["message"] for r in records)
    for record in records:
        assert record["object"]["namespace"] == NAMESPACE, record
        assert record["object"]["name"] == "net", record
        assert record["object"]["kind"] == "Network", record
        assert record["endpoint"] == f"{NAMESPACE}/cloud", record


async def test_concurrent_passes_keep_their_own_subjects(
    stack: Stack, captured: io.StringIO
) -> None:
    use_basic(stack, PASSWORD)
    for name in ("a", "b", "c"):
        stack.apply("Storage", name, {"size": "1Gi"})
    for _ in range(6):
        await asyncio.gather(*(
            run_pass(stack, stack.read("Storage", name)) for name in ("a", "b", "c")
        ))
    # The flow's closing line of a pass starts with the object it is about.
    records = [r for r in lines(captured) if r["message"].startswith("Storage/")]
    assert {r["object"]["name"] for r in records} == {"a", "b", "c"}
    for record in records:
        assert record["message"].startswith(f"Storage/{record['object']['name']}:"), record


def test_kopf_lines_get_the_endpoint_and_lines_outside_a_pass_get_nothing() -> None:
    context = LogContext()
    obj = KubeObject(type=ENDPOINTS, namespace=NAMESPACE, name="cloud", uid="e1",
                     generation=1, resource_version="1")
    with context.about(obj):
        pass
    kopf_line = logging.LogRecord("kopf.objects", logging.INFO, __file__, 1, "Handler done",
                                  None, None)
    kopf_line.k8s_ref = {"uid": "e1", "name": "cloud", "namespace": NAMESPACE}
    plain = logging.LogRecord("occi_operator.x", logging.INFO, __file__, 1, "start", None, None)
    assert context.filter(kopf_line)
    assert context.filter(plain)
    assert kopf_line.endpoint == f"{NAMESPACE}/cloud"
    assert not hasattr(plain, "k8s_ref")
    assert not hasattr(plain, "endpoint")


def test_kopf_lines_after_the_last_pass_keep_the_endpoint_for_a_while() -> None:
    context = LogContext()
    first = KubeObject(type=ENDPOINTS, namespace=NAMESPACE, name="cloud", uid="first",
                       generation=1, resource_version="1")

    def kopf_line(uid: str) -> logging.LogRecord:
        record = logging.LogRecord("kopf.objects", logging.INFO, __file__, 1,
                                   "Removing the finalizer", None, None)
        record.k8s_ref = {"uid": uid}
        return record

    with context.about(first):
        pass
    context.forget("first")
    late = kopf_line("first")
    context.filter(late)
    assert late.endpoint == f"{NAMESPACE}/cloud"  # logged after the last pass: still named
    for number in range(1000):
        context.forget(f"other-{number}")
    much_later = kopf_line("first")
    context.filter(much_later)
    assert not hasattr(much_later, "endpoint")  # the memory of gone objects is bounded
