"""What the public pages read, and how: the portfolio's queries run through the engine's readers.

A :class:`PageData` is made per request, in a plain ``def`` handler (so on a worker thread,
never on the event loop). It chooses the dataset: every graph's union when that is what the page
shows (no illustrative examples in the store, or the page asked for them), else the graphs by
name, the examples and the inferences left out (see :func:`plangraph.library.portfolio.page_graphs`).
Naming graphs gives the same answer but costs pyoxigraph more, so the union is taken whenever
it shows the same thing: the inferences only restate what the stated graphs imply, and the
portfolio's queries give the same answer with or without them.

The answers of a page's queries are kept in the app's answer cache (the one ``/sparql`` uses:
per store generation, bounded in bytes, off with ``PLANGRAPH_ANSWER_CACHE_BYTES=0``), so that
the next page that asks the same of the same generation does not wait for a reader. The cache
is touched on the event loop only, as its contract says: the handler's thread hands each lookup
to the loop.

It also reads the parameters every page shares: ``lang`` (``nb`` by default), ``examples=1`` and
``on=YYYY-MM-DD`` (the day a page counts from, today if not given).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import anyio.from_thread
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from plangraph.lang import DEFAULT, Lang, UnknownLanguage, parse
from plangraph.library import portfolio
from plangraph.web import layout
from plangraph.web.context import (
    AppContext,
    ProtocolError,
    client_of,
    context_of,
    failure_message,
    job_rebase,
    too_many,
)
from plangraph.web.engine import jobs
from plangraph.web.engine.jobs import Failed

T = TypeVar("T")

CACHE_HEADER = "X-Plangraph-Cache"
"""As ``/sparql`` sends it: ``hit`` when every query of the page was answered from the answer
cache, ``miss`` when one was read from the store (absent when the cache is off)."""

SHARED = ("lang", "examples", "on")
"""Parameters every page takes."""


def single(request: Request, name: str) -> str | None:
    """The value of ``name`` in the query string; a 400 if it is given more than once."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ProtocolError(400, f"{name}= is given {len(values)} times; give it once")
    return values[0] if values else None


def known(request: Request, *extra: str, what: str = "this page") -> None:
    """A 400 naming every parameter of the query string that is neither shared (:data:`SHARED`)
    nor one of ``extra``."""
    allowed = (*SHARED, *extra)
    unknown = sorted(k for k in request.query_params if k not in allowed)
    if unknown:
        raise ProtocolError(
            400, f"unknown parameter {', '.join(unknown)}: {what} takes {', '.join(allowed)}"
        )


def page_lang(request: Request) -> Lang:
    given = single(request, "lang")
    if given is None or not given.strip():
        return DEFAULT
    try:
        return parse(given)
    except UnknownLanguage as error:
        raise ProtocolError(400, f"lang=: {error}") from None


def page_day(request: Request) -> date | None:
    given = single(request, "on")
    if given is None or not given.strip():
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", given.strip()):
        raise ProtocolError(400, f"on={given!r} is not a date: give it as YYYY-MM-DD")
    try:
        return date.fromisoformat(given.strip())
    except ValueError:
        raise ProtocolError(400, f"on={given!r} is not a date: give it as YYYY-MM-DD") from None


def page_examples(request: Request) -> bool:
    given = single(request, "examples")
    if given is None or given in ("", "0", "false", "no"):
        return False
    if given in ("1", "true", "yes"):
        return True
    raise ProtocolError(
        400, f"examples={given!r}: give examples=1 to include them, or leave it out"
    )


