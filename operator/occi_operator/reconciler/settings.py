"""The settings of the ``occi-operator run`` process (pydantic-settings).

Sources, highest precedence first (set in
:meth:`OperatorSettings.settings_customise_sources`, pinned by a test):

1. flags: keyword arguments of ``OperatorSettings(...)``, which the CLI builds;
2. environment: ``OCCI_OPERATOR_<FIELD>``, nested with ``__``
   (``OCCI_OPERATOR_RESYNC__DEFAULT_PERIOD=300``);
3. a YAML file named by the ``config`` keyword or ``OCCI_OPERATOR_CONFIG``;
4. the defaults, chosen so that ``occi-operator run`` works against a laptop cluster.

Groups follow kopf's own settings; :mod:`.handlers` derives kopf's settings from these
in one place. Built once by the CLI and passed down; nothing is read at import.
"""

from __future__ import annotations

import enum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from occi_operator.settings_sources import flags_env_file_sources

__all__ = [
    "CONFIG_ENV",
    "KubernetesSettings",
    "LogFormat",
    "MetricsSettings",
    "OperatorSettings",
    "PeeringSettings",
    "ProbeSettings",
    "ResyncSettings",
    "TimingSettings",
    "WatchSettings",
]

ENV_PREFIX = "OCCI_OPERATOR_"
#: The environment variable naming the configuration file.
CONFIG_ENV = ENV_PREFIX + "CONFIG"
_MODEL = ConfigDict(extra="forbid", frozen=True)


class LogFormat(enum.StrEnum):
    """How log lines look."""

    TEXT = "text"
    JSON = "json"


class KubernetesSettings(BaseModel):
    """How to reach the Kubernetes API server."""

    model_config = _MODEL

    kubeconfig: Path | None = Field(
        default=None,
        description="The kubeconfig file; unset means $KUBECONFIG or ~/.kube/config.",
    )
    context: str | None = Field(
        default=None, description="The kubeconfig context; unset means the current one."
    )
    in_cluster: bool = Field(
        default=False,
        description="Use the pod's service account instead of a kubeconfig.",
    )


class WatchSettings(BaseModel):
    """Which objects this operator process handles (shard across deployments with these)."""

    model_config = _MODEL

    namespaces: tuple[str, ...] = Field(
        default=(),
        description="Namespaces (or glob patterns) to watch; empty means every namespace.",
    )
    label_selector: str | None = Field(
        default=None,
        description="Only handle objects matching this label selector, as kubectl takes "
        "it (shard=a,team!=b); the API server filters the watches.",
    )
    # Whole seconds: the API server refuses timeoutSeconds=2.0.
    server_timeout: int | None = Field(
        default=None,
        ge=1,
        description="Whole seconds after which the API server ends each watch stream "
        "(timeoutSeconds); the stream is then resumed from the last version seen. Empty: "
        "the server's own limit.",
    )
    client_timeout: float | None = Field(
        default=None,
        gt=0,
        description="Seconds after which the operator itself drops a watch stream and "
        "resumes it (behind proxies that keep dead connections open). Empty: never.",
    )


class PeeringSettings(BaseModel):
    """Active/standby between replicas (kopf peering)."""

    model_config = _MODEL

    standalone: bool = Field(
        default=True,
        description="Run without peering: the only operator process for its objects.",
    )
    name: str = Field(
        default="occi-operator",
        min_length=1,
        description="The kopf peering object shared by the replicas (when not standalone).",
    )
    priority: int = Field(
        default=0,
        description="This replica's priority: the highest live one is active, others wait.",
    )
    random_priority: bool = Field(
        default=False,
        description="Pick this replica's priority at random when it starts (ignoring "
        "priority): the replicas of one Deployment share a pod template, and kopf pauses "
        "every replica when live peers have the same priority.",
    )


class ProbeSettings(BaseModel):
    """The HTTP endpoint of the liveness and readiness probes (kopf's health reporter)."""

    model_config = _MODEL

    host: str = Field(
        default="0.0.0.0",  # noqa: S104 - probes come from the kubelet, outside the pod
        min_length=1,
        description="The address the probe endpoint listens on.",
    )
    # Off by default: a fixed port on a laptop (or in a test run with several operators)
    # is often taken, and kopf stops when it cannot bind. The Helm chart turns it on (8080).
    port: int = Field(
        default=0,
        ge=0,
        le=65535,
        description="The port of the probe endpoint (GET /healthz), 8080 in the Helm chart; "
        "0 (the default) turns it off.",
    )

    @property
    def url(self) -> str | None:
        """kopf's ``liveness_endpoint``, or None when the probes are off."""
        return f"http://{self.host}:{self.port}/healthz" if self.port else None


