"""The register a submission is validated against, held in memory.

A submission is checked together with the register (the ontology, the reference data and the
municipalities' plans), so that its links can be followed. The register is copied once into an
in-memory pyoxigraph store, in one graph :data:`REGISTER_GRAPH`; each validation puts its
submission into a graph of its own for the time of the run, queries the two graphs as one, and
removes its graph afterwards. Concurrent validations never see each other's submissions, and
the store on disk is only ever opened read-only: validation never writes to it.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from plangraph.data import datasets
from plangraph.namespaces import META_GRAPH

REGISTER_GRAPH = ox.NamedNode("urn:plangraph:register")
"""The graph of the in-memory store that holds the register."""

SUBMISSION_PREFIX = "urn:plangraph:submission:"


class RegisterError(Exception):
    """The register could not be read."""


def open_store(path: Path) -> ox.Store:
    """The store on disk at ``path``, opened read-only (so that nothing can change it)."""
    if not Path(path).is_dir():
        raise RegisterError(f"no store at {path} (load one with 'plangraph load')")
    try:
        return ox.Store.read_only(str(path))
    except OSError as error:
        raise RegisterError(f"the store at {path} cannot be read: {error}") from None


@dataclass(frozen=True)
class Workspace:
    """One validation's view: the register and its submission, as the default graph."""

    store: ox.Store
    graph: ox.NamedNode
    subjects: tuple[ox.NamedNode, ...]

    @property
    def dataset(self) -> dict[str, object]:
        return {"default_graph": [REGISTER_GRAPH, self.graph]}


class Register:
    """The register in memory, and the submissions being validated against it."""

    def __init__(self, store: ox.Store, description: str) -> None:
        self.store = store
        self.description = description
        self.triples = len(store)

    @classmethod
    def from_files(cls, files: Iterable[Path], description: str) -> Register:
        """The register made of RDF files (Turtle, N-Triples, RDF/XML, JSON-LD)."""
        store = ox.Store()
        for file in files:
            try:
                store.bulk_load(path=str(file), format=_format(file), to_graph=REGISTER_GRAPH)
            except (OSError, SyntaxError, ValueError) as error:
                raise RegisterError(f"{file}: {error}") from None
        return cls(store, description)

    @classmethod
    def shipped(cls) -> Register:
        """The register shipped with plangraph: its default datasets (ontology, reference data,
        Bergen's register and the illustrative examples)."""
        files = [file for ds in datasets.default_datasets() for _, file in ds.graphs()]
        return cls.from_files(files, "plangraph's shipped datasets")

    @classmethod
    def from_store(cls, path: Path) -> Register:
        """A copy of every graph of the store on disk (read-only), except its load records."""
        source = open_store(path)
        store = ox.Store()
        meta = ox.NamedNode(META_GRAPH)
        store.bulk_extend(
            ox.Quad(q.subject, q.predicate, q.object, REGISTER_GRAPH)
            for q in source.quads_for_pattern(None, None, None, None)
            if q.graph_name != meta
        )
        del source
        return cls(store, f"the store at {path}")

    @contextlib.contextmanager
    def workspace(self, triples: Sequence[ox.Triple]) -> Iterator[Workspace]:
        """Put the triples into a graph of their own for the duration of the block."""
        graph = ox.NamedNode(SUBMISSION_PREFIX + uuid.uuid4().hex)
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
        subjects = sorted(
            {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)},
            key=lambda n: n.value,
        )
        try:
            yield Workspace(self.store, graph, tuple(subjects))
        finally:
            self.store.remove_graph(graph)


def _format(file: Path) -> ox.RdfFormat:
    suffix = file.suffix.lower()
    formats = {
        ".ttl": ox.RdfFormat.TURTLE,
        ".nt": ox.RdfFormat.N_TRIPLES,
        ".rdf": ox.RdfFormat.RDF_XML,
        ".owl": ox.RdfFormat.RDF_XML,
        ".jsonld": ox.RdfFormat.JSON_LD,
    }
    if suffix not in formats:
        raise RegisterError(f"{file}: unknown RDF format '{suffix}'")
    return formats[suffix]
