"""Literals are judged as written, before the store canonicalises them.

pyoxigraph stores ``"300"^^xsd:byte`` as the integer 300 and ``"1"^^xsd:boolean`` as ``true``;
SHACL judges the literal as written. Both engines agree on every case here.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from plangraph.validation import (
    Register,
    Submission,
    data_store,
    parse_shapes,
    validate,
    validate_store,
)
from plangraph.validation.literals import XSD, decode, stand_in, well_formed
from plangraph.validation.shapes import read
from plangraph.validation.submission import Format

PREFIXES = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.mark.parametrize(
    ("lexical", "datatype", "ok"),
    [
        ("2024-02-29", "date", True),
        ("2024-06-31", "date", False),
        ("2023-02-29", "date", False),
        ("1900-02-29", "date", False),
        ("2000-02-29", "date", True),
        ("2024-13-01", "date", False),
        ("2024-06-30Z", "date", True),
        ("2024-06-30+15:00", "date", False),
        ("24-06-30", "date", False),
        ("2024-06-30T24:00:00", "dateTime", True),
        ("2024-06-31T10:00:00", "dateTime", False),
        ("2024-06-30T10:00:00", "dateTimeStamp", False),
        ("2024-11", "gYearMonth", True),
        ("2024-00", "gYearMonth", False),
        ("2024", "gYear", True),
        ("--02-29", "gMonthDay", True),
        ("--02-30", "gMonthDay", False),
        ("300", "byte", False),
        ("-128", "byte", True),
        ("05", "int", True),
        (" 5", "int", False),
        ("abc", "integer", False),
        ("1", "boolean", True),
        ("none", "boolean", False),
        ("1.5e3", "double", True),
        ("INF", "float", True),
        ("1.", "decimal", True),
        ("P1Y2M", "duration", True),
        ("P", "duration", False),
        ("PT1H", "dayTimeDuration", True),
        ("P1Y", "dayTimeDuration", False),
        ("0FB7", "hexBinary", True),
        ("0FB", "hexBinary", False),
        ("nb-NO", "language", True),
        ("anything at all", "string", True),
    ],
)
def test_lexical_forms_are_checked_with_a_real_calendar(
    lexical: str, datatype: str, ok: bool
) -> None:
    assert well_formed(lexical, XSD + datatype) is ok


def test_a_literal_the_store_would_rewrite_gets_a_stand_in_that_decodes_as_written() -> None:
    for lexical, datatype in (("05", "int"), ("1", "boolean"), ("300", "byte"), ("1.0", "decimal")):
        written = ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))
        held = stand_in(written)
        assert held != written
        assert decode(held) == written
        store = ox.Store()
        store.add(
            ox.Quad(
                ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), held
            )
        )
        assert next(iter(store)).object == held  # the store keeps the stand-in as it is
    plain = ox.Literal("2024-01-05", datatype=ox.NamedNode(XSD + "date"))
    assert stand_in(plain) == plain


SHAPES = """
ex:Dates sh:targetNode ex:a ; sh:property [ sh:path ex:date ; sh:datatype xsd:date ] .
ex:Bytes sh:targetNode ex:a ; sh:property [ sh:path ex:byte ; sh:datatype xsd:byte ] .
ex:Ints sh:targetNode ex:a ; sh:property [ sh:path ex:int ; sh:datatype xsd:integer ] .
ex:Flags sh:targetNode ex:a ; sh:property [ sh:path ex:flag ; sh:in ( true ) ] .
ex:Codes sh:targetNode ex:a ; sh:property [ sh:path ex:code ; sh:pattern "^0" ] .
ex:Sizes sh:targetNode ex:a ; sh:property [ sh:path ex:size ; sh:minInclusive 5 ] .
"""
DATA = """
ex:a ex:date "2024-06-31"^^xsd:date, "2023-02-29"^^xsd:date, "2024-02-29"^^xsd:date ;
     ex:byte "300"^^xsd:byte, "-5"^^xsd:byte ;
     ex:int "5"^^xsd:byte, "7"^^xsd:integer ;
     ex:flag "1"^^xsd:boolean, true ;
     ex:code "012"^^xsd:integer ;
     ex:size "05"^^xsd:int, "4"^^xsd:int .
