"""The embedded store: pyoxigraph on disk, one named graph per source file.

Loading replaces a graph whole and is atomic: before the store is changed, a checkpoint of it
is taken (a RocksDB checkpoint: hard links, so it costs milliseconds whatever the store's size).
If the load fails, or the process dies half-way, the checkpoint is put back, now or the next
time the store is opened. A file that does not parse is refused before the store is touched.

Deleting quads is the slow part of pyoxigraph (about 30 s per million on a 2-core machine), so
a file whose content has not changed since it was loaded is skipped: loading is idempotent and
cheap to repeat. Content that is not a file (an import from a web service) is written the same
way, atomically and only when it changed, by :meth:`PlanStore.replace_graph`.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import os
import shutil
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from plangraph import resources
from plangraph.namespaces import META_GRAPH, PG

_VOID_TRIPLES = "http://rdfs.org/ns/void#triples"
_DCT_MODIFIED = "http://purl.org/dc/terms/modified"
_PG_LOADED_FROM = PG + "loadedFrom"
_PG_SHA256 = PG + "sha256"
UPDATED_SINCE_LOAD: Final = PG + "updatedSinceLoad"
"""In a load record: the store was updated with SPARQL since, so the graph may differ from its
file though it holds as many triples (a SPARQL update does not say which graphs it changed)."""

# Files at least this big go through pyoxigraph's parallel bulk loader.
_BULK_THRESHOLD = 16 * 1024 * 1024
# Replacing graphs of more triples than this may rebuild the store instead of clearing them.
_REBUILD_MIN = 200_000

_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


class LoadError(Exception):
    """A file could not be loaded; the store is as it was before the attempt."""

    def __init__(
        self, file: Path, message: str, line: int | None = None, column: int | None = None
    ):
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        where = str(file) if line is None else f"{file}:{line}:{column}"
        super().__init__(f"{where}: {message}")


class StoreLockedError(Exception):
    """Another process holds the store open for writing."""


def _locked(path: Path) -> StoreLockedError:
    return StoreLockedError(
        f"the store at {path} is open in another process (a running server?); "
        "stop it or use another --store"
    )


class _Guard:
    """An exclusive lock on the file beside the store (``STORE.lock``), held while the store is
    open, and let go with it: by :meth:`close`, or when the store object is gone (as pyoxigraph
    lets go of its own lock)."""

    def __init__(self, path: Path) -> None:
        self._fd: int | None = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.close()
            raise _locked(path) from None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file lets go of its lock
            self._fd = None

    def __del__(self) -> None:
        self.close()


@dataclass(frozen=True)
class GraphInfo:
    """A named graph of the store, with what the loader recorded about it."""

    iri: str
    triples: int
    loaded_from: str | None = None
    modified: str | None = None
    sha256: str | None = None
    """The SHA-256 of the file last loaded into the graph (None if it was written otherwise)."""


@dataclass(frozen=True)
class LoadResult:
    """What loading one file did."""

    graph: str
    file: Path
    triples: int
    skipped: bool


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of a file, by its extension; only triple formats (one file, one graph)."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_FORMATS))
        raise LoadError(path, f"unknown RDF format '{path.suffix}' (plangraph loads {known})")
    return fmt


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _syntax_error(path: Path, error: SyntaxError) -> LoadError:
    message = str(error.msg if isinstance(error.msg, str) else error)
    # pyoxigraph says "Parser error between line L column C and ...: what"; keep the what.
    if message.startswith("Parser error") and ": " in message:
        message = message.split(": ", 1)[1]
    return LoadError(path, message, error.lineno, error.offset)


def check_syntax(path: Path) -> int:
    """Parse a file completely without storing it; the number of triples, or a LoadError."""
    fmt = rdf_format(path)
    count = 0
    try:
        for _ in ox.parse(path=path, format=fmt):
            count += 1
    except SyntaxError as error:
        raise _syntax_error(path, error) from None
    except (OSError, ValueError) as error:
        raise LoadError(path, str(error)) from None
    return count


class PlanStore:
    """plangraph's view of a pyoxigraph store: graphs, atomic loads, queries."""

    def __init__(self, store: ox.Store, path: Path | None) -> None:
        self._store = store
        self.path = path
        self._guard: _Guard | None = None

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> PlanStore:
        """Open (or create) the store at ``path``, finishing any interrupted load first."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        # The guard is taken before anything else: finishing an interrupted load moves folders,
        # and a load another process is running looks interrupted from outside.
        guard = _Guard(path)
        try:
            _recover(path)
            store = ox.Store(str(path))
        except OSError as error:
            guard.close()
            if "lock" in str(error).lower():
                raise _locked(path) from None
            raise
        except BaseException:
            guard.close()
            raise
        opened = cls(store, path)
        opened._guard = guard
        return opened

    @classmethod
    def in_memory(cls) -> PlanStore:
        """A store in memory, for tests and one-off work."""
        return cls(ox.Store(), None)

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store itself, for the modules that query it."""
        return self._store

    def close(self) -> None:
        """Release the store (pyoxigraph releases its lock when the object is gone)."""
        if self.path is not None:
            self._store.flush()
        self._release()
        if self._guard is not None:
            self._guard.close()
            self._guard = None

    def reopen(self) -> None:
        """Open the store anew, without flushing it: after an I/O error (a full disk) RocksDB
        refuses every write until then."""
        assert self.path is not None
        self._release()
        self._store = ox.Store(str(self.path))

    def _release(self) -> None:
        """Let go of the store without flushing it (after a failed write, whose flush would fail
        again: RocksDB refuses every write once one failed, until the store is opened anew)."""
        del self._store
        gc.collect()

    @contextlib.contextmanager
    def all_or_nothing(self, unchanged_on: tuple[type[Exception], ...] = ()) -> Iterator[None]:
        """Run the block as one change of the store: if it raises (a disk that fills up half-way,
        while writing or while taking a generation after the write), the store is put back as it
        was before the block and opened anew, so that the next write starts clean. An error of
        ``unchanged_on`` is one the block promises to raise before changing anything (a
        pyoxigraph transaction that did not commit): it goes through without the restore.

        It costs a checkpoint of the store (hard links) before the block."""
        kept: Exception | None = None
        with self._checkpoint():
            try:
                yield
            except unchanged_on as error:
                kept = error
        if kept is not None:
            raise kept

    # -- reading -------------------------------------------------------------------------

    def graphs(self) -> list[GraphInfo]:
        """Every named graph with its triple count and load record, sorted by IRI."""
        counts: dict[str, int] = {}
        for row in self._select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        ):
            counts[_value(row["g"])] = int(_value(row["n"]))
        records: dict[str, dict[str, str]] = {}
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(META_GRAPH)):
            records.setdefault(_value(quad.subject), {})[quad.predicate.value] = _value(quad.object)
        counts.pop(META_GRAPH, None)
        return [
            GraphInfo(
                iri=iri,
                triples=n,
                loaded_from=records.get(iri, {}).get(_PG_LOADED_FROM),
                modified=records.get(iri, {}).get(_DCT_MODIFIED),
                sha256=records.get(iri, {}).get(_PG_SHA256),
            )
            for iri, n in sorted(counts.items())
        ]

    def triple_count(self, graph: str) -> int:
        """How many triples the named graph holds."""
        # str() of a NamedNode is its N-Triples form, so the IRI cannot break out of <...>.
        rows = self._select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
        )
        return int(_value(rows[0]["n"]))

    def _select(self, query: str) -> list[ox.QuerySolution]:
        result = self._store.query(query)
        assert isinstance(result, ox.QuerySolutions)
        return list(result)

    def _recorded_sha256(self, graph: str) -> str | None:
        for quad in self._store.quads_for_pattern(
            ox.NamedNode(graph), ox.NamedNode(_PG_SHA256), None, ox.NamedNode(META_GRAPH)
        ):
            return _value(quad.object)
        return None

    def load_record(self, graph: str) -> dict[str, str]:
        """The named graph's load record in ``_meta``: predicate IRI → value."""
        return {
            quad.predicate.value: _value(quad.object)
            for quad in self._store.quads_for_pattern(
                ox.NamedNode(graph), None, None, ox.NamedNode(META_GRAPH)
            )
        }

    def unchanged_sha256(self, graph: str) -> str | None:
        """The checksum recorded when the named graph was loaded, if it still describes the
        graph: not after a SPARQL update (which marks every record, as it does not say which
        graphs it changed); a Graph Store write removes the record instead."""
        return _unchanged_sha256(self.load_record(graph))

    def source_file(self, graph: str) -> Path | None:
        """The file the named graph was loaded from, if it still stands for the graph: the load
        record names it, its checksum still describes the graph (:meth:`unchanged_sha256`) and
        the file has that checksum."""
        record = self.load_record(graph)
        shown, sha = record.get(_PG_LOADED_FROM), _unchanged_sha256(record)
        if not shown or not sha:
            return None
        path = Path(shown)
        try:
            if not path.is_absolute():
                path = resources.root() / path
            rdf_format(path)
            if not path.is_file() or file_sha256(path) != sha:
                return None
        except (LoadError, OSError):  # FileNotFoundError: no data folder to resolve against
            return None
        return path

    # -- writing -------------------------------------------------------------------------

    def load(
        self,
        items: Sequence[tuple[str, Path]],
        *,
        force: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> list[LoadResult]:
        """Load each ``(graph IRI, file)`` into its graph, replacing it; all or nothing.

        Every file is parsed before the store is touched. A file whose bytes are those last
        loaded into the same graph is skipped unless ``force`` is set. Small files are written
        in one transaction, big ones by pyoxigraph's bulk loader, after which the store is
        compacted (``Store.optimize``) so that reads are fast again. When the graphs to replace
        are big and the rest of the store is small, the store is rebuilt beside the old one and
        swapped in (clearing a graph costs far more per triple than loading one). ``progress``
        is told, in a few words, what the load is doing as it goes.
        """
        say = progress or (lambda _: None)
        changes: list[_Change] = []
        skipped: set[str] = set()
        for graph, file in items:
            file = Path(file)
            if not file.is_file():
                raise LoadError(file, "no such file")
            sha = file_sha256(file)
            if not force and self._recorded_sha256(graph) == sha:
                skipped.add(graph)
                continue
            say(f"checking {file.name}")
            node = ox.NamedNode(graph)
            quads: list[ox.Quad] | None = None
            if file.stat().st_size < _BULK_THRESHOLD:
                quads = [ox.Quad(t.subject, t.predicate, t.object, node) for t in _parse(file)]
                count = len(quads)
            else:
                count = check_syntax(file)
            if count == 0:
                raise LoadError(file, "the file holds no triples")
            changes.append(_Change(node, file, sha, quads, _shown(file)))

        rebuilt = self._replace(changes, say) if changes else False
        if rebuilt or any(c.quads is None for c in changes):
            # A bulk load leaves RocksDB uncompacted, and reads from it stay several times
            # slower (validating the national register: 72-85 s before, 22-44 s after).
            say("compacting the store")
            self._store.optimize()
        return [
            LoadResult(graph, Path(file), self.triple_count(graph), graph in skipped)
            for graph, file in items
        ]

    def _replace(self, changes: list[_Change], say: Callable[[str], None]) -> bool:
        """Write ``changes`` over their graphs, atomically; whether the store was rebuilt."""
        replaced = {c.graph for c in changes if self._store.contains_named_graph(c.graph)}
        old = sum(self.triple_count(g.value) for g in replaced)
        if self.path is not None and old > _REBUILD_MIN and old * 5 > len(self._store) - old:
            say(f"rebuilding the store with {len(changes)} new graph(s)")
            self._rebuild(changes)
            return True
        # Small files into empty graphs are one transaction: atomic without a checkpoint.
        in_one_transaction = not replaced and all(c.quads is not None for c in changes)
        say(f"writing {len(changes)} graph(s)")
        with self._checkpoint(enabled=not in_one_transaction):
            for node in replaced:
                self._store.clear_graph(node)
            _write(self._store, changes)
        return False

    def bulk_write_graph(
        self,
        graph: str,
        parts: Iterable[bytes],
        *,
        sha256: str,
        loaded_from: str,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        """Make the named graph hold the N-Triples of ``parts``, each bulk-loaded as it comes
        (a part with blank nodes is written keeping their labels, which the bulk loader would
        not).

        For content that plangraph itself writes and that is too big to hold as quads (the
        inferred graph): ``parts`` may be a generator that is still computing the next part
        while pyoxigraph loads the last one (the bulk loader does not hold the GIL). It is all
        or nothing, like :meth:`load`: if a part does not parse, or ``parts`` raises, the store
        is put back as it was. The parts are trusted to hold no triple twice over; they are not
        checked before the store is touched. The store is compacted only if it had to be
        rebuilt: after the national register's 2.9 million inferred triples were written in
        parts, the named queries ran as fast without a compaction as with one (RocksDB had
        compacted the parts itself: ``optimize()`` then took 0.4 s, not 7 s).
        """
        say = progress or (lambda _: None)
        change = _Change(ox.NamedNode(graph), Path(), sha256, None, loaded_from, parts)
        if self._replace([change], say):
            say("compacting the store")
            self._store.optimize()

    def replace_graph(
        self,
        graph: str,
        triples: Iterable[ox.Triple],
        *,
        sha256: str,
        loaded_from: str,
        force: bool = False,
    ) -> bool:
        """Make the named graph hold exactly ``triples``, atomically; whether it changed.

        For content that does not come from a file (an import from a web service). ``sha256``
        identifies the content: if it is the one recorded for the graph, nothing is written and
        the answer is False (unless ``force`` is set). ``loaded_from`` is what the load record
        shows as the origin (a URL or a file).
        An empty set of triples is refused (a LoadError): an import that found nothing is an
        error to report, not a graph to empty.
        """
        if not force and self._recorded_sha256(graph) == sha256:
            return False
        node = ox.NamedNode(graph)
        quads = [ox.Quad(t.subject, t.predicate, t.object, node) for t in triples]
        if not quads:
            raise LoadError(Path(loaded_from), "no triples to write")
        existed = self._store.contains_named_graph(node)
        change = _Change(node, Path(), sha256, quads, loaded_from)
        # Into an empty graph, one transaction is atomic; replacing one needs the checkpoint.
        with self._checkpoint(enabled=existed):
            if existed:
                self._store.clear_graph(node)
            _write(self._store, [change])
        return True

    def recorded_sha256(self, graph: str) -> str | None:
        """The SHA-256 of the content last written to the named graph, if recorded."""
        return self._recorded_sha256(graph)

    def drop(self, graph: str) -> bool:
        """Remove a named graph and its load record; whether it existed."""
        node = ox.NamedNode(graph)
        existed = self._store.contains_named_graph(node)
        with self._checkpoint(enabled=existed):
            if existed:
                self._store.remove_graph(node)
            self._forget(graph)
        return existed

    def _rebuild(self, changes: list[_Change]) -> None:
        """Write a new store with the kept graphs and the changes, then swap it in."""
        assert self.path is not None
        building, ready = _rebuild_paths(self.path)
        shutil.rmtree(building, ignore_errors=True)
        replaced = {c.graph for c in changes}
        meta = ox.NamedNode(META_GRAPH)
        try:
            fresh = ox.Store(str(building))
            kept: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.DefaultGraph()]
            kept += [g for g in self._store.named_graphs() if g not in replaced and g != meta]
            for graph in kept:
                source = self.source_file(graph.value) if isinstance(graph, ox.NamedNode) else None
                _copy_graph(self._store, fresh, graph, source)
            fresh.extend(
                q
                for q in self._store.quads_for_pattern(None, None, None, meta)
                if q.subject not in replaced
            )
            _write(fresh, changes)
            fresh.flush()
            del fresh
            gc.collect()
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        building.rename(ready)  # complete from here on: _recover finishes the swap if we die
        self.close()
        _recover(self.path)
        self._store = ox.Store(str(self.path))

    def _forget(self, graph: str) -> None:
        meta = ox.NamedNode(META_GRAPH)
        for quad in list(self._store.quads_for_pattern(ox.NamedNode(graph), None, None, meta)):
            self._store.remove(quad)

    @contextlib.contextmanager
    def _checkpoint(self, *, enabled: bool = True) -> Iterator[None]:
        """Take a checkpoint, run the block, and restore the checkpoint if the block fails."""
        if not enabled:
            yield
            return
        if self.path is None:
            # An in-memory store cannot be checkpointed: work on a copy, swap it in at the end.
            copy = ox.Store()
            copy.extend(self._store)
            original, self._store = self._store, copy
            try:
                yield
            except BaseException:
                self._store = original
                raise
            return
        checkpoint, pending = _checkpoint_paths(self.path)
        shutil.rmtree(pending, ignore_errors=True)
        try:
            self._store.backup(str(pending))
        except OSError as error:  # a full disk: nothing changed, but RocksDB may refuse writes
            shutil.rmtree(pending, ignore_errors=True)
            traceback.clear_frames(error.__traceback__)
            self._release()
            self._store = ox.Store(str(self.path))
            raise
        pending.rename(checkpoint)  # the checkpoint is valid from here on
        try:
            yield
            self._store.flush()
        except BaseException as error:
            # Finished frames in the traceback may hold the store; free them, or its lock stays.
            traceback.clear_frames(error.__traceback__)
            self._release()  # no flush: after a failed write, it would fail too
            _recover(self.path)
            self._store = ox.Store(str(self.path))
            raise
        _discard(checkpoint)


@dataclass(frozen=True)
class _Change:
    """One graph to write: its quads in memory if small, else read in bulk from its file or
    from ``parts``."""

    graph: ox.NamedNode
    file: Path
    sha: str
    quads: list[ox.Quad] | None
    loaded_from: str
    parts: Iterable[bytes] | None = None  # N-Triples written by plangraph, in parts


def _parse(file: Path) -> Iterator[ox.Quad]:
    try:
        yield from ox.parse(path=file, format=rdf_format(file))
    except SyntaxError as error:
        raise _syntax_error(file, error) from None
    except (OSError, ValueError) as error:
        raise LoadError(file, str(error)) from None


def _write(store: ox.Store, changes: list[_Change]) -> None:
    """Add the changes' triples and load records to ``store`` (their graphs already empty)."""
    now = ox.Literal(
        datetime.now(UTC).replace(microsecond=0).isoformat(),
        datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"),
    )
    meta = ox.NamedNode(META_GRAPH)
    small: list[ox.Quad] = []
    for change in changes:
        for quad in list(store.quads_for_pattern(change.graph, None, None, meta)):
            store.remove(quad)
        if change.parts is not None:
            for part in change.parts:
                try:
                    if b"_:" in part:  # the bulk loader would rename the blank nodes
                        store.bulk_extend(
                            ox.Quad(t.subject, t.predicate, t.object, change.graph)
                            for t in ox.parse(part, ox.RdfFormat.N_TRIPLES)
                        )
                    else:  # plangraph's own output, of terms that were valid: lenient saves ~3 %
                        store.bulk_load(
                            part, ox.RdfFormat.N_TRIPLES, to_graph=change.graph, lenient=True
                        )
                except SyntaxError as error:
                    raise LoadError(Path(change.loaded_from), str(error)) from None
        elif change.quads is None:
            try:
                store.bulk_load(
                    path=change.file, format=rdf_format(change.file), to_graph=change.graph
                )
            except SyntaxError as error:
                raise _syntax_error(change.file, error) from None
        else:
            small.extend(change.quads)
        small += [
            ox.Quad(
                change.graph, ox.NamedNode(_PG_LOADED_FROM), ox.Literal(change.loaded_from), meta
            ),
            ox.Quad(change.graph, ox.NamedNode(_PG_SHA256), ox.Literal(change.sha), meta),
            ox.Quad(change.graph, ox.NamedNode(_DCT_MODIFIED), now, meta),
        ]
    store.extend(small)  # one transaction for every small file and every load record


def _copy_graph(
    source: ox.Store,
    target: ox.Store,
    graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph,
    file: Path | None = None,
) -> None:
    """Copy one graph between stores, by pyoxigraph's bulk loader without the GIL (a rebuild's
    copy then runs beside Python work, such as the reasoner's rules): from ``file``, the
    N-Triples file that stands for it (:meth:`PlanStore.source_file`), which saves decoding
    every quad from the store (most of a national rebuild's copy), or else from a dump. A graph
    with blank nodes, whose labels the bulk loader would change, goes quad by quad."""
    data = b""
    if file is not None and rdf_format(file) == ox.RdfFormat.N_TRIPLES:
        data = file.read_bytes()  # the file the graph was loaded from, checksum checked
    if not data:
        data = source.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
    if b"_:" in data:
        target.bulk_extend(source.quads_for_pattern(None, None, None, graph))
    elif data:
        to_graph = None if isinstance(graph, ox.DefaultGraph) else graph
        target.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=to_graph)


