"""One negotiated request: the rendering loop around :class:`~.session.Session`.

:class:`Exchange` sends a request in the best rendering the endpoint has not refused,
repeats it in the next one on ``406``/``415`` (see :mod:`.negotiation`) and hands back
an :class:`Answer`, which knows how to parse itself and which error it is. It decides
nothing about OCCI verbs; :class:`~.client.OCCIClient` does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx

from occi_operator.occi.errors import NotAcceptableError, RenderError, StatusError
from occi_operator.occi.rendering import Message, Rendering, rendering_for

from .negotiation import Negotiator, Purpose
from .retry import parse_retry_after
from .session import Session
from .translate import status_error

__all__ = ["Answer", "Exchange"]

logger = logging.getLogger("occi_operator.occi.client")

_T = TypeVar("_T")


@dataclass(frozen=True)
class Answer:
    """An HTTP answer with the request it answers and the rendering that was asked for."""

    method: str
    url: str
    response: httpx.Response
    rendering: Rendering
    retry_after: float | None

    @property
    def status_code(self) -> int:
        """The HTTP status."""
        return self.response.status_code

    def error(self) -> StatusError:
        """The :class:`StatusError` this answer stands for."""
        return status_error(self.method, self.url, self.response, retry_after=self.retry_after)

    def raise_for_status(self) -> None:
        """Raise :meth:`error` unless the status is 2xx."""
        if not self.response.is_success:
            raise self.error()

    def message(self) -> Message:
        """The answer as a rendering sees it."""
        content_type = self.response.headers.get("Content-Type", "")
        return Message.from_pairs(
            content_type, self.response.content, self.response.headers.multi_items()
        )

    def parse(self, parse: Callable[[Rendering, Message], _T]) -> _T:
        """Parse with the rendering the server says it sent (else the one asked for)."""
        content_type = self.response.headers.get("Content-Type")
        rendering = Negotiator.answer_rendering(content_type, self.rendering)
        message = self.message()
        if not content_type:
            message = Message(rendering.media_types[0], message.body, message.headers)
        return parse(rendering, message)


class Exchange:
    """Negotiated requests to one endpoint."""

    def __init__(
        self, session: Session, negotiator: Negotiator, *, now: Callable[[], float]
    ) -> None:
        self._session = session
        self._negotiator = negotiator
        self._now = now

    def _answer(self, method: str, url: str, response: httpx.Response, rendering: Rendering
                ) -> Answer:
        retry_after = parse_retry_after(response.headers, now=self._now())
        return Answer(method, url, response, rendering, retry_after)

    async def send(
        self,
        method: str,
        url: str,
        *,
        purpose: Purpose,
        repeatable: bool,
        build: Callable[[Rendering], Message] | None = None,
        only: str | None = None,
        first: str | None = None,
    ) -> Answer:
        """Send in the best rendering left (or ``only``); on 406/415 try the next one.

        ``build`` renders the body in a given rendering; a rendering that cannot carry
        it (an entity in text/uri-list) is skipped. ``first`` is tried before the
        preferred rendering when it is configured and not refused.
        """
        refused: Answer | None = None
        candidates = [only] if only else self._negotiator.candidates(purpose, first=first)
        for media_type in candidates:
            rendering = rendering_for(media_type)
            headers = [("Accept", media_type)]
            content = None
            if build is not None:
                try:
                    message = build(rendering)
                except RenderError:
                    continue
                headers.extend(message.headers)
                if message.body or method != "GET":
                    headers.append(("Content-Type", message.content_type))
                    content = message.body
            response = await self._session.send(
                method, url, headers=headers, content=content, repeatable=repeatable
            )
            answer = self._answer(method, url, response, rendering)
            if response.status_code in (406, 415):
                logger.info("endpoint refused %s (%d)", media_type, response.status_code)
                self._negotiator.refuse(media_type)
                refused = answer
                continue
            if response.is_success:
                self._negotiator.offer(response.headers.get("Content-Type") or media_type)
            return answer
        if refused is not None:
            raise refused.error()
        raise NotAcceptableError(
            method=method,
            url=url,
            status_code=406,
            server_message="no rendering left to try; refused: "
            + (", ".join(self._negotiator.refused) or "none"),
        )
