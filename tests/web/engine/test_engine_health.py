"""What /health says of the inferences of a store the engine starts on (issue 19): behind when
the store was left so (a graph loaded again after `plangraph reason`, a refresh that did not
finish in an earlier run), then current once the refresh the engine starts is done; current
from the start when they are."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox

from plangraph import reasoning
from plangraph.data import synthetic
from plangraph.store import PlanStore
from plangraph.web.engine import Engine
from plangraph.web.engine.jobs import Done, Query, Update
from tests.support.server import copy_of, in_process

PG = "https://w3id.org/plangraph/ontology#"
PLANS = "https://example.org/test/engine-health"
DCT_MODIFIED = "http://purl.org/dc/terms/modified"


def inferred(engine: Engine, name: str) -> bool:
    """Whether the inferences say that the theme plan ``name`` is a plan document."""
    ask = (
        f"ASK {{ GRAPH <{reasoning.INFERRED_GRAPH}> {{ <{PLANS}/{name}> a <{PG}PlanDocument> }} }}"
    )
    answer = engine.read(Query(ask, "text/tab-separated-values", 10, 1000, union=True), 30)
    assert isinstance(answer, Done), answer
    return answer.value.body.split()[-1] == b"true"


def wait_for_current(engine: Engine, within: float = 120) -> None:
    started = time.monotonic()
    while not engine.health()["inferences"]["current"]:
        assert time.monotonic() - started < within, engine.health()["inferences"]
        time.sleep(0.05)


def reasoned_at(store: Path) -> float:
    """When `plangraph reason` wrote the store's inferences, by their load record."""
    plan_store = PlanStore.open(store)
    try:
        made = plan_store.load_record(reasoning.INFERRED_GRAPH)[DCT_MODIFIED]
    finally:
        plan_store.close()
    return datetime.fromisoformat(made).timestamp()


def load_changed_register(store: Path, synthetic_file: Path, tmp_path: Path) -> float:
    """`plangraph load` of a changed register over the reasoned one (one more theme plan);
    when it was loaded."""
    # The load records say when to the second: the load must come in a later second.
    wait = reasoned_at(store) + 1 - time.time()
    if wait > 0:
        time.sleep(wait)
    changed = tmp_path / "synthetic-changed.nt"
    extra = (
        f"<{PLANS}/loaded> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{PG}ThemePlan> .\n"
    )
    changed.write_bytes(synthetic_file.read_bytes() + extra.encode())
    plan_store = PlanStore.open(store)
    try:
        loaded_at = time.time()
        plan_store.load([(synthetic.SYNTHETIC_GRAPH, changed)])
        assert not reasoning.is_current(plan_store)  # what `plangraph reason` would say
    finally:
        plan_store.close()
    return loaded_at


def test_a_store_loaded_again_after_reasoning_is_behind_then_refreshed(
    tmp_path: Path, synthetic_store_path: Path, synthetic_file: Path
) -> None:
    store = copy_of(synthetic_store_path, tmp_path)
    loaded_at = load_changed_register(store, synthetic_file, tmp_path)
    time.sleep(1.0)
    engine = Engine(store, readers=1)
    engine.start()
    try:
        health = engine.health()
        inferences = health["inferences"]
        assert inferences["current"] is False, inferences
        # Behind since the load, to the second the load record keeps.
        behind = time.time() - loaded_at
        assert behind - 1.5 <= inferences["behind_seconds"] <= behind + 0.5, inferences
        assert "inferences do not follow from the data" in inferences["problem"]
        assert not health["problems"], "stale inferences do not stop writes nor queries"
        wait_for_current(engine)
        assert inferred(engine, "loaded"), "the refresh did not reason over the new data"
        inferences = engine.health()["inferences"]
        assert inferences["behind_seconds"] is None and inferences["problem"] is None
    finally:
        engine.stop()
    # The refresh is in the store: the next start finds the inferences current.
    engine = Engine(store, readers=1)
    engine.start()
    try:
        assert engine.health()["inferences"]["current"] is True
    finally:
        engine.stop()


def test_a_refresh_that_did_not_finish_in_an_earlier_run_is_found_at_the_next_start(
    tmp_path: Path, synthetic_store_path: Path
) -> None:
    store = copy_of(synthetic_store_path, tmp_path)
    first = Engine(store, readers=1, refresh_inferences=False)  # as if it died before one
    first.start()
    try:
        plan = f"INSERT DATA {{ GRAPH <{PLANS}> {{ <{PLANS}/written> a <{PG}ThemePlan> }} }}"
        written_at = time.time()
        assert isinstance(first.write(Update(plan), 30), Done)
    finally:
        first.stop()
    time.sleep(1.0)
    engine = Engine(store, readers=1)
    engine.start()
    try:
        inferences = engine.health()["inferences"]
        assert inferences["current"] is False, inferences
        behind = time.time() - written_at
        assert behind - 0.5 <= inferences["behind_seconds"] <= behind + 0.5, inferences
        wait_for_current(engine)
        assert inferred(engine, "written")
    finally:
        engine.stop()
    engine = Engine(store, readers=1)
    engine.start()
    try:
        assert engine.health()["inferences"]["current"] is True
    finally:
        engine.stop()


