"""``/catalog`` and ``/dumps``: the register's description of itself, and its files.

* ``/catalog``: the DCAT-AP-NO catalogue (:mod:`plangraph.publish.catalog`, the same bytes as
  ``plangraph catalog --public-url`` this server's URL), in any RDF format by ``Accept`` or
  ``format=``, or as an HTML page for a browser. Its distributions are this server's: the
  dumps below and ``/sparql``, with absolute URLs from ``PLANGRAPH_PUBLIC_URL`` or the request.
* ``/dumps/{dataset}.ttl`` and ``/dumps/{dataset}.nq``: every graph of a dataset of
  ``data/datasets.toml``, of one source's imports (``import-ssb``, ``import-brreg`` …: the
  graphs below ``…/graph/import/{source}/``, PROV-O records included), or of the whole store
  (``all``), as Turtle (the union of the graphs'
  triples) or N-Quads (each triple in its graph). Streamed from a worker process in chunks, so
  the server never holds a dump whole; the ETag comes from the checksums of the files loaded
  (the store's ``_meta`` records), so a client can ask again with ``If-None-Match``. A dump that
  fails part-way is cut off without its last chunk: it can never look complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import AsyncGenerator, Generator
from contextlib import ExitStack
from datetime import datetime
from email.utils import format_datetime
from html import escape

from fastapi import Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS
from starlette.concurrency import run_in_threadpool

from plangraph.data import datasets
from plangraph.namespaces import STAGING_PREFIX
from plangraph.publish import catalog
from plangraph.store import GraphInfo
from plangraph.web import negotiation
from plangraph.web.context import (
    AppContext,
    ProtocolError,
    client_of,
    content_disposition,
    context_of,
    error_response,
    job_rebase,
    output_prefixes,
    public_url,
    too_many,
)
from plangraph.web.engine import StreamError, jobs
from plangraph.web.negotiation import NotAcceptable
from plangraph.web.querylog import QueryLog

DUMP_FORMATS = {"ttl": "text/turtle", "nq": "application/n-quads"}


def _graphs(context: AppContext) -> tuple[str, list[GraphInfo]]:
    """The store's generation and graphs (read by the engine once per generation)."""
    found = context.engine.graphs(min(context.settings.query_timeout, 60.0))
    if found is None:
        raise ProtocolError(503, "the store's graphs could not be read; try again")
    return found.generation, list(found.value)


def _imports(context: AppContext) -> list[catalog.Imported]:
    """The store's imported graphs with their PROV-O records, for the catalogue (read by the
    engine once per generation)."""
    found = context.engine.imports(min(context.settings.query_timeout, 60.0))
    if found is None:
        raise ProtocolError(503, "the store's imported graphs could not be read; try again")
    return list(found)


# -- /catalog ---------------------------------------------------------------------------------


def catalog_page(request: Request) -> Response:
    """The DCAT-AP-NO catalogue, by content negotiation (HTML for a browser)."""
    context = context_of(request)
    log = QueryLog(op="catalog", client=client_of(request))
    try:
        fmt = negotiation.negotiate(
            "graph",
            request.headers.get("accept"),
            request.query_params.getlist("format"),
            html=True,
        )
    except NotAcceptable as error:
        log.write(406)
        return error_response(406, str(error), log)
    try:
        _, graphs = _graphs(context)
        imported = _imports(context)
    except ProtocolError as error:
        log.write(error.status)
        return error_response(error.status, error.message, log)
    graph = catalog.build(
        datasets.default_datasets(),
        graphs,
        public_url(request, context.settings),
        base_iri=context.settings.base_iri,
        imported=imported,
    )
    headers = {"Vary": "Accept", "X-Request-Id": log.id}
    if fmt is None:
        log.write(200)
        return HTMLResponse(_catalog_html(graph, context.settings.base_iri), headers=headers)
    body = catalog.serialize(graph, fmt.media_type)
    log.write(200, rows=len(graph), size=len(body))
    return Response(body, media_type=fmt.content_type, headers=headers)


def _text(graph: Graph, node: URIRef, predicate: URIRef, lang: str = "nb") -> str:
    values = [v for v in graph.objects(node, predicate) if isinstance(v, Literal)]
    for value in values:
        if value.language == lang:
            return str(value)
    return str(values[0]) if values else ""


