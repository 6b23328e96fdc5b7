"""The endpoint's worker processes: readers that answer read jobs, and the one writer.

This module runs in child processes, ``python -m plangraph.web.engine.worker reader|writer FD …``,
started by :mod:`plangraph.web.engine.pool`; it imports nothing of the web stack but the jobs.

*Readers* open a read-only pyoxigraph store on a *generation*: a RocksDB checkpoint of the store,
taken by the writer after every change. Nobody writes to a checkpoint, so reading it is
well-defined (``Store.read_only`` on a directory that another process writes to is not). A
reader runs a query **and** serialises its results in one call, so the result iterator is
consumed on the thread that created it; it counts rows and bytes as it goes and stops at the
caps. A reader past its deadline is killed by the engine (pyoxigraph cannot be cancelled);
nothing is lost, since a reader holds no state.

The *writer* holds the store open for writing (one read-write handle per directory). It runs
updates and Graph Store writes, each as one pyoxigraph transaction, then takes the next
generation. A write past its deadline is killed too: pyoxigraph writes a transaction only when
it commits, so the store reopens as it was before the write. A write and the generation after
it are one change (:meth:`plangraph.store.PlanStore.all_or_nothing`): if the disk fills up in
between, the write is undone and answered 507, and the store is opened anew so that the next
write, once there is room, goes through.

Each worker takes ``(path, job)`` messages (:func:`plangraph.web.engine.jobs.message`) and
dispatches on the job's type. It answers with one message per job:

* a reader: ``("ok", value)``; ``("bytes", rows, body)`` for a :class:`~.jobs.Serialized`
  answer, with ``None`` for a body larger than :data:`~.jobs.INLINE_BYTES` that follows as raw
  bytes; ``("chunk",)`` and raw bytes for each chunk of a dump; ``("failed", Failed)``;
* the writer: ``("ready", generation, (behind, since))`` once it opened the store (whether
  the inferences lag behind the data, by :func:`inferences_behind`), then ``("ok", value,
  generation or None, stale_inferences)`` or ``("failed", Failed)`` per job.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import errno
import gc
import io
import os
import re
import shutil
import signal
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph as ox

from plangraph.namespaces import LABELS
from plangraph.rebase import Rebase
from plangraph.web.engine.jobs import (
    INLINE_BYTES,
    Checked,
    CheckSubmission,
    DeleteGraph,
    Describe,
    Description,
    Dump,
    Failed,
    GetGraph,
    Graphs,
    Imports,
    Job,
    Open,
    Query,
    Reason,
    Reasoned,
    Serialized,
    Statistics,
    StoreSubmission,
    TripleCounts,
    Update,
    Validate,
    WriteGraph,
    Written,
    job_of,
)

if TYPE_CHECKING:
    from plangraph.publish.catalog import Imported
    from plangraph.store import GraphInfo, PlanStore
    from plangraph.validation import Register, Report, Submission, SubmissionError
    from plangraph.validation.intake import Stored

A = TypeVar("A")
_IDENTITY = Rebase()


class _Refused(Exception):
    """A job that cannot be answered as asked: its :class:`Failed`."""

    def __init__(self, failed: Failed) -> None:
        super().__init__(failed.message)
        self.failed = failed


class _CapExceeded(Exception):
    """An answer grew past a cap; the message names the cap."""


class _CappedBuffer(io.BytesIO):
    """A buffer that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self._limit = limit

    def write(self, data: Any, /) -> int:
        written = super().write(data)
        if self.tell() > self._limit:
            raise _CapExceeded(f"the answer is larger than the cap of {self._limit:,} bytes")
        return written

    def value(self) -> bytes:
        return self.getvalue()


# A row boundary in pyoxigraph's SPARQL JSON: a variable name holds none of ",:}]" and no quote,
# so this cannot start inside a string (see count_rows).
_JSON_ROW = re.compile(rb'\},\{"[^"\\,:}\]]+":\{"type":"')


