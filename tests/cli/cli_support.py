"""What the CLI tests share besides fixtures: the endpoints' secrets and a run's result."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Secrets the endpoints accept; no command output may ever contain one.
PASSWORD = "pw-SeCrEt-4c1d9e"
TOKEN = "tok-SeCrEt-77ab02"
BASIC = {"mode": "basic", "users": {"alice": PASSWORD}}
TOKENS = {"mode": "token", "tokens": [TOKEN]}


@dataclass(frozen=True)
class Result:
    """The outcome of one command run."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        """stdout and stderr together."""
        return self.out + self.err


class Hiding:
    """An ASGI wrapper answering 404 for some paths, as a proxy forwarding only others."""

    def __init__(self, app: ASGIApp, hidden: frozenset[str]) -> None:
        self.app = app
        self.hidden = hidden

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 404 for a hidden path, else pass the request on."""
        if scope["type"] == "http" and scope["path"] in self.hidden:
            await send({"type": "http.response.start", "status": 404,
                        "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"not forwarded"})
            return
        await self.app(scope, receive, send)


class ServerHeader:
    """An ASGI wrapper that replaces the ``Server`` header (drops it when ``value`` is "")."""

    def __init__(self, app: ASGIApp, value: str) -> None:
        self.app = app
        self.value = value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, rewriting the answer's headers."""

        async def rewrite(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message["headers"] if k.lower() != b"server"]
                if self.value:
                    headers.append((b"server", self.value.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, rewrite)
