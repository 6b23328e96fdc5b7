"""The store on disk: loads are idempotent, replace graphs whole, and are atomic."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph import store as store_module
from plangraph.data import synthetic
from plangraph.namespaces import GRAPH_BASE, META_GRAPH
from plangraph.store import LoadError, PlanStore, update_marking_loads
from tests.support.paths import run_cli

GOOD = """@prefix ex: <https://example.org/> .
ex:a ex:p ex:b .
ex:a ex:q "one" .
"""

GOOD_V2 = """@prefix ex: <https://example.org/> .
ex:a ex:p ex:c .
"""

# Line 3 is broken: the literal is never closed.
BROKEN = """@prefix ex: <https://example.org/> .
ex:a ex:p ex:b .
ex:a ex:q "unterminated .
"""


def snapshot(store: PlanStore) -> set[tuple[str, str, str, str]]:
    """Every quad of the store, as plain strings, to compare states exactly."""
    return {
        (str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
        for q in store.raw.quads_for_pattern(None, None, None, None)
    }


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def count_rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that gets, for each rebuild of a store from now on, the number of its changes."""
    rebuilds: list[int] = []
    original = PlanStore._rebuild

    def spy(self: PlanStore, changes: list[store_module._Change]) -> None:
        rebuilds.append(len(changes))
        original(self, changes)

    monkeypatch.setattr(PlanStore, "_rebuild", spy)
    return rebuilds


def test_load_puts_each_file_in_its_own_graph(tmp_path: Path) -> None:
    store = PlanStore.open(tmp_path / "store")
    one = write(tmp_path / "one.ttl", GOOD)
    two = write(tmp_path / "two.ttl", GOOD_V2)
    results = store.load([(GRAPH_BASE + "one", one), (GRAPH_BASE + "two", two)])
    assert [(r.graph, r.triples, r.skipped) for r in results] == [
        (GRAPH_BASE + "one", 2, False),
        (GRAPH_BASE + "two", 1, False),
    ]
    graphs = {g.iri: g for g in store.graphs()}
    assert set(graphs) == {GRAPH_BASE + "one", GRAPH_BASE + "two"}
    assert graphs[GRAPH_BASE + "one"].loaded_from == str(one.resolve())
    store.close()


def test_the_store_persists_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = PlanStore.open(path)
    store.load([(GRAPH_BASE + "one", write(tmp_path / "one.ttl", GOOD))])
    store.close()
    reopened = PlanStore.open(path)
    assert reopened.triple_count(GRAPH_BASE + "one") == 2
    reopened.close()


def test_loading_the_same_file_again_changes_nothing(tmp_path: Path) -> None:
    store = PlanStore.open(tmp_path / "store")
    file = write(tmp_path / "one.ttl", GOOD)
    store.load([(GRAPH_BASE + "one", file)])
    before = snapshot(store)
    (result,) = store.load([(GRAPH_BASE + "one", file)])
    assert result.skipped and result.triples == 2
    assert snapshot(store) == before
    (forced,) = store.load([(GRAPH_BASE + "one", file)], force=True)
    assert not forced.skipped
    assert {q for q in snapshot(store) if "_meta" not in q[3]} == {
        q for q in before if "_meta" not in q[3]
    }
    store.close()


def test_a_reload_replaces_the_graph_whole(tmp_path: Path) -> None:
    store = PlanStore.open(tmp_path / "store")
    file = write(tmp_path / "one.ttl", GOOD)
    other = write(tmp_path / "other.ttl", GOOD)
    store.load([(GRAPH_BASE + "one", file), (GRAPH_BASE + "other", other)])
    write(file, GOOD_V2)
    store.load([(GRAPH_BASE + "one", file)])
    one = {q[:3] for q in snapshot(store) if q[3] == f"<{GRAPH_BASE}one>"}
    assert one == {
        ("<https://example.org/a>", "<https://example.org/p>", "<https://example.org/c>")
    }
    assert store.triple_count(GRAPH_BASE + "other") == 2  # untouched
    store.close()


