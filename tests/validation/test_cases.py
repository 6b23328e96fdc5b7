"""The shapes' own test suite (layout of the W3C SHACL suites), run by both engines.

* every worked example in ``examples/submissions/`` is a valid base instance: no findings at all;
* every file in ``cases/`` adds exactly one defect to a base and lists every finding it expects;
* the fast path (pyoxigraph) and the reference (pyshacl) report exactly those findings;
* every shape is hit by at least one case, and each case is named after a shape it hits.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph.validation import Register, Submission, read_file, validate
from plangraph.validation.shapes import load as load_shapes
from plangraph.validation.submission import Format
from tests.support import validation_cases as manifest
from tests.support.validation_report import keys

BASES = manifest.base_files()
CASES = manifest.case_files()


def test_there_is_a_valid_base_instance_per_plan_kind() -> None:
    kinds = {
        "planning-strategy", "master-plan", "social-part", "land-use-part", "sub-plan",
        "action-and-economic-plan", "briefing", "strategy", "theme-plan", "action-plan",
    }  # fmt: skip
    assert kinds <= {base.stem for base in BASES}


@pytest.mark.parametrize("base", BASES, ids=lambda p: p.stem)
@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_a_base_instance_has_no_findings(base: Path, engine: str, suite_register: Register) -> None:
    report = validate(
        [read_file(base)],
        register=suite_register,
        engine="pyshacl" if engine == "pyshacl" else "oxigraph",
    )
    assert report.conforms
    assert keys(report) == set()


@pytest.mark.parametrize("file", CASES, ids=lambda p: p.stem)
def test_an_invalid_case_reports_what_it_expects(file: Path, suite_register: Register) -> None:
    case = manifest.load(file)
    submission = Submission(name=case.name, format=Format.TURTLE, triples=case.triples, size=0)
    fast = validate([submission], register=suite_register)
    reference = validate([submission], register=suite_register, engine="pyshacl")
    assert keys(fast) == case.expected, "the fast path differs from the expected results"
    assert keys(reference) == case.expected, "pyshacl differs from the expected results"
    assert fast.conforms is case.conforms
    assert any(shape.endswith("#" + case.name) for _, shape, _, _ in case.expected), (
        f"{file.name} is not named after a shape it hits"
    )


def test_every_shape_is_hit_by_an_invalid_case() -> None:
    hit = {shape for file in CASES for _, shape, _, _ in manifest.load(file).expected}
    missing = {shape.iri for shape in load_shapes().shapes} - hit
    assert not missing, f"shapes without an invalid case: {sorted(missing)}"


def _named(triples: object) -> set[ox.Triple]:
    assert isinstance(triples, tuple | set | list)
    return {t for t in triples if not isinstance(t.subject, ox.BlankNode | ox.Triple)}


def test_each_case_changes_its_base() -> None:
    for file in CASES:
        case = manifest.load(file)
        base = {q.triple for q in ox.parse(path=str(case.base), format=ox.RdfFormat.TURTLE)}
        assert _named(case.triples) != _named(base), f"{file.name} adds no defect"
