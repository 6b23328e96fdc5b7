"""Publishing: the catalogue, the dumps, and the IRIs as Linked Data. The pages and answers are
tested on the app in this process; streaming and the clients that dereference IRIs themselves
(rdflib) on real servers."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCAT

from plangraph.data import datasets
from plangraph.importers import base, klass
from plangraph.namespaces import BASE
from plangraph.publish import catalog
from plangraph.store import PlanStore
from tests.publish.test_catalog import results
from tests.support.paths import ROOT, run_cli
from tests.support.server import Server, copy_of, in_process, serve

PLAN = BASE + "id/4601/plan-kommuneplan"
TABLE_1236 = ROOT / "data/saved/klass/correspondencetables-1236.csv"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def own(loaded_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server that publishes the data under its own address, over a fresh copy of the loaded
    store (the shared server's store gets graphs written over HTTP by other tests)."""
    store = copy_of(loaded_store_path, tmp_path_factory.mktemp("own-base"))
    with serve(store, own_base=True) as server:
        yield server


def _quads(body: bytes, fmt: ox.RdfFormat) -> list[ox.Quad]:
    return list(ox.parse(body, fmt))


def _rdflib(data: bytes, fmt: str) -> Graph:
    """Parse with rdflib, as a client would. rdflib's own JSON-LD parser builds a
    ConjunctiveGraph, which rdflib itself deprecates: that warning is rdflib's, not ours."""
    with warnings.catch_warnings():
        if fmt == "json-ld":
            warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=data, format=fmt)


