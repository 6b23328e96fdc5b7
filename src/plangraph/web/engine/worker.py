"""The endpoint's worker processes: readers that answer queries, and the one writer.

This module runs in child processes, ``python -m plangraph.web.engine.worker reader|writer FD …``,
started by :mod:`plangraph.web.engine`; it imports nothing of the web stack.

*Readers* open a read-only pyoxigraph store on a *generation*: a RocksDB checkpoint of the store
(hard links, milliseconds), taken by the writer after every change. Nobody writes to a
checkpoint, so reading it is well-defined (``Store.read_only`` on a directory that another
process writes to is not). A reader runs the query **and** serialises the results in one call,
so the result iterator is consumed on the thread that created it; it counts rows and bytes as
it goes and stops at the caps. A reader past its deadline is killed by the engine (pyoxigraph
cannot be cancelled); nothing is lost, since a reader holds no state.

The *writer* holds the store open for writing (one read-write handle per directory). It runs
updates and Graph Store writes, each as one pyoxigraph transaction, then takes the next
generation. A write past its deadline is killed too: pyoxigraph writes a transaction only when
it commits, so the store reopens as it was before the write.

Messages are ``(path, job)`` tuples in; ``(status, info, body)`` tuples out, one message per
answer (a quick query costs one write each way). An answer larger than :data:`INLINE_BYTES`
comes as ``(status, info, None)`` followed by its body as raw bytes, so that the engine can read
it off the event loop.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import re
import shutil
import signal
from collections.abc import Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from plangraph.namespaces import LABELS
from plangraph.rebase import Rebase

if TYPE_CHECKING:
    from plangraph.store import PlanStore

Job = dict[str, Any]

INLINE_BYTES = 1 << 20
"""Answers up to this size travel in the one message with their status; larger ones follow it."""


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


def _dataset_args(job: Job) -> dict[str, Any]:
    args: dict[str, Any] = {"base_iri": job.get("base_iri")}
    default_graph = job.get("default_graph")
    named_graphs = job.get("named_graphs")
    if default_graph is not None or named_graphs is not None:
        # A dataset given by the protocol replaces the query's own, wholly: graphs it does not
        # name are not in it (an empty default graph, or no named graphs).
        rebase = _rebase(job)
        args["default_graph"] = [ox.NamedNode(rebase.to_stored(g)) for g in default_graph or []]
        args["named_graphs"] = [ox.NamedNode(rebase.to_stored(g)) for g in named_graphs or []]
    elif job.get("union"):
        args["use_default_graph_as_union"] = True
    return args


def _rebase(job: Job) -> Rebase:
    """The job's mapping between stored and public IRIs (none: the identity)."""
    pair = job.get("rebase")
    return Rebase(pair[0], pair[1]) if pair else Rebase()


# Formats with one triple a line (a line break inside a literal is escaped): pyoxigraph writes
# them straight from the result, and the lines are counted afterwards.
_LINE_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)


def _construct_answer(result: ox.QueryTriples, job: Job) -> tuple[bytes, int]:
    """Serialise the triples of a ``CONSTRUCT``/``DESCRIBE``, consumed here, within the caps."""
    fmt = ox.RdfFormat.from_media_type(job["media_type"])
    assert fmt is not None
    if fmt not in _LINE_FORMATS or not _rebase(job).identity:
        return _triples_answer(result, job)
    buffer = _CappedBuffer(int(job["max_bytes"]))
    result.serialize(buffer, fmt)
    body = buffer.value()
    triples = body.count(b"\n")
    if triples > int(job["max_rows"]):
        raise _CapExceeded(f"the answer has more than the cap of {job['max_rows']:,} triples")
    return body, triples


def _triples_answer(triples: Any, job: Job) -> tuple[bytes, int]:
    """Serialise triples from an iterator, consumed here, stopping at the caps."""
    fmt = ox.RdfFormat.from_media_type(job["media_type"])
    assert fmt is not None
    max_rows = int(job["max_rows"])
    rebase = _rebase(job)
    kept: list[ox.Triple] = []
    for triple in rebase.triples(triples):
        kept.append(triple)
        if len(kept) > max_rows:
            raise _CapExceeded(f"the answer has more than the cap of {max_rows:,} triples")
    buffer = _CappedBuffer(int(job["max_bytes"]))
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        items: list[Any] = [ox.Quad(t.subject, t.predicate, t.object) for t in kept]
    else:
        items = kept
    ox.serialize(items, buffer, fmt, prefixes=rebase.prefixes(job.get("prefixes")) or None)
    body = buffer.value()
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        body = used_prefixes_only(body)
    return body, len(kept)


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


