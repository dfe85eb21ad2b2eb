"""Endpoint objects' own status: does the endpoint answer, what does it offer.

:class:`EndpointProbe` reads an OCCIEndpoint's (or ClusterOCCIEndpoint's) query interface
``/-/`` with the same shared client the managed objects use and writes the endpoint's
status: Ready/Reconciling/Stalled (``EndpointUnauthorized`` when the credentials are
refused — a separate signal users look for first, after CAPO), the rendering in use and
the template terms it offers, so that ``kubectl get occiendpoint`` tells whether the
endpoint works before any Compute does. Nothing is written when nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from occi_operator.occi.client import TemplateFamily
from occi_operator.occi.client.discovery import templates
from occi_operator.occi.errors import OCCIError

from .endpoints import EndpointPool
from .failures import ErrorDelays, outcome_of
from .kube import KubeError, KubeNotFoundError, KubeObject
from .outcome import Outcome, OutcomeError
from .status import StatusWriter, format_time

__all__ = ["EndpointProbe"]


class EndpointProbe:
    """Probes endpoint objects and writes their status."""

    def __init__(
        self,
        *,
        endpoints: EndpointPool,
        status: StatusWriter,
        delays: ErrorDelays | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._endpoints = endpoints
        self._status = status
        self._delays = delays or ErrorDelays()
        self._now = now

    async def probe(self, endpoint: KubeObject) -> Outcome:
        """Read ``/-/`` of ``endpoint``; write what it says; return the outcome."""
        fields: dict[str, Any] = {}
        try:
            lease = await self._endpoints.lease_endpoint(endpoint)
            try:
                query = await lease.client.discover(refresh=True)
                rendering = (lease.client.renderings or (lease.client.config.rendering,))[0]
            finally:
                await self._endpoints.release(lease)
            fields = {
                "rendering": rendering,
                "os_templates": sorted(m.term for m in templates(query, TemplateFamily.OS)),
                "resource_templates": sorted(
                    m.term for m in templates(query, TemplateFamily.RESOURCE)
                ),
            }
            outcome = Outcome.done(f"The endpoint answers; it offers {len(query.kinds)} kinds")
        except OutcomeError as stop:
            outcome = stop.outcome
        except OCCIError as exc:
            outcome = outcome_of(exc, doing=f"probing {endpoint.display}", delays=self._delays)
        candidate = self._status.compose(endpoint, outcome, fields=fields)
        if self._status.changed(endpoint.status, candidate):
            fields["last_discovery_time"] = format_time(self._now())
        try:
            await self._status.write(endpoint, outcome, fields=fields)
        except KubeNotFoundError:
            return outcome
        except KubeError as exc:
            return outcome_of(exc, doing="writing the endpoint status", delays=self._delays)
        return outcome
