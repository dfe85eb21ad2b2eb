"""The public face of ``occi_operator.occi``: a change to ``__all__`` is a deliberate act."""

from __future__ import annotations

import subprocess
import sys

import occi_operator.occi as occi

EXPECTED = {
    "MEDIA_TYPES", "Action", "ActionInvocation", "AttributeDefinition", "AttributeType",
    "AttributeValue", "BadRequestError", "BasicCredentials", "BearerCredentials", "Category",
    "CategoryClass", "CategoryRegistry", "Collection", "ConflictError", "ConnectError",
    "EndpointConfig", "Entity", "Filter", "ForbiddenError", "InvalidAttributeError",
    "KeystoneApplicationCredentials", "KeystonePasswordCredentials", "Kind", "Link",
    "MemoryUnit", "Message", "MethodNotAllowedError", "Mixin", "NoCredentials",
    "NotAcceptableError", "NotFoundError", "NotImplementedByServerError", "OCCIClient",
    "OCCIError", "ParseError", "QueryInterface", "RenderError", "Rendering", "RequestError",
    "RequestTimeoutError", "Resource", "RetryPolicy", "ServerError", "StatusError",
    "TLSError", "TemplateFamily", "TemplateNotFoundError", "TokenCredentials",
    "TooLargeError", "TooManyRequestsError", "TransportError", "UnauthorizedError",
    "UnknownCategoryError", "UnknownMediaTypeError", "actions_in_state", "is_provisioning",
    "memory_in_gib", "normalize_collection", "normalize_entity", "rendering_for",
    "standard_registry", "state_attribute", "target_state", "validate_attributes", "validate_value",
    "vocabulary",
}


def test_all_is_pinned() -> None:
    assert set(occi.__all__) == EXPECTED


def test_every_exported_name_exists() -> None:
    missing = [name for name in occi.__all__ if not hasattr(occi, name)]
    assert missing == []


def test_importing_the_package_loads_no_kubernetes_kopf_or_server() -> None:
    code = (
        "import sys; import occi_operator.occi; "
        "print(sorted(m for m in ('kubernetes', 'kopf', 'starlette', 'uvicorn') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"PYTHONPATH": occi.__path__[0].rsplit("/occi_operator", 1)[0]},
    )
    assert result.stdout.strip() == "[]"
