"""Every verb on every path of GFD.223, in one table.

Paths are classified, not pattern-matched, because kinds and (user) mixins bind their
collections at run time (GFD.223 §4):

* ``/-/`` and ``/.well-known/org/ogf/occi/-/``: the query interface (§7);
* the location of a kind (``/compute/``) or of a mixin (``/os_tpl/``, a user mixin's):
  a collection (§9); the trailing slash may be left out;
* ``/-/faults``: this endpoint's own admin path for fault injection (not OCCI);
* any other path: an entity (§8), which may or may not exist.

:data:`ROUTES` maps (target, verb, is it an action) to the handler and to what the answer
holds, which decides the media types it can be rendered in. A verb missing for a target
is a 405 whose ``Allow`` is read from the same table; ``HEAD`` is ``GET`` without a body.

============================  =========  ============  ============  =========  =========
target                        GET        POST          POST ?action  PUT        DELETE
============================  =========  ============  ============  =========  =========
query interface               categories add mixins    —             —          remove mixins
entity                        render     update        trigger       create or  delete
                                                                     replace
kind collection               list       create        trigger all   —          delete all
mixin collection              list       associate     trigger all   replace    disassociate
============================  =========  ============  ============  =========  =========
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from starlette.responses import Response

from occi_operator.occi.categories import Kind, Mixin

from . import http_handlers as handlers
from .http_call import Call
from .negotiation import Purpose
from .service import Infrastructure

__all__ = ["QUERY_PATHS", "ROUTES", "Route", "Target", "allowed_methods", "classify"]

#: The query interface (GFD.223 §7) and its RFC 5785 twin.
QUERY_PATHS = frozenset({"/-/", "/.well-known/org/ogf/occi/-/"})
FAULTS_PATH = "/-/faults"

Handler = Callable[[Infrastructure, Call], Response]


class Target(enum.Enum):
    """What a path names."""

    QUERY = "the query interface"
    ENTITY = "an entity"
    KIND = "a kind collection"
    MIXIN = "a mixin collection"
    FAULTS = "the fault-injection settings"


@dataclass(frozen=True, slots=True)
class Route:
    """A handler and what its answer holds (for negotiation); ``creates`` marks a create."""

    handler: Handler
    purpose: Purpose
    creates: bool = False


ROUTES: dict[tuple[Target, str, bool], Route] = {
    (Target.QUERY, "GET", False): Route(handlers.get_categories, Purpose.QUERY),
    (Target.QUERY, "POST", False): Route(handlers.add_mixins, Purpose.QUERY),
    (Target.QUERY, "DELETE", False): Route(handlers.remove_mixins, Purpose.QUERY),
    (Target.ENTITY, "GET", False): Route(handlers.get_entity, Purpose.ENTITY),
    (Target.ENTITY, "POST", False): Route(handlers.update_entity, Purpose.ENTITY),
    (Target.ENTITY, "POST", True): Route(handlers.trigger_entity, Purpose.ENTITY),
    (Target.ENTITY, "PUT", False): Route(handlers.put_entity, Purpose.ENTITY),
    (Target.ENTITY, "DELETE", False): Route(handlers.delete_entity, Purpose.ENTITY),
    (Target.KIND, "GET", False): Route(handlers.list_collection, Purpose.COLLECTION),
    (Target.KIND, "POST", False): Route(handlers.create_entity, Purpose.LOCATIONS, True),
    (Target.KIND, "POST", True): Route(handlers.trigger_collection, Purpose.COLLECTION),
    (Target.KIND, "DELETE", False): Route(handlers.delete_collection, Purpose.COLLECTION),
    (Target.MIXIN, "GET", False): Route(handlers.list_collection, Purpose.COLLECTION),
    (Target.MIXIN, "POST", False): Route(handlers.associate, Purpose.COLLECTION),
    (Target.MIXIN, "POST", True): Route(handlers.trigger_collection, Purpose.COLLECTION),
    (Target.MIXIN, "PUT", False): Route(handlers.replace_members, Purpose.COLLECTION),
    (Target.MIXIN, "DELETE", False): Route(handlers.disassociate, Purpose.COLLECTION),
    (Target.FAULTS, "GET", False): Route(handlers.get_faults, Purpose.ENTITY),
    (Target.FAULTS, "PUT", False): Route(handlers.set_faults, Purpose.ENTITY),
}


def allowed_methods(target: Target) -> tuple[str, ...]:
    """The verbs the table has for a target, for ``Allow`` (with HEAD and OPTIONS)."""
    verbs = dict.fromkeys(method for (kind, method, _), _route in ROUTES.items() if kind is target)
    if "GET" in verbs:
        verbs["HEAD"] = None
    verbs["OPTIONS"] = None
    return tuple(verbs)


def classify(path: str, infrastructure: Infrastructure) -> tuple[Target, Kind | Mixin | None]:
    """What ``path`` names, and the kind or mixin of a collection."""
    if path in QUERY_PATHS or path + "/" in QUERY_PATHS:
        return Target.QUERY, None
    if path == FAULTS_PATH:
        return Target.FAULTS, None
    category = infrastructure.category_at(path)
    if category is None and not path.endswith("/"):
        category = infrastructure.category_at(path + "/")
    if isinstance(category, Kind):
        return Target.KIND, category
    if isinstance(category, Mixin):
        return Target.MIXIN, category
    return Target.ENTITY, None
