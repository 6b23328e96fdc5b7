"""Every named query gives its expected answer on Bergen's register, the illustrative examples
and the inferences, compared as a multiset of rows; a query with no expected answer fails.

The expected answers are ``queries/expected/NAME.csv``: a header of the query's variables, then
one row per solution, IRIs compact (``bk:plan-skyfritt``), literals by their value, unbound as
empty, with every parameter at its example. After a deliberate change, rewrite them with
``PLANGRAPH_UPDATE_EXPECTED=1 .venv/bin/python -m pytest tests/library`` and review the diff.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from plangraph import library
from plangraph.library.collection import folder
from plangraph.library.named_query import NamedQuery
from plangraph.library.rows import expected_cell
from plangraph.store import PlanStore

FOLDER = folder()
EXPECTED = FOLDER / "expected"
NAMES = sorted(path.stem for path in FOLDER.glob("*.rq"))
UPDATE = os.environ.get("PLANGRAPH_UPDATE_EXPECTED") == "1"


def answer_rows(store: PlanStore, query: NamedQuery) -> tuple[list[str], list[list[str]]]:
    result = library.local_runner(store)(query.bind(query.examples()))
    rows = [[expected_cell(term) for term in row] for row in result.rows]
    return list(result.variables), rows


def read_expected(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    return table[0], table[1:]


def write_expected(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(sorted(rows))
    path.write_text(out.getvalue(), encoding="utf-8")


def test_the_library_has_the_questions_of_the_issue() -> None:
    assert len(NAMES) >= 11
    for name in (
        "red-thread", "red-thread-breaks", "sdg-coverage", "goals-without-measures",
        "measures-missing-owner-or-status", "measures-by-owner-and-status",
        "planning-strategy-portfolio", "plans-due", "plan-work-under-way",
        "plans-by-legal-basis", "plan-kinds-by-law-section", "decision-trail",
        "plans-and-measures-by-department",
    ):  # fmt: skip
        assert name in NAMES, name


@pytest.mark.parametrize("name", NAMES)
def test_the_query_gives_its_expected_answer(name: str, reasoned_store: PlanStore) -> None:
    query = library.get(name)
    header, rows = answer_rows(reasoned_store, query)
    path = EXPECTED / f"{name}.csv"
    if UPDATE:
        write_expected(path, header, rows)
    assert path.is_file(), f"{name} has no expected answer: add {path.relative_to(FOLDER.parent)}"
    expected_header, expected_rows = read_expected(path)
    assert header == expected_header
    assert Counter(map(tuple, rows)) == Counter(map(tuple, expected_rows))


def test_every_expected_answer_belongs_to_a_query() -> None:
    orphans = sorted(p.name for p in EXPECTED.glob("*") if p.stem not in NAMES)
    assert orphans == []


@pytest.mark.parametrize("name", NAMES)
def test_the_query_also_runs_with_only_its_required_parameters(
    name: str, reasoned_store: PlanStore
) -> None:
    query = library.get(name)
    required = {p.name: p.example for p in query.parameters if not p.optional}
    library.local_runner(reasoned_store)(query.bind(required))


@pytest.mark.parametrize("name", NAMES)
def test_the_query_leaves_hierarchies_and_closures_to_inference(name: str) -> None:
    """No property paths (``+``, ``*``, ``/``, ``^``, ``|``) between predicates: the inferred
    graph has the class and property hierarchies, inverses and transitive properties."""
    text = library.get(name).sparql
    text = re.sub(r"#[^\n]*|\"[^\"\n]*\"|<[^>\s]*>", " ", text)
    term = r"(?:[a-z]+:[A-Za-z][\w-]*|\ba\b)"
    assert not re.search(rf"\^\s*{term}|{term}\s*[+*]|{term}\s*[/|]\s*\^?{term}", text), name


def test_the_questions_answer_on_bergen(reasoned_store: PlanStore) -> None:
    """A few facts of the answers, as the analysts would read them."""
    run = library.local_runner(reasoned_store)

    def answer(name: str) -> list[dict[str, str]]:
        query = library.get(name)
        result = run(query.bind(query.examples()))
        return [
            {v: expected_cell(t) for v, t in zip(result.variables, row, strict=True)}
            for row in result.rows
        ]

    # Every illustrative measure traces to a focus area of Bergen 2030.
    thread = answer("red-thread")
    assert {r["socialPart"] for r in thread} == {"bk:plan-kps-bergen-2030"}
    assert len({r["measure"] for r in thread}) == 5
    # Goal 2 of Spør oss! has no measure, though its strategy has an action plan.
    missing = answer("goals-without-measures")
    assert [(r["goal"], r["implementedBy"]) for r in missing] == [
        ("bk:goal-spor-oss-2", "bk:plan-spor-oss-handlingsplan")
    ]
    # 15 of the 17 SDGs have no plan; SDG 4 has two.
    coverage = answer("sdg-coverage")
    assert sum(1 for r in coverage if not r["plan"]) == 15
    # The planning strategy 2019–2023 states 42 continued; the register holds 2.
    portfolio = answer("planning-strategy-portfolio")
    continued = {
        (r["registered"], r["stated"])
        for r in portfolio
        if r["strategy"] == "bk:plan-planstrategi-2019-2023"
        and r["outcome"] == "pgoutcome:continued"
    }
    assert continued == {("2", "42")}


def test_the_red_thread_narrowed_to_one_social_part_is_that_part_of_the_whole(
    synthetic_store_path: Path,
) -> None:
    """``red-thread`` with ``socialPart`` gives exactly the rows of the whole answer that end in
    that social part (on a register of several municipalities, where the whole is large)."""
    query = library.get("red-thread")
    store = PlanStore.open(synthetic_store_path)
    try:
        run = library.local_runner(store)
        whole = run(query.bind({}))
        column = list(whole.variables).index("socialPart")
        parts = Counter(row[column] for row in whole.rows)
        assert len(parts) > 1, "the register should have several social parts"
        part, rows = parts.most_common(1)[0]
        assert part is not None and rows < len(whole.rows)
        narrowed = run(query.bind({"socialPart": f"<{part.value}>"}))
        assert Counter(narrowed.rows) == Counter(r for r in whole.rows if r[column] == part)
    finally:
        store.close()