def _unchanged_sha256(record: dict[str, str]) -> str | None:
    return None if UPDATED_SINCE_LOAD in record else record.get(_PG_SHA256)


def _rebuild_paths(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + ".rebuild"), path.with_name(path.name + ".next")


MARK_LOADS_UPDATE = (
    f"INSERT {{ GRAPH <{META_GRAPH}> {{ ?g <{UPDATED_SINCE_LOAD}> true }} }} "
    f"WHERE {{ GRAPH <{META_GRAPH}> {{ ?g <{_PG_SHA256}> ?sha }} }}"
)
"""The SPARQL update that marks every load record :data:`UPDATED_SINCE_LOAD` (run with every
SPARQL update, in the same request: :func:`update_marking_loads`); loading a graph again writes a
new record without the mark."""


def update_marking_loads(store: ox.Store, update: str, base_iri: str | None = None) -> None:
    """Run a SPARQL update together with :data:`MARK_LOADS_UPDATE`, in one request, which
    pyoxigraph runs as one transaction: a writer stopped half-way leaves neither.

    A graph loaded from a file may differ from it after an update while holding as many
    triples, so its file must no longer stand for it (the reasoner reads unchanged files
    instead); the mark must never be missing while the update is in the store.

    The mark comes last, on a line of its own (which ends a comment), after a ``;``. A text that
    ends open (with a ``;`` of its own, or with a prologue alone) takes the mark without one
    more: such a text joined with a ``;`` does not parse, and parsing changes nothing.
    """
    try:
        store.update(f"{update}\n;\n{MARK_LOADS_UPDATE}", base_iri=base_iri)
        return
    except SyntaxError:
        pass
    try:
        store.update(f"{update}\n{MARK_LOADS_UPDATE}", base_iri=base_iri)
    except SyntaxError:
        # The error as the text alone gives it (its own lines and columns), from a parse
        # against an empty store in memory; the store itself was not touched.
        ox.Store().update(update, base_iri=base_iri)
        raise


