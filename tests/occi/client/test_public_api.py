"""The public face of the client package is pinned: changing it is a decision."""

from __future__ import annotations

import occi_operator.occi.client as client_package


def test_the_public_names_are_pinned() -> None:
    assert sorted(client_package.__all__) == sorted([
        "DEFAULT_USER_AGENT", "OS_TPL", "RESOURCE_TPL", "BasicAuth", "BasicCredentials",
        "BearerAuth", "BearerCredentials", "Clock", "ContextFamily", "Contextualization",
        "Credentials", "EndpointConfig", "EndpointLimiter", "KeystoneApplicationCredentials",
        "KeystoneAuth", "KeystonePasswordCredentials", "NoCredentials", "OCCIClient",
        "RequestObserver", "RequestRecord", "RetryPolicy", "StaticTokenAuth", "TemplateFamily",
        "TimeoutSettings", "TokenBucket",
        "TokenCredentials", "build_auth", "detect_contextualization", "resolve_template",
        "templates",
    ])
    for name in client_package.__all__:
        assert getattr(client_package, name) is not None


def test_the_user_agent_names_the_occi_version() -> None:
    assert client_package.DEFAULT_USER_AGENT.endswith(" OCCI/1.2")
    assert client_package.DEFAULT_USER_AGENT.startswith("occi-operator/")