def count_rows(body: bytes, fmt: ox.QueryResultsFormat) -> int:
    """The number of solutions in serialised ``SELECT`` results, exactly, from the bytes.

    TSV escapes line breaks and XML escapes ``<``, so counting lines or ``<result>`` tags is
    exact. In JSON a row starts at ``},{"name":{"type":"``, which cannot occur inside a string:
    a string's quotes are escaped, so such a match would have to continue after the string's
    closing quote with a variable name, which JSON does not allow. Rows with no binding at all
    (``{}``) and quoted CSV fields are counted by parsing.
    """
    if fmt == ox.QueryResultsFormat.TSV:
        return body.count(b"\n") - 1
    if fmt == ox.QueryResultsFormat.XML:
        return body.count(b"<result>")
    if fmt == ox.QueryResultsFormat.JSON:
        if body.endswith(b'"bindings":[]}}'):
            return 0
        if b"{}" in body:
            parsed = ox.parse_query_results(body, fmt)
            assert isinstance(parsed, ox.QuerySolutions)
            return sum(1 for _ in parsed)
        return 1 + len(_JSON_ROW.findall(body))
    if b'"' not in body:
        return body.count(b"\r\n") - 1
    return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))) - 1


def _dataset_args(job: Query) -> dict[str, Any]:
    args: dict[str, Any] = {"base_iri": job.base_iri}
    if job.default_graph is not None or job.named_graphs is not None:
        # A dataset given by the protocol replaces the query's own, wholly: graphs it does not
        # name are not in it (an empty default graph, or no named graphs).
        rebase = job.rebase or _IDENTITY
        args["default_graph"] = [ox.NamedNode(rebase.to_stored(g)) for g in job.default_graph or ()]
        args["named_graphs"] = [ox.NamedNode(rebase.to_stored(g)) for g in job.named_graphs or ()]
    elif job.union:
        args["use_default_graph_as_union"] = True
    return args


# Formats with one triple a line (a line break inside a literal is escaped): pyoxigraph writes
# them straight from the result, and the lines are counted afterwards.
_LINE_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)


def _construct_answer(result: ox.QueryTriples, job: Query) -> Serialized:
    """Serialise the triples of a ``CONSTRUCT``/``DESCRIBE``, consumed here, within the caps."""
    fmt = ox.RdfFormat.from_media_type(job.media_type)
    assert fmt is not None
    if fmt not in _LINE_FORMATS or not (job.rebase or _IDENTITY).identity:
        return _triples_answer(result, job)
    buffer = _CappedBuffer(job.max_bytes)
    result.serialize(buffer, fmt)
    body = buffer.value()
    triples = body.count(b"\n")
    if triples > job.max_rows:
        raise _CapExceeded(f"the answer has more than the cap of {job.max_rows:,} triples")
    return Serialized(body, triples)


def _triples_answer(triples: Iterable[ox.Triple], job: Query | GetGraph) -> Serialized:
    """Serialise triples from an iterator, consumed here, stopping at the caps."""
    fmt = ox.RdfFormat.from_media_type(job.media_type)
    assert fmt is not None
    rebase = job.rebase or _IDENTITY
    kept: list[ox.Triple] = []
    for triple in rebase.triples(triples):
        kept.append(triple)
        if len(kept) > job.max_rows:
            raise _CapExceeded(f"the answer has more than the cap of {job.max_rows:,} triples")
    buffer = _CappedBuffer(job.max_bytes)
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        items: list[Any] = [ox.Quad(t.subject, t.predicate, t.object) for t in kept]
    else:
        items = kept
    prefixes = dict(job.prefixes) if job.prefixes is not None else None
    ox.serialize(items, buffer, fmt, prefixes=rebase.prefixes(prefixes) or None)
    body = buffer.value()
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        body = used_prefixes_only(body)
    return Serialized(body, len(kept))


_PREFIX_LINE = re.compile(rb"@prefix ([^:\s]*): <[^>]*> \.\n")


def used_prefixes_only(body: bytes) -> bytes:
    """Turtle without the ``@prefix`` lines of prefixes it does not use."""
    header_end = 0
    names: list[tuple[bytes, bytes]] = []
    while match := _PREFIX_LINE.match(body, header_end):
        names.append((match.group(1), match.group()))
        header_end = match.end()
    rest = body[header_end:]
    kept = [line for name, line in names if name + b":" in rest]
    return b"".join(kept) + rest


def _query(store: ox.Store, job: Query) -> Serialized:
    rebase = job.rebase or _IDENTITY
    result = store.query(rebase.query(job.query), **_dataset_args(job))
    if isinstance(result, ox.QueryBoolean):
        fmt = ox.QueryResultsFormat.from_media_type(job.media_type)
        assert fmt is not None
        return Serialized(result.serialize(format=fmt) or b"", 1)
    if isinstance(result, ox.QuerySolutions):
        fmt = ox.QueryResultsFormat.from_media_type(job.media_type)
        assert fmt is not None
        buffer = _CappedBuffer(job.max_bytes)
        result.serialize(buffer, fmt)
        body = buffer.value()
        rows = count_rows(body, fmt)
        if rows > job.max_rows:
            raise _CapExceeded(f"the answer has more than the cap of {job.max_rows:,} rows")
        return Serialized(rebase.results(body, job.media_type), rows)
    return _construct_answer(result, job)


