"""The reference path: plain ``pyshacl.validate`` on the same data and shapes.

This is the only module of plangraph that imports pyshacl. pyshacl is the reference the fast path
is held to (a test compares the two on the shapes' own test suite), and it judges the shapes the
fast path cannot compile. It is far slower, and it is not thread-safe (it writes into the shapes
graph, so it is handed a copy), so the web app never chooses it as the engine.

The data graph is handed over with its literals as written (rdflib would rewrite ``"01"`` as
``"1"``), and the blank nodes of a submission (named ``urn:plangraph:blank:…`` for the store)
are blank nodes again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib import resources as importlib_resources
from typing import Any, ClassVar

import pyoxigraph as ox
import pyshacl
import rdflib
from pyshacl.errors import ReportableRuntimeError
from rdflib.namespace import RDF
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import BNode, Node

from plangraph.terms import to_oxigraph
from plangraph.validation.engines.oxigraph import RawResult
from plangraph.validation.shapes import (
    SH,
    Path_,
    ShapeId,
    ShapesError,
    ShapesModel,
    SparqlConstraint,
    exact,
    read_path,
    shape_id,
)
from plangraph.validation.submission import BLANK_PREFIX

_SKOLEM = "plangraph-blank-"
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.target)


class PreparedQueryGraph(rdflib.Graph):
    """An rdflib graph that parses each SPARQL query text once and keeps the parsed query.

    pyshacl runs a SHACL-SPARQL constraint by handing the same query text to ``query()`` once
    per focus node, and rdflib parses it every time: most of pyshacl's run time. Caching the
    parsed query changes nothing in what is evaluated (the bindings still vary per focus node).
    """

    _prepared: ClassVar[dict[tuple[str, tuple[tuple[str, str], ...]], Any]] = {}  # no data

    def query(
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Any = None,
        initBindings: Any = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and processor == "sparql" and not initNs:
            # As rdflib does, a prefix the query does not declare is read from the graph's own.
            namespaces = tuple(sorted((str(p), str(n)) for p, n in self.namespaces()))
            key = (query_object, namespaces)
            prepared = self._prepared.get(key)
            if prepared is None:
                prepared = prepareQuery(query_object, initNs=dict(namespaces))
                self._prepared[key] = prepared
            query_object = prepared
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def _data_term(term: object) -> Node:
    if isinstance(term, ox.NamedNode) and term.value.startswith(BLANK_PREFIX):
        return BNode(_SKOLEM + term.value[len(BLANK_PREFIX) :])
    return exact(term)


def _store_term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(node, BNode) and str(node).startswith(_SKOLEM):
        return ox.NamedNode(BLANK_PREFIX + str(node)[len(_SKOLEM) :])
    return to_oxigraph(node)


def triple_of(t: ox.Triple | ox.Quad) -> tuple[Node, Node, Node]:
    """A pyoxigraph triple (or quad's triple) as an rdflib triple, literals as written."""
    s, o = t.subject, t.object
    if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
        raise TypeError("RDF-star triples are not supported")
    return (_data_term(s), _data_term(t.predicate), _data_term(o))


def graph_of(triples: Iterable[ox.Triple | ox.Quad], *, prepared: bool = True) -> rdflib.Graph:
    """An rdflib graph of the triples (of the quads, whatever their graph).

    With ``prepared`` (the default) the graph keeps parsed SPARQL queries
    (:class:`PreparedQueryGraph`); without it, it is a plain ``rdflib.Graph``, as the benchmark
    uses to measure pyshacl called plainly.
    """
    graph = PreparedQueryGraph() if prepared else rdflib.Graph()
    for t in triples:
        graph.add(triple_of(t))
    return graph


def shapes_for(model: ShapesModel, roots: Sequence[ShapeId]) -> rdflib.Graph:
    """A copy of the shapes graph in which only the given root shapes have targets."""
    graph = rdflib.Graph()
    graph += model.graph
    keep = set(roots)
    for root in model.roots:
        if root in keep:
            continue
        node = model.by_id[root].node
        for prop in _TARGETS:
            graph.remove((node, prop, None))
        for cls in list(graph.objects(node, RDF.type)):
            if cls not in (SH.NodeShape, SH.PropertyShape):
                graph.remove((node, RDF.type, cls))  # no implicit class target either
    return graph


def validate(data: rdflib.Graph, model: ShapesModel, roots: Sequence[ShapeId]) -> list[RawResult]:
    """Run pyshacl plainly (no inference; Core and SHACL-SPARQL) for the root shapes.

    Raises:
        ShapesError: if pyshacl refuses the shapes.
    """
    if not roots:
        return []
    shapes = shapes_for(model, roots)
    # pyshacl resolves a query's prefixes through the data graph's bindings too: give it the
    # prefixes the shapes graph declares.
    for prefix, namespace in declared_prefixes(model.graph):
        data.bind(prefix, namespace, override=False)
    try:
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", inplace=True)
    except ReportableRuntimeError as error:
        raise ShapesError(f"pyshacl refused the shapes: {error}") from None
    found = []
    # Only the report's own results: nested ones (sh:detail) explain a result, they are not
    # results of their own.
    for result in report.objects(None, SH.result):
        focus = report.value(result, SH.focusNode)
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        component = report.value(result, SH.sourceConstraintComponent)
        if focus is None or shape is None or component is None:
            continue
        iri = shape_id(shape)
        if iri not in model.by_id:
            continue
        path_node = report.value(result, SH.resultPath)
        path: Path_ | None = None
        if path_node is not None:
            try:
                path = read_path(report, path_node)
            except ShapesError:
                path = model.by_id[iri].path
        messages: tuple[tuple[str, str], ...] = ()
        constraint = report.value(result, SH.sourceConstraint)
        if constraint is not None:
            for c in model.by_id[iri].constraints:
                if isinstance(c, SparqlConstraint) and c.node == shape_id(constraint):
                    messages = tuple(sorted(c.message.items()))
        found.append(
            RawResult(
                focus=_store_term(focus),
                shape=iri,
                component=str(component),
                value=_store_term(value) if value is not None else None,
                path=path,
                detail=str(result),  # pyshacl's results are a multiset: keep each
                messages=messages,
                engine="pyshacl",
            )
        )
    return found


def declared_prefixes(graph: rdflib.Graph) -> list[tuple[str, str]]:
    """Every prefix the shapes graph declares (``sh:declare``) or binds."""
    found = [(str(p), str(n)) for p, n in graph.namespaces()]
    for declaration in graph.objects(None, SH.declare):
        prefix = graph.value(declaration, SH.prefix)
        namespace = graph.value(declaration, SH.namespace)
        if prefix is not None and namespace is not None:
            found.append((str(prefix), str(namespace)))
    return found


def meta_validate(shapes: rdflib.Graph) -> tuple[bool, str]:
    """Validate a shapes graph against the SHACL-SHACL shapes that pyshacl ships."""
    shacl_shacl = importlib_resources.files("pyshacl").joinpath("assets/shacl-shacl.ttl")
    meta = rdflib.Graph().parse(data=shacl_shacl.read_text(encoding="utf-8"), format="turtle")
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=meta, inference="none")
    return bool(conforms), str(text)
