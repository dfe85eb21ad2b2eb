"""The chart grants exactly the permissions the code uses: no more, no less.

The expected set is derived, not typed: a static scan of reconciler/kube.py finds every
``kubernetes`` client method the reconciler calls (each maps to one verb in the table
below; a new call fails this test until it is added), kopf's registry as
reconciler/handlers.py builds it names the resources kopf watches and patches, and kopf's
own backbone selectors name what the framework itself needs (CRD discovery, namespace
observation, peering). The chart's ClusterRoles, Roles and bindings are rendered with
the genuine Helm engine and flattened into (namespace, group, resource, verb) grants.
"""

from __future__ import annotations

import ast
import asyncio
from collections.abc import Iterable, Mapping
from typing import Any, cast

import pytest
import yaml
from chart_render import NAMESPACE, ROOT, Manifest, Render
from kopf._cogs.structs import references

from occi_operator.reconciler.handlers import build_registry
from occi_operator.reconciler.kube import KubeApi
from occi_operator.reconciler.runtime import build_runtime
from occi_operator.reconciler.settings import OperatorSettings

KUBE = ROOT / "operator" / "occi_operator" / "reconciler" / "kube.py"
GROUP = "occi.occi-operator.dev"
CLUSTER = "*"  # a grant in every namespace (ClusterRole + ClusterRoleBinding)
Grant = tuple[str, str, str, str]  # namespace (or CLUSTER), API group, resource, verb

#: kubernetes client method -> (API group, resource, verb, whether the call is cluster-wide).
#: "{kinds}" stands for every kind of our group, "{kinds}/status" for their status.
CLIENT_CALLS: dict[str, tuple[str, str, str, bool]] = {
    "get_namespaced_custom_object": (GROUP, "{kinds}", "get", False),
    "get_cluster_custom_object": (GROUP, "{kinds}", "get", True),
    "list_namespaced_custom_object": (GROUP, "{kinds}", "list", False),
    "list_cluster_custom_object": (GROUP, "{kinds}", "list", True),
    "patch_namespaced_custom_object": (GROUP, "{kinds}", "patch", False),
    "patch_cluster_custom_object": (GROUP, "{kinds}", "patch", True),
    "patch_namespaced_custom_object_status": (GROUP, "{kinds}/status", "patch", False),
    "patch_cluster_custom_object_status": (GROUP, "{kinds}/status", "patch", True),
    "read_namespaced_secret": ("", "secrets", "get", False),
    "patch_namespaced_secret": ("", "secrets", "patch", False),
    "create_namespaced_secret": ("", "secrets", "create", False),
    "replace_namespaced_secret": ("", "secrets", "update", False),
    "delete_namespaced_secret": ("", "secrets", "delete", False),
    "read_namespace": ("", "namespaces", "get", True),
    "create_namespaced_event": ("", "events", "create", False),
}
#: Attributes of the API objects that are no API call.
NOT_CALLS = {"api_client"}
#: What kopf does to every resource it serves: lists and watches it (watching.py) and
#: merge-patches its annotations and finalizers (patching.py).
KOPF_SERVED = ("list", "watch", "patch")
#: kopf's peering: watched, and merge-patched with each peer's keep-alive (peering.py).
KOPF_PEERING = ("list", "watch", "patch")


def client_methods() -> set[str]:
    """Every method of ``self._custom`` / ``self._core`` that kube.py refers to."""
    tree = ast.parse(KUBE.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr in ("_custom", "_core")
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id == "self"
        ):
            found.add(node.attr)
    return found - NOT_CALLS


def crd_kinds() -> dict[str, bool]:
    """Our plurals and whether each is namespaced, from the generated CRDs."""
    kinds = {}
    for path in (ROOT / "crds").glob("*.yaml"):
        crd = yaml.safe_load(path.read_text(encoding="utf-8"))
        kinds[crd["spec"]["names"]["plural"]] = crd["spec"]["scope"] == "Namespaced"
    return kinds


def served_by_kopf() -> set[tuple[str, str]]:
    """(group, plural) of every resource the registry of handlers.py serves."""
    runtime = build_runtime(OperatorSettings(), cast(KubeApi, object()))  # never called
    try:
        registry = build_registry(runtime, OperatorSettings())
    finally:
        asyncio.run(runtime.aclose())
    handlers: list[Any] = [
        *registry._changing.get_all_handlers(),  # kopf has no public listing
        *registry._spawning.get_all_handlers(),
        *registry._watching.get_all_handlers(),
    ]
    return {(h.selector.group, h.selector.plural) for h in handlers if h.selector}