"""
EXPECTED = {
    ("Dates", '"2024-06-31"^^<http://www.w3.org/2001/XMLSchema#date>'),
    ("Dates", '"2023-02-29"^^<http://www.w3.org/2001/XMLSchema#date>'),
    ("Bytes", '"300"^^<http://www.w3.org/2001/XMLSchema#byte>'),
    # sh:datatype sees the datatype as written: a byte is not an xsd:integer literal.
    ("Ints", '"5"^^<http://www.w3.org/2001/XMLSchema#byte>'),
    # "1"^^xsd:boolean is another term than true.
    ("Flags", '"1"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
    ("Sizes", '"4"^^<http://www.w3.org/2001/XMLSchema#int>'),
}  # "012" matches ^0 as written; "05" is at least 5 by value.


def _found(report: object) -> set[tuple[str, str]]:
    from plangraph.validation import Report

    assert isinstance(report, Report)
    found = set()
    for f in report.findings:
        assert f.value is not None and f.value.datatype is not None
        value = ox.Literal(f.value.value, datatype=ox.NamedNode(f.value.datatype))
        found.add((f.rule.rsplit("/", 1)[1], str(value)))  # the rule: the root shape
    return found


def _model() -> object:
    return read(parse_shapes(PREFIXES + SHAPES, name="shapes.ttl"))


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_a_store_of_the_data_judges_literals_as_written(engine: str) -> None:
    triples = [q.triple for q in ox.parse(PREFIXES + DATA, format=ox.RdfFormat.TURTLE)]
    report = validate_store(
        data_store(triples),
        description="t",
        shapes=_model(),  # type: ignore[arg-type]
        engine="pyshacl" if engine == "pyshacl" else "oxigraph",
    )
    assert _found(report) == EXPECTED


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_a_submission_is_judged_as_written(engine: str) -> None:
    triples = tuple(q.triple for q in ox.parse(PREFIXES + DATA, format=ox.RdfFormat.TURTLE))
    submission = Submission(name="s.ttl", format=Format.TURTLE, triples=triples, size=0)
    report = validate(
        [submission],
        register=Register(ox.Store(), "nothing"),
        shapes=_model(),  # type: ignore[arg-type]
        engine="pyshacl" if engine == "pyshacl" else "oxigraph",
    )
    assert _found(report) == EXPECTED


def test_a_store_loaded_plainly_still_rejects_the_dates_it_could_not_read() -> None:
    # A store on disk loaded by `plangraph load` holds literals as pyoxigraph keeps them: the
    # ill-formed dates stay as written, and sh:datatype rejects them (calendar checked).
    store = ox.Store()
    store.load((PREFIXES + DATA).encode(), format=ox.RdfFormat.TURTLE)
    report = validate_store(store, description="t", shapes=_model())  # type: ignore[arg-type]
    dates = {value for shape, value in _found(report) if shape == "Dates"}
    assert dates == {
        '"2024-06-31"^^<http://www.w3.org/2001/XMLSchema#date>',
        '"2023-02-29"^^<http://www.w3.org/2001/XMLSchema#date>',
    }


@pytest.mark.parametrize("date", ["2024-06-31", "2023-02-29"])
@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_the_shipped_date_rule_rejects_a_day_the_calendar_does_not_have(
    date: str, engine: str, suite_register: Register
) -> None:
    from tests.support.validation_cases import EXAMPLES

    adoption = ox.NamedNode("https://w3id.org/plangraph/id/4601/example-sub-sub-plan-adoption")
    pg_date = ox.NamedNode("https://w3id.org/plangraph/ontology#date")
    base = [
        q.triple for q in ox.parse(path=str(EXAMPLES / "sub-plan.ttl"), format=ox.RdfFormat.TURTLE)
    ]
    bad = ox.Literal(date, datatype=ox.NamedNode(XSD + "date"))
    triples = [t for t in base if (t.subject, t.predicate) != (adoption, pg_date)]
    triples.append(ox.Triple(adoption, pg_date, bad))
    submission = Submission(name="s.ttl", format=Format.TURTLE, triples=tuple(triples), size=0)
    report = validate(
        [submission],
        register=suite_register,
        engine="pyshacl" if engine == "pyshacl" else "oxigraph",
    )
    found = {
        (f.shape.rsplit("#", 1)[1], f.value.value if f.value else None) for f in report.findings
    }
    assert found == {("date-format", date)}
    assert not report.conforms
