"""An answer from a store that holds the illustrative examples says so (made-up data must never
pass as real); one from the register alone does not."""

from __future__ import annotations

from pathlib import Path

from plangraph import library
from plangraph.lang import Lang
from plangraph.library import answers
from plangraph.store import PlanStore
from tests.support.paths import run_cli


def test_the_answer_says_when_the_store_holds_the_examples(
    examples_store: PlanStore, reasoned_store: PlanStore
) -> None:
    query = library.get("sdg-coverage")
    with_examples = library.execute(query, {}, library.local_runner(examples_store), Lang.nb)
    register = library.execute(query, {}, library.local_runner(reasoned_store), Lang.en)
    assert with_examples.includes_examples and not register.includes_examples
    data = with_examples.to_json()
    assert data["includesExamples"] is True
    assert data["note"] == answers.EXAMPLES_NOTE[Lang.nb] and "--with-examples" in data["note"]
    assert register.to_json()["note"] is None and register.examples_note is None


def test_the_cli_notes_it(examples_store_path: Path, reasoned_store_path: Path) -> None:
    noted = run_cli("query", "sdg-coverage", "--store", str(examples_store_path))
    plain = run_cli("query", "sdg-coverage", "--store", str(reasoned_store_path))
    assert noted.returncode == plain.returncode == 0
    assert "merk: Dette lageret har også de illustrerende eksemplene" in noted.stderr
    assert "eksempl" not in plain.stderr
