"""How a command reaches an OCCI endpoint: the shared flags, the client, what went over the wire.

``templates`` and ``check`` take the same flags: ``--endpoint URL``, credentials read
from an environment variable or a file named on the command line (a secret itself never
is: it would show in ``ps`` and in shell history), TLS options and a timeout. From them
:func:`target_from` builds the :class:`~occi_operator.occi.client.EndpointConfig` and a
description of where the credentials came from (for hints; never the secret).

:func:`open_client` gives an :class:`~occi_operator.occi.client.OCCIClient` whose
transport notes each answer's status and a few headers (:class:`Wire`): ``Server``
carries the OCCI version, ``WWW-Authenticate`` the scheme a 401 asks for. The client
itself never shows those. A command does not retry: it reports, and the user decides.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr, ValidationError

from occi_operator.occi.client import (
    BasicCredentials,
    BearerCredentials,
    Credentials,
    EndpointConfig,
    NoCredentials,
    OCCIClient,
    RetryPolicy,
    TimeoutSettings,
    TokenCredentials,
)
from occi_operator.occi.client.tls import build_ssl_context

from .console import CommandError, ExitCode

__all__ = ["Observed", "Target", "Wire", "add_endpoint_arguments", "open_client", "target_from"]

#: Every rendering that can carry the query interface, JSON first: only JSON carries
#: attribute defaults (a resource template's cores and memory).
RENDERINGS = ("application/occi+json", "text/plain", "text/occi")
#: The ``--token-header`` choice that sends the token as ``X-Auth-Token`` (Keystone style).
STATIC_HEADER = "x-auth-token"


def add_endpoint_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--endpoint``, the credential, TLS and timeout flags to a command."""
    parser.add_argument("--endpoint", required=True, metavar="URL",
                        help="Base URL of the OCCI endpoint, e.g. https://cloud.example.org:11443/"
                        " (ooi: https://host:8787/occi1.2/).")
    auth = parser.add_argument_group(
        "credentials", "Secrets are read from an environment variable or a file, never "
        "taken on the command line.")
    auth.add_argument("--username", metavar="NAME", help="User name for HTTP Basic.")
    password = auth.add_mutually_exclusive_group()
    password.add_argument("--password-env", metavar="VAR",
                          help="Environment variable holding the HTTP Basic password.")
    password.add_argument("--password-file", metavar="FILE", type=Path,
                          help="File holding the HTTP Basic password.")
    token = auth.add_mutually_exclusive_group()
    token.add_argument("--token-env", metavar="VAR",
                       help="Environment variable holding a token (OIDC access token or "
                       "Keystone token).")
    token.add_argument("--token-file", metavar="FILE", type=Path,
                       help="File holding a token.")
    auth.add_argument("--token-header", choices=("bearer", STATIC_HEADER), default="bearer",
                      help="How the token is sent: 'Authorization: Bearer' (default) or "
                      "'X-Auth-Token' (Keystone).")
    tls = parser.add_argument_group("TLS")
    tls.add_argument("--ca-bundle", metavar="FILE", type=Path,
                     help="PEM file of the CA certificates to trust (a site's private CA).")
    tls.add_argument("--insecure", action="store_true",
                     help="Do not verify the server's certificate (diagnosis only).")
    tls.add_argument("--cert", metavar="FILE", type=Path,
                     help="PEM client certificate; may also hold the key and chain (VOMS proxy).")
    tls.add_argument("--key", metavar="FILE", type=Path,
                     help="PEM client key, when not in --cert.")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                        help="Seconds to wait for a connection and for each answer (default 10).")


@dataclass(frozen=True)
class Target:
    """The endpoint a command talks to, and where its credentials came from (no secret)."""

    config: EndpointConfig
    credentials_from: str = "no credentials"
    flags: tuple[str, ...] = ()


def _secret(*, env: str | None, file: Path | None, what: str,
            environ: Mapping[str, str]) -> tuple[SecretStr, str]:
    """The secret named by ``--…-env VAR`` or ``--…-file FILE``, and a description of it."""
    if env is not None:
        value = environ.get(env, "")
        if not value:
            raise CommandError(f"the environment variable {env} holding the {what} is not set "
                               "or empty", hint=f"export {env}=… before running the command",
                               code=ExitCode.CONFIGURATION)
        return SecretStr(value), f"${env}"
    assert file is not None
    try:
        value = file.read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise CommandError(f"cannot read the {what} file {file}: {reason}",
                           hint="check the path and its permissions",
                           code=ExitCode.CONFIGURATION) from None
    if not value:
        raise CommandError(f"the {what} file {file} is empty", code=ExitCode.CONFIGURATION)
    return SecretStr(value), str(file)