def _catalog_html(graph: Graph, base_iri: str) -> str:
    root = URIRef(base_iri + "catalog")
    rows = []
    for dataset in sorted(graph.objects(root, DCAT.dataset), key=str):
        assert isinstance(dataset, URIRef)
        links = []
        for distribution in sorted(graph.objects(dataset, DCAT.distribution), key=str):
            url = graph.value(distribution, DCAT.accessURL)
            title = _text(graph, URIRef(str(distribution)), DCTERMS.title)
            links.append(f'<a href="{escape(str(url))}">{escape(title)}</a>')
        triples = graph.value(dataset, catalog.VOID.triples)
        modified = graph.value(dataset, DCTERMS.modified)
        rows.append(
            "<tr>"
            f"<td><strong>{escape(_text(graph, dataset, DCTERMS.title))}</strong><br>"
            f"<small>{escape(_text(graph, dataset, DCTERMS.description))}</small></td>"
            f"<td>{escape(str(triples or ''))}</td>"
            f"<td>{escape(str(modified or ''))}</td>"
            f"<td>{' · '.join(links)}</td>"
            "</tr>"
        )
    title = _text(graph, root, DCTERMS.title)
    return (
        '<!DOCTYPE html>\n<html lang="nb"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>{_STYLE}</head><body>"
        f"<h1>{escape(title)}</h1><p>{escape(_text(graph, root, DCTERMS.description))}</p>"
        "<p>DCAT-AP-NO: "
        '<a href="?format=ttl">Turtle</a> · <a href="?format=jsonld">JSON-LD</a> · '
        '<a href="?format=rdfxml">RDF/XML</a> · <a href="?format=nt">N-Triples</a> · '
        '<a href="dumps/all.ttl">alt (Turtle)</a> · <a href="dumps/all.nq">alt (N-Quads)</a>'
        "</p><table><thead><tr><th>Datasett / dataset</th><th>Tripler / triples</th>"
        "<th>Endret / modified</th><th>Distribusjoner / distributions</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></body></html>\n"
    )


_STYLE = (
    "<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:1rem auto;"
    "padding:0 1rem;line-height:1.4}table{border-collapse:collapse;width:100%}"
    "td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}"
    "code{font-size:.9em}</style>"
)


# -- /dumps -----------------------------------------------------------------------------------


def _dump_graphs(name: str, graphs: list[GraphInfo]) -> list[GraphInfo] | None:
    """The graphs of the dump ``name`` that the store holds (None: no such dataset)."""
    loaded = [g for g in graphs if not g.iri.startswith(STAGING_PREFIX)]
    if name == catalog.ALL:
        return loaded
    if name.startswith(catalog.IMPORT_PREFIX):
        source = name[len(catalog.IMPORT_PREFIX) :]
        members = [g for g in loaded if catalog.import_source(g.iri) == source]
        return members or None
    for ds in datasets.default_datasets():
        if ds.id == name:
            wanted = {iri for iri, _ in ds.graphs()}
            return [g for g in loaded if g.iri in wanted]
    return None


def _validators(
    members: list[GraphInfo], generation: str, suffix: str, base_iri: str
) -> tuple[str, str | None]:
    """``(ETag, Last-Modified or None)`` of a dump of ``members``.

    The ETag hashes each graph's load record (the file's SHA-256 and when it was loaded); a
    graph written through the Graph Store has no record, and then the store's generation (which
    changes after every write) stands in for it.
    """
    digest = hashlib.sha256(f"{suffix}\n{base_iri}\n".encode())
    stamps: list[datetime] = []
    for g in members:
        record = f"{g.sha256}/{g.modified}" if g.sha256 else f"generation {generation}"
        digest.update(f"{g.iri} {record} {g.triples}\n".encode())
        if g.modified:
            with contextlib.suppress(ValueError):
                stamps.append(datetime.fromisoformat(g.modified))
    modified = None
    if stamps and len(stamps) == len(members):
        modified = format_datetime(max(stamps), usegmt=True) if max(stamps).tzinfo else None
    return f'"{digest.hexdigest()[:32]}"', modified


