"""The catalog's OCCI Platform templates: app_tpl and res_tpl mixins (platform.tex).

Application templates say what an application runs on (a language runtime) or, for a
component, which database it is; resource templates give a preset size. As with the
infrastructure templates (:mod:`.catalog`), each is a provider mixin that ``depends`` on
the draft's ``…/platform#app_tpl`` or ``…/platform#res_tpl`` and carries its values as
attribute defaults. A database template also depends on ``…/platform#database``, so a
component created with ``postgresql-16`` is a database component whose
``occi.database.version`` defaults to the template's ``16``.

The YAML sections look like this (each ``scheme`` optional)::

    app_tpl:
      templates:
        - {term: python-3.12, title: Python 3.12, runtime: "python:3.12"}
        - term: postgresql-16
          title: PostgreSQL 16
          database: {engine: postgresql, version: "16", port: 5432}
    res_tpl:
      templates:
        - {term: small, title: Small, memory: 0.5, instances: 1}

Collections: ``/app_tpl/<term>/`` and ``/res_tpl/<term>/``, inside the draft mixins'
own. Runtime, engine, port, memory and instances are not OCCI attributes: they carry the
``dev.occi-operator.`` prefix. Imports no web framework.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from occi_operator.occi import vocabulary as v
from occi_operator.occi.attributes import AttributeDefinition, AttributeType
from occi_operator.occi.categories import Mixin

__all__ = [
    "ATTR_DATABASE_ENGINE",
    "ATTR_DATABASE_PORT",
    "ATTR_INSTANCES",
    "ATTR_MEMORY",
    "ATTR_RUNTIME",
    "DEFAULT_APP_TPL_SCHEME",
    "DEFAULT_RES_TPL_SCHEME",
    "AppTemplate",
    "AppTemplateSection",
    "DatabaseEngine",
    "PlatformResourceTemplate",
    "PlatformResourceTemplateSection",
]

DEFAULT_APP_TPL_SCHEME = "http://occi-operator.dev/occi/app_tpl#"
DEFAULT_RES_TPL_SCHEME = "http://occi-operator.dev/occi/res_tpl#"
ATTR_RUNTIME = "dev.occi-operator.app.runtime"
ATTR_DATABASE_ENGINE = "dev.occi-operator.database.engine"
ATTR_DATABASE_PORT = "dev.occi-operator.database.port"
ATTR_MEMORY = "dev.occi-operator.platform.memory"
ATTR_INSTANCES = "dev.occi-operator.platform.instances"

_TERM_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"  # the same terms as the other templates
_ENGINE_PATTERN = r"^[a-z][a-z0-9+.\-]*$"  # it becomes the scheme of a connection URI
Term = Annotated[str, Field(pattern=_TERM_PATTERN, max_length=128, description="OCCI term.")]
Title = Annotated[str, Field(min_length=1, description="Human-readable title.")]


def _fixed(name: str, value: object, kind: AttributeType, description: str) -> AttributeDefinition:
    """A provider attribute whose default is the template's value."""
    return AttributeDefinition(
        name=name, type=kind, default=value, mutable=False, description=description
    )


def _check_scheme(value: str) -> str:
    if not value.startswith(("http://", "https://")) or not value.endswith("#"):
        raise ValueError(f"scheme {value!r} must be an absolute http(s) URI ending in '#'")
    return value


class DatabaseEngine(BaseModel):
    """What a database template offers: engine (URI scheme), version and port."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    engine: str = Field(pattern=_ENGINE_PATTERN, description="Engine, e.g. postgresql.")
    version: str = Field(min_length=1, description="Version, e.g. 16.")
    port: int = Field(ge=1, le=65535, strict=True, description="TCP port it listens on.")


class AppTemplate(BaseModel):
    """An application template: a runtime (for applications) or a database (for components)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    term: Term
    title: Title
    description: str | None = Field(default=None, description="Longer text for listings.")
    runtime: str | None = Field(default=None, min_length=1, description="e.g. python:3.12.")
    database: DatabaseEngine | None = None

    @model_validator(mode="after")
    def _runtime_or_database(self) -> AppTemplate:
        if (self.runtime is None) == (self.database is None):
            raise ValueError("give exactly one of runtime (an application template) and "
                             "database (a database component template)")
        return self

    def mixin(self, scheme: str, database: Mixin) -> Mixin:
        """The app_tpl mixin for this template; ``database`` is the draft's database mixin."""
        if self.database is None:
            runtime = _fixed(ATTR_RUNTIME, self.runtime, AttributeType.STRING,
                             "Runtime the application is built and run with.")
            return Mixin(
                scheme=scheme, term=self.term, title=self.title, attributes=(runtime,),
                depends=(v.APP_TPL_MIXIN,), applies=(v.APPLICATION_KIND,),
                location=f"/app_tpl/{self.term}/",
            )
        version = database.attribute_map()[v.DATABASE_VERSION]
        attributes = (
            version.model_copy(update={"default": self.database.version}),
            _fixed(ATTR_DATABASE_ENGINE, self.database.engine, AttributeType.STRING,
                   "Database engine; the scheme of connection URIs."),
            _fixed(ATTR_DATABASE_PORT, self.database.port, AttributeType.INTEGER,
                   "TCP port the database listens on."),
        )
        return Mixin(
            scheme=scheme, term=self.term, title=self.title, attributes=attributes,
            depends=(v.APP_TPL_MIXIN, v.DATABASE_MIXIN), applies=(v.COMPONENT_KIND,),
            location=f"/app_tpl/{self.term}/",
        )


class PlatformResourceTemplate(BaseModel):
    """A preset size for applications and components, offered as a res_tpl mixin."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    term: Term
    title: Title
    memory: float = Field(gt=0, le=65536, strict=True, description="Memory in GiB.")
    instances: int = Field(default=1, ge=1, le=1024, strict=True,
                           description="How many instances run.")

    def mixin(self, scheme: str) -> Mixin:
        """The res_tpl mixin for this template under ``scheme``."""
        return Mixin(
            scheme=scheme, term=self.term, title=self.title,
            attributes=(
                _fixed(ATTR_MEMORY, self.memory, AttributeType.NUMBER,
                       "Memory of each instance in GiB."),
                _fixed(ATTR_INSTANCES, self.instances, AttributeType.INTEGER,
                       "Number of instances."),
            ),
            depends=(v.RES_TPL_MIXIN,), applies=(v.APPLICATION_KIND, v.COMPONENT_KIND),
            location=f"/res_tpl/{self.term}/",
        )


class AppTemplateSection(BaseModel):
    """The ``app_tpl`` section: a scheme and the application templates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scheme: str = Field(default=DEFAULT_APP_TPL_SCHEME, description="Scheme of the mixins.")
    templates: tuple[AppTemplate, ...] = ()

    _scheme = field_validator("scheme")(_check_scheme)


class PlatformResourceTemplateSection(BaseModel):
    """The ``res_tpl`` section: a scheme and the size templates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scheme: str = Field(default=DEFAULT_RES_TPL_SCHEME, description="Scheme of the mixins.")
    templates: tuple[PlatformResourceTemplate, ...] = ()

    _scheme = field_validator("scheme")(_check_scheme)
