"""The kopf wiring — the only module that imports kopf.

:func:`build_registry` walks the adapter table and registers, in an explicit
``kopf.OperatorRegistry``, for each kind: create, update and resume handlers (one pass
of the flow), an optional delete handler (kopf's finalizer is ours, added by the flow
just before the first remote create) and a resync timer that runs only for objects that
reached the endpoint. Each handler loads the object, runs the flow and hands the outcome
to kopf: ``TemporaryError(delay)`` to look again, ``PermanentError`` for a terminal error.
Backoff is kopf's; there is no retry loop here.

A change handler whose pass only waits for the resource to get ready (provisioning, an
action or an update under way) ends instead of raising: kopf would record each retry of
a change handler in the object's annotations, a Kubernetes write per look. A settle timer,
alive only while the object is not Ready, takes over; a timer's retries stay in memory.

:func:`configure` derives kopf's settings from ours in one place: our finalizer and
annotation prefix, server-side label selectors, peering (standalone by default),
backoff, and no log-to-Event posting (the flow posts its own Events, which never carry
secrets). :func:`run_operator` runs kopf with the registry until stopped.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from contextlib import nullcontext
from typing import Any

import kopf

from occi_operator.api.v1alpha1 import GROUP, VERSION

from .annotations import PAUSED, RECONCILE_REQUESTED_AT
from .contract import Adapter
from .dependencies import FINALIZER, GUARD_FINALIZER
from .endpoints import CLUSTER_ENDPOINTS, ENDPOINTS
from .kube import KubeApi, KubeObject, KubernetesApi, ResourceType, custom
from .metrics import serve
from .outcome import Outcome
from .runtime import Runtime, build_runtime
from .settings import KubernetesSettings, LogFormat, OperatorSettings

__all__ = [
    "build_registry",
    "configure",
    "connection_info",
    "guarded",
    "hand_over",
    "peering_priority",
    "run_operator",
]

logger = logging.getLogger("occi_operator.reconciler.handlers")

#: The prefix of kopf's own annotations (progress, last handled configuration). kopf
#: marks it (``…/kopf-managed``) and leaves it out of its diffs; it must not start with
#: ``kopf.``, which kopf would not mark.
KOPF_PREFIX = "operator.occi-operator.dev"


def hand_over(outcome: Outcome) -> None:
    """Tell kopf what the pass came to: return (done), or raise its error."""
    if outcome.terminal_error:
        raise kopf.PermanentError(outcome.message)
    delay = outcome.requeue_after
    if delay is not None:
        raise kopf.TemporaryError(outcome.message, delay=max(delay, 0.1))


async def guarded(
    runtime: Runtime, what: str, call: Any, *, about: KubeObject | None = None
) -> Outcome:
    """The handler edge: a bug becomes a retry with a summary, never a crash or a secret.

    Only the exception's type is logged; the traceback (which may quote values) only at
    DEBUG level. Every line logged meanwhile names ``about`` and its endpoint.
    """
    try:
        with runtime.log_context.about(about) if about else nullcontext():
            outcome: Outcome = await call
    except Exception as exc:
        logger.error("%s failed unexpectedly (%s)", what, type(exc).__name__)
        logger.debug("%s failed unexpectedly", what, exc_info=True)
        delay = runtime.reconciler.timings.errors.transient
        raise kopf.TemporaryError(
            f"{what} failed unexpectedly ({type(exc).__name__})", delay=delay
        ) from None
    return outcome


def _has_remote(body: Any, **_: Any) -> bool:
    meta = body.get("metadata") or {}
    status = body.get("status") or {}
    return FINALIZER in (meta.get("finalizers") or ()) or bool(status.get("location"))


def _deleted(event: Any, **_: Any) -> bool:
    # Only the last event: kopf logs every event handler's success at INFO.
    return bool(event.get("type") == "DELETED")


def _settling(body: Any, **_: Any) -> bool:
    """Reached the endpoint, not being deleted, not Ready nor Stalled for its generation."""
    meta = body.get("metadata") or {}
    if FINALIZER not in (meta.get("finalizers") or ()) or meta.get("deletionTimestamp"):
        return False
    status = body.get("status") or {}
    if status.get("observedGeneration") != meta.get("generation"):
        return True
    settled = any(c.get("type") in ("Ready", "Stalled") and c.get("status") == "True"
                  for c in status.get("conditions") or ())  # fmt: skip
    return not settled


def _held_while_deleted(body: Any, **_: Any) -> bool:
    meta = body.get("metadata") or {}
    return bool(meta.get("deletionTimestamp")) and GUARD_FINALIZER in (
        meta.get("finalizers") or ()
    )


def _annotation(key: str) -> tuple[str, ...]:
    # A tuple: the key's dots are not kopf's field separators.
    return ("metadata", "annotations", key)


def _register(
    registry: kopf.OperatorRegistry,
    runtime: Runtime,
    adapter: Adapter[Any],
    *,
    tick: float,
    settle_tick: float,
) -> None:
    rtype: ResourceType = custom(adapter.info.plural, adapter.kind)
    where: dict[str, Any] = {
        "group": GROUP, "version": VERSION, "plural": rtype.plural, "registry": registry
    }

    async def reconcile(body: Any, **_: Any) -> None:
        obj = KubeObject.from_body(rtype, body)
        outcome = await guarded(runtime, f"reconcile {obj.display}", runtime.reconcile(obj),
                                about=obj)
        if not runtime.defer(obj, outcome):
            hand_over(outcome)

    async def resume(body: Any, **_: Any) -> None:
        obj = KubeObject.from_body(rtype, body)
        if obj.deleting or runtime.fresh(obj):
            return  # a restart reads nothing that is not due: no storm
        await reconcile(body)

    async def settle(body: Any, **_: Any) -> None:
        obj = KubeObject.from_body(rtype, body)
        wait = runtime.settle_wait(obj)
        if wait is None:
            return
        if wait > 0:
            # The timer sleeps this long, in memory: nothing is written to the object.
            raise kopf.TemporaryError("still getting ready", delay=wait)
        hand_over(await guarded(runtime, f"reconcile {obj.display}", runtime.settle(obj),
                                about=obj))

    async def delete(body: Any, **_: Any) -> None:
        obj = KubeObject.from_body(rtype, body)
        hand_over(await guarded(runtime, f"delete {obj.display}", runtime.delete(obj), about=obj))

    async def resync(body: Any, **_: Any) -> None:
        obj = KubeObject.from_body(rtype, body)
        if not runtime.resync_due(obj):
            return
        hand_over(await guarded(runtime, f"resync {obj.display}", runtime.resync(obj), about=obj))

    kopf.on.create(**where, id="reconcile-create")(reconcile)
    kopf.on.update(**where, id="reconcile-update", field="spec")(reconcile)
    # The user's annotations: un-pausing and a reconcile request each run a pass now.
    kopf.on.update(**where, id="reconcile-unpaused", field=_annotation(PAUSED))(reconcile)
    kopf.on.update(**where, id="reconcile-requested", field=_annotation(RECONCILE_REQUESTED_AT))(
        reconcile
    )
    kopf.on.resume(**where, id="reconcile-resume")(resume)
    kopf.on.delete(**where, id="delete", optional=True)(delete)
    kopf.timer(**where, id="resync", interval=tick, when=_has_remote)(resync)
    # First run after one tick: by then the pass that deferred the object is usually due,
    # instead of a "still getting ready" retry logged for every object just created.
    kopf.timer(**where, id="settle", interval=settle_tick, initial_delay=settle_tick,
               when=_settling)(settle)

    async def gone(body: Any, **_: Any) -> None:
        # An object that never reached the endpoint has no finalizer and no delete pass.
        runtime.gone(KubeObject.from_body(rtype, body).uid)

    kopf.on.event(**where, id="gone", when=_deleted)(gone)


def _register_endpoint(
    registry: kopf.OperatorRegistry, runtime: Runtime, rtype: ResourceType
) -> None:
    # No timer here: a timer would put kopf's finalizer on endpoint objects.
    where: dict[str, Any] = {
        "group": GROUP, "version": VERSION, "plural": rtype.plural, "registry": registry
    }

    async def probe(body: Any, **_: Any) -> None:
        obj = KubeObject.from_body(rtype, body)
        if obj.deleting:
            return
        hand_over(await guarded(runtime, f"probe {obj.display}", runtime.probe(obj), about=obj))

    async def release(body: Any, **_: Any) -> None:
        obj = KubeObject.from_body(rtype, body)
        await guarded(runtime, f"release {obj.display}", runtime.release(obj), about=obj)

    kopf.on.create(**where, id="probe-create")(probe)
    kopf.on.update(**where, id="probe-update", field="spec")(probe)
    kopf.on.resume(**where, id="probe-resume")(probe)
    # An event handler: kopf sees no deletion of an object that lacks its finalizer, and
    # a delete handler would put that finalizer on every endpoint object. The next event
    # (or a restart's listing) retries a release that failed.
    kopf.on.event(**where, id="release", when=_held_while_deleted)(release)


def build_registry(runtime: Runtime, settings: OperatorSettings) -> kopf.OperatorRegistry:
    """An explicit registry with the handlers of every adapter and of endpoint objects."""
    registry = kopf.OperatorRegistry()
    for adapter in runtime.adapters:
        _register(registry, runtime, adapter, tick=settings.resync.tick,
                  settle_tick=settings.timing.provisioning)
    for rtype in (ENDPOINTS, CLUSTER_ENDPOINTS):
        _register_endpoint(registry, runtime, rtype)
    return registry


def configure(kopf_settings: kopf.OperatorSettings, settings: OperatorSettings) -> None:
    """Derive kopf's settings from ours (the one place that does)."""
    kopf_settings.persistence.finalizer = FINALIZER
    # Not GROUP: kopf hides every annotation under its own prefix from its diffs, and the
    # user's paused / reconcile-requested-at annotations live under GROUP.
    kopf_settings.persistence.progress_storage = kopf.AnnotationsProgressStorage(
        prefix=KOPF_PREFIX
    )
    kopf_settings.persistence.diffbase_storage = kopf.AnnotationsDiffBaseStorage(
        prefix=KOPF_PREFIX
    )
    kopf_settings.posting.loggers = False
    kopf_settings.posting.level = logging.WARNING
    kopf_settings.execution.default_backoff = settings.timing.transient_error
    kopf_settings.networking.error_backoffs = (1, 2, 5, 10, 20, 30)
    kopf_settings.peering.standalone = settings.peering.standalone
    kopf_settings.peering.name = settings.peering.name
    kopf_settings.peering.priority = settings.peering.priority
    kopf_settings.peering.mandatory = not settings.peering.standalone
    kopf_settings.peering.clusterwide = not settings.watch.namespaces
    kopf_settings.watching.server_timeout = settings.watch.server_timeout
    kopf_settings.watching.client_timeout = settings.watch.client_timeout
    if settings.watch.label_selector:
        kopf_settings.watching.label_selectors[GROUP, kopf.EVERYTHING] = (
            settings.watch.label_selector
        )


