"""Which object and which endpoint a log line is about, on every line of a pass.

kopf's own lines about an object (``Handler 'reconcile-create' succeeded``) carry it as
``k8s_ref``, which its JSON formatter writes under ``object`` (and its text formatter as a
``[namespace/name]`` prefix). The reconciler's and the OCCI client's module loggers know
nothing of the object a pass is about, so :class:`LogContext` tells them: the runtime runs
every pass inside :meth:`LogContext.about`, which sets a context variable (it follows the
pass through every ``await``, and concurrent passes each see their own), and the filter
:meth:`LogContext.install` puts on the root handlers copies it onto each record: ``k8s_ref``
when the record has none, and ``endpoint`` (the endpoint object, labelled as the metrics
label it) on every record about an object — kopf's lines included, from the endpoint each
object last used.

Nothing here reads a Secret or a spec value beyond the endpoint reference's kind and name.
Imports no kopf.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from occi_operator.api.v1alpha1.common import EndpointKind

from .endpoints import CLUSTER_ENDPOINTS, ENDPOINTS, endpoint_label
from .kube import KubeObject

__all__ = ["LogContext", "LogSubject", "subject_of"]

#: How many gone objects keep their endpoint for kopf's last lines about them.
_KEEP_GONE = 1000


@dataclass(frozen=True)
class LogSubject:
    """The object a pass is about, and the endpoint object it uses."""

    kind: str
    namespace: str | None
    name: str
    uid: str
    endpoint: str | None

    def ref(self) -> dict[str, Any]:
        """The object reference as kopf writes it (``k8s_ref``)."""
        return {"kind": self.kind, "namespace": self.namespace, "name": self.name,
                "uid": self.uid}


def _endpoint_of(obj: KubeObject) -> str | None:
    if obj.type in (ENDPOINTS, CLUSTER_ENDPOINTS):
        return endpoint_label(obj.type.kind, obj.namespace or "", obj.name)
    ref = obj.spec.get("endpointRef")
    if not isinstance(ref, Mapping) or not isinstance(ref.get("name"), str):
        return None
    kind = str(ref.get("kind") or EndpointKind.NAMESPACED.value)
    return endpoint_label(kind, obj.namespace or "", str(ref["name"]))


def subject_of(obj: KubeObject) -> LogSubject:
    """What log lines about ``obj`` carry."""
    return LogSubject(kind=obj.type.kind, namespace=obj.namespace, name=obj.name,
                      uid=obj.uid, endpoint=_endpoint_of(obj))


class LogContext(logging.Filter):
    """The subject of the current pass, and a filter that writes it onto log records."""

    def __init__(self) -> None:
        super().__init__()
        # One per process, created once: contexts keep a reference to each variable.
        self._current: ContextVar[LogSubject | None] = ContextVar(
            "occi_operator_log_subject", default=None
        )
        #: The endpoint each object used at its last pass (for kopf's own lines).
        self._endpoints: dict[str, str] = {}
        #: Objects gone lately: kopf still logs about them after their last pass.
        self._gone: deque[str] = deque()

    @contextmanager
    def about(self, obj: KubeObject) -> Iterator[LogSubject]:
        """Run the block with ``obj`` as the subject of its log lines."""
        subject = subject_of(obj)
        if subject.endpoint is not None:
            self._endpoints[obj.uid] = subject.endpoint
        token = self._current.set(subject)
        try:
            yield subject
        finally:
            self._current.reset(token)

    def forget(self, uid: str) -> None:
        """``uid`` is gone; its entry goes once :data:`_KEEP_GONE` others went after it.

        kopf logs about an object after its last pass (``Handler 'delete' succeeded``,
        the finalizer's removal): those lines still get the endpoint.
        """
        self._gone.append(uid)
        while len(self._gone) > _KEEP_GONE:
            self._endpoints.pop(self._gone.popleft(), None)

    def filter(self, record: logging.LogRecord) -> bool:
        """Add the subject to ``record`` (never drops a record)."""
        subject = self._current.get()
        if subject is not None and not hasattr(record, "k8s_ref"):
            record.k8s_ref = subject.ref()
        ref = getattr(record, "k8s_ref", None)
        if isinstance(ref, Mapping) and not hasattr(record, "endpoint"):
            uid = str(ref.get("uid") or "")
            if subject is not None and subject.uid == uid:
                endpoint = subject.endpoint
            else:
                endpoint = self._endpoints.get(uid)
            if endpoint is not None:
                record.endpoint = endpoint
        return True

    def install(self, logger: logging.Logger | None = None) -> None:
        """Put the filter on every handler of ``logger`` (the root logger by default)."""
        for handler in (logger or logging.getLogger()).handlers:
            if self not in handler.filters:
                handler.addFilter(self)
