"""``occi-operator kinds --endpoint URL``: the kinds an endpoint serves and which CRD manages each.

Reads the endpoint's query interface once and lists its kinds: the standard ones
(Infrastructure, Platform) and a provider's own. The CRD column says which custom resource
manages objects of the kind: a typed one (Compute, Application, …) or the generic
``OCCIResource``. ``--kind`` (a type identifier or a term) shows one kind in full: its
attributes with their rules, as the generic CRD's ``spec.resource.attributes`` must follow
them, its actions and the mixins that apply to it. A table for people, ``--output json``
for scripts. A thin shell: failures are explained by :mod:`.remedies`.

The text renderings of ``/-/`` carry attribute names and flags but no types, defaults or
ranges (GFD.229); JSON carries them all, so discovery asks for JSON first.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from occi_operator.api.v1alpha1.kinds import MANAGED_KINDS
from occi_operator.occi.attributes import AttributeDefinition
from occi_operator.occi.categories import Kind, QueryInterface
from occi_operator.occi.vocabulary import ENTITY_KIND

from .connection import add_endpoint_arguments
from .console import CommandError, Console, ExitCode, OutputFormat
from .discovery import read_query_interface

__all__ = ["add_parser", "crd_for", "describe_kind", "find_kind", "run", "summarise"]

#: The CRD kind of the objects that become this OCCI kind; everything else is generic.
_TYPED = {info.occi_kind: info.kind for info in MANAGED_KINDS if info.kind != "OCCIResource"}
GENERIC = "OCCIResource"
HEADERS = ("TERM", "TITLE", "CRD", "PARENT", "LOCATION", "ACTIONS", "SCHEME")
ATTRIBUTE_HEADERS = ("ATTRIBUTE", "TYPE", "MUTABLE", "REQUIRED", "DEFAULT", "RULE")


def crd_for(kind: Kind) -> str:
    """The CRD whose objects become ``kind``: a typed one or the generic OCCIResource.

    ``core#entity`` is abstract (every entity is a resource or a link): no CRD, "-".
    """
    if kind.type_id == ENTITY_KIND:
        return "-"
    return _TYPED.get(kind.type_id, GENERIC)


def _term(type_id: str | None) -> str:
    return "" if type_id is None else type_id.rpartition("#")[2]


def summarise(query: QueryInterface) -> list[dict[str, Any]]:
    """One entry per kind, sorted by scheme then term."""
    return [
        {"term": kind.term, "title": kind.title or "", "crd": crd_for(kind),
         "parent": kind.parent, "location": kind.location, "actions": list(kind.actions),
         "scheme": kind.scheme, "type_id": kind.type_id}
        for kind in sorted(query.kinds, key=lambda k: (k.scheme, k.term))
    ]


def find_kind(query: QueryInterface, wanted: str) -> Kind:
    """The kind named by type identifier or term; CommandError lists the offered ones."""
    matches = [k for k in query.kinds if wanted in (k.type_id, k.term)]
    if len(matches) == 1:
        return matches[0]
    offered = ", ".join(sorted(k.type_id for k in query.kinds))
    if matches:
        raise CommandError(f"the term {wanted!r} names {len(matches)} kinds",
                           hint=f"give the type identifier: one of {offered}")
    raise CommandError(f"the endpoint serves no kind {wanted!r}", hint=f"it serves {offered}")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _rule(definition: AttributeDefinition) -> str:
    rules = []
    if definition.enum:
        rules.append("one of " + "|".join(definition.enum))
    if definition.pattern:
        rules.append(f"matches {definition.pattern}")
    if definition.minimum is not None or definition.maximum is not None:
        low = "" if definition.minimum is None else _number(definition.minimum)
        high = "" if definition.maximum is None else _number(definition.maximum)
        rules.append(f"range [{low}, {high}]")
    return "; ".join(rules)


def describe_kind(query: QueryInterface, kind: Kind) -> dict[str, Any]:
    """A kind in full: attributes (its own; the core ones are spec fields), actions, mixins."""
    return {
        "type_id": kind.type_id, "title": kind.title or "", "crd": crd_for(kind),
        "parent": kind.parent, "location": kind.location, "actions": list(kind.actions),
        "attributes": [
            {"name": a.name, "type": a.type.value, "mutable": a.mutable,
             "required": a.required, "default": a.default, "rule": _rule(a),
             "description": a.description}
            for a in sorted(kind.attributes, key=lambda a: a.name)
            if not a.name.startswith("occi.core.")
        ],
        "mixins": sorted(m.type_id for m in query.mixins if kind.type_id in m.applies),
    }


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``kinds`` to the command line."""
    parser = commands.add_parser(
        "kinds",
        help="List the kinds an OCCI endpoint serves and the CRD that manages each.",
        description="List the kinds of an OCCI endpoint (standard and the provider's own) "
        "and which custom resource manages each; --kind shows one kind's attributes, "
        "actions and applicable mixins.",
    )
    add_endpoint_arguments(parser)
    parser.add_argument("--kind", metavar="TYPE_ID_OR_TERM",
                        help="Show this kind in full (a type identifier or a term).")
    parser.add_argument("--output", choices=[f.value for f in OutputFormat],
                        default=OutputFormat.TABLE.value,
                        help="A table for people (default) or JSON for scripts.")
    parser.set_defaults(run=run)



def _cell(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _show_kind(console: Console, described: dict[str, Any]) -> None:
    console.line(f"{described['type_id']}  ({described['title'] or 'no title'})")
    console.line(f"CRD: {described['crd']}   parent: {_cell(described['parent'])}   "
                 f"location: {_cell(described['location'])}")
    console.line("actions: " + (", ".join(_term(a) for a in described["actions"]) or "-"))
    console.line("mixins: " + (", ".join(described["mixins"]) or "-"))
    console.line()
    console.table(ATTRIBUTE_HEADERS, [
        (a["name"], a["type"], _cell(a["mutable"]), _cell(a["required"]), _cell(a["default"]),
         _cell(a["rule"])) for a in described["attributes"]])


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None
        ) -> int:
    """Run ``kinds``; returns an :class:`~.console.ExitCode`."""
    console = Console(out or sys.stdout, err or sys.stderr, prefix="occi-operator kinds")
    try:
        url, query = read_query_interface(args, console, what="the kinds")
        kind = find_kind(query, args.kind) if args.kind else None
    except CommandError as error:
        return console.fail(error)
    if kind is not None:
        described = describe_kind(query, kind)
        if args.output == OutputFormat.JSON:
            console.json({"endpoint": url, "kind": described})
        else:
            _show_kind(console, described)
        return ExitCode.OK
    kinds = summarise(query)
    if args.output == OutputFormat.JSON:
        console.json({"endpoint": url, "kinds": kinds})
        return ExitCode.OK
    console.table(HEADERS, [
        (k["term"], k["title"], k["crd"], _term(k["parent"]) or "-", _cell(k["location"]),
         ",".join(_term(a) for a in k["actions"]) or "-", k["scheme"]) for k in kinds])
    return ExitCode.OK
