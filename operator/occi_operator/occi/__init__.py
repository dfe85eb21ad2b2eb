"""The OCCI 1.2 protocol: model, registry, renderings and an async client.

This package imports nothing from Kubernetes, kopf or any web server; the embedded
endpoint and the operator are built on it, never the other way round.

::

    from occi_operator.occi import Resource, rendering_for, standard_registry, vocabulary

    vm = Resource(kind=vocabulary.COMPUTE_KIND, title="web-1",
                  attributes={"occi.compute.cores": 2})
    standard_registry().validate_entity(vm, creating=True)
    message = rendering_for("text/plain").render_entity(vm)
"""

from __future__ import annotations

from . import vocabulary
from .attributes import (
    AttributeDefinition,
    AttributeType,
    AttributeValue,
    validate_attributes,
    validate_value,
)
from .categories import Action, Category, CategoryClass, Kind, Mixin, QueryInterface
from .client import (
    BasicCredentials,
    BearerCredentials,
    EndpointConfig,
    KeystoneApplicationCredentials,
    KeystonePasswordCredentials,
    NoCredentials,
    OCCIClient,
    RetryPolicy,
    TemplateFamily,
    TokenCredentials,
)
from .entities import ActionInvocation, Collection, Entity, Filter, Link, Resource
from .errors import (
    BadRequestError,
    ConflictError,
    ConnectError,
    ForbiddenError,
    InvalidAttributeError,
    MethodNotAllowedError,
    NotAcceptableError,
    NotFoundError,
    NotImplementedByServerError,
    OCCIError,
    ParseError,
    RenderError,
    RequestError,
    RequestTimeoutError,
    ServerError,
    StatusError,
    TemplateNotFoundError,
    TLSError,
    TooLargeError,
    TooManyRequestsError,
    TransportError,
    UnauthorizedError,
    UnknownCategoryError,
    UnknownMediaTypeError,
)
from .normalize import MemoryUnit, memory_in_gib, normalize_collection, normalize_entity
from .registry import CategoryRegistry, standard_registry
from .rendering import MEDIA_TYPES, Message, Rendering, rendering_for
from .states import actions_in_state, is_provisioning, state_attribute, target_state

__all__ = [
    "MEDIA_TYPES",
    "Action",
    "ActionInvocation",
    "AttributeDefinition",
    "AttributeType",
    "AttributeValue",
    "BadRequestError",
    "BasicCredentials",
    "BearerCredentials",
    "Category",
    "CategoryClass",
    "CategoryRegistry",
    "Collection",
    "ConflictError",
    "ConnectError",
    "EndpointConfig",
    "Entity",
    "Filter",
    "ForbiddenError",
    "InvalidAttributeError",
    "KeystoneApplicationCredentials",
    "KeystonePasswordCredentials",
    "Kind",
    "Link",
    "MemoryUnit",
    "Message",
    "MethodNotAllowedError",
    "Mixin",
    "NoCredentials",
    "NotAcceptableError",
    "NotFoundError",
    "NotImplementedByServerError",
    "OCCIClient",
    "OCCIError",
    "ParseError",
    "QueryInterface",
    "RenderError",
    "Rendering",
    "RequestError",
    "RequestTimeoutError",
    "Resource",
    "RetryPolicy",
    "ServerError",
    "StatusError",
    "TLSError",
    "TemplateFamily",
    "TemplateNotFoundError",
    "TokenCredentials",
    "TooLargeError",
    "TooManyRequestsError",
    "TransportError",
    "UnauthorizedError",
    "UnknownCategoryError",
    "UnknownMediaTypeError",
    "actions_in_state",
    "is_provisioning",
    "memory_in_gib",
    "normalize_collection",
    "normalize_entity",
    "rendering_for",
    "standard_registry",
    "state_attribute",
    "target_state",
    "validate_attributes",
    "validate_value",
    "vocabulary",
]
