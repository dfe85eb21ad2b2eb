"""The checks behind ``occi-operator check``: is this endpoint fit for the operator?

:func:`diagnose` talks to the endpoint the way the operator will (the same client, no
retries) and returns one :class:`Check` per question, in an order where each builds on
the one before: reachability, transport security, authentication, the query interface
at ``/-/`` and at the well-known path, the renderings it speaks, the OCCI version its
``Server`` header names, the infrastructure kinds, the templates, and the
contextualization family. When an early check fails, the ones that need it are
``skip``. A failed check says what to do (:mod:`.remedies`); a warning names something
that works but may bite. Nothing here prints; :mod:`.check` does.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from occi_operator.occi import vocabulary as v
from occi_operator.occi.categories import QueryInterface
from occi_operator.occi.client import (
    ContextFamily,
    OCCIClient,
    TemplateFamily,
    detect_contextualization,
    templates,
)
from occi_operator.occi.errors import (
    ForbiddenError,
    OCCIError,
    TLSError,
    TransportError,
    UnauthorizedError,
)

from .connection import RENDERINGS, Observed, Target, open_client
from .remedies import explain

__all__ = ["NAMES", "WELL_KNOWN", "Check", "Status", "diagnose"]

WELL_KNOWN = "/.well-known/org/ogf/occi/"
_VERSION = re.compile(r"\bOCCI/(\d+(?:\.\d+)*)", re.IGNORECASE)
_KINDS = {"compute": v.COMPUTE_KIND, "network": v.NETWORK_KIND, "storage": v.STORAGE_KIND,
          "networkinterface": v.NETWORKINTERFACE_KIND, "storagelink": v.STORAGELINK_KIND}
_LOOPBACK = ("localhost", "127.0.0.1", "::1")
#: The checks, in the order :func:`diagnose` returns them.
NAMES = ("reachability", "tls", "authentication", "query interface", "well-known path",
         "renderings", "occi version", "kinds", "templates", "contextualization")


class Status(enum.StrEnum):
    """The verdict of one check."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"

    @property
    def mark(self) -> str:
        """The mark shown in the table."""
        return {"ok": "✓", "warn": "!", "fail": "✗", "skip": "-"}[self.value]


@dataclass(frozen=True)
class Check:
    """One question about the endpoint, its answer, and what to do when it is not ✓."""

    name: str
    status: Status
    detail: str
    hint: str = ""


def _summary(query: QueryInterface) -> str:
    return (f"{len(query.kinds)} kinds, {len(query.mixins)} mixins, "
            f"{len(query.actions)} actions")


def _security(target: Target, failure: OCCIError | None) -> Check:
    config = target.config
    parts = urlsplit(config.url)
    cert = f"; client certificate {config.client_cert}" if config.client_cert else ""
    if parts.scheme == "http":
        if parts.hostname in _LOOPBACK:
            return Check("tls", Status.OK, "plain HTTP on the loopback interface")
        return Check("tls", Status.WARN, "plain HTTP: credentials and user data travel "
                     "unencrypted", "use an https:// endpoint")
    if isinstance(failure, TLSError):
        error = explain(failure, target)
        return Check("tls", Status.FAIL, error.message, error.hint)
    if not config.verify:
        return Check("tls", Status.WARN, f"the certificate is not verified (--insecure){cert}",
                     "pass the site's CA with --ca-bundle FILE instead of --insecure")
    if failure is not None:
        return Check("tls", Status.SKIP, "no connection")
    trusted = f"--ca-bundle {config.ca_bundle}" if config.ca_bundle else "the system's CAs"
    return Check("tls", Status.OK, f"certificate verified against {trusted}{cert}")


def _authentication(target: Target, failure: OCCIError | None, seen: list[Observed]) -> Check:
    if failure is None:
        if target.flags:
            return Check("authentication", Status.OK, f"accepted {target.credentials_from}")
        return Check("authentication", Status.OK, "the endpoint asks for no credentials")
    if isinstance(failure, UnauthorizedError | ForbiddenError):
        error = explain(failure, target, seen)
        return Check("authentication", Status.FAIL, error.message, error.hint)
    if isinstance(failure, TransportError):
        return Check("authentication", Status.SKIP, "no HTTP answer")
    return Check("authentication", Status.WARN, "not confirmed: the query interface failed",
                 "see the query interface checks")


def _query_path(name: str, answer: Observed | None, query: QueryInterface | None,
                failure: OCCIError | None, other_ok: bool, target: Target) -> Check:
    path = urlsplit(answer.url).path if answer else ""
    if query is not None:
        return Check(name, Status.OK, f"{path}: {_summary(query)}")
    if isinstance(failure, UnauthorizedError | ForbiddenError | TransportError):
        return Check(name, Status.SKIP, "needs a connection and valid credentials")
    status = f"{path} answered {answer.status}" if answer else "no answer"
    detail = f"{status}: {failure}" if failure else status
    if other_ok:
        return Check(name, Status.WARN, detail,
                     "the other query path works; clients that only try this one will fail")
    hint = explain(failure, target).hint if failure else "--endpoint must be the OCCI base URL"
    return Check(name, Status.FAIL, detail, hint)


async def _discover(client: OCCIClient) -> tuple[QueryInterface | None, OCCIError | None]:
    try:
        return await client.discover(), None
    except OCCIError as exc:
        return None, exc


async def _renderings(client: OCCIClient, target: Target) -> Check:
    try:
        offered = await client.probe_renderings()
    except OCCIError as exc:
        error = explain(exc, target)
        return Check("renderings", Status.FAIL, error.message, error.hint)
    missing = [media_type for media_type in RENDERINGS if media_type not in offered]
    if not offered:
        return Check("renderings", Status.FAIL, "the query interface answers in no rendering",
                     "the endpoint speaks none of " + ", ".join(RENDERINGS))
    if missing:
        return Check("renderings", Status.WARN, ", ".join(offered) + "; not " +
                     ", ".join(missing), "the operator uses the ones offered")
    return Check("renderings", Status.OK, ", ".join(offered))


