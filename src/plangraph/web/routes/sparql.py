"""``/sparql``: the SPARQL 1.1 Protocol (query and update), the service description, YASGUI.

* Query by ``GET ?query=``, by ``POST`` of a form (``application/x-www-form-urlencoded``) or of
  the query itself (``application/sparql-query``), with ``default-graph-uri`` and
  ``named-graph-uri``. With no dataset from the protocol and no ``FROM`` in the query, the
  default graph is **the union of all graphs**, so that no ``GRAPH`` clause is needed.
* Update by ``POST`` only (form or ``application/sparql-update``), with ``using-graph-uri`` and
  ``using-named-graph-uri``, and only with the update token. Updates see the store's own
  default graph (not the union) unless they say otherwise with ``USING``.
* ``GET`` with neither: the service description (RDF), or YASGUI for a browser.
* ``timeout=`` (seconds) asks for a shorter deadline (or a longer one, up to the maximum);
  ``format=`` names the answer's format for download links.
* A query (or update) that uses one of the project's prefixes (``pg:``, ``skos:``, …:
  :data:`~plangraph.web.engine.query_text.KNOWN_PREFIXES`) without declaring it has it declared
  before it runs, and the answer says so in ``Plangraph-Added-Prefixes: pg, skos``; a prefix
  neither declared nor known is a 400 naming it. The text guard sees the text that runs.
* Errors about the text (syntax, prefixes, refusals) are one line, with line and column, in
  the user's language: ``lang=nb|en``, else ``Accept-Language``, else bokmål.
* The answers from a store that holds the illustrative examples (``--with-examples``) carry
  ``Plangraph-Includes-Examples: true``: made-up data never passes as real.
* A complete answer is kept in the answer cache for the current store generation
  (:mod:`plangraph.web.answer_cache`); ``X-Plangraph-Cache`` says ``hit`` or ``miss``, or
  ``bypass`` for a query whose answer may change without a write (``NOW()``, ``RAND()``…).

:func:`asgi` is the route: a bare ASGI app, which the app calls past FastAPI's middleware
(see :mod:`plangraph.web.app`).
"""

from __future__ import annotations

import binascii
import re
from urllib.parse import unquote_to_bytes

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send

from plangraph import lang as languages
from plangraph.lang import DEFAULT, Lang
from plangraph.web import negotiation, service_description
from plangraph.web.context import (
    EXAMPLES_HEADER,
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
    holds_examples,
    job_rebase,
    negotiated,
    output_prefixes,
    too_many,
)
from plangraph.web.engine import jobs
from plangraph.web.engine import query_text as sparql_text
from plangraph.web.engine.jobs import Failed
from plangraph.web.querylog import QueryLog, sha256
from plangraph.web.routes import yasgui

METHODS = ("GET", "HEAD", "POST")
CACHE_HEADER = "X-Plangraph-Cache"
ADDED_PREFIXES_HEADER = "Plangraph-Added-Prefixes"

_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"


class _Told(ProtocolError):
    """An error about the request's text, told in the user's language."""

    def __init__(
        self, status: int, message: str, lang: Lang, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, message, headers)
        self.lang = lang


def accepted_lang(accept_language: str | None) -> Lang:
    """The language of ``Accept-Language`` that plangraph speaks and the client prefers most
    (``no`` and ``nn`` count as bokmål), else :data:`plangraph.lang.DEFAULT`."""
    best: tuple[float, int, Lang] | None = None
    for order, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        lang = Lang.nb if primary in ("nb", "no", "nn") else Lang.en if primary == "en" else None
        if lang is None or weight <= 0:
            continue
        if best is None or (weight, -order) > (best[0], best[1]):
            best = (weight, -order, lang)
    return best[2] if best else DEFAULT


