"""The template catalog: YAML in, os_tpl / resource_tpl mixins out (GFD.224 §3.4.1–3.4.2).

Templates are provider mixins that depend on the infrastructure's os_tpl / resource_tpl
mixins; their attribute defaults carry the template's values, which is how a resource_tpl
resizes a compute. A bad file is refused with one error naming file, line, entry and field.
"""

from __future__ import annotations

import itertools
from importlib import resources
from pathlib import Path

import pytest
from pydantic import ValidationError

from occi_operator.endpoint.catalog import (
    ATTR_DISK,
    ATTR_IMAGE,
    DEFAULT_OS_TPL_SCHEME,
    DEFAULT_RESOURCE_TPL_SCHEME,
    Catalog,
    DuplicateTemplateError,
    OsTemplate,
    OsTemplateSection,
    ResourceTemplate,
    ResourceTemplateSection,
    compute_definitions,
    default_catalog,
    load_catalog,
    parse_catalog,
)
from occi_operator.endpoint.errors import CatalogError
from occi_operator.occi.attributes import AttributeType, validate_value
from occi_operator.occi.errors import InvalidAttributeError
from occi_operator.occi.vocabulary import COMPUTE_KIND, OS_TPL_MIXIN, RESOURCE_TPL_MIXIN

SMALL_AND_DEBIAN = """\
os_tpl:
  scheme: "https://cloud.example.org/occi/os#"
  templates:
    - term: debian-12
      title: Debian 12
      description: A stable base.
      architecture: x64
      image: debian-12-genericcloud-amd64
    - term: bare
      title: Bare image
resource_tpl:
  scheme: "https://cloud.example.org/occi/size#"
  templates:
    - term: small
      title: Small
      cores: 2
      memory: 3.5
      architecture: x86
      speed: 2.4
      disk: 20
    - term: tiny
      title: Tiny
      cores: 1
      memory: 1
"""


# --- the shipped catalog ---------------------------------------------------------------


def test_default_catalog_offers_the_documented_images_and_sizes() -> None:
    catalog = default_catalog()
    assert [t.term for t in catalog.os_tpl.templates] == [
        "debian-12", "ubuntu-24.04", "almalinux-9", "alpine-3.20", "cirros",
    ]
    sizes = [t.term for t in catalog.resource_tpl.templates]
    assert sizes == ["small", "medium", "large", "xlarge"]
    assert catalog.os_tpl.scheme == DEFAULT_OS_TPL_SCHEME
    assert catalog.resource_tpl.scheme == DEFAULT_RESOURCE_TPL_SCHEME


def test_default_sizes_grow_in_cores_memory_and_disk() -> None:
    sizes = default_catalog().resource_tpl.templates
    for smaller, larger in itertools.pairwise(sizes):
        assert smaller.cores < larger.cores, (smaller.term, larger.term)
        assert smaller.memory < larger.memory, (smaller.term, larger.term)
        assert (smaller.disk or 0) < (larger.disk or 0), (smaller.term, larger.term)


def test_default_catalog_is_package_data_next_to_the_module() -> None:
    # The wheel ships the whole package directory, so a file found here is in the wheel.
    data = resources.files("occi_operator.endpoint").joinpath("default_catalog.yaml")
    assert data.is_file()
    assert load_catalog(None) == default_catalog()


def test_every_default_template_image_and_size_is_filled_in() -> None:
    catalog = default_catalog()
    assert all(t.image and t.architecture and t.description for t in catalog.os_tpl.templates)
    assert all(t.disk and t.speed for t in catalog.resource_tpl.templates)


# --- the mixins templates become -------------------------------------------------------


