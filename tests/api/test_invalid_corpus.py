"""The corpus of invalid manifests (tests/api/invalid/) is refused offline too.

Each file starts with comment headers: ``What is wrong``, ``Layer`` (``schema``: the
OpenAPI schema refuses it; ``cel``: a CEL rule; ``cel-update``: a CEL transition rule, so
the first document is created and the second, an update, is refused), ``Field`` (the path
the API server reports) and ``Expect`` (a fragment of the API server's message). The
end-to-end suite applies the corpus to the real API server and checks ``Expect``; here the
models check what they can without one:

* schema and cel: the model refuses the manifest at the reported field or above it, and a
  CEL rule's message (the same text the server shows) contains ``Expect``;
* cel-update: both documents are valid alone and :func:`immutable_changes` names the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from occi_operator.api.v1alpha1.kinds import kind_info
from occi_operator.api.v1alpha1.rules import immutable_changes

CORPUS = Path(__file__).resolve().parent / "invalid"
HEADERS = ("What is wrong", "Layer", "Field", "Expect")
LAYERS = ("schema", "cel", "cel-update")


@dataclass(frozen=True)
class Case:
    """One corpus file."""

    path: Path
    headers: dict[str, str]
    documents: list[dict[str, Any]]


def _load(path: Path) -> Case:
    text = path.read_text("utf-8")
    headers = dict(re.findall(r"^# ([A-Za-z ]+): (.*)$", text, re.MULTILINE))
    documents = [doc for doc in yaml.safe_load_all(text) if doc]
    return Case(path, headers, documents)


CASES = [_load(path) for path in sorted(CORPUS.glob("*.yaml"))]


def _validate(document: dict[str, Any]) -> Any:
    return kind_info(document["kind"]).model.model_validate(document)


def _locations(error: ValidationError) -> list[str]:
    return [".".join(str(part) for part in item["loc"]) for item in error.errors()]


def test_the_corpus_is_large_and_covers_every_layer_and_kind() -> None:
    assert len(CASES) >= 20
    assert {case.headers.get("Layer") for case in CASES} == set(LAYERS)
    kinds = {case.documents[-1]["kind"] for case in CASES}
    assert kinds == {
        "Compute", "Network", "Storage", "NetworkInterface", "StorageLink",
        "OCCIEndpoint", "ClusterOCCIEndpoint", "Application", "Component", "ComponentLink",
        "OCCIResource",
    }


@pytest.mark.parametrize("case", CASES, ids=[case.path.stem for case in CASES])
def test_case_is_well_formed(case: Case) -> None:
    assert all(case.headers.get(name) for name in HEADERS), f"missing one of {HEADERS}"
    assert case.headers["Layer"] in LAYERS
    assert len(case.documents) == (2 if case.headers["Layer"] == "cel-update" else 1)
    assert case.headers["Field"].startswith("spec")


@pytest.mark.parametrize(
    "case",
    [case for case in CASES if case.headers.get("Layer") in ("schema", "cel")],
    ids=lambda case: case.path.stem,
)
def test_the_models_refuse_it(case: Case) -> None:
    with pytest.raises(ValidationError) as caught:
        _validate(case.documents[0])
    field = case.headers["Field"]
    locations = _locations(caught.value)
    assert any(field == loc or field.startswith(loc + ".") for loc in locations), locations
    if case.headers["Layer"] == "cel":
        assert case.headers["Expect"] in str(caught.value)


@pytest.mark.parametrize(
    "case",
    [case for case in CASES if case.headers.get("Layer") == "cel-update"],
    ids=lambda case: case.path.stem,
)
def test_the_update_changes_an_immutable_field(case: Case) -> None:
    old, new = (_validate(document) for document in case.documents)
    field = case.headers["Field"]
    assert immutable_changes(old.spec, new.spec) == [field.removeprefix("spec")]
    assert case.headers["Expect"] == f"{field.rsplit('.', 1)[-1]} is immutable"
