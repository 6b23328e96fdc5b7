"""The reference path: plain ``pyshacl.validate`` on the same data and shapes.

This is the only module of plangraph that imports pyshacl. pyshacl is the reference the fast path
is held to (a test compares the two on the shapes' own test suite); it is far slower, and it is
not thread-safe (it writes into the shapes graph), so it is never used by the web app.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources as importlib_resources
from typing import Any, ClassVar

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from plangraph.terms import to_oxigraph, to_rdflib
from plangraph.validation.engines.oxigraph import RawResult

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


class PreparedQueryGraph(rdflib.Graph):
    """An rdflib graph that parses each SPARQL query text once and keeps the parsed query.

    pyshacl runs a SHACL-SPARQL constraint by handing the same query text to ``query()`` once
    per focus node, and rdflib parses it every time: most of pyshacl's run time. Caching the
    parsed query changes nothing in what is evaluated (the bindings still vary per focus node).
    """

    _prepared: ClassVar[dict[str, Any]] = {}  # shared: a parsed query holds no data

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
            prepared = self._prepared.get(query_object)
            if prepared is None:
                prepared = prepareQuery(query_object)
                self._prepared[query_object] = prepared
            query_object = prepared
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def triple_of(t: ox.Triple | ox.Quad) -> tuple[Node, Node, Node]:
    """A pyoxigraph triple (or quad's triple) as an rdflib triple."""
    s, o = t.subject, t.object
    if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
        raise TypeError("RDF-star triples are not supported")
    return (to_rdflib(s), to_rdflib(t.predicate), to_rdflib(o))


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


def validate(data: rdflib.Graph, shapes: rdflib.Graph) -> list[RawResult]:
    """Run pyshacl plainly (no inference; Core and SHACL-SPARQL) and read its results."""
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", inplace=True)
    found = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        component = report.value(result, SH.sourceConstraintComponent)
        if focus is None or shape is None or component is None:
            continue
        found.append(
            RawResult(
                focus=to_oxigraph(focus),
                shape=str(shape),
                component=str(component),
                value=to_oxigraph(value) if value is not None else None,
            )
        )
    return found


def meta_validate(shapes: rdflib.Graph) -> tuple[bool, str]:
    """Validate a shapes graph against the SHACL-SHACL shapes that pyshacl ships."""
    shacl_shacl = importlib_resources.files("pyshacl").joinpath("assets/shacl-shacl.ttl")
    meta = rdflib.Graph().parse(data=shacl_shacl.read_text(encoding="utf-8"), format="turtle")
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=meta, inference="none")
    return bool(conforms), str(text)
