"""``occi-operator templates --endpoint URL``: the templates an endpoint offers.

Reads the endpoint's query interface once (JSON first, since only JSON carries attribute
defaults, then the text renderings) and lists its template mixins
(:func:`~occi_operator.occi.client.templates`): OCCI Infrastructure's ``os_tpl`` and
``resource_tpl`` (what a Compute's ``osTemplate`` and ``resourceTemplate`` name) and OCCI
Platform's ``app_tpl`` and ``res_tpl`` (an Application's or Component's
``applicationTemplate`` and ``resourceTemplate``); a table for people, ``--output json``
for scripts. A resource template's cores and memory are the defaults it gives
``occi.compute.cores`` and ``occi.compute.memory``; an endpoint that sends no defaults
(text renderings, ooi) leaves them empty. A thin shell: failures are explained by
:mod:`.remedies`.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict, dataclass
from typing import TextIO

from occi_operator.occi import vocabulary as v
from occi_operator.occi.categories import Mixin, QueryInterface
from occi_operator.occi.client import TemplateFamily, templates

from .connection import add_endpoint_arguments
from .console import CommandError, Console, ExitCode, OutputFormat
from .discovery import read_query_interface

__all__ = ["Template", "add_parser", "list_templates", "run"]

_SHORT = {TemplateFamily.OS: "os", TemplateFamily.RESOURCE: "resource",
          TemplateFamily.APPLICATION: "app", TemplateFamily.PLATFORM_RESOURCE: "res"}
_INFRASTRUCTURE = (TemplateFamily.OS, TemplateFamily.RESOURCE)
_PLATFORM = (TemplateFamily.APPLICATION, TemplateFamily.PLATFORM_RESOURCE)
_FAMILIES = {
    **{short: (family,) for family, short in _SHORT.items()},
    "infrastructure": _INFRASTRUCTURE, "platform": _PLATFORM,
    "all": _INFRASTRUCTURE + _PLATFORM,
}
HEADERS = ("TERM", "TITLE", "FAMILY", "CORES", "MEMORY (GiB)", "SCHEME")


@dataclass(frozen=True)
class Template:
    """One template as the command shows it."""

    term: str
    title: str
    family: str
    scheme: str
    type_id: str
    cores: int | float | None
    memory: int | float | None


def _number(mixin: Mixin, name: str) -> int | float | None:
    definition = mixin.attribute(name)
    value = definition.default if definition else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def list_templates(query: QueryInterface, families: tuple[TemplateFamily, ...]
                   ) -> list[Template]:
    """The templates of ``families`` in a query interface, in that order, each by term."""
    found = []
    for family in families:
        for mixin in sorted(templates(query, family), key=lambda m: m.term):
            found.append(Template(
                term=mixin.term, title=mixin.title or "", family=_SHORT[family],
                scheme=mixin.scheme, type_id=mixin.type_id,
                cores=_number(mixin, v.COMPUTE_CORES) if family is TemplateFamily.RESOURCE
                else None,
                memory=_number(mixin, v.COMPUTE_MEMORY) if family is TemplateFamily.RESOURCE
                else None,
            ))  # fmt: skip
    return found


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``templates`` to the command line."""
    parser = commands.add_parser(
        "templates",
        help="List the templates an OCCI endpoint offers (OS, resource, application).",
        description="List the template mixins of an OCCI endpoint: os_tpl and resource_tpl "
        "(what a Compute's osTemplate and resourceTemplate can name), app_tpl and res_tpl "
        "(an Application's or Component's applicationTemplate and resourceTemplate).",
    )
    add_endpoint_arguments(parser)
    parser.add_argument("--family", choices=tuple(_FAMILIES), default="all",
                        help="Which templates to list: one family (os, resource, app, "
                        "res), infrastructure, platform or all (default).")
    parser.add_argument("--output", choices=[f.value for f in OutputFormat],
                        default=OutputFormat.TABLE.value,
                        help="A table for people (default) or JSON for scripts.")
    parser.set_defaults(run=run)



def _shown(value: int | float | None) -> str:
    return "-" if value is None else f"{value:g}"


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None
        ) -> int:
    """Run ``templates``; returns an :class:`~.console.ExitCode`."""
    console = Console(out or sys.stdout, err or sys.stderr, prefix="occi-operator templates")
    try:
        url, query = read_query_interface(args, console, what="the templates")
    except CommandError as error:
        return console.fail(error)
    found = list_templates(query, _FAMILIES[args.family])
    if args.output == OutputFormat.JSON:
        console.json({"endpoint": url, "templates": [asdict(t) for t in found]})
        return ExitCode.OK
    if not found:
        console.note(f"{url} offers no {'' if args.family == 'all' else args.family + ' '}"
                      "templates", hint="a Compute needs an os_tpl; ask the site which images "
                      "it publishes")
        return ExitCode.OK
    console.table(HEADERS, [(t.term, t.title, t.family, _shown(t.cores), _shown(t.memory),
                             t.scheme) for t in found])
    return ExitCode.OK
