"""The register a submission is validated against, held in memory.

A submission is checked together with the register (the ontology, the reference data and the
municipalities' plans), so that its links can be followed. The register is copied once into an
in-memory pyoxigraph store, in one graph :data:`REGISTER_GRAPH`; each validation puts its
submission into a graph of its own for the time of the run, queries the two graphs as one, and
removes its graph afterwards. Concurrent validations never see each other's submissions, and
the store on disk is only ever opened read-only: validation never writes to it.

Literals enter the store as written (:mod:`plangraph.validation.literals`): a triple whose
literal the store would rewrite goes into two companion graphs of its graph, ``…#written`` with
a stand-in (what SHACL Core sees) and ``…#canonical`` as the store keeps it (what a SPARQL
query of the shapes sees). :class:`Views` names the graphs each kind of query reads.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from plangraph.backend import Backend
from plangraph.data import datasets
from plangraph.namespaces import META_GRAPH
from plangraph.validation import literals

REGISTER_GRAPH = ox.NamedNode("urn:plangraph:register")
"""The graph of the in-memory store that holds the register."""

SUBMISSION_PREFIX = "urn:plangraph:submission:"
DATA_GRAPH = ox.NamedNode("urn:plangraph:data")
"""The graph of a store made by :func:`data_store`."""
WRITTEN_SUFFIX = "#written"
CANONICAL_SUFFIX = "#canonical"


def written_graph(graph: ox.NamedNode) -> ox.NamedNode:
    """The companion graph of the triples whose literals are held as stand-ins."""
    return ox.NamedNode(graph.value + WRITTEN_SUFFIX)


def canonical_graph(graph: ox.NamedNode) -> ox.NamedNode:
    """The companion graph of the same triples as the store canonicalises them."""
    return ox.NamedNode(graph.value + CANONICAL_SUFFIX)


def add(store: ox.Store, triples: Iterable[ox.Triple], graph: ox.NamedNode) -> None:
    """Put triples into ``graph`` of the store, their literals as written."""
    plain, written, canonical = literals.encode(triples)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in plain)
    if written:
        wg, cg = written_graph(graph), canonical_graph(graph)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, wg) for t in written)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, cg) for t in canonical)


def data_store(triples: Iterable[ox.Triple]) -> ox.Store:
    """An in-memory store of the triples, ready for :func:`~plangraph.validation.validate_store`
    (literals as written)."""
    store = ox.Store()
    add(store, triples, DATA_GRAPH)
    return store


@dataclass(frozen=True)
class Views:
    """The graphs a run reads: ``core`` for SHACL Core (literals as written, stand-ins
    included), ``sparql`` for SHACL-SPARQL queries (literals as SPARQL sees them), as keyword
    arguments of :meth:`pyoxigraph.Store.query`."""

    core: dict[str, Any]
    sparql: dict[str, Any]

    @classmethod
    def of_graphs(cls, graphs: Sequence[ox.NamedNode | ox.DefaultGraph], store: ox.Store) -> Views:
        """The views of the graphs; companion graphs only where the store has them (each graph
        of ``default_graph`` costs Oxigraph a lookup per triple pattern)."""
        base = [g for g in graphs if not _companion(g)]
        named = [g for g in base if isinstance(g, ox.NamedNode)]
        written = [written_graph(g) for g in named if _has(store, written_graph(g))]
        canonical = [canonical_graph(g) for g in named if _has(store, canonical_graph(g))]
        return cls(
            core={"default_graph": [*base, *written]},
            sparql={"default_graph": [*base, *canonical]},
        )

    @classmethod
    def of_store(cls, store: ox.Store, *, exclusive: bool = False) -> Views:
        """Every graph of the store as one (the default graph too).

        Without companion graphs, both views are the union of the store's graphs (Oxigraph reads
        that faster than a list of graphs); ``exclusive`` lists the graphs even then, so that a
        graph added later (the shapes graph for ``$shapesGraph``) stays out.
        """
        named = sorted(
            (g for g in store.named_graphs() if isinstance(g, ox.NamedNode)),
            key=lambda g: g.value if isinstance(g, ox.NamedNode) else "",
        )
        if not exclusive and not any(_companion(g) for g in named):
            union: dict[str, Any] = {"use_default_graph_as_union": True}
            return cls(core=union, sparql=union)
        graphs: list[ox.NamedNode | ox.DefaultGraph] = [ox.DefaultGraph(), *named]
        return cls.of_graphs(graphs, store)

    def graphs(self) -> list[ox.NamedNode | ox.DefaultGraph] | None:
        """The graphs SHACL Core reads (None: every graph of the store)."""
        found = self.core.get("default_graph")
        return list(found) if found is not None else None


def _has(store: ox.Store, graph: ox.NamedNode) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, graph)), None) is not None


def _companion(graph: ox.NamedNode | ox.DefaultGraph) -> bool:
    return isinstance(graph, ox.NamedNode) and graph.value.endswith(
        (WRITTEN_SUFFIX, CANONICAL_SUFFIX)
    )


def written_quads(
    store: ox.Store, graphs: Sequence[ox.NamedNode | ox.DefaultGraph] | None
) -> Iterator[ox.Triple]:
    """The triples of the graphs (None: every graph but the shapes graph) and of their
    ``#written`` companions, with literals as written."""
    if graphs is None:
        graphs = [ox.DefaultGraph()] + [
            g
            for g in store.named_graphs()
            if isinstance(g, ox.NamedNode) and g.value != "urn:plangraph:shapes-graph"
        ]
    for graph in graphs:
        if _companion(graph):
            continue
        for q in store.quads_for_pattern(None, None, None, graph):
            yield q.triple
        if isinstance(graph, ox.NamedNode):
            for q in store.quads_for_pattern(None, None, None, written_graph(graph)):
                obj = literals.decode(q.object) if isinstance(q.object, ox.Literal) else q.object
                yield ox.Triple(q.subject, q.predicate, obj)


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
    def views(self) -> Views:
        return Views.of_graphs([REGISTER_GRAPH, self.graph], self.store)

    @property
    def dataset(self) -> dict[str, Any]:
        """The graphs SHACL Core reads (the register's and the submission's)."""
        return self.views.core


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
                triples = [q.triple for q in ox.parse(path=str(file), format=_format(file))]
            except (OSError, SyntaxError, ValueError) as error:
                raise RegisterError(f"{file}: {error}") from None
            add(store, triples, REGISTER_GRAPH)
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
        # The store on disk holds its literals canonically; those it could not read (an
        # ill-formed date, say) it holds as written, and the copy marks them ill-formed.
        add(
            store,
            (
                q.triple
                for q in source.quads_for_pattern(None, None, None, None)
                if q.graph_name != meta
            ),
            REGISTER_GRAPH,
        )
        del source
        return cls(store, f"the store at {path}")

    @classmethod
    def from_backend(cls, backend: Backend) -> Register:
        """A copy of every graph of the backend (embedded or remote), except its load records."""
        store = ox.Store()
        for graph in backend.graph_names():
            if graph != META_GRAPH:
                add(store, backend.triples(graph), REGISTER_GRAPH)
        return cls(store, f"the store at {backend.where}")

    @contextlib.contextmanager
    def workspace(self, triples: Sequence[ox.Triple]) -> Iterator[Workspace]:
        """Put the triples into a graph of their own for the duration of the block."""
        graph = ox.NamedNode(SUBMISSION_PREFIX + uuid.uuid4().hex)
        add(self.store, triples, graph)
        subjects = sorted(
            {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)},
            key=lambda n: n.value,
        )
        try:
            yield Workspace(self.store, graph, tuple(subjects))
        finally:
            for g in (graph, written_graph(graph), canonical_graph(graph)):
                with contextlib.suppress(Exception):
                    self.store.remove_graph(g)


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


class BackendRegister:
    """A copy of a backend's register kept at hand, taken again only when the backend's
    content changed (its :meth:`~plangraph.backend.Backend.version`): validating a submission
    then reads memory, not the remote store."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._version: str | None = None
        self._register: Register | None = None

    def current(self) -> Register:
        """The register as the backend holds it now."""
        version = self.backend.version()
        if self._register is None or version != self._version:
            self._register = Register.from_backend(self.backend)
            self._version = version
        return self._register
