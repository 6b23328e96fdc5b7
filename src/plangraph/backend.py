"""The one interface to the RDF store plangraph works on, and its two implementations.

:class:`EmbeddedBackend` is the embedded pyoxigraph store on disk (:mod:`plangraph.store`),
wrapped without any change of behaviour. :class:`RemoteBackend` is any SPARQL 1.1 store reached
over HTTP: queries and updates by the SPARQL 1.1 Protocol, graphs written and read by the Graph
Store Protocol, with basic or digest authentication. Which one plangraph works on is one
setting, ``PLANGRAPH_BACKEND_URL`` (:func:`open_backend`).

A remote write is atomic per graph as the embedded one is: the content goes to a temporary graph
first, then one SPARQL update moves it over the graph and writes its load record beside the
others, in the backend's ``_meta`` graph. The same update sets the backend's change token
(:meth:`Backend.version`), by which copies of its graphs know they are out of date.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol, TypeAlias

import pyoxigraph as ox

from plangraph.namespaces import META_GRAPH, PG, STAGING_PREFIX
from plangraph.store import (
    GraphInfo,
    LoadError,
    LoadResult,
    PlanStore,
    file_sha256,
    rdf_format,
)

if TYPE_CHECKING:
    import httpx

    from plangraph.settings import Settings

QueryAnswer: TypeAlias = "ox.QuerySolutions | bool | Iterator[ox.Triple]"
"""A query's answer: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE)."""

VERSION: Final = PG + "backendVersion"
"""In ``_meta``: the token a remote backend's writer changes with every write."""

_LOADED_FROM = PG + "loadedFrom"
_SHA256 = PG + "sha256"
_MODIFIED = "http://purl.org/dc/terms/modified"
_XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"

ENGINE_GRAPHS: Final = (
    "http://www.openlinksw.com/",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/",
    "http://localhost:8890/",
    "urn:core:services:sparql",
)
"""Prefixes of the graphs an engine keeps for itself (Virtuoso's system graphs): not plangraph's,
never listed, never part of the union the named queries read."""

_PAGE = 200_000
"""Triples per request when a remote graph is read or written in pages."""


class BackendError(Exception):
    """The backend refused a request or could not be reached; the message says which and why."""


