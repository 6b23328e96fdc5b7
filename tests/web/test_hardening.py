"""Hostile input and faults of issue 19, each against a real server on a real port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from plangraph.web.engine.query_text import MAX_CHAIN, MAX_NESTING
from tests.support.server import Server, copy_of, serve

P = "<http://example.org/p>"


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory, loaded_store_path: Path) -> Iterator[Server]:
    """A server of this module's own, so that the crash count it reports is this module's."""
    store = copy_of(loaded_store_path, tmp_path_factory.mktemp("hardening"))
    with serve(store) as server:
        yield server


def health(server: Server) -> dict[str, object]:
    r = httpx.get(server.url + "/health")
    assert r.status_code == 200, r.text
    answer: dict[str, object] = r.json()
    return answer


# Each past the depth or length where the engine's parser or planner overflowed its stack and
# the reader died (measured on pyoxigraph 0.5: 2,200 braces, 4,700 parentheses, 8,100 triple
# patterns, 9,000 UNION arms, 9,000 chained `+` or `/`).
DEEP_QUERIES = {
    "braces": ("SELECT * WHERE " + "{" * 2300 + "?s ?p ?o" + "}" * 2300, "nested too deeply"),
    "parentheses": (
        "SELECT * WHERE { ?s ?p ?o FILTER" + "(" * 4800 + "1" + ")" * 4800 + "}",
        "nested too deeply",
    ),
    "optional": (
        "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 1200 + "}" * 1200 + "}",
        "nested too deeply",
    ),
    "sub-select": (
        "SELECT * WHERE " + "{ SELECT * WHERE " * 1200 + "{ ?s ?p ?o }" + " }" * 1200,
        "nested too deeply",
    ),
    "list": ("ASK { ?s ?p " + "(" * 3000 + "1" + ")" * 3000 + " }", "nested too deeply"),
    "triple patterns": (
        "SELECT * WHERE { " + " ".join(f"?s {P} ?o{i} ." for i in range(8200)) + " }",
        "too long",
    ),
    "union": ("SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 9000) + " }", "too long"),
    "arithmetic": ("ASK { FILTER(" + " + ".join(["1"] * 9000) + ") }", "too long"),
    "path": ("ASK { ?s " + "/".join([P] * 9000) + " ?o }", "too long"),
}


@pytest.mark.parametrize("name", list(DEEP_QUERIES))
def test_deep_queries_are_refused_and_no_reader_dies(own: Server, name: str) -> None:
    query, problem = DEEP_QUERIES[name]
    before = health(own)
    r = httpx.post(own.sparql, data={"query": query, "lang": "en"}, timeout=60)
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert problem in r.text
    after = health(own)
    assert after["crashes"] == before["crashes"] == 0
    assert after["readers"] == before["readers"]


def test_deep_updates_are_refused(own: Server) -> None:
    deep = "INSERT { ?s ?p ?o } WHERE " + "{" * 2300 + "?s ?p ?o" + "}" * 2300
    long = "DELETE WHERE { " + " ".join(f"?s {P} ?o{i} ." for i in range(9000)) + " }"
    for update, problem in ((deep, "nested too deeply"), (long, "too long")):
        r = httpx.post(
            own.sparql, data={"update": update, "lang": "en"}, headers=own.auth(), timeout=60
        )
        assert r.status_code == 400, (r.status_code, r.text[:300])
        assert problem in r.text
    assert health(own)["crashes"] == 0


def test_queries_within_the_bounds_still_run(own: Server) -> None:
    nested = "ASK WHERE " + "{" * (MAX_NESTING - 1) + "?s ?p ?o" + "}" * (MAX_NESTING - 1)
    r = httpx.post(own.sparql, data={"query": nested}, timeout=60)
    assert r.status_code == 200, r.text[:300]
    # A large flat INSERT DATA is no chain of joins: not counted against the bound.
    data = " ".join(f"<http://example.org/s> {P} {i} ." for i in range(MAX_CHAIN * 2))
    graph = "http://example.org/hardening/data"
    r = httpx.post(
        own.sparql,
        data={"update": f"INSERT DATA {{ GRAPH <{graph}> {{ {data} }} }}"},
        headers=own.auth(),
        timeout=60,
    )
    assert r.status_code == 204, r.text[:300]
    r = httpx.post(
        own.sparql, data={"update": f"DROP GRAPH <{graph}>"}, headers=own.auth(), timeout=60
    )
    assert r.status_code == 204, r.text[:300]


def entity_bomb(levels: int = 7) -> bytes:
    """RDF/XML whose one literal is ten entities of ten entities … ``levels`` deep: 10^levels
    copies of a short string (7 levels: 30 MB from some 600 bytes, as in issue 19)."""
    entities = ['<!ENTITY e0 "lol">']
    for level in range(1, levels + 1):
        entities.append(f'<!ENTITY e{level} "{f"&e{level - 1};" * 10}">')
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        + "\n".join(entities)
        + '\n]>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="http://example.org/">'
        f'<rdf:Description rdf:about="http://example.org/s"><ex:p>&e{levels};</ex:p>'
        "</rdf:Description></rdf:RDF>"
    ).encode()


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_store_refuses_rdf_xml_entities(own: Server, method: str) -> None:
    bomb = entity_bomb()
    assert len(bomb) < 700
    graph = f"http://example.org/hardening/bomb-{method.lower()}"
    with own.client() as client:
        r = client.request(
            method,
            "/store",
            params={"graph": graph},
            content=bomb,
            headers={**own.auth(), "Content-Type": "application/rdf+xml"},
        )
        assert r.status_code == 400, (r.status_code, r.text[:300])
        assert "DOCTYPE" in r.text
        # Nothing was stored.
        assert client.get("/store", params={"graph": graph}).status_code == 404
        # A part of a multipart body is refused the same way.
        r = client.request(
            method,
            "/store",
            params={"graph": graph},
            files={"file": ("bomb.rdf", bomb, "application/rdf+xml")},
            headers=own.auth(),
        )
        assert r.status_code == 400, (r.status_code, r.text[:300])
        assert "'bomb.rdf'" in r.text and "DOCTYPE" in r.text
        assert client.get("/store", params={"graph": graph}).status_code == 404
        # The same RDF/XML without a DOCTYPE is stored.
        plain = (
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/s">'
            "<ex:p>lol</ex:p></rdf:Description></rdf:RDF>"
        )
        r = client.request(
            method,
            "/store",
            params={"graph": graph},
            content=plain,
            headers={**own.auth(), "Content-Type": "application/rdf+xml"},
        )
        assert r.status_code in (201, 204), r.text
        assert client.delete("/store", params={"graph": graph}, headers=own.auth()).is_success


def test_dump_of_an_import_named_outside_latin1(own: Server) -> None:
    source = "kart€中"
    graph = f"https://w3id.org/plangraph/graph/import/{source}/one"
    turtle = "<http://example.org/s> <http://example.org/p> 1 ."
    with own.client() as client:
        r = client.put(
            "/store",
            params={"graph": graph},
            content=turtle,
            headers={**own.auth(), "Content-Type": "text/turtle"},
        )
        assert r.is_success, r.text
        try:
            for method in ("HEAD", "GET"):
                r = client.request(method, f"/dumps/import-{source}.ttl")
                assert r.status_code == 200, r.text[:300]
                disposition = r.headers["content-disposition"]
                assert disposition == (
                    'inline; filename="plangraph-import-kart__.ttl"; '
                    "filename*=UTF-8''plangraph-import-kart%E2%82%AC%E4%B8%AD.ttl"
                )
            assert "http://example.org/s" in r.text
            # A Latin-1 name keeps its one plain filename.
            r = client.head("/dumps/bergen.ttl")
            assert r.headers["content-disposition"] == 'inline; filename="plangraph-bergen.ttl"'
        finally:
            client.delete("/store", params={"graph": graph}, headers=own.auth())
