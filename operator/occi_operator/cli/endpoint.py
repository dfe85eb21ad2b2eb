"""``occi-operator endpoint serve``: run the embedded OCCI 1.2 endpoint with uvicorn.

A thin shell: flags become :class:`~occi_operator.endpoint.settings.EndpointSettings`
keyword arguments (only the flags given, so the environment and the configuration file
still apply underneath), the catalog is loaded before anything listens (a bad catalog
fails at once, naming file and line), the socket is bound here (so ``--port 0`` can
print the port it got), then uvicorn serves :func:`~occi_operator.endpoint.app.create_app`.
Output goes through one console; failures map to :class:`ExitCode` in :func:`serve`.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import signal
import socket
import sys
from typing import Any, TextIO

from pydantic import ValidationError
from pydantic_settings import SettingsError

from occi_operator.endpoint.catalog import load_catalog
from occi_operator.endpoint.errors import CatalogError
from occi_operator.endpoint.settings import AuthMode, EndpointSettings

__all__ = ["ExitCode", "add_parser", "serve"]

_FIELDS = EndpointSettings.model_fields
#: Flag destination → settings field (a dotted name goes into a nested model).
_FLAG_FIELDS = {
    "host": "host",
    "port": "port",
    "data": "data_dir",
    "database": "database",
    "catalog": "catalog",
    "config": "config",
    "base_url": "base_url",
    "provisioning_delay": "provisioning_delay_seconds",
    "max_page_size": "max_page_size",
    "sqlite_synchronous": "sqlite_synchronous",
    "auth": "auth.mode",
}


class ExitCode(enum.IntEnum):
    """How ``endpoint serve`` ends."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    CONFIGURATION = 3


def _help(field: str) -> str:
    return (_FIELDS[field].description or "").replace("%", "%%")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``endpoint serve`` to the command line."""
    endpoint = commands.add_parser("endpoint", help="The embedded OCCI 1.2 endpoint.")

    def usage(args: argparse.Namespace) -> int:
        endpoint.print_help()
        return ExitCode.USAGE

    endpoint.set_defaults(run=usage)
    actions = endpoint.add_subparsers(dest="endpoint_command", metavar="COMMAND")
    parser = actions.add_parser(
        "serve",
        help="Serve the embedded OCCI endpoint over HTTP.",
        description="Serve the embedded OCCI 1.2 endpoint (SQLite-backed) over HTTP.",
    )
    parser.add_argument("--host", help=_help("host"))
    parser.add_argument("--port", type=int, help=_help("port"))
    parser.add_argument("--data", metavar="DIR", help=_help("data_dir"))
    parser.add_argument("--database", metavar="FILE", help=_help("database"))
    parser.add_argument("--catalog", metavar="FILE", help=_help("catalog"))
    parser.add_argument("--config", metavar="FILE", help=_help("config"))
    parser.add_argument("--base-url", metavar="URL", help=_help("base_url"))
    parser.add_argument(
        "--provisioning-delay", type=float, metavar="SECONDS",
        help=_help("provisioning_delay_seconds"),
    )
    parser.add_argument("--max-page-size", type=int, metavar="N", help=_help("max_page_size"))
    parser.add_argument(
        "--sqlite-synchronous", choices=["normal", "full"], help=_help("sqlite_synchronous")
    )
    parser.add_argument(
        "--auth", choices=[mode.value for mode in AuthMode],
        help=(
            "How requests are authenticated; users and tokens come from the configuration "
            "file or OCCI_ENDPOINT_AUTH__USERS / OCCI_ENDPOINT_AUTH__TOKENS, never from a flag."
        ),
    )
    parser.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"],
        help="How much the HTTP server logs.",
    )
    parser.set_defaults(run=serve)


def settings_from(args: argparse.Namespace) -> EndpointSettings:
    """The settings the given flags ask for (environment and file fill in the rest)."""
    values: dict[str, Any] = {}
    for flag, field in _FLAG_FIELDS.items():
        value = getattr(args, flag, None)
        if value is None:
            continue
        outer, _, inner = field.partition(".")
        if inner:
            values.setdefault(outer, {})[inner] = value
        else:
            values[outer] = value
    return EndpointSettings(**values)


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket; ``proto`` must say TCP so that asyncio sets TCP_NODELAY.

    (asyncio disables Nagle only on sockets whose ``proto`` is IPPROTO_TCP; one made with
    ``socket.create_server`` has proto 0, and every answer then waits ~40 ms for the
    client's delayed ACK between uvicorn's header and body writes.)
    """
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )[0]
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(2048)
    except OSError:
        listener.close()
        raise
    return listener


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(args: argparse.Namespace, console: TextIO | None = None) -> int:
    """Run the endpoint until interrupted; returns the exit code."""
    out = console or sys.stdout
    try:
        settings = settings_from(args)
        catalog = load_catalog(settings.catalog)
    except (ValidationError, SettingsError, CatalogError) as exc:
        print(f"occi-operator endpoint: invalid configuration: {exc}", file=sys.stderr)
        return ExitCode.CONFIGURATION
    try:
        listener = _listen(settings.host, settings.port)
    except OSError as exc:
        print(f"occi-operator endpoint: cannot listen on {settings.host}:{settings.port}: "
              f"{exc}", file=sys.stderr)
        return ExitCode.FAILURE

    import uvicorn  # here, so that `--help` and the other commands stay fast

    from occi_operator.endpoint.app import create_app

    url = settings.base_url or _url(settings.host, listener.getsockname()[1])
    print(f"OCCI 1.2 endpoint at {url.rstrip('/')}/ (auth: {settings.auth.mode.value}, "
          f"database: {settings.database_path})", file=out)
    print(f"try: curl -H 'Accept: text/plain' {url.rstrip('/')}/-/", file=out, flush=True)
    config = uvicorn.Config(
        create_app(settings, catalog=catalog),
        log_level=args.log_level,
        server_header=False,  # the app sends its own Server header, with OCCI/1.2
        lifespan="on",
        access_log=args.log_level == "debug",
    )
    server = uvicorn.Server(config)
    # uvicorn shuts down gracefully on SIGINT/SIGTERM and then re-raises the signal to the
    # handler that was there before it; ours turns SIGTERM into the same normal end as Ctrl-C
    signal.signal(signal.SIGTERM, _interrupt)
    with listener, contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[listener])
    return ExitCode.OK if server.started else ExitCode.FAILURE