def request_lang(lang_values: list[str], accept_language: str | None) -> Lang:
    """The language to tell a request's errors in: ``lang=`` if given, else by
    ``Accept-Language`` (:func:`accepted_lang`)."""
    if not lang_values:
        return accepted_lang(accept_language)
    if len(lang_values) > 1:
        raise ProtocolError(400, "give lang= once")
    try:
        return languages.parse(lang_values[0])
    except languages.UnknownLanguage as error:
        raise ProtocolError(400, str(error)) from None


class _Params:
    """Protocol parameters from the URL and, for a form, the body (each may repeat)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._values: dict[str, list[str]] = {}
        for key, value in pairs:
            self._values.setdefault(key, []).append(value)

    def all(self, name: str) -> list[str]:
        return self._values.get(name, [])

    def one(self, name: str) -> str | None:
        values = self.all(name)
        if len(values) > 1:
            raise ProtocolError(400, f"the request gives {name}= {len(values)} times; give it once")
        return values[0] if values else None

    def add(self, name: str, value: str) -> None:
        self._values.setdefault(name, []).append(value)


_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")


def _unquote(data: bytes) -> str:
    """Percent-decoding of a form value, as ``urllib.parse.unquote_plus`` does it.

    A query in a form is mostly escapes (``%3C``, ``%20`` …), which the standard library
    decodes one by one in Python. Well-formed escapes are decoded here by ``binascii.a2b_qp``
    (C): quoted-printable's ``=XX`` is ``%XX`` with another sign. Text with a malformed escape
    goes the standard way.
    """
    if b"%" not in data and b"+" not in data:
        return data.decode("utf-8")
    if _BAD_ESCAPE.search(data):
        return unquote_to_bytes(data.replace(b"+", b" ")).decode("utf-8")
    return binascii.a2b_qp(
        data.replace(b"=", b"=3D").replace(b"+", b" ").replace(b"%", b"=")
    ).decode("utf-8")


def form_pairs(data: bytes) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs of an ``application/x-www-form-urlencoded`` text (a body or
    a URL's query string), in order; raises UnicodeDecodeError if one is not UTF-8."""
    pairs = []
    for part in data.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        pairs.append((_unquote(name), _unquote(value)))
    return pairs


def _text(body: bytes, content_type: str | None) -> str:
    encoding = negotiation.charset(content_type)
    if encoding not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"the body must be UTF-8, not {encoding}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the body is not valid UTF-8 ({error})") from None


async def _read_request(request: Request) -> tuple[_Params, str | None, str | None]:
    """The protocol parameters, the query and the update of a request."""
    try:
        params = _Params(form_pairs(request.scope.get("query_string", b"")))
    except UnicodeDecodeError:
        raise ProtocolError(400, "the URL's parameters are not valid UTF-8") from None
    if request.method in ("GET", "HEAD"):
        if params.all("update"):
            raise ProtocolError(
                400, "an update must be sent with POST, never GET (GET never changes the store)"
            )
        return params, params.one("query"), None
    content_type = request.headers.get("content-type")
    kind = negotiation.media_type(content_type)
    body = await request.body()
    if kind == _FORM:
        encoding = negotiation.charset(content_type)
        if encoding not in (None, "utf-8", "utf8"):
            raise ProtocolError(415, f"the body must be UTF-8, not {encoding}")
        try:
            pairs = form_pairs(body)
        except UnicodeDecodeError as error:
            raise ProtocolError(400, f"the form is not valid UTF-8 ({error})") from None
        for key, value in pairs:
            params.add(key, value)
        query, update = params.one("query"), params.one("update")
    elif kind == _QUERY:
        if params.all("query") or params.all("update"):
            raise ProtocolError(400, "a direct POST carries the query in its body only")
        query, update = _text(body, content_type), None
    elif kind == _UPDATE:
        if params.all("query") or params.all("update"):
            raise ProtocolError(400, "a direct POST carries the update in its body only")
        query, update = None, _text(body, content_type)
    else:
        shown = f"'{kind}'" if kind else "none"
        raise ProtocolError(
            415,
            f"a POST to /sparql needs Content-Type {_FORM}, {_QUERY} or {_UPDATE} (got {shown})",
        )
    if query is not None and update is not None:
        raise ProtocolError(400, "give a query or an update, not both")
    return params, query, update


