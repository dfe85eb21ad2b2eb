"""The endpoint's catalog: template mixins and provider kinds read from a YAML file.

OCCI templates are provider mixins that ``depends`` on ``…/infrastructure#os_tpl`` or
``…/infrastructure#resource_tpl`` and ``applies`` to compute. Their attribute definitions
carry the template's values as ``default``: a mixin's default overrides the kind's, so a
compute created (or updated) with the ``large`` resource_tpl gets its cores and memory.

The file looks like this (both sections optional, each ``scheme`` optional)::

    os_tpl:
      scheme: "http://occi-operator.dev/occi/os_tpl#"
      templates:
        - {term: debian-12, title: Debian 12, architecture: x64, image: debian-12-generic}
    resource_tpl:
      templates:
        - {term: small, title: Small, cores: 1, memory: 2.0, disk: 20}

Each template's mixin collection lives inside its parent's (``/os_tpl/`` and
``/resource_tpl/`` in :mod:`occi_operator.occi.infrastructure`): ``/os_tpl/debian-12/``,
``/resource_tpl/small/``. Kind collections (``/compute/``) and entities never live there,
and terms are unique within a family, so these paths cannot collide.

The ``occi.compute.*`` definitions are the compute kind's own (type, enumeration, bounds,
description) with the template's value as ``default``; image and disk, which OCCI does not
define, are provider attributes with the ``dev.occi-operator.`` prefix.

The OCCI Platform templates (``app_tpl``, ``res_tpl`` sections) are described in
:mod:`.catalog_platform`, the provider's own kinds (``kinds`` section) in
:mod:`.catalog_kinds`; type identifiers and collection paths must be unique across all
sections and must not clash with a standard category.

Loading reads the whole file, refuses keys given twice and terms used twice, and turns
every problem into one :class:`CatalogError` that names the file, the line, the entry (by
index and term) and the field. This module does no HTTP and imports no web framework.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from occi_operator.occi import vocabulary as v
from occi_operator.occi.attributes import AttributeDefinition, AttributeType
from occi_operator.occi.categories import Action, Kind, Mixin
from occi_operator.occi.infrastructure import infrastructure_categories
from occi_operator.occi.registry import standard_registry
from occi_operator.strict_yaml import YamlError, line_of, load_yaml

from .catalog_kinds import ProviderKind
from .catalog_platform import AppTemplateSection, PlatformResourceTemplateSection
from .errors import CatalogError

__all__ = [
    "ATTR_DISK",
    "ATTR_IMAGE",
    "DEFAULT_OS_TPL_SCHEME",
    "DEFAULT_RESOURCE_TPL_SCHEME",
    "Catalog",
    "CatalogError",
    "DuplicateTemplateError",
    "OsTemplate",
    "ResourceTemplate",
    "compute_definitions",
    "default_catalog",
    "load_catalog",
    "parse_catalog",
]

DEFAULT_OS_TPL_SCHEME = "http://occi-operator.dev/occi/os_tpl#"
DEFAULT_RESOURCE_TPL_SCHEME = "http://occi-operator.dev/occi/resource_tpl#"
#: Provider attributes (reverse-DNS prefix, as GFD.221 asks of non-``occi.`` names).
ATTR_IMAGE = "dev.occi-operator.compute.image"
ATTR_DISK = "dev.occi-operator.compute.disk"

_DEFAULT_RESOURCE = "default_catalog.yaml"
_TERM_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"  # GFD.229 §2.1 as relaxed in 1.2

Architecture = Literal["x86", "x64"]
Term = Annotated[str, Field(pattern=_TERM_PATTERN, max_length=128, description="OCCI term.")]
Title = Annotated[str, Field(min_length=1, description="Human-readable title.")]


class DuplicateTemplateError(ValueError):
    """Two templates of a catalog share a term (or a type identifier)."""

    def __init__(
        self, section: str, index: int, term: str, first: str, what: str | None = None
    ) -> None:
        self.section, self.index, self.term = section, index, term
        super().__init__(f"{what or f'term {term!r}'} is already used by {first}")


#: The compute kind's attribute definitions, by name, that templates give defaults to.
ComputeDefinitions = Mapping[str, AttributeDefinition]


def compute_definitions() -> dict[str, AttributeDefinition]:
    """The compute kind's attribute definitions (OCCI 1.1 ``speed`` included), by name."""
    for category in infrastructure_categories(legacy=True):
        if isinstance(category, Kind) and category.type_id == v.COMPUTE_KIND:
            return category.attribute_map()
    raise LookupError("the infrastructure categories define no compute kind")


def _defaulted(compute: ComputeDefinitions, name: str, value: object) -> AttributeDefinition:
    """The compute kind's definition of ``name`` with the template's value as default."""
    return compute[name].model_copy(update={"default": value})


def _provider(name: str, value: object, description: str) -> AttributeDefinition:
    return AttributeDefinition(
        name=name, type=AttributeType.STRING if isinstance(value, str) else AttributeType.NUMBER,
        default=value, mutable=False, description=description,
    )


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    term: Term
    title: Title