def _credentials(args: argparse.Namespace, environ: Mapping[str, str]
                 ) -> tuple[Credentials, str, tuple[str, ...]]:
    password_given = args.password_env is not None or args.password_file is not None
    token_given = args.token_env is not None or args.token_file is not None
    if token_given and (args.username or password_given):
        raise CommandError("give either a user name and password or a token, not both",
                           code=ExitCode.USAGE)
    if password_given and not args.username:
        raise CommandError("a password needs --username", code=ExitCode.USAGE)
    if args.username:
        if not password_given:
            raise CommandError("--username needs --password-env VAR or --password-file FILE",
                               code=ExitCode.USAGE)
        password, source = _secret(env=args.password_env, file=args.password_file,
                                   what="password", environ=environ)
        flag = "--password-env" if args.password_env else "--password-file"
        return (BasicCredentials(username=args.username, password=password),
                f"user {args.username!r}, password from {source}", ("--username", flag))
    if token_given:
        token, source = _secret(env=args.token_env, file=args.token_file, what="token",
                                environ=environ)
        flag = "--token-env" if args.token_env else "--token-file"
        if args.token_header == STATIC_HEADER:
            return TokenCredentials(token=token), f"X-Auth-Token from {source}", (flag,)
        return BearerCredentials(token=token), f"bearer token from {source}", (flag,)
    return NoCredentials(), "no credentials", ()


def target_from(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Target:
    """The endpoint configuration the flags describe; a :class:`CommandError` if unusable."""
    environ = os.environ if environ is None else environ
    if args.key is not None and args.cert is None:
        raise CommandError("--key needs --cert", code=ExitCode.USAGE)
    if args.timeout <= 0:
        raise CommandError("--timeout must be more than 0 seconds", code=ExitCode.USAGE)
    credentials, described, flags = _credentials(args, environ)
    try:
        config = EndpointConfig(
            url=args.endpoint, auth=credentials, verify=not args.insecure,
            ca_bundle=args.ca_bundle, client_cert=args.cert, client_key=args.key,
            rendering=RENDERINGS[0], fallback_renderings=RENDERINGS[1:], rate=None,
            retry=RetryPolicy(max_attempts=1), discovery_ttl=3600.0,
            timeouts=TimeoutSettings(connect=args.timeout, read=args.timeout,
                                     write=args.timeout, pool=args.timeout),
        )  # fmt: skip
    except ValidationError as exc:
        problems = "; ".join(str(error["msg"]) for error in exc.errors())
        raise CommandError(f"--endpoint: {problems}",
                           hint="give the base URL, e.g. https://cloud.example.org:11443/, "
                           "and the credentials through their flags",
                           code=ExitCode.USAGE) from None
    if args.cert is not None:
        certificate = f"client certificate {args.cert}"
        described = f"{described}, {certificate}" if flags else certificate
        flags = (*flags, "--cert")
    return Target(config, described, flags)


@dataclass(frozen=True)
class Observed:
    """One answer as it came over the wire: request, status and the headers we read."""

    method: str
    url: str
    status: int
    server: str
    challenge: str


@dataclass
class Wire(httpx.AsyncBaseTransport):
    """A transport that notes every answer of the transport it wraps."""

    inner: httpx.AsyncBaseTransport
    seen: list[Observed] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Pass the request on; note the answer."""
        response = await self.inner.handle_async_request(request)
        self.seen.append(Observed(
            method=request.method, url=str(request.url.copy_with(query=None)),
            status=response.status_code, server=response.headers.get("Server", ""),
            challenge=response.headers.get("WWW-Authenticate", ""),
        ))  # fmt: skip
        return response

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()

    def answered(self, url: str) -> Observed | None:
        """The first answer to a request of ``url``, if any came."""
        path = urlsplit(url).path
        return next((seen for seen in self.seen if urlsplit(seen.url).path == path), None)


@contextmanager
def _tls_warnings_muted() -> Iterator[None]:
    """Mute the TLS module's per-client warning; the commands say it once, their way.

    (Every client builds its SSL context, and each build warns when verification is off:
    a command with two clients would print it four times.)
    """
    logger = logging.getLogger(build_ssl_context.__module__)
    was = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = was


def open_client(config: EndpointConfig, seen: list[Observed] | None = None
                ) -> tuple[OCCIClient, Wire]:
    """A client of the endpoint whose answers are noted on its :class:`Wire`.

    Clients given the same ``seen`` list note their answers in it. The transport has
    the endpoint's TLS settings; an unreadable CA or key file raises a ``TLSError``.
    """
    with _tls_warnings_muted():
        context = build_ssl_context(
            verify=config.verify, ca_bundle=config.ca_bundle,
            client_cert=config.client_cert, client_key=config.client_key,
            key_password=config.client_key_password,
        )  # fmt: skip
        wire = Wire(httpx.AsyncHTTPTransport(verify=context), [] if seen is None else seen)
        return OCCIClient(config, transport=wire), wire
