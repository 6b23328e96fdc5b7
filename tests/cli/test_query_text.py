"""``plangraph query --text``: a query as an analyst types it, the project's prefixes left out,
and its errors in one line, in the language asked for."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.support.paths import run_cli

THEME_PLANS = "SELECT ?p ?t WHERE { ?p pg:planKind pgkind:theme-plan ; dct:title ?t }"


def test_a_query_without_prefixes_runs_and_a_note_says_which_were_added(
    loaded_store_path: Path,
) -> None:
    result = run_cli(
        "query", "--text", THEME_PLANS, "--format", "csv", "--store", str(loaded_store_path)
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) > 10 and all(r["p"].startswith("https://w3id.org/plangraph/") for r in rows)
    assert "note: added the prefixes pg, pgkind, dct" in result.stderr


def test_errors_are_one_line_in_the_language_asked_for(loaded_store_path: Path) -> None:
    store = str(loaded_store_path)
    typo = run_cli(
        "query", "--text", "SELECT ?p WHERE {\n ?p pg:x ?k } LIMIT ten", "--store", store
    )
    assert typo.returncode == 2 and typo.stdout == ""
    last = typo.stderr.strip().splitlines()[-1]
    assert last.startswith("feil: syntaksfeil på linje 2, kolonne 21, ved «ten»: forventet")
    unknown = run_cli(
        "query", "--text", "SELECT * { ?p foo:x ?k }", "--lang", "en", "--store", store
    )
    assert unknown.returncode == 2
    assert unknown.stderr.startswith(
        "error: the prefix foo: is not declared (first used at line 1, column 15)"
    )
    assert len(unknown.stderr.strip().splitlines()) == 1


def test_only_select_queries_and_never_with_a_name(loaded_store_path: Path) -> None:
    store = str(loaded_store_path)
    ask = run_cli("query", "--text", "ASK { ?s ?p ?o }", "--store", store)
    assert ask.returncode == 2 and "--text runs SELECT queries" in ask.stderr
    both = run_cli("query", "plans-due", "--text", THEME_PLANS, "--store", store)
    assert both.returncode == 2 and "not both" in both.stderr
