"""`plangraph load` into a remote SPARQL store (the Oxigraph server, Virtuoso): the default
datasets as in the embedded store, atomically, once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plangraph.backend import BackendError, RemoteBackend
from plangraph.cli import app
from plangraph.store import UPDATED_SINCE_LOAD, LoadError, PlanStore
from tests.support.engines import RemoteEngine


@pytest.fixture
def backend(engine: RemoteEngine) -> Iterator[RemoteBackend]:
    remote = RemoteBackend.of(engine.settings())
    yield remote
    remote.close()


def test_load_fills_a_remote_backend_as_the_embedded_store(
    engine: RemoteEngine,
    backend: RemoteBackend,
    loaded_store_path: Path,
    default_items: list[tuple[str, Path]],
) -> None:
    env = engine.environment()
    result = CliRunner().invoke(app, ["load"], env=env)
    assert result.exit_code == 0, result.output
    assert engine.query_url in result.output.replace("\n", "")
    embedded = PlanStore.open(loaded_store_path)
    try:
        expected = {g.iri: (g.triples, g.loaded_from, g.sha256) for g in embedded.graphs()}
    finally:
        embedded.close()
    found = {g.iri: (g.triples, g.loaded_from, g.sha256) for g in backend.graphs()}
    for graph, _ in default_items:
        assert found[graph] == expected[graph]
    # Loading again changes nothing: every file's checksum is recorded in the backend.
    before = backend.version()
    again = CliRunner().invoke(app, ["load"], env=env)
    assert again.exit_code == 0, again.output
    assert f"loaded 0 file(s), {len(default_items)} unchanged" in again.output
    assert backend.version() == before
    # `plangraph info` shows the register from the remote backend.
    info = CliRunner().invoke(app, ["info"], env=env)
    assert info.exit_code == 0, info.output
    assert "Plan documents by kind" in info.output


def test_a_malformed_file_loads_nothing(
    engine: RemoteEngine, backend: RemoteBackend, tmp_path: Path
) -> None:
    good = tmp_path / "good.ttl"
    good.write_text("<urn:x:a> <urn:x:p> 1 .\n")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:x:a> <urn:x:p> .\n")
    before = (backend.version(), backend.graph_names())
    result = CliRunner().invoke(app, ["load", str(good), str(bad)], env=engine.environment())
    assert result.exit_code == 2
    assert "bad.ttl:1" in result.output and "nothing was loaded" in result.output
    assert (backend.version(), backend.graph_names()) == before


def test_a_graph_is_replaced_whole_with_its_record(
    engine: RemoteEngine, backend: RemoteBackend
) -> None:
    graph = f"urn:plangraph:test:{engine.name}:replace"
    first = [ox_triple("a", "1"), ox_triple("b", "2")]
    assert backend.replace_graph(graph, first, sha256="one", loaded_from="test")
    version = backend.version()
    # The same checksum: nothing is written.
    assert not backend.replace_graph(graph, first, sha256="one", loaded_from="test")
    assert backend.version() == version
    second = [ox_triple("c", "3")]
    assert backend.replace_graph(graph, second, sha256="two", loaded_from="test")
    assert backend.version() != version
    assert sorted(map(str, backend.triples(graph))) == sorted(map(str, second))
    assert backend.load_record(graph)["https://w3id.org/plangraph/ontology#sha256"] == "two"
    # No temporary graph is left behind.
    assert not [g for g in backend.graph_names() if g.startswith("urn:plangraph:staging:")]
    with pytest.raises(LoadError, match="no triples"):
        backend.replace_graph(graph, [], sha256="three", loaded_from="test")
    assert backend.drop(graph)
    assert graph not in backend.graph_names()
    assert backend.load_record(graph) == {}


def test_a_backend_that_refuses_the_credentials_is_a_clear_error(
    virtuoso: RemoteEngine,
) -> None:
    result = CliRunner().invoke(
        app,
        ["load", "--force"],
        env={**virtuoso.environment(), "PLANGRAPH_BACKEND_PASSWORD": "wrong"},
    )
    assert result.exit_code == 2
    assert "401" in result.output and "nothing was loaded" in result.output


def ox_triple(name: str, value: str) -> object:
    import pyoxigraph as ox

    return ox.Triple(ox.NamedNode(f"urn:x:{name}"), ox.NamedNode("urn:x:p"), ox.Literal(value))


@pytest.mark.parametrize("command", [["serve"], ["catalog"], ["import", "ssb", "--table", "07459"]])
def test_a_command_not_yet_on_a_remote_backend_refuses_it(
    command: list[str], oxigraph_server: RemoteEngine
) -> None:
    result = CliRunner().invoke(app, command, env=oxigraph_server.environment())
    assert result.exit_code == 2, result.output
    assert "embedded store only" in result.output


def test_an_update_marks_the_load_records_and_changes_the_version(
    engine: RemoteEngine, backend: RemoteBackend
) -> None:
    graph = f"urn:plangraph:test:{engine.name}:update"
    assert backend.replace_graph(graph, [ox_triple("a", "1")], sha256="u1", loaded_from="test")
    version = backend.version()
    backend.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:x:b> <urn:x:p> 2 }} }}")
    assert backend.version() != version
    assert len(list(backend.triples(graph))) == 2
    assert UPDATED_SINCE_LOAD in backend.load_record(graph)
    # As in the embedded store, a write of the recorded checksum is skipped unless forced.
    assert not backend.replace_graph(graph, [ox_triple("a", "1")], sha256="u1", loaded_from="t")
    assert backend.replace_graph(
        graph, [ox_triple("a", "1")], sha256="u1", loaded_from="test", force=True
    )
    assert UPDATED_SINCE_LOAD not in backend.load_record(graph)
    assert len(list(backend.triples(graph))) == 1
    assert backend.drop(graph)
    with pytest.raises(BackendError, match=r"update: the backend at \S+ answered [45]\d\d"):
        backend.update("INSERT DATA { <urn:x:a> }")
