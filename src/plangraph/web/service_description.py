"""The SPARQL 1.1 Service Description of the endpoint, with VoID statistics per graph.

What ``GET /sparql`` without a query answers (to a client that does not ask for HTML): what the
endpoint speaks, the formats it answers in, that the default graph is the union of all graphs
(``sd:UnionDefaultGraph``), and its dataset, with ``void:triples`` for the default graph and for
each named graph.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from plangraph import __version__
from plangraph.namespaces import BASE
from plangraph.rebase import Rebase
from plangraph.settings import Settings
from plangraph.web.engine.jobs import TripleCounts
from plangraph.web.negotiation import GRAPH_FORMATS, RESULT_FORMATS, Format

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT = "http://purl.org/dc/terms/"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

# The W3C's IRIs for the formats the endpoint answers in.
_FORMAT_IRIS = {
    "JSON": "SPARQL_Results_JSON",
    "XML": "SPARQL_Results_XML",
    "CSV": "SPARQL_Results_CSV",
    "TSV": "SPARQL_Results_TSV",
    "TURTLE": "Turtle",
    "N_TRIPLES": "N-Triples",
    "N_QUADS": "N-Quads",
    "TRIG": "TriG",
    "JSON_LD": "JSON-LD",
    "RDF_XML": "RDF_XML",
}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _count(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD_INTEGER)


def triples(url: str, settings: Settings, stats: TripleCounts | None) -> list[ox.Triple]:
    """The description of the endpoint at ``url``."""
    service = _n(url)
    a = _n(RDF_TYPE)
    out = [
        ox.Triple(service, a, _n(SD + "Service")),
        ox.Triple(service, _n(SD + "endpoint"), service),
        ox.Triple(service, _n(DCT + "title"), ox.Literal("plangraph SPARQL endpoint")),
        ox.Triple(
            service,
            _n(DCT + "description"),
            ox.Literal(
                "The knowledge graph of Norway's municipal plan system. The default graph is "
                f"the union of all named graphs. plangraph {__version__}.",
                language="en",
            ),
        ),
        ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        ox.Triple(service, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
        ox.Triple(
            service,
            _n(SD + "defaultEntailmentRegime"),
            _n("http://www.w3.org/ns/entailment/Simple"),
        ),
    ]
    if settings.update_token is not None:
        out.append(ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Update")))
    if settings.service_allowlist:
        out.append(ox.Triple(service, _n(SD + "feature"), _n(SD + "BasicFederatedQuery")))
    formats: list[Format] = [*RESULT_FORMATS, *GRAPH_FORMATS]
    out.extend(
        ox.Triple(service, _n(SD + "resultFormat"), _n(FORMATS + _FORMAT_IRIS[f.name]))
        for f in formats
    )
    if stats is None:
        return out
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("default")
    out += [
        ox.Triple(service, _n(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, a, _n(SD + "Dataset")),
        ox.Triple(dataset, _n(SD + "defaultGraph"), default),
        ox.Triple(default, a, _n(SD + "Graph")),
        ox.Triple(default, _n(VOID + "triples"), _count(stats.union)),
    ]
    rebase = Rebase(BASE, settings.base_iri)
    for i, (iri, n) in enumerate(sorted(stats.named.items())):
        named = ox.BlankNode(f"named{i}")
        graph = ox.BlankNode(f"graph{i}")
        out += [
            ox.Triple(dataset, _n(SD + "namedGraph"), named),
            ox.Triple(named, a, _n(SD + "NamedGraph")),
            ox.Triple(named, _n(SD + "name"), _n(rebase.to_public(iri))),
            ox.Triple(named, _n(SD + "graph"), graph),
            ox.Triple(graph, a, _n(SD + "Graph")),
            ox.Triple(graph, _n(VOID + "triples"), _count(n)),
        ]
    return out


def describe(url: str, settings: Settings, stats: TripleCounts | None, fmt: Format) -> bytes:
    """The description serialised in ``fmt``."""
    rdf_format = ox.RdfFormat.from_media_type(fmt.media_type)
    assert rdf_format is not None
    items: list[Any] = triples(url, settings, stats)
    if rdf_format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        items = [ox.Quad(t.subject, t.predicate, t.object) for t in items]
    prefixes = {"sd": SD, "void": VOID, "dct": DCT, "formats": FORMATS}
    return ox.serialize(items, format=rdf_format, prefixes=prefixes) or b""
