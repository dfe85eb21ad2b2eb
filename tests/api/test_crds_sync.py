"""The committed CRDs in crds/ are exactly what the models generate."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest
import yaml

from occi_operator.api.crdgen import file_name, render_all, stale_files
from occi_operator.api.v1alpha1.kinds import KINDS
from occi_operator.cli import crds

HINT = "run `occi-operator crds --output crds` and commit the result"


def test_committed_crds_match_the_models(repo_root: Path) -> None:
    stale = stale_files(repo_root / "crds")
    assert not stale, f"crds/ is out of date ({', '.join(stale)}): {HINT}"


def test_generation_is_deterministic() -> None:
    assert render_all() == render_all()


def test_one_file_per_kind_named_after_group_and_plural() -> None:
    names = list(render_all())
    assert names == [file_name(info) for info in KINDS]
    assert "occi.occi-operator.dev_computes.yaml" in names
    assert len(set(names)) == len(KINDS) == 11


def test_every_file_is_one_crd_with_the_generated_header() -> None:
    for name, text in render_all().items():
        assert text.startswith("# Generated"), name
        docs = list(yaml.safe_load_all(text))
        assert len(docs) == 1
        assert docs[0]["kind"] == "CustomResourceDefinition"


def _run(argv: list[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    crds.add_parser(parser.add_subparsers())
    args = parser.parse_args(["crds", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = crds.run(args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_prints_every_crd_as_one_stream() -> None:
    code, out, _ = _run([])
    assert code == crds.ExitCode.OK
    docs = [doc for doc in yaml.safe_load_all(out) if doc]
    assert [doc["spec"]["names"]["kind"] for doc in docs] == [info.kind for info in KINDS]


def test_cli_writes_then_check_passes(tmp_path: Path) -> None:
    code, out, _ = _run(["--output", str(tmp_path)])
    assert code == crds.ExitCode.OK
    assert out.count("wrote ") == len(KINDS)
    assert _run(["--output", str(tmp_path), "--check"])[0] == crds.ExitCode.OK
    # A second write has nothing to change.
    assert _run(["--output", str(tmp_path)])[1] == ""


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param("edit", id="edited-file"),
        pytest.param("delete", id="missing-file"),
        pytest.param("extra", id="leftover-crd-of-the-group"),
    ],
)
def test_cli_check_fails_with_a_hint_and_write_repairs(tmp_path: Path, damage: str) -> None:
    _run(["--output", str(tmp_path)])
    target = tmp_path / "occi.occi-operator.dev_storages.yaml"
    if damage == "edit":
        target.write_text(target.read_text() + "# hand edit\n")
    elif damage == "delete":
        target.unlink()
    else:
        target = tmp_path / "occi.occi-operator.dev_disks.yaml"
        target.write_text("kind: CustomResourceDefinition\n")
    code, _, err = _run(["--output", str(tmp_path), "--check"])
    assert code == crds.ExitCode.OUT_OF_DATE
    assert target.name in err
    assert HINT in err
    assert _run(["--output", str(tmp_path)])[0] == crds.ExitCode.OK
    assert stale_files(tmp_path) == []


def test_cli_check_without_output_is_a_usage_error() -> None:
    code, _, err = _run(["--check"])
    assert code == crds.ExitCode.USAGE
    assert "--output" in err


def test_unrelated_files_in_the_directory_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("keep me\n")
    _run(["--output", str(tmp_path)])
    assert (tmp_path / "README.md").read_text() == "keep me\n"
    assert stale_files(tmp_path) == []
