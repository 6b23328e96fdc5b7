"""The guard that keeps SERVICE and LOAD from the engine, and the rest of what the endpoint
reads from a request's text: tested against pyoxigraph itself.

Every "refused" case below is first run by pyoxigraph against a local listener, to show that
the engine really makes a request for it (so the case is a real way in, not a guess); then the
guard must refuse it. Every "allowed" case must pass the guard and run in the engine without a
request.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from plangraph.web.engine import query_text as sparql_text
from plangraph.web.engine.query_text import SparqlRefused


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it gets and closes them."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self.sock.close()
        self._thread.join(5)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


# {E} is the listener's URL, {P} its port. Each of these makes pyoxigraph 0.5 call {E}.
REFUSED = {
    "plain": "SELECT * { SERVICE <{E}> { ?s ?p ?o } }",
    "lower case, glued to the IRI": "SELECT * { service<{E}>{} }",
    "silent": "SELECT * { SERVICE SILENT <{E}> {} }",
    "glued SILENT": "SELECT * { SERVICESILENT<{E}> {} }",
    "empty prefix glued": "PREFIX : <{E}> SELECT * { SERVICE:ep { ?s ?p ?o } }",
    "prefixed name glued": "PREFIX ex: <{E}> SELECT * { SERVICEex:ep { ?s ?p ?o } }",
    "after a variable and a dot": "SELECT * { ?s ?p ?o.SERVICE <{E}> { ?a ?b ?c } }",
    "after true and a dot": "SELECT * { ?x ?y true.SERVICE <{E}> {} }",
    "after an integer and a dot": "SELECT * { ?x ?y 1.SERVICE <{E}> {} }",
    "glued to an integer": "SELECT * { ?x ?y 1SERVICE <{E}> {} }",
    "glued to a decimal": "SELECT * { ?x ?y 1.5SERVICE <{E}> {} }",
    "glued to a double": "SELECT * { ?x ?y 1e5SERVICE <{E}> {} }",
    "after a prefix and a dot": "PREFIX ex: <http://x/> SELECT * { ?x ?y ex:.SERVICE <{E}> {} }",
    "after a string": 'SELECT * { ?x ?y "x"SERVICE <{E}> {} }',
    "after a language tag and a dot": 'SELECT * { ?x ?y "x"@en.SERVICE <{E}> {} }',
    "after an IRI and a dot": "SELECT * { ?x a<http://x>.SERVICE<{E}>{} }",
    "after brackets": "SELECT * { ?x ?y []SERVICE <{E}> {} }",
    "after a filter": "SELECT * { ?x ?y ?z FILTER(true)SERVICE <{E}> {} }",
    "comment between keyword and IRI": "SELECT * {SERVICE#comment\n<{E}> {}}",
    "escaped IRI": "SELECT * { SERVICE <http://127.0.0.1:{P}/\\u0041> {} }",
    "inside FILTER EXISTS": "SELECT * { FILTER EXISTS { SERVICE <{E}> {} } }",
    "in ASK": "ASK { SERVICE <{E}> {} }",
    "after a comment holding a quote": "SELECT * { # it's\n SERVICE <{E}> {} }",
    "after a string holding a hash": "SELECT * { ?x ?y '#' . SERVICE <{E}> {} }",
    "after a local name with an escaped hash": (
        "PREFIX ex: <http://x/> SELECT * { ?x ?y ex:a\\# . SERVICE <{E}> {} }"
    ),
    "after a long string with quotes": (
        "SELECT * { ?x ?y '''it's ''quoted'' ok''' . SERVICE <{E}> {} }"
    ),
    "after an IRI holding a hash": "SELECT * { ?x ?y <http://x/#a> . SERVICE <{E}> {} }",
}

REFUSED_UPDATES = {
    "LOAD": "LOAD <{E}>",
    "LOAD glued": "LOAD<{E}>",
    "LOAD SILENT glued": "LOADSILENT<{E}>",
    "LOAD with a prefixed name": "PREFIX : <{E}> LOAD:x",
    "LOAD after another operation": "CLEAR DEFAULT ; LOAD <{E}>",
    "SERVICE in an update": "INSERT { ?s ?p ?o } WHERE { SERVICE <{E}> { ?s ?p ?o } }",
}

ALLOWED = {
    "a local name holding 'service'": "PREFIX ex: <http://x/> SELECT * { ?s ex:hasService ?o }",
    "a local name starting 'service'": ("PREFIX ex: <http://x/> SELECT * { ?s ex:serviceType ?o }"),
    "a variable": "SELECT ?service { ?service ?p ?o }",
    "a string": 'SELECT * { ?s ?p "SERVICE <http://x/> {}" }',
    "a long string": "SELECT * { ?s ?p '''\nSERVICE <http://x/> {}\n''' }",
    "an IRI": "SELECT * { ?s ?p <http://x/SERVICE> }",
    "a comment": "SELECT * { ?s ?p ?o } # SERVICE <http://x/> {}",
    "a language tag": 'SELECT * { ?s ?p "x"@service }',
}

ALLOWED_UPDATES = {
    "the load record property": (
        "PREFIX pg: <https://w3id.org/plangraph/ontology#> "
        "DELETE WHERE { GRAPH ?g { ?x pg:loadedFrom ?f } }"
    ),
    "a string": "INSERT DATA { <http://x/a> <http://x/b> 'LOAD <http://x/>' }",
}


def _fill(template: str, listener: Listener) -> str:
    url = f"http://127.0.0.1:{listener.port}/"
    return template.replace("{E}", url).replace("{P}", str(listener.port))


def _engine_calls(text: str, listener: Listener, *, update: bool = False) -> int:
    store = ox.Store()
    store.update("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }")
    before = listener.connections
    try:
        if update:
            store.update(text)
        else:
            result = store.query(text)
            if not isinstance(result, ox.QueryBoolean):
                list(result)
    except (OSError, SyntaxError, RuntimeError, ValueError):
        pass
    # The engine has connected (or not) by now; the listener counts on its own thread, so give
    # it a moment to see the connection.
    for _ in range(20):
        if listener.connections > before:
            break
        threading.Event().wait(0.005)
    return listener.connections - before


@pytest.mark.parametrize("template", REFUSED.values(), ids=REFUSED.keys())
def test_the_engine_calls_out_and_the_guard_refuses(template: str, listener: Listener) -> None:
    text = _fill(template, listener)
    assert _engine_calls(text, listener) >= 1, "pyoxigraph no longer runs this; update the case"
    with pytest.raises(SparqlRefused, match="SERVICE"):
        sparql_text.check_query(text, frozenset())


@pytest.mark.parametrize("template", REFUSED_UPDATES.values(), ids=REFUSED_UPDATES.keys())
def test_the_engine_fetches_and_the_guard_refuses(template: str, listener: Listener) -> None:
    text = _fill(template, listener)
    assert _engine_calls(text, listener, update=True) >= 1
    with pytest.raises(SparqlRefused):
        sparql_text.check_update(text, frozenset())


@pytest.mark.parametrize("text", ALLOWED.values(), ids=ALLOWED.keys())
def test_service_in_a_name_string_iri_or_comment_is_no_service(
    text: str, listener: Listener
) -> None:
    sparql_text.check_query(text, frozenset())
    assert _engine_calls(text, listener) == 0


@pytest.mark.parametrize("text", ALLOWED_UPDATES.values(), ids=ALLOWED_UPDATES.keys())
def test_load_in_a_name_or_string_is_no_load(text: str) -> None:
    sparql_text.check_update(text, frozenset())


def test_an_allowed_endpoint_passes_by_iri_or_prefixed_name() -> None:
    allow = frozenset({"https://query.example/sparql"})
    sparql_text.check_query("SELECT * { SERVICE <https://query.example/sparql> {} }", allow)
    sparql_text.check_query(
        "PREFIX q: <https://query.example/> SELECT * { SERVICE SILENT q:sparql {} }", allow
    )
    with pytest.raises(SparqlRefused, match="not allowed"):
        sparql_text.check_query("SELECT * { SERVICE <https://other.example/sparql> {} }", allow)
    with pytest.raises(SparqlRefused, match="not allowed"):
        sparql_text.check_query("SELECT * { BIND(<x:y> AS ?e) SERVICE ?e {} }", allow)
    with pytest.raises(SparqlRefused, match="not allowed"):
        # Glued forms are refused even for an allowed endpoint: the guard reads only plain ones.
        sparql_text.check_query("SELECT * { SERVICESILENT<https://query.example/sparql>{} }", allow)


def test_codepoint_escapes_outside_strings_are_refused() -> None:
    with pytest.raises(SparqlRefused, match="escapes"):
        sparql_text.check_query("SELECT * { SERVIC\\u0045 <http://x/> {} }", frozenset())
    sparql_text.check_query('SELECT * { ?s ?p "\\u0053ERVICE" }', frozenset())


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * {}", "select"),
        ("PREFIX ex: <http://x/> BASE <http://b/> ask {}", "ask"),
        ("# comment\nCONSTRUCT WHERE { ?s ?p ?o }", "construct"),
        ("PREFIX describe: <http://x/> DESCRIBE <http://x/a>", "describe"),
        ("PREFIXex:<http://x/>SELECT*{}", "select"),
        ("INSERT DATA {}", None),
    ],
)
def test_the_query_form(text: str, form: str | None) -> None:
    assert sparql_text.read(text).form == form


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("SELECT * FROM <http://g> { ?s ?p ?o }", True),
        ("SELECT * FROM NAMED <http://g> { GRAPH ?g { ?s ?p ?o } }", True),
        ("CONSTRUCT { ?s ?p ?o } FROM <http://g> WHERE { ?s ?p ?o }", True),
        ("SELECT * { ?s ?p ?o }", False),
        ("PREFIX ex: <http://x/> SELECT * { ?s ex:from ?o }", False),
        ("SELECT * { SELECT ?s { ?s ?p 'FROM' } }", False),
    ],
)
def test_whether_a_query_names_its_dataset(text: str, names: bool) -> None:
    assert sparql_text.read(text).names_dataset is names


def test_using_graph_uri_becomes_using_clauses_that_the_engine_runs() -> None:
    update = (
        "PREFIX ex: <http://x/> "
        "INSERT { GRAPH ex:out { ?s ex:seen true } } WHERE { ?s ?p ?o } ; "
        "INSERT DATA { GRAPH ex:other { ex:z ex:p 1 } }"
    )
    shape = sparql_text.check_update(update, frozenset())
    text = sparql_text.with_using(update, shape, ["http://x/g1"], [])
    assert "USING <http://x/g1> WHERE" in text
    store = ox.Store()
    store.update(
        "INSERT DATA { GRAPH <http://x/g1> { <http://x/a> <http://x/p> 1 } "
        "GRAPH <http://x/g2> { <http://x/b> <http://x/p> 1 } }"
    )
    store.update(text)
    seen = {
        q.subject.value
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode("http://x/out"))
    }
    assert seen == {"http://x/a"}


@pytest.mark.parametrize(
    "update",
    [
        "WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "DELETE { ?s ?p ?o } USING <http://x/g> WHERE { ?s ?p ?o }",
        "DELETE WHERE { ?s ?p ?o }",
        "INSERTDATA { <http://x/a> <http://x/b> 1 }",
    ],
)
def test_using_graph_uri_is_refused_where_it_cannot_apply(update: str) -> None:
    shape = sparql_text.check_update(update, frozenset())
    with pytest.raises(SparqlRefused):
        sparql_text.with_using(update, shape, ["http://x/g1"], [])


def test_using_graph_uri_must_be_an_iri() -> None:
    update = "INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    shape = sparql_text.check_update(update, frozenset())
    with pytest.raises(SparqlRefused, match="not an IRI"):
        sparql_text.with_using(update, shape, ["http://x/> } ; DROP ALL ; #"], [])
