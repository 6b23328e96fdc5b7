"""The named-query format: headers, typed parameters bound as RDF terms; the collection."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph import library
from plangraph.lang import Lang
from plangraph.library import named_query

BK = "https://w3id.org/plangraph/id/4601/"

HEADER = """# title@nb: Tittel
# title@en: Title
# description@nb: Svaret.
# description@en: The answer,
#   on two lines.
# param: plan (iri, example bk:plan-skyfritt): The plan.
# param: on (date, optional, example 2024-05-13): A date.
# tags: one, two
"""


def write(tmp_path: Path, text: str, name: str = "a-query") -> Path:
    path = tmp_path / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_header_is_parsed(tmp_path: Path) -> None:
    query = named_query.parse(write(tmp_path, HEADER + "SELECT ?plan ?on WHERE { ?plan ?p ?o }\n"))
    assert query.title == {"nb": "Tittel", "en": "Title"}
    assert query.description["en"] == "The answer, on two lines."
    assert [(p.name, p.type, p.optional, p.example) for p in query.parameters] == [
        ("plan", "iri", False, "bk:plan-skyfritt"),
        ("on", "date", True, "2024-05-13"),
    ]
    assert query.tags == ("one", "two")
    assert query.sparql.startswith("SELECT")


@pytest.mark.parametrize(
    ("broken", "complaint"),
    [
        (HEADER.replace("# title@en: Title\n", ""), "title@en"),
        (HEADER.replace("# tags", "# tag"), "unknown header"),
        (HEADER.replace("example bk:plan-skyfritt", "example"), "unknown option"),
        (HEADER.replace("(iri, example bk:plan-skyfritt)", "(iri)"), "needs a type"),
        (HEADER.replace("(iri,", "(uri,"), "unknown option"),
        (HEADER.replace("example 2024-05-13", "example 13.05.2024"), "not a date"),
        (HEADER.replace("# param: on", "# param: off"), "not a variable"),
    ],
)
def test_a_header_that_does_not_follow_the_format_is_refused(
    tmp_path: Path, broken: str, complaint: str
) -> None:
    with pytest.raises(named_query.QueryFormatError, match=complaint):
        named_query.parse(write(tmp_path, broken + "SELECT ?plan ?on WHERE { ?plan ?p ?o }\n"))


def test_a_name_must_be_a_slug(tmp_path: Path) -> None:
    with pytest.raises(named_query.QueryFormatError, match="lower-case"):
        named_query.parse(write(tmp_path, HEADER + "SELECT * WHERE {}", name="Red_Thread"))


@pytest.fixture
def query(tmp_path: Path) -> named_query.NamedQuery:
    text = HEADER + (
        "PREFIX ex: <http://example.org/WHERE#x>\n"
        '# WHERE { in a comment\nSELECT ?plan ?on ("WHERE {" AS ?s) WHERE {\n'
        "  OPTIONAL { ?plan a ?kind }\n}\n"
    )
    return named_query.parse(write(tmp_path, text))


def test_parameters_go_first_in_the_outermost_where_group(query: named_query.NamedQuery) -> None:
    text = query.bind({"plan": "bk:plan-skyfritt", "on": "2024-05-13"})
    where = text.index("AS ?s) WHERE {") + len("AS ?s) WHERE {")
    assert text[where:].startswith(
        f'\n  VALUES ?on {{ "2024-05-13"^^<http://www.w3.org/2001/XMLSchema#date> }}'
        f"\n  VALUES ?plan {{ <{BK}plan-skyfritt> }}"
    )
    rows = list(ox.Store().query(text))  # type: ignore[arg-type]
    assert rows[0]["plan"] == ox.NamedNode(BK + "plan-skyfritt")


@pytest.mark.parametrize(
    "given",
    [f"{BK}plan-skyfritt", f"<{BK}plan-skyfritt>", "bk:plan-skyfritt", " bk:plan-skyfritt "],
)
def test_an_iri_is_given_in_full_or_as_a_prefixed_name(
    query: named_query.NamedQuery, given: str
) -> None:
    assert query.terms({"plan": given})["plan"] == ox.NamedNode(BK + "plan-skyfritt")


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ({"plan": "plan-skyfritt"}, "not an IRI"),
        ({"plan": "bk:x> } ; DROP ALL ; SELECT * { <a"}, "not a valid IRI"),
        ({"plan": "x:y z"}, "not a valid IRI"),
        ({"plan": "bk:a", "on": "2024-02-30"}, "not a date"),
        ({"plan": "bk:a", "on": "20240513"}, "not a date"),
        ({"plan": "bk:a", "colour": "red"}, "no parameter 'colour'"),
        ({}, "needs plan"),
    ],
)
def test_a_parameter_that_does_not_fit_is_refused(
    query: named_query.NamedQuery, values: dict[str, str], complaint: str
) -> None:
    with pytest.raises(named_query.ParameterError, match=complaint):
        query.bind(values)


def test_a_string_parameter_cannot_break_out_of_its_literal(tmp_path: Path) -> None:
    text = HEADER.replace("(iri, example bk:plan-skyfritt)", "(string, example x)")
    query = named_query.parse(write(tmp_path, text + "SELECT ?plan ?on WHERE { }\n"))
    hostile = '" } } ; DROP ALL ; SELECT * { "'
    bound = query.bind({"plan": hostile})
    rows = list(ox.Store().query(bound))  # type: ignore[arg-type]
    assert rows[0]["plan"] == ox.Literal(hostile)


def test_the_named_queries_offer_name_title_and_text_for_every_query() -> None:
    named = library.named_queries()
    assert [q.name for q in named] == sorted(q.name for q in named)
    for q in named:
        assert q.title[Lang.nb] and q.title[Lang.en]
        assert q.text == q.path.read_text(encoding="utf-8")
        assert library.get(q.name) is q
    with pytest.raises(library.UnknownQuery):
        library.get("no-such-question")
