"""What the endpoint checks and assigns for the OCCI Platform kinds (platform.tex).

* an **application** gets its ``occi.app.url``, the provider's DNS entry:
  ``http://<name>-<id prefix>.apps.<endpoint host>/`` — deterministic per resource, unique
  on the endpoint because the id is. It is created ``inactive`` with the state message
  ``deploying`` and becomes ``active`` after the provisioning delay (:mod:`.service_writes`);
* a **component** does the same; one that is a database (the ``database`` mixin, given
  or depended on by a database template) gets ``occi.database.version`` from its template,
  else :data:`DEFAULT_DATABASE_VERSION`;
* a **componentLink** goes from an application or a component to a component
  ("Linking to Components"); one carrying ``databaseLink`` must point at a database
  component on this endpoint and gets what a client needs to connect, unless the request
  gave it: ``occi.database.username`` (from the source's name), ``occi.database.uri``
  (``<engine>://<user>@<component id>.db.<host>:<port>/<user>``, engine and port from
  the component's template, else PostgreSQL's) and ``occi.database.token``, a random
  secret that is stored and rendered like any attribute but never logged.

Problems raise 400 naming the entity and the attribute or end. Imports no web layer.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import quote, urlsplit

from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import Entity, Link, Resource
from occi_operator.occi.platform import COMPONENTLINK_SOURCES, COMPONENTLINK_TARGETS
from occi_operator.occi.registry import CategoryRegistry

from .catalog_platform import ATTR_DATABASE_ENGINE, ATTR_DATABASE_PORT
from .errors import BadRequestError
from .service_links import local_path
from .store import Store

__all__ = [
    "DEFAULT_DATABASE_ENGINE",
    "DEFAULT_DATABASE_PORT",
    "DEFAULT_DATABASE_VERSION",
    "DEPLOYING_MESSAGE",
    "PlatformRules",
    "is_database",
]

#: The version, engine and port of a database component no template describes.
DEFAULT_DATABASE_VERSION = "16"
DEFAULT_DATABASE_ENGINE = "postgresql"
DEFAULT_DATABASE_PORT = 5432
#: The state message of an application or component until it is active.
DEPLOYING_MESSAGE = "deploying"
_STATE_MESSAGES = {
    v.APPLICATION_KIND: v.APP_STATE_MESSAGE, v.COMPONENT_KIND: v.COMPONENT_STATE_MESSAGE,
}
_NOT_LABEL = re.compile(r"[^a-z0-9]+")
_NOT_USER = re.compile(r"[^a-z0-9_]+")


def _term(type_id: str) -> str:
    return type_id.rpartition("#")[2]


def _label(text: str, fallback: str, *, pattern: re.Pattern[str] = _NOT_LABEL,
           join: str = "-") -> str:
    """``text`` as a DNS label (or user name): lower case, safe characters, short."""
    label = pattern.sub(join, text.lower()).strip(join)[:40].strip(join)
    return label or fallback


def is_database(registry: CategoryRegistry, entity: Entity) -> bool:
    """True for an entity with the database mixin, given or depended on by a template."""
    return any(m.type_id == v.DATABASE_MIXIN for m in registry.with_dependencies(entity.mixins))


class PlatformRules:
    """Checks and provider assignments for platform entities; see the module docstring."""

    def __init__(self, store: Store, *, base_url: str | None) -> None:
        """``base_url`` gives the host name generated URLs use (``localhost`` without one)."""
        self._store = store
        self._host = (urlsplit(base_url).hostname if base_url else None) or "localhost"

    def assign_resource(self, registry: CategoryRegistry, resource: Resource) -> Resource:
        """A new application or component with what the provider assigns (else unchanged)."""
        attributes = dict(resource.attributes)
        if registry.is_a(resource.kind, v.APPLICATION_KIND):
            name = str(attributes.get(v.APP_NAME) or resource.title or "")
            ident = _label(str(resource.id), "app")[:8]
            attributes.setdefault(
                v.APP_URL, f"http://{_label(name, 'app')}-{ident}.apps.{self._host}/"
            )
        if registry.is_a(resource.kind, v.COMPONENT_KIND) and is_database(registry, resource):
            attributes.setdefault(v.DATABASE_VERSION, DEFAULT_DATABASE_VERSION)
        message = next((m for k, m in _STATE_MESSAGES.items() if registry.is_a(resource.kind, k)),
                       None)
        if message is not None:
            attributes[message] = DEPLOYING_MESSAGE
        return resource.model_copy(update={"attributes": attributes})

    def assign_link(self, registry: CategoryRegistry, link: Link, *, what: str) -> Link:
        """A new componentLink checked, with the database access it carries (else unchanged)."""
        if not registry.is_a(link.kind, v.COMPONENTLINK_KIND):
            return link
        source = self._store.get(str(link.source))
        if source is None or not any(registry.is_a(source.entity.kind, k)
                                     for k in COMPONENTLINK_SOURCES):
            raise BadRequestError(f"{what}: occi.core.source must be an application or a "
                                  f"component, {link.source} is a {link.source_kind}")
        path = local_path(link.target)
        target = self._store.get(path) if path else None
        if target is not None and not any(registry.is_a(target.entity.kind, k)
                                          for k in COMPONENTLINK_TARGETS):
            raise BadRequestError(f"{what}: occi.core.target must be a component, "
                                  f"{target.location} is a {target.entity.kind}")
        if v.DATABASELINK_MIXIN not in link.mixins:
            return link
        if target is None or not is_database(registry, target.entity):
            raise BadRequestError(
                f"{what}: mixin {v.DATABASELINK_MIXIN} needs a target component on this "
                f"endpoint with the {_term(v.DATABASE_MIXIN)} mixin; {link.target} is none"
            )
        attributes = dict(link.attributes)
        named = source.entity.attributes.get(v.APP_NAME) or source.entity.title or ""
        user = str(attributes.setdefault(
            v.DATABASE_USERNAME, _label(str(named), "app", pattern=_NOT_USER, join="_")))
        database = target.entity
        engine = database.attributes.get(ATTR_DATABASE_ENGINE, DEFAULT_DATABASE_ENGINE)
        port = database.attributes.get(ATTR_DATABASE_PORT, DEFAULT_DATABASE_PORT)
        host = f"{_label(str(database.id), 'db')}.db.{self._host}"
        user = quote(user, safe="")
        attributes.setdefault(v.DATABASE_URI, f"{engine}://{user}@{host}:{port}/{user}")
        attributes.setdefault(v.DATABASE_TOKEN, secrets.token_urlsafe(24))
        return link.model_copy(update={"attributes": attributes})
