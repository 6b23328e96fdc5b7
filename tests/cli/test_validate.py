"""``plangraph validate`` as a user runs it: formats, languages, exit codes, bad input (the real
command in a child process once; in this process where the process is not what is tested)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph.store import PlanStore
from tests.support.cli import invoke
from tests.support.paths import run_cli
from tests.support.validation_cases import EXAMPLES

MISTAKES = EXAMPLES / "mistakes"


@pytest.fixture
def no_store(tmp_path: Path) -> dict[str, str]:
    """An environment whose default store does not exist: files are checked against the
    shipped datasets."""
    return {"PLANGRAPH_STORE": str(tmp_path / "no-store")}


def test_a_valid_plan_conforms_with_exit_0(no_store: dict[str, str]) -> None:
    result = run_cli("validate", str(EXAMPLES / "theme-plan.ttl"), "--lang", "en", env=no_store)
    assert result.returncode == 0, result.stderr
    assert "The submission follows the rules." in result.stdout
    assert "plangraph's shipped datasets" in result.stdout


def test_violations_give_exit_1_and_explain_themselves_in_both_languages(
    no_store: dict[str, str],
) -> None:
    file = str(MISTAKES / "briefing-with-goals.ttl")
    nb = invoke("validate", file, env=no_store)
    en = invoke("validate", file, "--lang", "en", env=no_store)
    assert nb.returncode == en.returncode == 1
    assert "En melding skal ikke inneholde visjon" in nb.stdout
    assert "A briefing (melding) must not contain" in en.stdout
    assert "R14" in en.stdout


def test_json_output_is_the_typed_report(no_store: dict[str, str]) -> None:
    result = invoke(
        "validate", str(MISTAKES / "planning-strategy-late.ttl"), "--format", "json", env=no_store
    )
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    rules = {f["rule"] for f in report["findings"]}
    assert {"R1", "R3", "R4"} <= rules
    finding = next(f for f in report["findings"] if f["rule"] == "R1")
    assert finding["severity"] == "violation"
    assert finding["basis"]["url"] == "https://lovdata.no/lov/2008-06-27-71/§10-1"
    assert finding["basis"]["label"]["nb"] == "plan- og bygningsloven § 10-1 første ledd"
    assert set(finding["message"]) == {"nb", "en"}
    assert "2025-02-19" in finding["message"]["en"]
    assert finding["focus"]["value"].endswith("example-mistake-planning-strategy")


def test_turtle_output_is_a_shacl_validation_report(no_store: dict[str, str]) -> None:
    result = invoke(
        "validate", str(MISTAKES / "briefing-with-goals.ttl"), "--format", "turtle", env=no_store
    )
    assert result.returncode == 1
    store = ox.Store()
    store.load(result.stdout.encode(), format=ox.RdfFormat.TURTLE)
    ask = store.query(
        "PREFIX sh: <http://www.w3.org/ns/shacl#> ASK { ?r a sh:ValidationReport ; "
        "sh:conforms false ; sh:result [ sh:resultMessage ?nb, ?en ] "
        'FILTER (lang(?nb) = "nb" && lang(?en) = "en") }'
    )
    assert bool(ask)


def test_html_output_groups_findings_by_rule(no_store: dict[str, str]) -> None:
    result = invoke(
        "validate",
        str(MISTAKES / "theme-plan-broken-links.ttl"),
        "--format",
        "html",
        "--lang",
        "en",
        env=no_store,
    )
    assert result.returncode == 1
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert 'id="rule-REF"' in result.stdout and 'id="rule-VOC"' in result.stdout


def test_csv_output_has_one_row_per_finding(no_store: dict[str, str]) -> None:
    result = invoke(
        "validate", str(MISTAKES / "theme-plan-broken-links.ttl"), "--format", "csv", env=no_store
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("rule,severity,focus,focus_label,path,value,message_nb,message_en")
    assert len(lines) == 1 + 5


def test_warnings_alone_conform(no_store: dict[str, str]) -> None:
    result = invoke("validate", str(MISTAKES / "theme-plan-without-follow-up.ttl"), env=no_store)
    assert result.returncode == 0
    assert "advarsel" in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), "give one or more files"),
        (("missing.ttl",), "missing.ttl"),
        (("--lang", "de", "x.ttl"), "--lang"),
    ],
)
def test_usage_errors_give_exit_2(
    args: tuple[str, ...], words: str, no_store: dict[str, str]
) -> None:
    result = invoke("validate", *args, env=no_store)
    assert result.returncode == 2
    assert words in result.stderr


def test_unreadable_input_gives_exit_2_naming_file_line_and_column(
    tmp_path: Path, no_store: dict[str, str]
) -> None:
    bad = tmp_path / "plan.ttl"
    bad.write_text("@prefix pg: <https://w3id.org/plangraph/ontology#> .\npg:a pg:b pg:c pg:d .\n")
    result = invoke("validate", str(bad), env=no_store)
    assert result.returncode == 2
    assert f"{bad}:2:" in result.stderr
    empty = tmp_path / "empty.json"
    empty.write_text("")
    result = invoke("validate", str(empty), env=no_store)
    assert result.returncode == 2
    assert "empty" in result.stderr


def test_the_register_is_checked_from_the_store_which_is_left_unchanged(
    loaded_store_path: Path,
) -> None:
    before = PlanStore.open(loaded_store_path)
    graphs = before.graphs()
    before.close()
    result = invoke("validate", "--register", "--store", str(loaded_store_path), "--format", "json")
    assert result.returncode == 1, result.stderr  # Bergen's register has real gaps
    report = json.loads(result.stdout)
    assert report["checked"] == "register"
    assert {"R16", "R7", "R18"} <= {f["rule"] for f in report["findings"]}
    after = PlanStore.open(loaded_store_path)
    assert after.graphs() == graphs
    after.close()


def test_files_are_checked_against_the_named_store(loaded_store_path: Path) -> None:
    result = invoke(
        "validate", str(EXAMPLES / "action-plan.ttl"), "--store", str(loaded_store_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert str(loaded_store_path) in result.stdout


def test_register_and_files_together_are_a_usage_error(loaded_store_path: Path) -> None:
    result = invoke("validate", "x.ttl", "--register", "--store", str(loaded_store_path))
    assert result.returncode == 2
