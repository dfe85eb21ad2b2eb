"""The asynchronous OCCI 1.2 client, built on ``httpx.AsyncClient``.

::

    config = EndpointConfig(url="https://cloud.example.org:11443/",
                            auth=BasicCredentials(username="u", password="p"))
    async with OCCIClient(config) as client:
        tpl = await client.resolve_template(TemplateFamily.OS, "debian12")
        location = await client.create(Resource(kind=COMPUTE, mixins=(tpl.type_id,)))

This package must not import Kubernetes, kopf, starlette or uvicorn.
"""

from __future__ import annotations

from .auth import (
    BasicAuth,
    BasicCredentials,
    BearerAuth,
    BearerCredentials,
    Credentials,
    NoCredentials,
    StaticTokenAuth,
    TokenCredentials,
    build_auth,
)
from .client import OCCIClient
from .clock import Clock
from .discovery import (
    OS_TPL,
    RESOURCE_TPL,
    ContextFamily,
    Contextualization,
    TemplateFamily,
    detect_contextualization,
    resolve_template,
    templates,
)
from .keystone import KeystoneApplicationCredentials, KeystoneAuth, KeystonePasswordCredentials
from .limits import EndpointLimiter, TokenBucket
from .observer import RequestObserver, RequestRecord
from .retry import RetryPolicy
from .settings import DEFAULT_USER_AGENT, EndpointConfig, TimeoutSettings

__all__ = [
    "DEFAULT_USER_AGENT",
    "OS_TPL",
    "RESOURCE_TPL",
    "BasicAuth",
    "BasicCredentials",
    "BearerAuth",
    "BearerCredentials",
    "Clock",
    "ContextFamily",
    "Contextualization",
    "Credentials",
    "EndpointConfig",
    "EndpointLimiter",
    "KeystoneApplicationCredentials",
    "KeystoneAuth",
    "KeystonePasswordCredentials",
    "NoCredentials",
    "OCCIClient",
    "RequestObserver",
    "RequestRecord",
    "RetryPolicy",
    "StaticTokenAuth",
    "TemplateFamily",
    "TimeoutSettings",
    "TokenBucket",
    "TokenCredentials",
    "build_auth",
    "detect_contextualization",
    "resolve_template",
    "templates",
]