def _version(seen: list[Observed]) -> Check:
    servers = [observed.server for observed in seen if observed.server]
    if not servers:
        return Check("occi version", Status.WARN, "no Server header",
                     "OCCI servers name their version in Server (… OCCI/1.2); 1.2 is assumed")
    found = next(((server, m) for server in servers if (m := _VERSION.search(server))), None)
    if found is None:
        return Check("occi version", Status.WARN, f"Server: {servers[0]} names no OCCI version",
                     "OCCI/1.2 is assumed")
    server, match = found
    if match.group(1) != "1.2":
        return Check("occi version", Status.WARN, f"OCCI/{match.group(1)} (Server: {server})",
                     "the operator speaks OCCI 1.2 and accepts the 1.1 leftovers of rOCCI/ooi")
    return Check("occi version", Status.OK, f"OCCI/1.2 (Server: {server})")


def _catalog(query: QueryInterface) -> list[Check]:
    present = {kind.type_id for kind in query.kinds}
    missing = [term for term, type_id in _KINDS.items() if type_id not in present]
    if len(missing) == len(_KINDS):
        kinds = Check("kinds", Status.FAIL, "no OCCI infrastructure kind",
                      "is this an OCCI infrastructure endpoint?")
    elif missing:
        kinds = Check("kinds", Status.WARN, "missing: " + ", ".join(missing),
                      "objects of the missing kinds cannot be managed here")
    else:
        kinds = Check("kinds", Status.OK, ", ".join(_KINDS))
    os_count = len(templates(query, TemplateFamily.OS))
    resource_count = len(templates(query, TemplateFamily.RESOURCE))
    counted = f"{os_count} os_tpl, {resource_count} resource_tpl"
    found = Check("templates", Status.OK if os_count and resource_count else Status.WARN,
                  counted, "" if os_count and resource_count else
                  "a Compute names an os_tpl and usually a resource_tpl; ask the site")
    family = detect_contextualization(query)
    if family is None:
        context = Check("contextualization", Status.WARN, "no user_data or ssh_key mixin",
                        "cloud-init data and SSH keys cannot be passed to virtual machines")
    else:
        label = "OCCI 1.2" if family.family is ContextFamily.OCCI else "OpenStack (legacy)"
        offers = [name for name, mixin in (("user data", family.user_data),
                                            ("SSH key", family.ssh_key)) if mixin]
        complete = len(offers) == 2
        context = Check("contextualization", Status.OK if complete else Status.WARN,
                        f"{label}: " + ", ".join(offers),
                        "" if complete else "only part of the family is offered")
    return [kinds, found, context]


def _answer(seen: list[Observed], url: str) -> Observed | None:
    """The first answer to a request of ``url``'s path."""
    path = urlsplit(url).path
    return next((observed for observed in seen if urlsplit(observed.url).path == path), None)


def _reachability(target: Target, failure: OCCIError | None, seen: list[Observed]) -> Check:
    if isinstance(failure, TransportError):
        error = explain(failure, target)
        return Check("reachability", Status.FAIL, error.message, error.hint)
    where = urlsplit(target.config.url).netloc
    return Check("reachability", Status.OK, f"HTTP answer from {where} ({seen[0].status})"
                 if seen else f"HTTP answer from {where}")


async def _well_known(target: Target, seen: list[Observed]
                      ) -> tuple[QueryInterface | None, OCCIError | None]:
    """The query interface at the well-known path, asked by a client of its own.

    (The operator's client settles on the first path that answers, so it never asks the
    second one; a client whose base is the well-known directory asks exactly that path.)
    """
    config = target.config.model_copy(update={"url": urljoin(target.config.url, WELL_KNOWN)})
    client, _ = open_client(config, seen)
    async with client:
        return await _discover(client)


async def diagnose(target: Target) -> list[Check]:
    """Every check against the endpoint of ``target``, in order (see the module docstring)."""
    seen: list[Observed] = []
    try:
        client, _ = open_client(target.config, seen)
    except OCCIError as exc:  # an unreadable CA bundle or client certificate
        return [Check("reachability", Status.SKIP, "not tried: the TLS settings are unusable"),
                _security(target, exc),
                *(Check(name, Status.SKIP, "needs a connection") for name in NAMES[2:])]
    async with client:
        query, failure = await _discover(client)
        checks = [_reachability(target, failure, seen),
                  _security(target, failure if isinstance(failure, TransportError) else None),
                  _authentication(target, failure, seen)]
        well_query, well_failure = (None, failure)
        if query is not None:
            well_query, well_failure = await _well_known(target, seen)
        primary = _answer(seen, urljoin(target.config.url, "-/"))
        primary_ok = primary is not None and primary.status == 200
        checks += [
            _query_path("query interface", primary, query if primary_ok else None,
                        failure, well_query is not None, target),
            _query_path("well-known path",
                        _answer(seen, urljoin(target.config.url, WELL_KNOWN + "-/")),
                        well_query, well_failure, primary_ok, target),
        ]  # fmt: skip
        if query is None:
            needs = "needs the query interface"
            return [*checks, Check("renderings", Status.SKIP, needs),
                    _version(seen) if seen else Check("occi version", Status.SKIP, needs),
                    *(Check(name, Status.SKIP, needs) for name in NAMES[7:])]
        checks.append(await _renderings(client, target))
    return [*checks, _version(seen), *_catalog(query)]
