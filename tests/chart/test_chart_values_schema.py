"""values.schema.json makes bad values fail at install, with Helm's own validator.

Each case runs twice: through the embedded Helm engine (``Chart.render``, as
``helm install`` does, and ``Chart.validate_schema``) and through ``jsonschema`` on the
same file, so the schema means the same to both. Rules that JSON Schema cannot say are
template ``fail`` calls, checked here too.
"""

from __future__ import annotations

import json
from typing import Any

import helm_python as helm
import jsonschema
import pytest
import yaml
from chart_render import CHART, SCENARIOS

SCHEMA = json.loads((CHART / "values.schema.json").read_text(encoding="utf-8"))
DEFAULTS = yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))


def _merged(override: dict[str, Any]) -> dict[str, Any]:
    """The defaults with ``override`` merged in, as Helm coalesces values."""

    def merge(base: Any, extra: Any) -> Any:
        if isinstance(base, dict) and isinstance(extra, dict):
            return {**base, **{k: merge(base.get(k), v) for k, v in extra.items()}}
        return extra

    result: dict[str, Any] = merge(DEFAULTS, override)
    return result


BAD = [
    ("replicas-without-peering", {"replicas": 2}, "two standalone operators fight"),
    ("negative-replicas", {"replicas": -1}, "not a count"),
    ("unknown-top-level-key", {"replica": 2}, "a typo must not be ignored"),
    ("unknown-nested-key", {"peering": {"enabled": True, "name": "p", "prio": 3}}, "typo"),
    ("namespace-not-a-dns-label", {"watch": {"namespaces": ["Team_A"]}}, "RBAC needs names"),
    ("namespace-glob", {"watch": {"namespaces": ["team-*"]}}, "Roles need exact names"),
    ("namespaces-repeated", {"watch": {"namespaces": ["a", "a"]}}, "duplicate Roles"),
    ("namespaces-not-a-list", {"watch": {"namespaces": "team-a"}}, "a string, not a list"),
    ("selector-unbalanced", {"watch": {"labelSelector": "tier in (a,b"}}, "not a selector"),
    ("probe-port-too-high", {"probe": {"port": 70000}}, "no such port"),
    ("probe-port-a-string", {"probe": {"port": "8080"}}, "the CLI wants a number"),
    ("metrics-port-zero", {"metrics": {"enabled": True, "port": 0}}, "a Service needs a port"),
    ("service-monitor-without-metrics",
     {"metrics": {"enabled": False, "serviceMonitor": {"enabled": True}}},
     "it would scrape nothing"),
    ("service-monitor-bad-interval",
     {"metrics": {"enabled": True, "serviceMonitor": {"enabled": True, "interval": "often"}}},
     "Prometheus durations"),
    ("log-level-unknown", {"operator": {"logLevel": "TRACE"}}, "the CLI refuses it"),
    ("log-format-unknown", {"operator": {"logFormat": "xml"}}, "text or json"),
    ("resync-zero", {"operator": {"resyncPeriod": 0}}, "must be positive"),
    ("pull-policy-unknown", {"image": {"pullPolicy": "Sometimes"}}, "Kubernetes refuses it"),
    ("image-tag-with-space", {"image": {"tag": "1.0 beta"}}, "not a tag"),
    ("cpu-not-a-quantity", {"resources": {"limits": {"cpu": "lots"}}}, "not a quantity"),
    ("peering-name-uppercase", {"peering": {"enabled": True, "name": "Occi"}}, "object name"),
    ("service-account-bad-name", {"serviceAccount": {"create": True, "name": "a b"}}, "name"),
    ("env-without-name", {"operator": {"extraEnv": [{"value": "x"}]}}, "a nameless variable"),
]

GOOD = [(name, values) for name, values, _why in SCENARIOS] + [
    ("zero-replicas", {"replicas": 0}),
    ("selector-set-based", {"watch": {"labelSelector": "tier in (a,b),!legacy,shard!=x"}}),
    ("numeric-cpu", {"resources": {"requests": {"cpu": 0.5, "memory": "64Mi"}}}),
    ("text-logs", {"operator": {"logFormat": "text", "logLevel": "DEBUG"}}),
]


@pytest.mark.parametrize(("values", "why"), [pytest.param(v, w, id=n) for n, v, w in BAD])
def test_bad_values_fail_at_install(chart: helm.Chart, values: dict[str, Any], why: str) -> None:
    with pytest.raises(helm.HelmValuesError, match="values don't meet the specifications"):
        chart.render(values, name="occi", namespace="occi-system", is_install=True)
    with pytest.raises(helm.HelmValuesError):
        chart.validate_schema(values)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_merged(values), SCHEMA)


@pytest.mark.parametrize("values", [pytest.param(v, id=n) for n, v in GOOD])
def test_good_values_pass(chart: helm.Chart, values: dict[str, Any]) -> None:
    chart.validate_schema(values)
    jsonschema.validate(_merged(values), SCHEMA)
    assert chart.render(values, name="occi", namespace="occi-system", is_install=True)


def test_the_defaults_satisfy_the_schema() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    jsonschema.validate(DEFAULTS, SCHEMA)


def test_every_default_is_described_by_the_schema() -> None:
    def walk(values: dict[str, Any], schema: dict[str, Any], path: str) -> None:
        properties = schema.get("properties", {})
        for key, value in values.items():
            assert key in properties, f"{path}{key} is not in values.schema.json"
            if isinstance(value, dict) and "properties" in properties[key]:
                walk(value, properties[key], f"{path}{key}.")

    walk(DEFAULTS, SCHEMA, "")


def test_a_template_refuses_one_port_for_metrics_and_probes(chart: helm.Chart) -> None:
    values = {"metrics": {"enabled": True, "port": 8080}, "probe": {"port": 8080}}
    jsonschema.validate(_merged(values), SCHEMA)  # JSON Schema cannot compare two fields
    with pytest.raises(helm.HelmError, match=r"metrics\.port and probe\.port must differ"):
        chart.render(values, name="occi", namespace="occi-system", is_install=True)
