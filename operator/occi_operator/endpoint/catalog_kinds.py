"""Provider kinds declared in the catalog: a provider's own resource and link types.

OCCI lets a provider publish kinds of its own in ``/-/`` (GFD.221 §4.4: "a provider MAY
define kinds"); the embedded endpoint serves them like any kind — create, read, update,
delete, filters, mixins — validating every request against the declared definitions, so
a bad value is a 400 naming the attribute. The ``kinds`` section of the catalog::

    kinds:
      - scheme: "http://example.org/occi/dns#"
        term: record
        title: DNS record
        parent: resource                 # or link (default resource)
        location: /dns/record/           # default /<term>/
        attributes:
          occi.dns.name: {required: true, mutable: false, pattern: "[a-z0-9.-]+"}
          occi.dns.type: {enum: [A, AAAA, CNAME], required: true}
          occi.dns.ttl: {type: integer, default: 3600, minimum: 0}
        actions:
          - {term: refresh, title: Refresh the record}

An attribute takes the fields of an OCCI attribute definition (type, mutable, required,
default, pattern, enum, minimum, maximum, description); a default must satisfy the rest
of its definition. Actions live in ``<scheme without '#'>/<term>/action#`` unless
``action_scheme`` says otherwise. Whether a type id or a location clashes with another
category is checked by the catalog (:mod:`.catalog`). Imports no web framework.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from occi_operator.occi import vocabulary as v
from occi_operator.occi.attributes import AttributeDefinition, AttributeType, validate_value
from occi_operator.occi.categories import Action, Kind
from occi_operator.occi.errors import InvalidAttributeError

__all__ = ["ProviderAction", "ProviderAttribute", "ProviderKind"]

_TERM_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]+)+$"  # dotted, like occi.dns.ttl
_PATH_PATTERN = r"^(/[A-Za-z0-9._~\-]+)+/$"
Term = Annotated[str, Field(pattern=_TERM_PATTERN, max_length=128, description="OCCI term.")]
AttributeName = Annotated[str, Field(pattern=_NAME_PATTERN, max_length=256)]
_PARENTS = {"resource": v.RESOURCE_KIND, "link": v.LINK_KIND}


def _check_scheme(value: str) -> str:
    if not value.startswith(("http://", "https://")) or not value.endswith("#"):
        raise ValueError(f"scheme {value!r} must be an absolute http(s) URI ending in '#'")
    return value


class ProviderAttribute(BaseModel):
    """One attribute definition of a provider kind or action (the name is the YAML key)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: AttributeType = AttributeType.STRING
    mutable: StrictBool = True
    required: StrictBool = False
    default: StrictBool | StrictInt | StrictFloat | StrictStr | None = None
    pattern: str | None = Field(default=None, min_length=1)
    enum: tuple[str, ...] | None = Field(default=None, min_length=1)
    minimum: float | None = None
    maximum: float | None = None
    description: str | None = None

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"pattern {value!r} is not a regular expression: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ProviderAttribute:
        if self.enum is not None and self.type is not AttributeType.STRING:
            raise ValueError(f"enum needs type string, not {self.type.value}")
        if self.default is not None:
            try:
                validate_value(self.definition("default"), self.default)
            except InvalidAttributeError as exc:
                raise ValueError(f"default {self.default!r} {exc.rule}") from exc
        return self

    def definition(self, name: str) -> AttributeDefinition:
        """The OCCI attribute definition under ``name``."""
        return AttributeDefinition(name=name, **self.model_dump())


def _definitions(attributes: dict[str, ProviderAttribute]) -> tuple[AttributeDefinition, ...]:
    return tuple(attribute.definition(name) for name, attribute in attributes.items())


def _no_core_names(attributes: dict[str, ProviderAttribute]) -> dict[str, ProviderAttribute]:
    for name in attributes:
        if name.startswith("occi.core."):
            raise ValueError(f"attribute {name}: occi.core. names belong to the core model")
    return attributes


class ProviderAction(BaseModel):
    """An action of a provider kind; invoking it changes nothing on the embedded endpoint."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    term: Term
    title: str | None = None
    attributes: dict[AttributeName, ProviderAttribute] = Field(default_factory=dict)


class ProviderKind(BaseModel):
    """A provider's own kind: its identity, parent, collection, attributes and actions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scheme: str = Field(description="Scheme, an absolute http(s) URI ending in '#'.")
    term: Term
    title: str = Field(min_length=1, description="Human-readable title.")
    parent: Literal["resource", "link"] = "resource"
    location: str | None = Field(default=None, pattern=_PATH_PATTERN,
                                 description="Collection path; /<term>/ when not given.")
    attributes: dict[AttributeName, ProviderAttribute] = Field(default_factory=dict)
    actions: tuple[ProviderAction, ...] = ()
    action_scheme: str | None = None

    _names = field_validator("attributes")(_no_core_names)

    @field_validator("scheme", "action_scheme")
    @classmethod
    def _schemes(cls, value: str | None) -> str | None:
        return value if value is None else _check_scheme(value)

    @property
    def type_id(self) -> str:
        """The kind's type identifier."""
        return self.scheme + self.term

    @property
    def collection(self) -> str:
        """The kind's collection path."""
        return self.location or f"/{self.term}/"

    def categories(self) -> tuple[Kind | Action, ...]:
        """The kind, then its actions."""
        scheme = self.action_scheme or f"{self.scheme[:-1]}/{self.term}/action#"
        actions = tuple(
            Action(scheme=scheme, term=a.term, title=a.title,
                   attributes=_definitions(a.attributes))
            for a in self.actions
        )
        kind = Kind(
            scheme=self.scheme, term=self.term, title=self.title, parent=_PARENTS[self.parent],
            location=self.collection, attributes=_definitions(self.attributes),
            actions=tuple(action.type_id for action in actions),
        )
        return (kind, *actions)
