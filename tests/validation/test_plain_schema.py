"""The JSON Schema of the plain format and the JSON-LD context: generated from one description
(plangraph.validation.plain.spec), shipped as generated, and true to every example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from plangraph.validation.plain import spec, tree_of
from plangraph.validation.plain.tree import to_python
from plangraph.validation.submission import context
from tests.validation.test_plain import MALFORMED, PLAIN, TWINS

VALIDATOR = jsonschema.Draft202012Validator(spec.shipped_schema())


def document(file: Path) -> Any:
    """The document as the reader sees its values (YAML dates stay text, as they are read)."""
    syntax = "json" if file.suffix == ".json" else "yaml"
    return to_python(tree_of(file.read_text("utf-8"), source=file.name, syntax=syntax))


def test_the_shipped_schema_is_the_generated_one() -> None:
    assert spec.shipped_schema() == spec.json_schema(), (
        "run: python -m plangraph.validation.plain.generate"
    )
    jsonschema.Draft202012Validator.check_schema(spec.shipped_schema())


def test_the_shipped_context_is_the_generated_one() -> None:
    assert {"@context": context()} == spec.context_document(), (
        "run: python -m plangraph.validation.plain.generate"
    )


def test_the_schema_and_the_reader_know_the_same_keys() -> None:
    schema = spec.shipped_schema()
    assert set(schema["properties"]) == {k.name for k in spec.PLAN.keys}
    for name, otype in spec.TYPES.items():
        if name != "plan":
            assert set(schema["$defs"][name]["properties"]) == {k.name for k in otype.keys}


@pytest.mark.parametrize("file", PLAIN + TWINS, ids=lambda p: p.name)
def test_every_plain_example_is_valid_against_the_schema(file: Path) -> None:
    errors = [e.message for e in VALIDATOR.iter_errors(document(file))]
    assert not errors


@pytest.mark.parametrize(
    ("file", "path"),
    [
        ("the-issue.yaml", "adoptedBy"),
        ("the-issue.yaml", "status"),
        ("the-issue.yaml", "statusAsOf"),
        ("shapes.yaml", "type"),
        ("shapes.yaml", "page"),
        ("shapes.yaml", "period"),
        ("shapes.yaml", "label"),
        ("shapes.yaml", "measures"),
    ],
)
def test_the_schema_flags_what_the_reader_refuses(file: str, path: str) -> None:
    found = next(f for f in MALFORMED if f.name == file)
    flagged = set()
    for error in VALIDATOR.iter_errors(document(found)):
        if error.path:
            flagged.add(str(error.path[0]))
        elif error.validator == "additionalProperties":
            flagged.update(str(error.message).split("'")[1::2])
    assert path in flagged


def test_the_schema_lists_the_planners_words_in_both_cases() -> None:
    words = spec.shipped_schema()["$defs"]["words-lifecycle-status"]["enum"]
    assert {"under arbeid", "Under arbeid", "på høring", "vedtatt", "gjeldende", "current"} <= set(
        words
    )
    measure = spec.shipped_schema()["$defs"]["words-measure-status"]["enum"]
    assert {"pågår", "planlagt", "fullført", "utsatt"} <= set(measure)


def test_the_schema_names_its_stable_iri() -> None:
    schema = spec.shipped_schema()
    assert schema["$id"] == spec.SCHEMA_IRI == "https://w3id.org/plangraph/schema/plan.json"
    assert json.dumps(schema, ensure_ascii=False) == json.dumps(
        spec.json_schema(), ensure_ascii=False
    )