def expected(*, namespaces: list[str], peering: bool) -> set[Grant]:
    """The grants the code needs in one watch scope (empty list: every namespace)."""
    kinds = crd_kinds()
    scopes = namespaces or [CLUSTER]
    grants: set[Grant] = set()

    def grant(where: Iterable[str], group: str, resource: str, verbs: Iterable[str]) -> None:
        grants.update((w, group, resource, v) for w in where for v in verbs)

    for method in client_methods():
        assert method in CLIENT_CALLS, f"kube.py calls {method}: add it to CLIENT_CALLS"
        group, resource, verb, cluster_call = CLIENT_CALLS[method]
        if "{kinds}" not in resource:  # secrets, events, namespaces
            grant([CLUSTER] if cluster_call else scopes, group, resource, [verb])
            continue
        for plural, namespaced in kinds.items():
            name = resource.replace("{kinds}", plural)
            if not namespaced:  # kube.py uses the cluster calls for cluster-scoped kinds
                grant([CLUSTER], group, name, [verb])
            elif not cluster_call:
                grant(scopes, group, name, [verb])
            elif verb == "list":  # across namespaces: the users of a ClusterOCCIEndpoint
                grant([CLUSTER], group, name, [verb])
    for group, plural in served_by_kopf():
        grant(scopes if kinds[plural] else [CLUSTER], group, plural, KOPF_SERVED)
    crds = references.CRDS
    grant([CLUSTER], crds.group or "", str(crds.any_name), ["list", "watch"])
    if namespaces:  # kopf observes namespaces only when it does not serve them all
        grant([CLUSTER], "", str(references.NAMESPACES.any_name), ["list", "watch"])
        # Outside the watched namespaces: a ClusterOCCIEndpoint's Secrets live in the
        # operator's namespace (endpoints.py), Events about cluster-scoped objects go to
        # "default" (kube.py post_event).
        grant([NAMESPACE], "", "secrets", ["get"])
        grant(["default"], "", "events", ["create"])
    if peering:
        selector = (
            references.NAMESPACED_PEERINGS_K if namespaces else references.CLUSTER_PEERINGS_K
        )
        grant(scopes, selector.group or "", str(selector.any_name), KOPF_PEERING)
    return grants


def granted(manifests: list[Manifest], account: str) -> set[Grant]:
    """The grants the rendered RBAC gives the operator's ServiceAccount."""
    roles: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for m in manifests:
        if m.kind in ("ClusterRole", "Role"):
            roles[(m.kind, m.name if m.kind == "ClusterRole" else f"{m.namespace}/{m.name}")] = (
                m.body["rules"]
            )
    grants: set[Grant] = set()
    for m in manifests:
        if m.kind not in ("ClusterRoleBinding", "RoleBinding"):
            continue
        if not any(s["kind"] == "ServiceAccount" and s["name"] == account
                   and s["namespace"] == NAMESPACE for s in m.body["subjects"]):
            continue
        ref = m.body["roleRef"]
        key = ref["name"] if ref["kind"] == "ClusterRole" else f"{m.namespace}/{ref['name']}"
        where = CLUSTER if m.kind == "ClusterRoleBinding" else str(m.namespace)
        for rule in roles[(ref["kind"], key)]:
            assert "*" not in rule["verbs"], rule
            assert "*" not in rule["resources"], rule
            grants.update(
                (where, group, resource, verb)
                for group in rule["apiGroups"]
                for resource in rule["resources"]
                for verb in rule["verbs"]
            )
    return grants


SCOPES = [
    pytest.param({}, id="every-namespace"),
    pytest.param({"watch": {"labelSelector": "shard=a"}}, id="label-selector"),
    pytest.param({"watch": {"namespaces": ["team-a", "team-b"]}}, id="namespace-list"),
    pytest.param({"watch": {"namespaces": [NAMESPACE, "default"]}}, id="own-and-default-watched"),
    pytest.param({"replicas": 2, "peering": {"enabled": True, "name": "p"}}, id="peering"),
    pytest.param({"replicas": 2, "peering": {"enabled": True, "name": "p"},
                  "watch": {"namespaces": ["team-a"]}}, id="peering-namespace-list"),
]


@pytest.mark.parametrize("values", SCOPES)
def test_the_chart_grants_exactly_what_the_code_uses(
    render: Render, values: dict[str, Any]
) -> None:
    namespaces = list(values.get("watch", {}).get("namespaces", []))
    peering = bool(values.get("peering", {}).get("enabled"))
    want = expected(namespaces=namespaces, peering=peering)
    have = granted(render(values), "occi-occi-operator")
    assert sorted(have - want) == [], "granted but unused"
    assert sorted(want - have) == [], "used but not granted"


def test_the_scan_sees_the_calls_of_kube_py() -> None:
    # A scan that found nothing would make the comparison above vacuous.
    methods = client_methods()
    assert {"read_namespaced_secret", "patch_namespaced_custom_object_status",
            "create_namespaced_event", "list_cluster_custom_object"} <= methods
    assert served_by_kopf() == {(GROUP, plural) for plural in crd_kinds()}


def test_events_about_cluster_objects_go_to_default() -> None:
    # The "default" Role above rests on this line of kube.py's post_event.
    assert 'obj.namespace or "default"' in KUBE.read_text(encoding="utf-8")


def test_no_rbac_objects_when_the_platform_brings_its_own(render: Render) -> None:
    kinds = {m.kind for m in render({"rbac": {"create": False}})}
    assert not kinds & {"ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding"}
