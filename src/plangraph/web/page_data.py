"""What the public pages read, and how: the portfolio's queries run through the engine's readers.

A :class:`PageData` is made per request, in a plain ``def`` handler (so on a worker thread,
never on the event loop). It chooses the dataset: every graph's union when that is what the page
shows (no illustrative examples in the store, or the page asked for them), else the graphs by
name, the examples and the inferences left out (see :func:`plangraph.library.portfolio.page_graphs`).
Naming graphs gives the same answer but costs pyoxigraph more, so the union is taken whenever
it shows the same thing: the inferences only restate what the stated graphs imply, and the
portfolio's queries give the same answer with or without them.

It also reads the parameters every page shares: ``lang`` (``nb`` by default), ``examples=1`` and
``on=YYYY-MM-DD`` (the day a page counts from, today if not given).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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

SHARED = ("lang", "examples", "on")
"""Parameters every page takes."""


def single(request: Request, name: str) -> str | None:
    """The value of ``name`` in the query string; a 400 if it is given more than once."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ProtocolError(400, f"{name}= is given {len(values)} times; give it once")
    return values[0] if values else None


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

    @classmethod
    def of(cls, request: Request) -> PageData:
        context = context_of(request)
        lang = page_lang(request)
        day = page_day(request)
        asked = page_examples(request)
        found = context.engine.graphs(context.settings.query_timeout)
        if found is None:
            raise ProtocolError(503, "the store could not be read; try again")
        infos = found.value
        every = [info.iri for info in infos]
        available = portfolio.has_examples(every)
        graphs = None if asked or not available else portfolio.page_graphs(every)
        loaded = {i.iri: i.modified for i in infos if i.modified}
        return cls(
            context,
            lang,
            day or date.today(),
            day is not None,
            asked and available,
            available,
            graphs,
            loaded,
        )

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
        answer = self.context.engine.read(job, self.context.settings.query_timeout)
        if isinstance(answer, Failed):
            raise ProtocolError(answer.status, failure_message(answer))
        return portfolio.rows_from_json(answer.value.body)

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


@contextlib.contextmanager
def slot(request: Request, context: AppContext) -> Iterator[None]:
    """Hold one of the client's concurrent requests while a page reads; a 429 if none is free."""
    with context.limiter.slot(client_of(request)) as allowed:
        if not allowed:
            raise too_many(context)
        yield


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
        return JSONResponse(built)
    if kind == "html":
        return HTMLResponse(html(data, built))
    assert other is not None
    return other[kind](data, built)
