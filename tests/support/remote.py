"""Remote backends filled for the backend tests: each engine with a copy of an embedded store."""

from __future__ import annotations

import pyoxigraph as ox

from plangraph.backend import RemoteBackend
from plangraph.namespaces import META_GRAPH, PG
from plangraph.store import PlanStore


def copy_into(store: PlanStore, remote: RemoteBackend, *, exact: bool = False) -> None:
    """Make ``remote`` hold every named graph of ``store`` as it is, with its load record's
    checksum and origin (a graph already there with that checksum is left as it is);
    ``exact``: and no other graph (other tests' graphs are dropped)."""
    if exact:
        keep = {g.iri for g in store.graphs()} | {META_GRAPH}
        for graph in remote.graph_names():
            if graph not in keep:
                remote.drop(graph)
    for info in store.graphs():
        record = store.load_record(info.iri)
        sha = record.get(PG + "sha256") or f"copy:{info.triples}"
        triples = [
            q.triple for q in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(info.iri))
        ]
        remote.replace_graph(
            info.iri, triples, sha256=sha, loaded_from=info.loaded_from or "a copy"
        )
    assert META_GRAPH in remote.graph_names()