class OsTemplate(_Entry):
    """An operating-system image offered as an os_tpl mixin."""

    description: str | None = Field(
        default=None,
        description="Longer text for catalog listings; OCCI mixins have no member for it.",
    )
    architecture: Architecture | None = None
    image: str | None = Field(default=None, min_length=1, description="Image reference.")

    def mixin(self, scheme: str, compute: ComputeDefinitions) -> Mixin:
        """The os_tpl mixin for this template under ``scheme``."""
        attributes = []
        if self.architecture is not None:
            attributes.append(_defaulted(compute, v.COMPUTE_ARCHITECTURE, self.architecture))
        if self.image is not None:
            attributes.append(_provider(ATTR_IMAGE, self.image, "Image the instance boots from."))
        return Mixin(
            scheme=scheme, term=self.term, title=self.title, attributes=tuple(attributes),
            depends=(v.OS_TPL_MIXIN,), applies=(v.COMPUTE_KIND,), location=f"/os_tpl/{self.term}/",
        )


class ResourceTemplate(_Entry):
    """A machine size offered as a resource_tpl mixin."""

    cores: int = Field(ge=1, le=1024, strict=True, description="Number of CPU cores.")
    memory: float = Field(gt=0, le=65536, strict=True, description="Memory in GiB.")
    architecture: Architecture | None = None
    speed: float | None = Field(default=None, gt=0, strict=True, description="CPU GHz.")
    disk: float | None = Field(default=None, gt=0, strict=True, description="Disk in GiB.")

    def mixin(self, scheme: str, compute: ComputeDefinitions) -> Mixin:
        """The resource_tpl mixin for this template under ``scheme``."""
        attributes = [
            _defaulted(compute, v.COMPUTE_CORES, self.cores),
            _defaulted(compute, v.COMPUTE_MEMORY, self.memory),
        ]
        if self.architecture is not None:
            attributes.append(_defaulted(compute, v.COMPUTE_ARCHITECTURE, self.architecture))
        if self.speed is not None:
            attributes.append(_defaulted(compute, v.COMPUTE_SPEED, self.speed))
        if self.disk is not None:
            attributes.append(_provider(ATTR_DISK, self.disk, "Size of the root disk in GiB."))
        return Mixin(
            scheme=scheme, term=self.term, title=self.title, attributes=tuple(attributes),
            depends=(v.RESOURCE_TPL_MIXIN,), applies=(v.COMPUTE_KIND,),
            location=f"/resource_tpl/{self.term}/",
        )


