"""The annotations a user sets on an object to steer the operator: pause, reconcile now.

* ``occi.occi-operator.dev/paused: "true"`` — while set, a pass makes no remote call at
  all (no read, no write, no delete) and writes only its conditions (reason ``Paused``);
  removing it (or setting anything but ``"true"``) brings the next pass back;
* ``occi.occi-operator.dev/reconcile-requested-at: <any string>`` — run a full pass now
  (the remote resource is read, whatever the resync schedule says); once the pass has
  run, ``status.lastReconcileRequest`` holds the value, so a new value is a new request.

kopf keeps its own bookkeeping under another prefix (see :mod:`.handlers`): under ours,
kopf's diff would hide these two annotations from its change detection.
Pure functions over :class:`~.kube.KubeObject`; imports no kopf.
"""

from __future__ import annotations

from occi_operator.api.v1alpha1 import GROUP

from .kube import KubeObject

__all__ = [
    "PAUSED",
    "RECONCILE_REQUESTED_AT",
    "is_paused",
    "pending_request",
    "reconcile_request",
]

#: Pauses every remote call for the object while its value is "true".
PAUSED = f"{GROUP}/paused"
#: Any new value asks for a reconcile now; echoed in ``status.lastReconcileRequest``.
RECONCILE_REQUESTED_AT = f"{GROUP}/reconcile-requested-at"


def is_paused(obj: KubeObject) -> bool:
    """True while the object carries ``paused: "true"`` (any case, spaces ignored)."""
    return obj.annotations.get(PAUSED, "").strip().lower() == "true"


def reconcile_request(obj: KubeObject) -> str | None:
    """The value of the reconcile-requested-at annotation, or None when absent."""
    value = obj.annotations.get(RECONCILE_REQUESTED_AT)
    return value if isinstance(value, str) else None


def pending_request(obj: KubeObject) -> str | None:
    """The requested reconcile not yet echoed in status, or None when none is pending."""
    request = reconcile_request(obj)
    if request is None or obj.status.get("lastReconcileRequest") == request:
        return None
    return request