class Backend(Protocol):
    """What plangraph needs of a store: queries, updates, graphs written whole and atomically
    with their load records, and a token that changes with every write."""

    @property
    def where(self) -> str:
        """The store as messages name it (a folder, or a URL)."""
        ...

    def query(self, text: str, *, union: bool = False) -> QueryAnswer:
        """Run a query; ``union``: on the union of every graph as the default graph."""
        ...

    def update(self, text: str) -> None:
        """Run a SPARQL update (the load records are marked as possibly out of date)."""
        ...

    def graphs(self) -> list[GraphInfo]:
        """Every named graph but ``_meta``, with its triple count and load record, by IRI."""
        ...

    def graph_names(self) -> list[str]:
        """The IRIs of the store's named graphs (``_meta`` included), sorted."""
        ...

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        """The triples of a named graph (read in pages from a remote store)."""
        ...

    def load_record(self, graph: str) -> dict[str, str]:
        """The named graph's load record: predicate IRI → value (empty if none)."""
        ...

    def load(
        self,
        items: Sequence[tuple[str, Path]],
        *,
        force: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> list[LoadResult]:
        """Load each ``(graph, file)`` into its graph, replacing it, all or nothing; a file
        whose checksum is the one recorded for its graph is skipped unless ``force``."""
        ...

    def replace_graph(
        self,
        graph: str,
        triples: Iterable[ox.Triple],
        *,
        sha256: str,
        loaded_from: str,
        force: bool = False,
    ) -> bool:
        """Make the named graph hold exactly ``triples``, atomically, with its load record;
        whether it changed (not if ``sha256`` is already recorded, unless ``force``)."""
        ...

    def drop(self, graph: str) -> bool:
        """Remove a named graph and its load record; whether it existed."""
        ...

    def version(self) -> str:
        """A token that changes whenever the store's content does (through plangraph)."""
        ...

    def close(self) -> None: ...


# -- the embedded store ----------------------------------------------------------------------


class EmbeddedBackend:
    """The embedded pyoxigraph store (:class:`~plangraph.store.PlanStore`) as a backend."""

    def __init__(self, store: PlanStore, *, shown: str | None = None) -> None:
        self.store = store
        self._shown = shown

    @property
    def where(self) -> str:
        if self._shown is not None:
            return self._shown
        return str(self.store.path) if self.store.path is not None else "a store in memory"

    def query(self, text: str, *, union: bool = False) -> QueryAnswer:
        result = self.store.raw.query(text, use_default_graph_as_union=union)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, ox.QuerySolutions):
            return result
        triples: Iterator[ox.Triple] = iter(result)
        return triples

    def update(self, text: str) -> None:
        from plangraph.store import update_marking_loads

        update_marking_loads(self.store.raw, text)

    def graphs(self) -> list[GraphInfo]:
        return self.store.graphs()

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.raw.named_graphs() if isinstance(g, ox.NamedNode))

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        for quad in self.store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            yield quad.triple

    def load_record(self, graph: str) -> dict[str, str]:
        return self.store.load_record(graph)

    def load(
        self,
        items: Sequence[tuple[str, Path]],
        *,
        force: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> list[LoadResult]:
        return self.store.load(items, force=force, progress=progress)

    def replace_graph(
        self,
        graph: str,
        triples: Iterable[ox.Triple],
        *,
        sha256: str,
        loaded_from: str,
        force: bool = False,
    ) -> bool:
        return self.store.replace_graph(
            graph, triples, sha256=sha256, loaded_from=loaded_from, force=force
        )

    def drop(self, graph: str) -> bool:
        return self.store.drop(graph)

    def version(self) -> str:
        """The load records and the number of quads: every load, import, drop and update
        through plangraph changes one or the other (an update that only replaces triples by as
        many others marks the records, :data:`~plangraph.store.UPDATED_SINCE_LOAD`)."""
        digest = hashlib.sha256()
        raw = self.store.raw
        lines = sorted(
            str(q) for q in raw.quads_for_pattern(None, None, None, ox.NamedNode(META_GRAPH))
        )
        digest.update("\n".join(lines).encode())
        digest.update(str(len(raw)).encode())
        return digest.hexdigest()

    def close(self) -> None:
        self.store.close()


# -- a remote SPARQL 1.1 store ---------------------------------------------------------------


class _Auth:
    """Basic or digest authentication, whichever the server asks for (httpx's ``DigestAuth``
    answers only a digest challenge)."""

    def __init__(self, user: str, password: str) -> None:
        import httpx

        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._use_basic = False

    def flow(self) -> httpx.Auth:
        import httpx

        outer = self

        class Flow(httpx.Auth):
            requires_request_body = True

            def auth_flow(
                self, request: httpx.Request
            ) -> Generator[httpx.Request, httpx.Response, None]:
                if outer._use_basic:
                    yield from outer._basic.auth_flow(request)
                    return
                digest = outer._digest.auth_flow(request)
                response = yield next(digest)
                challenges = response.headers.get_list("www-authenticate")
                if response.status_code == 401 and not any(
                    c.lower().startswith("digest ") for c in challenges
                ):
                    if any(c.lower().startswith("basic") for c in challenges):
                        outer._use_basic = True
                        yield from outer._basic.auth_flow(request)
                    return
                while True:
                    try:
                        retry = digest.send(response)
                    except StopIteration:
                        return
                    response = yield retry

        return Flow()


class RemoteBackend:
    """A SPARQL 1.1 store over HTTP: the Protocol for queries and updates, the Graph Store
    Protocol for whole graphs."""

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        store_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 300.0,
    ) -> None:
        import httpx

        self.query_url = query_url
        self.update_url = update_url or query_url
        self.store_url = store_url or query_url
        self._auth = _Auth(user, password or "") if user is not None else None
        self._client = httpx.Client(timeout=timeout, follow_redirects=False)
        self._engine: str | None = None
        self._timeout = timeout

    @classmethod
    def of(cls, settings: Settings) -> RemoteBackend:
        assert settings.backend_url is not None
        password = settings.backend_password
        return cls(
            settings.backend_url,
            update_url=settings.backend_update_url,
            store_url=settings.backend_store_url,
            user=settings.backend_user,
            password=password.get_secret_value() if password is not None else None,
            timeout=settings.backend_timeout,
        )

    @property
    def where(self) -> str:
        return self.query_url

    # -- HTTP ------------------------------------------------------------------------------

    def _send(
        self, method: str, url: str, *, write: bool, what: str, **kwargs: object
    ) -> httpx.Response:
        import httpx

        auth = self._auth.flow() if self._auth is not None and write else None
        try:
            response = self._client.request(method, url, auth=auth, **kwargs)  # type: ignore[arg-type]
        except httpx.TransportError as error:
            raise BackendError(
                f"{what}: the backend at {url} cannot be reached ({error})"
            ) from None
        if response.status_code >= 400:
            body = response.text.strip().replace("\n", " ")[:500]
            raise BackendError(
                f"{what}: the backend at {url} answered {response.status_code}: {body}"
            )
        return response

    def _post_query(
        self,
        text: str,
        accept: str,
        *,
        graphs: Sequence[str] | None = None,
        extra: dict[str, str] | None = None,
    ) -> httpx.Response:
        form: dict[str, str | list[str]] = {"query": text, **(extra or {})}
        if graphs:
            form["default-graph-uri"] = list(graphs)
        return self._send(
            "POST",
            self.query_url,
            write=False,
            what="query",
            data=form,
            headers={"Accept": accept},
        )

    # -- reading ---------------------------------------------------------------------------

    def engine(self) -> str:
        """The engine's name and version from its ``Server`` header (asked once)."""
        if self._engine is None:
            self._engine = self._send(
                "GET", self.query_url, write=False, what="query", params={"query": "ASK {}"}
            ).headers.get("server", "")
        return self._engine

    def query(self, text: str, *, union: bool = False) -> QueryAnswer:
        graphs: list[str] | None = None
        extra: dict[str, str] = {}
        # The union of every graph as the default graph: by the SPARQL 1.1 Protocol, the list
        # of graphs as ``default-graph-uri``; the Oxigraph server has a parameter for it (its
        # queries were many times slower given the list); Virtuoso's default graph is the union
        # of its graphs already (and it hung on some queries given the list: Virtuoso 7.2.5's
        # HTTP server stopped answering altogether).
        engine = self.engine().lower()
        if engine.startswith("virtuoso"):
            # Virtuoso's own deadline in milliseconds, so that it stops a query the client has
            # given up on (else it runs on, holding one of its few HTTP threads).
            extra["timeout"] = str(int(self._timeout * 1000))
        if union and engine.startswith("oxigraph"):
            extra["union-default-graph"] = ""
        elif union and not engine.startswith("virtuoso"):
            graphs = self.graph_names() or [META_GRAPH]  # empty: no graph, not the engine's
        response = self._post_query(
            text,
            "application/sparql-results+xml, application/n-triples;q=0.9, text/plain;q=0.1",
            graphs=graphs,
            extra=extra,
        )
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind in ("application/n-triples", "text/plain", "text/ntriples"):
            return _triples(response.content, ox.RdfFormat.N_TRIPLES)
        if kind == "text/turtle":
            return _triples(response.content, ox.RdfFormat.TURTLE)
        if kind not in ("application/sparql-results+xml", "application/xml"):
            raise BackendError(f"query: the backend answered with {kind or 'no media type'}")
        parsed = ox.parse_query_results(response.content, ox.QueryResultsFormat.XML)
        if isinstance(parsed, ox.QueryBoolean):
            return bool(parsed)
        variables = [v.value for v in parsed.variables]
        if variables == ["__ASK_RETVAL"]:
            # Virtuoso answers ASK over POST as one row of one integer.
            rows = list(parsed)
            value = rows[0]["__ASK_RETVAL"] if rows else None
            return isinstance(value, ox.Literal) and value.value not in ("0", "false")
        return parsed

    def select(self, text: str) -> list[ox.QuerySolution]:
        result = self.query(text)
        if not isinstance(result, ox.QuerySolutions):
            raise BackendError("expected SELECT results")
        return list(result)

    def graph_names(self) -> list[str]:
        # ``GRAPH ?g {}`` lists the graphs without reading them where the engine supports it
        # (Oxigraph); Virtuoso 7.2 answers it with nothing, so then count each graph's triples,
        # which Virtuoso answers from its graph index at once (it took 26-40 s for the
        # ``SELECT DISTINCT ?g`` of the same graphs of Bergen's register).
        names = self._names("SELECT ?g WHERE { GRAPH ?g { } }")
        if not names:
            names = self._names(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            )
        return sorted(
            n for n in names if not n.startswith(ENGINE_GRAPHS) and not n.startswith(STAGING_PREFIX)
        )

    def _names(self, text: str) -> set[str]:
        return {g.value for row in self.select(text) if isinstance(g := row["g"], ox.NamedNode)}

    def graphs(self) -> list[GraphInfo]:
        counts: dict[str, int] = {}
        for row in self.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        ):
            g, n = row["g"], row["n"]
            if isinstance(g, ox.NamedNode) and isinstance(n, ox.Literal):
                counts[g.value] = int(n.value)
        records = self._records()
        return [
            GraphInfo(
                iri=iri,
                triples=n,
                loaded_from=records.get(iri, {}).get(_LOADED_FROM),
                modified=records.get(iri, {}).get(_MODIFIED),
                sha256=records.get(iri, {}).get(_SHA256),
            )
            for iri, n in sorted(counts.items())
            if iri != META_GRAPH
            and not iri.startswith(ENGINE_GRAPHS)
            and not iri.startswith(STAGING_PREFIX)
        ]

    def _records(self) -> dict[str, dict[str, str]]:
        """Every load record in ``_meta``: graph → predicate IRI → value."""
        found: dict[str, dict[str, str]] = {}
        for row in self.select(f"SELECT ?g ?p ?o WHERE {{ GRAPH <{META_GRAPH}> {{ ?g ?p ?o }} }}"):
            g, p, o = row["g"], row["p"], row["o"]
            if isinstance(g, ox.NamedNode) and isinstance(p, ox.NamedNode) and o is not None:
                found.setdefault(g.value, {})[p.value] = str(getattr(o, "value", o))
        return found

    def load_record(self, graph: str) -> dict[str, str]:
        return self._records().get(graph, {})

    def triple_count(self, graph: str) -> int:
        rows = self.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
        )
        n = rows[0]["n"] if rows else None
        return int(n.value) if isinstance(n, ox.Literal) else 0

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        """The graph's triples by ``CONSTRUCT``, in pages of :data:`_PAGE` in a set order when
        it is bigger than one (a blank node keeps its label across pages only where the engine
        labels blank nodes by their identity, as Oxigraph and Virtuoso do)."""
        node = ox.NamedNode(graph)
        total = self.triple_count(graph)
        if total <= _PAGE:
            yield from self._construct(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}"
            )
            return
        for offset in range(0, total, _PAGE):
            yield from self._construct(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ SELECT ?s ?p ?o WHERE {{ GRAPH {node} "
                f"{{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o LIMIT {_PAGE} OFFSET {offset} }} }}"
            )

    def _construct(self, text: str) -> Iterator[ox.Triple]:
        response = self._post_query(text, "application/n-triples")
        return _triples(response.content, ox.RdfFormat.N_TRIPLES)

    def version(self) -> str:
        rows = self.select(
            f"SELECT ?v WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{VERSION}> ?v }} }}"
        )
        values = sorted(str(getattr(r["v"], "value", "")) for r in rows)
        return ",".join(values)

    # -- writing ---------------------------------------------------------------------------

    def _update(self, text: str, what: str) -> None:
        self._send("POST", self.update_url, write=True, what=what, data={"update": text})

    def update(self, text: str) -> None:
        """Run ``text``, then mark every load record as possibly out of date and change the
        version (in a second request: a remote engine may not take the two as one text)."""
        from plangraph.store import MARK_LOADS_UPDATE

        self._update(text, "update")
        self._update(f"{MARK_LOADS_UPDATE} ;\n{_bump()}", "update")

    def _stage(self, triples: Iterable[ox.Triple], what: str) -> tuple[str, int]:
        """Write ``triples`` into a new temporary graph; its IRI and how many were written.
        Content with blank nodes goes in one request (a blank node's label is scoped to its
        request), other content in pages."""
        staging = f"{STAGING_PREFIX}{uuid.uuid4()}"
        batch: list[ox.Triple] = []
        blank = False
        count = 0
        pages: list[list[ox.Triple]] = []
        for t in triples:
            batch.append(t)
            blank = (
                blank or isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
            )
            count += 1
            if len(batch) >= _PAGE and not blank:
                pages.append(batch)
                batch = []
        if batch:
            pages.append(batch)
        if blank:
            pages = [[t for page in pages for t in page]]
        try:
            for page in pages:
                body = ox.serialize(page, format=ox.RdfFormat.N_TRIPLES) or b""
                self._send(
                    "POST",
                    self.store_url,
                    write=True,
                    what=what,
                    params={"graph": staging},
                    content=body,
                    headers={"Content-Type": "application/n-triples"},
                )
        except BaseException:
            self._drop_silently(staging)
            raise
        return staging, count

    def _drop_silently(self, graph: str) -> None:
        with contextlib.suppress(BackendError):
            self._update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}", "clean up")

    def _swap(
        self,
        moves: Sequence[tuple[str, str, str, str]],
        record: Sequence[tuple[str, ox.NamedNode | ox.Literal]] = (),
    ) -> None:
        """One update: each staged graph moved over its graph, with its new load record
        ``(graph, staging, sha256, loaded_from)``, and the version changed."""
        now = datetime.now(UTC).replace(microsecond=0).isoformat()
        meta = f"<{META_GRAPH}>"
        parts: list[str] = []
        records: list[str] = []
        for graph, staging, sha, shown in moves:
            g = str(ox.NamedNode(graph))
            parts.append(f"MOVE {ox.NamedNode(staging)} TO {g}")
            parts.append(
                f"DELETE {{ GRAPH {meta} {{ {g} ?p ?o }} }} WHERE {{ GRAPH {meta} {{ {g} ?p ?o }} }}"
            )
            records.append(
                f"{g} <{_LOADED_FROM}> {ox.Literal(shown)} ; <{_SHA256}> {ox.Literal(sha)} ; "
                f'<{_MODIFIED}> "{now}"^^<{_XSD_DATETIME}> .'
            )
        if record:
            g = str(ox.NamedNode(moves[0][0]))
            records += [f"{g} <{p}> {value} ." for p, value in record]
        parts.append(f"INSERT DATA {{ GRAPH {meta} {{ {' '.join(records)} }} }}")
        parts.append(_bump())
        self._update(" ;\n".join(parts), "write")

    def load(
        self,
        items: Sequence[tuple[str, Path]],
        *,
        force: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> list[LoadResult]:
        """Every file parsed before the backend is touched; each changed one staged in a
        temporary graph; then one update moves them all over their graphs."""
        from plangraph.store import _parse, _shown

        say = progress or (lambda _: None)
        records = self._records()
        changes: list[tuple[str, Path, str, list[ox.Triple]]] = []
        skipped: set[str] = set()
        for graph, file in items:
            file = Path(file)
            if not file.is_file():
                raise LoadError(file, "no such file")
            rdf_format(file)
            sha = file_sha256(file)
            # As the embedded store does: the recorded checksum, marked by an update or not.
            if not force and records.get(graph, {}).get(_SHA256) == sha:
                skipped.add(graph)
                continue
            say(f"checking {file.name}")
            triples = [q.triple for q in _parse(file)]
            if not triples:
                raise LoadError(file, "the file holds no triples")
            changes.append((graph, file, sha, triples))
        staged: list[tuple[str, str, str, str]] = []
        try:
            for graph, file, sha, triples in changes:
                say(f"sending {file.name}")
                staging, _ = self._stage(triples, f"load {file}")
                staged.append((graph, staging, sha, _shown(file)))
            if staged:
                say(f"writing {len(staged)} graph(s)")
                self._swap(staged)
        except BaseException:
            for _, staging, _, _ in staged:
                self._drop_silently(staging)
            raise
        counts = {g.iri: g.triples for g in self.graphs()}
        return [
            LoadResult(graph, Path(file), counts.get(graph, 0), graph in skipped)
            for graph, file in items
        ]

    def replace_graph(
        self,
        graph: str,
        triples: Iterable[ox.Triple],
        *,
        sha256: str,
        loaded_from: str,
        force: bool = False,
        record: Sequence[tuple[str, ox.NamedNode | ox.Literal]] = (),
    ) -> bool:
        """As :meth:`Backend.replace_graph`; ``record``: more ``(predicate, value)`` for the
        graph's load record (the inferred graph's ``prov:wasDerivedFrom``)."""
        if not force and self.load_record(graph).get(_SHA256) == sha256:
            return False
        staging, count = self._stage(triples, f"write {graph}")
        if count == 0:
            self._drop_silently(staging)
            raise LoadError(Path(loaded_from), "no triples to write")
        try:
            self._swap([(graph, staging, sha256, loaded_from)], record)
        except BaseException:
            self._drop_silently(staging)
            raise
        return True

    def drop(self, graph: str) -> bool:
        existed = graph in self.graph_names()
        g = str(ox.NamedNode(graph))
        meta = f"<{META_GRAPH}>"
        self._update(
            f"DROP SILENT GRAPH {g} ;\n"
            f"DELETE {{ GRAPH {meta} {{ {g} ?p ?o }} }} WHERE {{ GRAPH {meta} {{ {g} ?p ?o }} }} ;\n"
            f"{_bump()}",
            f"drop {graph}",
        )
        return existed

    def close(self) -> None:
        self._client.close()


def _triples(data: bytes, fmt: ox.RdfFormat) -> Iterator[ox.Triple]:
    for quad in ox.parse(data, fmt):
        yield quad.triple


def _bump() -> str:
    """The update that gives the backend a new version token."""
    meta = f"<{META_GRAPH}>"
    token = ox.Literal(str(uuid.uuid4()))
    return (
        f"DELETE {{ GRAPH {meta} {{ {meta} <{VERSION}> ?v }} }} "
        f"WHERE {{ GRAPH {meta} {{ {meta} <{VERSION}> ?v }} }} ;\n"
        f"INSERT DATA {{ GRAPH {meta} {{ {meta} <{VERSION}> {token} }} }}"
    )


def local_copy(backend: Backend, graphs: Iterable[str] | None = None) -> PlanStore:
    """A store in memory holding the backend's named ``graphs`` (default: all) and every load
    record, as they are now: for the work that needs the data at hand (reasoning, validation)."""
    copy = PlanStore.in_memory()
    raw = copy.raw
    wanted = list(graphs) if graphs is not None else backend.graph_names()
    if META_GRAPH not in wanted:
        wanted.append(META_GRAPH)
    for graph in wanted:
        node = ox.NamedNode(graph)
        raw.extend(ox.Quad(t.subject, t.predicate, t.object, node) for t in backend.triples(graph))
    return copy


def open_backend(settings: Settings | None = None, *, store: Path | None = None) -> Backend:
    """The backend the settings name: the remote store at ``backend_url`` if set, else the
    embedded store (at ``store`` if given, else at ``settings.store``)."""
    if settings is None:
        from plangraph.settings import Settings

        settings = Settings()
    if settings.backend_url is not None:
        return RemoteBackend.of(settings)
    return EmbeddedBackend(PlanStore.open(store if store is not None else settings.store))