@dataclass
class PageData:
    """One request's view of the register: its language, day, dataset and query runner."""

    context: AppContext
    lang: Lang
    today: date
    on_given: bool
    examples: bool
    """Whether the page shows the illustrative examples (asked for, and there are some)."""
    examples_available: bool
    graphs: list[str] | None
    """The graphs read by name, or None: the union of every graph."""
    loaded: dict[str, str] = field(default_factory=dict)
    """When each graph was loaded (ISO 8601), from the store's load records."""
    queries: int = 0
    cached: int = 0
    """How many of the queries were answered from the answer cache."""

    @classmethod
    def of(cls, request: Request) -> PageData:
        context = context_of(request)
        lang = page_lang(request)
        day = page_day(request)
        asked = page_examples(request)
        data = cls(context, lang, day or date.today(), day is not None, False, False, None)
        # The graphs by a query (answered from the cache once read), not the engine's list of
        # graphs, which counts every graph's triples: a scan of the whole store.
        found = portfolio.store_graphs(data.select)
        every = list(found)
        available = portfolio.has_examples(every)
        data.examples, data.examples_available = asked and available, available
        data.graphs = None if asked or not available else portfolio.page_graphs(every)
        data.loaded = {graph: modified for graph, modified in found.items() if modified}
        return data

    def params(self) -> dict[str, str]:
        """The shared parameters that differ from the defaults, for links between pages."""
        shown: dict[str, str] = {}
        if self.lang is not DEFAULT:
            shown["lang"] = self.lang.value
        if self.examples:
            shown["examples"] = "1"
        if self.on_given:
            shown["on"] = self.today.isoformat()
        return shown

    def _job(self, text: str, *, by_name: bool = False) -> jobs.Query:
        settings = self.context.settings
        graphs = None if self.graphs is None else tuple(self.graphs)
        return jobs.Query(
            text,
            "application/sparql-results+json",
            max_rows=settings.max_rows,
            max_bytes=settings.max_result_bytes,
            union=graphs is None,
            default_graph=None if graphs is None else (() if by_name else graphs),
            named_graphs=None if graphs is None else (graphs if by_name else ()),
            rebase=job_rebase(settings),
        )

    def _run(self, job: jobs.Query) -> list[portfolio.Row]:
        self.queries += 1
        cache, engine = self.context.cache, self.context.engine
        key = ("page", job)
        if cache.enabled:
            cached = _on_loop(cache.get, engine.generation, key)
            if cached is not None:
                self.cached += 1
                return portfolio.rows_from_json(cached.body)
        answer = engine.read(job, self.context.settings.query_timeout)
        if isinstance(answer, Failed):
            raise ProtocolError(answer.status, failure_message(answer))
        found = answer.value
        if cache.enabled and answer.generation == engine.generation:
            # Read from the generation that is still current: no write came in between.
            _on_loop(cache.put, answer.generation, key, found.body, found.rows)
        return portfolio.rows_from_json(found.body)

    def select(self, text: str) -> list[portfolio.Row]:
        """Run a SELECT query on the page's dataset (blocks this thread until the answer)."""
        return self._run(self._job(text))

    def select_named(self, text: str) -> list[portfolio.Row]:
        """Run a SELECT query whose ``GRAPH`` patterns see the page's graphs by name."""
        return self._run(self._job(text, by_name=True))

    def in_page(self, graph: str) -> bool:
        """Whether the page shows what ``graph`` states."""
        if self.graphs is not None:
            return graph in self.graphs
        return graph in portfolio.page_graphs([graph], examples=True)


def _on_loop(call: Callable[..., T], *args: object) -> T | None:
    """``call(*args)`` on the event loop, from a handler's worker thread; None (and not called)
    on a thread the loop did not start, where there is no loop to hand it to."""
    try:
        return anyio.from_thread.run_sync(call, *args)
    except RuntimeError as error:
        if "event loop" in str(error) or "worker thread" in str(error):
            return None
        raise


@contextlib.contextmanager
def slot(request: Request, context: AppContext) -> Iterator[None]:
    """Hold one of the client's concurrent requests while a page reads; a 429 if none is free."""
    with context.limiter.slot(client_of(request)) as allowed:
        if not allowed:
            raise too_many(context)
        yield


Build = Callable[[Request, PageData], dict[str, Any]]
Html = Callable[[PageData, dict[str, Any]], str]


def twins(router: APIRouter, path: str, build: Build, html: Html, what: str) -> None:
    """Add ``path`` (the page, HTML) and ``path.json`` (its JSON twin) to ``router``: both read
    the data with ``build``; the page renders it with ``html``. ``what`` names the page in the
    handlers' docstrings."""

    def page(request: Request) -> Response:
        return answer(request, "html", lambda data: build(request, data), html)

    def twin(request: Request) -> Response:
        return answer(request, "json", lambda data: build(request, data), html)

    page.__doc__ = f"{what} (HTML)."
    twin.__doc__ = f"{what} (JSON)."
    router.add_api_route(path, page, methods=["GET"], include_in_schema=False)
    router.add_api_route(path + ".json", twin, methods=["GET"], include_in_schema=False)


def answer(
    request: Request,
    kind: str,
    build: Callable[[PageData], dict[str, Any]],
    html: Callable[[PageData, dict[str, Any]], str],
    other: Mapping[str, Callable[[PageData, dict[str, Any]], Response]] | None = None,
) -> Response:
    """A page in the form ``kind`` (``html``, ``json``, or a key of ``other``): ``build`` reads
    the data (the JSON twin), ``html`` renders it. A bad parameter is a 400 and a store that
    does not answer a 503, in the page's form, each with a message that names the problem."""
    lang = DEFAULT
    try:
        lang = page_lang(request)
        context = context_of(request)
        with slot(request, context):
            data = PageData.of(request)
            built = build(data)
    except (ProtocolError, portfolio.FilterError) as error:
        status = error.status if isinstance(error, ProtocolError) else 400
        message = error.message if isinstance(error, ProtocolError) else str(error)
        headers = error.headers if isinstance(error, ProtocolError) else {}
        if kind == "html":
            root = request.scope.get("root_path", "")
            return HTMLResponse(
                layout.error_page(status, message, lang, request.url.path, root),
                status_code=status,
                headers=headers,
            )
        if kind == "json":
            return JSONResponse(
                {"error": message, "status": status}, status_code=status, headers=headers
            )
        return PlainTextResponse(
            f"Error {status}: {message}\n", status_code=status, headers=headers
        )
    if kind == "json":
        response: Response = JSONResponse(built)
    elif kind == "html":
        response = HTMLResponse(html(data, built))
    else:
        assert other is not None
        response = other[kind](data, built)
    if context.cache.enabled and data.queries:
        response.headers[CACHE_HEADER] = "hit" if data.cached == data.queries else "miss"
    return response
