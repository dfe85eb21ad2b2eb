"""The OCCI Platform categories: application, component, componentLink and their mixins.

The source is the OGF occi-wg draft ``platform.tex`` ("Open Cloud Computing Interface –
Platform"), which never became a GFD but is what PaaS extensions of OCCI implement:

* §"Application Kind Definition" (table ``tbl:app``): ``occi.app.name`` (String, 1,
  mutable), ``occi.app.context`` (URL, 1, immutable), ``occi.app.url`` (URL, 1, immutable,
  "DNS entry"), ``occi.app.state`` (Enum {active, inactive, error}, 1, immutable) and
  ``occi.app.state.message`` (String, 0..1, immutable); actions start (target active) and
  stop (target inactive) in the scheme ``…/occi/platform/action#``.
* §"Component Kind Definition": ``occi.component.state`` and ``.state.message`` the same
  way, and the same start and stop actions (the draft gives both kinds one action scheme).
* §"Linking to Components": the ``componentLink`` kind (parent ``core#link``) joins an
  application to a component or two components.
* §"Platform Templates": the ``app_tpl`` and ``res_tpl`` mixins; provider templates relate
  to them. The draft says "through the applies attribute", which GFD.221 reserves for
  kinds, so provider templates here ``depends`` on them, as GFD.224 templates do.
* §"Database Mixin": ``database`` applies to component, ``occi.database.version`` (String,
  1, immutable); §"Database Link": ``databaseLink`` applies to componentLink,
  ``occi.database.uri`` (URI, 1), ``.username`` and ``.token`` (0..1, all immutable; the
  draft types the last two "URI", a slip: they are plain strings).

Multiplicity 1 becomes ``required``; the draft gives no defaults, so the only default is
each state's initial ``inactive``. The URL and URI attributes carry a loose pattern (a
scheme, a colon, no blanks), a bound the project adds. Names are spelt as the draft spells
them, camel case included (``componentLink``, ``databaseLink``); erocci lowercases both.

The categories are frozen pydantic models built fresh by each call. Imports:
:mod:`.attributes`, :mod:`.categories` and :mod:`.vocabulary` only.
"""

from __future__ import annotations

from . import vocabulary as v
from .attributes import AttributeDefinition
from .categories import Action, Kind, Mixin

__all__ = ["COMPONENTLINK_SOURCES", "COMPONENTLINK_TARGETS", "platform_categories"]

#: The kinds a componentLink may start from (platform.tex, "Linking to Components").
COMPONENTLINK_SOURCES = (v.APPLICATION_KIND, v.COMPONENT_KIND)
#: The kinds a componentLink may point at.
COMPONENTLINK_TARGETS = (v.COMPONENT_KIND,)

#: A URI: a scheme, a colon and no blanks (RFC 3986 §3.1, loosely); the project's bound.
_URI_PATTERN = r"[A-Za-z][A-Za-z0-9+.\-]*:\S+"


def _attr(name: str, description: str, **properties: object) -> AttributeDefinition:
    return AttributeDefinition.model_validate(
        {"name": name, "description": description, **properties}
    )


def _state(name: str, what: str) -> AttributeDefinition:
    return _attr(
        name,
        f"State of the {what} (initially inactive).",
        mutable=False,
        required=True,
        default=v.STATE_INACTIVE,
        enum=v.PLATFORM_STATES,
    )


def _message(name: str) -> AttributeDefinition:
    return _attr(
        name, "Human-readable explanation of the current instance state.", mutable=False
    )


def _application_attributes() -> tuple[AttributeDefinition, ...]:
    return (
        _attr(v.APP_NAME, "Name of the application.", required=True),
        _attr(
            v.APP_CONTEXT,
            "URL for contextualizing the application (e.g. where its code comes from).",
            mutable=False,
            required=True,
            pattern=_URI_PATTERN,
        ),
        _attr(
            v.APP_URL,
            "URL (DNS entry) the application is reached at; the provider assigns it.",
            mutable=False,
            required=True,
            pattern=_URI_PATTERN,
        ),
        _state(v.APP_STATE, "application"),
        _message(v.APP_STATE_MESSAGE),
    )


def _kinds(actions: tuple[str, ...]) -> tuple[Kind, ...]:
    return (
        Kind(
            scheme=v.PLATFORM_SCHEME,
            term="application",
            title="Application",
            parent=v.RESOURCE_KIND,
            location="/application/",
            attributes=_application_attributes(),
            actions=actions,
        ),
        Kind(
            scheme=v.PLATFORM_SCHEME,
            term="component",
            title="Component",
            parent=v.RESOURCE_KIND,
            location="/component/",
            attributes=(
                _state(v.COMPONENT_STATE, "component"),
                _message(v.COMPONENT_STATE_MESSAGE),
            ),
            actions=actions,
        ),
        Kind(
            scheme=v.PLATFORM_SCHEME,
            term="componentLink",
            title="Component link (application or component to component)",
            parent=v.LINK_KIND,
            location="/componentlink/",
        ),
    )


def _template_mixins() -> tuple[Mixin, ...]:
    return (
        Mixin(
            scheme=v.PLATFORM_SCHEME,
            term="app_tpl",
            title="Application template (the framework an application runs on)",
            applies=(v.APPLICATION_KIND,),
            location="/app_tpl/",
        ),
        Mixin(
            scheme=v.PLATFORM_SCHEME,
            term="res_tpl",
            title="Resource template (a preset size for applications and components)",
            applies=(v.APPLICATION_KIND, v.COMPONENT_KIND),
            location="/res_tpl/",
        ),
    )


def _database_mixins() -> tuple[Mixin, ...]:
    return (
        Mixin(
            scheme=v.PLATFORM_SCHEME,
            term="database",
            title="Database component",
            applies=(v.COMPONENT_KIND,),
            location="/database/",
            attributes=(
                _attr(
                    v.DATABASE_VERSION,
                    "Version of the database; the provider assigns it when not given.",
                    mutable=False,
                    required=True,
                ),
            ),
        ),
        Mixin(
            scheme=v.PLATFORM_SCHEME,
            term="databaseLink",
            title="Database access for a component link",
            applies=(v.COMPONENTLINK_KIND,),
            location="/databaselink/",
            attributes=(
                _attr(
                    v.DATABASE_URI,
                    "Connection URI of the database instance; the provider assigns it.",
                    mutable=False,
                    required=True,
                    pattern=_URI_PATTERN,
                ),
                _attr(v.DATABASE_USERNAME, "User name to connect with.", mutable=False),
                _attr(
                    v.DATABASE_TOKEN,
                    "Secret token (password) to connect with; a credential.",
                    mutable=False,
                ),
            ),
        ),
    )


def platform_categories() -> tuple[Kind | Mixin | Action, ...]:
    """The kinds, mixins and actions of the OCCI Platform draft."""
    actions = (
        Action(
            scheme=v.PLATFORM_ACTION_SCHEME,
            term="start",
            title="Start the application or component",
        ),
        Action(
            scheme=v.PLATFORM_ACTION_SCHEME,
            term="stop",
            title="Stop the application or component",
        ),
    )
    action_ids = tuple(action.type_id for action in actions)
    return (*_kinds(action_ids), *_template_mixins(), *_database_mixins(), *actions)
