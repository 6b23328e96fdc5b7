"""Real clients against a real server over Bergen's register: SPARQLWrapper, rdflib's
SPARQLStore and plain HTTP (as curl), with correct answers in every format."""

from __future__ import annotations

import csv
import io
import json
import warnings
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

from plangraph.namespaces import PG, PREFIXES, sparql_prologue
from plangraph.store import PlanStore
from tests.support.server import TOKEN, Server

PLANS = (
    sparql_prologue()
    + "SELECT ?plan ?title WHERE { ?plan pg:planKind ?kind ; dct:title ?title "
    + 'FILTER(LANG(?title) = "nb") } ORDER BY ?plan ?title'
)
PLAN_GRAPH = (
    sparql_prologue()
    + "CONSTRUCT { ?plan pg:planKind ?kind ; dct:title ?title } WHERE { "
    + "?plan pg:planKind ?kind ; dct:title ?title }"
)


@pytest.fixture(scope="module")
def truth(loaded_store_path: Path) -> dict[str, Any]:
    """The answers pyoxigraph gives in process, on the same data, to compare with."""
    store = PlanStore.open(loaded_store_path)
    try:
        rows = store.raw.query(PLANS, use_default_graph_as_union=True)
        assert isinstance(rows, ox.QuerySolutions)
        plans = [(r["plan"].value, r["title"].value) for r in rows]  # type: ignore[union-attr]
        triples = store.raw.query(PLAN_GRAPH, use_default_graph_as_union=True)
        graph = Graph()
        for t in triples:  # type: ignore[union-attr]
            graph.add((URIRef(t.subject.value), URIRef(t.predicate.value), _term(t.object)))
        counts = {g.iri: g.triples for g in store.graphs()}
    finally:
        store.close()
    assert len(plans) > 20
    return {"plans": plans, "graph": graph, "counts": counts}


