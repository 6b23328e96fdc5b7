"""The W3C SPARQL 1.1 Protocol and Graph Store Protocol test suites, run by plangraph's runner.

The runner reads the manifests in ``tests/w3c/`` (see its README) with rdflib: each test is a
list of HTTP requests (method, path, headers, body) with the response expected to each (status
codes, a boolean, a kind of format, a content type, a graph, a ``Location`` to reuse). It sends
them, byte for byte, with ``http.client`` to a real plangraph server on a free port of
127.0.0.1, over a store of its own.

Adaptations the manifests ask for or allow: paths starting ``/sparql/`` go to ``/sparql`` and
paths starting ``/gsp`` to ``/store`` (the manifests say to replace them with the endpoint's);
every request carries the update token (the manifests assume an endpoint open to writes,
plangraph's is read-only without it); before each test the store is emptied and the test's
``ut:graphData`` files are loaded, each into the graph its label names.
"""

from __future__ import annotations

import http.client
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.term import Node

from tests.support.server import TOKEN, Server, serve

W3C = Path(__file__).resolve().parent.parent / "w3c"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")

# What each expected status of the manifests admits.
STATUS = {
    HTS.StatusCode2xx: range(200, 300),
    HTS.StatusCode3xx: range(300, 400),
    HTS.StatusCode4xx: range(400, 500),
    HTS.OK: (200,),
    HTS.Created: (201,),
    HTS.NoContent: (204,),
    HTS.NotFound: (404,),
}
TABULAR = {
    "application/sparql-results+xml",
    "application/sparql-results+json",
    "text/csv",
    "text/tab-separated-values",
}
RDF_TYPES = {
    "application/rdf+xml": "xml",
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
}


@dataclass
class Expected:
    statuses: set[int]
    boolean: bool | None = None
    format: str | None = None
    location: str | None = None
    content_type: str | None = None
    body: str | None = None


@dataclass
class Request:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes | None
    expected: Expected


@dataclass
class Case:
    id: str
    name: str
    requests: list[Request]
    graph_data: list[tuple[Path, str]] = field(default_factory=list)


def _one(g: Graph, s: Node, p: URIRef) -> Node | None:
    return next(iter(g.objects(s, p)), None)


def _headers(g: Graph, node: Node | None) -> list[tuple[str, str]]:
    if node is None:
        return []
    return [
        (str(_one(g, h, HT.fieldName)), str(_one(g, h, HT.fieldValue))) for h in Collection(g, node)
    ]


def _expected(g: Graph, resp: Node) -> Expected:
    statuses: set[int] = set()
    for status in g.objects(resp, MF.expectedStatus):
        assert status in STATUS, f"the runner does not know the status {status}"
        statuses.update(STATUS[status])  # type: ignore[index]
    boolean = _one(g, resp, MF.expectedBoolean)
    fmt = _one(g, resp, MF.expectedFormat)
    location = _one(g, resp, MF.expectedLocation)
    content_type = dict(_headers(g, _one(g, resp, HT.headers))).get("content-type")
    body = _one(g, resp, HT.body)
    return Expected(
        statuses,
        boolean=bool(boolean.toPython()) if isinstance(boolean, Literal) else None,
        format=str(fmt) if fmt is not None else None,
        location=str(location) if location is not None else None,
        content_type=content_type,
        body=str(_one(g, body, CNT.chars)) if body is not None else None,
    )


def _request(g: Graph, node: Node) -> Request:
    body_node = _one(g, node, HT.body)
    body: bytes | None = None
    if body_node is not None:
        chars = str(_one(g, body_node, CNT.chars))
        encoding = str(_one(g, body_node, CNT.characterEncoding) or "UTF-8")
        body = chars.encode(encoding)
    resp = _one(g, node, HT.resp)
    assert resp is not None
    return Request(
        method=str(_one(g, node, HT.methodName)),
        path=str(_one(g, node, HT.absolutePath)),
        headers=_headers(g, _one(g, node, HT.headers)),
        body=body,
        expected=_expected(g, resp),
    )


def read_manifest(path: Path) -> Iterator[Case]:
    """The tests of a manifest, in its order, following ``mf:include``."""
    g = Graph()
    g.parse(path, format="turtle")
    manifest = URIRef(path.as_uri())
    for included in g.objects(manifest, MF.include):
        for item in Collection(g, included):
            yield from read_manifest(Path(urlsplit(str(item)).path))
    for entries in g.objects(manifest, MF.entries):
        for test in Collection(g, entries):
            assert isinstance(test, URIRef)
            action = _one(g, test, MF.action)
            requests_list = _one(g, action, HT.requests) if action is not None else None
            assert requests_list is not None, test
            graph_data = []
            for data in g.objects(test, UT.graphData):
                file = _one(g, data, UT.graph)
                label = _one(g, data, RDFS.label)
                graph_data.append((Path(urlsplit(str(file)).path), str(label)))
            yield Case(
                id=str(test).rsplit("#", 1)[-1],
                name=str(_one(g, test, MF.name)),
                requests=[_request(g, r) for r in Collection(g, requests_list)],
                graph_data=graph_data,
            )


