"""The engine under the endpoint: generations, killed workers, exact row counts."""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph.web.engine import Engine, StreamError
from plangraph.web.engine.jobs import Done, Dump, Failed, Query, Serialized, Update
from plangraph.web.engine.worker import count_rows

TRICKY = [
    "plain",
    'with "quotes" and },{"x":{"type":"uri"',
    "line\nbreaks\r\nand\ttabs",
    "a, comma",
    "},{}",
    "<result>",
    "",
]


@pytest.mark.parametrize("fmt", ["JSON", "XML", "CSV", "TSV"])
@pytest.mark.parametrize("empty_rows", [False, True])
def test_rows_are_counted_exactly_from_the_bytes(fmt: str, empty_rows: bool) -> None:
    store = ox.Store()
    for i, text in enumerate(TRICKY):
        store.add(
            ox.Quad(ox.NamedNode(f"http://x/{i}"), ox.NamedNode("http://x/p"), ox.Literal(text))
        )
    query = "SELECT ?s ?o ?none { ?s ?p ?o OPTIONAL { ?s <http://x/q> ?none } }"
    if empty_rows:
        query = "SELECT ?none { ?s ?p ?o OPTIONAL { ?s <http://x/q> ?none } }"
    results_format = getattr(ox.QueryResultsFormat, fmt)
    body = store.query(query).serialize(format=results_format)  # type: ignore[union-attr]
    assert body is not None
    assert count_rows(body, results_format) == len(TRICKY)
    empty = ox.Store().query("SELECT ?x { ?x ?p ?o }").serialize(format=results_format)  # type: ignore[union-attr]
    assert empty is not None and count_rows(empty, results_format) == 0


def _store(path: Path) -> Path:
    store = ox.Store(str(path))
    store.add(
        ox.Quad(
            ox.NamedNode("http://x/a"),
            ox.NamedNode("http://x/p"),
            ox.Literal("1"),
            ox.NamedNode("http://x/g"),
        )
    )
    store.flush()
    del store
    return path


def _select(engine: Engine, query: str, timeout: float = 10) -> bytes:
    answer = engine.read(
        Query(query, "text/tab-separated-values", max_rows=1000, max_bytes=1 << 20, union=True),
        timeout,
    )
    assert isinstance(answer, Done), answer
    return answer.value.body


def _update(text: str) -> Update:
    return Update(text)


