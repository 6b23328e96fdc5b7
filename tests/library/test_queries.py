"""The named-query format: headers, typed parameters bound as RDF terms, labels, the answer's
machine forms."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph.library import queries
from plangraph.store import PlanStore

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
    query = queries.parse(write(tmp_path, HEADER + "SELECT ?plan ?on WHERE { ?plan ?p ?o }\n"))
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
    with pytest.raises(queries.QueryFormatError, match=complaint):
        queries.parse(write(tmp_path, broken + "SELECT ?plan ?on WHERE { ?plan ?p ?o }\n"))


def test_a_name_must_be_a_slug(tmp_path: Path) -> None:
    with pytest.raises(queries.QueryFormatError, match="lower-case"):
        queries.parse(write(tmp_path, HEADER + "SELECT * WHERE {}", name="Red_Thread"))


@pytest.fixture
def query(tmp_path: Path) -> queries.NamedQuery:
    text = HEADER + (
        "PREFIX ex: <http://example.org/WHERE#x>\n"
        '# WHERE { in a comment\nSELECT ?plan ?on ("WHERE {" AS ?s) WHERE {\n'
        "  OPTIONAL { ?plan a ?kind }\n}\n"
    )
    return queries.parse(write(tmp_path, text))


def test_parameters_go_first_in_the_outermost_where_group(query: queries.NamedQuery) -> None:
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
    query: queries.NamedQuery, given: str
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
    query: queries.NamedQuery, values: dict[str, str], complaint: str
) -> None:
    with pytest.raises(queries.ParameterError, match=complaint):
        query.bind(values)


def test_a_string_parameter_cannot_break_out_of_its_literal(tmp_path: Path) -> None:
    text = HEADER.replace("(iri, example bk:plan-skyfritt)", "(string, example x)")
    query = queries.parse(write(tmp_path, text + "SELECT ?plan ?on WHERE { }\n"))
    hostile = '" } } ; DROP ALL ; SELECT * { "'
    bound = query.bind({"plan": hostile})
    rows = list(ox.Store().query(bound))  # type: ignore[arg-type]
    assert rows[0]["plan"] == ox.Literal(hostile)


def test_the_catalogue_offers_name_title_and_text_for_every_query() -> None:
    catalogue = queries.catalogue()
    assert [q.name for q in catalogue] == sorted(q.name for q in catalogue)
    for q in catalogue:
        assert q.title["nb"] and q.title["en"]
        assert q.text == q.path.read_text(encoding="utf-8")
    with pytest.raises(queries.UnknownQuery):
        queries.get("no-such-question")


NO_PARAMETERS = "".join(line for line in HEADER.splitlines(True) if "# param:" not in line)
UNORDERED = """SELECT ?x ?n WHERE {
  VALUES (?x ?n) {
    (<urn:b> 10) (<urn:a> "z") (<urn:a> 10) (<urn:c> UNDEF) (<urn:a> 9) (UNDEF 1)
  }
}
"""


def test_an_answer_comes_sorted_when_its_query_does_not_order_it(tmp_path: Path) -> None:
    query = queries.parse(write(tmp_path, NO_PARAMETERS + UNORDERED))
    assert not query.ordered
    answer = queries.execute(query, {}, queries.local_runner(PlanStore.in_memory()))
    a, b, c = (ox.NamedNode(f"urn:{x}") for x in "abc")
    assert list(answer.result.rows) == [
        (None, ox.Literal(1)),
        (a, ox.Literal(9)),  # numbers by value: 9 before 10
        (a, ox.Literal(10)),
        (a, ox.Literal("z")),
        (b, ox.Literal(10)),
        (c, None),
    ]


def test_an_answer_keeps_the_order_its_query_gives(tmp_path: Path) -> None:
    query = queries.parse(write(tmp_path, NO_PARAMETERS + UNORDERED + "ORDER BY DESC(?n)\n"))
    assert query.ordered
    run = queries.local_runner(PlanStore.in_memory())
    answer = queries.execute(query, {}, run)
    assert answer.result.rows == run(query.text).rows


def test_labels_come_in_the_language_asked_for_then_the_other(reasoned_store: PlanStore) -> None:
    run = queries.local_runner(reasoned_store)
    iris = [BK + "plan-skyfritt", BK + "event-skyfritt-adoption", "urn:example:nothing"]
    assert queries.labels(iris, "en", run) == {
        BK + "plan-skyfritt": "Skyfritt – plan for an inclusive environment for children and "
        "young people",
        BK + "event-skyfritt-adoption": "Bystyret vedtar Skyfritt",  # only in nb
    }
    assert queries.labels(iris[:1], "nb", run) == {BK + "plan-skyfritt": "Skyfritt"}


def test_an_answer_has_json_csv_and_table_forms(reasoned_store: PlanStore) -> None:
    query = queries.get("decision-trail")
    answer = queries.execute(
        query, {"plan": "bk:plan-skyfritt"}, queries.local_runner(reasoned_store), "nb"
    )
    data = answer.to_json()
    assert data["title"] == query.title["nb"]
    assert data["parameters"] == {"plan": BK + "plan-skyfritt"}
    assert data["columns"][:2] == ["plan", "date"]
    first = data["rows"][0]
    assert first["plan"] == {"type": "iri", "value": BK + "plan-skyfritt", "label": "Skyfritt"}
    assert first["date"]["value"] == "2018-12-13"
    table = list(csv.reader(io.StringIO(answer.to_csv())))
    assert table[0][:3] == ["plan", "plan_label", "date"]
    assert table[1][:3] == [BK + "plan-skyfritt", "Skyfritt", "2018-12-13"]
    assert answer.table()[0][0] == "Skyfritt"
    with pytest.raises(queries.ParameterError, match="lang"):
        queries.execute(query, {"plan": "bk:a"}, queries.local_runner(reasoned_store), "de")