def to_graph(data: bytes, media_type: str) -> Graph:
    """An rdflib graph of an answer in any RDF format, read by pyoxigraph (rdflib's own JSON-LD
    reader warns of its deprecations), the triples of every graph merged."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    assert fmt is not None, media_type
    triples = [q.triple for q in ox.parse(data, fmt)]
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=nt.decode(), format="nt")


def _term(term: Any) -> Any:
    if isinstance(term, ox.Literal):
        return Literal(
            term.value,
            lang=term.language,
            datatype=None if term.language else URIRef(term.datatype.value),
        )
    return URIRef(term.value)


# -- SPARQLWrapper ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", POST, POSTDIRECTLY])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(bergen: Server, truth: dict[str, Any], method: str, fmt: str) -> None:
    sw = SPARQLWrapper(bergen.sparql)
    sw.setQuery(PLANS)
    sw.setReturnFormat(fmt)
    if method == POSTDIRECTLY:
        sw.setMethod(POST)
        sw.setRequestMethod(POSTDIRECTLY)
    elif method == POST:
        sw.setMethod(POST)
    result = sw.query()
    body = result.response.read()
    assert _rows(fmt, body) == truth["plans"]


def _rows(fmt: str, body: bytes) -> list[tuple[str, str]]:
    if fmt == CSV:
        table = list(csv.reader(io.StringIO(body.decode())))
        assert table[0] == ["plan", "title"]
        return [(r[0], r[1]) for r in table[1:]]
    engine = {JSON: "JSON", XML: "XML", TSV: "TSV"}[fmt]
    parsed = ox.parse_query_results(body, getattr(ox.QueryResultsFormat, engine))
    assert isinstance(parsed, ox.QuerySolutions)
    return [(r["plan"].value, r["title"].value) for r in parsed]  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(bergen: Server, fmt: str) -> None:
    sw = SPARQLWrapper(bergen.sparql)
    sw.setReturnFormat(fmt)
    for query, expected in [
        (f"ASK {{ ?x a <{PG}Municipality> }}", True),
        (f"ASK {{ ?x a <{PG}NoSuchClass> }}", False),
    ]:
        sw.setQuery(query)
        converted = sw.queryAndConvert()
        if fmt == JSON:
            assert isinstance(converted, dict) and converted["boolean"] is expected
        else:
            text = converted.toxml()  # type: ignore[union-attr]
            assert f"<boolean>{str(expected).lower()}</boolean>" in text


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD, XML])
def test_sparqlwrapper_construct(bergen: Server, truth: dict[str, Any], fmt: str) -> None:
    sw = SPARQLWrapper(bergen.sparql)
    sw.setQuery(PLAN_GRAPH)
    sw.setReturnFormat(fmt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SPARQLWrapper warns about its own format guesses
        result = sw.query()
        content_type = result.response.headers["Content-Type"].split(";")[0]
        body = result.response.read()
    assert isomorphic(to_graph(body, content_type), truth["graph"])


def test_sparqlwrapper_update_with_the_token(bergen: Server) -> None:
    sw = SPARQLWrapper(bergen.sparql, updateEndpoint=bergen.sparql)
    sw.setMethod(POST)
    sw.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    sw.setQuery(
        "INSERT DATA { GRAPH <http://example.org/sw> { <http://example.org/a> <http://example.org/b> 'c' } }"
    )
    assert sw.query().response.status == 204
    sw = SPARQLWrapper(bergen.sparql)
    sw.setQuery("ASK { GRAPH <http://example.org/sw> { ?s ?p 'c' } }")
    sw.setReturnFormat(JSON)
    assert sw.queryAndConvert()["boolean"] is True  # type: ignore[index]
    httpx.delete(
        bergen.url + "/store", params={"graph": "http://example.org/sw"}, headers=bergen.auth()
    )


# -- rdflib ---------------------------------------------------------------------------------------


def test_rdflib_sparqlstore(bergen: Server, truth: dict[str, Any]) -> None:
    store = SPARQLStore(bergen.sparql, returnFormat="xml")
    graph = Graph(store=store)
    rows = [(str(r[0]), str(r[1])) for r in graph.query(PLANS)]  # type: ignore[index]
    assert rows == truth["plans"]
    assert graph.query(f"ASK {{ ?x a <{PG}Municipality> }}").askAnswer is True
    constructed = graph.query(PLAN_GRAPH).graph
    assert constructed is not None and isomorphic(constructed, truth["graph"])
    json_store = SPARQLStore(bergen.sparql, returnFormat="json", method="POST")
    assert [(str(r[0]), str(r[1])) for r in Graph(store=json_store).query(PLANS)] == truth["plans"]  # type: ignore[index]


def test_rdflib_sparqlupdatestore_with_the_token(bergen: Server) -> None:
    store = SPARQLUpdateStore(
        bergen.sparql, bergen.sparql, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    graph = Graph(store=store, identifier=URIRef("http://example.org/rdflib"))
    graph.add((URIRef("http://example.org/s"), URIRef("http://example.org/p"), Literal("o")))
    assert (None, None, Literal("o")) in graph
    graph.remove((None, None, None))
    assert len(list(graph.triples((None, None, None)))) == 0


# -- plain HTTP, every format ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "parse"),
    [
        ("application/sparql-results+json", "JSON"),
        ("application/sparql-results+xml", "XML"),
        ("text/tab-separated-values", "TSV"),
        ("application/json", "JSON"),
        ("text/csv", "CSV"),
    ],
)
def test_http_select_every_format(
    bergen: Server, truth: dict[str, Any], accept: str, parse: str
) -> None:
    r = httpx.get(bergen.sparql, params={"query": PLANS}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == (
        accept if accept != "application/json" else "application/sparql-results+json"
    )
    if parse == "CSV":
        assert _rows(CSV, r.content) == truth["plans"]
    else:
        parsed = ox.parse_query_results(r.content, getattr(ox.QueryResultsFormat, parse))
        assert [(s["plan"].value, s["title"].value) for s in parsed] == truth["plans"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("turtle", "text/turtle"),
        ("nt", "application/n-triples"),
        ("nq", "application/n-quads"),
        ("trig", "application/trig"),
        ("jsonld", "application/ld+json"),
        ("rdfxml", "application/rdf+xml"),
    ],
)
def test_http_construct_every_format(
    bergen: Server, truth: dict[str, Any], fmt: str, media_type: str
) -> None:
    by_param = httpx.get(bergen.sparql, params={"query": PLAN_GRAPH, "format": fmt})
    by_accept = httpx.post(
        bergen.sparql,
        content=PLAN_GRAPH,
        headers={"Content-Type": "application/sparql-query", "Accept": media_type},
    )
    for r in (by_param, by_accept):
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].split(";")[0] == media_type
        assert isomorphic(to_graph(r.content, media_type), truth["graph"])


def test_describe_and_ask_by_http(bergen: Server) -> None:
    bk = PREFIXES["bk"]
    r = httpx.get(bergen.sparql, params={"query": f"DESCRIBE <{bk}kommune>"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    r = httpx.get(bergen.sparql, params={"query": "ASK {}"}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.text.strip() == "true"


def test_the_default_graph_is_the_union_unless_the_request_says_otherwise(
    bergen: Server, truth: dict[str, Any]
) -> None:
    plans_graph = "https://w3id.org/plangraph/graph/bergen/plans"
    query = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"

    def n(**params: Any) -> int:
        r = httpx.get(
            bergen.sparql, params={"query": query, **params}, headers={"Accept": "text/csv"}
        )
        assert r.status_code == 200, r.text
        return int(r.text.splitlines()[1])

    assert (
        n() >= sum(truth["counts"].values()) - 5
    )  # the union (a triple in two graphs counts once)
    assert n(**{"default-graph-uri": plans_graph}) == truth["counts"][plans_graph]
    assert n(**{"named-graph-uri": plans_graph}) == 0  # named graphs only: empty default graph
    r = httpx.get(
        bergen.sparql,
        params={"query": f"SELECT (COUNT(*) AS ?n) FROM <{plans_graph}> {{ ?s ?p ?o }}"},
        headers={"Accept": "text/csv"},
    )
    assert int(r.text.splitlines()[1]) == truth["counts"][plans_graph]


# -- errors: 400, 406, 415 ------------------------------------------------------------------------


def test_what_cannot_be_served_is_406_and_what_cannot_be_read_is_415(bergen: Server) -> None:
    r = httpx.get(bergen.sparql, params={"query": "SELECT * {}"}, headers={"Accept": "text/turtle"})
    assert r.status_code == 406 and "application/sparql-results+json" in r.text
    r = httpx.get(
        bergen.sparql, params={"query": "CONSTRUCT WHERE {}"}, headers={"Accept": "text/csv"}
    )
    assert r.status_code == 406
    r = httpx.get(bergen.sparql, params={"query": "SELECT * {}", "format": "pdf"})
    assert r.status_code == 406
    r = httpx.post(bergen.sparql, content="SELECT * {}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = httpx.put(
        bergen.url + "/store",
        params={"graph": "http://example.org/x"},
        content=b"%PDF",
        headers={"Content-Type": "application/pdf", **bergen.auth()},
    )
    assert r.status_code == 415
    r = httpx.get(bergen.sparql, params={"query": "SELECT * {"})
    assert r.status_code == 400 and r.text.startswith("Feil 400: syntaksfeil på linje 1")
    r = httpx.get(bergen.sparql, params={"query": "SELECT * {}", "default-graph-uri": "not an iri"})
    assert r.status_code == 400


# -- Graph Store Protocol -------------------------------------------------------------------------


TURTLE_DOC = "@prefix ex: <http://example.org/> . ex:a ex:b ex:c ; ex:d [ ex:e 'f'@nb ] ."


@pytest.mark.parametrize(
    "content_type",
    ["text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"],
)
def test_graph_store_round_trip(bergen: Server, content_type: str) -> None:
    doc = to_graph(TURTLE_DOC.encode(), "text/turtle")
    fmt = ox.RdfFormat.from_media_type(content_type)
    assert fmt is not None
    body = ox.serialize(ox.parse(TURTLE_DOC.encode(), ox.RdfFormat.TURTLE), format=fmt)
    graph = f"http://example.org/gsp/{fmt.file_extension}"
    with bergen.client() as client:
        r = client.put(
            "/store",
            params={"graph": graph},
            content=body,
            headers={"Content-Type": content_type, **bergen.auth()},
        )
        assert r.status_code == 201, r.text
        r = client.put(
            "/store",
            params={"graph": graph},
            content=body,
            headers={"Content-Type": content_type, **bergen.auth()},
        )
        assert r.status_code == 204
        r = client.get("/store", params={"graph": graph}, headers={"Accept": content_type})
        assert r.status_code == 200
        assert isomorphic(to_graph(r.content, content_type), doc)
        assert client.head("/store", params={"graph": graph}).status_code == 200
        assert (
            client.delete("/store", params={"graph": graph}, headers=bergen.auth()).status_code
            == 204
        )
        assert client.get("/store", params={"graph": graph}).status_code == 404
        assert (
            client.delete("/store", params={"graph": graph}, headers=bergen.auth()).status_code
            == 404
        )


def test_graph_store_post_creates_a_graph_and_says_where(bergen: Server) -> None:
    with bergen.client() as client:
        r = client.post(
            "/store", content=TURTLE_DOC, headers={"Content-Type": "text/turtle", **bergen.auth()}
        )
        assert r.status_code == 201
        location = r.headers["location"]
        assert location.startswith("https://w3id.org/plangraph/graph/store/")
        r = client.get(
            "/store", params={"graph": location}, headers={"Accept": "application/n-triples"}
        )
        assert r.status_code == 200 and r.text.count("\n") == 3
        client.delete("/store", params={"graph": location}, headers=bergen.auth())


def test_a_graph_written_over_http_loses_its_load_record(bergen: Server) -> None:
    """So that `plangraph load` reloads the file instead of skipping it as unchanged."""
    graph = "https://w3id.org/plangraph/graph/bergen/organisation"
    meta = "https://w3id.org/plangraph/graph/_meta"
    ask = f"ASK {{ GRAPH <{meta}> {{ <{graph}> <{PG}sha256> ?sha }} }}"
    with bergen.client() as client:
        assert client.get("/sparql", params={"query": ask}).json()["boolean"] is True
        original = client.get(
            "/store", params={"graph": graph}, headers={"Accept": "application/n-triples"}
        ).content
        r = client.post(
            "/store",
            params={"graph": graph},
            content='<http://example.org/x> <http://example.org/y> "1" .',
            headers={"Content-Type": "application/n-triples", **bergen.auth()},
        )
        assert r.status_code == 204
        assert client.get("/sparql", params={"query": ask}).json()["boolean"] is False
        r = client.put(
            "/store",
            params={"graph": graph},
            content=original,
            headers={"Content-Type": "application/n-triples", **bergen.auth()},
        )
        assert r.status_code == 204


# -- the service description and the browser page ------------------------------------------------


@pytest.mark.parametrize(
    "accept", ["text/turtle", "application/rdf+xml", "application/ld+json", "*/*", ""]
)
def test_service_description(bergen: Server, truth: dict[str, Any], accept: str) -> None:
    r = httpx.get(bergen.sparql, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    g = to_graph(r.content, r.headers["content-type"].split(";")[0])
    sd = "http://www.w3.org/ns/sparql-service-description#"
    void = "http://rdfs.org/ns/void#"
    service = URIRef(bergen.sparql)
    assert (service, URIRef(sd + "endpoint"), service) in g  # the W3C's has-endpoint-triple
    assert (service, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in g
    counted = {
        str(name): int(n)  # type: ignore[call-overload]
        for name, n in g.query(
            f"SELECT ?name ?n {{ ?ng <{sd}name> ?name ; <{sd}graph>/<{void}triples> ?n }}"
        )
    }
    for iri, n in truth["counts"].items():
        assert counted[iri] == n


def test_a_browser_gets_yasgui_for_this_endpoint_offline(bergen: Server) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = httpx.get(bergen.sparql, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert '<script src="/static/yasgui/yasgui.min.js' in page
    assert json.dumps(bergen.sparql)[1:-1] in page
    assert "PREFIX pg: \\u003chttps://w3id.org/plangraph/ontology#\\u003e" in page
    for tag in ("<script src=", '<link rel="stylesheet" href='):
        for part in page.split(tag)[1:]:
            assert part.startswith('"/static/'), "everything the page loads comes from this server"
    for asset in ("yasgui.min.js", "yasgui.min.css"):
        got = httpx.get(bergen.url + f"/static/yasgui/{asset}")
        assert got.status_code == 200 and len(got.content) > 50_000