def _query(store: ox.Store, job: Job) -> tuple[bytes, int]:
    rebase = _rebase(job)
    result = store.query(rebase.query(job["query"]), **_dataset_args(job))
    if isinstance(result, ox.QueryBoolean):
        fmt = ox.QueryResultsFormat.from_media_type(job["media_type"])
        assert fmt is not None
        return result.serialize(format=fmt) or b"", 1
    if isinstance(result, ox.QuerySolutions):
        fmt = ox.QueryResultsFormat.from_media_type(job["media_type"])
        assert fmt is not None
        buffer = _CappedBuffer(int(job["max_bytes"]))
        result.serialize(buffer, fmt)
        body = buffer.value()
        rows = count_rows(body, fmt)
        if rows > int(job["max_rows"]):
            raise _CapExceeded(f"the answer has more than the cap of {job['max_rows']:,} rows")
        return rebase.results(body, job["media_type"]), rows
    return _construct_answer(result, job)


def _graph(store: ox.Store, job: Job) -> tuple[bytes, int] | None:
    """The triples of one graph (None: a named graph that does not exist)."""
    name = job.get("graph")
    graph: ox.NamedNode | ox.DefaultGraph
    if name is None:
        graph = ox.DefaultGraph()
    else:
        graph = ox.NamedNode(_rebase(job).to_stored(name))
        if not store.contains_named_graph(graph):
            return None
    if job.get("head"):
        return b"", 0
    quads = store.quads_for_pattern(None, None, None, graph)
    return _triples_answer((q.triple for q in quads), job)


def _statistics(store: ox.Store) -> bytes:
    """Triples per graph, as JSON: ``{"default": n, "union": n, "named": {iri: n}}``."""
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
    return json.dumps({"default": default, "union": int(total.value), "named": named}).encode()


def _graphs(store: ox.Store) -> bytes:
    """Every named graph with its triple count and load record, as JSON (see ``GraphInfo``)."""
    from dataclasses import asdict

    from plangraph.store import PlanStore

    return json.dumps([asdict(g) for g in PlanStore(store, None).graphs()]).encode()


def _imports(store: ox.Store) -> bytes:
    """The imported graphs with their PROV-O records, as JSON (see ``catalog.Imported``)."""
    from dataclasses import asdict

    from plangraph.publish.catalog import imports

    return json.dumps([asdict(i) for i in imports(store)]).encode()


_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_OWL_ONTOLOGY = ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")
_LABEL_NODES = tuple(ox.NamedNode(iri) for iri in LABELS)


def _labels_of(store: ox.Store, nodes: set[ox.NamedNode]) -> set[ox.Triple]:
    found: set[ox.Triple] = set()
    for node in nodes:
        for predicate in _LABEL_NODES:
            found.update(q.triple for q in store.quads_for_pattern(node, predicate, None, None))
    return found


def _describe(store: ox.Store, job: Job) -> bytes | None:
    """What the store knows about one IRI, as JSON of N-Triples texts (None: nothing).

    * ``description``: the resource's triples and the closure of its blank nodes (a Concise
      Bounded Description), over all graphs; for an ``owl:Ontology``, the whole graph that
      declares it (the ontology document, which also describes its ``#`` terms);
    * ``labels``: the labels of every IRI the description points to (predicates too);
    * ``incoming``: up to ``incoming_limit`` triples that point at the resource,
      ``incoming_labels`` the labels of their subjects and predicates, and ``incoming_total``,
      how many such triples there are.
    """
    rebase = _rebase(job)
    node = ox.NamedNode(rebase.to_stored(job["iri"]))
    max_rows = int(job["max_rows"])
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
        if len(description) > max_rows:
            raise _CapExceeded(f"the description has more than the cap of {max_rows:,} triples")
    limit = int(job.get("incoming_limit", 500))
    incoming: list[ox.Triple] = []
    known: set[ox.Triple] = set()
    total = 0
    for quad in store.quads_for_pattern(None, None, node, None):
        triple = quad.triple
        if triple in known:
            continue
        known.add(triple)
        total += 1
        if len(incoming) < limit:
            incoming.append(triple)
    if not description and not total:
        return None
    pointed = {t.object for t in description if isinstance(t.object, ox.NamedNode)}
    pointed |= {t.predicate for t in description}
    labels = _labels_of(store, pointed - {node}) - description
    pointing = {t.subject for t in incoming if isinstance(t.subject, ox.NamedNode)}
    pointing |= {t.predicate for t in incoming}
    incoming_labels = _labels_of(store, pointing - pointed - {node})

    def text(triples: Iterable[ox.Triple]) -> str:
        data = ox.serialize(list(rebase.triples(triples)), format=ox.RdfFormat.N_TRIPLES)
        return (data or b"").decode("utf-8")

    return json.dumps(
        {
            "description": text(description),
            "labels": text(labels),
            "incoming": text(incoming),
            "incoming_labels": text(incoming_labels),
            "incoming_total": total,
        }
    ).encode()


