"""The endpoint faces the internet: each safety rule of issue 4, shown against a real server."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.server import STRICT_DEADLINE, TOKEN, Server, copy_of, in_process

SDG = "https://w3id.org/plangraph/graph/reference/sdg/sdg-kos-goals-targets-indicators"
# The SDG graph (7,624 triples) with itself, three times over: 3.4 × 10^15 rows to count.
RUNAWAY = f"""
SELECT (COUNT(*) AS ?n) WHERE {{
  GRAPH <{SDG}> {{ ?a ?b ?c }} GRAPH <{SDG}> {{ ?d ?e ?f }}
  GRAPH <{SDG}> {{ ?g ?h ?i }} GRAPH <{SDG}> {{ ?j ?k ?l }}
}}"""
COUNT_ALL = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
DEADLINE = STRICT_DEADLINE


def count(server: Server) -> int:
    with server.client() as client:
        r = client.get("/sparql", params={"query": COUNT_ALL}, headers={"Accept": "text/csv"})
    assert r.status_code == 200, r.text
    return int(r.text.splitlines()[1])


class Recorder(BaseHTTPRequestHandler):
    """A SPARQL endpoint that answers every request with one empty solution, and counts them."""

    calls: list[str] = []  # noqa: RUF012 (one list for the test's listener)

    def _answer(self) -> None:
        Recorder.calls.append(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def remote() -> Iterator[str]:
    """A local HTTP listener standing in for another SPARQL endpoint; its URL."""
    Recorder.calls = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
    finally:
        httpd.shutdown()
        httpd.server_close()


# -- SERVICE and LOAD ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <{R}> { ?s ?p ?o } }",
        "PREFIX : <{R}> SELECT * WHERE { SERVICE:x { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o . FILTER EXISTS { SERVICE SILENT <{R}> { ?s ?p ?o } } }",
    ],
)
def test_service_is_refused_before_any_request_leaves(
    strict: Server, remote: str, query: str
) -> None:
    with strict.client() as client:
        r = client.get("/sparql", params={"query": query.replace("{R}", remote), "lang": "en"})
    assert r.status_code == 400
    assert "SERVICE" in r.text and "allow-list" in r.text
    time.sleep(0.1)
    assert Recorder.calls == [], "the engine called the remote endpoint"


def test_service_to_an_allowed_endpoint_does_reach_it(
    bergen_store: Path, tmp_path: Path, remote: str
) -> None:
    """The control for the test above: the listener does see a call when one is allowed."""
    store = copy_of(bergen_store, tmp_path)
    with in_process(store, service_allowlist=[remote]) as server, server.client() as client:
        r = client.get(
            "/sparql",
            params={"query": f"SELECT * WHERE {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}"},
        )
        assert r.status_code == 200, r.text
        assert len(Recorder.calls) == 1
        description = client.get("/sparql", headers={"Accept": "text/turtle"}).text
        assert "sd:BasicFederatedQuery" in description


def test_load_is_refused_even_with_the_token(strict: Server, remote: str) -> None:
    before = count(strict)
    with strict.client() as client:
        r = client.post(
            "/sparql",
            content=f"LOAD <{remote}> INTO GRAPH <http://example.org/fetched>",
            headers={
                "Content-Type": "application/sparql-update",
                "Accept-Language": "en",
                **strict.auth(),
            },
        )
    assert r.status_code == 400
    assert "LOAD is not allowed" in r.text
    assert Recorder.calls == []
    assert count(strict) == before


# -- deadlines ----------------------------------------------------------------------------------


def test_a_runaway_query_is_stopped_at_its_deadline_while_others_are_answered(
    strict: Server,
) -> None:
    result: dict[str, Any] = {}

    def runaway() -> None:
        started = time.monotonic()
        with strict.client() as client:
            r = client.get("/sparql", params={"query": RUNAWAY})
        result.update(status=r.status_code, text=r.text, seconds=time.monotonic() - started)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)  # the runaway is running on one worker now
    started = time.monotonic()
    with strict.client() as other:
        r = other.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    answered_in = time.monotonic() - started
    assert r.status_code == 200 and r.json()["boolean"] is True
    assert answered_in < 1.0, f"a trivial query waited {answered_in:.2f} s behind a runaway one"
    thread.join(30)
    assert result["status"] == 503, result
    assert "deadline" in result["text"]
    assert DEADLINE <= result["seconds"] < DEADLINE + 3
    # The killed worker was replaced: the server answers on both workers again.
    for _ in range(4):
        assert count(strict) > 10_000
    health = httpx.get(strict.url + "/health").json()
    assert health["readers"] == 2


def test_a_request_may_ask_for_a_shorter_deadline(strict: Server) -> None:
    started = time.monotonic()
    with strict.client() as client:
        r = client.get("/sparql", params={"query": RUNAWAY, "timeout": "0.5"})
    assert r.status_code == 503
    assert "deadline of 0.5 s" in r.text
    assert time.monotonic() - started < DEADLINE


def test_a_runaway_update_is_stopped_and_changes_nothing(strict: Server) -> None:
    before = count(strict)
    runaway_update = RUNAWAY.replace(
        "SELECT (COUNT(*) AS ?n) WHERE",
        "INSERT { GRAPH <http://example.org/x> { ?a ?b ?l } } WHERE",
    )
    with strict.client() as client:
        r = client.post(
            "/sparql",
            content=runaway_update,
            headers={"Content-Type": "application/sparql-update", **strict.auth()},
        )
        assert r.status_code == 503, r.text
    # Nothing changed: not the data, and not the load records (an update marks them in the
    # same transaction, pg:updatedSinceLoad).
    assert count(strict) == before
    with strict.client() as client:
        # The writer was replaced; the store works and takes writes again.
        r = client.post(
            "/sparql",
            content="INSERT DATA { GRAPH <http://example.org/after> { <http://example.org/a> "
            "<http://example.org/b> 1 } }",
            headers={"Content-Type": "application/sparql-update", **strict.auth()},
        )
        assert r.status_code == 204, r.text
        r = client.get(
            "/sparql",
            params={"query": "ASK { GRAPH <http://example.org/after> { ?s ?p 1 } }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert r.json()["boolean"] is True
        r = client.delete(
            "/store", params={"graph": "http://example.org/after"}, headers=strict.auth()
        )
        assert r.status_code == 204, r.text


# -- updates need the token ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer wrong"}, 401), ({"Authorization": TOKEN}, 401)],
)
def test_an_update_without_the_token_is_refused_and_changes_nothing(
    strict: Server, headers: dict[str, str], status: int
) -> None:
    before = count(strict)
    with strict.client() as client:
        r = client.post(
            "/sparql",
            content="DROP ALL",
            headers={"Content-Type": "application/sparql-update", **headers},
        )
        assert r.status_code == status
        assert "Bearer" in r.headers.get("www-authenticate", "")
        r = client.post("/sparql", data={"update": "DROP ALL"}, headers=headers)
        assert r.status_code == status
        r = client.delete("/store", params={"default": ""}, headers=headers)
        assert r.status_code == status
        r = client.put(
            "/store",
            params={"graph": SDG},
            content="<http://a> <http://b> <http://c> .",
            headers={"Content-Type": "application/n-triples", **headers},
        )
        assert r.status_code == status
    assert count(strict) == before


@pytest.fixture(scope="module")
def open_app(bergen_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app in this process without an update token, and with CORS for any origin."""
    store = copy_of(bergen_store, tmp_path_factory.mktemp("open"))
    with in_process(store, update_token=None, cors_origins=["*"]) as server:
        yield server


