"""The OCCI core model: categories, entities, the canonical form, the error tree."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from occi_operator.occi.attributes import AttributeDefinition, AttributeType
from occi_operator.occi.categories import (
    Action,
    CategoryClass,
    Kind,
    Mixin,
    QueryInterface,
    split_type_id,
)
from occi_operator.occi.entities import (
    CORE_ID,
    CORE_SUMMARY,
    CORE_TARGET,
    CORE_TITLE,
    Collection,
    Filter,
    Link,
    Resource,
    split_core_attributes,
)
from occi_operator.occi.errors import (
    ConflictError,
    NotAcceptableError,
    NotFoundError,
    ServerError,
    StatusError,
    redact_url,
    status_error_class,
)

INFRA = "http://schemas.ogf.org/occi/infrastructure#"


def test_type_id_is_scheme_plus_term() -> None:
    kind = Kind(scheme=INFRA, term="compute", location="/compute/")
    assert kind.type_id == INFRA + "compute"
    assert kind.category_class is CategoryClass.KIND
    assert split_type_id(kind.type_id) == (INFRA, "compute")


@pytest.mark.parametrize(
    ("scheme", "term"),
    [
        pytest.param("http://example.org/occi", "x", id="scheme-without-hash"),
        pytest.param(INFRA, "has space", id="term-with-space"),
        pytest.param(INFRA, "", id="empty-term"),
    ],
)
def test_bad_category_identity_is_refused(scheme: str, term: str) -> None:
    with pytest.raises(ValidationError):
        Mixin(scheme=scheme, term=term)


def test_split_type_id_without_hash_names_the_identifier() -> None:
    with pytest.raises(ValueError, match="no '#'"):
        split_type_id("http://example.org/compute")


def test_query_interface_finds_categories_and_template_families() -> None:
    os_tpl = Mixin(scheme=INFRA, term="os_tpl")
    debian = Mixin(scheme="http://example.org/os_tpl#", term="debian12", depends=(os_tpl.type_id,))
    start = Action(scheme=INFRA.rstrip("#") + "/compute/action#", term="start")
    qi = QueryInterface(kinds=(Kind(scheme=INFRA, term="compute"),), mixins=(os_tpl, debian),
                        actions=(start,))
    assert qi.find(debian.type_id) == debian
    assert qi.find(INFRA + "nope") is None
    assert qi.mixins_depending_on(os_tpl.type_id) == [debian]
    assert [c.term for c in qi] == ["compute", "os_tpl", "debian12", "start"]


def test_attribute_lookup_on_a_category() -> None:
    cores = AttributeDefinition(name="occi.compute.cores", type=AttributeType.INTEGER)
    kind = Kind(scheme=INFRA, term="compute", attributes=(cores,))
    assert kind.attribute("occi.compute.cores") is cores
    assert kind.attribute("occi.compute.memory") is None
    assert kind.attribute_map() == {"occi.compute.cores": cores}


def test_core_attributes_come_first_and_only_when_set() -> None:
    resource = Resource(kind=INFRA + "compute", id="1", summary="s",
                        attributes={"occi.compute.cores": 2})
    assert list(resource.all_attributes()) == [CORE_ID, CORE_SUMMARY, "occi.compute.cores"]
    assert CORE_TITLE not in resource.all_attributes()


def test_link_core_attributes_carry_source_and_target() -> None:
    link = Link(kind=INFRA + "networkinterface", source="/compute/1", target="/network/2",
                target_kind=INFRA + "network")
    flat = link.all_attributes()
    assert flat["occi.core.source"] == "/compute/1"
    assert flat[CORE_TARGET] == "/network/2"
    assert flat["occi.core.target.kind"] == INFRA + "network"


def test_split_core_attributes_separates_the_typed_fields() -> None:
    core, rest = split_core_attributes({CORE_ID: "x", "occi.compute.cores": 1, CORE_TITLE: "t"})
    assert core == {CORE_ID: "x", CORE_TITLE: "t"}
    assert rest == {"occi.compute.cores": 1}


def test_entities_refuse_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        Resource.model_validate({"kind": INFRA + "compute", "colour": "red"})


def test_collection_lists_resources_then_links() -> None:
    res = Resource(kind=INFRA + "compute")
    link = Link(kind=INFRA + "storagelink", target="/storage/1")
    assert Collection(resources=(res,), links=(link,)).entities == (res, link)
    assert Filter().empty
    assert not Filter(categories=(INFRA + "compute",)).empty


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("https://user:pw@host/x", "https://host/x", id="userinfo"),
        pytest.param("https://host/x?token=abc&a=1", "https://host/x?token=***&a=1", id="token"),
        pytest.param("https://host/compute/1", "https://host/compute/1", id="plain"),
    ],
)
def test_urls_in_errors_are_redacted(url: str, expected: str) -> None:
    assert redact_url(url) == expected


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        pytest.param(404, NotFoundError, id="404"),
        pytest.param(409, ConflictError, id="409"),
        pytest.param(415, NotAcceptableError, id="415-is-a-rendering-problem"),
        pytest.param(502, ServerError, id="502"),
        pytest.param(418, StatusError, id="unknown-4xx-is-a-status-error"),
    ],
)
def test_status_codes_map_to_error_classes(code: int, cls: type[StatusError]) -> None:
    assert issubclass(status_error_class(code), cls)


def test_status_error_message_has_no_credentials() -> None:
    err = NotFoundError(method="GET", url="https://u:secretpw@h/compute/1", status_code=404,
                        server_message="no such compute")
    assert "secretpw" not in str(err)
    assert "404" in str(err)
    assert "no such compute" in str(err)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        pytest.param("abc1", True, id="alnum-matches"),
        pytest.param("a b", False, id="space-does-not-match"),
    ],
)
def test_rocci_posix_patterns_are_understood(value: str, ok: bool) -> None:
    """rOCCI sends Ruby regexps with POSIX classes; they must constrain, not warn."""
    from occi_operator.occi.attributes import validate_value
    from occi_operator.occi.errors import InvalidAttributeError

    definition = AttributeDefinition(name="x", pattern="(?-mix:^[[:alnum:]]+$)")
    if ok:
        validate_value(definition, value)
    else:
        with pytest.raises(InvalidAttributeError, match="must match"):
            validate_value(definition, value)


def test_an_unusable_server_pattern_constrains_nothing() -> None:
    from occi_operator.occi.attributes import validate_value

    validate_value(AttributeDefinition(name="x", pattern="(unclosed"), "anything")