PROTOCOL = list(read_manifest(W3C / "protocol" / "manifest.ttl"))
GRAPH_STORE = list(read_manifest(W3C / "graph-store-protocol" / "manifest.ttl"))


def test_the_manifests_hold_every_test() -> None:
    assert len(PROTOCOL) == 34
    assert len(GRAPH_STORE) == 13
    assert all(c.requests for c in PROTOCOL + GRAPH_STORE), "every test has at least one request"


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(tmp_path_factory.mktemp("w3c") / "store") as server:
        yield server


def _path(path: str) -> str:
    if path.startswith("/sparql/"):
        return "/sparql" + path[len("/sparql/") :]
    if path.startswith("/gsp"):
        return "/store" + path[len("/gsp") :]
    raise AssertionError(f"unexpected path {path}")


def _send(
    server: Server, method: str, path: str, headers: list[tuple[str, str]], body: bytes | None
) -> tuple[int, dict[str, str], bytes]:
    host = urlsplit(server.url)
    conn = http.client.HTTPConnection(host.hostname or "", host.port, timeout=60)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in [*headers, ("Authorization", f"Bearer {TOKEN}")]:
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        conn.close()


def _reset(server: Server, case: Case) -> None:
    status, _, body = _send(
        server,
        "POST",
        "/sparql",
        [("Content-Type", "application/sparql-update")],
        b"DROP SILENT ALL",
    )
    assert status == 204, body
    for file, graph in case.graph_data:
        path = "/store?graph=" + graph
        data = (W3C / "protocol" / file.name).read_bytes()
        status, _, body = _send(
            server, "PUT", path, [("Content-Type", "application/n-triples")], data
        )
        assert status in (200, 201, 204), body


def _media_type(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


def _boolean(content_type: str, body: bytes) -> bool:
    if content_type == "application/sparql-results+json":
        value: Any = json.loads(body)["boolean"]
        return bool(value)
    if content_type == "application/sparql-results+xml":
        root = ET.parse(io.BytesIO(body)).getroot()
        found = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
        assert found is not None
        return found.text == "true"
    raise AssertionError(f"a boolean came as {content_type}")


def _check(request: Request, status: int, headers: dict[str, str], body: bytes) -> None:
    expected = request.expected
    assert status in expected.statuses, (
        f"{request.method} {request.path}: status {status}, expected one of "
        f"{sorted(expected.statuses)}; body: {body[:300]!r}"
    )
    content_type = _media_type(headers.get("content-type"))
    if expected.format == "boolean":
        value = _boolean(content_type, body)
        if expected.boolean is not None:
            assert value == expected.boolean
    elif expected.format == "tabular":
        assert content_type in TABULAR, content_type
    elif expected.format == "RDF":
        assert content_type in RDF_TYPES, content_type
        Graph().parse(data=body, format=RDF_TYPES[content_type])
    if expected.content_type is not None:
        assert content_type == _media_type(expected.content_type)
        if "charset" in expected.content_type.lower():
            assert "charset=utf-8" in headers.get("content-type", "").lower().replace(" ", "")
    if expected.body is not None and request.method != "HEAD":
        assert content_type in RDF_TYPES, content_type
        got = Graph().parse(data=body, format=RDF_TYPES[content_type])
        want = Graph().parse(data=expected.body, format="turtle")
        assert isomorphic(got, want), got.serialize(format="turtle")


def run(server: Server, case: Case) -> None:
    _reset(server, case)
    templates: dict[str, str] = {}
    for request in case.requests:
        path = request.path
        for name, value in templates.items():
            path = path.replace(name, value)
        status, headers, body = _send(
            server, request.method, _path(path), request.headers, request.body
        )
        _check(request, status, headers, body)
        if request.expected.location is not None:
            assert "location" in headers, "a created graph must come with its Location"
            templates[request.expected.location] = headers["location"]


@pytest.mark.parametrize("case", PROTOCOL, ids=[c.id for c in PROTOCOL])
def test_protocol(w3c_server: Server, case: Case) -> None:
    run(w3c_server, case)


@pytest.mark.parametrize("case", GRAPH_STORE, ids=[c.id for c in GRAPH_STORE])
def test_graph_store_protocol(w3c_server: Server, case: Case) -> None:
    run(w3c_server, case)


def test_graph_data_is_loaded_where_the_labels_say(w3c_server: Server) -> None:
    """The runner's own preloading works (so a query test passes for the right reason)."""
    case = next(c for c in PROTOCOL if c.id == "query_dataset_full")
    _reset(w3c_server, case)
    status, _, body = _send(
        w3c_server,
        "GET",
        "/sparql?query=SELECT%20%3Fg%20%7B%20GRAPH%20%3Fg%20%7B%7D%20%7D",
        [("Accept", "application/sparql-results+json")],
        None,
    )
    assert status == 200
    graphs = {b["g"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert graphs == {label for _, label in case.graph_data}


def test_the_graph_of_a_test_node_is_rdf() -> None:
    # The manifests type every test; the runner relies on the entry lists, not on the types.
    g = Graph().parse(W3C / "protocol" / "manifest.ttl", format="turtle")
    assert len(set(g.subjects(RDF.type, MF.ProtocolTest))) == 34