def _get_graph(store: ox.Store, job: GetGraph) -> Serialized:
    """The triples of one graph; a 404 for a named graph that does not exist."""
    graph: ox.NamedNode | ox.DefaultGraph
    if job.graph is None:
        graph = ox.DefaultGraph()
    else:
        graph = ox.NamedNode((job.rebase or _IDENTITY).to_stored(job.graph))
        if not store.contains_named_graph(graph):
            raise _Refused(Failed(404, "no such graph"))
    if job.head:
        return Serialized(b"", 0)
    quads = store.quads_for_pattern(None, None, None, graph)
    return _triples_answer((q.triple for q in quads), job)


def _statistics(store: ox.Store) -> TripleCounts:
    """Triples per graph."""
    named: dict[str, int] = {g.value: 0 for g in store.named_graphs() if hasattr(g, "value")}
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        g, n = row["g"], row["n"]
        if isinstance(g, ox.NamedNode) and isinstance(n, ox.Literal):
            named[g.value] = int(n.value)
    default = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    union = store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", use_default_graph_as_union=True)
    assert isinstance(union, ox.QuerySolutions)
    total = next(iter(union))["n"]
    assert isinstance(total, ox.Literal)
    return TripleCounts(default=default, union=int(total.value), named=named)


def _graphs(store: ox.Store) -> tuple[GraphInfo, ...]:
    """Every named graph with its triple count and load record."""
    from plangraph.store import PlanStore

    return tuple(PlanStore(store, None).graphs())


def _imports(store: ox.Store) -> tuple[Imported, ...]:
    """The imported graphs with their PROV-O records."""
    from plangraph.publish.catalog import imports

    return tuple(imports(store))


_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_OWL_ONTOLOGY = ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")
_LABEL_NODES = tuple(ox.NamedNode(iri) for iri in LABELS)


def _labels_of(store: ox.Store, nodes: set[ox.NamedNode]) -> set[ox.Triple]:
    found: set[ox.Triple] = set()
    for node in nodes:
        for predicate in _LABEL_NODES:
            found.update(q.triple for q in store.quads_for_pattern(node, predicate, None, None))
    return found


def _describe(store: ox.Store, job: Describe) -> Description:
    """What the store knows about one IRI (see :class:`~.jobs.Describe`); a 404 if nothing.

    * ``description``: the resource's triples and the closure of its blank nodes (a Concise
      Bounded Description), over all graphs; for an ``owl:Ontology``, the whole graph that
      declares it (the ontology document, which also describes its ``#`` terms);
    * ``labels``: the labels of every IRI the description points to (predicates too);
    * ``incoming``: up to ``incoming_limit`` triples that point at the resource,
      ``incoming_labels`` the labels of their subjects and predicates, and ``incoming_total``,
      how many such triples there are.
    """
    rebase = job.rebase or _IDENTITY
    node = ox.NamedNode(rebase.to_stored(job.iri))
    description: set[ox.Triple] = set()
    documents = {
        q.graph_name
        for q in store.quads_for_pattern(node, _RDF_TYPE, _OWL_ONTOLOGY, None)
        if isinstance(q.graph_name, ox.NamedNode)
    }
    for graph in documents:
        description.update(q.triple for q in store.quads_for_pattern(None, None, None, graph))
    todo: list[ox.NamedNode | ox.BlankNode] = [node]
    seen: set[ox.NamedNode | ox.BlankNode] = {node}
    while todo:
        subject = todo.pop()
        for quad in store.quads_for_pattern(subject, None, None, None):
            description.add(quad.triple)
            if isinstance(quad.object, ox.BlankNode) and quad.object not in seen:
                seen.add(quad.object)
                todo.append(quad.object)
        if len(description) > job.max_rows:
            raise _CapExceeded(f"the description has more than the cap of {job.max_rows:,} triples")
    incoming: list[ox.Triple] = []
    known: set[ox.Triple] = set()
    total = 0
    for quad in store.quads_for_pattern(None, None, node, None):
        triple = quad.triple
        if triple in known:
            continue
        known.add(triple)
        total += 1
        if len(incoming) < job.incoming_limit:
            incoming.append(triple)
    if not description and not total:
        raise _Refused(Failed(404, "nothing is known about it"))
    pointed = {t.object for t in description if isinstance(t.object, ox.NamedNode)}
    pointed |= {t.predicate for t in description}
    labels = _labels_of(store, pointed - {node}) - description
    pointing = {t.subject for t in incoming if isinstance(t.subject, ox.NamedNode)}
    pointing |= {t.predicate for t in incoming}
    incoming_labels = _labels_of(store, pointing - pointed - {node})

    def text(triples: Iterable[ox.Triple]) -> str:
        data = ox.serialize(list(rebase.triples(triples)), format=ox.RdfFormat.N_TRIPLES)
        return (data or b"").decode("utf-8")

    return Description(
        description=text(description),
        labels=text(labels),
        incoming=text(incoming),
        incoming_labels=text(incoming_labels),
        incoming_total=total,
    )


