"""Reasoning on a store: the inferences of its graphs, written to a named graph of their own.

:func:`reason` reads the store's input graphs (:func:`input_graphs`), compiles their T-box
(:mod:`plangraph.reasoning.program`), reads the facts the rules need and applies the rules
(:mod:`plangraph.reasoning.rules`), and writes what they conclude beyond the inputs to
:data:`INFERRED_GRAPH`: atomically, replacing the previous inferences whole.

The facts of a graph whose load record proves it unchanged (same SHA-256 and triple count, no
blank nodes) are read from the file it was loaded from, which polars splits into terms faster
than the same triples decode from the store; the others from the store. The conclusions are
written by a thread, in one bulk load, while the checks run (:class:`_Writer`). Doing the
rules in pyoxigraph instead (``INSERT … WHERE``) or with owlrl on everything was far slower
(``benchmarks/README.md``).

Freshness
    The inferred graph's load record in the ``_meta`` graph names its inputs
    (``prov:wasDerivedFrom``), says the reasoner made it (``pg:loadedFrom``) and keeps, as
    ``pg:sha256``, the checksum of its inputs: each input graph's recorded file checksum (or a
    checksum of its content, for a graph with no load record) and its triple count. ``reason``
    does nothing when that checksum is unchanged, unless forced; :func:`is_current` tells
    without reasoning.
"""

from __future__ import annotations

import gc
import hashlib
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Final

import polars as pl
import pyoxigraph as ox

from plangraph.namespaces import GRAPH_BASE, META_GRAPH, STAGING_PREFIX
from plangraph.reasoning import rules
from plangraph.reasoning.program import (
    Graphs,
    Program,
    UnsupportedConstruct,
    compile_program,
    compile_schema,
    schema_triples,
)
from plangraph.reasoning.rules import Finding
from plangraph.store import PlanStore

__all__ = [
    "INFERRED_GRAPH",
    "MADE_BY",
    "ReasonResult",
    "input_graphs",
    "inputs_sha256",
    "is_current",
    "reason",
]

INFERRED_GRAPH: Final = GRAPH_BASE + "inferred"
"""The named graph that holds the inferences."""

MADE_BY: Final = "plangraph reason (OWL 2 RL)"
"""What the inferred graph's load record gives as ``pg:loadedFrom``."""

_PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"


@dataclass(frozen=True)
class ReasonResult:
    """What one run of :func:`reason` did."""

    graph: str
    triples: int
    inputs: tuple[str, ...]
    inputs_sha256: str
    skipped: bool
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    read_from_files: tuple[str, ...] = ()

    @property
    def consistent(self) -> bool:
        """Whether no check found an inconsistency (``prp-fp``/``prp-ifp`` findings aside)."""
        return not any(f.inconsistent for f in self.findings)


# ---------------------------------------------------------------------------------------------
# Inputs and their checksum
# ---------------------------------------------------------------------------------------------


