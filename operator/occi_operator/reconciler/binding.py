"""Binding a generic adapter to what the object's endpoint offers, before anything is sent.

An adapter whose objects name their own OCCI kind (``Adapter.discovered``: OCCIResource)
becomes, for one pass over one object, the adapter of that kind: :func:`bind_adapter`
reads the endpoint's query interface (the client caches it) and lets the adapter check
the spec against it, merged with the standard categories (whose types a text rendering
leaves out). A spec that does not fit is refused before any remote write: Stalled,
InvalidConfiguration, naming the field and what the endpoint offers. A miss is checked
once more against a fresh ``/-/``, since a provider's catalog may have grown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from occi_operator.api.v1alpha1.lifecycle import LifecycleSpec
from occi_operator.occi.client import OCCIClient
from occi_operator.occi.registry import CategoryRegistry

from .contract import Adapter, Discovered, InvalidSpecError
from .outcome import Outcome, OutcomeError

__all__ = ["bind_adapter"]

#: Renderings whose query interface carries attribute types (GFD.226 JSON).
_TYPED_RENDERINGS = ("application/occi+json", "application/json")


async def _discovered(
    client: OCCIClient, status: Mapping[str, Any], *, refresh: bool
) -> Discovered:
    query = await client.discover(refresh=refresh)
    offered = CategoryRegistry.from_query_interface(query)
    # The rendering the client speaks with the endpoint is the one /-/ answered in.
    spoken = client.renderings[:1]
    observed = status.get("kind")
    return Discovered(
        offered=offered,
        typed=bool(spoken) and spoken[0] in _TYPED_RENDERINGS,
        observed_kind=observed if isinstance(observed, str) and observed else None,
    )


async def bind_adapter(
    adapter: Adapter[Any],
    spec: LifecycleSpec,
    client: OCCIClient,
    status: Mapping[str, Any],
) -> Adapter[Any]:
    """The adapter for this object's pass; OutcomeError (terminal) when the spec misfits."""
    if not adapter.discovered:
        return adapter
    try:
        return adapter.bind(spec, await _discovered(client, status, refresh=False))
    except InvalidSpecError:
        pass
    try:
        return adapter.bind(spec, await _discovered(client, status, refresh=True))
    except InvalidSpecError as exc:
        raise OutcomeError(Outcome.terminal(
            f"The spec does not fit what the endpoint offers: {exc}"
        )) from None
