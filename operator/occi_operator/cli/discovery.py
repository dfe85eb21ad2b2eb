"""Reading an endpoint's query interface (``/-/``) for a command that lists what it offers.

``templates`` and ``kinds`` both read ``/-/`` once from the endpoint their flags name
(:mod:`.connection`), with a spinner on a terminal and a note when TLS verification is
off; any OCCI failure becomes a :class:`~.console.CommandError` explained by
:mod:`.remedies`. Imports no command module.
"""

from __future__ import annotations

import argparse
import asyncio

from occi_operator.occi.categories import QueryInterface
from occi_operator.occi.errors import OCCIError, redact_url

from .connection import Observed, Target, open_client, target_from
from .console import Console
from .remedies import explain

__all__ = ["read_query_interface"]


async def _discover(target: Target, seen: list[Observed]) -> QueryInterface:
    client, _ = open_client(target.config, seen)
    async with client:
        return await client.discover()


def read_query_interface(
    args: argparse.Namespace, console: Console, *, what: str
) -> tuple[str, QueryInterface]:
    """The endpoint's URL (credentials redacted) and its query interface.

    ``what`` names what is read, for the progress line ("the kinds"). Raises
    :class:`~.console.CommandError` for unusable flags and for every OCCI failure.
    """
    seen: list[Observed] = []
    target = target_from(args)
    url = redact_url(target.config.url)
    if not target.config.verify:
        console.note("TLS verification is disabled (--insecure)",
                     hint="pass the site's CA with --ca-bundle FILE instead")
    try:
        with console.progress(f"reading {what} of {url}"):
            return url, asyncio.run(_discover(target, seen))
    except OCCIError as exc:
        raise explain(exc, target, seen) from exc