def test_a_malformed_file_names_file_line_and_column_and_changes_nothing(tmp_path: Path) -> None:
    store = PlanStore.open(tmp_path / "store")
    good = write(tmp_path / "good.ttl", GOOD)
    store.load([(GRAPH_BASE + "good", good)])
    before = snapshot(store)
    broken = write(tmp_path / "broken.ttl", BROKEN)
    # The good file is listed first and has changed: it must not be loaded either.
    write(good, GOOD_V2)
    with pytest.raises(LoadError) as caught:
        store.load([(GRAPH_BASE + "good", good), (GRAPH_BASE + "broken", broken)])
    assert caught.value.file == broken
    assert caught.value.line == 3
    assert caught.value.column is not None
    assert str(caught.value).startswith(f"{broken}:3:")
    assert snapshot(store) == before
    store.close()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.ttl", "", "holds no triples"),
        ("data.csv", "a,b\n", "unknown RDF format"),
        ("bad.nt", "<https://example.org/a> <https://example.org/b> .\n", "object of a triple"),
        ("bad-iri.ttl", "<https://example.org/a b> <https://example.org/p> 1 .\n", "Invalid IRI"),
    ],
)
def test_other_bad_files_are_refused(tmp_path: Path, name: str, content: str, message: str) -> None:
    store = PlanStore.open(tmp_path / "store")
    store.load([(GRAPH_BASE + "good", write(tmp_path / "good.ttl", GOOD))])
    before = snapshot(store)
    with pytest.raises(LoadError, match=message):
        store.load([(GRAPH_BASE + "x", write(tmp_path / name, content))])
    assert snapshot(store) == before
    store.close()


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    store = PlanStore.open(tmp_path / "store")
    with pytest.raises(LoadError, match="no such file"):
        store.load([(GRAPH_BASE + "x", tmp_path / "nowhere.ttl")])
    store.close()


def test_a_failure_during_the_write_rolls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after the store was changed (here: a disk error after the write) restores it."""
    store = PlanStore.open(tmp_path / "store")
    store.load([(GRAPH_BASE + "one", write(tmp_path / "one.ttl", GOOD))])
    before = snapshot(store)
    first = write(tmp_path / "one.ttl", GOOD_V2)
    second = write(tmp_path / "two.ttl", GOOD)
    original = store_module._write
    written: list[int] = []

    def write_then_fail(target: ox.Store, changes: list[store_module._Change]) -> None:
        original(target, changes)
        written.append(len(target))
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(store_module, "_write", write_then_fail)
    with pytest.raises(OSError, match="disk full"):
        store.load([(GRAPH_BASE + "one", first), (GRAPH_BASE + "two", second)])
    assert written, "the failure came after the store had been written"
    assert snapshot(store) == before
    store.close()
    reopened = PlanStore.open(tmp_path / "store")
    assert snapshot(reopened) == before
    reopened.close()


def test_a_load_killed_half_way_is_rolled_back_on_next_open(tmp_path: Path) -> None:
    """kill -9 in the middle of a real load: the next open finds the store as it was."""
    path = tmp_path / "store"
    store = PlanStore.open(path)
    store.load([(GRAPH_BASE + "one", write(tmp_path / "one.ttl", GOOD))])
    before = snapshot(store)
    store.close()

    big = tmp_path / "big.nt"
    synthetic.write(big, municipalities=40, seed=7)
    child = subprocess.Popen(
        [sys.executable, "-m", "plangraph", "load", str(big), "--store", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    checkpoint = path.with_name(path.name + ".checkpoint")
    deadline = time.monotonic() + 120
    while not checkpoint.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert checkpoint.exists(), "the load started writing"
    time.sleep(0.5)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL, "killed before it finished"

    reopened = PlanStore.open(path)
    assert snapshot(reopened) == before
    assert not checkpoint.exists()
    reopened.close()


def test_the_cli_reports_a_malformed_file_with_exit_code_2(tmp_path: Path) -> None:
    path = tmp_path / "store"
    ok = run_cli("load", write(tmp_path / "good.ttl", GOOD).as_posix(), "--store", str(path))
    assert ok.returncode == 0, ok.stderr
    broken = write(tmp_path / "broken.ttl", BROKEN)
    failed = run_cli("load", str(broken), "--store", str(path))
    assert failed.returncode == 2
    assert f"{broken}:3:" in failed.stderr
    assert "as it was" in failed.stderr
    store = PlanStore.open(path)
    assert [g.iri for g in store.graphs()] == [GRAPH_BASE + "file/good"]
    store.close()


def test_a_second_writer_is_told_the_store_is_busy(tmp_path: Path) -> None:
    path = tmp_path / "store"
    holder = PlanStore.open(path)
    result = run_cli("info", "--store", str(path))
    assert result.returncode == 2
    assert f"is held by process {os.getpid()}" in result.stderr
    holder.close()


def test_opening_a_store_another_holder_is_loading_leaves_its_load_alone(tmp_path: Path) -> None:
    """A load in progress keeps a checkpoint beside the store; from outside it looks like an
    interrupted load. A second opener must be refused before it 'recovers' it: putting the
    checkpoint back would undo the holder's store under it."""
    path = tmp_path / "store"
    holder = PlanStore.open(path)
    holder.load([(GRAPH_BASE + "file/good", write(tmp_path / "good.ttl", GOOD))])
    checkpoint = path.with_name(path.name + ".checkpoint")
    checkpoint.mkdir()  # what a load in progress keeps (an empty one: a wrong one to restore)
    with pytest.raises(store_module.StoreLockedError, match="open in another process"):
        PlanStore.open(path)
    assert checkpoint.is_dir(), "the second opener touched the holder's checkpoint"
    assert [g.iri for g in holder.graphs()] == [GRAPH_BASE + "file/good"]
    holder.close()
    checkpoint.rmdir()
    again = PlanStore.open(path)  # the guard is let go with the store
    assert [g.iri for g in again.graphs()] == [GRAPH_BASE + "file/good"]
    again.close()


