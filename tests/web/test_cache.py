"""The answer cache: repeated queries are answered from it, every write invalidates it, and
nothing but complete answers gets into it. Against a real server on a real port."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from plangraph.web.answer_cache import AnswerCache
from tests.support.server import Server, copy_of, in_process, serve
from tests.web.test_safety import RUNAWAY

HEADER = "x-plangraph-cache"
GRAPH = "http://example.org/cache-test"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
CAP = 20


@pytest.fixture(scope="module")
def cached(bergen_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with the answer cache on (the default) and a small row cap, over its own store."""
    with serve(copy_of(bergen_store, tmp_path_factory.mktemp("cache")), max_rows=CAP) as server:
        yield server


def ask(client: httpx.Client, query: str, **params: str) -> httpx.Response:
    return client.get("/sparql", params={"query": query, **params})


def count(client: httpx.Client, graph: str | None = None) -> tuple[int, str]:
    """The triples in the union graph (or in ``graph``), and whether the answer came from the
    cache."""
    query = (
        COUNT_ALL
        if graph is None
        else f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    r = ask(client, query, format="csv")
    assert r.status_code == 200, r.text
    return int(r.text.splitlines()[1]), r.headers[HEADER]


def test_a_repeated_query_is_answered_from_the_cache(
    cached: Server, caplog: pytest.LogCaptureFixture
) -> None:
    query = (
        "SELECT ?kind (COUNT(*) AS ?n) { ?plan <https://w3id.org/plangraph/ontology#planKind> "
        "?kind } GROUP BY ?kind ORDER BY ?kind"
    )
    with caplog.at_level(logging.INFO, logger="plangraph.query"), cached.client() as client:
        first = ask(client, query)
        second = ask(client, query)
        as_csv = ask(client, query, format="csv")
        as_csv_again = ask(client, query, format="csv")
    assert first.status_code == second.status_code == 200
    assert first.headers[HEADER] == "miss"
    assert second.headers[HEADER] == "hit"
    assert second.content == first.content
    assert second.headers["content-type"] == first.headers["content-type"]
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "plangraph.query"]
    by_id = {line["id"]: line for line in lines}
    logged_first = by_id[first.headers["x-request-id"]]
    logged_second = by_id[second.headers["x-request-id"]]
    assert logged_second["cache"] == "hit" and "cache" not in logged_first
    assert logged_second["rows"] == logged_first["rows"] > 0
    # Another format is another answer.
    assert as_csv.headers[HEADER] == "miss" and as_csv_again.headers[HEADER] == "hit"
    assert as_csv.headers["content-type"].startswith("text/csv")


def test_the_dataset_is_part_of_the_key(cached: Server) -> None:
    sdg = "https://w3id.org/plangraph/graph/reference/sdg/sdg-kos-goals-targets-indicators"
    with cached.client() as client:
        union, _ = count(client)
        r = ask(client, COUNT_ALL, format="csv", **{"default-graph-uri": sdg})
        r_again = ask(client, COUNT_ALL, format="csv", **{"default-graph-uri": sdg})
    one_graph = int(r.text.splitlines()[1])
    assert 0 < one_graph < union
    assert r.headers[HEADER] == "miss" and r_again.headers[HEADER] == "hit"
    assert r_again.text == r.text


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (NOW() AS ?t) {}",
        "SELECT (RAND() AS ?r) {}",
        "SELECT ?s (STRUUID() AS ?id) { ?s a <https://w3id.org/plangraph/ontology#Plan> } LIMIT 1",
        "select (uuid () as ?u) {}",
    ],
)
def test_a_query_whose_answer_may_change_without_a_write_is_not_cached(
    cached: Server, query: str
) -> None:
    with cached.client() as client:
        answers = [ask(client, query, format="csv") for _ in range(2)]
    assert [r.status_code for r in answers] == [200, 200]
    assert [r.headers[HEADER] for r in answers] == ["bypass", "bypass"]


def test_a_word_that_only_looks_volatile_is_cached(cached: Server) -> None:
    query = 'SELECT ("NOW()" AS ?now) { }'
    with cached.client() as client:
        answers = [ask(client, query, format="csv") for _ in range(2)]
    assert [r.headers[HEADER] for r in answers] == ["miss", "hit"]


def test_an_update_through_sparql_invalidates_the_cache(cached: Server) -> None:
    # Counted in the graph updated: an update also marks the load records in _meta.
    insert = (
        f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/a> <http://example.org/b> 1 }} }}"
    )
    with cached.client() as client:
        before, _ = count(client, GRAPH)
        assert count(client, GRAPH) == (before, "hit")
        r = client.post("/sparql", data={"update": insert}, headers=cached.auth())
        assert r.status_code == 204, r.text
        assert count(client, GRAPH) == (before + 1, "miss")
        assert count(client, GRAPH) == (before + 1, "hit")
        r = client.post("/sparql", data={"update": f"DROP GRAPH <{GRAPH}>"}, headers=cached.auth())
        assert r.status_code == 204, r.text
        assert count(client, GRAPH) == (before, "miss")


def test_a_graph_store_write_invalidates_the_cache(cached: Server) -> None:
    triples = (
        '<http://example.org/a> <http://example.org/b> "1" .\n'
        '<http://example.org/a> <http://example.org/b> "2" .\n'
    )
    with cached.client() as client:
        before, _ = count(client)
        assert count(client) == (before, "hit")
        r = client.put(
            "/store",
            params={"graph": GRAPH},
            content=triples,
            headers={"Content-Type": "application/n-triples", **cached.auth()},
        )
        assert r.status_code == 201, r.text
        assert count(client) == (before + 2, "miss")
        r = client.delete("/store", params={"graph": GRAPH}, headers=cached.auth())
        assert r.status_code == 204, r.text
        assert count(client) == (before, "miss")