_DUMP_BATCH = 10_000


def _dump(store: ox.Store, job: Job, conn: Connection) -> int:
    """Stream the named graphs ``job["graphs"]`` as chunks, each a ``("chunk", {}, None)``
    message and its bytes; the number of quads written. Turtle is the union of the graphs' triples (the
    ``@prefix`` lines once, at the start), N-Quads keeps each graph's name."""
    rebase = _rebase(job)
    fmt = ox.RdfFormat.from_media_type(job["media_type"])
    if fmt not in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_QUADS):
        raise ValueError(f"a dump is Turtle or N-Quads, not {job['media_type']}")
    prefixes = rebase.prefixes(job.get("prefixes")) or {}
    header = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in prefixes.items())
    conn.send(("chunk", {}, None))
    conn.send_bytes(header.encode() if fmt == ox.RdfFormat.TURTLE else b"")
    written = 0
    for name in job["graphs"]:
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
            conn.send(("chunk", {}, None))
            conn.send_bytes(data or b"")
    return written


_PREFIX_BLOCK = re.compile(rb"\A(?:@prefix [^:\s]*: <[^>]*> \.\n)+")


def _error_message(error: BaseException) -> str:
    if isinstance(error, SyntaxError):
        return f"syntax error: {error.msg}"
    return str(error)


def _failure(error: Exception) -> tuple[str, dict[str, Any], None]:
    """The answer to a job that raised: the request's fault (400) or the server's (500)."""
    if isinstance(error, SyntaxError):
        return "error", {"code": 400, "message": _error_message(error)}, None
    if isinstance(error, (RuntimeError, ValueError, TypeError)):
        # pyoxigraph's evaluation errors: a graph that does not exist, an unbound SERVICE, …
        return "error", {"code": 400, "message": f"the request failed: {error}"}, None
    return "error", {"code": 500, "message": f"{type(error).__name__}: {error}"}, None


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group; the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def reader_main(conn: Connection) -> None:
    """Answer read jobs until told to stop (``None``) or the server goes away."""
    _ignore_interrupts()
    store: ox.Store | None = None
    opened: str | None = None
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        path, job = message
        try:
            if path != opened:
                store = None
                gc.collect()
                store = ox.Store.read_only(path)
                opened = path
            assert store is not None
            op = job["op"]
            if op == "open":
                conn.send(("ok", {}, b""))
                continue
            if op == "query":
                body, rows = _query(store, job)
            elif op == "graph":
                answer = _graph(store, job)
                if answer is None:
                    conn.send(("error", {"code": 404, "message": "no such graph"}, None))
                    continue
                body, rows = answer
            elif op == "stats":
                body, rows = _statistics(store), 0
            elif op == "graphs":
                body, rows = _graphs(store), 0
            elif op == "imports":
                body, rows = _imports(store), 0
            elif op == "describe":
                described = _describe(store, job)
                if described is None:
                    conn.send(
                        ("error", {"code": 404, "message": "nothing is known about it"}, None)
                    )
                    continue
                body, rows = described, 0
            elif op == "dump":
                body, rows = b"", _dump(store, job, conn)
            else:
                raise ValueError(f"unknown job {op!r}")
        except _CapExceeded as error:
            conn.send(("error", {"code": 422, "message": str(error), "cap": True}, None))
            continue
        except Exception as error:
            conn.send(_failure(error))
            continue
        _send_answer(conn, body, {"rows": rows, "size": len(body)})


def _send_answer(conn: Connection, body: bytes, info: dict[str, Any]) -> None:
    """An ``ok`` answer: in one message, or the body after it when it is large."""
    if len(body) <= INLINE_BYTES:
        conn.send(("ok", info, body))
    else:
        conn.send(("ok", info, None))
        conn.send_bytes(body)


# -- the writer -------------------------------------------------------------------------------


def _insert_data(graph: str | None, data: bytes) -> str:
    if not data.strip():
        return ""
    inner = data.decode("utf-8")
    if graph is None:
        return f"INSERT DATA {{ {inner} }}"
    return f"INSERT DATA {{ GRAPH <{graph}> {{ {inner} }} }}"


def _parse_parts(parts: list[tuple[str, bytes]], base_iri: str | None, rebase: Rebase) -> bytes:
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