def peering_priority(settings: OperatorSettings) -> int:
    """The configured peering priority, or a fresh random one if asked (call it once).

    kopf pauses every replica when live peers share a priority, so the replicas of one
    Deployment (one pod template) draw theirs from a range wide enough that two equal
    draws are very unlikely.
    """
    if not settings.peering.random_priority:
        return settings.peering.priority
    return 1 + secrets.randbelow(2**31 - 1)


def connection_info(kubernetes: KubernetesSettings) -> kopf.ConnectionInfo:
    """kopf's credentials from our kubeconfig settings (as kopf's own client login does)."""
    from kubernetes import client as k8s
    from kubernetes import config as k8s_config

    cfg = k8s.Configuration()
    if kubernetes.in_cluster:
        k8s_config.load_incluster_config(client_configuration=cfg)  # type: ignore[no-untyped-call]
    else:
        k8s_config.load_kube_config(  # type: ignore[no-untyped-call]
            config_file=str(kubernetes.kubeconfig) if kubernetes.kubeconfig else None,
            context=kubernetes.context,
            client_configuration=cfg,
        )
    header = cfg.get_api_key_with_prefix("BearerToken") or cfg.get_api_key_with_prefix(
        "authorization"
    )
    parts = header.split(" ", 1) if header else []
    scheme, token = (
        (None, None) if not parts else (None, parts[0]) if len(parts) == 1 else (parts[0], parts[1])
    )
    return kopf.ConnectionInfo(
        server=cfg.host,
        ca_path=cfg.ssl_ca_cert,
        insecure=not cfg.verify_ssl,
        username=cfg.username or None,
        password=cfg.password or None,
        scheme=scheme,
        token=token,
        certificate_path=cfg.cert_file,
        private_key_path=cfg.key_file,
    )


