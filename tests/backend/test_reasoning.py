"""`plangraph reason` on a remote backend: the facts read by CONSTRUCT, the inferred graph
written back; the same entailments as on the embedded store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from plangraph import reasoning
from plangraph.backend import RemoteBackend
from plangraph.cli import app
from plangraph.namespaces import META_GRAPH
from plangraph.store import PlanStore
from tests.support.engines import RemoteEngine
from tests.support.remote import copy_into

_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"


def graph_of(lines: set[str]) -> rdflib.Graph:
    return rdflib.Graph().parse(data="".join(f"{line} .\n" for line in lines), format="nt")


@pytest.fixture
def backend(engine: RemoteEngine) -> Iterator[RemoteBackend]:
    remote = RemoteBackend.of(engine.settings())
    yield remote
    remote.close()


def test_reasoning_on_a_remote_backend_entails_what_it_does_embedded(
    engine: RemoteEngine, backend: RemoteBackend, reasoned_store_path: Path
) -> None:
    embedded = PlanStore.open(reasoned_store_path)
    try:
        copy_into(embedded, backend, exact=True)
        expected = {
            str(q.triple)
            for q in embedded.raw.quads_for_pattern(
                None, None, None, ox.NamedNode(reasoning.INFERRED_GRAPH)
            )
        }
        derived = {
            str(q.object)
            for q in embedded.raw.quads_for_pattern(
                ox.NamedNode(reasoning.INFERRED_GRAPH),
                ox.NamedNode(_DERIVED),
                None,
                ox.NamedNode(META_GRAPH),
            )
        }
    finally:
        embedded.close()
    # The engine holds exactly the embedded store's graphs; its inferences go, to be made anew.
    assert backend.drop(reasoning.INFERRED_GRAPH)
    assert not reasoning.is_current_on(backend)
    env = engine.environment()
    result = CliRunner().invoke(app, ["reason"], env=env)
    assert result.exit_code == 0, result.output
    assert f"inferred {len(expected):,} triples" in result.output
    found = {str(t) for t in backend.triples(reasoning.INFERRED_GRAPH)}
    # The same triples, blank nodes aside (each store labels them its own way) ...
    assert {t for t in found if "_:" not in t} == {t for t in expected if "_:" not in t}
    # ... and the same graph with them: isomorphic.
    assert isomorphic(graph_of(found), graph_of(expected))
    derived_found = backend.select(
        f"SELECT ?g WHERE {{ GRAPH <{META_GRAPH}> {{ <{reasoning.INFERRED_GRAPH}> <{_DERIVED}> ?g }} }}"
    )
    assert {str(r["g"]) for r in derived_found} == derived
    # Made from the present inputs: a second run has nothing to do.
    assert reasoning.is_current_on(backend)
    again = CliRunner().invoke(app, ["reason"], env=env)
    assert again.exit_code == 0, again.output
    assert "up to date" in again.output