def test_old_generations_go_once_no_reader_has_them(tmp_path: Path) -> None:
    engine = Engine(_store(tmp_path / "store"), readers=2)
    engine.start()
    try:
        assert _select(engine, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").splitlines()[1] == b"1"
        for i in range(5):
            answer = engine.write(_update(f"INSERT DATA {{ <http://x/b{i}> <http://x/p> 1 }}"), 10)
            assert isinstance(answer, Done), answer
            # Read-your-writes: a query after the write sees it.
            n = int(_select(engine, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").splitlines()[1])
            assert n == i + 2
        time.sleep(0.5)  # idle readers move to the newest generation in the background
        kept = sorted(p.name for p in engine.generations_dir.iterdir())
        assert engine.generation in kept
        assert len(kept) <= 3, kept  # the newest, and at most one per reader
    finally:
        engine.stop()
    assert not engine.generations_dir.exists()


def test_a_killed_writer_loses_only_its_own_write(tmp_path: Path) -> None:
    engine = Engine(_store(tmp_path / "store"), readers=2)
    engine.start()
    try:
        runaway = (
            "INSERT { GRAPH <http://x/big> { ?a ?b ?c } } WHERE { "
            + " ".join(f"?a{i} ?b{i} ?c{i} ." for i in range(40))
            + " BIND(?a0 AS ?a) BIND(?b0 AS ?b) BIND(RAND() AS ?c) }"
        )
        # Two triples in the default graph (which updates see): the 40 patterns of the runaway
        # have 2^40 solutions, a night's work.
        two = "INSERT DATA { <http://x/c> <http://x/p> 2 . <http://x/d> <http://x/p> 3 }"
        assert isinstance(engine.write(_update(two), 30), Done)
        answer = engine.write(_update(runaway), 1.0)
        assert isinstance(answer, Failed) and answer.status == 503
        n = _select(engine, "ASK { GRAPH <http://x/big> { ?s ?p ?o } }")
        assert n.strip() == b"false"
        # The writer was replaced and takes writes; the engine's own failures are the request's.
        assert isinstance(engine.write(_update("CLEAR SILENT GRAPH <http://x/big>"), 10), Done)
        failed = engine.write(_update("CLEAR GRAPH <http://x/big>"), 10)
        assert isinstance(failed, Failed)
        assert failed.status == 400 and "does not exist" in failed.message
    finally:
        engine.stop()


def test_the_store_cannot_be_served_twice(tmp_path: Path) -> None:
    path = _store(tmp_path / "store")
    first = Engine(path, readers=1)
    first.start()
    try:
        second = Engine(path, readers=1)
        with pytest.raises(Exception, match=r"lock|another process"):
            second.start()
    finally:
        first.stop()


def _slow_query(engine: Engine, timeout: float) -> int:
    values = " ".join(str(i) for i in range(100))
    query = (
        "SELECT (COUNT(*) AS ?n) {"
        + "".join(f" VALUES ?v{i} {{ {values} }}" for i in range(6))
        + " }"
    )
    answer = engine.read(
        Query(query, "text/tab-separated-values", max_rows=10, max_bytes=1000), timeout
    )
    return 200 if isinstance(answer, Done) else answer.status


def test_the_pool_grows_when_all_readers_are_busy_and_shrinks_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from plangraph.web.engine import pool

    monkeypatch.setattr(pool, "_TRIM_EVERY", 0.2)
    monkeypatch.setattr(pool, "_IDLE_LIMIT", 0.5)
    engine = Engine(_store(tmp_path / "store"), readers=1, max_readers=3)
    engine.start()
    try:
        slow = [threading.Thread(target=_slow_query, args=(engine, 1.5)) for _ in range(2)]
        for t in slow:
            t.start()
        time.sleep(0.3)
        started = time.monotonic()
        assert _select(engine, "ASK {}").strip() == b"true"
        assert time.monotonic() - started < 2.0, "a quick query waited behind slow ones"
        assert engine.health()["readers"] == 3
        for t in slow:
            t.join(10)
        deadline = time.monotonic() + 5
        while engine.health()["readers"] > 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert engine.health()["readers"] == 1
        assert _select(engine, "ASK {}").strip() == b"true"
    finally:
        engine.stop()


def test_a_stream_comes_in_chunks_and_a_stream_left_part_way_replaces_its_reader(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store"
    store = ox.Store(str(path))
    graph = ox.NamedNode("http://x/g")
    store.extend(
        ox.Quad(ox.NamedNode(f"http://x/s{i}"), ox.NamedNode("http://x/p"), ox.Literal(i), graph)
        for i in range(50_000)
    )
    store.flush()
    del store
    engine = Engine(path, readers=1)
    engine.start()
    job = Dump(("http://x/g",), "application/n-quads")
    try:
        chunks = list(engine.stream(job, 10))
        assert len(chunks) > 2  # the header, then one per batch of quads
        assert len(list(ox.parse(b"".join(chunks), ox.RdfFormat.N_QUADS))) == 50_000
        pid = engine._readers[0].process.pid
        stream = engine.stream(job, 10)
        next(stream)
        stream.close()  # the consumer went away part-way: the reader is mid-job
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (
            engine.health()["readers"] != 1 or engine._readers[0].process.pid == pid
        ):
            time.sleep(0.05)
        assert engine._readers[0].process.pid != pid
        # The new reader answers; a job it cannot do is an error before any chunk.
        assert len(b"".join(engine.stream(job, 10))) == len(b"".join(chunks))
        with pytest.raises(StreamError, match="Turtle or N-Quads"):
            next(engine.stream(Dump(job.graphs, "application/rdf+xml"), 10))
    finally:
        engine.stop()


def test_queries_wait_in_line_on_the_event_loop_when_every_reader_is_busy(
    tmp_path: Path,
) -> None:
    """With the pool full, ``aread`` waits for the next reader without a thread, first come
    first served; a wait whose deadline passes gets a 503, a cancelled one just leaves, and
    neither loses the reader it was about to get."""
    import asyncio
    import threading

    engine = Engine(_store(tmp_path / "store"), readers=1, max_readers=1)
    engine.start()
    hundred = " ".join(str(i) for i in range(100))
    twenty = " ".join(str(i) for i in range(20))
    slow = (  # twenty million rows counted: long enough for the others to queue behind it
        "SELECT (COUNT(*) AS ?n) {"
        + "".join(f" VALUES ?v{i} {{ {hundred} }}" for i in range(3))
        + f" VALUES ?w {{ {twenty} }} }}"
    )

    def job(query: str) -> Query:
        return Query(query, "text/tab-separated-values", max_rows=10, max_bytes=1000)

    def body(answer: Done[Serialized] | Failed) -> bytes:
        assert isinstance(answer, Done), answer
        return answer.value.body

    async def scenario() -> None:
        running = asyncio.create_task(engine.aread(job(slow), 60))
        await asyncio.sleep(0.2)  # the one reader is on the slow query
        threads = threading.active_count()
        finished: list[int] = []
        waiting = []
        for i in range(5):
            task = asyncio.create_task(engine.aread(job(f"SELECT ({i} AS ?i) {{}}"), 60))
            task.add_done_callback(lambda _, i=i: finished.append(i))
            waiting.append(task)
        expired = asyncio.create_task(engine.aread(job("ASK {}"), 0.05))
        cancelled = asyncio.create_task(engine.aread(job("ASK {}"), 60))
        await asyncio.sleep(0.1)
        assert threading.active_count() <= threads, "a waiting query took a thread"
        assert not running.done(), "the slow query was not slow enough for this test"
        cancelled.cancel()
        answer = await expired
        assert isinstance(answer, Failed) and answer.status == 503 and "busy" in answer.message
        assert body(await running).split()[-1] == b"20000000"
        answers = await asyncio.gather(*waiting)
        assert [body(a).split()[-1] for a in answers] == [b"0", b"1", b"2", b"3", b"4"]
        assert finished == [0, 1, 2, 3, 4], "not first come, first served"
        assert cancelled.cancelled()
        # The reader was not lost to the waits that ended early: it answers at once.
        started = time.monotonic()
        assert isinstance(await engine.aread(job("ASK {}"), 1), Done)
        assert time.monotonic() - started < 0.5

    try:
        asyncio.run(scenario())
        assert engine.health()["readers"] == 1
    finally:
        engine.stop()
