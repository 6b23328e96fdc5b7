"""Reasoning on any backend: on a remote one, the graphs are read by ``CONSTRUCT`` (in pages)
into a store in memory, the rules run there as on the embedded store, and the inferred graph is
written back whole, atomically, with its load record."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from plangraph.backend import Backend, EmbeddedBackend, RemoteBackend, local_copy
from plangraph.namespaces import PG
from plangraph.reasoning.materialise import INFERRED_GRAPH, ReasonResult, is_current, reason

_PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"


def reason_on(
    backend: Backend,
    *,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ReasonResult:
    """:func:`~plangraph.reasoning.reason` on ``backend``, embedded or remote."""
    if isinstance(backend, EmbeddedBackend):
        return reason(backend.store, force=force, progress=progress)
    if not isinstance(backend, RemoteBackend):
        raise TypeError(f"no reasoning on {type(backend).__name__}")
    say = progress or (lambda _: None)
    say(f"reading the graphs from {backend.where}")
    copy = local_copy(backend)
    try:
        result = reason(copy, force=force, progress=progress)
        if not result.skipped:
            say(f"writing {result.triples:,} inferred triples to {backend.where}")
            node = ox.NamedNode(INFERRED_GRAPH)
            record = copy.load_record(INFERRED_GRAPH)
            derived = [
                q.object
                for q in copy.raw.quads_for_pattern(node, ox.NamedNode(_PROV_DERIVED), None, None)
                if isinstance(q.object, ox.NamedNode)
            ]
            backend.replace_graph(
                INFERRED_GRAPH,
                (q.triple for q in copy.raw.quads_for_pattern(None, None, None, node)),
                sha256=record[PG + "sha256"],
                loaded_from=record.get(PG + "loadedFrom", "plangraph reason"),
                force=True,
                record=[(_PROV_DERIVED, g) for g in derived],
            )
        return result
    finally:
        copy.close()


def is_current_on(backend: Backend) -> bool:
    """Whether the backend's inferred graph was made from its present inputs."""
    if isinstance(backend, EmbeddedBackend):
        return is_current(backend.store)
    copy = local_copy(backend)
    try:
        return is_current(copy)
    finally:
        copy.close()