class MetricsSettings(BaseModel):
    """The HTTP endpoint of the Prometheus metrics (GET /metrics)."""

    model_config = _MODEL

    host: str = Field(
        default="0.0.0.0",  # noqa: S104 - Prometheus scrapes from outside the pod
        min_length=1,
        description="The address the metrics endpoint listens on.",
    )
    # Off by default for the same reason as the probes: a fixed port is often taken on a
    # laptop or in a test run. The Helm chart turns it on (9090).
    port: int = Field(
        default=0,
        ge=0,
        le=65535,
        description="The port of the metrics endpoint (GET /metrics), 9090 in the Helm "
        "chart; 0 (the default) turns it off.",
    )


class ResyncSettings(BaseModel):
    """How often remote resources are read again."""

    model_config = _MODEL

    default_period: float = Field(
        default=600.0,
        gt=0,
        description="Seconds between reads of a remote resource, unless the object or its "
        "endpoint sets a period.",
    )
    jitter: float = Field(
        default=0.1,
        ge=0,
        le=0.5,
        description="Share of the period by which each object's schedule is moved "
        "(stable per object), so that objects created together spread out.",
    )
    tick: float = Field(
        default=30.0,
        gt=0,
        description="Seconds between checks whether an object's resync is due.",
    )
    sync_time_refresh: float = Field(
        default=3600.0,
        ge=0,
        description="Seconds after which status.lastSyncTime is written even when nothing "
        "else changed (0: on every read).",
    )


class TimingSettings(BaseModel):
    """Delays of the reconciler, in seconds."""

    model_config = _MODEL

    provisioning: float = Field(
        default=2.0, gt=0, description="Between looks at a resource that is getting ready."
    )
    after_change: float = Field(
        default=1.0, gt=0, description="After an update or an action, before looking again."
    )
    transition_grace: float = Field(
        default=120.0,
        ge=0,
        description="Longest wait, after a create or an action, for a resource to leave the "
        "state it was in before acting on it again (a provisioning cloud reports a new "
        "machine as inactive; starting it then would only restart the provisioning).",
    )
    transient_error: float = Field(
        default=10.0, gt=0, description="Before retrying after a transient error."
    )
    unauthorized: float = Field(
        default=60.0, gt=0, description="Before retrying after the endpoint refused credentials."
    )
    max_backoff: float = Field(
        default=300.0,
        gt=0,
        description="Longest wait before retrying an object whose passes keep failing: each "
        "consecutive failure doubles the wait up to this (a longer Retry-After is kept).",
    )


class OperatorSettings(BaseSettings):
    """Everything the ``occi-operator run`` process needs, from flags, env and file."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
        validate_default=True,
    )

    kubernetes: KubernetesSettings = Field(
        default_factory=KubernetesSettings, description="The Kubernetes API server."
    )
    watch: WatchSettings = Field(
        default_factory=WatchSettings, description="Which namespaces and objects to handle."
    )
    peering: PeeringSettings = Field(
        default_factory=PeeringSettings, description="Active/standby between replicas."
    )
    resync: ResyncSettings = Field(
        default_factory=ResyncSettings, description="Reading remote resources again."
    )
    timing: TimingSettings = Field(
        default_factory=TimingSettings, description="Delays of the reconciler."
    )
    operator_namespace: str = Field(
        default="default",
        min_length=1,
        description="The operator's namespace: where ClusterOCCIEndpoint Secrets live.",
    )
    log_format: LogFormat = Field(default=LogFormat.TEXT, description="text or json.")
    log_level: str = Field(
        default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$", description="Log level."
    )
    metrics: MetricsSettings = Field(
        default_factory=MetricsSettings,
        description="The Prometheus metrics endpoint.",
    )
    probe: ProbeSettings = Field(
        default_factory=ProbeSettings,
        description="The liveness/readiness probe endpoint.",
    )
    config: Path | None = Field(
        default=None,
        description=f"A YAML file with any of these settings; also read from {CONFIG_ENV}.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags, then environment, then the configuration file."""
        return flags_env_file_sources(
            settings_cls, init_settings, env_settings, config_env=CONFIG_ENV
        )
