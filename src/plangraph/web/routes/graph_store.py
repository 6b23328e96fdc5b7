"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol.

A graph is named indirectly, ``/store?graph=IRI`` (or ``/store?default`` for the store's own
default graph, which is not the union that queries see), or directly: ``/store/some/path``
names the graph whose IRI is that URL. ``GET`` and ``HEAD`` are open to everyone; ``PUT``
(replace), ``POST`` (merge; to ``/store`` itself: create a new graph, whose IRI comes back in
``Location``) and ``DELETE`` need the update token. A body is Turtle, N-Triples, RDF/XML,
JSON-LD or N3, or a ``multipart/form-data`` of such files. Each write is one transaction, and
a graph written here loses its load record (``plangraph load`` will reload its file).
"""

from __future__ import annotations

import re
import uuid

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from plangraph.namespaces import GRAPH_BASE
from plangraph.web import negotiation
from plangraph.web.context import (
    AppContext,
    ProtocolError,
    authorize,
    check_iri,
    client_of,
    context_of,
    deadline,
    endpoint_url,
    error_response,
    failure_message,
    job_rebase,
    negotiated,
    output_prefixes,
    rebase,
    too_many,
)
from plangraph.web.engine import jobs
from plangraph.web.engine.jobs import Failed
from plangraph.web.querylog import QueryLog

METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]
NEW_GRAPH_BASE = GRAPH_BASE + "store/"


def _graph(request: Request, direct: bool) -> tuple[str | None, bool]:
    """``(graph IRI or None for the default graph, whether the request names the store)``."""
    if direct:
        return endpoint_url(request), False
    params = request.query_params
    graphs = params.getlist("graph")
    default = "default" in params
    if len(graphs) > 1 or (graphs and default):
        raise ProtocolError(400, "name one graph: ?graph=IRI or ?default")
    if graphs:
        return check_iri(graphs[0], "graph"), False
    if default:
        return None, False
    return None, True


async def graph_store(request: Request) -> Response:
    """A graph of the store, named by ``?graph=IRI`` or ``?default``."""
    return await _handle(request, direct=False)


async def graph_store_direct(request: Request) -> Response:
    """The graph whose IRI is this URL (direct identification)."""
    return await _handle(request, direct=True)


async def _handle(request: Request, *, direct: bool) -> Response:
    context = context_of(request)
    method = request.method
    log = QueryLog(op=f"store-{method.lower()}", client=client_of(request))
    try:
        graph, whole_store = _graph(request, direct)
        log.set(graph=graph if graph is not None else ("" if whole_store else "default"))
        if whole_store and method != "POST":
            raise ProtocolError(
                400, "name a graph: /store?graph=IRI, /store?default, or /store/path"
            )
        timeout = deadline(request.query_params.getlist("timeout"), context.settings)
        with context.limiter.slot(log.client) as allowed:
            if not allowed:
                raise too_many(context)
            if method in ("GET", "HEAD"):
                return await _read(request, context, graph, timeout, log)
            authorize(request, context)
            if method == "DELETE":
                return await _delete(context, graph, timeout, log)
            created_iri = None
            if whole_store:
                created_iri = NEW_GRAPH_BASE + uuid.uuid4().hex
                graph = created_iri
            return await _write(request, context, graph, created_iri, timeout, log)
    except ProtocolError as error:
        log.set(error=error.message)
        log.write(error.status)
        return error_response(error.status, error.message, log, error.headers, request)


async def _read(
    request: Request, context: AppContext, graph: str | None, timeout: float, log: QueryLog
) -> Response:
    fmt = negotiated(request, "graph")
    assert fmt is not None
    settings = context.settings
    job = jobs.GetGraph(
        graph,
        fmt.media_type,
        max_rows=settings.max_rows,
        max_bytes=settings.max_result_bytes,
        head=request.method == "HEAD",
        prefixes=output_prefixes(),
        rebase=job_rebase(settings),
    )
    answer = await context.engine.aread(job, timeout, request.is_disconnected)
    if isinstance(answer, Failed):
        if answer.status == 404:
            raise ProtocolError(404, f"there is no graph <{graph}> in the store")
        raise ProtocolError(answer.status, failure_message(answer))
    found = answer.value
    log.write(200, rows=found.rows, size=len(found.body))
    headers = {"X-Request-Id": log.id, "Vary": "Accept"}
    if request.method == "HEAD":
        return Response(status_code=200, headers={**headers, "Content-Type": fmt.content_type})
    return Response(found.body, media_type=fmt.content_type, headers=headers)


async def _parts(request: Request) -> list[tuple[str, bytes]]:
    """The RDF documents of a write's body, each with its format's engine name."""
    content_type = request.headers.get("content-type")
    kind = negotiation.media_type(content_type)
    if kind == "multipart/form-data":
        parts: list[tuple[str, bytes]] = []
        async with request.form() as form:
            for _, value in form.multi_items():
                if not isinstance(value, UploadFile):
                    continue
                fmt = negotiation.input_format(value.content_type) or _by_name(value.filename)
                if fmt is None:
                    raise ProtocolError(
                        415,
                        f"the part {value.filename!r} is {value.content_type!r}; parts must be "
                        f"one of {negotiation.input_types()}",
                    )
                parts.append((fmt, _no_doctype(fmt, await value.read(), value.filename)))
        return parts
    fmt = negotiation.input_format(content_type)
    if fmt is None:
        shown = f"'{kind}'" if kind else "none"
        raise ProtocolError(
            415,
            f"a graph must be sent as one of {negotiation.input_types()} "
            f"or multipart/form-data (got {shown})",
        )
    encoding = negotiation.charset(content_type)
    if encoding not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"the body must be UTF-8, not {encoding}")
    return [(fmt, _no_doctype(fmt, await request.body(), None))]


_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _no_doctype(fmt: str, data: bytes, filename: str | None) -> bytes:
    """``data``, or a 400 if it is RDF/XML with a DOCTYPE: the engine expands its entities, and
    600 bytes of nested entities make gigabytes ("billion laughs"), as ``/validate`` refuses."""
    # A UTF-16 body spells the markup with NULs between the letters.
    if fmt == "RDF_XML" and _DOCTYPE.search(data.replace(b"\0", b"")):
        where = f"the part {filename!r}" if filename else "the body"
        raise ProtocolError(
            400,
            f"{where} is RDF/XML with a DOCTYPE or entity declarations, which this endpoint "
            "refuses (entities can expand without limit or read other files): send it "
            "without them",
        )
    return data


def _by_name(filename: str | None) -> str | None:
    suffixes = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".rdf": "RDF_XML", ".jsonld": "JSON_LD"}
    for suffix, fmt in suffixes.items():
        if (filename or "").lower().endswith(suffix):
            return fmt
    return None


async def _write(
    request: Request,
    context: AppContext,
    graph: str | None,
    created_iri: str | None,
    timeout: float,
    log: QueryLog,
) -> Response:
    parts = await _parts(request)
    job = jobs.WriteGraph(
        graph,
        tuple(parts),
        replace=request.method == "PUT",
        base_iri=graph or endpoint_url(request),
        rebase=job_rebase(context.settings),
    )
    answer = await run_in_threadpool(context.engine.write, job, timeout)
    if isinstance(answer, Failed):
        raise ProtocolError(answer.status, failure_message(answer))
    headers = {"X-Request-Id": log.id}
    if created_iri is not None:
        log.write(201)
        location = rebase(context.settings).to_public(created_iri)
        return Response(status_code=201, headers={**headers, "Location": location})
    if answer.value.created:
        log.write(201)
        return Response(status_code=201, headers=headers)
    log.write(204)
    return Response(status_code=204, headers=headers)


async def _delete(
    context: AppContext, graph: str | None, timeout: float, log: QueryLog
) -> Response:
    job = jobs.DeleteGraph(graph, rebase=job_rebase(context.settings))
    answer = await run_in_threadpool(context.engine.write, job, timeout)
    if isinstance(answer, Failed):
        raise ProtocolError(answer.status, failure_message(answer))
    if answer.value.missing:
        raise ProtocolError(404, f"there is no graph <{graph}> in the store")
    log.write(204)
    return Response(status_code=204, headers={"X-Request-Id": log.id})
