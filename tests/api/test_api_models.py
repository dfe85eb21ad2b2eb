"""The API models: parsing, defaults, the offline twins of the CEL rules, the kind table."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from occi_operator.api.v1alpha1 import API_VERSION
from occi_operator.api.v1alpha1.compute import Compute, ComputeSpec, PowerState
from occi_operator.api.v1alpha1.endpoint import (
    SECRET_KEYS,
    AuthType,
    ClusterOCCIEndpoint,
    OCCIEndpoint,
    Rendering,
)
from occi_operator.api.v1alpha1.kinds import KINDS, MANAGED_KINDS, kind_info
from occi_operator.api.v1alpha1.network import Network, is_cidr
from occi_operator.api.v1alpha1.networkinterface import NetworkInterface
from occi_operator.api.v1alpha1.rules import cel_name, immutable_changes, immutable_fields
from occi_operator.api.v1alpha1.storage import StorageResourceSpec
from occi_operator.occi import vocabulary
from occi_operator.occi.rendering import MEDIA_TYPES

EP = {"name": "embedded"}


def _compute(**resource: Any) -> dict[str, Any]:
    return {"spec": {"endpointRef": EP, "resource": {"cores": 2, **resource}}}


def test_defaults_are_applied_and_nothing_is_invented() -> None:
    compute = Compute.model_validate(_compute())
    assert compute.api_version == API_VERSION
    assert compute.kind == "Compute"
    assert compute.spec.management_policy == "managed"
    assert compute.spec.endpoint_ref.kind == "OCCIEndpoint"
    assert compute.spec.resource is not None
    assert compute.spec.resource.power_state is PowerState.RUNNING
    assert compute.spec.resource.memory is None
    assert compute.status is None


def test_a_dump_by_alias_round_trips_in_camel_case() -> None:
    body = _compute(
        memory="4Gi", osTemplate="debian-12", userDataSecretRef={"name": "s", "key": "k"}
    )
    body["spec"]["import"] = {"location": "/compute/1"}
    dumped = Compute.model_validate(body).model_dump(mode="json", by_alias=True, exclude_none=True)
    assert dumped["spec"]["import"] == {"location": "/compute/1"}
    assert dumped["spec"]["resource"]["userDataSecretRef"] == {"name": "s", "key": "k"}
    assert Compute.model_validate(dumped).model_dump(by_alias=True) == Compute.model_validate(
        body
    ).model_dump(by_alias=True)


def test_python_names_work_too() -> None:
    spec = ComputeSpec(endpoint_ref=EP, import_={"location": "/compute/1"})
    assert spec.import_ is not None


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="cpu"):
        Compute.model_validate(_compute(cpu=2))


def test_status_observed_generation_defaults_to_minus_one() -> None:
    compute = Compute.model_validate({**_compute(), "status": {}})
    assert compute.status is not None
    assert compute.status.observed_generation == -1


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        pytest.param(
            {"managementPolicy": "unmanaged"}, "must set import", id="unmanaged-needs-import"
        ),
        pytest.param({}, "must set resource", id="managed-needs-resource-or-import"),
        pytest.param(
            {"import": {"location": "/c/1", "filter": {"title": "x"}}},
            "exactly one of location and filter",
            id="import-both",
        ),
        pytest.param(
            {"import": {"filter": {"mixins": []}}}, "at least one of", id="empty-filter"
        ),
    ],
)
def test_lifecycle_rules_refuse_offline(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Compute.model_validate({"spec": {"endpointRef": EP, **spec}})


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param({"import": {"location": "/compute/1"}}, id="managed-import"),
        pytest.param(
            {"managementPolicy": "unmanaged", "import": {"filter": {"title": "web"}}},
            id="unmanaged-observe",
        ),
        pytest.param(
            {"import": {"location": "/c/1"}, "resource": {"cores": 1}},
            id="adopt-and-manage",
        ),
    ],
)
def test_lifecycle_combinations_that_are_allowed(spec: dict[str, Any]) -> None:
    Compute.model_validate({"spec": {"endpointRef": EP, **spec}})


def test_immutable_changes_name_the_json_path() -> None:
    old = Compute.model_validate(_compute(architecture="x64", osTemplate="debian-12")).spec
    new = Compute.model_validate(_compute(architecture="x86", osTemplate="debian-12", cores=8))
    assert immutable_changes(old, new.spec) == [".resource.architecture"]


def test_removing_an_immutable_field_is_a_change() -> None:
    old = Compute.model_validate(_compute(osTemplate="debian-12")).spec
    new = Compute.model_validate(_compute()).spec
    assert immutable_changes(old, new) == [".resource.osTemplate"]


def test_immutable_rules_do_not_apply_when_the_parent_is_new() -> None:
    old = Network.model_validate({"spec": {"endpointRef": EP, "resource": {"vlan": 1}}}).spec
    new = Network.model_validate(
        {"spec": {"endpointRef": EP, "resource": {"ipNetwork": {"cidr": "10.0.0.0/24"}}}}
    ).spec
    assert immutable_changes(old, new) == []


def test_lifecycle_fields_are_immutable_on_every_managed_kind() -> None:
    for info in MANAGED_KINDS:
        spec_model = info.model.model_fields["spec"].annotation
        assert isinstance(spec_model, type)
        assert set(immutable_fields(spec_model)) == {"endpoint_ref", "management_policy", "import_"}


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        pytest.param("import", "__import__", id="reserved-word"),
        pytest.param("namespace", "__namespace__", id="reserved-namespace"),
        pytest.param("tls.crt", "tls__dot__crt", id="dot"),
        pytest.param("a__b", "a__underscores__b", id="double-underscore"),
        pytest.param("cores", "cores", id="plain"),
    ],
)
def test_cel_name_escapes_like_kubernetes(name: str, escaped: str) -> None:
    assert cel_name(name) == escaped


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("10.0.0.0/24", True, id="ipv4"),
        pytest.param("10.0.0.1/24", True, id="host-bits-set"),
        pytest.param("fd00::/64", True, id="ipv6"),
        pytest.param("10.0.0.0/33", False, id="prefix-too-long"),
        pytest.param("10.0.0.0", False, id="no-prefix"),
    ],
)
def test_is_cidr(value: str, expected: bool) -> None:
    assert is_cidr(value) is expected


def test_nic_static_allocation_with_address_is_fine() -> None:
    NetworkInterface.model_validate(
        {
            "spec": {
                "endpointRef": EP,
                "resource": {
                    "computeRef": {"name": "vm"},
                    "networkRef": {"name": "net"},
                    "allocation": "static",
                    "address": "10.0.0.5",
                },
            }
        }
    )


def test_storage_online_defaults_to_true() -> None:
    assert StorageResourceSpec(size="1Gi").online is True


def test_every_auth_type_documents_its_secret_keys() -> None:
    assert set(SECRET_KEYS) == set(AuthType)
    assert SECRET_KEYS[AuthType.NONE] == ()
    assert all(SECRET_KEYS[auth] for auth in AuthType if auth is not AuthType.NONE)


def test_renderings_are_the_four_the_client_speaks() -> None:
    assert {rendering.value for rendering in Rendering} <= set(MEDIA_TYPES)
    assert len(Rendering) == 4


def test_endpoint_defaults() -> None:
    spec = OCCIEndpoint.model_validate({"spec": {"url": "http://127.0.0.1:8765/"}}).spec
    # No resync period of its own: the operator's resync.defaultPeriod setting applies.
    assert (spec.auth, spec.insecure_skip_verify, spec.default_resync_period) == (
        AuthType.NONE, False, None
    )
    assert spec.preferred_rendering is Rendering.TEXT_PLAIN


def test_empty_namespace_selector_is_allowed() -> None:
    cluster = ClusterOCCIEndpoint.model_validate(
        {"spec": {"url": "https://cloud/", "namespaceSelector": {}}}
    )
    assert cluster.spec.namespace_selector.match_labels is None


def test_kind_table() -> None:
    assert [info.kind for info in KINDS] == [
        "OCCIEndpoint", "ClusterOCCIEndpoint", "Network", "Storage", "Compute",
        "NetworkInterface", "StorageLink", "Application", "Component", "ComponentLink",
        "OCCIResource",
    ]
    assert kind_info("Compute").occi_kind == vocabulary.COMPUTE_KIND
    assert kind_info("ComponentLink").occi_kind == vocabulary.COMPONENTLINK_KIND
    assert kind_info("StorageLink").occi_kind == vocabulary.STORAGELINK_KIND
    assert all(info.occi_kind for info in MANAGED_KINDS)
    for info in KINDS:
        assert info.model.model_fields["kind"].default == info.kind
        assert info.model.model_fields["api_version"].default == API_VERSION
        assert info.plural == info.singular + "s" == info.kind.lower() + "s"
    with pytest.raises(KeyError, match="known: OCCIEndpoint"):
        kind_info("VirtualMachine")