def test_the_default_store_location_follows_the_environment(tmp_path: Path) -> None:
    result = run_cli(
        "load",
        write(tmp_path / "good.ttl", GOOD).as_posix(),
        env={"PLANGRAPH_STORE": str(tmp_path / "from-env")},
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from-env").is_dir()
    xdg = run_cli(
        "load",
        (tmp_path / "good.ttl").as_posix(),
        env={"XDG_DATA_HOME": str(tmp_path / "xdg"), "PLANGRAPH_STORE": ""},
    )
    assert xdg.returncode == 0, xdg.stderr
    assert (tmp_path / "xdg" / "plangraph" / "store").is_dir()


def test_a_reader_sees_the_graph_it_loaded(tmp_path: Path) -> None:
    """A plain pyoxigraph client can read the store plangraph wrote (nothing hidden in it)."""
    path = tmp_path / "store"
    store = PlanStore.open(path)
    store.load([(GRAPH_BASE + "one", write(tmp_path / "one.ttl", GOOD))])
    store.close()
    reader = ox.Store.read_only(str(path))
    assert ox.NamedNode(GRAPH_BASE + "one") in set(reader.named_graphs())


def national_like(tmp_path: Path, name: str, seed: int) -> Path:
    """A synthetic file big enough (about 245,000 triples) for the rebuild path."""
    path = tmp_path / name
    synthetic.write(path, municipalities=25, seed=seed)
    return path


def test_a_bulk_load_compacts_the_store_and_a_small_one_does_not(tmp_path: Path) -> None:
    store = PlanStore.open(tmp_path / "store")
    said: list[str] = []
    store.load([(GRAPH_BASE + "small", write(tmp_path / "small.ttl", GOOD))], progress=said.append)
    assert "compacting the store" not in said
    big = national_like(tmp_path, "big.nt", seed=3)
    store.load([(GRAPH_BASE + "big", big)], progress=said.append)
    assert said[-1] == "compacting the store"
    assert store.triple_count(GRAPH_BASE + "big") == sum(1 for _ in ox.parse(path=big))
    store.close()


def test_replacing_a_big_graph_rebuilds_the_store_and_keeps_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = PlanStore.open(tmp_path / "store")
    small = write(tmp_path / "small.ttl", GOOD)
    big_v1 = national_like(tmp_path, "v1.nt", seed=1)
    big = GRAPH_BASE + "big"
    store.load([(GRAPH_BASE + "small", small), (big, big_v1)])
    small_quads = {q for q in snapshot(store) if q[3] == f"<{GRAPH_BASE}small>"}

    rebuilds = count_rebuilds(monkeypatch)
    big_v2 = national_like(tmp_path, "v2.nt", seed=2)
    (result,) = store.load([(big, big_v2)])
    assert rebuilds == [1], "a big graph over a small rest is replaced by a rebuild"
    expected = {(str(t.subject), str(t.predicate), str(t.object)) for t in ox.parse(path=big_v2)}
    got = {q[:3] for q in snapshot(store) if q[3] == f"<{big}>"}
    assert got == expected
    assert result.triples == len(expected)
    assert {q for q in snapshot(store) if q[3] == f"<{GRAPH_BASE}small>"} == small_quads
    assert {g.iri for g in store.graphs()} == {big, GRAPH_BASE + "small"}
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith("store.")]
    assert leftovers == ["store.lock"], "only the lock file the store is guarded by stays"
    store.close()