_NOT_ALLOWED = JSONResponse(
    {"detail": "Method Not Allowed"}, status_code=405, headers={"Allow": ", ".join(METHODS)}
)
"""What FastAPI answers to a method a route does not take."""


async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
    """``/sparql`` as a bare ASGI app: ``GET``, ``HEAD`` and ``POST``; 405 for other methods."""
    if scope["method"] not in METHODS:
        await _NOT_ALLOWED(scope, receive, send)
        return
    request = Request(scope, receive, send)
    response = await sparql(request)
    await response(scope, receive, send)


async def sparql(request: Request) -> Response:
    """The SPARQL 1.1 Protocol endpoint (see the module documentation)."""
    context = context_of(request)
    log = QueryLog(op="query", client=client_of(request))
    try:
        params, query, update = await _read_request(request)
        if query is not None:
            return await _query(request, context, params, query, log)
        if update is not None:
            log.op = "update"
            return await _update(request, context, params, update, log)
        log.op = "describe-service"
        return await _describe(request, context, params, log)
    except _Told as error:
        log.set(error=error.message)
        log.write(error.status)
        word = "Feil" if error.lang == Lang.nb else "Error"
        return Response(
            f"{word} {error.status}: {error.message}\n",
            status_code=error.status,
            media_type="text/plain; charset=utf-8",
            headers={**error.headers, "X-Request-Id": log.id, "Content-Language": error.lang},
        )
    except ProtocolError as error:
        log.set(error=error.message)
        log.write(error.status)
        return error_response(error.status, error.message, log, error.headers)


def _dataset(params: _Params) -> tuple[list[str], list[str]]:
    default = [check_iri(v, "default-graph-uri") for v in params.all("default-graph-uri")]
    named = [check_iri(v, "named-graph-uri") for v in params.all("named-graph-uri")]
    return default, named


async def _query(
    request: Request, context: AppContext, params: _Params, query: str, log: QueryLog
) -> Response:
    settings = context.settings
    log.set(sha256=sha256(query))
    lang = request_lang(params.all("lang"), request.headers.get("accept-language"))
    given = query
    try:
        # The guard reads the text as given first (its refusals name what the author wrote:
        # "SERVICE:x" is a SERVICE, not an undeclared prefix), then the text that runs.
        sparql_text.check_query(given, context.allowlist)
        completed = sparql_text.complete_prefixes(given)
        query = completed.text
        shape = sparql_text.check_query(query, context.allowlist)
    except sparql_text.SparqlRefused as error:
        raise _Told(400, error.message(lang), lang) from None
    headers = {"X-Request-Id": log.id, "Vary": "Accept, Accept-Language"}
    if completed.added:
        headers[ADDED_PREFIXES_HEADER] = ", ".join(completed.added)
    family: negotiation.Family = "graph" if shape.form in ("construct", "describe") else "results"
    fmt = negotiated(request, family, params.all("format"))
    assert fmt is not None
    default, named = _dataset(params)
    timeout = deadline(params.all("timeout"), settings)
    log.set(form=shape.form, format=fmt.short_names[0], timeout_s=timeout)
    protocol_dataset = bool(default or named)
    job = jobs.Query(
        query=query,
        media_type=fmt.media_type,
        max_rows=settings.max_rows,
        max_bytes=settings.max_result_bytes,
        base_iri=endpoint_url(request),
        union=not protocol_dataset and not shape.names_dataset,
        default_graph=tuple(default) if protocol_dataset else None,
        named_graphs=tuple(named) if protocol_dataset else None,
        prefixes=output_prefixes() if family == "graph" else None,
        rebase=job_rebase(settings),
    )
    cache, engine = context.cache, context.engine
    key = (
        query,
        job.base_iri,
        fmt.media_type,
        tuple(default),
        tuple(named),
        job.union if not protocol_dataset else None,
        settings.max_rows,
        settings.max_result_bytes,
    )
    if await run_in_threadpool(holds_examples, context):
        headers[EXAMPLES_HEADER] = "true"
    cacheable = cache.enabled and not shape.volatile
    if cache.enabled and not cacheable:
        headers[CACHE_HEADER] = "bypass"
    if cacheable:
        cached = cache.get(engine.generation, key)
        headers[CACHE_HEADER] = "miss" if cached is None else "hit"
        if cached is not None:
            log.set(cache="hit")
            log.write(200, rows=cached.rows, size=len(cached.body))
            return Response(cached.body, media_type=fmt.content_type, headers=headers)
    with context.limiter.slot(log.client) as allowed:
        if not allowed:
            raise too_many(context)
        answer = await engine.aread(job, timeout, request.is_disconnected)
    if isinstance(answer, Failed):
        raise _failed(answer, given, completed, lang, headers)
    found = answer.value
    if cacheable and answer.generation == engine.generation:
        # Read from the generation that is still current: no write came in between.
        cache.put(answer.generation, key, found.body, found.rows)
    log.write(200, rows=found.rows, size=len(found.body))
    return Response(found.body, media_type=fmt.content_type, headers=headers)


