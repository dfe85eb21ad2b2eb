"""One endpoint's HTTP session: limits, retries and error translation around httpx.

:class:`Session` owns the shared ``httpx.AsyncClient`` of an
:class:`~.client.OCCIClient`. Every request passes the endpoint's
:class:`~.limits.EndpointLimiter`; repeatable ones are retried following the
:class:`~.retry.RetryPolicy`; httpx exceptions leave this module only as
:class:`~..errors.TransportError`. It knows nothing of OCCI renderings.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from types import TracebackType

import httpx

from occi_operator.occi.errors import redact_url

from .auth import build_auth
from .clock import Clock
from .limits import EndpointLimiter
from .observer import RequestRecord, target_of
from .retry import is_retryable_error, is_retryable_status, parse_retry_after
from .settings import EndpointConfig
from .tls import build_ssl_context
from .translate import transport_error

__all__ = ["Session"]

logger = logging.getLogger("occi_operator.occi.client")


class Session:
    """The HTTP side of one endpoint; use as ``async with`` or call :meth:`aclose`."""

    def __init__(
        self,
        config: EndpointConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock,
    ) -> None:
        self._config = config
        self._clock = clock
        timeouts = config.timeouts
        self._http = httpx.AsyncClient(
            transport=transport,
            verify=build_ssl_context(
                verify=config.verify,
                ca_bundle=config.ca_bundle,
                client_cert=config.client_cert,
                client_key=config.client_key,
                key_password=config.client_key_password,
            ),
            auth=build_auth(config.auth, clock=clock),
            timeout=httpx.Timeout(
                connect=timeouts.connect,
                read=timeouts.read,
                write=timeouts.write,
                pool=timeouts.pool,
            ),
            headers={"User-Agent": config.user_agent},
            limits=httpx.Limits(max_connections=config.max_concurrency),
            follow_redirects=False,
        )
        self.limiter = EndpointLimiter(
            max_concurrency=config.max_concurrency,
            rate=config.rate,
            burst=config.burst,
            clock=clock,
        )

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Sequence[tuple[str, str]],
        content: bytes | None = None,
        repeatable: bool,
    ) -> httpx.Response:
        """Send one request; repeat it on passing failures only when ``repeatable``.

        Returns the last answer, whatever its status: deciding what a status means is
        the caller's job. Raises :class:`~..errors.TransportError` when no answer came.
        """
        policy = self._config.retry
        attempt = 0
        while True:
            attempt += 1
            queued = self._clock.monotonic()
            sent = queued
            try:
                async with self.limiter:
                    sent = self._clock.monotonic()
                    response = await self._http.request(
                        method, url, headers=list(headers), content=content
                    )
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                error = transport_error(exc, method, url)
                self._observe(method, url, None, type(error).__name__, queued, sent)
                delay = (
                    policy.delay(attempt, jitter=self._clock.random(), retry_after=None)
                    if repeatable and is_retryable_error(error)
                    else None
                )
                if delay is None:
                    raise error from exc
                logger.warning("%s; retry %d in %.2fs", error, attempt, delay)
                await self._clock.sleep(delay)
                continue
            status = response.status_code
            self._observe(method, url, status, None, queued, sent)
            logger.debug("%s %s -> %d", method, redact_url(url), status)
            if repeatable and is_retryable_status(status):
                retry_after = parse_retry_after(response.headers, now=self._clock.now())
                delay = policy.delay(attempt, jitter=self._clock.random(), retry_after=retry_after)
                if delay is not None:
                    logger.warning(
                        "%s %s answered %d; retry %d in %.2fs",
                        method,
                        redact_url(url),
                        status,
                        attempt,
                        delay,
                    )
                    await self._clock.sleep(delay)
                    continue
            return response

    def _observe(
        self, method: str, url: str, status: int | None, error: str | None,
        queued: float, sent: float,
    ) -> None:
        """Hand the request's record to the configured observer, if any."""
        observer = self._config.observer
        if observer is None:
            return
        record = RequestRecord(
            method=method,
            target=target_of(self._config.url, url),
            status_code=status,
            error=error,
            duration=max(0.0, self._clock.monotonic() - sent),
            limiter_wait=max(0.0, sent - queued),
        )
        try:
            observer(record)
        except Exception as exc:  # a broken observer must not break the request
            logger.warning("the request observer failed (%s)", type(exc).__name__)

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