def test_os_tpl_mixin_depends_on_os_tpl_and_carries_image_and_architecture() -> None:
    catalog = parse_catalog(SMALL_AND_DEBIAN, source="t.yaml")
    mixin = catalog.os_tpl_mixins()[0]
    assert mixin.type_id == "https://cloud.example.org/occi/os#debian-12"
    assert mixin.title == "Debian 12"
    assert mixin.depends == (OS_TPL_MIXIN,)
    assert mixin.applies == (COMPUTE_KIND,)
    assert mixin.location == "/os_tpl/debian-12/"
    attributes = mixin.attribute_map()
    assert attributes["occi.compute.architecture"].default == "x64"
    assert attributes["occi.compute.architecture"].enum == ("x86", "x64")
    assert attributes[ATTR_IMAGE].default == "debian-12-genericcloud-amd64"
    assert attributes[ATTR_IMAGE].immutable


def test_resource_tpl_mixin_defaults_carry_the_size() -> None:
    catalog = parse_catalog(SMALL_AND_DEBIAN, source="t.yaml")
    mixin = catalog.resource_tpl_mixins()[0]
    assert mixin.type_id == "https://cloud.example.org/occi/size#small"
    assert mixin.depends == (RESOURCE_TPL_MIXIN,)
    assert mixin.location == "/resource_tpl/small/"
    defaults = {d.name: d.default for d in mixin.attributes}
    assert defaults == {
        "occi.compute.cores": 2,
        "occi.compute.memory": 3.5,
        "occi.compute.architecture": "x86",
        "occi.compute.speed": 2.4,
        ATTR_DISK: 20.0,
    }
    assert mixin.attribute_map()["occi.compute.cores"].type is AttributeType.INTEGER
    assert mixin.attribute_map()["occi.compute.memory"].type is AttributeType.NUMBER


def test_compute_definitions_are_the_kinds_own_with_a_new_default() -> None:
    compute = compute_definitions()
    for mixin in default_catalog().mixins():
        for definition in mixin.attributes:
            if definition.name.startswith("occi.compute."):
                kinds = compute[definition.name]
                assert definition.model_copy(update={"default": kinds.default}) == kinds


def test_provider_attributes_are_immutable_and_reverse_dns_named() -> None:
    for mixin in default_catalog().mixins():
        for definition in mixin.attributes:
            if not definition.name.startswith("occi."):
                assert definition.name.startswith("dev.occi-operator.")
                assert definition.immutable


def test_every_default_is_valid_under_its_own_definition() -> None:
    for mixin in default_catalog().mixins():
        for definition in mixin.attributes:
            validate_value(definition, definition.default)


def test_a_cores_value_below_the_template_minimum_is_refused() -> None:
    cores = parse_catalog(SMALL_AND_DEBIAN, source="t").resource_tpl_mixins()[0].attribute_map()
    with pytest.raises(InvalidAttributeError, match=r"occi\.compute\.cores"):
        validate_value(cores["occi.compute.cores"], 0)


def test_optional_values_left_out_define_no_attribute() -> None:
    catalog = parse_catalog(SMALL_AND_DEBIAN, source="t.yaml")
    assert catalog.os_tpl_mixins()[1].attributes == ()
    tiny = catalog.resource_tpl_mixins()[1]
    assert [d.name for d in tiny.attributes] == ["occi.compute.cores", "occi.compute.memory"]
    assert tiny.attribute_map()["occi.compute.memory"].default == 1.0


def test_mixins_lists_os_templates_first_and_find_looks_up_by_type_id() -> None:
    catalog = parse_catalog(SMALL_AND_DEBIAN, source="t.yaml")
    assert [m.term for m in catalog.mixins()] == ["debian-12", "bare", "small", "tiny"]
    found = catalog.find("https://cloud.example.org/occi/size#tiny")
    assert found is not None
    assert found.term == "tiny"
    assert catalog.find(DEFAULT_RESOURCE_TPL_SCHEME + "tiny") is None


def test_description_stays_on_the_template() -> None:
    # OCCI 1.2 mixins have no description member; listings read it from the template.
    template = parse_catalog(SMALL_AND_DEBIAN, source="t.yaml").os_tpl.templates[0]
    assert template.description == "A stable base."


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty-file"),
        pytest.param("# only a comment\n", id="comment-only"),
        pytest.param("os_tpl: {}\nresource_tpl: {templates: []}\n", id="empty-sections"),
    ],
)
def test_an_empty_catalog_offers_nothing(text: str) -> None:
    catalog = parse_catalog(text, source="empty.yaml")
    assert catalog.mixins() == ()


