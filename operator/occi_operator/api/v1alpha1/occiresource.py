"""The OCCIResource kind: any kind an endpoint advertises, its provider's own included.

Typed kinds (Compute, Application …) know their attributes in advance; OCCIResource takes
the kind and its mixins by type identifier or by term and the attributes as a map, and the
operator checks them against what the endpoint's query interface (``/-/``) defines before
anything is sent: an unknown kind, mixin or attribute, a value of the wrong type or an
immutable attribute changed after creation stops the object (Stalled,
InvalidConfiguration) with the name at fault. A link kind (one descending from
``core#link``) names its ends by other OCCIResource objects (``sourceRef``, ``targetRef``).

The attribute values are scalars: text, numbers and booleans (what every rendering
carries). Their schema preserves unknown fields, as a value's type depends on the
endpoint; the names and the scalar values are checked by the operator (which the API
server cannot do for such a map: CEL does not see it).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    WithJsonSchema,
    field_validator,
)

from occi_operator.occi import vocabulary

from .common import ApiModel, LocalRef, ResourceStatus
from .kindinfo import KindInfo, PrinterColumn, Scope, standard_columns
from .lifecycle import LifecycleSpec
from .rules import IMMUTABLE, Rule, RuledModel

__all__ = [
    "ATTRIBUTE_NAME",
    "KIND_INFO",
    "AttributeScalar",
    "OCCIResource",
    "OCCIResourceResourceSpec",
    "OCCIResourceSpec",
    "OCCIResourceStatus",
]

#: An OCCI attribute name: dot-separated words (GFD.221 §3.3, ``occi.compute.cores``).
ATTRIBUTE_NAME = r"^[a-zA-Z][a-zA-Z0-9_-]*([.][a-zA-Z0-9_-]+)*$"
_NAME = re.compile(ATTRIBUTE_NAME)
#: A type identifier (``scheme#term``) or a bare term.
_CATEGORY = r"^[^\s]+$"

AttributeScalar = Annotated[
    StrictStr | StrictInt | StrictFloat | StrictBool,
    WithJsonSchema(
        {
            "description": "A value: text, a number or a boolean, as the attribute's "
            "definition on the endpoint says.",
            "x-kubernetes-preserve-unknown-fields": True,
        }
    ),
]
CategoryName = Annotated[str, Field(min_length=1, max_length=2048, pattern=_CATEGORY)]

class OCCIResourceResourceSpec(RuledModel):
    """The desired OCCI entity, described by the endpoint's own categories."""

    cel_rules = (
        Rule(
            cel="has(self.sourceRef) == has(self.targetRef)",
            message="sourceRef and targetRef go together: a link kind needs both ends, a "
            "resource kind neither",
            check=lambda spec: (spec.source_ref is None) == (spec.target_ref is None),
        ),
    )

    kind: CategoryName = Field(
        description="The OCCI kind: a type identifier such as "
        "http://example.org/occi/dns#record, or a term such as record when the endpoint "
        "offers one kind of that term. Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    mixins: list[CategoryName] | None = Field(
        default=None,
        max_length=32,
        description="Mixins the entity carries, each a type identifier or a term the "
        "endpoint offers. Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    title: str | None = Field(
        default=None,
        max_length=255,
        description="Display name (occi.core.title); defaults to the object's name. Links "
        "carry the operator's marker there instead, so a link kind ignores it.",
    )
    attributes: dict[str, AttributeScalar] | None = Field(
        default=None,
        max_length=64,
        description="Attributes by name, such as occi.dns.ttl: 300. Checked against the "
        "definitions the endpoint publishes in /-/ (name, type, immutability) before "
        "anything is sent; mutable ones that drift are set back.",
    )
    @field_validator("attributes")
    @classmethod
    def _names_are_attribute_names(
        cls, value: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        # The API server cannot check these keys: CEL does not see a map whose values
        # preserve unknown fields, and structural schemas have no propertyNames.
        for name in value or {}:
            if not _NAME.match(name):
                raise ValueError(
                    f"attribute name {name!r} must look like occi.compute.cores "
                    f"({ATTRIBUTE_NAME})"
                )
        return value

    source_ref: LocalRef | None = Field(
        default=None,
        description="For a link kind: the OCCIResource the link starts from. Immutable.",
        json_schema_extra=IMMUTABLE,
    )
    target_ref: LocalRef | None = Field(
        default=None,
        description="For a link kind: the OCCIResource the link points at. Immutable.",
        json_schema_extra=IMMUTABLE,
    )


class OCCIResourceSpec(LifecycleSpec):
    """The desired state of an OCCIResource."""

    resource: OCCIResourceResourceSpec | None = Field(
        default=None,
        description="The OCCI entity to create and keep in shape (managed objects).",
    )


class OCCIResourceStatus(ResourceStatus):
    """The observed state of an OCCIResource."""

    kind: str | None = Field(
        default=None, description="Type identifier of the kind the entity has."
    )
    mixins: list[str] | None = Field(
        default=None, description="Type identifiers of the mixins the entity carries."
    )


class OCCIResource(ApiModel):
    """Any OCCI entity an endpoint advertises, checked against its query interface."""

    api_version: Literal["occi.occi-operator.dev/v1alpha1"] = Field(
        default="occi.occi-operator.dev/v1alpha1", description="APIVersion of the object."
    )
    kind: Literal["OCCIResource"] = Field(default="OCCIResource", description="Kind of the object.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Standard metadata.")
    spec: OCCIResourceSpec = Field(description="The desired state.")
    status: OCCIResourceStatus | None = Field(default=None, description="The observed state.")


KIND_INFO = KindInfo(
    kind="OCCIResource",
    plural="occiresources",
    singular="occiresource",
    short_names=("occires", "ores"),
    scope=Scope.NAMESPACED,
    model=OCCIResource,
    # Each object names its own kind; the table's entry is the root every kind descends from.
    occi_kind=vocabulary.ENTITY_KIND,
    description="Any OCCI entity an endpoint advertises in /-/, a provider's own kinds "
    "included, checked against the endpoint's definitions.",
    columns=standard_columns(
        PrinterColumn("Kind", ".spec.resource.kind", description="The OCCI kind asked for."),
        PrinterColumn("Endpoint", ".spec.endpointRef.name", description="The endpoint."),
    ),
)