def test_a_rebuild_killed_half_way_leaves_one_whole_state(tmp_path: Path) -> None:
    """Killed at any moment of a rebuild, the store opens as the old state or the new one."""
    path = tmp_path / "store"
    big = GRAPH_BASE + "big"
    store = PlanStore.open(path)
    store.load([(big, national_like(tmp_path, "v1.nt", seed=1))])
    before = store.triple_count(big)
    store.close()
    v2 = national_like(tmp_path, "v2.nt", seed=2)
    after = sum(1 for _ in ox.parse(path=v2))
    assert before != after

    child = subprocess.Popen(
        [sys.executable, "-m", "plangraph", "load", str(v2), "--graph", big, "--store", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    building = path.with_name("store.rebuild")
    deadline = time.monotonic() + 120
    while not building.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert building.exists(), "the rebuild started"
    time.sleep(0.3)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL, "killed before it finished"
    reopened = PlanStore.open(path)
    assert reopened.triple_count(big) in (before, after)
    assert [g.iri for g in reopened.graphs()] == [big]
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith("store.")]
    assert leftovers == ["store.lock"], "only the lock file the store is guarded by stays"
    reopened.close()


def parts_of(text: str, size: int) -> list[bytes]:
    """N-Triples in parts of ``size`` lines, as plangraph's own writers hand them over."""
    lines = text.splitlines(keepends=True)
    return ["".join(lines[i : i + size]).encode() for i in range(0, len(lines), size)]


def test_a_graph_written_in_parts_holds_every_part_and_keeps_blank_node_labels(
    tmp_path: Path,
) -> None:
    store = PlanStore.open(tmp_path / "store")
    store.load([(GRAPH_BASE + "one", write(tmp_path / "one.ttl", GOOD))])
    text = "".join(
        f'<https://example.org/s{i}> <https://example.org/p> "{i}" .\n' for i in range(10)
    )
    parts = [*parts_of(text, 4), b"_:interval7 <https://example.org/p> <https://example.org/o> .\n"]
    store.bulk_write_graph(GRAPH_BASE + "parts", iter(parts), sha256="abc", loaded_from="test")
    assert store.triple_count(GRAPH_BASE + "parts") == 11
    assert store.recorded_sha256(GRAPH_BASE + "parts") == "abc"
    blank = ox.Quad(
        ox.BlankNode("interval7"),
        ox.NamedNode("https://example.org/p"),
        ox.NamedNode("https://example.org/o"),
        ox.NamedNode(GRAPH_BASE + "parts"),
    )
    assert blank in store.raw, "the blank node keeps the label it was written with"
    store.close()


@pytest.mark.parametrize("way", ["new graph", "replacing in place", "replacing by a rebuild"])
def test_a_graph_written_in_parts_is_all_or_nothing(
    tmp_path: Path, way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the parts stop with an error (the computation behind them failed) or a part does not
    parse, the store is as it was: the parts already loaded are gone, a replaced graph is back."""
    replacing = way != "new graph"
    rebuilds = count_rebuilds(monkeypatch)
    if way == "replacing by a rebuild":
        monkeypatch.setattr(store_module, "_REBUILD_MIN", 0)
    store = PlanStore.open(tmp_path / "store")
    store.load([(GRAPH_BASE + "one", write(tmp_path / "one.ttl", GOOD))])
    graph = GRAPH_BASE + "parts"
    text = "".join(
        f'<https://example.org/s{i}> <https://example.org/p> "{i}" .\n' for i in range(9)
    )
    if replacing:
        store.bulk_write_graph(graph, iter(parts_of(text, 3)), sha256="v1", loaded_from="test")
    before = snapshot(store)

    def failing() -> Iterator[bytes]:
        yield from parts_of(text.replace("<https://example.org/p>", "<https://example.org/q>"), 3)
        raise RuntimeError("the rules stopped (simulated)")

    with pytest.raises(RuntimeError, match="simulated"):
        store.bulk_write_graph(graph, failing(), sha256="v2", loaded_from="test")
    assert snapshot(store) == before
    broken = [parts_of(text, 3)[0], b"<https://example.org/s> <https://example.org/p> .\n"]
    with pytest.raises(LoadError, match="test"):
        store.bulk_write_graph(graph, iter(broken), sha256="v2", loaded_from="test")
    assert snapshot(store) == before
    assert len(rebuilds) == (2 if way == "replacing by a rebuild" else 0)
    if replacing:
        store.bulk_write_graph(graph, iter(parts_of(text, 2)[:2]), sha256="v3", loaded_from="t")
        assert store.triple_count(graph) == 4, "a successful write replaces the graph whole"
        assert store.triple_count(GRAPH_BASE + "one") == 2
        before = snapshot(store)
    store.close()
    reopened = PlanStore.open(tmp_path / "store")
    assert snapshot(reopened) == before
    reopened.close()


def test_a_rebuild_copies_every_kept_graph_and_keeps_blank_node_labels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A graph without blank nodes is copied by pyoxigraph's dump and bulk loader, one with
    them quad by quad: either way the rebuilt store holds the same quads, labels included."""
    monkeypatch.setattr(store_module, "_REBUILD_MIN", 0)
    store = PlanStore.open(tmp_path / "store")
    blank = "_:interval1 <https://example.org/p> <https://example.org/o> .\n"
    store.load(
        [
            (GRAPH_BASE + "plain", write(tmp_path / "plain.ttl", GOOD)),
            (GRAPH_BASE + "blank", write(tmp_path / "blank.nt", blank)),
        ]
    )
    graph = GRAPH_BASE + "parts"
    big = "".join(
        f"<https://example.org/b{i}> <https://example.org/p> <https://example.org/o> .\n"
        for i in range(40)
    )
    store.bulk_write_graph(graph, iter(parts_of(big, 10)), sha256="v1", loaded_from="test")
    rebuilds = count_rebuilds(monkeypatch)
    others = (f"<{graph}>", f"<{META_GRAPH}>")  # the graph replaced and the load records
    kept = {q for q in snapshot(store) if q[3] not in others}
    assert (
        "_:interval1",
        "<https://example.org/p>",
        "<https://example.org/o>",
        f"<{GRAPH_BASE}blank>",
    ) in kept
    text = "".join(
        f'<https://example.org/s{i}> <https://example.org/p> "{i}" .\n' for i in range(9)
    )
    store.bulk_write_graph(graph, iter(parts_of(text, 4)), sha256="v2", loaded_from="test")
    assert {q for q in snapshot(store) if q[3] not in others} == kept
    assert store.triple_count(graph) == 9
    assert rebuilds == [1], "the big graph over a small rest was replaced by a rebuild"
    store.close()


def test_a_rebuild_copies_a_graph_from_its_file_only_while_the_file_stands_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept N-Triples graph is copied from the file it was loaded from (no dump) while the
    record proves them the same; after a SPARQL update, or a change to the file, the graph
    is copied from the store, so the rebuild keeps what the store holds."""
    monkeypatch.setattr(store_module, "_REBUILD_MIN", 0)
    store = PlanStore.open(tmp_path / "store")
    kept, graph = GRAPH_BASE + "kept", GRAPH_BASE + "replaced"
    file = write(
        tmp_path / "kept.nt",
        "<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n",
    )
    store.load([(kept, file)])
    copied_from: list[Path | None] = []
    original = store_module._copy_graph

    def spy(source: ox.Store, target: ox.Store, g: object, file: Path | None = None) -> None:
        if g == ox.NamedNode(kept):
            copied_from.append(file)
        original(source, target, g, file)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "_copy_graph", spy)
    big = "".join(
        f'<https://example.org/b{i}> <https://example.org/p> "{i}" .\n' for i in range(40)
    )

    def replace_the_big_graph(version: str) -> set[tuple[str, str, str, str]]:
        store.bulk_write_graph(graph, iter([big.encode()]), sha256=version, loaded_from="test")
        return {q for q in snapshot(store) if q[3] == f"<{kept}>"}

    replace_the_big_graph("v1")
    assert replace_the_big_graph("v2") == {q for q in snapshot(store) if q[3] == f"<{kept}>"}
    assert copied_from == [file], "unchanged: copied from the file"

    added = ox.Quad(*(ox.NamedNode(f"https://example.org/{x}") for x in "cpd"), ox.NamedNode(kept))
    update_marking_loads(store.raw, f"INSERT DATA {{ GRAPH <{kept}> {{ {added.triple} }} }}")
    replace_the_big_graph("v3")
    assert added in store.raw, "the update survives the rebuild"
    assert copied_from[-1] is None

    store.load([(kept, file)], force=True)  # a fresh record; then the file changes on disk
    file.write_text("<https://example.org/x> <https://example.org/p> <https://example.org/y> .\n")
    before = {q for q in snapshot(store) if q[3] == f"<{kept}>"}
    replace_the_big_graph("v4")
    assert {q for q in snapshot(store) if q[3] == f"<{kept}>"} == before
    assert copied_from[-1] is None
    store.close()


def test_an_update_and_the_mark_on_the_load_records_are_one_transaction(
    tmp_path: Path,
) -> None:
    """The endpoint's writer runs a SPARQL update with the mark that the files no longer stand
    for their graphs (pg:updatedSinceLoad) in one request: either both are in the store or
    neither, so a failed or stopped update never leaves records vouching for changed graphs."""
    store = PlanStore.open(tmp_path / "store")
    file = tmp_path / "g.nt"
    file.write_text("<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n")
    graph = "https://example.org/graph/g"
    store.load([(graph, file)])
    marks = f"ASK {{ GRAPH ?m {{ ?g <{store_module.UPDATED_SINCE_LOAD}> true }} }}"
    insert = "INSERT DATA { <https://example.org/c> <https://example.org/p> 1 }"

    def state() -> tuple[bool, bool]:
        added = ox.NamedNode("https://example.org/c")
        return bool(store.raw.query(marks)), any(store.raw.quads_for_pattern(added, None, None))

    # The second operation fails when it runs (a LOAD of a port no HTTP client may use): the
    # insert before it and the mark are undone with it.
    with pytest.raises(OSError):
        update_marking_loads(store.raw, f"{insert} ; LOAD <http://127.0.0.1:1/x>")
    assert state() == (False, False)
    assert store.unchanged_sha256(graph) is not None

    # A syntax error is told as of the text as sent, not of the request it was joined into
    # (here, unclosed, the joined request would fail after it, on line 4).
    with pytest.raises(SyntaxError) as error:
        update_marking_loads(store.raw, "INSERT DATA {\n  <https://example.org/a> <b:b> <c:c> .")
    assert "error at 2:" in str(error.value), str(error.value)
    assert state() == (False, False)

    class StoppedAfterOneRequest:
        """The store as a writer sees it that is killed after its first request completes."""

        def __init__(self, raw: ox.Store) -> None:
            self.raw, self.requests = raw, 0

        def update(self, text: str, **options: object) -> None:
            self.requests += 1
            if self.requests > 1:
                raise SystemExit("killed")
            self.raw.update(text, **options)  # type: ignore[arg-type]

    update_marking_loads(StoppedAfterOneRequest(store.raw), insert)  # type: ignore[arg-type]
    assert state() == (True, True)
    assert store.unchanged_sha256(graph) is None

    # Texts that end open: a ";" of their own (before a comment), a prologue alone.
    update_marking_loads(
        store.raw, "PREFIX ex: <https://example.org/>\nINSERT DATA { ex:e ex:p 2 } ; # done"
    )
    assert any(store.raw.quads_for_pattern(ox.NamedNode("https://example.org/e"), None, None))
    update_marking_loads(store.raw, "PREFIX ex: <https://example.org/> # nothing to do")
    store.close()


def test_all_or_nothing_puts_the_store_back_when_the_block_fails(tmp_path: Path) -> None:
    """A write whose follow-up fails (in the server: the generation after it, on a full disk)
    is undone, and the store takes writes again; an error the block raises before changing
    anything goes through without a restore."""
    plan_store = PlanStore.open(tmp_path / "store")
    a, p = ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p")
    plan_store.raw.add(ox.Quad(a, p, ox.Literal("kept")))
    with pytest.raises(OSError, match="no room"), plan_store.all_or_nothing():
        plan_store.raw.add(ox.Quad(a, p, ox.Literal("undone")))
        raise OSError("no room")
    assert [q.object.value for q in plan_store.raw] == ["kept"]
    with pytest.raises(SyntaxError), plan_store.all_or_nothing(unchanged_on=(SyntaxError,)):
        plan_store.raw.update("INSERT DATA { oops")
    plan_store.raw.add(ox.Quad(a, p, ox.Literal("later")))
    plan_store.close()
    reopened = PlanStore.open(tmp_path / "store")
    assert sorted(q.object.value for q in reopened.raw) == ["kept", "later"]
    assert not (tmp_path / "store.checkpoint").exists()
    reopened.close()