async def _update(
    request: Request, context: AppContext, params: _Params, update: str, log: QueryLog
) -> Response:
    log.set(sha256=sha256(update))
    authorize(request, context)
    using = [check_iri(v, "using-graph-uri") for v in params.all("using-graph-uri")]
    using_named = [
        check_iri(v, "using-named-graph-uri") for v in params.all("using-named-graph-uri")
    ]
    lang = request_lang(params.all("lang"), request.headers.get("accept-language"))
    try:
        sparql_text.check_update(update, context.allowlist)
        completed = sparql_text.complete_prefixes(update)
        shape = sparql_text.check_update(completed.text, context.allowlist)
        text = sparql_text.with_using(completed.text, shape, using, using_named)
    except sparql_text.SparqlRefused as error:
        raise _Told(400, error.message(lang), lang) from None
    headers = {"X-Request-Id": log.id}
    if completed.added:
        headers[ADDED_PREFIXES_HEADER] = ", ".join(completed.added)
    timeout = deadline(params.all("timeout"), context.settings)
    log.set(timeout_s=timeout)
    job = jobs.Update(text, base_iri=endpoint_url(request), rebase=job_rebase(context.settings))
    with context.limiter.slot(log.client) as allowed:
        if not allowed:
            raise too_many(context)
        answer = await run_in_threadpool(context.engine.write, job, timeout)
    if isinstance(answer, Failed):
        raise _failed(answer, update, completed, lang, headers, query=False)
    log.write(204)
    return Response(status_code=204, headers=headers)


def _failed(
    answer: Failed,
    given: str,
    completed: sparql_text.Completed,
    lang: Lang,
    headers: dict[str, str],
    *,
    query: bool = True,
) -> ProtocolError:
    """The error for a job that failed: a syntax error told as of the text as given, in the
    user's language; another failure as the engine told it."""
    if answer.status == 400 and answer.message.startswith("syntax error"):
        message = sparql_text.syntax_message(
            given, answer.message, lang, completed.shift, query=query
        )
        return _Told(400, message, lang, headers)
    return ProtocolError(answer.status, failure_message(answer), headers)


async def _describe(
    request: Request, context: AppContext, params: _Params, log: QueryLog
) -> Response:
    fmt = negotiated(request, "graph", params.all("format"), html=True)
    url = endpoint_url(request)
    if fmt is None:
        log.write(200)
        return HTMLResponse(yasgui.page(url), headers={"Vary": "Accept"})
    stats = await run_in_threadpool(
        context.engine.statistics, min(context.settings.query_timeout, 60.0)
    )
    body = service_description.describe(url, context.settings, stats, fmt)
    log.write(200, size=len(body))
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})