def test_a_graph_loaded_again_unchanged_is_behind_only_until_one_refresh_finds_so(
    tmp_path: Path, synthetic_store_path: Path, synthetic_file: Path
) -> None:
    """The load records cannot tell a file loaded again with the same content (`plangraph
    load --force`) from a changed one; the refresh finds nothing to do and says so in the
    store, so that the next start finds the inferences current."""
    store = copy_of(synthetic_store_path, tmp_path)
    wait = reasoned_at(store) + 1 - time.time()
    if wait > 0:
        time.sleep(wait)
    plan_store = PlanStore.open(store)
    try:
        plan_store.load([(synthetic.SYNTHETIC_GRAPH, synthetic_file)], force=True)
        assert reasoning.is_current(plan_store)
    finally:
        plan_store.close()
    time.sleep(1.0)
    engine = Engine(store, readers=1)
    engine.start()
    try:
        assert engine.health()["inferences"]["current"] is False
        wait_for_current(engine)
    finally:
        engine.stop()
    engine = Engine(store, readers=1)
    engine.start()
    try:
        assert engine.health()["inferences"]["current"] is True
    finally:
        engine.stop()


def test_a_record_that_names_no_inputs_is_behind_until_one_refresh_records_them(
    tmp_path: Path, synthetic_store_path: Path
) -> None:
    """An inferred graph whose record does not say what it was derived from cannot be told
    current from the records; the refresh finds it current and records its inputs."""
    store = copy_of(synthetic_store_path, tmp_path)
    raw = ox.Store(str(store))
    derived = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    inferred_graph = ox.NamedNode(reasoning.INFERRED_GRAPH)
    for quad in list(raw.quads_for_pattern(inferred_graph, derived, None, None)):
        raw.remove(quad)
    raw.flush()
    del raw
    for expected in (False, True):
        engine = Engine(store, readers=1)
        engine.start()
        try:
            assert engine.health()["inferences"]["current"] is expected
            wait_for_current(engine)
        finally:
            engine.stop()


def test_a_current_store_says_current_from_the_start_and_is_not_refreshed(
    tmp_path: Path, synthetic_store_path: Path
) -> None:
    store = copy_of(synthetic_store_path, tmp_path)
    engine = Engine(store, readers=1)
    engine.start()
    try:
        generation = engine.generation
        inferences = engine.health()["inferences"]
        assert inferences["current"] is True and inferences["problem"] is None, inferences
        time.sleep(2.0)
        assert engine.health()["inferences"]["refreshing"] is False
        assert engine.generation == generation, "a refresh ran on current inferences"
    finally:
        engine.stop()


def test_a_store_without_inferences_has_nothing_to_refresh(tmp_path: Path) -> None:
    path = tmp_path / "store"
    raw = ox.Store(str(path))
    raw.add(ox.Quad(ox.NamedNode(f"{PLANS}/a"), ox.NamedNode(f"{PG}p"), ox.Literal("1")))
    raw.flush()
    del raw
    engine = Engine(path, readers=1)
    engine.start()
    try:
        generation = engine.generation
        assert engine.health()["inferences"]["current"] is True
        time.sleep(1.0)
        assert engine.health()["inferences"]["refreshing"] is False
        assert engine.generation == generation, "a refresh ran on a store without inferences"
    finally:
        engine.stop()


def test_health_lists_inferences_behind_without_making_the_server_unready(
    tmp_path: Path, synthetic_store_path: Path, synthetic_file: Path
) -> None:
    store = copy_of(synthetic_store_path, tmp_path)
    load_changed_register(store, synthetic_file, tmp_path)
    with in_process(store, refresh_inferences=False) as server, server.client() as client:
        health = client.get("/health")
        assert health.status_code == 200
        body = health.json()
        assert body["status"] == "ok"
        assert body["inferences"]["current"] is False
        assert body["inferences"]["behind_seconds"] is not None
        assert any("inferences" in p for p in body["problems"]), body["problems"]
        ready = client.get("/health/ready")
        assert ready.status_code == 200, ready.json()


def test_the_meta_graph_keeps_no_mark_once_refreshed(
    tmp_path: Path, synthetic_store_path: Path
) -> None:
    store = copy_of(synthetic_store_path, tmp_path)
    engine = Engine(store, readers=1)
    engine.start()
    try:
        plan = f"INSERT DATA {{ GRAPH <{PLANS}> {{ <{PLANS}/marked> a <{PG}ThemePlan> }} }}"
        assert isinstance(engine.write(Update(plan), 30), Done)
        wait_for_current(engine)
    finally:
        engine.stop()
    plan_store = PlanStore.open(store)
    try:
        record = plan_store.load_record(reasoning.INFERRED_GRAPH)
    finally:
        plan_store.close()
    assert PG + "staleSince" not in record, record
