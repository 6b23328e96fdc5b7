"""Every named query answers on each remote engine as on the embedded store (Bergen's register
with the illustrative examples, the saved SSB answers and the inferences, copied graph by graph
into the engine): the same rows in the same order. Where Virtuoso 7.2 answered otherwise, the
query is written so that every engine agrees (see the comments in queries/)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from plangraph import library
from plangraph.backend import EmbeddedBackend, RemoteBackend
from plangraph.store import PlanStore
from tests.support.engines import RemoteEngine
from tests.support.remote import copy_into

NAMES = [q.name for q in library.named_queries()]


@pytest.fixture(scope="module")
def embedded(examples_store_path: Path) -> Iterator[EmbeddedBackend]:
    backend = EmbeddedBackend(PlanStore.open(examples_store_path))
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def remote(engine: RemoteEngine, embedded: EmbeddedBackend) -> Iterator[RemoteBackend]:
    backend = RemoteBackend.of(engine.settings(backend_timeout=30))
    copy_into(embedded.store, backend)
    yield backend
    backend.close()


def rows(answer: library.Answer) -> list[tuple[str, ...]]:
    return [tuple("" if t is None else str(t) for t in row) for row in answer.result.rows]


@pytest.mark.parametrize("name", NAMES)
def test_the_named_query_answers_as_on_the_embedded_store(
    name: str, embedded: EmbeddedBackend, remote: RemoteBackend, engine: RemoteEngine
) -> None:
    query = library.get(name)
    values = query.examples()
    expected = library.execute(query, values, library.backend_runner(embedded))
    found = library.execute(query, values, library.backend_runner(remote))
    assert found.result.variables == expected.result.variables
    assert rows(found) == rows(expected)
    assert found.labels == expected.labels
    assert expected.result.rows or name in EMPTY, "an empty answer would compare nothing"


PARAMETERS = [
    # No date given: today, by each engine's clock.
    ("plans-due", {}),
    ("unconfirmed-statuses", {}),
    ("plan-work-under-way", {}),
    # Months added to a date the way XPath adds them, which Virtuoso does not: the end of a
    # month, a leap day, a month's window.
    ("unconfirmed-statuses", {"on": "2024-03-31", "months": "1"}),
    ("unconfirmed-statuses", {"on": "2026-02-28", "months": "24"}),
    ("unconfirmed-statuses", {"on": "2022-09-30", "months": "0"}),
    # Plans with milestones behind and ahead of the date.
    ("plan-work-under-way", {"on": "2024-06-13"}),
    ("plan-work-under-way", {"on": "2025-11-01"}),
    ("plans-due", {"on": "2030-01-01"}),
]


@pytest.mark.parametrize(("name", "values"), PARAMETERS)
def test_the_named_query_answers_as_on_the_embedded_store_with_other_parameters(
    name: str, values: dict[str, str], embedded: EmbeddedBackend, remote: RemoteBackend
) -> None:
    query = library.get(name)
    expected = library.execute(query, values, library.backend_runner(embedded))
    found = library.execute(query, values, library.backend_runner(remote))
    assert expected.result.rows
    assert rows(found) == rows(expected)


def test_a_plan_with_a_milestone_behind_it_still_has_its_next_one(
    embedded: EmbeddedBackend,
) -> None:
    query = library.get("plan-work-under-way")
    answer = library.execute(query, {"on": "2025-11-01"}, library.backend_runner(embedded))
    milestones = {str(row[0]): str(row[3]) for row in answer.result.rows}
    assert milestones["<https://w3id.org/plangraph/id/4601/plan-skolebruksplan-ny>"] == (
        "<https://w3id.org/plangraph/id/4601/event-skolebruksplan-ny-adoption>"
    )


EMPTY = {"measures-missing-owner-or-status", "plan-version-changes"}
"""The queries with no answer on the examples' register (every measure has an owner and a
status; no plan was submitted, so there are no versions to compare)."""