def update_marking_loads(store: ox.Store, update: str, base_iri: str | None = None) -> None:
    """Run a SPARQL update together with :data:`plangraph.store.MARK_LOADS_UPDATE`, in one
    request, which pyoxigraph runs as one transaction: a writer stopped half-way leaves neither.

    A graph loaded from a file may differ from it after an update while holding as many
    triples, so its file must no longer stand for it (the reasoner reads unchanged files
    instead); the mark must never be missing while the update is in the store.
    """
    from plangraph.store import MARK_LOADS_UPDATE
    from plangraph.web.engine.query_text import read

    shape = read(update)
    tokens = shape.tokens
    # pyoxigraph takes no PREFIX or BASE after a ";", so the mark comes last: after a ";" of
    # the text's own, or after a prologue alone, on a line of its own; else after one more.
    ends_open = shape.body_start >= len(tokens) or tokens[-1].text == ";"
    joined = f"{update}\n{'' if ends_open else ';'}\n{MARK_LOADS_UPDATE}"
    try:
        store.update(joined, base_iri=base_iri)
    except SyntaxError:
        # The error as the text alone gives it (its own lines and columns), from a parse
        # against an empty store in memory; the store itself was not touched.
        ox.Store().update(update, base_iri=base_iri)
        raise


def _write(store: ox.Store, job: Job, meta_graph: str) -> dict[str, Any]:
    op = job["op"]
    rebase = _rebase(job)
    if op == "update":
        update_marking_loads(store, rebase.query(job["update"]), job.get("base_iri"))
        return {}
    graph: str | None = job.get("graph")
    if graph is not None:
        graph = rebase.to_stored(graph)
    node = ox.NamedNode(graph) if graph is not None else None
    existed = store.contains_named_graph(node) if node is not None else True
    forget = f"DELETE WHERE {{ GRAPH <{meta_graph}> {{ <{graph}> ?p ?o }} }}" if graph else ""
    if op == "delete":
        if not existed:
            return {"missing": True}
        target = f"GRAPH <{graph}>" if graph else "DEFAULT"
        store.update(" ;\n".join(x for x in (f"DROP {target}", forget) if x))
        return {}
    data = _parse_parts(job["parts"], job.get("base_iri"), rebase)
    operations: list[str] = []
    if op == "put":
        operations.append(f"DROP SILENT GRAPH <{graph}>" if graph else "DROP SILENT DEFAULT")
    if graph:
        operations.append(f"CREATE SILENT GRAPH <{graph}>")
    operations.append(_insert_data(graph, data))
    operations.append(forget)
    store.update(" ;\n".join(x for x in operations if x))
    return {"created": not existed}


_INFERRED = ox.NamedNode("https://w3id.org/plangraph/graph/inferred")
"""The graph of ``plangraph reason`` (:data:`plangraph.reasoning.INFERRED_GRAPH`; the
reasoner and its dependencies are imported only when a refresh runs)."""


def _reason(plan_store: PlanStore) -> dict[str, Any]:
    """Bring the inferences up to date with the data (nothing to do if they are)."""
    from plangraph import reasoning

    result = reasoning.reason(plan_store)
    return {"unchanged": result.skipped, "triples": result.triples}


def writer_main(conn: Connection, store_path: str, first_generation: str, fresh: bool) -> None:
    """Open the store for writing, take the first generation, then run write jobs."""
    _ignore_interrupts()
    from plangraph.namespaces import META_GRAPH
    from plangraph.store import PlanStore, StoreLockedError

    try:
        plan_store = PlanStore.open(Path(store_path))
    except (StoreLockedError, OSError) as error:
        conn.send(("error", {"code": 500, "message": str(error)}, None))
        return
    # No reference to plan_store.raw is kept: a refresh of the inferences may rebuild the
    # store and open it anew (PlanStore.bulk_write_graph), which an old handle would block.
    generations = Path(first_generation).parent
    if fresh:
        shutil.rmtree(generations, ignore_errors=True)
    generations.mkdir(parents=True, exist_ok=True)
    plan_store.raw.backup(first_generation)
    conn.send(("ready", {"generation": first_generation}, None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        if message is None:
            break
        generation, job = message
        try:
            if job["op"] == "reason":
                info = _reason(plan_store)
            else:
                info = _write(plan_store.raw, job, META_GRAPH)
                # The inferences no longer follow from the data: the engine refreshes them.
                info["stale_inferences"] = not info.get(
                    "missing"
                ) and plan_store.raw.contains_named_graph(_INFERRED)
            if not info.get("missing") and not info.get("unchanged"):
                plan_store.raw.backup(generation)
                info["generation"] = generation
        except Exception as error:
            conn.send(_failure(error))
            continue
        conn.send(("ok", info, b""))
    plan_store.close()


def main(argv: list[str]) -> None:
    """``reader FD`` or ``writer FD STORE FIRST_GENERATION fresh|again``."""
    role, fd = argv[0], int(argv[1])
    conn = Connection(fd)
    if role == "reader":
        reader_main(conn)
    elif role == "writer":
        writer_main(conn, argv[2], argv[3], argv[4] == "fresh")
    else:
        raise SystemExit(f"unknown worker role {role!r}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
