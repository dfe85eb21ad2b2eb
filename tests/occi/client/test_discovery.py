"""Discovery: the query interface, its cache, template resolution, contextualization."""

from __future__ import annotations

import pytest
from client_testing import ClientFactory, FakeClock
from fake_occi import FakeOCCI, Quirks

from occi_operator.occi import vocabulary as v
from occi_operator.occi.client import ContextFamily, TemplateFamily
from occi_operator.occi.errors import TemplateNotFoundError, UnknownCategoryError

OS, RESOURCE = TemplateFamily.OS, TemplateFamily.RESOURCE


def _query_gets(server: FakeOCCI) -> int:
    return sum(1 for seen in server.seen if seen.path.endswith("/-/"))


async def test_discover_lists_kinds_and_mixins(make_client: ClientFactory) -> None:
    query = await make_client(rendering="application/occi+json").discover()
    assert query.find(v.COMPUTE_KIND) is not None
    assert query.find(v.OS_TPL_MIXIN) is not None


async def test_discovery_is_cached_until_the_ttl_passes(
    make_client: ClientFactory, server: FakeOCCI, fake_clock: FakeClock
) -> None:
    client = make_client(rendering="application/occi+json", discovery_ttl=60)
    await client.discover()
    await client.discover()
    assert _query_gets(server) == 1
    fake_clock.advance(61)
    await client.discover()
    assert _query_gets(server) == 2
    await client.discover(refresh=True)
    assert _query_gets(server) == 3


async def test_discovery_falls_back_to_the_well_known_path(make_client: ClientFactory) -> None:
    fake = FakeOCCI(Quirks(well_known_only=True))
    client = make_client(fake, rendering="application/occi+json", discovery_ttl=0)
    await client.discover()
    await client.discover()
    paths = [seen.path for seen in fake.seen]
    # The path that worked is remembered: /-/ is asked once only.
    assert paths == ["/-/", "/.well-known/org/ogf/occi/-/", "/.well-known/org/ogf/occi/-/"]


@pytest.mark.parametrize(
    ("family", "name", "expected"),
    [
        pytest.param(OS, "uuid_debian_12", "http://rocci.test/occi/infrastructure/os_tpl#uuid_debian_12",
                     id="rocci-term-depends-on-os_tpl"),
        pytest.param(OS, "Debian 12", "http://rocci.test/occi/infrastructure/os_tpl#uuid_debian_12",
                     id="rocci-title"),
        pytest.param(OS, "Ubuntu 24.04", v.OPENSTACK_BASE + "template/os#7c1e-ubuntu",
                     id="ooi-title-exact-beats-case-insensitive"),
        pytest.param(OS, "7c1e-ubuntu", v.OPENSTACK_BASE + "template/os#7c1e-ubuntu",
                     id="ooi-term-no-depends-scheme-decides"),
        pytest.param(OS, v.OPENSTACK_BASE + "template/os#same-a",
                     v.OPENSTACK_BASE + "template/os#same-a", id="type-id"),
        pytest.param(RESOURCE, "m1.small", v.OPENSTACK_BASE + "template/resource#m1.small",
                     id="ooi-flavor-term"),
        pytest.param(RESOURCE, "LARGE", "http://rocci.test/occi/infrastructure/resource_tpl#large",
                     id="rocci-title-ignoring-case"),
    ],
)
async def test_templates_resolve_by_term_title_or_type_id(
    make_client: ClientFactory, family: TemplateFamily, name: str, expected: str
) -> None:
    mixin = await make_client(rendering="application/occi+json").resolve_template(family, name)
    assert mixin.type_id == expected


async def test_an_ambiguous_template_name_lists_the_candidates(
    make_client: ClientFactory,
) -> None:
    with pytest.raises(TemplateNotFoundError) as caught:
        await make_client(rendering="application/occi+json").resolve_template(OS, "Twin")
    assert caught.value.ambiguous
    assert sorted(caught.value.available) == [
        v.OPENSTACK_BASE + "template/os#same-a",
        v.OPENSTACK_BASE + "template/os#same-b",
    ]
    assert "ambiguous" in str(caught.value)


async def test_a_missing_template_lists_what_exists_after_one_refetch(
    make_client: ClientFactory, server: FakeOCCI
) -> None:
    client = make_client(rendering="application/occi+json")
    with pytest.raises(TemplateNotFoundError) as caught:
        await client.resolve_template(OS, "windows")
    assert not caught.value.ambiguous
    assert "uuid_debian_12 (Debian 12)" in caught.value.available
    assert "m1.small (Flavor: m1.small)" not in caught.value.available  # other family
    assert _query_gets(server) == 2  # images come and go: one refetch before giving up


@pytest.mark.parametrize(
    ("offered", "family", "user_data"),
    [
        pytest.param("occi", ContextFamily.OCCI, v.USER_DATA_MIXIN, id="occi-1.2"),
        pytest.param("openstack", ContextFamily.OPENSTACK, v.OPENSTACK_USER_DATA_MIXIN,
                     id="legacy-openstack"),
        pytest.param("both", ContextFamily.OCCI, v.USER_DATA_MIXIN,
                     id="both-offered-occi-wins-never-both"),
    ],
)
async def test_the_contextualization_family_is_detected(
    make_client: ClientFactory, offered: str, family: ContextFamily, user_data: str
) -> None:
    fake = FakeOCCI(Quirks(context=offered))  # type: ignore[arg-type]
    found = await make_client(fake, rendering="application/occi+json").contextualization()
    assert found is not None
    assert found.family is family
    assert found.user_data == user_data


async def test_no_contextualization_offered_is_none(make_client: ClientFactory) -> None:
    fake = FakeOCCI(Quirks(context="none"))
    assert await make_client(fake, rendering="application/occi+json").contextualization() is None


async def test_legacy_family_names_its_key_attributes(make_client: ClientFactory) -> None:
    fake = FakeOCCI(Quirks(context="openstack"))
    found = await make_client(fake, rendering="application/occi+json").contextualization()
    assert found is not None
    assert found.ssh_key == v.OPENSTACK_PUBLIC_KEY_MIXIN
    assert found.ssh_key_attribute == v.OPENSTACK_PUBLICKEY_DATA
    assert found.ssh_key_name_attribute == v.OPENSTACK_PUBLICKEY_NAME


async def test_collection_of_a_kind_is_absolute(make_client: ClientFactory) -> None:
    client = make_client(rendering="application/occi+json")
    assert await client.collection_of(v.COMPUTE_KIND) == "http://occi.test/compute/"
    with pytest.raises(UnknownCategoryError):
        await client.collection_of(v.STORAGE_KIND)
