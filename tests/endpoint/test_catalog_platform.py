"""The catalog's platform templates (app_tpl, res_tpl) and provider kinds (``kinds``).

Templates become mixins that depend on the draft's app_tpl / res_tpl (a database
template on ``database`` too); provider kinds become a kind and its actions. A bad entry
is refused with one error naming file, line, entry and field.
"""

from __future__ import annotations

import pytest

from occi_operator.endpoint.catalog import default_catalog, parse_catalog
from occi_operator.endpoint.catalog_platform import (
    ATTR_DATABASE_ENGINE,
    ATTR_DATABASE_PORT,
    ATTR_INSTANCES,
    ATTR_MEMORY,
    ATTR_RUNTIME,
    DEFAULT_APP_TPL_SCHEME,
    DEFAULT_RES_TPL_SCHEME,
)
from occi_operator.endpoint.errors import CatalogError
from occi_operator.occi import Action, Kind, Mixin, standard_registry
from occi_operator.occi import vocabulary as v
from occi_operator.occi.attributes import AttributeType, validate_value

PLATFORM = """\
app_tpl:
  templates:
    - {term: ruby-3.3, title: Ruby 3.3, runtime: "ruby:3.3"}
    - term: pg-15
      title: PostgreSQL 15
      database: {engine: postgresql, version: "15", port: 5433}
res_tpl:
  scheme: "https://paas.example/res#"
  templates:
    - {term: tiny, title: Tiny, memory: 0.25}
"""

DNS_KIND = """\
kinds:
  - scheme: "http://example.org/occi/dns#"
    term: record
    title: DNS record
    attributes:
      occi.dns.ttl: {type: integer, default: 60}
    actions:
      - term: refresh
"""


def _mixins(text: str) -> dict[str, Mixin]:
    return {m.type_id: m for m in parse_catalog(text, source="t.yaml").mixins()}


def test_a_runtime_template_applies_to_applications() -> None:
    mixin = _mixins(PLATFORM)[DEFAULT_APP_TPL_SCHEME + "ruby-3.3"]
    assert mixin.depends == (v.APP_TPL_MIXIN,)
    assert mixin.applies == (v.APPLICATION_KIND,)
    assert mixin.location == "/app_tpl/ruby-3.3/"
    assert mixin.attribute_map()[ATTR_RUNTIME].default == "ruby:3.3"


def test_a_database_template_makes_a_database_component() -> None:
    mixin = _mixins(PLATFORM)[DEFAULT_APP_TPL_SCHEME + "pg-15"]
    assert mixin.depends == (v.APP_TPL_MIXIN, v.DATABASE_MIXIN)
    assert mixin.applies == (v.COMPONENT_KIND,)
    attributes = mixin.attribute_map()
    assert attributes[v.DATABASE_VERSION].default == "15"
    assert not attributes[v.DATABASE_VERSION].mutable  # the draft's mutability kept
    assert attributes[ATTR_DATABASE_ENGINE].default == "postgresql"
    assert attributes[ATTR_DATABASE_PORT].default == 5433
    assert attributes[ATTR_DATABASE_PORT].type is AttributeType.INTEGER


def test_a_size_template_applies_to_applications_and_components() -> None:
    mixin = _mixins(PLATFORM)["https://paas.example/res#tiny"]
    assert mixin.depends == (v.RES_TPL_MIXIN,)
    assert mixin.applies == (v.APPLICATION_KIND, v.COMPONENT_KIND)
    assert mixin.attribute_map()[ATTR_MEMORY].default == 0.25
    assert mixin.attribute_map()[ATTR_INSTANCES].default == 1


def test_the_default_catalog_offers_runtimes_databases_and_sizes() -> None:
    mixins = {m.type_id for m in default_catalog().platform_mixins()}
    assert {DEFAULT_APP_TPL_SCHEME + t for t in
            ("python-3.12", "nodejs-22", "postgresql-16", "mariadb-11")} <= mixins
    assert {DEFAULT_RES_TPL_SCHEME + t for t in ("small", "medium", "large")} <= mixins