def _checkpoint_paths(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + ".checkpoint"), path.with_name(path.name + ".checkpoint.tmp")


def _discard(folder: Path) -> None:
    """Remove a folder so that a crash half-way never leaves something that looks valid."""
    if folder.exists():
        doomed = folder.with_name(folder.name + ".old")
        shutil.rmtree(doomed, ignore_errors=True)
        folder.rename(doomed)
        shutil.rmtree(doomed, ignore_errors=True)


def _recover(path: Path) -> None:
    """Finish or undo a write that did not complete, and sweep leftovers.

    A checkpoint means a load was writing in place: put the checkpoint back. A ``.next`` store
    means a rebuild was complete but not yet swapped in: swap it in. A ``.rebuild`` store was
    never completed: remove it.
    """
    checkpoint, pending = _checkpoint_paths(path)
    building, ready = _rebuild_paths(path)
    broken = path.with_name(path.name + ".broken")
    for leftover in (pending, building, checkpoint.with_name(checkpoint.name + ".old"), broken):
        shutil.rmtree(leftover, ignore_errors=True)
    for replacement in (checkpoint, ready):
        if replacement.is_dir():
            if path.exists():
                path.rename(broken)
            replacement.rename(path)
            shutil.rmtree(broken, ignore_errors=True)


def _shown(file: Path) -> str:
    """A file's path as the load record keeps it: relative to the project if it ships with it."""
    resolved = file.resolve()
    try:
        return resolved.relative_to(resources.root().resolve()).as_posix()
    except (ValueError, FileNotFoundError):
        return str(resolved)


def _value(term: object) -> str:
    value = getattr(term, "value", None)
    if not isinstance(value, str):
        raise TypeError(f"expected an RDF term with a value, got {term!r}")
    return value