# -- /catalog ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "fmt", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/n-triples", "application/n-triples", "nt"),
    ],
)
def test_the_catalogue_is_served_in_each_format(
    bergen_app: Server, accept: str, fmt: str, rdflib_format: str
) -> None:
    with bergen_app.client() as client:
        r = client.get("/catalog", headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == fmt
    assert r.headers["vary"] == "Accept"
    graph = _rdflib(r.content, rdflib_format)
    assert (URIRef(catalog.CATALOG_BASE), RDF.type, DCAT.Catalog) in graph


def test_the_served_catalogue_conforms_and_points_at_this_server(bergen_app: Server) -> None:
    with bergen_app.client() as client:
        r = client.get("/catalog", params={"format": "ttl"})
        graph = Graph().parse(data=r.text, format="turtle")
        assert [f for f in results(graph) if f[0] == "Violation"] == []
        downloads = {str(o) for o in graph.objects(None, DCAT.downloadURL)}
        assert f"{bergen_app.url}/dumps/bergen.ttl" in downloads
        assert {str(o) for o in graph.objects(None, DCAT.endpointURL)} == {
            bergen_app.url + "/sparql"
        }
        # Every distribution the catalogue names is really there.
        for url in sorted(downloads):
            assert url.startswith(bergen_app.url + "/")
            assert client.head(url).status_code == 200, url


def test_the_catalogue_refuses_what_it_cannot_write(bergen_app: Server) -> None:
    with bergen_app.client() as client:
        assert client.get("/catalog", headers={"Accept": "image/png"}).status_code == 406
        r = client.get("/catalog", params={"format": "pdf"})
    assert r.status_code == 406
    assert "format='pdf'" in r.text


def test_a_browser_gets_the_catalogue_as_a_page(bergen_app: Server) -> None:
    with bergen_app.client() as client:
        r = client.get("/catalog", headers={"Accept": BROWSER})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert 'href="dumps/bergen.ttl"' not in r.text  # absolute URLs, from the catalogue
    assert f'href="{bergen_app.url}/dumps/bergen.ttl"' in r.text


def test_the_command_writes_the_same_catalogue_as_the_server(own: Server, tmp_path: Path) -> None:
    """Same store, same public URL, same base: the same bytes (``own`` is never written to)."""
    with own.client() as client:
        served = client.get("/catalog", params={"format": "ttl"}).content
    assert f"<{own.url}/catalog>".encode() in served
    # The server holds its store open; the command reads a copy of it.
    store = copy_of(own.settings.store, tmp_path)
    out = tmp_path / "catalog.ttl"
    result = run_cli(
        "catalog",
        "--store",
        str(store),
        "--out",
        str(out),
        env={"PLANGRAPH_BASE_IRI": own.url + "/", "PLANGRAPH_PUBLIC_URL": own.url},
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == served


# -- /dumps -----------------------------------------------------------------------------------


def test_a_dump_is_the_datasets_graphs(bergen_app: Server) -> None:
    bergen_graphs = {
        iri for ds in datasets.default_datasets() if ds.id == "bergen" for iri, _ in ds.graphs()
    }
    with bergen_app.client() as client:
        nq = client.get("/dumps/bergen.nq")
        ttl = client.get("/dumps/bergen.ttl")
        count = client.post(
            "/sparql",
            data={
                "query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } VALUES ?g { "
                + " ".join(f"<{g}>" for g in sorted(bergen_graphs))
                + " } }"
            },
            headers={"Accept": "text/csv"},
        )
    assert nq.status_code == 200 and ttl.status_code == 200
    assert nq.headers["content-type"] == "application/n-quads"
    assert ttl.headers["content-type"] == "text/turtle; charset=utf-8"
    quads = _quads(nq.content, ox.RdfFormat.N_QUADS)
    assert {str(q.graph_name.value) for q in quads if isinstance(q.graph_name, ox.NamedNode)} == (
        bergen_graphs
    )
    assert len(quads) == int(count.text.split()[-1])
    triples = Graph().parse(data=ttl.text, format="turtle")
    assert (URIRef(PLAN), RDF.type, None) in triples
    assert len(triples) == len({q.triple for q in quads})


def test_dumps_have_validators_and_unknown_ones_are_404(own: Server) -> None:
    # A server whose graphs were all loaded from files: each has its load record (a graph
    # written over HTTP has none, and then a dump that holds it has no Last-Modified).
    with own.client() as client:
        head = client.head("/dumps/all.nq")
        assert head.status_code == 200
        etag = head.headers["etag"]
        assert head.headers["last-modified"].endswith("GMT")
        again = client.get("/dumps/all.nq", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert client.head("/dumps/all.ttl").headers["etag"] != etag
        assert client.head("/dumps/sdg.nq").headers["etag"] != etag
        missing = client.get("/dumps/nope.ttl")
        assert missing.status_code == 404
        assert "bergen" in missing.text  # it lists the datasets there are
        assert client.get("/dumps/bergen.csv").status_code == 404


def test_an_import_is_in_the_served_catalogue_and_dumps(
    loaded_store_path: Path, tmp_path: Path
) -> None:
    """An import (a saved real answer of KLASS) is a dataset of /catalog with its licence and
    source, and /dumps/import-klass.* holds its graph with its PROV-O record."""
    path = copy_of(loaded_store_path, tmp_path)
    store = PlanStore.open(path)
    try:
        base.run(klass.organisations_job(), store, saved=[TABLE_1236])
    finally:
        store.close()
    graph_iri = "https://w3id.org/plangraph/graph/import/klass/correspondence-1236"
    with in_process(path) as server, server.client() as client:
        served = client.get("/catalog", headers={"Accept": "text/turtle"})
        page = client.get("/catalog", headers={"Accept": BROWSER})
        nq = client.get("/dumps/import-klass.nq")
        ttl = client.get("/dumps/import-klass.ttl")
        missing = client.get("/dumps/import-ssb.ttl")
        # The catalogue is read once per store generation: a write makes it read again.
        dropped = client.delete("/store", params={"graph": graph_iri}, headers=server.auth())
        after = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert dropped.status_code == 204, dropped.text
    assert "import-klass" not in after.text and "dataset/bergen" in after.text
    assert served.status_code == 200
    cat = Graph().parse(data=served.text, format="turtle")
    dataset = URIRef(catalog.CATALOG_BASE + "/dataset/import-klass")
    assert (URIRef(catalog.CATALOG_BASE), DCAT.dataset, dataset) in cat
    assert (
        dataset,
        URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
        URIRef("https://data.ssb.no/api/klass/v1/correspondencetables/1236.csv"),
    ) in cat
    assert [f for f in results(cat) if f[0] == "Violation"] == []
    assert f'href="{server.url}/dumps/import-klass.ttl"' in page.text
    assert nq.status_code == 200 and ttl.status_code == 200
    quads = _quads(nq.content, ox.RdfFormat.N_QUADS)
    assert {q.graph_name for q in quads} == {ox.NamedNode(graph_iri)}
    assert (
        ox.Quad(
            ox.NamedNode(graph_iri),
            ox.NamedNode("http://purl.org/dc/terms/license"),
            ox.NamedNode("https://creativecommons.org/licenses/by/4.0/"),
            ox.NamedNode(graph_iri),
        )
        in quads
    )
    assert len(Graph().parse(data=ttl.text, format="turtle")) == len(quads)
    assert missing.status_code == 404  # no SSB import in this store
    assert "import-klass" in missing.text


def test_a_dump_streams_in_chunks(bergen: Server) -> None:
    """The whole store as N-Quads arrives in several chunks, and parses."""
    with bergen.client() as client, client.stream("GET", "/dumps/all.nq") as r:
        assert r.status_code == 200
        assert "content-length" not in r.headers
        chunks = list(r.iter_raw())
    body = b"".join(chunks)
    quads = _quads(body, ox.RdfFormat.N_QUADS)
    assert len(quads) > 10_000
    assert not any(str(q.graph_name).endswith("_meta>") for q in quads)  # no load records
    assert len([c for c in chunks if c]) > 1


# -- Linked Data ------------------------------------------------------------------------------


def test_an_rdf_client_gets_the_description_of_a_plan(bergen_app: Server) -> None:
    """With the default base, the server answers at /id/… for the canonical IRI."""
    with bergen_app.client() as client:
        ttl = client.get("/id/4601/plan-kommuneplan", headers={"Accept": "text/turtle"})
        jsonld = client.get("/id/4601/plan-kommuneplan", headers={"Accept": "application/ld+json"})
    assert ttl.status_code == 200
    assert ttl.headers["vary"] == "Accept"
    assert (
        '</id/4601/plan-kommuneplan?format=jsonld>; rel="alternate"; type="application/ld+json"'
        in ttl.headers["link"]
    )
    graph = Graph().parse(data=ttl.text, format="turtle", publicID=bergen_app.url)
    plan = URIRef(PLAN)
    assert (plan, RDF.type, None) in graph
    # The labels of what it points to come along.
    kinds = list(graph.objects(plan, URIRef(BASE + "ontology#planKind")))
    assert kinds and all(
        graph.value(k, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")) for k in kinds
    )
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert {q.triple for q in _quads(jsonld.content, ox.RdfFormat.JSON_LD)} == {
        q.triple for q in _quads(ttl.content, ox.RdfFormat.TURTLE)
    }


def test_blank_nodes_come_with_their_description(bergen_app: Server) -> None:
    with bergen_app.client() as client:
        r = client.get("/id/4601/plan-planstrategi-2019-2023", params={"format": "nt"})
    triples = [q.triple for q in _quads(r.content, ox.RdfFormat.N_TRIPLES)]
    blanks = {t.object for t in triples if isinstance(t.object, ox.BlankNode)}
    assert blanks
    described = {t.subject for t in triples}
    assert blanks <= described


def test_unknown_iris_are_404_and_paths_are_never_query_text(bergen_app: Server) -> None:
    with bergen_app.client() as client:
        assert client.get("/id/4601/plan-that-does-not-exist").status_code == 404
        assert client.head("/id/4601/plan-that-does-not-exist").status_code == 404
        hostile = "/id/4601/x%3E%20%3Fp%20%3Fo%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo"
        r = client.get(hostile, headers={"Accept": "text/turtle"})
        assert r.status_code == 404
        assert client.head("/id/4601/plan-kommuneplan").status_code == 200


def test_a_browser_gets_a_page_with_working_links(own: Server) -> None:
    with own.client() as client:
        r = client.get("/id/4601/plan-kommuneplan", headers={"Accept": BROWSER})
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/html")
        assert "?format=ttl" in r.text
        # A link to another resource of the register, on this server (not the page's own
        # twins: /id/4601/plan-kommuneplan.json, ?view=properties).
        links = [
            part.split('"', 1)[0]
            for part in r.text.split('href="')[1:]
            if (part.startswith("/id/4601/") or part.startswith("/concept/"))
            and not part.startswith("/id/4601/plan-kommuneplan")
        ]
        assert links
        target = client.get(links[0], headers={"Accept": BROWSER})
        assert target.status_code == 200
        assert "<h1>" in target.text


def test_a_local_server_serves_every_plan_at_its_iri(own: Server) -> None:
    """With the base set to the server's own address, rdflib dereferences a plan's IRI."""
    iri = own.url + "/id/4601/plan-kommuneplan"
    graph = Graph().parse(iri)
    subjects = set(graph.subjects())
    assert URIRef(iri) in subjects
    assert all(not str(s).startswith(BASE + "id/") for s in subjects)
    kind = graph.value(URIRef(iri), URIRef(own.url + "/ontology#planKind"))
    assert kind is not None and str(kind).startswith(own.url + "/concept/plan-kind/")
    # The concept it points to dereferences too.
    assert len(Graph().parse(str(kind))) > 0


def test_the_sparql_endpoint_agrees_with_the_published_iris(own: Server) -> None:
    iri = own.url + "/id/4601/plan-kommuneplan"
    query = f"SELECT ?kind WHERE {{ <{iri}> <{own.url}/ontology#planKind> ?kind }}"
    with own.client() as client:
        r = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
        assert r.status_code == 200
        rows = r.text.split()[1:]
        assert rows and all(row.startswith(own.url + "/concept/plan-kind/") for row in rows)
        construct = f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}"
        g = client.get("/sparql", params={"query": construct}, headers={"Accept": "text/turtle"})
        triples = Graph().parse(data=g.text, format="turtle")
        assert set(triples.subjects()) == {URIRef(iri)}
        as_json = client.get(
            "/sparql",
            params={"query": query},
            headers={"Accept": "application/sparql-results+json"},
        ).json()["results"]["bindings"]
        assert as_json and all(
            b["kind"]["value"].startswith(own.url + "/concept/plan-kind/") for b in as_json
        )
        plans = client.get(
            "/store",
            params={"graph": own.url + "/graph/bergen/plans"},
            headers={"Accept": "text/turtle"},
        )
        assert plans.status_code == 200
        assert (URIRef(iri), RDF.type, None) in Graph().parse(data=plans.text, format="turtle")
        # A graph's IRI leads to the graph.
        via_iri = client.get(
            "/graph/bergen/plans", headers={"Accept": "text/turtle"}, follow_redirects=True
        )
        assert via_iri.history and via_iri.history[0].status_code == 303
        assert via_iri.text == plans.text
        dump = client.get("/dumps/bergen.nq")
        assert f"<{iri}>".encode() in dump.content
        assert b"<https://w3id.org/plangraph/id/" not in dump.content
        cat = Graph().parse(data=client.get("/catalog?format=ttl").text, format="turtle")
        assert (URIRef(own.url + "/catalog"), RDF.type, DCAT.Catalog) in cat


def test_the_ontology_dereferences_with_its_terms(own: Server) -> None:
    with own.client() as client:
        page = client.get("/ontology", headers={"Accept": BROWSER})
        ttl = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert page.status_code == 200
    assert 'id="Plan"' in page.text  # /ontology#Plan scrolls to the term
    graph = Graph().parse(data=ttl.text, format="turtle")
    assert (URIRef(own.url + "/ontology#Plan"), RDF.type, None) in graph


def test_the_page_escapes_what_the_data_says(bergen_app: Server) -> None:
    """A label with markup is shown as text, never run."""
    evil = BASE + "id/4601/plan-evil"
    update = (
        "INSERT DATA { GRAPH <https://w3id.org/plangraph/graph/test-evil> { "
        f'<{evil}> <http://www.w3.org/2000/01/rdf-schema#label> "<script>alert(1)</script>" ; '
        f"<http://www.w3.org/2000/01/rdf-schema#seeAlso> <javascript:alert(2)> }} }}"
    )
    with bergen_app.client() as client:
        r = client.post("/sparql", data={"update": update}, headers=bergen_app.auth())
        assert r.status_code in (200, 204), r.text
        try:
            page = client.get("/id/4601/plan-evil", headers={"Accept": BROWSER})
            assert page.status_code == 200
            assert "<script>" not in page.text
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
            assert 'href="javascript:' not in page.text
        finally:
            client.delete(
                "/store",
                params={"graph": "https://w3id.org/plangraph/graph/test-evil"},
                headers=bergen_app.auth(),
            )


def test_rdflib_accept_header_gets_rdf(bergen: Server) -> None:
    """Whatever rdflib asks for, it gets RDF it can read (never the HTML page)."""
    graph = Graph().parse(bergen.url + "/id/4601/plan-kommuneplan")
    assert (URIRef(PLAN), RDF.type, None) in graph


def test_head_and_refusals_of_a_resource(bergen_app: Server) -> None:
    with bergen_app.client() as client:
        head = client.head("/catalog", headers={"Accept": "text/turtle"})
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-type"].startswith("text/turtle")
        refused = client.get("/id/4601/plan-kommuneplan", headers={"Accept": "image/png"})
        assert refused.status_code == 406
        assert "text/turtle" in refused.text  # it says what it can serve
        assert client.get("/concept/plan-kind/master-plan").status_code == 200
        law = client.get("/eli/lov/2008/06/27/71/section-10-1", headers={"Accept": "text/turtle"})
        assert law.status_code == 200 and "LegalResourceSubdivision" in law.text


def test_a_write_changes_the_etag_of_the_dumps_it_touches(bergen_app: Server) -> None:
    graph = "https://w3id.org/plangraph/graph/test-etag"
    with bergen_app.client() as client:
        before_all = client.head("/dumps/all.nq").headers["etag"]
        before_sdg = client.head("/dumps/sdg.nq").headers["etag"]
        put = client.put(
            "/store",
            params={"graph": graph},
            content=b"<http://x/a> <http://x/p> 1 .",
            headers={"Content-Type": "text/turtle", **bergen_app.auth()},
        )
        assert put.status_code == 201, put.text
        try:
            assert client.head("/dumps/all.nq").headers["etag"] != before_all
            assert client.head("/dumps/sdg.nq").headers["etag"] == before_sdg
        finally:
            client.delete("/store", params={"graph": graph}, headers=bergen_app.auth())