def _chunks(context: AppContext, job: jobs.Dump) -> tuple[bytes, Generator[bytes], threading.Event]:
    """Start a dump: its first chunk (so that a failure before it is still an error status),
    the rest, and the event that stops it."""
    cancel = threading.Event()
    # A chunk may take as long as the longest deadline a query may have before the dump counts
    # as stalled.
    stream = context.engine.stream(job, context.settings.max_query_timeout, cancel)
    return next(stream), stream, cancel


async def _relay(
    first: bytes,
    stream: Generator[bytes],
    cancel: threading.Event,
    slot: ExitStack,
    log: QueryLog,
) -> AsyncGenerator[bytes]:
    """The chunks of a dump, each fetched from the worker on a thread. The client's slot is
    released, and the log line written, when the last is sent, the client goes, or it fails."""
    sent = len(first)
    status = 499  # unless the dump ends or fails
    try:
        yield first
        while True:
            chunk = await run_in_threadpool(next, stream, None)
            if chunk is None:
                status = 200
                return
            sent += len(chunk)
            yield chunk
    except StreamError as error:
        status = error.failed.status
        log.set(error=f"the dump was cut off after {sent:,} bytes: {error.failed.message}")
        raise
    finally:
        cancel.set()  # a fetch still running sees it and stops the worker
        # A stream waiting between chunks stops here; one running on a thread (ValueError:
        # "generator already executing") sees the event and stops by itself.
        with contextlib.suppress(ValueError):
            stream.close()
        slot.close()
        log.write(status, size=sent)


async def dump(request: Request, name: str) -> Response:
    """A dataset's graphs as one Turtle or N-Quads file, streamed."""
    context = context_of(request)
    log = QueryLog(op="dump", client=client_of(request))
    log.set(dump=name)
    stem, _, suffix = name.rpartition(".")
    try:
        if suffix not in DUMP_FORMATS or not stem:
            raise ProtocolError(
                404,
                f"there is no dump {name!r}: a dump is /dumps/{{dataset}}.ttl or "
                "/dumps/{dataset}.nq",
            )
        generation, graphs = await run_in_threadpool(_graphs, context)
        members = _dump_graphs(stem, graphs)
        if members is None:
            sources = sorted({s for g in graphs if (s := catalog.import_source(g.iri))})
            known = [
                catalog.ALL,
                *(ds.id for ds in datasets.default_datasets()),
                *(catalog.IMPORT_PREFIX + s for s in sources),
            ]
            raise ProtocolError(
                404, f"there is no dataset {stem!r}; the dumps are of: {', '.join(known)}"
            )
        if not members:
            raise ProtocolError(404, f"the dataset {stem!r} is not loaded in this store")
    except ProtocolError as error:
        log.write(error.status)
        return error_response(error.status, error.message, log)
    media_type = DUMP_FORMATS[suffix]
    etag, modified = _validators(members, generation, suffix, context.settings.base_iri)
    headers = {
        "ETag": etag,
        "Cache-Control": "no-cache",
        "Content-Disposition": content_disposition(f"plangraph-{stem}.{suffix}"),
        "X-Request-Id": log.id,
    }
    if modified:
        headers["Last-Modified"] = modified
    content_type = negotiation.Format("", media_type, "graph", suffix, ()).content_type
    wanted = [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]
    if etag in wanted or "*" in wanted:
        log.write(304)
        return Response(status_code=304, headers=headers)
    if request.method == "HEAD":
        log.write(200)
        return Response(status_code=200, headers={**headers, "Content-Type": content_type})
    job = jobs.Dump(
        tuple(g.iri for g in members),
        media_type,
        prefixes=output_prefixes(),
        rebase=job_rebase(context.settings),
    )
    slot = ExitStack()
    if not slot.enter_context(context.limiter.slot(log.client)):
        slot.close()
        log.write(429)
        refused = too_many(context)
        return error_response(429, refused.message, log, refused.headers)
    try:
        first, stream, cancel = await run_in_threadpool(_chunks, context, job)
    except StreamError as error:
        slot.close()
        log.write(error.failed.status)
        return error_response(error.failed.status, error.failed.message, log)
    log.set(triples=sum(g.triples for g in members))
    return StreamingResponse(
        _relay(first, stream, cancel, slot, log), media_type=content_type, headers=headers
    )