def test_without_a_configured_token_the_endpoint_is_read_only(open_app: Server) -> None:
    before = count(open_app)
    with open_app.client() as client:
        r = client.post(
            "/sparql",
            content="DROP ALL",
            headers={"Content-Type": "application/sparql-update", **open_app.auth()},
        )
        assert r.status_code == 403
        assert "read-only" in r.text
        description = client.get("/sparql", headers={"Accept": "text/turtle"}).text
    assert count(open_app) == before
    assert "SPARQL11Update" not in description


def test_get_never_updates(strict: Server) -> None:
    before = count(strict)
    with strict.client() as client:
        r = client.get("/sparql", params={"update": "DROP ALL"}, headers=strict.auth())
    assert r.status_code == 400
    assert count(strict) == before


# -- limits -------------------------------------------------------------------------------------


def test_an_oversize_body_is_refused_with_413(strict: Server) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (65 * 1024)
    with strict.client() as client:
        r = client.post(
            "/sparql", content=big, headers={"Content-Type": "application/sparql-query"}
        )
        assert r.status_code == 413
        assert "PLANGRAPH_MAX_BODY_BYTES" in r.text

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            for _ in range(100):
                yield b"#" + b"x" * 1023

        r = client.post(
            "/store",
            params={"graph": "http://example.org/big"},
            content=chunks(),
            headers={"Content-Type": "text/turtle", **strict.auth()},
        )
        assert r.status_code == 413