def _check_scheme(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or not value.endswith("#"):
        raise ValueError(f"scheme {value!r} must be an absolute http(s) URI ending in '#'")
    return value


class OsTemplateSection(BaseModel):
    """The ``os_tpl`` section: a scheme and the image templates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scheme: str = Field(default=DEFAULT_OS_TPL_SCHEME, description="Scheme of the mixins.")
    templates: tuple[OsTemplate, ...] = ()

    _scheme = field_validator("scheme")(_check_scheme)


class ResourceTemplateSection(BaseModel):
    """The ``resource_tpl`` section: a scheme and the size templates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scheme: str = Field(default=DEFAULT_RESOURCE_TPL_SCHEME, description="Scheme of the mixins.")
    templates: tuple[ResourceTemplate, ...] = ()

    _scheme = field_validator("scheme")(_check_scheme)


class Catalog(BaseModel):
    """The templates an endpoint offers, and the OCCI mixins they become."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    os_tpl: OsTemplateSection = OsTemplateSection()
    resource_tpl: ResourceTemplateSection = ResourceTemplateSection()
    app_tpl: AppTemplateSection = AppTemplateSection()
    res_tpl: PlatformResourceTemplateSection = PlatformResourceTemplateSection()
    kinds: tuple[ProviderKind, ...] = ()

    @model_validator(mode="after")
    def _terms_are_unique(self) -> Catalog:
        standard = standard_registry()
        seen = {c.type_id: "a standard category" for c in standard}  # type id -> first use
        paths = {str(c.location): f"the collection of {c.type_id}"
                 for c in standard if isinstance(c, Kind | Mixin) and c.location}
        sections: list[tuple[str, str, tuple[Any, ...]]] = [
            ("os_tpl", self.os_tpl.scheme, self.os_tpl.templates),
            ("resource_tpl", self.resource_tpl.scheme, self.resource_tpl.templates),
            ("app_tpl", self.app_tpl.scheme, self.app_tpl.templates),
            ("res_tpl", self.res_tpl.scheme, self.res_tpl.templates),
        ]
        for section, scheme, templates in sections:
            for index, template in enumerate(templates):
                type_id = scheme + template.term
                if type_id in seen:
                    raise DuplicateTemplateError(section, index, template.term, seen[type_id])
                seen[type_id] = f"{section}.templates[{index}]"
        for index, kind in enumerate(self.kinds):
            if kind.type_id in seen:
                raise DuplicateTemplateError("kinds", index, kind.term, seen[kind.type_id],
                                             f"type id {kind.type_id}")
            # Entities live inside a collection, so a collection inside another is taken too.
            inside = next((path for path in paths if kind.collection.startswith(path)), None)
            if inside is not None:
                raise DuplicateTemplateError("kinds", index, kind.term, paths[inside],
                                             f"location {kind.collection}")
            seen[kind.type_id] = paths[kind.collection] = f"kinds[{index}]"
        return self

    def os_tpl_mixins(self) -> tuple[Mixin, ...]:
        """One mixin per os_tpl template, in file order."""
        compute, scheme = compute_definitions(), self.os_tpl.scheme
        return tuple(t.mixin(scheme, compute) for t in self.os_tpl.templates)

    def resource_tpl_mixins(self) -> tuple[Mixin, ...]:
        """One mixin per resource_tpl template, in file order."""
        compute, scheme = compute_definitions(), self.resource_tpl.scheme
        return tuple(t.mixin(scheme, compute) for t in self.resource_tpl.templates)

    def platform_mixins(self) -> tuple[Mixin, ...]:
        """One mixin per app_tpl template, then one per res_tpl template, in file order."""
        database = standard_registry().mixin(v.DATABASE_MIXIN)
        app = tuple(t.mixin(self.app_tpl.scheme, database) for t in self.app_tpl.templates)
        return app + tuple(t.mixin(self.res_tpl.scheme) for t in self.res_tpl.templates)

    def mixins(self) -> tuple[Mixin, ...]:
        """Every template mixin: os_tpl, resource_tpl, app_tpl, then res_tpl."""
        return self.os_tpl_mixins() + self.resource_tpl_mixins() + self.platform_mixins()

    def categories(self) -> tuple[Kind | Mixin | Action, ...]:
        """Every category the catalog adds: the template mixins, the provider kinds and
        their actions."""
        return (*self.mixins(), *(c for kind in self.kinds for c in kind.categories()))

    def find(self, type_id: str) -> Mixin | None:
        """The template mixin with this type identifier, if the catalog has one."""
        return next((m for m in self.mixins() if m.type_id == type_id), None)


def parse_catalog(text: str, *, source: str) -> Catalog:
    """Read a catalog from YAML ``text``; ``source`` names it in errors (usually a path)."""
    try:
        data, root = load_yaml(text)
    except YamlError as exc:
        raise CatalogError(exc.problem, source=source, line=exc.line) from exc
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise CatalogError("expected a mapping with os_tpl, resource_tpl, app_tpl, res_tpl "
                           "and kinds sections",
                           source=source, line=1)
    try:
        return Catalog.model_validate(data)
    except ValidationError as exc:
        raise _catalog_error(exc, data, root, source) from exc


def load_catalog(path: Path | None = None) -> Catalog:
    """Read the catalog at ``path``, or the one shipped with the package when ``None``."""
    if path is None:
        return default_catalog()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"cannot be read: {exc}", source=str(path)) from exc
    return parse_catalog(text, source=str(path))


def default_catalog() -> Catalog:
    """The catalog shipped as package data (``default_catalog.yaml``)."""
    resource = resources.files(__package__).joinpath(_DEFAULT_RESOURCE)
    return parse_catalog(resource.read_text(encoding="utf-8"), source=f"<{_DEFAULT_RESOURCE}>")


def _catalog_error(
    exc: ValidationError, data: Mapping[str, Any], root: yaml.Node | None, source: str
) -> CatalogError:
    """The first problem of ``exc`` as a CatalogError (and how many more there are)."""
    errors = exc.errors()
    error = errors[0]
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, DuplicateTemplateError):
        path: tuple[str | int, ...] = (
            (cause.section, cause.index) if cause.section == "kinds"
            else (cause.section, "templates", cause.index)
        )
        return CatalogError(
            f"{cause}{more}", source=source, line=line_of(root, path), section=cause.section,
            index=cause.index, term=cause.term, field="term",
        )
    loc = tuple(error["loc"])
    section = str(loc[0]) if loc else None
    index, rest = _entry(loc)
    term = _raw_term(data, section, index)
    problem = error["msg"] if error["type"] != "extra_forbidden" else "unknown field"
    received = error.get("input")
    if error["type"] not in ("missing", "extra_forbidden") and not isinstance(
        received, Mapping | list
    ):
        problem += f" (received {received!r})"
    return CatalogError(
        problem + more, source=source, line=line_of(root, loc), section=section, index=index,
        term=term, field=".".join(str(part) for part in rest) or None,
    )


def _entry(loc: tuple[Any, ...]) -> tuple[int | None, tuple[Any, ...]]:
    """The entry index in a validation error's location, and the field path after it."""
    if len(loc) > 2 and loc[1] == "templates" and isinstance(loc[2], int):
        return loc[2], loc[3:]
    if len(loc) > 1 and loc[0] == "kinds" and isinstance(loc[1], int):
        return loc[1], loc[2:]
    return None, loc[1:]


def _raw_term(data: Mapping[str, Any], section: str | None, index: int | None) -> str | None:
    """The term an entry was given in the file, when it has a readable one."""
    if section is None or index is None:
        return None
    try:
        entries = data[section] if section == "kinds" else data[section]["templates"]
        term = entries[index]["term"]
    except (KeyError, IndexError, TypeError):
        return None
    return term if isinstance(term, str) else None