def input_graphs(store: PlanStore) -> Graphs:
    """The graphs reasoning reads: every named graph but the inferences, ``_meta`` and staging
    graphs, and the default graph if it holds anything; sorted."""
    raw = store.raw
    names = sorted(
        g.value
        for g in raw.named_graphs()
        if isinstance(g, ox.NamedNode)
        and g.value not in (INFERRED_GRAPH, META_GRAPH)
        and not g.value.startswith(STAGING_PREFIX)
    )
    graphs: Graphs = [ox.NamedNode(n) for n in names]
    if next(iter(raw.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        graphs.append(ox.DefaultGraph())
    return graphs


def _graph_name(graph: ox.NamedNode | ox.DefaultGraph) -> str:
    return graph.value if isinstance(graph, ox.NamedNode) else "default graph"


def _count(store: PlanStore, graph: ox.NamedNode | ox.DefaultGraph) -> int:
    where = f"GRAPH {graph} {{ ?s ?p ?o }}" if isinstance(graph, ox.NamedNode) else "?s ?p ?o"
    result = store.raw.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    assert isinstance(result, ox.QuerySolutions)
    n = next(iter(result))["n"]
    assert isinstance(n, ox.Literal)
    return int(n.value)


def _content_sha256(store: PlanStore, graph: ox.NamedNode | ox.DefaultGraph) -> str:
    """An order-independent checksum of a graph's triples (for graphs with no load record)."""
    total = 0
    for quad in store.raw.quads_for_pattern(None, None, None, graph):
        line = f"{quad.subject} {quad.predicate} {quad.object}".encode()
        total = (total + int.from_bytes(hashlib.blake2b(line, digest_size=16).digest())) % (
            1 << 128
        )
    return f"{total:032x}"


def _fingerprints(
    store: PlanStore, graphs: Iterable[ox.NamedNode | ox.DefaultGraph]
) -> dict[str, tuple[str, int]]:
    """Per graph: its recorded file checksum (or its content's) and its triple count."""
    found = {}
    for graph in graphs:
        recorded = store.unchanged_sha256(graph.value) if isinstance(graph, ox.NamedNode) else None
        sha = recorded or "content:" + _content_sha256(store, graph)
        found[_graph_name(graph)] = (sha, _count(store, graph))
    return found


def _digest(fingerprints: dict[str, tuple[str, int]]) -> str:
    lines = sorted(f"{name} {sha} {count}" for name, (sha, count) in fingerprints.items())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def inputs_sha256(store: PlanStore, graphs: Iterable[ox.NamedNode | ox.DefaultGraph]) -> str:
    """The checksum of the inputs: each graph's recorded file checksum (or its content's, if it
    has no load record) and its triple count."""
    return _digest(_fingerprints(store, graphs))


def _recorded_inputs_sha256(store: PlanStore) -> str | None:
    if not store.raw.contains_named_graph(ox.NamedNode(INFERRED_GRAPH)):
        return None
    return store.recorded_sha256(INFERRED_GRAPH)


def is_current(store: PlanStore) -> bool:
    """Whether the inferred graph exists and was computed from the store's present inputs."""
    recorded = _recorded_inputs_sha256(store)
    return recorded is not None and recorded == inputs_sha256(store, input_graphs(store))


# ---------------------------------------------------------------------------------------------
# Reading the facts: from the store, or from the file a graph was loaded from
# ---------------------------------------------------------------------------------------------


def _read_files(
    store: PlanStore, graphs: Graphs, keep: set[str]
) -> dict[str, tuple[rules.Facts, int]]:
    """For each graph whose file can stand for it, the facts read from the file and the file's
    triple count (to compare with the graph's: a graph changed since its load has another)."""
    found = {}
    for graph in graphs:
        path = store.source_file(graph.value) if isinstance(graph, ox.NamedNode) else None
        read = rules.read_file(path, keep) if path is not None else None
        if read is not None:
            found[_graph_name(graph)] = read
    return found


# ---------------------------------------------------------------------------------------------
# reason()
# ---------------------------------------------------------------------------------------------


def reason(
    store: PlanStore,
    *,
    force: bool = False,
    use_files: bool = True,
    progress: Callable[[str], None] | None = None,
) -> ReasonResult:
    """Materialise the OWL 2 RL entailments of the store's graphs into :data:`INFERRED_GRAPH`.

    Does nothing (``skipped``) if the inputs have not changed since the last run, unless
    ``force``. ``use_files`` lets graphs be read from the files they were loaded from when their
    load records prove them unchanged. The graph is replaced atomically; the findings of the
    checks are in the result and never stop the run.

    Raises:
        UnsupportedConstruct: the ontology uses an OWL 2 RL construct the rules do not cover.
    """
    # Millions of tuples of strings, none in a cycle: the cyclic garbage collector would scan
    # them again and again for nothing (``benchmarks/README.md`` says what it cost).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _reason(store, force=force, use_files=use_files, progress=progress)
    finally:
        if collecting:
            gc.enable()


def _reason(
    store: PlanStore,
    *,
    force: bool,
    use_files: bool,
    progress: Callable[[str], None] | None,
) -> ReasonResult:
    say = progress or (lambda _: None)
    started = time.perf_counter()
    phases: dict[str, float] = {}
    clock = [started]

    def lap(name: str) -> None:
        now = time.perf_counter()
        phases[name] = round(now - clock[0], 3)
        clock[0] = now

    graphs = input_graphs(store)
    names = tuple(_graph_name(g) for g in graphs)
    say("checking the inputs and closing the ontology (owlrl)")
    # Counting each graph's triples takes a while on a large store, in pyoxigraph without the
    # GIL: the T-box is closed meanwhile (left unused if nothing changed), and if there are no
    # inferences yet, so that they will be made whatever the count says, the files are read
    # too.
    early: dict[str, tuple[rules.Facts, int]] | None = None
    recorded = _recorded_inputs_sha256(store)
    with ThreadPoolExecutor(max_workers=1) as pool:
        counting = pool.submit(_fingerprints, store, graphs)
        try:
            schema = compile_schema(schema_triples(store, graphs))
            program: Program | UnsupportedConstruct = compile_program(schema)
        except UnsupportedConstruct as error:
            program = error
        if use_files and recorded is None and isinstance(program, Program):
            early = _read_files(store, graphs, program.read())
        fingerprints = counting.result()
    digest = _digest(fingerprints)
    lap("inputs")
    if not force and recorded == digest:
        return ReasonResult(
            INFERRED_GRAPH,
            store.triple_count(INFERRED_GRAPH),
            names,
            digest,
            True,
            round(time.perf_counter() - started, 3),
            phases,
        )
    if isinstance(program, UnsupportedConstruct):
        raise program

    # The writer starts now, with the ontology's own entailments: if the store must be rebuilt
    # to replace the old inferences, it copies the other graphs while the facts are read.
    writer = _Writer(store, digest, [f"{s} {p} {o} .\n" for s, p, o in program.schema.entailed])
    try:
        say("reading the facts")
        keep = program.read()
        if early is None:
            early = _read_files(store, graphs, keep) if use_files else {}
        parts: list[rules.Facts] = []
        from_files: list[str] = []
        for graph in graphs:
            name = _graph_name(graph)
            read = early.get(name)
            if read is not None and read[1] == fingerprints[name][1]:
                parts.append(read[0])
                from_files.append(name)
            else:  # no file, or the graph changed since it was loaded from it
                parts.append(rules.read_store(store, graph, keep))
        asserted = rules.encoded(pl.concat(parts))
        stated = asserted.filter(pl.col("p").is_in(list(program.concluded())))
        lap("read")

        say("applying the rules")
        out = rules.run(rules.prepare(program), asserted)
        writer.add(out, stated)
        lap("rules")
        say("checking consistency while the inferred graph is written")
        findings = rules.check(program.schema, asserted, out)
        lap("checks")
    except BaseException as error:
        failure = writer.abort()
        if failure is not None:  # the writer's own failure is the one to report
            raise failure from error
        raise
    say("finishing the inferred graph")
    total = writer.finish()
    if total == 0:
        store.drop(INFERRED_GRAPH)
    else:
        _record(store, graphs)
    lap("write")

    return ReasonResult(
        INFERRED_GRAPH,
        total,
        names,
        digest,
        False,
        round(time.perf_counter() - started, 3),
        phases,
        tuple(findings),
        tuple(from_files),
    )


class _Writer:
    """Writes the inferred graph in a thread, beside the reasoning.

    It starts as soon as the T-box is closed, with the ontology's own entailments: when the
    store must be rebuilt to replace the old inferences, it copies the other graphs while the
    facts are read. The conclusions (:meth:`add`) become N-Triples that the thread bulk-loads
    (:meth:`PlanStore.bulk_write_graph`: all or nothing) while the checks run: pyoxigraph's bulk
    loader does not hold the GIL. All conclusions go in one part, when the rules are done:
    each further bulk load into a graph that already holds data costs more than one big load
    (RocksDB merges the new files with the old), and the loader, not the rules, takes most of
    the time (``benchmarks/reason.py``). :meth:`finish` waits for the writing and gives the
    number of triples written, :meth:`abort` puts the store back.
    """

    def __init__(self, store: PlanStore, digest: str, first: list[str]) -> None:
        self._store = store
        self._digest = digest
        self._parts: queue.Queue[bytes | BaseException | None] = queue.Queue()  # None: done
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        self.count = 0
        self._queue(first)

    def add(self, found: rules.Facts, asserted: rules.Facts) -> None:
        """Queue the conclusions in ``found`` that ``asserted`` does not state (and none about
        a literal, which RDF cannot have as a subject). Triples with blank nodes go in a part
        of their own, which the store writes keeping the labels (they name the inputs' blank
        nodes); the rest is bulk-loaded."""
        plain, blank = rules.new_conclusions(found, asserted)
        for part in (blank, plain):
            self.count += part.height
            text = rules.lines(part)
            if text:
                self._send(text)

    def _queue(self, lines: list[str]) -> None:
        """Queue lines of N-Triples (without blank nodes) to be written."""
        if lines:
            self.count += len(lines)
            self._send("".join(lines).encode())

    def _send(self, part: bytes) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._load, name="inferred-graph-writer")
            self._thread.start()
        self._parts.put(part)

    def _each_part(self) -> Iterator[bytes]:
        while True:
            part = self._parts.get()
            if isinstance(part, BaseException):
                raise part
            if part is None:
                return
            yield part

    def _load(self) -> None:
        try:
            self._store.bulk_write_graph(
                INFERRED_GRAPH, self._each_part(), sha256=self._digest, loaded_from=MADE_BY
            )
        except BaseException as error:  # handed to the caller by finish()
            self._failure = error

    def finish(self) -> int:
        if self._thread is not None:
            self._parts.put(None)
            self._thread.join()
        if self._failure is not None:
            raise self._failure
        return self.count

    def abort(self) -> BaseException | None:
        """Stop writing and put the store back; the writer's own failure, if it had one."""
        if self._thread is not None:
            stop = RuntimeError("reasoning stopped; the inferred graph was not written")
            self._parts.put(stop)
            self._thread.join()
            if self._failure is not stop:
                return self._failure
        return None


def _record(store: PlanStore, graphs: Graphs) -> None:
    """Make the inferred graph's load record say what it was derived from (its checksum and
    maker are recorded with the graph)."""
    meta = ox.NamedNode(META_GRAPH)
    node = ox.NamedNode(INFERRED_GRAPH)
    raw = store.raw
    for quad in list(raw.quads_for_pattern(node, ox.NamedNode(_PROV_DERIVED), None, meta)):
        raw.remove(quad)
    raw.extend(
        ox.Quad(node, ox.NamedNode(_PROV_DERIVED), g, meta)
        for g in graphs
        if isinstance(g, ox.NamedNode)
    )
