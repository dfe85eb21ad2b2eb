"""What ``desired`` needs, looked up: referenced locations, templates, Secret values.

:func:`resolve` turns an object's spec into the adapter's
:class:`~.contract.Resolved`: the OCCI location of each referenced object (waiting until
it is Ready, see :mod:`.dependencies`), the mixin of each template name (through the
endpoint's ``/-/``: an unknown name raises the client's ``TemplateNotFoundError``, which
lists what the endpoint offers), the values of the Secret keys the adapter reads, and the
contextualization family the endpoint offers. References and Secrets are only looked up
for a create; the update path needs templates alone.
"""

from __future__ import annotations

from typing import Any

from occi_operator.api.v1alpha1.common import ConditionReason, SecretKeyRef
from occi_operator.api.v1alpha1.lifecycle import LifecycleSpec
from occi_operator.occi.client import OCCIClient

from .contract import Adapter, Resolved, field_value, marker_for
from .dependencies import Dependencies
from .kube import KubeApi, KubeNotFoundError, KubeObject
from .outcome import Outcome, OutcomeError

__all__ = ["read_secret_key", "resolve"]

_SECRET_WAIT = 10.0


async def read_secret_key(kube: KubeApi, namespace: str, ref: SecretKeyRef) -> str:
    """The text of a Secret key; waits for a missing Secret, refuses a missing key."""
    try:
        secret = await kube.get_secret(namespace, ref.name)
    except KubeNotFoundError:
        raise OutcomeError(Outcome.waiting(
            f"Waiting for Secret/{ref.name} to exist", _SECRET_WAIT,
            reason=ConditionReason.WAITING_FOR_DEPENDENCY,
        )) from None
    if ref.key not in secret.data:
        raise OutcomeError(Outcome.terminal(f"Secret/{ref.name} has no key {ref.key!r}"))
    return secret.data[ref.key].decode("utf-8", errors="replace")


async def resolve(
    *,
    obj: KubeObject,
    spec: LifecycleSpec,
    adapter: Adapter[Any],
    client: OCCIClient,
    kube: KubeApi,
    dependencies: Dependencies,
    creating: bool,
) -> Resolved:
    """The :class:`~.contract.Resolved` of ``obj`` for a create or an update."""
    references = await dependencies.resolve(obj, adapter) if creating else {}
    templates = {}
    for template in adapter.templates:
        name = field_value(spec, template.field)
        if name is not None:
            mixin = await client.resolve_template(template.family, str(name))
            templates[template.field] = mixin.type_id
    secrets = {}
    context = None
    if creating:
        for secret in adapter.secrets:
            ref = field_value(spec, secret.field)
            if isinstance(ref, SecretKeyRef):
                secrets[secret.field] = await read_secret_key(kube, obj.namespace or "", ref)
        context = await client.contextualization()
    return Resolved(marker_for(obj.uid), obj.name, references, templates, secrets, context)
