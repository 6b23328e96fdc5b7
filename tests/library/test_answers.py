"""Running a named query: plangraph's order of rows, labels, the answer's machine forms."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph import library
from plangraph.lang import Lang
from plangraph.library import answers, named_query
from plangraph.store import PlanStore

BK = "https://w3id.org/plangraph/id/4601/"
NO_PARAMETERS = """# title@nb: Tittel
# title@en: Title
# description@nb: Svaret.
# description@en: The answer.
"""
UNORDERED = """SELECT ?x ?n WHERE {
  VALUES (?x ?n) {
    (<urn:b> 10) (<urn:a> "z") (<urn:a> 10) (<urn:c> UNDEF) (<urn:a> 9) (UNDEF 1)
  }
}
"""


def parsed(tmp_path: Path, text: str) -> named_query.NamedQuery:
    path = tmp_path / "a-query.rq"
    path.write_text(text, encoding="utf-8")
    return named_query.parse(path)


def test_an_answer_comes_sorted_when_its_query_does_not_order_it(tmp_path: Path) -> None:
    query = parsed(tmp_path, NO_PARAMETERS + UNORDERED)
    assert not query.ordered
    answer = answers.execute(query, {}, answers.local_runner(PlanStore.in_memory()))
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
    query = parsed(tmp_path, NO_PARAMETERS + UNORDERED + "ORDER BY DESC(?n)\n")
    assert query.ordered
    run = answers.local_runner(PlanStore.in_memory())
    answer = answers.execute(query, {}, run)
    assert answer.result.rows == run(query.text).rows


def test_labels_come_in_the_language_asked_for_then_the_other(reasoned_store: PlanStore) -> None:
    run = answers.local_runner(reasoned_store)
    iris = [BK + "plan-skyfritt", BK + "event-skyfritt-adoption", "urn:example:nothing"]
    assert answers.labels(iris, Lang.en, run) == {
        BK + "plan-skyfritt": "Skyfritt – plan for an inclusive environment for children and "
        "young people",
        BK + "event-skyfritt-adoption": "Bystyret vedtar Skyfritt",  # only in nb
    }
    assert answers.labels(iris[:1], Lang.nb, run) == {BK + "plan-skyfritt": "Skyfritt"}


def test_an_answer_has_json_csv_and_table_forms(reasoned_store: PlanStore) -> None:
    query = library.get("decision-trail")
    answer = answers.execute(
        query, {"plan": "bk:plan-skyfritt"}, answers.local_runner(reasoned_store), Lang.nb
    )
    data = answer.to_json()
    assert data["title"] == query.title[Lang.nb]
    assert data["lang"] == "nb"
    assert data["parameters"] == {"plan": BK + "plan-skyfritt"}
    assert data["columns"][:2] == ["plan", "date"]
    first = data["rows"][0]
    assert first["plan"] == {"type": "iri", "value": BK + "plan-skyfritt", "label": "Skyfritt"}
    assert first["date"]["value"] == "2018-12-13"
    table = list(csv.reader(io.StringIO(answer.to_csv())))
    assert table[0][:3] == ["plan", "plan_label", "date"]
    assert table[1][:3] == [BK + "plan-skyfritt", "Skyfritt", "2018-12-13"]
    assert answer.table()[0][0] == "Skyfritt"
    with pytest.raises(library.ParameterError, match="lang"):
        answers.execute(query, {"plan": "bk:a"}, answers.local_runner(reasoned_store), "de")


def test_an_answer_is_in_bokmaal_unless_another_language_is_asked_for(
    reasoned_store: PlanStore,
) -> None:
    query = library.get("decision-trail")
    run = answers.local_runner(reasoned_store)
    answer = answers.execute(query, {"plan": "bk:plan-skyfritt"}, run)
    assert answer.lang is Lang.nb
    assert answer.to_json()["title"] == query.title[Lang.nb]
    assert answer.table()[0][0] == "Skyfritt"
    english = answers.execute(query, {"plan": "bk:plan-skyfritt"}, run, Lang.en)
    assert english.table()[0][0].startswith("Skyfritt – plan for an inclusive environment")
