"""``/sparql`` takes a short way into the app (past FastAPI's middleware) and the query log is
written by a thread of its own: what a request meets there is what it met before."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

from plangraph.web import querylog
from tests.support.server import Server, copy_of, in_process


def test_other_methods_on_sparql_are_still_refused_with_405(bergen_app: Server) -> None:
    with bergen_app.client() as client:
        for method in ("PUT", "DELETE", "PATCH"):
            r = client.request(method, "/sparql", content=b"ASK {}")
            assert r.status_code == 405, (method, r.text)
            assert set(r.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
        r = client.head("/sparql")
        assert r.status_code == 200


def test_cors_headers_on_the_short_way_in(bergen_store: Path, tmp_path: Path) -> None:
    origin = "https://kart.example"
    store = copy_of(bergen_store, tmp_path)
    with (
        in_process(store, cors_origins=[origin], max_body_bytes=1024) as server,
        server.client() as client,
    ):
        r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": origin})
        too_big = client.post(
            "/sparql",
            content="ASK {} #" + "x" * (server.settings.max_body_bytes + 1),
            headers={"Origin": origin, "Content-Type": "application/sparql-query"},
        )
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == origin
    exposed = r.headers["access-control-expose-headers"].lower()
    assert "x-request-id" in exposed and "x-plangraph-cache" in exposed
    assert too_big.status_code == 413
    assert too_big.headers["access-control-allow-origin"] == origin


def test_the_query_log_writer_writes_every_line_in_order_and_the_last_ones_at_stop() -> None:
    stream = io.StringIO()
    writer = querylog.configure(stream)
    try:
        for n in range(500):
            querylog.QueryLog(op="query", client=f"c{n}").write(200, rows=n)
        time.sleep(0.2)
        assert stream.getvalue().count("\n") > 0  # written while the server runs
        querylog.QueryLog(op="query", client="last").write(200)
    finally:
        writer.stop()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["client"] for line in lines] == [f"c{n}" for n in range(500)] + ["last"]
    assert all(line["status"] == 200 for line in lines)
    # Stopped: the next lines go to the logger again, not to the stopped writer.
    querylog.QueryLog(op="query", client="after").write(200)
    assert "after" not in stream.getvalue()
