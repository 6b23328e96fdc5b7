"""`plangraph query` and `plangraph reason` as a user runs them, and the generated cookbook."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from plangraph import library
from plangraph.library import cookbook
from tests.support.paths import ROOT, run_cli


def test_the_list_names_every_query() -> None:
    result = run_cli("query", "--list", "--format", "json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [q["name"] for q in listed] == [q.name for q in library.named_queries()]
    table = run_cli("query", "--list", "--lang", "nb")
    assert "decision-trail" in table.stdout and "Vedtaksløypa" in table.stdout


def test_a_query_answers_as_a_table_csv_and_json(reasoned_store_path: Path) -> None:
    store = ["--store", str(reasoned_store_path)]
    args = ["query", "decision-trail", "--param", "plan=bk:plan-skyfritt", *store]
    table = run_cli(*args, "--lang", "nb")
    assert table.returncode == 0, table.stderr
    assert "Vedtaksløypa for en plan" in table.stdout
    assert "Bystyret vedtar Skyfritt" in table.stdout
    as_csv = run_cli(*args, "--format", "csv")
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0][:2] == ["plan", "plan_label"] and len(rows) == 4
    as_json = json.loads(run_cli(*args, "--format", "json").stdout)
    assert as_json["query"] == "decision-trail" and len(as_json["rows"]) == 3


def test_bad_input_is_refused_with_exit_code_2(reasoned_store_path: Path) -> None:
    store = ["--store", str(reasoned_store_path)]
    for args, complaint in (
        (["query", "no-such-question"], "no named query"),
        (["query", "decision-trail", *store], "needs plan"),
        (["query", "decision-trail", "--param", "plan=not an iri", *store], "not an IRI"),
        (["query", "plans-due", "--param", "on=yesterday", *store], "not a date"),
        (["query", "plans-due", "--param", "on", *store], "key=value"),
        (["query", "plans-due", "--param", "colour=red", *store], "no parameter"),
    ):
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert complaint in result.stderr, (args, result.stderr)


def test_sparql_shows_the_query_with_its_parameters_bound() -> None:
    result = run_cli("query", "decision-trail", "--param", "plan=bk:plan-skyfritt", "--sparql")
    assert result.returncode == 0
    assert "VALUES ?plan { <https://w3id.org/plangraph/id/4601/plan-skyfritt> }" in result.stdout


def test_reason_materialises_then_knows_it_is_up_to_date(
    loaded_store_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "store"
    shutil.copytree(loaded_store_path, target)
    first = run_cli("reason", "--store", str(target))
    assert first.returncode == 0, first.stderr
    assert "inferred" in first.stdout and "triples" in first.stdout
    second = run_cli("reason", "--store", str(target))
    assert second.returncode == 0
    assert "up to date" in second.stdout


def test_reason_exits_1_on_an_inconsistency(loaded_store_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "store"
    shutil.copytree(loaded_store_path, target)
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix pg: <https://w3id.org/plangraph/ontology#> .\n"
        "<https://example.org/p> a pg:Briefing, pg:ActionPlan .\n",
        encoding="utf-8",
    )
    assert run_cli("load", str(extra), "--store", str(target)).returncode == 0
    result = run_cli("reason", "--store", str(target))
    assert result.returncode == 1
    assert "cax-dw" in result.stdout


def test_the_cookbook_is_generated_from_the_queries() -> None:
    committed = (ROOT / "docs" / "cookbook.md").read_text(encoding="utf-8")
    assert committed == cookbook.render(), (
        "docs/cookbook.md is out of date: run "
        "`.venv/bin/plangraph query --cookbook > docs/cookbook.md`"
    )
    for query in library.named_queries():
        assert f"### {query.name}" in committed
