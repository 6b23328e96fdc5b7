"""The register itself: Bergen's real gaps are reported (not hidden), both engines agree on it,
the shipped examples behave as documented, and the synthetic register's seeded defects are found.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from plangraph.data import datasets, synthetic
from plangraph.validation import Register, Report, read_file, validate, validate_store
from plangraph.validation.report import compact
from tests.support.validation_cases import EXAMPLES

EXPECTED = Path(__file__).resolve().parent / "expected"


def rows(report: Report) -> list[list[Any]]:
    """Findings as [rule, shape, focus, value], compact, sorted: the expected files' form."""
    found = []
    for f in report.findings:
        value = None
        if f.value is not None:
            value = compact(f.value.value) if f.value.kind == "iri" else f.value.value
        focus = compact(f.focus.value) if f.focus.kind == "iri" else "_:"
        found.append([f.rule, f.shape.split("#")[1], focus, value])
    return sorted(found, key=lambda r: [str(x) for x in r])


def test_bergens_register_reports_its_real_gaps(register: Register) -> None:
    report = validate_store(register.store, description="the shipped datasets")
    expected = json.loads((EXPECTED / "bergen-register.json").read_text(encoding="utf-8"))
    assert rows(report) == expected
    # The gaps are real: theme plans whose goals, strategies and measures are not recorded,
    # action plans without recorded measures, and a social part without scoped goals.
    assert not report.conforms


def test_both_engines_agree_on_the_whole_bergen_register(register: Register) -> None:
    fast = validate_store(register.store, description="the shipped datasets")
    reference = validate_store(register.store, description="the shipped datasets", engine="pyshacl")
    assert rows(fast) == rows(reference)
    assert {f.message["en"] for f in fast.findings} == {f.message["en"] for f in reference.findings}


@pytest.mark.parametrize(
    "file",
    sorted(p for p in EXAMPLES.iterdir() if p.is_file() and p.suffix != ".md"),
    ids=lambda p: p.name,
)
def test_every_worked_example_conforms_to_every_shape(file: Path, register: Register) -> None:
    report = validate([read_file(file)], register=register)
    assert report.findings == (), [f.message["en"] for f in report.findings]


def test_the_typical_mistakes_report_what_they_show(register: Register) -> None:
    expected = json.loads((EXPECTED / "mistakes.json").read_text(encoding="utf-8"))
    files = sorted((EXAMPLES / "mistakes").iterdir())
    assert sorted(expected) == [f.name for f in files]
    for file in files:
        report = validate([read_file(file)], register=register)
        assert rows(report) == expected[file.name], file.name
        assert report.findings, file.name


@cache
def synthetic_store(municipalities: int) -> ox.Store:
    store = ox.Store()
    for dataset in datasets.default_datasets():
        if dataset.id in ("ontology", "sdg", "reference"):
            for graph, file in dataset.graphs():
                store.bulk_load(
                    path=str(file), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph)
                )
    data = "".join(synthetic.generate(municipalities)).encode()
    store.bulk_load(
        data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(synthetic.SYNTHETIC_GRAPH)
    )
    return store


def test_every_seeded_defect_of_the_synthetic_register_is_found() -> None:
    municipalities = 40
    report = validate_store(synthetic_store(municipalities), description="synthetic")
    seeded = synthetic.seeded_defects(municipalities)
    assert {d.kind for d in seeded} >= {"goal-without-red-thread", "measure-without-owner"}
    found = {(f.rule, f.focus.value) for f in report.findings}
    missed = [d for d in seeded if (d.rule, d.resource) not in found]
    assert not missed
    # Nothing else is reported as a violation or a warning: the rest of the data is clean.
    seeded_keys = {(d.rule, d.resource) for d in seeded}
    extra = Counter(
        f.rule
        for f in report.findings
        if f.severity.value != "info" and (f.rule, f.focus.value) not in seeded_keys
    )
    assert not extra, extra