_DUMP_BATCH = 10_000


def _dump(store: ox.Store, job: Dump, conn: Connection) -> int:
    """Stream the named graphs of the dump as chunks, each a ``("chunk",)`` message and its
    bytes; the number of quads written. Turtle is the union of the graphs' triples (the
    ``@prefix`` lines once, at the start), N-Quads keeps each graph's name."""
    rebase = job.rebase or _IDENTITY
    fmt = ox.RdfFormat.from_media_type(job.media_type)
    if fmt not in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_QUADS):
        raise ValueError(f"a dump is Turtle or N-Quads, not {job.media_type}")
    prefixes = rebase.prefixes(dict(job.prefixes) if job.prefixes is not None else None) or {}
    header = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in prefixes.items())
    conn.send(("chunk",))
    conn.send_bytes(header.encode() if fmt == ox.RdfFormat.TURTLE else b"")
    written = 0
    for name in job.graphs:
        graph = ox.NamedNode(rebase.to_stored(name))
        batch: list[ox.Quad] = []
        quads = store.quads_for_pattern(None, None, None, graph)
        while True:
            batch.clear()
            for quad in quads:
                batch.append(quad)
                if len(batch) >= _DUMP_BATCH:
                    break
            if not batch:
                break
            written += len(batch)
            mapped = list(rebase.quads(batch))
            if fmt == ox.RdfFormat.TURTLE:
                data = ox.serialize([q.triple for q in mapped], format=fmt, prefixes=prefixes)
                data = _PREFIX_BLOCK.sub(b"", data or b"", count=1)
            else:
                data = ox.serialize(mapped, format=fmt)
            conn.send(("chunk",))
            conn.send_bytes(data or b"")
    return written


_PREFIX_BLOCK = re.compile(rb"\A(?:@prefix [^:\s]*: <[^>]*> \.\n)+")


