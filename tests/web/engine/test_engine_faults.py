"""The engine under faults (issue 19): deadline kills under load, a writer killed during the
inference refresh, writes during a slow refresh, the engine stopped during one."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph import reasoning
from plangraph.web.engine import Engine
from plangraph.web.engine.jobs import Done, Failed, Query, Update
from tests.support.server import copy_of


def tiny_store(path: Path) -> Path:
    store = ox.Store(str(path))
    store.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("1")))
    store.flush()
    del store
    return path


def worker_processes(role: str, besides: frozenset[int] = frozenset()) -> list[int]:
    """The process ids of this process's live worker processes of ``role``, but ``besides``
    (the workers of other engines of the session: servers that earlier tests started)."""
    found = []
    me = str(os.getpid())
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read().split(b"\0")
        except OSError:
            continue
        state, parent = fields[0], fields[1]
        worker = b"plangraph.web.engine.worker" in command and role.encode() in command
        if parent == me and state != "Z" and worker and int(entry) not in besides:
            found.append(int(entry))
    return found


def query(text: str) -> Query:
    return Query(text, "text/tab-separated-values", max_rows=10, max_bytes=1000, union=True)


SLOW = (
    "SELECT (COUNT(*) AS ?n) {"
    + "".join(f" VALUES ?v{i} {{ {' '.join(map(str, range(100)))} }}" for i in range(6))
    + " }"
)


def test_the_pool_never_grows_past_its_maximum_while_killed_readers_are_replaced(
    tmp_path: Path,
) -> None:
    others = frozenset(worker_processes("reader"))
    engine = Engine(tiny_store(tmp_path / "store"), readers=1, max_readers=2)
    engine.start()
    most = 0
    stop = threading.Event()

    def quick() -> None:
        while not stop.is_set():
            engine.read(query("ASK {}"), 5)

    def slow() -> None:
        while not stop.is_set():
            engine.read(query(SLOW), 0.2)  # killed at its deadline, and replaced

    threads = [threading.Thread(target=quick) for _ in range(3)]
    threads += [threading.Thread(target=slow) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        until = time.monotonic() + 4
        while time.monotonic() < until:
            most = max(most, len(worker_processes("reader", others)))
            time.sleep(0.01)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
        engine.stop()
    assert 1 <= most <= 2, f"{most} readers against a maximum of 2"


PG = "https://w3id.org/plangraph/ontology#"
PLANS = "https://example.org/test/engine-faults"


def theme_plan(name: str) -> Update:
    """A write that leaves the inferences stale: one more theme plan."""
    return Update(f"INSERT DATA {{ GRAPH <{PLANS}> {{ <{PLANS}/{name}> a <{PG}ThemePlan> }} }}")


def inferred(engine: Engine, name: str) -> bool:
    ask = (
        f"ASK {{ GRAPH <{reasoning.INFERRED_GRAPH}> {{ <{PLANS}/{name}> a <{PG}PlanDocument> }} }}"
    )
    answer = engine.read(query(ask), 30)
    assert isinstance(answer, Done), answer
    return answer.value.body.split()[-1] == b"true"


def wait_for(condition: object, within: float, what: str) -> float:
    """Seconds until ``condition()`` holds (polled often), at most ``within``."""
    assert callable(condition)
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < within, what
        time.sleep(0.005)
    return time.monotonic() - started


def refreshing(engine: Engine) -> bool:
    return bool(engine.health()["inferences"]["refreshing"])


def current(engine: Engine) -> bool:
    return bool(engine.health()["inferences"]["current"])


def test_a_writer_killed_during_the_refresh_has_it_run_again(
    tmp_path: Path, synthetic_store_path: Path
) -> None:
    engine = Engine(copy_of(synthetic_store_path, tmp_path), readers=1)
    engine.start()
    try:
        assert isinstance(engine.write(theme_plan("killed"), 30), Done)
        assert not current(engine)
        wait_for(lambda: refreshing(engine), 30, "no refresh started")
        writer = engine._writer
        assert writer is not None
        os.kill(writer.process.pid, 9)
        wait_for(lambda: current(engine), 120, "the refresh was not run again")
        assert inferred(engine, "killed")
        health = engine.health()
        assert health["crashes"] == 1 and health["writer"]
        assert health["inferences"]["behind_seconds"] is None
    finally:
        engine.stop()


def test_a_write_does_not_wait_for_a_refresh_of_earlier_data(
    tmp_path: Path, synthetic_store_path: Path
) -> None:
    engine = Engine(copy_of(synthetic_store_path, tmp_path), readers=1)
    engine.start()
    try:
        # How long one refresh takes here.
        assert isinstance(engine.write(theme_plan("first"), 30), Done)
        refresh = wait_for(lambda: current(engine), 120, "no refresh")
        assert inferred(engine, "first")
        # A write while a refresh runs is answered without waiting for it, and the refresh
        # runs again after it, with both writes' inferences.
        assert isinstance(engine.write(theme_plan("second"), 30), Done)
        wait_for(lambda: refreshing(engine), 30, "no refresh started")
        started = time.monotonic()
        answer = engine.write(theme_plan("third"), 30)
        waited = time.monotonic() - started
        assert isinstance(answer, Done), answer
        assert waited < refresh * 0.7, (
            f"the write waited {waited:.1f} s (a refresh: {refresh:.1f} s)"
        )
        wait_for(lambda: current(engine), 120, "the refresh did not run again")
        assert inferred(engine, "second") and inferred(engine, "third")
        assert engine.health()["crashes"] == 0
    finally:
        engine.stop()


def test_the_engine_stops_cleanly_during_a_refresh(
    tmp_path: Path, synthetic_store_path: Path
) -> None:
    """No error in the refresh thread (the flake of ConnectionResetError), no worker left."""
    others = frozenset(worker_processes("reader") + worker_processes("writer"))
    engine = Engine(copy_of(synthetic_store_path, tmp_path), readers=1)
    engine.start()
    assert isinstance(engine.write(theme_plan("stopped"), 30), Done)
    wait_for(lambda: refreshing(engine), 30, "no refresh started")
    errors: list[BaseException] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: errors.append(args.exc_value or Exception())
    try:
        engine.stop()
        time.sleep(1.0)  # the refresh thread finds the engine stopped
    finally:
        threading.excepthook = previous
    assert not errors, errors
    assert not worker_processes("reader", others) and not worker_processes("writer", others)
    assert engine.health()["crashes"] == 0


MILLION = (  # a million rows counted: a second or so, long enough to be killed part-way
    "SELECT (COUNT(*) AS ?n) {"
    + "".join(f" VALUES ?v{i} {{ {' '.join(map(str, range(100)))} }}" for i in range(3))
    + " }"
)


@contextlib.contextmanager
def engine_log() -> Iterator[list[logging.LogRecord]]:
    """The engine's log records while the block runs, caught on its own logger: what earlier
    tests did to the logging setup of this process (propagation, root handlers) does not hide
    them."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("plangraph.engine")
    was_disabled, level = logger.disabled, logger.level
    logger.addHandler(handler)
    logger.disabled = False
    logger.setLevel(min(level or logging.ERROR, logging.ERROR))
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.disabled, logger.level = was_disabled, level