def test_a_refused_write_leaves_the_cache_as_it_was(cached: Server) -> None:
    with cached.client() as client:
        before, _ = count(client)
        r = client.post("/sparql", data={"update": "DROP ALL"})
        assert r.status_code == 401
        r = client.post(
            "/sparql", data={"update": "INSERT DATA { <x:a> <x:b> }"}, headers=cached.auth()
        )
        assert r.status_code == 400  # a syntax error: nothing written, no new generation
        assert count(client) == (before, "hit")


def test_errors_and_refused_answers_are_never_cached(cached: Server) -> None:
    over_cap = f"SELECT ?s {{ ?s ?p ?o }} LIMIT {CAP + 1}"
    with cached.client() as client:
        for _ in range(2):
            r = ask(client, over_cap)
            assert r.status_code == 422 and "cap of 20 rows" in r.text
            assert r.headers.get(HEADER) != "hit"
            r = ask(client, "SELECT * {")
            assert r.status_code == 400 and r.headers.get(HEADER) != "hit"
        # A query stopped at its deadline is run (and stopped) again, never answered from a cut
        # result.
        for _ in range(2):
            started = time.monotonic()
            r = ask(client, RUNAWAY, timeout="0.5")
            assert r.status_code == 503 and "deadline" in r.text
            assert time.monotonic() - started >= 0.5


@pytest.mark.parametrize("fmt", ["nt", "nq", "turtle"])
def test_the_triple_cap_holds_for_every_graph_format(cached: Server, fmt: str) -> None:
    with cached.client() as client:
        r = ask(client, f"CONSTRUCT WHERE {{ ?s ?p ?o }} LIMIT {CAP + 1}", format=fmt)
        assert r.status_code == 422 and f"cap of {CAP} triples" in r.text
        r = ask(client, f"CONSTRUCT WHERE {{ ?s ?p ?o }} LIMIT {CAP}", format=fmt)
        assert r.status_code == 200, r.text
    if fmt != "turtle":
        assert len(r.text.splitlines()) == CAP


def test_the_cache_can_be_turned_off(bergen_store: Path, tmp_path: Path) -> None:
    with (
        in_process(copy_of(bergen_store, tmp_path), answer_cache_bytes=0) as server,
        server.client() as client,
    ):
        answers = [ask(client, "ASK { ?s ?p ?o }") for _ in range(2)]
    for r in answers:
        assert r.status_code == 200 and r.json()["boolean"] is True
        assert HEADER not in r.headers


# -- the cache itself ---------------------------------------------------------------------------


def test_the_cache_is_bounded_by_bytes_least_recently_used_out_first() -> None:
    cache = AnswerCache(limit=800)
    cache.put("000001", ("a",), b"x" * 100, 1)
    cache.put("000001", ("b",), b"x" * 100, 1)
    assert cache.get("000001", ("a",)) is not None  # "a" is now the most recently used
    for name in "cdefg":
        cache.put("000001", (name,), b"x" * 100, 1)
    assert cache.size == 700 and len(cache) == 7
    cache.put("000001", ("h",), b"x" * 100, 1)
    cache.put("000001", ("i",), b"x" * 100, 1)
    assert cache.size <= 800
    assert cache.get("000001", ("b",)) is None  # the least recently used went first
    assert cache.get("000001", ("a",)) is not None
    cache.put("000001", ("big",), b"x" * 101, 1)  # over an eighth of the limit: not kept
    assert cache.get("000001", ("big",)) is None


def test_a_new_generation_forgets_every_answer() -> None:
    cache = AnswerCache(limit=1 << 20)
    cache.put("000001", ("q",), b"old", 1)
    assert cache.get("000001", ("q",)) is not None
    assert cache.get("000002", ("q",)) is None
    assert len(cache) == 0 and cache.size == 0
    cache.put("000002", ("q",), b"new", 1)
    found = cache.get("000002", ("q",))
    assert found is not None and found.body == b"new"


def test_a_cache_of_zero_bytes_keeps_nothing() -> None:
    cache = AnswerCache(limit=0)
    assert not cache.enabled
    cache.put("000001", ("q",), b"", 0)
    assert cache.get("000001", ("q",)) is None


def test_an_answer_from_the_cache_is_not_held_to_the_per_client_limit(cached: Server) -> None:
    query = "ASK { ?s a <https://w3id.org/plangraph/ontology#Municipality> }"
    with cached.client() as client:
        assert ask(client, query).status_code == 200  # now in the cache
    statuses: list[int] = []

    def slow() -> None:
        with cached.client() as client:
            statuses.append(ask(client, RUNAWAY, timeout="1.5").status_code)

    threads = [
        threading.Thread(target=slow) for _ in range(cached.settings.max_concurrent_per_client)
    ]
    for t in threads:
        t.start()
    time.sleep(0.5)  # the client has as many queries running as it may
    with cached.client() as client:
        hit = ask(client, query)
        refused = ask(client, "ASK { <urn:x:not-cached> ?p ?o }")
    for t in threads:
        t.join(30)
    assert hit.status_code == 200 and hit.headers[HEADER] == "hit"
    assert refused.status_code == 429
    assert statuses == [503] * cached.settings.max_concurrent_per_client