def _failure(error: Exception) -> Failed:
    """The answer to a job that raised: the request's fault (400) or the server's (500)."""
    if isinstance(error, _Refused):
        return error.failed
    if isinstance(error, _CapExceeded):
        return Failed(422, str(error), cap=True)
    if isinstance(error, SyntaxError):
        return Failed(400, f"syntax error: {error.msg}")
    if isinstance(error, OSError) and (
        error.errno == errno.ENOSPC or "No space left" in str(error)
    ):
        return Failed(
            507,
            "the disk that holds the store is full; the write was not made and the store is "
            f"as it was before it. Free some space and try again ({error})",
        )
    if isinstance(error, (RuntimeError, ValueError, TypeError)):
        # pyoxigraph's evaluation errors: a graph that does not exist, an unbound SERVICE, …
        return Failed(400, f"the request failed: {error}")
    return Failed(500, f"{type(error).__name__}: {error}")


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group; the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Reader:
    """A reader's state: the generation it has open, and the register it validates against."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.path: str | None = None
        self.store: ox.Store | None = None
        self._register: Register | None = None

    def open(self, path: str) -> ox.Store:
        if path != self.path or self.store is None:
            self.store = None
            self._register = None
            gc.collect()
            self.store = ox.Store.read_only(path)
            self.path = path
        return self.store

    def reply(self, job: Job[A], value: A) -> None:
        """Send the answer to ``job`` (typed: the answer a job of its type gives)."""
        if isinstance(value, Serialized):
            body = value.body
            if len(body) <= INLINE_BYTES:
                self.conn.send(("bytes", value.rows, body))
            else:
                self.conn.send(("bytes", value.rows, None))
                self.conn.send_bytes(body)
        else:
            self.conn.send(("ok", value))

    def run(self, path: str, job: Job[Any]) -> None:
        store = self.open(path)
        match job:
            case Query():
                self.reply(job, _query(store, job))
            case GetGraph():
                self.reply(job, _get_graph(store, job))
            case Describe():
                self.reply(job, _describe(store, job))
            case Dump():
                self.reply(job, _dump(store, job, self.conn))
            case Statistics():
                self.reply(job, _statistics(store))
            case Graphs():
                self.reply(job, _graphs(store))
            case Imports():
                self.reply(job, _imports(store))
            case Validate():
                self.reply(job, self.validate(path, job))
            case CheckSubmission():
                self.reply(job, self.check_submission(path, job))
            case Open():
                self.reply(job, None)
            case _:
                raise ValueError(f"unknown job {type(job).__name__}")

    def register(self, path: str, description: str) -> Register:
        """The register this generation holds, copied into memory once per generation (on the
        first validation), without the history of submitted plans."""
        from plangraph.validation.intake import register_of

        register = self._register
        if register is None or register.description != description:
            register = self._register = register_of(self.open(path), description)
        return register

    def validate(self, path: str, job: Validate) -> Report | SubmissionError:
        """Read the submission and validate it against the register this generation holds, in
        which the names of a plain plan are looked up too."""
        from plangraph.validation import ShapesError, SubmissionError, parse_parts, validate

        register = self.register(path, job.register)
        try:
            submission = _read(job, register)
        except SubmissionError as error:
            return error
        try:
            shapes = parse_parts(job.shapes)
        except ShapesError as error:
            raise _Refused(Failed(400, str(error))) from None
        try:
            return validate(
                [submission],
                register=register,
                shapes=shapes or None,
                shipped_shapes=job.shipped_shapes,
                allow_pyshacl=False,
            )
        except ShapesError as error:
            raise _Refused(Failed(422, str(error))) from None

    def check_submission(self, path: str, job: CheckSubmission) -> Checked:
        """Read a submission for the register this generation holds, validate it and find its
        plan (see :class:`~.jobs.CheckSubmission`)."""
        from dataclasses import replace

        from plangraph.validation import SubmissionError, validate
        from plangraph.validation.intake import IntakeError, plan_of, without_current

        register = self.register(path, job.register)
        try:
            submission = _read(job, register)
        except SubmissionError as error:
            return Checked(refused=_refusal(error.status, str(error.message), error))
        if job.rebase is not None:
            stored = tuple(job.rebase.triples(submission.triples, public=False))
            submission = replace(submission, triples=stored)
        try:
            plan: str | None = plan_of(submission, register)
        except IntakeError as error:
            plan, refused = None, _refusal(400, str(error))
        triples = ox.serialize(submission.triples, format=ox.RdfFormat.N_TRIPLES) or b""
        if plan is None:
            return Checked(report=validate([submission], register=register), refused=refused)
        with without_current(register, self.open(path), plan):
            report = validate([submission], register=register)
        return Checked(report=report, triples=triples, plan=plan)


def _read(job: Validate | CheckSubmission, register: Register) -> Submission:
    """The submission a job carries, as sent (the names of a plain plan looked up in
    ``register``); raises :class:`~plangraph.validation.SubmissionError`."""
    from plangraph.validation import parse

    return parse(
        job.data, name=job.name, media_type=job.media_type, declared=job.declared, register=register
    )


def _refusal(status: int, message: str, error: Any = None) -> dict[str, Any]:
    """Why a submission cannot be taken in, as plain values (they cross the process boundary)."""
    refusal: dict[str, Any] = {"status": status, "message": message}
    if error is not None:
        refusal.update(
            source=error.source,
            line=error.line,
            column=error.column,
            where=error.where,
            problems=[p.to_dict() for p in error.problems],
        )
    return refusal


def reader_main(conn: Connection) -> None:
    """Answer read jobs until told to stop (``None``) or the server goes away."""
    _ignore_interrupts()
    reader = _Reader(conn)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        try:
            path, name, values = message
            reader.run(path, job_of(name, values))
        except Exception as error:
            conn.send(("failed", _failure(error)))


# -- the writer -------------------------------------------------------------------------------


def _insert_data(graph: str | None, data: bytes) -> str:
    if not data.strip():
        return ""
    inner = data.decode("utf-8")
    if graph is None:
        return f"INSERT DATA {{ {inner} }}"
    return f"INSERT DATA {{ GRAPH <{graph}> {{ {inner} }} }}"


def _parse_parts(parts: Iterable[tuple[str, bytes]], base_iri: str | None, rebase: Rebase) -> bytes:
    """The triples of every part, as N-Triples (blank nodes kept apart per part), with IRIs
    under the public base read as stored ones."""
    triples: list[ox.Triple] = []
    for fmt_name, data in parts:
        fmt = getattr(ox.RdfFormat, fmt_name)
        for quad in ox.parse(data, fmt, base_iri=base_iri):
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                raise ValueError("a graph's content must be triples, not quads")
            triples.append(quad.triple)
    stored = list(rebase.triples(triples, public=False))
    return ox.serialize(stored, format=ox.RdfFormat.N_TRIPLES) or b""


def _update(store: ox.Store, job: Update) -> Written:
    from plangraph.store import update_marking_loads

    rebase = job.rebase or _IDENTITY
    update_marking_loads(store, rebase.query(job.update), job.base_iri)
    return Written()


def _forget(meta_graph: str, graph: str | None) -> str:
    """The update that forgets the load record of ``graph``."""
    return f"DELETE WHERE {{ GRAPH <{meta_graph}> {{ <{graph}> ?p ?o }} }}" if graph else ""


def _stored_graph(job: WriteGraph | DeleteGraph) -> str | None:
    return None if job.graph is None else (job.rebase or _IDENTITY).to_stored(job.graph)


def _delete_graph(store: ox.Store, job: DeleteGraph, meta_graph: str) -> Written:
    graph = _stored_graph(job)
    if graph is not None and not store.contains_named_graph(ox.NamedNode(graph)):
        return Written(missing=True)
    target = f"GRAPH <{graph}>" if graph else "DEFAULT"
    store.update(" ;\n".join(x for x in (f"DROP {target}", _forget(meta_graph, graph)) if x))
    return Written()


def _write_graph(store: ox.Store, job: WriteGraph, meta_graph: str) -> Written:
    graph = _stored_graph(job)
    existed = graph is None or store.contains_named_graph(ox.NamedNode(graph))
    data = _parse_parts(job.parts, job.base_iri, job.rebase or _IDENTITY)
    operations: list[str] = []
    if job.replace:
        operations.append(f"DROP SILENT GRAPH <{graph}>" if graph else "DROP SILENT DEFAULT")
    if graph:
        operations.append(f"CREATE SILENT GRAPH <{graph}>")
    operations.append(_insert_data(graph, data))
    operations.append(_forget(meta_graph, graph))
    store.update(" ;\n".join(x for x in operations if x))
    return Written(created=not existed)


_INFERRED = ox.NamedNode("https://w3id.org/plangraph/graph/inferred")
"""The graph of ``plangraph reason`` (:data:`plangraph.reasoning.INFERRED_GRAPH`; the
reasoner and its dependencies are imported only when a refresh runs)."""

_STALE_SINCE = ox.NamedNode("https://w3id.org/plangraph/ontology#staleSince")
"""On the inferred graph's load record: when a write through the engine changed the data the
inferences follow from (the first such write since they were made). A refresh takes it away
(the reasoner rewrites the record whole; :meth:`_Writer.run` removes it when nothing changed)."""
_DCT_MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")
_PG_SHA256 = ox.NamedNode("https://w3id.org/plangraph/ontology#sha256")
_PROV_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
_STAGING_PREFIX = "urn:plangraph:staging:"
_XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


def _epoch(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> float | None:
    """Seconds since the epoch of an ``xsd:dateTime`` literal (None if it is not one)."""
    if not isinstance(term, ox.Literal):
        return None
    try:
        return datetime.fromisoformat(term.value).timestamp()
    except ValueError:
        return None


def _inputs(store: ox.Store, meta: ox.NamedNode) -> set[ox.NamedNode]:
    """The named graphs the reasoner reads (:func:`plangraph.reasoning.input_graphs`)."""
    return {
        g
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode)
        and g not in (_INFERRED, meta)
        and not g.value.startswith(_STAGING_PREFIX)
    }


def inferences_behind(store: ox.Store, meta_graph: str) -> tuple[bool, float | None]:
    """Whether the inferred graph no longer follows from the data, and since when (seconds
    since the epoch; None if that cannot be told), from the load records alone: never from the
    data, so that it is quick on the national register. A store without inferences is not
    behind (there is nothing to refresh).

    Behind: a write through the engine left its mark (:data:`_STALE_SINCE`: a refresh did not
    finish); the inferred graph has no record of its inputs; the named graphs are not those it
    was derived from (``prov:wasDerivedFrom``); or a graph was loaded after it was made (its
    ``dct:modified``, to the second, later than the inferred graph's). ``plangraph reason``
    decides by a checksum of each input's recorded checksum and triple count
    (:func:`plangraph.reasoning.is_current`), which counts every graph's triples: a change
    these records do not show (a SPARQL update run outside the engine) is found by it, not
    here."""
    if not store.contains_named_graph(_INFERRED):
        return (False, None)
    meta = ox.NamedNode(meta_graph)
    record = list(store.quads_for_pattern(_INFERRED, None, None, meta))
    marked = [q.object for q in record if q.predicate == _STALE_SINCE]
    if marked:
        return (True, min((t for t in map(_epoch, marked) if t is not None), default=None))
    made = next((_epoch(q.object) for q in record if q.predicate == _DCT_MODIFIED), None)
    if made is None or not any(q.predicate == _PG_SHA256 for q in record):
        return (True, None)
    derived = {q.object for q in record if q.predicate == _PROV_DERIVED}
    inputs = _inputs(store, meta)
    loaded = (
        _epoch(q.object)
        for g in inputs
        for q in store.quads_for_pattern(g, _DCT_MODIFIED, None, meta)
    )
    later = [t for t in loaded if t is not None and t > made]
    if inputs != derived or later:
        return (True, min(later, default=None))
    return (False, None)


def _store_submission(store: ox.Store, job: StoreSubmission, generation: str) -> Stored:
    """Store a checked plan as its new version, unless the store changed since the generation
    it was checked in: a generation newer than that one exists (the engine names generations
    in the order they are taken)."""
    from plangraph.validation.intake import store_plan

    target = Path(generation)
    newer = [
        p.name for p in target.parent.iterdir() if p.name > job.checked_in and p.name != target.name
    ]
    if newer:
        raise _Refused(
            Failed(409, "the register changed while the plan was validated; validate it again")
        )
    triples = [q.triple for q in ox.parse(job.triples, ox.RdfFormat.N_TRIPLES)]
    return store_plan(store, job.plan, triples, job.record)


def _reason(plan_store: PlanStore) -> Reasoned:
    """Bring the inferences up to date with the data (nothing to do if they are)."""
    from plangraph import reasoning

    result = reasoning.reason(plan_store)
    return Reasoned(unchanged=result.skipped, triples=result.triples)


class _Writer:
    """The writer's state: the store it holds open for writing."""

    def __init__(self, conn: Connection, plan_store: PlanStore, meta_graph: str) -> None:
        self.conn = conn
        # No reference to plan_store.raw is kept: a refresh of the inferences may rebuild the
        # store and open it anew (PlanStore.bulk_write_graph), which an old handle would block.
        self.plan_store = plan_store
        self.meta_graph = meta_graph

    def answer(self, job: Job[A], value: A, generation: str) -> tuple[Any, ...]:
        """Take the next generation after a change; the answer to ``job``.

        Unless nothing changed, the inferences no longer follow from the data after a write
        (the engine has them refreshed)."""
        changed = not (isinstance(value, Written) and value.missing) and not (
            isinstance(value, Reasoned) and value.unchanged
        )
        raw = self.plan_store.raw
        stale = changed and not isinstance(job, Reason) and raw.contains_named_graph(_INFERRED)
        if stale:
            self.mark_stale()
        if changed:
            raw.backup(generation)
        return ("ok", value, generation if changed else None, stale)

    def mark_stale(self) -> None:
        """Record on the inferred graph's load record since when the inferences lag behind
        the data (:data:`_STALE_SINCE`), unless a write already did: a server started before
        a refresh finished knows they do (:func:`inferences_behind`)."""
        raw = self.plan_store.raw
        meta = ox.NamedNode(self.meta_graph)
        if next(iter(raw.quads_for_pattern(_INFERRED, _STALE_SINCE, None, meta)), None) is None:
            now = ox.Literal(datetime.now(UTC).isoformat(), datatype=_XSD_DATETIME)
            raw.add(ox.Quad(_INFERRED, _STALE_SINCE, now, meta))

    def refreshed(self, reasoned: Reasoned) -> None:
        """After a refresh, the inferences follow from the data: take the mark of
        :meth:`mark_stale` away (the reasoner's new record has none). If the reasoner found
        nothing to do (a graph loaded again with the same content), the record says when the
        inferences were last found to follow from the data (``dct:modified``) and from which
        graphs (``prov:wasDerivedFrom``), so that the next start does not take them for behind
        (:func:`inferences_behind`)."""
        raw = self.plan_store.raw
        meta = ox.NamedNode(self.meta_graph)
        old = [*raw.quads_for_pattern(_INFERRED, _STALE_SINCE, None, meta)]
        confirmed = reasoned.unchanged and raw.contains_named_graph(_INFERRED)
        if confirmed:
            old += raw.quads_for_pattern(_INFERRED, _DCT_MODIFIED, None, meta)
            old += raw.quads_for_pattern(_INFERRED, _PROV_DERIVED, None, meta)
        for quad in old:
            raw.remove(quad)
        if confirmed:
            now = ox.Literal(
                datetime.now(UTC).replace(microsecond=0).isoformat(), datatype=_XSD_DATETIME
            )
            raw.extend(
                [
                    ox.Quad(_INFERRED, _DCT_MODIFIED, now, meta),
                    *(ox.Quad(_INFERRED, _PROV_DERIVED, g, meta) for g in _inputs(raw, meta)),
                ]
            )

    def change(self, job: Job[Any], generation: str) -> Any:
        raw = self.plan_store.raw
        match job:
            case Update():
                return _update(raw, job)
            case WriteGraph():
                return _write_graph(raw, job, self.meta_graph)
            case DeleteGraph():
                return _delete_graph(raw, job, self.meta_graph)
            case StoreSubmission():
                return _store_submission(raw, job, generation)
            case _:
                raise ValueError(f"unknown job {type(job).__name__}")

    def run(self, generation: str, job: Job[Any]) -> None:
        """Run a write job and take the next generation, all or nothing: if either fails (a
        full disk), the store is put back as it was before the job (see
        :meth:`PlanStore.all_or_nothing`)."""
        try:
            if isinstance(job, Reason):  # all or nothing by itself (PlanStore.bulk_write_graph)
                reasoned = _reason(self.plan_store)
                self.refreshed(reasoned)
                answer = self.answer(job, reasoned, generation)
            else:
                with self.plan_store.all_or_nothing(unchanged_on=_UNCHANGED):
                    answer = self.answer(job, self.change(job, generation), generation)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        self.conn.send(answer)


_UNCHANGED = (SyntaxError, ValueError, TypeError, RuntimeError)
"""What a write job raises before it changes anything: an update or a graph that does not
parse, or that pyoxigraph refuses (one ``Store.update``, a transaction, commits whole or not
at all). pyoxigraph's I/O errors are ``OSError``."""


def writer_main(conn: Connection, store_path: str, first_generation: str, fresh: bool) -> None:
    """Open the store for writing, take the first generation, then run write jobs."""
    _ignore_interrupts()
    from plangraph.namespaces import META_GRAPH
    from plangraph.store import PlanStore, StoreLockedError

    try:
        plan_store = PlanStore.open(Path(store_path))
    except (StoreLockedError, OSError) as error:
        conn.send(("failed", Failed(500, str(error))))
        return
    generations = Path(first_generation).parent
    if fresh:
        shutil.rmtree(generations, ignore_errors=True)
    generations.mkdir(parents=True, exist_ok=True)
    plan_store.raw.backup(first_generation)
    conn.send(("ready", first_generation, inferences_behind(plan_store.raw, META_GRAPH)))
    writer = _Writer(conn, plan_store, META_GRAPH)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        if message is None:
            break
        try:
            generation, name, values = message
            writer.run(generation, job_of(name, values))
        except Exception as error:
            if isinstance(error, OSError):  # RocksDB refuses writes after one failed
                plan_store.reopen()
            conn.send(("failed", _failure(error)))
    with contextlib.suppress(OSError):  # a full disk: what is committed is in the log
        plan_store.close()


PARENT_VARIABLE = "PLANGRAPH_ENGINE_PID"
"""The environment variable that gives a worker the process id of the server that started it."""

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Have the kernel kill this worker (SIGKILL) when the server that started it dies, even
    by ``kill -9``: a reader on a runaway query, or the writer on a write nobody will answer,
    must not outlive it (nor keep the store locked against a restart).

    Linux's ``PR_SET_PDEATHSIG`` fires when the *thread* that started the worker ends; the
    engine starts every worker from one thread that lives as long as it does. If the server
    died before this call, the worker's parent is already another process: stop now.
    Elsewhere than Linux, the worker stops when it next finds its connection closed."""
    expected = os.environ.get(PARENT_VARIABLE)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if expected is not None and os.getppid() != int(expected):
        os._exit(1)


def main(argv: list[str]) -> None:
    """``reader FD`` or ``writer FD STORE FIRST_GENERATION fresh|again``."""
    _die_with_parent()
    role, fd = argv[0], int(argv[1])
    conn = Connection(fd)
    if role == "reader":
        reader_main(conn)
    elif role == "writer":
        writer_main(conn, argv[2], argv[3], argv[4] == "fresh")
    else:
        raise SystemExit(f"unknown worker role {role!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
