"""Every named query answers on each remote engine as on the embedded store (Bergen's register
with the illustrative examples, the saved SSB answers and the inferences, copied graph by graph
into the engine)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from plangraph import library
from plangraph.backend import BackendError, EmbeddedBackend, RemoteBackend
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


VIRTUOSO_DIFFERS = {
    "plans-due": "Virtuoso 37000 Error SQ156: Internal Optimized compiler error",
    "unconfirmed-statuses": "Virtuoso answers 33 rows where SPARQL gives 7",
    "goal-indicators": "Virtuoso answers otherwise for the indicator fed by SSB's table 07459 "
    "(the 16th row: its value, trend and comparison columns)",
}
"""The named queries Virtuoso 7.2.5 answers otherwise than SPARQL 1.1 (and Oxigraph): shown
here, the query not yet rewritten so that every engine agrees."""

VIRTUOSO_NOT_SENT = {
    "plan-work-under-way": "on Bergen's register Virtuoso fails with RDFXX \"Empty string is not "
    'a valid argument to iri_to_id" (IRI() of an empty string, where SPARQL leaves the '
    "variable unbound); on the register with the illustrative examples it never answers and "
    "its HTTP server stops answering every other request too, its own deadline "
    "notwithstanding, so it is not sent to the Virtuoso the other tests share"
}
"""Named queries that wedge Virtuoso 7.2.5: not sent to it."""


@pytest.mark.parametrize("name", NAMES)
def test_the_named_query_answers_as_on_the_embedded_store(
    name: str, embedded: EmbeddedBackend, remote: RemoteBackend, engine: RemoteEngine
) -> None:
    if engine.name == "virtuoso" and name in VIRTUOSO_NOT_SENT:
        # Not sent (see VIRTUOSO_NOT_SENT); the query answers on the embedded store.
        expected = library.execute(
            library.get(name), library.get(name).examples(), library.backend_runner(embedded)
        )
        assert expected.result.rows
        return
    query = library.get(name)
    values = query.examples()
    expected = library.execute(query, values, library.backend_runner(embedded))
    if engine.name == "virtuoso" and name in VIRTUOSO_DIFFERS:
        quick = RemoteBackend.of(engine.settings(backend_timeout=15))
        try:
            differs = library.execute(query, values, library.backend_runner(quick))
        except BackendError as error:
            assert "Virtuoso" in str(error) or "timed out" in str(error)
            return
        finally:
            quick.close()
        assert rows(differs) != rows(expected), f"{name} now agrees: remove it from the list"
        return
    found = library.execute(query, values, library.backend_runner(remote))
    assert found.result.variables == expected.result.variables
    assert rows(found) == rows(expected)
    assert found.labels == expected.labels
    assert expected.result.rows or name in EMPTY, "an empty answer would compare nothing"


EMPTY = {"measures-missing-owner-or-status", "plan-version-changes"}
"""The queries with no answer on the examples' register (every measure has an owner and a
status; no plan was submitted, so there are no versions to compare)."""