def test_load_catalog_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(SMALL_AND_DEBIAN, encoding="utf-8")
    assert load_catalog(path) == parse_catalog(SMALL_AND_DEBIAN, source="other")


def test_a_missing_file_is_a_catalog_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(CatalogError, match="cannot be read") as caught:
        load_catalog(path)
    assert caught.value.source == str(path)
    assert str(path) in str(caught.value)


def test_a_file_that_is_not_utf8_is_a_catalog_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"os_tpl:\n  templates: [{term: caf\xe9, title: x}]\n")
    with pytest.raises(CatalogError, match="cannot be read"):
        load_catalog(path)


# --- refusals --------------------------------------------------------------------------

ENTRY = "resource_tpl:\n  templates:\n    - {term: small, title: Small, cores: 1, memory: 2}\n"


def _resource(entry: str) -> str:
    return ENTRY + f"    - {entry}\n"


@pytest.mark.parametrize(
    ("text", "section", "index", "term", "field", "line", "says"),
    [
        pytest.param(_resource("{term: big, title: Big, cores: 0, memory: 2}"),
                     "resource_tpl", 1, "big", "cores", 4, "greater than or equal to 1",
                     id="cores-below-one"),
        pytest.param(_resource("{term: big, title: Big, cores: true, memory: 2}"),
                     "resource_tpl", 1, "big", "cores", 4, "valid integer",
                     id="cores-boolean-is-no-number"),
        pytest.param(_resource("{term: big, title: Big, cores: 2, memory: 2G}"),
                     "resource_tpl", 1, "big", "memory", 4, "received '2G'",
                     id="memory-with-a-unit"),
        pytest.param(_resource("{term: big, title: Big, cores: 2, memory: -1}"),
                     "resource_tpl", 1, "big", "memory", 4, "greater than 0",
                     id="memory-negative"),
        pytest.param(_resource("{term: big, title: Big, cores: 2, memory: 2, architecture: arm64}"),
                     "resource_tpl", 1, "big", "architecture", 4, "'x86' or 'x64'",
                     id="architecture-unknown"),
        pytest.param(_resource("{term: big, title: Big, cores: 2}"),
                     "resource_tpl", 1, "big", "memory", 4, "Field required",
                     id="memory-missing"),
        pytest.param(_resource("{term: big, title: Big, cores: 2, memory: 2, ram: 4}"),
                     "resource_tpl", 1, "big", "ram", 4, "unknown field",
                     id="unknown-field-is-a-typo"),
        pytest.param(_resource("{term: 'big one', title: Big, cores: 2, memory: 2}"),
                     "resource_tpl", 1, "big one", "term", 4, "should match pattern",
                     id="term-with-a-space"),
        pytest.param(_resource("{term: 42, title: Big, cores: 2, memory: 2}"),
                     "resource_tpl", 1, None, "term", 4, "valid string",
                     id="term-not-a-string"),
        pytest.param(_resource("just-a-word"),
                     "resource_tpl", 1, None, None, 4, "valid dictionary",
                     id="entry-not-a-mapping"),
        pytest.param(_resource("{term: small, title: Again, cores: 2, memory: 2}"),
                     "resource_tpl", 1, "small", "term", 4,
                     "already used by resource_tpl.templates[0]",
                     id="duplicate-term"),
        pytest.param("os_tpl:\n  templates:\n    - {term: a, title: ''}\n",
                     "os_tpl", 0, "a", "title", 3, "at least 1 character",
                     id="title-empty"),
        pytest.param("os_tpl:\n  scheme: http://x.org/os\n",
                     "os_tpl", None, None, "scheme", 2, "ending in '#'",
                     id="scheme-without-hash"),
        pytest.param("os_tpl:\n  scheme: 'urn:x:os#'\n",
                     "os_tpl", None, None, "scheme", 2, "absolute http(s) URI",
                     id="scheme-not-http"),
        pytest.param("os_tpls:\n  templates: []\n",
                     "os_tpls", None, None, None, 1, "unknown field",
                     id="unknown-section"),
    ],
)
def test_a_bad_entry_is_refused_naming_entry_and_field(
    text: str, section: str, index: int | None, term: str | None, field: str | None,
    line: int, says: str,
) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, source="/etc/occi/catalog.yaml")
    error = caught.value
    assert (error.section, error.index, error.term, error.field, error.line) == (
        section, index, term, field, line
    )
    message = str(error)
    assert message.startswith(f"catalog /etc/occi/catalog.yaml, line {line}: ")
    assert says in message
    if index is not None:
        assert f"{section}.templates[{index}]" in message


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        pytest.param("os_tpl:\n  templates:\n    - {term: a, title: A\n", 4, "expected ',' or '}'",
                     id="unclosed-flow-mapping"),
        pytest.param("os_tpl:\n  templates: []\nos_tpl:\n  templates: []\n", 3,
                     "key 'os_tpl' a second time", id="duplicate-section"),
        pytest.param("os_tpl:\n  templates:\n    - term: a\n      title: A\n      term: b\n", 5,
                     "key 'term' a second time", id="duplicate-key-in-entry"),
        pytest.param("- os_tpl\n", 1, "expected a mapping", id="top-level-list"),
        pytest.param("a: 1\n---\nb: 2\n", 2, "single document", id="two-documents"),
    ],
)
def test_text_that_is_no_catalog_mapping_is_refused_with_its_line(
    text: str, line: int, says: str
) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, source="c.yaml")
    assert caught.value.line == line
    assert caught.value.section is None
    assert says in str(caught.value)


