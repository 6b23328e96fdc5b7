"""``plangraph import ssb`` as a user runs it, on saved answers (never the internet), against a
store on disk: the real command in a child process once, in this process where the process is not
what is tested."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from plangraph.store import PlanStore
from tests.support.cli import Ran, invoke
from tests.support.paths import ROOT, run_cli

POPULATION = ROOT / "data" / "saved" / "ssb" / "07459-municipalities-2022.json"
CULTURE = ROOT / "data" / "saved" / "ssb" / "05300-culture-distance-1991-2021.json"


def import_ssb(*args: str, store: str | Path) -> Ran:
    """``plangraph import ssb ARGS --store STORE``, run in this process."""
    return invoke("import", "ssb", *args, "--store", str(store))


def _quads(store_path: Path) -> set[ox.Quad]:
    store = PlanStore.open(store_path)
    try:
        return set(store.raw.quads_for_pattern(None, None, None, None))
    finally:
        store.close()


def test_a_saved_answer_is_imported_once_and_then_reported_unchanged(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    first = run_cli(  # the real process
        "import", "ssb", "--table", "07459", "--region", "all", "--saved", str(POPULATION),
        "--store", store,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "imported SSB table 07459 for all municipalities" in first.stdout
    assert "import/ssb/07459/all" in first.stdout
    again = import_ssb(
        "--table", "07459", "--region", "all", "--saved", str(POPULATION), store=store
    )
    assert again.returncode == 0, again.stderr
    assert "unchanged since the last import" in again.stdout
    table = import_ssb("--table", "05300", "--region", "none", "--saved", str(CULTURE), store=store)
    assert table.returncode == 0, table.stderr
    info = invoke("info", "--store", store)
    assert "import/ssb/07459/all" in info.stdout and "import/ssb/05300/none" in info.stdout


def test_an_error_page_is_exit_2_and_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    store = tmp_path / "store"
    ok = import_ssb("--table", "07459", "--saved", str(POPULATION), store=store)
    assert ok.returncode == 0, ok.stderr
    before = _quads(store)
    page = tmp_path / "error.json"
    # Made up for this test: the kind of page a proxy serves instead of the answer.
    page.write_text("<html><head><title>502 Bad Gateway</title></head><body></body></html>")
    bad = import_ssb("--table", "07459", "--saved", str(page), "--force", store=store)
    assert bad.returncode == 2
    assert "HTML page, not JSON" in bad.stderr and "502 Bad Gateway" in bad.stderr
    assert "is as it was" in bad.stderr
    assert _quads(store) == before


def test_an_answer_from_another_table_is_exit_2(tmp_path: Path) -> None:
    result = import_ssb(
        "--table",
        "05300",
        "--region",
        "none",
        "--saved",
        str(POPULATION),
        store=str(tmp_path / "store"),
    )
    assert result.returncode == 2
    assert "the answer is table 07459, but table 05300 was asked for" in result.stderr


def test_bad_options_are_exit_2(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    table = import_ssb("--table", "7459", "--saved", str(POPULATION), store=store)
    assert table.returncode == 2 and "five digits" in table.stderr
    region = import_ssb(
        "--table", "07459", "--region", "Bergen", "--saved", str(POPULATION), store=store
    )
    assert region.returncode == 2 and "municipality number" in region.stderr
    select = import_ssb(
        "--table", "07459", "--select", "Kjonn", "--saved", str(POPULATION), store=store
    )
    assert select.returncode == 2 and "VARIABLE=CODES" in select.stderr
    missing = import_ssb("--table", "07459", "--saved", str(tmp_path / "none.json"), store=store)
    assert missing.returncode == 2


def test_the_readme_s_import_commands_work_offline(tmp_path: Path) -> None:
    """Every ``plangraph`` line of the README's import section runs as written (saved answers, a
    fresh store), and the named query then shows the goals with their indicators' values."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Importing national open data", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [
        part.split()[1:]
        for line in block.splitlines()
        for part in line.split("#", 1)[0].split("&&")
        if part.strip().startswith(".venv/bin/plangraph ")
    ]
    assert ["import", "ssb"] in [c[:2] for c in commands]
    store = str(tmp_path / "store")
    output = ""
    for command in commands:
        args = [str(ROOT / a) if a.startswith("data/") else a for a in command]
        result = invoke(*args, "--store", store)
        assert result.returncode == 0, (command, result.stderr)
        output = result.stdout
    assert commands[-1][:2] == ["query", "goal-indicators"]
    assert "286930" in output and "↓" in output


def test_the_service_s_error_message_is_shown_as_it_is(tmp_path: Path) -> None:
    answer = tmp_path / "error.json"
    # Made up for this test: an error object whose text looks like console markup.
    answer.write_text('{"error": "[/bold] no such variable [Region]"}')
    result = import_ssb("--table", "07459", "--saved", str(answer), store=tmp_path / "store")
    assert result.returncode == 2
    assert "reports an error: [/bold] no such variable [Region]" in result.stderr
