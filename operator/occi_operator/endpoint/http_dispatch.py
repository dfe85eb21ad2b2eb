"""The one ASGI endpoint behind every path: faults, version, authentication, route, answer.

For each request, in this order:

1. **faults** (off by default): the :class:`~.faults.FaultInjector` of the running
   :class:`~.service.Infrastructure` decides. Added latency is an ``asyncio.sleep``; a
   made-up 5xx answers instead of the request; a *dropped connection* starts an answer
   and abandons it, so the server closes the connection before a complete answer and the
   client sees a transport error; a *lost answer* carries out the create and then drops
   the connection (or answers 500), so the client must find what it created. The admin
   path ``/-/faults`` is exempt, so faults can always be switched off again;
2. a ``User-Agent`` asking for OCCI/1.3 or later: 501 (GFD.223 §5.3);
3. authentication (:mod:`.auth`): 401;
4. the path is classified and the verb looked up in :data:`.routes.ROUTES`: 405 with
   ``Allow`` when the table has no entry, ``OPTIONS`` answers ``Allow``;
5. the answer's media type is negotiated *before* any work is done (406), the body read;
6. the handler runs; whatever it raises on purpose is rendered by
   :func:`.responses.error_answer` in the negotiated rendering (4xx, 503 for a failing
   database). Anything else is a bug: logged with its traceback and answered 500.

Errors are rendered in the negotiated media type, ``text/plain`` when none could be
negotiated or when it was ``text/uri-list``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from .auth import Authenticator
from .errors import InjectedFaultError, MethodNotAllowedError
from .faults import NO_FAULT, FaultDecision
from .http_call import Call
from .http_errors import NotAcceptableError, VersionNotImplementedError
from .http_locations import Locator
from .negotiation import DEFAULT_MEDIA_TYPE, URI_LIST, Purpose, choose_media_type
from .responses import bug_answer, error_answer, error_status, plain_answer
from .routes import FAULTS_PATH, ROUTES, Route, allowed_methods, classify
from .service import Infrastructure
from .settings import EndpointSettings

__all__ = ["Dispatcher", "Runtime", "abandon"]

logger = logging.getLogger("occi_operator.endpoint")

#: How latency is added (a module attribute, so that tests can watch it without waiting).
pause = asyncio.sleep
_VERSION = re.compile(r"\bOCCI/(\d{1,4})\.(\d{1,4})\b", re.IGNORECASE)
_SPOKEN = (1, 2)


@dataclass(frozen=True, slots=True)
class Runtime:
    """What the running endpoint answers with; put on ``app.state`` by the lifespan."""

    settings: EndpointSettings
    infrastructure: Infrastructure
    authenticator: Authenticator


async def abandon(send: Send) -> None:
    """Start an answer that never completes: the server closes the connection unanswered.

    (ASGI has no way to close a connection before the status line; a promised body that
    never comes makes uvicorn close it, and the client sees a protocol error.)
    """
    await send(
        {"type": "http.response.start", "status": 503, "headers": [(b"content-length", b"64")]}
    )


def _check_version(user_agent: str | None) -> None:
    for match in _VERSION.finditer(user_agent or ""):
        version = (int(match.group(1)), int(match.group(2)))
        if version > _SPOKEN:
            raise VersionNotImplementedError(
                f"this endpoint speaks OCCI/1.2; the User-Agent asks for "
                f"OCCI/{version[0]}.{version[1]}"
            )


def _error_media_type(accept: str | None) -> str:
    try:
        media_type = choose_media_type(accept, Purpose.COLLECTION)
    except NotAcceptableError:
        return DEFAULT_MEDIA_TYPE
    return DEFAULT_MEDIA_TYPE if media_type == URI_LIST else media_type


class Dispatcher:
    """The ASGI application of every path; see the module docstring."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one HTTP request."""
        request = Request(scope, receive)
        runtime: Runtime | None = getattr(request.app.state, "runtime", None)
        if runtime is None:
            response = plain_answer(503, "the endpoint is not started (no lifespan ran)")
            await response(scope, receive, send)
            return
        decision = self._decide(runtime, request)
        if decision.latency:
            await pause(decision.latency)
        if decision.drop and not decision.lose_answer:
            await abandon(send)
            return
        if decision.status is not None:
            fault = InjectedFaultError(decision.status)
            media_type = _error_media_type(request.headers.get("accept"))
            response = error_answer(fault.status_code, fault.message, media_type=media_type)
        else:
            response, route = await self._handle(runtime, request)
            lost = decision.lose_answer and route is not None and route.creates
            if lost and response.status_code < 400:
                if decision.drop:
                    await abandon(send)
                    return
                fault = InjectedFaultError(500, "injected fault: the answer of this create is lost")
                response = error_answer(500, fault.message, media_type=DEFAULT_MEDIA_TYPE)
        await response(scope, receive, send)

    @staticmethod
    def _decide(runtime: Runtime, request: Request) -> FaultDecision:
        if request.url.path == FAULTS_PATH:
            return NO_FAULT
        return runtime.infrastructure.faults.decide(request.method, request.url.path)

    async def _handle(self, runtime: Runtime, request: Request) -> tuple[Response, Route | None]:
        accept = request.headers.get("accept")
        error_type = _error_media_type(accept)
        try:
            _check_version(request.headers.get("user-agent"))
            runtime.authenticator.authenticate(request.headers)
            infrastructure = runtime.infrastructure
            path = request.url.path
            target, category = classify(path, infrastructure)
            method = request.method.upper()
            allow = allowed_methods(target)
            if method == "OPTIONS":
                answer = plain_answer(200, f"{path}: {target.value}")
                answer.headers["Allow"] = ", ".join(allow)
                return answer, None
            action = "action" in request.query_params
            route = ROUTES.get((target, "GET" if method == "HEAD" else method, action))
            if route is None:
                what = f"{method} {'?action= ' if action else ''}on {target.value}"
                raise MethodNotAllowedError(f"{what} is not defined ({path})", allow=allow)
            media_type = choose_media_type(accept, route.purpose)
            if media_type != URI_LIST:
                error_type = media_type
            call = Call(
                method=method,
                path=path,
                query=dict(request.query_params.multi_items()),
                headers=tuple((k.decode("latin-1"), v.decode("latin-1"))
                              for k, v in request.headers.raw),
                body=await request.body(),
                content_type=request.headers.get("content-type"),
                media_type=media_type,
                locator=Locator(runtime.settings.base_url or str(request.base_url)),
                category=category,
                max_page_size=runtime.settings.max_page_size,
            )
            return route.handler(infrastructure, call), route
        except Exception as exc:  # the process edge for one request: every error answers
            known = error_status(exc)
            if known is None:
                logger.exception("bug while answering %s %s", request.method, request.url.path)
                return bug_answer(error_type), None
            status, message, headers = known
            return error_answer(status, message, media_type=error_type, headers=headers), None

