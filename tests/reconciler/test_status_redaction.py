"""The status mirror never carries a secret: by name, generically, and what an adapter names."""

from __future__ import annotations

import pytest

from occi_operator.occi import vocabulary as v
from occi_operator.occi.entities import Resource
from occi_operator.reconciler.contract import Observation
from occi_operator.reconciler.status import is_secret_attribute, mirror_of

SECRET_VALUE = "s3cr3t-value-71c2"


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        pytest.param("occi.database.token", True, id="platform-database-token"),
        pytest.param(v.COMPUTE_USERDATA, True, id="occi-user-data"),
        pytest.param(v.OPENSTACK_USER_DATA, True, id="openstack-user-data"),
        pytest.param("com.example.db.password", True, id="provider-password"),
        pytest.param("com.example.client_secret", True, id="provider-client-secret"),
        pytest.param("org.example.apiKey", True, id="provider-api-key-camel"),
        pytest.param("org.example.private-key", True, id="provider-private-key"),
        pytest.param("org.example.accessToken", True, id="provider-access-token"),
        pytest.param(v.CREDENTIALS_SSH_PUBLICKEY, False, id="a-public-key-is-public"),
        pytest.param(v.COMPUTE_HOSTNAME, False, id="hostname"),
        pytest.param(v.NETWORKINTERFACE_ADDRESS, False, id="address"),
        pytest.param("occi.app.url", False, id="application-url"),
        pytest.param("occi.database.username", False, id="a-user-name-is-no-secret"),
    ],
)
def test_secret_attributes_are_recognised_by_name(name: str, secret: bool) -> None:
    assert is_secret_attribute(name) is secret


def test_the_mirror_leaves_out_generic_and_adapter_named_secrets() -> None:
    remote = Resource(
        kind=v.COMPUTE_KIND,
        location="http://occi.test/compute/1",
        attributes={
            v.COMPUTE_HOSTNAME: "web-1",
            "occi.database.token": SECRET_VALUE,
            "com.example.vendor.magic": SECRET_VALUE + "-named",
            v.COMPUTE_USERDATA: SECRET_VALUE + "-userdata",
        },
    )
    mirror = mirror_of(remote, Observation(ready=True),
                       hidden=frozenset({"com.example.vendor.magic"}))
    assert mirror.attributes == {v.COMPUTE_HOSTNAME: "web-1"}
    assert SECRET_VALUE not in repr(mirror)
    # Without the adapter's list only the attribute nobody could guess shows.
    plain = mirror_of(remote, Observation(ready=True))
    assert set(plain.attributes) == {v.COMPUTE_HOSTNAME, "com.example.vendor.magic"}
