"""What to do about a failed request: OCCI client errors as messages, hints and exit codes.

The client already says *what* failed (:mod:`occi_operator.occi.errors`); a person at a
terminal also wants to know what to check. :func:`explain` adds that, telling a DNS
failure from a refused connection (the client's ``ConnectError`` is chained to the
socket error), a certificate problem from a plain-HTTP port, and naming the flags whose
credentials the endpoint refused. Messages carry the redacted URL, never a secret.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from occi_operator.occi.errors import (
    ConnectError,
    ForbiddenError,
    NotFoundError,
    OCCIError,
    ParseError,
    RequestTimeoutError,
    StatusError,
    TLSError,
    TransportError,
    UnauthorizedError,
)

from .connection import Observed, Target
from .console import CommandError, ExitCode

__all__ = ["explain", "socket_cause"]


def socket_cause(exc: BaseException) -> OSError | None:
    """The operating system's error at the root of a connection failure, if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    found: OSError | None = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, socket.gaierror | ConnectionRefusedError):
            return current
        if isinstance(current, OSError) and found is None:
            found = current
        current = current.__cause__ or current.__context__
    return found


def _host(target: Target) -> str:
    parts = urlsplit(target.config.url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.hostname}:{port}"


def _transport(exc: TransportError, target: Target) -> CommandError:
    host = _host(target)
    if isinstance(exc, TLSError):
        text = str(exc)
        if "WRONG_VERSION_NUMBER" in text or "record layer" in text:
            hint = f"{host} does not seem to speak TLS: try http:// instead of https://"
        elif "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            hint = ("the server's certificate is not trusted: pass the site's CA with "
                    "--ca-bundle FILE (EGI sites: the IGTF bundle); --insecure only to diagnose")
        elif "cannot load" in text:
            hint = "check the --ca-bundle, --cert and --key files (PEM, readable, key matching)"
        else:
            hint = ("the TLS handshake failed: check --cert/--key (an expired proxy?) and "
                    "--ca-bundle")
        return CommandError(f"TLS with {host} failed: {text}", hint=hint,
                            code=ExitCode.UNREACHABLE)
    if isinstance(exc, RequestTimeoutError):
        return CommandError(f"{host} did not answer in time: {exc}",
                            hint="a firewall may drop the packets, or the server is overloaded; "
                            "check the network path or raise --timeout",
                            code=ExitCode.UNREACHABLE)
    cause = socket_cause(exc) if isinstance(exc, ConnectError) else None
    if isinstance(cause, socket.gaierror):
        return CommandError(f"cannot resolve the host name {urlsplit(target.config.url).hostname}"
                            f" ({cause.strerror or cause})",
                            hint="check the host name in --endpoint, your DNS and any proxy",
                            code=ExitCode.UNREACHABLE)
    if isinstance(cause, ConnectionRefusedError):
        return CommandError(f"nothing accepts connections at {host} (connection refused)",
                            hint="check the port in --endpoint and that the OCCI server runs",
                            code=ExitCode.UNREACHABLE)
    if isinstance(exc, ConnectError):
        return CommandError(f"cannot connect to {host}: {exc}",
                            hint="check the host and port in --endpoint and any firewall",
                            code=ExitCode.UNREACHABLE)
    return CommandError(f"the connection to {host} broke: {exc}",
                        hint="a proxy or the server closed it; the server's log may say why "
                        "(is it a TLS port spoken to with http://?)",
                        code=ExitCode.UNREACHABLE)


def _challenge(seen: list[Observed]) -> str:
    for observed in reversed(seen):
        if observed.status == 401 and observed.challenge:
            return observed.challenge.split(None, 1)[0]
    return ""


def _unauthorized(exc: UnauthorizedError, target: Target, seen: list[Observed]) -> CommandError:
    scheme = _challenge(seen)
    asks = f" (it asks for {scheme})" if scheme else ""
    if not target.flags or target.flags == ("--cert",):
        hint = ("give credentials: --username NAME with --password-env VAR or --password-file "
                "FILE, or a token with --token-env VAR or --token-file FILE")
        message = f"the endpoint wants credentials{asks}: {exc}"
    else:
        flags = " and ".join(target.flags)
        hint = f"check {flags}: the endpoint refused {target.credentials_from}"
        if "token" in target.credentials_from:
            hint += " (tokens expire: get a fresh one)"
        if scheme.lower() == "basic" and "token" in target.credentials_from:
            hint = "the endpoint asks for HTTP Basic: use --username with --password-env/-file"
        elif scheme.lower() == "bearer" and target.credentials_from.startswith("user"):
            hint = "the endpoint asks for a token: use --token-env or --token-file"
        message = f"the endpoint refused the credentials{asks}: {exc}"
    return CommandError(message, hint=hint, code=ExitCode.UNAUTHORIZED)


def explain(exc: OCCIError, target: Target, seen: list[Observed] | None = None) -> CommandError:
    """The :class:`CommandError` (message, what to do, exit code) for a client error."""
    seen = seen or []
    if isinstance(exc, TransportError):
        return _transport(exc, target)
    if isinstance(exc, UnauthorizedError):
        return _unauthorized(exc, target, seen)
    if isinstance(exc, ForbiddenError):
        return CommandError(f"the endpoint accepted {target.credentials_from} but does not "
                            f"allow this: {exc}",
                            hint="ask the site for access (project role, VO membership)",
                            code=ExitCode.UNAUTHORIZED)
    if isinstance(exc, NotFoundError):
        return CommandError(f"no OCCI query interface there: {exc}",
                            hint="--endpoint must be the OCCI base URL under which /-/ lives "
                            "(ooi: https://host:8787/occi1.2/)")
    if isinstance(exc, StatusError):
        return CommandError(str(exc), hint="the endpoint's own text is above; its log may say "
                            "more")
    if isinstance(exc, ParseError):
        return CommandError(f"the answer is not OCCI: {exc}",
                            hint="is --endpoint the OCCI endpoint, not a web page or a proxy's "
                            "login page?")
    return CommandError(str(exc))