def test_several_problems_are_counted_after_the_first() -> None:
    text = "resource_tpl:\n  templates:\n    - {term: a, title: A, cores: 0, memory: 0}\n"
    with pytest.raises(CatalogError, match=r"\(and 1 more problems\)") as caught:
        parse_catalog(text, source="c.yaml")
    assert caught.value.field == "cores"


def test_the_same_type_id_in_both_sections_is_refused() -> None:
    shared = "http://x.org/tpl#"
    text = (
        f"os_tpl:\n  scheme: '{shared}'\n  templates: [{{term: one, title: One}}]\n"
        f"resource_tpl:\n  scheme: '{shared}'\n"
        "  templates: [{term: one, title: One, cores: 1, memory: 1}]\n"
    )
    with pytest.raises(CatalogError, match=r"already used by os_tpl\.templates\[0\]") as caught:
        parse_catalog(text, source="c.yaml")
    error = caught.value
    assert (error.section, error.index, error.term) == ("resource_tpl", 0, "one")


def test_duplicate_terms_in_different_schemes_are_allowed() -> None:
    text = (
        "os_tpl:\n  templates: [{term: one, title: One}]\n"
        "resource_tpl:\n  templates: [{term: one, title: One, cores: 1, memory: 1}]\n"
    )
    assert len(parse_catalog(text, source="c.yaml").mixins()) == 2


def test_building_a_catalog_in_code_refuses_duplicates_too() -> None:
    small = ResourceTemplate(term="small", title="Small", cores=1, memory=1.0)
    with pytest.raises(ValidationError) as caught:
        Catalog(resource_tpl=ResourceTemplateSection(templates=(small, small)))
    cause = caught.value.errors()[0]["ctx"]["error"]
    assert isinstance(cause, DuplicateTemplateError)
    assert (cause.section, cause.index, cause.term) == ("resource_tpl", 1, "small")


def test_templates_are_frozen() -> None:
    template = OsTemplate(term="a", title="A")
    with pytest.raises(ValidationError):
        template.title = "B"  # type: ignore[misc]
    assert Catalog(os_tpl=OsTemplateSection(templates=(template,))).os_tpl_mixins()[0].term == "a"