@pytest.mark.parametrize("on_the_loop", [False, True])
def test_a_reader_that_dies_mid_query_is_logged_and_the_query_runs_again(
    tmp_path: Path, on_the_loop: bool
) -> None:
    """Killed under a query, a reader is counted and logged with the query's hash, and the
    query runs again on another reader within its deadline (once: a second death is the
    answer, a 500)."""
    import asyncio

    engine = Engine(tiny_store(tmp_path / "store"), readers=1)
    engine.start()
    answers: list[object] = []

    def ask(text: str, timeout: float) -> None:
        if on_the_loop:
            answers.append(asyncio.run(engine.aread(query(text), timeout)))
        else:
            answers.append(engine.read(query(text), timeout))

    def kill_the_busy_reader() -> None:
        time.sleep(0.3)
        os.kill(engine._readers[0].process.pid, 9)

    try:
        with engine_log() as records:
            running = threading.Thread(target=ask, args=(MILLION, 60))
            running.start()
            kill_the_busy_reader()
            running.join(60)
        answer = answers.pop()
        assert isinstance(answer, Done), answer
        assert answer.value.body.split()[-1] == b"1000000"
        digest = hashlib.sha256(MILLION.encode()).hexdigest()[:16]
        assert any(f"Query sha256:{digest}" in r.getMessage() for r in records)
        assert engine.health()["crashes"] == 1
        # Killed twice: the second death is the answer.
        running = threading.Thread(target=ask, args=(SLOW, 60))
        running.start()
        kill_the_busy_reader()
        time.sleep(0.5)  # the replacement has started and taken the query again
        wait_for(lambda: bool(engine._readers), 10, "no reader")
        kill_the_busy_reader()
        running.join(60)
        answer = answers.pop()
        assert isinstance(answer, Failed) and answer.status == 500 and answer.crashed
        assert engine.health()["crashes"] == 3
        wait_for(lambda: engine.health()["readers"] == 1, 10, "the reader was not replaced")
    finally:
        engine.stop()