async def run_operator(
    settings: OperatorSettings,
    *,
    kube: KubeApi | None = None,
    stop_flag: asyncio.Event | None = None,
    ready_flag: asyncio.Event | None = None,
) -> None:
    """Run the operator until ``stop_flag`` is set (or the process is signalled)."""
    k8s = settings.kubernetes
    api = kube or KubernetesApi.from_kubeconfig(
        str(k8s.kubeconfig) if k8s.kubeconfig else None,
        context=k8s.context,
        in_cluster=k8s.in_cluster,
    )
    runtime = build_runtime(settings, api)
    registry = build_registry(runtime, settings)
    priority = peering_priority(settings)  # drawn once per process

    @kopf.on.startup(registry=registry)
    def _startup(settings: kopf.OperatorSettings, **_: Any) -> None:
        configure(settings, operator_settings)
        settings.peering.priority = priority

    @kopf.on.login(registry=registry)
    def _login(**_: Any) -> kopf.ConnectionInfo:
        return connection_info(operator_settings.kubernetes)

    operator_settings = settings
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    kopf.configure(
        verbose=settings.log_level == "DEBUG",
        quiet=settings.log_level in ("WARNING", "ERROR"),
        log_format=kopf.LogFormat.JSON if settings.log_format is LogFormat.JSON
        else kopf.LogFormat.FULL,
        log_prefix=None,  # text lines about an object start [namespace/name]; JSON has fields
    )
    runtime.log_context.install()  # the object and its endpoint on every line of a pass
    # Our own aiohttp site beside kopf's probe: kopf's health reporter serves only /healthz.
    metrics = settings.metrics
    server = (
        await serve(runtime.metrics.registry, host=metrics.host, port=metrics.port)
        if metrics.port else None
    )
    try:
        await kopf.operator(
            registry=registry,
            standalone=settings.peering.standalone,
            priority=priority,
            peering_name=settings.peering.name,
            liveness_endpoint=settings.probe.url,
            clusterwide=not settings.watch.namespaces,
            namespaces=settings.watch.namespaces,
            stop_flag=stop_flag,
            ready_flag=ready_flag,
        )
    finally:
        if server is not None:
            await server.cleanup()
        await runtime.aclose()
