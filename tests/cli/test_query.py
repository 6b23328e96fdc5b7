"""`plangraph query` as a user runs it (in a child process once; in this process where the
process is not what is tested), and the generated cookbook."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from plangraph import library
from plangraph.library import cookbook
from tests.support.cli import invoke
from tests.support.paths import ROOT, run_cli


def test_the_list_names_every_query() -> None:
    result = invoke("query", "--list", "--format", "json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [q["name"] for q in listed] == [q.name for q in library.named_queries()]
    table = invoke("query", "--list", "--lang", "nb")
    assert "decision-trail" in table.stdout and "Vedtaksløypa" in table.stdout


def test_a_query_answers_as_a_table_csv_and_json(reasoned_store_path: Path) -> None:
    store = ["--store", str(reasoned_store_path)]
    args = ["query", "decision-trail", "--param", "plan=bk:plan-skyfritt", *store]
    table = invoke(*args, "--lang", "nb")
    assert table.returncode == 0, table.stderr
    assert "Vedtaksløypa for en plan" in table.stdout
    assert "Bystyret vedtar Skyfritt" in table.stdout
    as_csv = invoke(*args, "--format", "csv")
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0][:2] == ["plan", "plan_label"] and len(rows) == 4
    as_json = json.loads(invoke(*args, "--format", "json").stdout)
    assert as_json["query"] == "decision-trail" and len(as_json["rows"]) == 3


def test_bad_input_is_refused_with_exit_code_2(reasoned_store_path: Path) -> None:
    store = ["--store", str(reasoned_store_path)]
    for args, complaint in (
        (["query", "no-such-question"], "no named query"),
        (["query", "decision-trail", *store], "feil: decision-trail trenger plan"),
        (["query", "decision-trail", "--lang", "en", *store], "error: decision-trail needs plan"),
        (["query", "decision-trail", "--param", "plan=not an iri", *store], "er ikke en IRI"),
        (["query", "plans-due", "--param", "on=yesterday", *store], "er ikke en dato"),
        (
            ["query", "plans-due", "--param", "on=yesterday", "--lang", "en", *store],
            "error: on='yesterday' is not a date",
        ),
        (["query", "plans-due", "--param", "on", *store], "key=value"),
        (["query", "plans-due", "--param", "colour=red", *store], "har ingen parameter"),
    ):
        result = invoke(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert complaint in result.stderr, (args, result.stderr)


def test_sparql_shows_the_query_with_its_parameters_bound() -> None:
    result = run_cli("query", "decision-trail", "--param", "plan=bk:plan-skyfritt", "--sparql")
    assert result.returncode == 0
    assert "VALUES ?plan { <https://w3id.org/plangraph/id/4601/plan-skyfritt> }" in result.stdout


def test_the_cookbook_is_generated_from_the_queries() -> None:
    committed = (ROOT / "docs" / "cookbook.md").read_text(encoding="utf-8")
    assert committed == cookbook.render(), (
        "docs/cookbook.md is out of date: run "
        "`.venv/bin/plangraph query --cookbook > docs/cookbook.md`"
    )
    for query in library.named_queries():
        assert f"### {query.name}" in committed
