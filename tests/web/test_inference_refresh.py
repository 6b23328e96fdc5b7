"""A write through the endpoint brings the inferences up to date, in the background."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from plangraph import reasoning
from plangraph.store import PlanStore
from plangraph.web.engine import worker
from tests.support.server import Server, copy_of, serve

BRIEFING = "https://example.org/test/briefing"
GRAPH = "https://example.org/test/graph"
FILE_GRAPH = "https://example.org/test/file-graph"
"""A graph loaded from a file (``<other> a pg:ThemePlan``) into the reasoned store."""
PG = "https://w3id.org/plangraph/ontology#"
OTHER = "https://example.org/test/other"
INFERRED_PLAN_DOCUMENT = (
    f"ASK {{ GRAPH <{reasoning.INFERRED_GRAPH}> {{ <{BRIEFING}> a "
    "<https://w3id.org/plangraph/ontology#PlanDocument> } }"
)


def inferred(server: Server) -> bool:
    with server.client() as client:
        r = client.get(
            "/sparql",
            params={"query": INFERRED_PLAN_DOCUMENT},
            headers={"Accept": "application/sparql-results+json"},
        )
    assert r.status_code == 200, r.text
    answer: bool = r.json()["boolean"]
    return answer


def wait_until(server: Server, expected: bool) -> float:
    """Seconds until the inferred graph says ``expected`` about the briefing (at most 60)."""
    started = time.monotonic()
    while inferred(server) != expected:
        assert time.monotonic() - started < 60, "the inferences were not refreshed"
        time.sleep(0.1)
    return time.monotonic() - started


@pytest.fixture(scope="module")
def reasoned(tmp_path_factory: pytest.TempPathFactory, loaded_store_path: Path) -> Path:
    """Bergen's register with :data:`FILE_GRAPH` loaded from its file, and the inferences of
    both (each test serves a copy of it)."""
    folder = tmp_path_factory.mktemp("reasoned-bergen")
    path = copy_of(loaded_store_path, folder)
    file = folder / "extra.nt"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    file.write_text(f"<{OTHER}> {rdf_type} <{PG}ThemePlan> .\n", encoding="utf-8")
    store = PlanStore.open(path)
    store.load([(FILE_GRAPH, file)])
    reasoning.reason(store)
    store.close()
    return path


def put_theme_plan(server: Server) -> None:
    with server.client() as client:
        r = client.put(
            "/store",
            params={"graph": GRAPH},
            content=f"<{BRIEFING}> a <https://w3id.org/plangraph/ontology#ThemePlan> .",
            headers={**server.auth(), "Content-Type": "text/turtle"},
        )
    assert r.status_code == 201, r.text


def test_a_write_refreshes_the_inferences_and_a_delete_takes_them_back(
    tmp_path: Path, reasoned: Path
) -> None:
    assert worker._INFERRED.value == reasoning.INFERRED_GRAPH
    path = copy_of(reasoned, tmp_path)
    with serve(path) as server, server.client() as client:
        assert not inferred(server)
        put_theme_plan(server)
        wait_until(server, True)
        r = client.delete("/store", params={"graph": GRAPH}, headers=server.auth())
        assert r.status_code == 204, r.text
        wait_until(server, False)
    store = PlanStore.open(path)
    assert reasoning.is_current(store), "the store holds the inferences of its data"
    store.close()


def test_a_store_without_inferences_gets_none_from_a_write(
    tmp_path: Path, loaded_store_path: Path
) -> None:
    path = copy_of(loaded_store_path, tmp_path)
    with serve(path) as server, server.client() as client:
        r = client.post(
            "/sparql",
            content=f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <{BRIEFING}> a "
            "<https://w3id.org/plangraph/ontology#ThemePlan> } }",
            headers={**server.auth(), "Content-Type": "application/sparql-update"},
        )
        assert r.status_code == 204, r.text
        time.sleep(1.0)
    store = PlanStore.open(path)
    assert store.triple_count(GRAPH) == 1
    assert reasoning.INFERRED_GRAPH not in {g.iri for g in store.graphs()}
    store.close()


def test_the_refresh_can_be_turned_off(tmp_path: Path, reasoned: Path) -> None:
    path = copy_of(reasoned, tmp_path)
    with serve(path, refresh_inferences=False) as server:
        put_theme_plan(server)
        time.sleep(2.0)  # a refresh takes well under a second on this store
        assert not inferred(server)
    store = PlanStore.open(path)
    assert not reasoning.is_current(store)
    store.close()


def test_an_update_that_leaves_a_graph_as_big_as_its_file_refreshes_the_inferences(
    tmp_path: Path, reasoned: Path
) -> None:
    """A SPARQL update that swaps one triple of a graph loaded from a file for another leaves it
    as many triples as the file: the inferences must still follow the graph, not the file."""
    path = copy_of(reasoned, tmp_path)
    swap = (
        f"DELETE DATA {{ GRAPH <{FILE_GRAPH}> {{ <{OTHER}> a <{PG}ThemePlan> }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{FILE_GRAPH}> {{ <{BRIEFING}> a <{PG}ThemePlan> }} }}"
    )
    with serve(path) as server, server.client() as client:
        assert not inferred(server)
        r = client.post("/sparql", data={"update": swap}, headers=server.auth())
        assert r.is_success, r.text
        wait_until(server, True)
    store = PlanStore.open(path)
    assert reasoning.is_current(store)
    result = reasoning.reason(store, force=True)
    assert FILE_GRAPH not in result.read_from_files  # the file no longer stands for the graph
    store.close()
