"""``occi-operator kinds``: the kinds of the embedded endpoint, served on a socket.

The provider kind expected comes from the catalog file the endpoint ships
(``endpoint/default_catalog.yaml``), the typed CRDs from the generated ``crds/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import yaml
from cli_support import BASIC, PASSWORD, Result

import occi_operator
from occi_operator.cli.console import ExitCode

Cli = Callable[..., Result]
ROOT = Path(__file__).resolve().parents[2]
CATALOG = yaml.safe_load(
    (Path(occi_operator.__file__).parent / "endpoint" / "default_catalog.yaml").read_text())
(DNS,) = CATALOG["kinds"]
DNS_TYPE_ID = DNS["scheme"] + DNS["term"]
INFRA = "http://schemas.ogf.org/occi/infrastructure#"
PLATFORM = "http://schemas.ogf.org/occi/platform#"


def test_the_table_names_the_crd_that_manages_each_kind(serve: Callable[..., str],
                                                          cli: Cli) -> None:
    result = cli("kinds", "--endpoint", serve())
    assert result.code == ExitCode.OK, result.err
    lines = result.out.strip().splitlines()
    assert re.split(r"\s{2,}", lines[0]) == ["TERM", "TITLE", "CRD", "PARENT", "LOCATION",
                                             "ACTIONS", "SCHEME"]
    rows = {(cells[0], cells[-1]): cells for cells in
            (re.split(r"\s{2,}", line) for line in lines[1:])}
    assert rows[("compute", INFRA)][2] == "Compute"
    assert rows[("componentLink", PLATFORM)][2] == "ComponentLink"
    dns = rows[(DNS["term"], DNS["scheme"])]
    assert dns[1:6] == [DNS["title"], "OCCIResource", DNS["parent"], DNS["location"],
                        ",".join(a["term"] for a in DNS["actions"])]
    assert rows[("entity", "http://schemas.ogf.org/occi/core#")][2] == "-"  # abstract


def test_every_typed_crd_is_named_for_its_kind(serve: Callable[..., str], cli: Cli) -> None:
    result = cli("kinds", "--endpoint", serve(), "--output", "json")
    assert result.code == ExitCode.OK, result.err
    named = {k["crd"] for k in json.loads(result.out)["kinds"]}
    crds = {yaml.safe_load(p.read_text("utf-8"))["spec"]["names"]["kind"]
            for p in (ROOT / "crds").glob("*.yaml")}
    endpoints = {"OCCIEndpoint", "ClusterOCCIEndpoint"}
    assert named - {"-"} == crds - endpoints


def test_one_kind_in_full_shows_the_rules_the_generic_crd_must_follow(
        serve: Callable[..., str], cli: Cli) -> None:
    result = cli("kinds", "--endpoint", serve(), "--kind", DNS["term"], "--output", "json")
    assert result.code == ExitCode.OK, result.err
    kind = json.loads(result.out)["kind"]
    assert (kind["type_id"], kind["crd"], kind["location"]) == (
        DNS_TYPE_ID, "OCCIResource", DNS["location"])
    attributes = {a["name"]: a for a in kind["attributes"]}
    assert set(attributes) == set(DNS["attributes"])
    for name, declared in DNS["attributes"].items():
        shown = attributes[name]
        assert shown["required"] == declared.get("required", False), name
        assert shown["mutable"] == declared.get("mutable", True), name
        assert shown["default"] == declared.get("default"), name
    assert attributes["occi.dns.type"]["rule"] == "one of A|AAAA|CNAME"
    assert attributes["occi.dns.ttl"]["rule"] == "range [0, 2147483647]"
    assert attributes["occi.dns.ttl"]["type"] == "integer"


def test_the_table_of_one_kind_lists_its_attributes(serve: Callable[..., str], cli: Cli) -> None:
    result = cli("kinds", "--endpoint", serve(), "--kind", INFRA + "compute")
    assert result.code == ExitCode.OK, result.err
    assert result.out.startswith(INFRA + "compute")
    assert "CRD: Compute" in result.out
    assert "actions: start, stop, restart, suspend, save" in result.out
    names = [re.split(r"\s{2,}", line)[0] for line in result.out.splitlines()
             if line.startswith("occi.")]
    assert "occi.compute.cores" in names
    assert not [n for n in names if n.startswith("occi.core.")]


def test_an_unknown_kind_is_refused_listing_the_offered_ones(serve: Callable[..., str],
                                                              cli: Cli) -> None:
    result = cli("kinds", "--endpoint", serve(), "--kind", "nope")
    assert result.code == ExitCode.FAILURE
    assert "serves no kind 'nope'" in result.err
    assert DNS_TYPE_ID in result.err


def test_wrong_credentials_are_explained_without_the_secret(
        serve: Callable[..., str], cli: Cli) -> None:
    wrong = PASSWORD + "-wrong"
    result = cli("kinds", "--endpoint", serve(auth=BASIC), "--username", "alice",
                 "--password-env", "OCCI_PASSWORD", env={"OCCI_PASSWORD": wrong})
    assert result.code == ExitCode.UNAUTHORIZED
    assert result.out == ""
    assert "refused the credentials" in result.err
    assert wrong not in result.text
    assert PASSWORD not in result.text
