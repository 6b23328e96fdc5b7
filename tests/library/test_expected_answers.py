"""Every named query gives its expected answer, compared as a multiset of rows; a query with no
expected answer fails. Each query has two: on Bergen's register as `plangraph load` loads it (the
default datasets, the saved SSB answers and the inferences), and with the illustrative examples
loaded too (`plangraph load --with-examples`).

The expected answers are ``queries/expected/NAME.csv`` (the register) and
``queries/expected/with-examples/NAME.csv``: a header of the query's variables, then one row per
solution, IRIs compact (``bk:plan-skyfritt``), literals by their value, unbound as empty, with
every parameter at its example. After a deliberate change, rewrite them with
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
WITH_EXAMPLES = EXPECTED / "with-examples"
NAMES = sorted(path.stem for path in FOLDER.glob("*.rq"))
UPDATE = os.environ.get("PLANGRAPH_UPDATE_EXPECTED") == "1"
ILLUSTRATIVE = "bk:example-"


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


def check_expected(path: Path, header: list[str], rows: list[list[str]]) -> None:
    if UPDATE:
        write_expected(path, header, rows)
    assert path.is_file(), f"no expected answer: add {path.relative_to(FOLDER.parent)}"
    expected_header, expected_rows = read_expected(path)
    assert header == expected_header
    assert Counter(map(tuple, rows)) == Counter(map(tuple, expected_rows))


@pytest.mark.parametrize("name", NAMES)
def test_the_query_gives_its_expected_answer_on_the_register(
    name: str, reasoned_store: PlanStore
) -> None:
    header, rows = answer_rows(reasoned_store, library.get(name))
    check_expected(EXPECTED / f"{name}.csv", header, rows)
    # What `plangraph load` loads has no illustrative data, so no answer shows any.
    assert not any(cell.startswith(ILLUSTRATIVE) for row in rows for cell in row)


@pytest.mark.parametrize("name", NAMES)
def test_the_query_gives_its_expected_answer_with_the_examples(
    name: str, examples_store: PlanStore
) -> None:
    header, rows = answer_rows(examples_store, library.get(name))
    check_expected(WITH_EXAMPLES / f"{name}.csv", header, rows)


def test_every_expected_answer_belongs_to_a_query() -> None:
    orphans = sorted(
        p.relative_to(EXPECTED).as_posix()
        for folder in (EXPECTED, WITH_EXAMPLES)
        for p in folder.iterdir()
        if p != WITH_EXAMPLES and (p.suffix != ".csv" or p.stem not in NAMES)
    )
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


def answers(store: PlanStore, name: str) -> list[dict[str, str]]:
    """The query's answer with its parameters at their examples, as rows of compact cells."""
    query = library.get(name)
    result = library.local_runner(store)(query.bind(query.examples()))
    return [
        {v: expected_cell(t) for v, t in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]


def test_the_questions_answer_on_bergen(reasoned_store: PlanStore) -> None:
    """A few facts of the answers on the register, as the analysts would read them."""
    # No element of the register carries an SDG tag: every goal is without a plan, and none
    # is counted from an illustrative tag.
    coverage = answers(reasoned_store, "sdg-coverage")
    assert len(coverage) == 17
    assert all(not r["plan"] and r["elements"] == "0" for r in coverage)
    # The register holds no measure, so the red thread from measures is empty.
    assert answers(reasoned_store, "red-thread") == []
    # The revision of the land-use part decided in 2024 is plan work under way, with its case.
    under_way = {r["plan"]: r for r in answers(reasoned_store, "plan-work-under-way")}
    assert under_way["bk:plan-kpa-ny"]["milestone"] == "bk:event-kommuneplan-2024-treatment-byradet"
    trail = answers(reasoned_store, "decision-trail")
    assert all(r["plan"] == "bk:plan-skyfritt" for r in trail)
    # The planning strategy 2019–2023 states 42 continued; the register holds 2.
    portfolio = answers(reasoned_store, "planning-strategy-portfolio")
    continued = {
        (r["registered"], r["stated"])
        for r in portfolio
        if r["strategy"] == "bk:plan-planstrategi-2019-2023"
        and r["outcome"] == "pgoutcome:continued"
    }
    assert continued == {("2", "42")}


def test_the_unconfirmed_statuses_say_whom_to_ask(reasoned_store: PlanStore) -> None:
    """As of the query's example date (2024-12-31), the statuses the issue names are listed,
    each with its owner and why: too old, or past the plan's own period."""
    rows = answers(reasoned_store, "unconfirmed-statuses")
    found = {(r["plan"], r["owner"], r["reason"]) for r in rows}
    assert {
        ("bk:plan-hop-2023-2026", "bk:org-byradet", "age"),
        ("bk:plan-temaplan-landbruk", "bk:org-byradet", "age"),
        ("bk:plan-sammen-for-kvalitet-spesialpedagogisk-2014-2024", "bk:org-bbs", "age"),
        ("bk:plan-smart-oppvekst-2019-2022", "bk:org-bbs", "period"),
    } <= found
    # A status confirmed in spring 2024 for a plan within its period is not listed.
    assert not any(r["plan"] == "bk:plan-skyfritt" for r in rows)
    since = {(r["plan"], r["reason"]): r["unconfirmedSince"] for r in rows}
    assert since[("bk:plan-hop-2023-2026", "age")] == "2024-09-21"
    assert since[("bk:plan-smart-oppvekst-2019-2022", "period")] == "2023-01-01"


def test_the_confirmation_window_is_a_parameter(reasoned_store: PlanStore) -> None:
    """With a window of 12 months a status from May 2023 is unconfirmed by the end of 2024; with
    the default 24 it is not, and with 48 the HØP of 2022 is confirmed again."""
    query = library.get("unconfirmed-statuses")
    run = library.local_runner(reasoned_store)

    def aged(months: str) -> set[str]:
        result = run(query.bind({"on": "2024-12-31", "months": months}))
        plan, reason = list(result.variables).index("plan"), list(result.variables).index("reason")
        return {
            expected_cell(row[plan]) for row in result.rows if expected_cell(row[reason]) == "age"
        }

    assert "bk:plan-skyfritt" in aged("6")
    assert "bk:plan-skyfritt" not in aged("24")
    assert "bk:plan-hop-2023-2026" in aged("24")
    assert "bk:plan-hop-2023-2026" not in aged("48")


def test_the_questions_answer_with_the_examples(examples_store: PlanStore) -> None:
    """The illustrative examples show what the follow-up questions answer once measures exist."""
    # Every illustrative measure traces to a focus area of Bergen 2030.
    thread = answers(examples_store, "red-thread")
    assert {r["socialPart"] for r in thread} == {"bk:plan-kps-bergen-2030"}
    assert len({r["measure"] for r in thread}) == 5
    assert all(r["measure"].startswith(ILLUSTRATIVE) for r in thread)
    # Goal 2 of Spør oss! has no measure, though its strategy has an action plan.
    missing = {
        (r["goal"], r["implementedBy"]) for r in answers(examples_store, "goals-without-measures")
    }
    assert ("bk:goal-spor-oss-2", "bk:plan-spor-oss-handlingsplan") in missing
    assert not any(goal == "bk:goal-spor-oss-1" for goal, _ in missing)
    # The examples' SDG tags reach two of the 17 goals.
    coverage = answers(examples_store, "sdg-coverage")
    assert sum(1 for r in coverage if not r["plan"]) == 15


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
