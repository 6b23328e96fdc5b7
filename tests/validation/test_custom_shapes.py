"""Shapes of the user's own: ``validate(..., shapes=[...])`` with or without the shipped shapes,
messages for shapes without plangraph's annotations, and a real set of shapes the project has
never seen (the national DCAT-AP-NO shapes, on the register's catalogue)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS

from plangraph.data import datasets
from plangraph.publish import catalog
from plangraph.store import PlanStore
from plangraph.terms import to_oxigraph
from plangraph.validation import (
    Register,
    ShapesError,
    data_store,
    read_file,
    render,
    shapes_model,
    validate,
    validate_store,
)
from plangraph.validation.render import OutputFormat
from tests.support.paths import ROOT
from tests.support.validation_cases import EXAMPLES

DCAT_AP_NO = ROOT / "tests" / "dcat-ap-no" / "DCAT-AP-NO-shacl_shapes_2.00.ttl"

# A municipality's own rule: every measure names the year it is due (pg:endDate).
EXTRA = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix pg: <https://w3id.org/plangraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://bergen.example/shapes#MeasureDue> a sh:NodeShape ;
    sh:targetClass pg:Measure ;
    sh:name "Tiltak har frist"@nb, "Measures have a deadline"@en ;
    sh:property [ sh:path pg:endDate ; sh:minCount 1 ] .
"""


@pytest.fixture
def extra(tmp_path: Path) -> Path:
    path = tmp_path / "extra.ttl"
    path.write_text(EXTRA, encoding="utf-8")
    return path


def test_extra_shapes_add_their_findings_to_the_shipped_ones(
    extra: Path, suite_register: Register
) -> None:
    plan = read_file(EXAMPLES / "theme-plan.ttl")
    shipped = validate([plan], register=suite_register)
    both = validate([plan], register=suite_register, shapes=[extra])
    assert shipped.findings == ()  # the worked example conforms to the shipped shapes
    rule = "https://bergen.example/shapes#MeasureDue"
    assert both.findings and {f.rule for f in both.findings} == {rule}
    assert both.rules[rule].title == {"nb": "Tiltak har frist", "en": "Measures have a deadline"}
    finding = both.findings[0]
    assert finding.component.endswith("#MinCountConstraintComponent")
    assert finding.path == "pg:endDate"
    assert finding.message["nb"].startswith("For få verdier: minst 1 kreves (egenskap pg:endDate")
    assert finding.message["en"].startswith("Too few values: at least 1 required (property")
    assert finding.engine == "oxigraph"
    text = render.render(both, OutputFormat.text, "en")
    assert "Measures have a deadline" in text


def test_extra_shapes_alone_leave_the_shipped_ones_out(
    extra: Path, suite_register: Register
) -> None:
    broken = read_file(EXAMPLES / "mistakes" / "briefing-with-goals.ttl")
    with_shipped = validate([broken], register=suite_register, shapes=[extra])
    alone = validate([broken], register=suite_register, shapes=[extra], shipped_shapes=False)
    assert any(f.rule == "R14" for f in with_shipped.findings)
    assert not any(f.rule == "R14" for f in alone.findings)
    assert set(alone.rules) == {"https://bergen.example/shapes#MeasureDue"}


def test_a_shapes_graph_works_as_well_as_a_file(suite_register: Register) -> None:
    from plangraph.validation import parse_shapes

    graph = parse_shapes(EXTRA, name="extra.ttl")
    report = validate(
        [read_file(EXAMPLES / "theme-plan.ttl")], register=suite_register, shapes=[graph]
    )
    assert {f.rule for f in report.findings} == {"https://bergen.example/shapes#MeasureDue"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<a:s> sh:minCount .", r"extra\.ttl:2"),
        ("", "empty"),
        (
            "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<a:s> sh:targetNode <a:x> ; sh:maxCount 'x' .",
            "integer",
        ),
    ],
)
def test_unreadable_or_invalid_shapes_are_a_clear_error(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "extra.ttl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ShapesError, match=problem):
        shapes_model([path])


def test_no_shapes_at_all_is_an_error() -> None:
    with pytest.raises(ShapesError, match="no shapes"):
        shapes_model([], shipped_shapes=False)


def _catalogue(store: PlanStore) -> list[ox.Triple]:
    graph = catalog.build(
        datasets.default_datasets(), store.graphs(), "https://plangraph.example.org/"
    )
    bergen = URIRef(catalog.CATALOG_BASE + "/dataset/bergen")
    graph.remove((bergen, DCTERMS.title, None))  # one defect
    return [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph]  # type: ignore[arg-type]


def test_the_dcat_ap_no_shapes_judge_the_catalogue_as_pyshacl_does(
    loaded_store: PlanStore,
) -> None:
    model = shapes_model([DCAT_AP_NO], shipped_shapes=False)
    triples = _catalogue(loaded_store)
    fast = validate_store(data_store(triples), description="catalogue", shapes=model)
    reference = validate_store(
        data_store(triples), description="catalogue", shapes=model, engine="pyshacl"
    )

    def rows(report: object) -> list[tuple[str, str, str | None, str]]:
        from plangraph.validation import Report

        assert isinstance(report, Report)
        return sorted(
            (f.severity.value, f.focus.value, f.path, f.component) for f in report.findings
        )

    assert rows(fast) == rows(reference)
    assert not fast.unsupported  # the fast path compiled every DCAT-AP-NO shape
    bergen = catalog.CATALOG_BASE + "/dataset/bergen"
    assert ("violation", bergen, "dct:title") in {(s, f, p) for s, f, p, _ in rows(fast)}
    # The published shapes misspell sh:minCount once (sh:MinCount): said, not swallowed.
    assert any("sh:MinCount is not a SHACL Core" in note for note in fast.notes)
    assert fast.to_dict()["shape_notes"] == list(fast.notes)