def test_every_template_default_is_valid_under_its_definition() -> None:
    for mixin in default_catalog().platform_mixins():
        for definition in mixin.attributes:
            validate_value(definition, definition.default)


def test_a_provider_kind_becomes_a_kind_and_its_actions() -> None:
    categories = parse_catalog(DNS_KIND, source="t.yaml").categories()
    kind = next(c for c in categories if isinstance(c, Kind))
    action = next(c for c in categories if isinstance(c, Action))
    assert kind.type_id == "http://example.org/occi/dns#record"
    assert (kind.parent, kind.location) == (v.RESOURCE_KIND, "/record/")
    assert action.type_id == "http://example.org/occi/dns/record/action#refresh"
    assert kind.actions == (action.type_id,)
    assert kind.attribute_map()["occi.dns.ttl"].default == 60


def test_the_default_catalog_declares_the_example_dns_kind() -> None:
    registry = standard_registry()
    kinds = [c for c in default_catalog().categories() if isinstance(c, Kind)]
    assert [k.type_id for k in kinds] == ["http://example.org/occi/dns#record"]
    assert not any(k.type_id in registry for k in kinds)


def _kind(entry: str) -> str:
    return ('kinds:\n  - scheme: "http://example.org/occi/x#"\n    term: thing\n'
            f"    title: Thing\n{entry}")


@pytest.mark.parametrize(
    ("text", "section", "index", "field", "line", "says"),
    [
        pytest.param("app_tpl:\n  templates:\n    - {term: both, title: B, runtime: x,"
                     " database: {engine: pg, version: '1', port: 1}}\n",
                     "app_tpl", 0, None, 3, "exactly one of runtime",
                     id="runtime-and-database"),
        pytest.param("app_tpl:\n  templates:\n    - {term: db, title: D,"
                     " database: {engine: pg, version: '1', port: 70000}}\n",
                     "app_tpl", 0, "database.port", 3, "less than or equal to 65535",
                     id="port-out-of-range"),
        pytest.param("res_tpl:\n  templates:\n    - {term: s, title: S, memory: 1,"
                     " instances: 0}\n",
                     "res_tpl", 0, "instances", 3, "greater than or equal to 1",
                     id="no-instances"),
        pytest.param(_kind("    attributes:\n      occi.x.size: {type: integer, default: big}\n"),
                     "kinds", 0, "attributes.occi.x.size", 6, "default 'big' must be of type",
                     id="default-of-the-wrong-type"),
        pytest.param(_kind("    attributes:\n      occi.x.size: {enum: [a], type: number}\n"),
                     "kinds", 0, "attributes.occi.x.size", 6, "enum needs type string",
                     id="enum-on-a-number"),
        pytest.param(_kind("    attributes:\n      occi.x.size: {pattern: '('}\n"),
                     "kinds", 0, "attributes.occi.x.size.pattern", 6, "not a regular expr",
                     id="pattern-does-not-compile"),
        pytest.param(_kind("    attributes:\n      occi.x.size: {kind: string}\n"),
                     "kinds", 0, "attributes.occi.x.size.kind", 6, "unknown field",
                     id="unknown-attribute-field"),
        pytest.param(_kind("    parent: compute\n"),
                     "kinds", 0, "parent", 5, "'resource' or 'link'", id="parent-not-core"),
        pytest.param(_kind("    location: /compute/things/\n"),
                     "kinds", 0, "term", 2, "location /compute/things/ is already used",
                     id="location-inside-compute"),
        pytest.param('kinds:\n  - scheme: "http://schemas.ogf.org/occi/platform#"\n'
                     "    term: application\n    title: Mine\n",
                     "kinds", 0, "term", 2, "is already used by a standard category",
                     id="standard-type-id"),
    ],
)
def test_a_bad_platform_or_kind_entry_names_entry_field_and_line(
    text: str, section: str, index: int, field: str | None, line: int, says: str
) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, source="cat.yaml")
    error = caught.value
    assert (error.section, error.index, error.field, error.line) == (section, index, field, line)
    assert str(error).startswith(f"catalog cat.yaml, line {line}: ")
    assert says in str(error)