def test_a_client_over_its_concurrency_limit_gets_429(strict: Server) -> None:
    statuses: list[int] = []

    def slow() -> None:
        with strict.client() as client:
            statuses.append(
                client.get("/sparql", params={"query": RUNAWAY, "timeout": "1.5"}).status_code
            )

    threads = [threading.Thread(target=slow) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    with strict.client() as client:
        # A query asked nowhere else: an answer from the cache takes no worker and is not held
        # to the limit.
        r = client.get("/sparql", params={"query": "ASK { <urn:x:429> ?p ?o }"})
    for t in threads:
        t.join(30)
    assert r.status_code == 429
    assert r.headers["retry-after"] == "1"
    assert statuses == [503, 503]


def test_the_row_cap_is_signalled_never_a_cut_answer(strict: Server) -> None:
    with strict.client() as client:
        for fmt in ("json", "xml", "csv", "tsv"):
            r = client.get(
                "/sparql", params={"query": "SELECT ?s { ?s ?p ?o } LIMIT 101", "format": fmt}
            )
            assert r.status_code == 422, (fmt, r.text[:200])
            assert "cap of 100 rows" in r.text and "LIMIT" in r.text
        r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 101"})
        assert r.status_code == 422 and "cap of 100 triples" in r.text
        r = client.get("/store", params={"graph": SDG})
        assert r.status_code == 422
        r = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 100"})
        assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 100


def test_the_byte_cap_is_signalled(strict: Server) -> None:
    query = "SELECT ?s ?p ?o ?s2 ?s3 ?s4 { ?s ?p ?o BIND(CONCAT(STR(?s), STR(?s), STR(?s), STR(?s), STR(?s), STR(?s), STR(?s), STR(?s), STR(?s), STR(?s)) AS ?s2) BIND(CONCAT(?s2, ?s2, ?s2, ?s2, ?s2) AS ?s3) BIND(CONCAT(?s3, ?s3) AS ?s4) } LIMIT 90"
    with strict.client() as client:
        r = client.get("/sparql", params={"query": query})
    assert r.status_code == 422
    assert "200,000 bytes" in r.text


# -- CORS and the query log ---------------------------------------------------------------------


def test_cors_is_off_unless_configured(strict: Server) -> None:
    r = httpx.get(
        strict.sparql, params={"query": "ASK {}"}, headers={"Origin": "https://x.example"}
    )
    assert "access-control-allow-origin" not in r.headers


def test_cors_for_any_origin_never_allows_credentials(open_app: Server) -> None:
    with open_app.client() as client:
        r = client.get(
            "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://x.example"}
        )
        assert r.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in r.headers
        preflight = client.options(
            "/sparql",
            headers={
                "Origin": "https://x.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert preflight.status_code == 200
        assert "POST" in preflight.headers["access-control-allow-methods"]


def test_one_structured_log_line_per_query(
    strict: Server, caplog: pytest.LogCaptureFixture
) -> None:
    query = "SELECT ?s { ?s ?p ?o } LIMIT 3"
    with caplog.at_level(logging.INFO, logger="plangraph.query"), strict.client() as client:
        ok = client.get("/sparql", params={"query": query})
        bad = client.get("/sparql", params={"query": "SELECT * {", "lang": "en"})
    records = [json.loads(r.getMessage()) for r in caplog.records if r.name == "plangraph.query"]
    by_id = {r["id"]: r for r in records}
    line = by_id[ok.headers["x-request-id"]]
    import hashlib

    assert line["sha256"] == hashlib.sha256(query.encode()).hexdigest()
    assert line["status"] == 200 and line["rows"] == 3 and line["duration_ms"] > 0
    assert line["form"] == "select" and line["format"] == "json"
    error = by_id[bad.headers["x-request-id"]]
    assert error["status"] == 400 and "syntax" in error["error"]


def test_health(strict: Server) -> None:
    r = httpx.get(strict.url + "/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["writer"] is True


def test_a_client_that_hangs_up_frees_its_worker(strict: Server) -> None:
    """Two runaway queries with a long deadline whose clients give up: their workers are freed
    within about a second, not at the deadline."""

    def impatient() -> None:
        with contextlib.suppress(httpx.TimeoutException), strict.client(timeout=0.5) as client:
            client.get("/sparql", params={"query": RUNAWAY, "timeout": str(DEADLINE * 2)})

    threads = [threading.Thread(target=impatient) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    time.sleep(1.8)
    started = time.monotonic()
    with strict.client() as client:
        r = client.get("/sparql", params={"query": "ASK {}", "timeout": "1"})
    assert r.status_code == 200, r.text
    assert time.monotonic() - started < 1.0
