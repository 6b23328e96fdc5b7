"""``/queries``: the analysts' named questions on the web, each with its machine twins.

* ``/queries`` (HTML) and ``/queries.json``: the catalogue.
* ``/queries/NAME`` (HTML table), ``/queries/NAME.json`` and ``/queries/NAME.csv``: the answer.
  Parameters are query-string arguments (``?plan=bk:plan-skyfritt``); ``lang=nb|en`` chooses the
  language of titles, labels and messages (bokmål unless asked: :data:`plangraph.lang.DEFAULT`),
  ``timeout=`` the deadline as for ``/sparql``. An answer from a store that holds the
  illustrative examples says so: ``Plangraph-Includes-Examples: true``, a note on the page and
  ``includesExamples``/``note`` in the JSON.

The queries run through the endpoint's engine (:mod:`plangraph.web.engine`): in its worker
processes, on the newest store generation, with the same deadline, caps and per-client limit
as ``/sparql``. Each HTML page renders only what its JSON twin returns and links to its twins.
A parameter that does not fit is a 400, an unknown query a 404. Handlers are plain ``def``:
FastAPI runs them on worker threads, never on the event loop.
"""

from __future__ import annotations

import time
from html import escape
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from plangraph import library as named
from plangraph.lang import DEFAULT, LANGUAGES, Lang
from plangraph.web import problems
from plangraph.web.context import (
    EXAMPLES_HEADER,
    AppContext,
    ProtocolError,
    client_of,
    content_disposition,
    context_of,
    deadline,
    failure_message,
    holds_examples,
    job_rebase,
    too_many,
)
from plangraph.web.engine import jobs
from plangraph.web.engine.jobs import Failed
from plangraph.web.layout import data_href as href

_RESERVED = ("lang", "timeout")

_WORDS: dict[str, dict[Lang, str]] = {
    "intro": {
        Lang.nb: "Analytikernes navngitte spørsmål til planregisteret. Hvert svar er en tabell "
        "her, og JSON eller CSV for programmer.",
        Lang.en: "The analysts' named questions over the plan register. Each answer is a table "
        "here, and JSON or CSV for programs.",
    },
    "catalogue json": {Lang.nb: "denne katalogen som JSON", Lang.en: "this catalogue as JSON"},
    "editor": {Lang.nb: "SPARQL-redigering", Lang.en: "SPARQL editor"},
    "question": {Lang.nb: "spørsmål", Lang.en: "question"},
    "answer": {Lang.nb: "svar", Lang.en: "answer"},
    "parameters": {Lang.nb: "parametre", Lang.en: "parameters"},
    "data": {Lang.nb: "data", Lang.en: "data"},
    "optional": {Lang.nb: "valgfri", Lang.en: "optional"},
    "rows": {Lang.nb: "rad(er)", Lang.en: "row(s)"},
    "all": {Lang.nb: "alle navngitte spørringer", Lang.en: "all named queries"},
    "run": {Lang.nb: "Kjør", Lang.en: "Run"},
    "error": {Lang.nb: "Feil", Lang.en: "Error"},
    "title": {Lang.nb: "Navngitte spørringer", Lang.en: "Named queries"},
}


def _word(key: str, lang: Lang) -> str:
    return _WORDS[key][lang]


_JSON = "application/json"
_CSV = "text/csv; charset=utf-8"


class _Failed(Exception):
    """The engine did not answer: its status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _runner(context: AppContext, timeout: float) -> named.Runner:
    """Run SELECT queries through the engine's readers, on the union of all graphs, all within
    one deadline of ``timeout`` seconds from now (a named query fetches its labels in chunks:
    each gets what is left of the request's deadline)."""
    settings = context.settings
    end = time.monotonic() + timeout

    def run(text: str) -> named.Result:
        left = end - time.monotonic()
        if left <= 0:
            raise _Failed(503, f"the deadline of {timeout:g} s passed and the query was stopped")
        job = jobs.Query(
            text,
            "application/sparql-results+json",
            max_rows=settings.max_rows,
            max_bytes=settings.max_result_bytes,
            union=True,
            rebase=job_rebase(settings),
        )
        answer = context.engine.read(job, left)
        if isinstance(answer, Failed):
            if answer.timeout:  # the request's deadline, not what was left of it
                raise _Failed(
                    503, f"the deadline of {timeout:g} s passed and the query was stopped"
                )
            raise _Failed(answer.status, failure_message(answer))
        return named.Result.from_json(answer.value.body)

    return run


def _lang(request: Request) -> Lang:
    values = request.query_params.getlist("lang")
    if not values:
        return DEFAULT
    if len(values) > 1 or values[0] not in LANGUAGES:
        raise named.ParameterError(
            f"lang= must be given once, as {' or '.join(LANGUAGES)}",
            f"lang= skal oppgis én gang, som {' eller '.join(LANGUAGES)}",
        )
    return Lang(values[0])


def _values(request: Request) -> dict[str, str]:
    values: dict[str, str] = {}
    for key in request.query_params:
        if key in _RESERVED:
            continue
        given = request.query_params.getlist(key)
        if len(given) > 1:
            raise named.ParameterError(
                f"{key}= is given {len(given)} times; give it once",
                f"{key}= er oppgitt {len(given)} ganger; oppgi den én gang",
            )
        values[key] = given[0]
    return values


def _link(path: str, params: dict[str, str]) -> str:
    return path + ("?" + urlencode(params) if params else "")


def _twins(name: str, params: dict[str, str]) -> dict[str, str]:
    base = f"/queries/{name}"
    return {
        "html": _link(base, params),
        "json": _link(base + ".json", params),
        "csv": _link(base + ".csv", params),
    }


# ---------------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------------


def _catalogue_json(lang: Lang) -> dict[str, Any]:
    listed = []
    for q in named.named_queries():
        examples = {p.name: p.example for p in q.parameters if not p.optional}
        listed.append(
            {
                "name": q.name,
                "title": q.title_in(lang),
                "description": q.description_in(lang),
                "parameters": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "optional": p.optional,
                        "example": p.example,
                        "description": p.description,
                    }
                    for p in q.parameters
                ],
                "tags": list(q.tags),
                "links": _twins(q.name, {**examples, "lang": lang}),
            }
        )
    return {"lang": lang, "queries": listed, "links": {"html": f"/queries?lang={lang}"}}


def catalogue_json(request: Request) -> Response:
    """The named queries, with their parameters and links (JSON)."""
    try:
        lang = _lang(request)
    except named.ParameterError as error:
        return problems.for_request(request, 400, str(error), error=str(error))
    return JSONResponse(_catalogue_json(lang))


def catalogue_page(request: Request) -> Response:
    """The named queries (HTML), rendered from what ``/queries.json`` returns."""
    try:
        lang = _lang(request)
    except named.ParameterError as error:
        return HTMLResponse(
            _page("Error", f"<p>{escape(str(error))}</p>", {}, Lang.en), status_code=400
        )
    data = _catalogue_json(lang)
    rows = []
    for q in data["queries"]:
        params = ", ".join(
            f"<code>{escape(p['name'])}</code> ({escape(p['type'])}"
            f"{', ' + _word('optional', lang) if p['optional'] else ''})"
            for p in q["parameters"]
        )
        rows.append(
            f'<tr><td><a href="{escape(q["links"]["html"])}">{escape(q["title"])}</a><br>'
            f"<code>{escape(q['name'])}</code></td><td>{escape(q['description'])}</td>"
            f"<td>{params}</td><td>"
            f'<a href="{escape(q["links"]["json"])}">json</a> '
            f'<a href="{escape(q["links"]["csv"])}">csv</a></td></tr>'
        )
    other = lang.other
    head = "".join(
        f"<th>{_word(key, lang)}</th>" for key in ("question", "answer", "parameters", "data")
    )
    body = (
        f"<p>{_word('intro', lang)} "
        f'<a href="/queries?lang={other}">{"Norsk" if other == Lang.nb else "English"}</a> · '
        f'<a href="/queries.json?lang={lang}">{_word("catalogue json", lang)}</a> · '
        f'<a href="/sparql">{_word("editor", lang)}</a></p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return HTMLResponse(
        _page(_word("title", lang), body, {"json": f"/queries.json?lang={lang}"}, lang)
    )


# ---------------------------------------------------------------------------------------------
# One query
# ---------------------------------------------------------------------------------------------


def query_page(request: Request, slug: str) -> Response:
    """A named query's answer: HTML at ``/queries/NAME``, ``.json`` and ``.csv`` twins."""
    name, kind = slug, "html"
    for suffix in (".json", ".csv"):
        if slug.endswith(suffix):
            name, kind = slug.removesuffix(suffix), suffix[1:]
    try:
        lang = _lang(request)
    except named.ParameterError as error:
        return _error(request, kind, 400, str(error), None, {})
    try:
        query = named.get(name)
    except named.UnknownQuery as error:
        return _error(request, kind, 404, str(error), None, {})
    context = context_of(request)
    values: dict[str, str] = {}
    try:
        values = _values(request)
        timeout = deadline(request.query_params.getlist("timeout"), context.settings)
        with context.limiter.slot(client_of(request)) as allowed:
            if not allowed:
                raise too_many(context)
            answer = named.execute(
                query, values, _runner(context, timeout), lang, lambda: holds_examples(context)
            )
    except named.ParameterError as error:
        return _error(request, kind, 400, error.message(lang), query, values, lang)
    except ProtocolError as error:
        return _error(request, kind, error.status, error.message, query, values, Lang.en)
    except _Failed as error:
        return _error(request, kind, error.status, error.message, query, values, Lang.en)
    data = answer.to_json()
    data["links"] = _twins(query.name, {**values, "lang": lang})
    headers = {EXAMPLES_HEADER: "true"} if answer.includes_examples else {}
    if kind == "json":
        return JSONResponse(data, headers=headers)
    if kind == "csv":
        return Response(
            answer.to_csv(),
            media_type=_CSV,
            headers={
                "Content-Disposition": content_disposition(f"{query.name}.csv"),
                **headers,
            },
        )
    return HTMLResponse(
        _answer_page(query, data, context.settings.base_iri, request.scope.get("root_path", "")),
        headers=headers,
    )


def _error(
    request: Request,
    kind: str,
    status: int,
    message: str,
    query: named.NamedQuery | None,
    values: dict[str, str],
    lang: Lang = Lang.en,
) -> Response:
    """The error answer, in ``lang``: the language ``message`` is in (a parameter's message
    in the page's language; the engine's and the deadline's in English), so that the page
    around it speaks the same."""
    word = _word("error", lang)
    if kind == "json":
        return problems.for_request(request, status, message, error=message)
    if kind == "csv":
        return Response(f"{word} {status}: {message}\n", status, media_type="text/plain")
    body = f'<p class="error">{escape(message)}</p>'
    if query is not None:
        body += _form(query, values, lang)
    body += f'<p><a href="/queries?lang={lang}">{_word("all", lang).capitalize()}</a></p>'
    return HTMLResponse(_page(f"{word} {status}", body, {}, lang), status_code=status)


def _form(query: named.NamedQuery, values: dict[str, str], lang: Lang) -> str:
    if not query.parameters:
        return ""
    fields = "".join(
        f"<label>{escape(p.name)} <small>({escape(p.type)}"
        f"{', ' + _word('optional', lang) if p.optional else ''})</small> "
        f'<input name="{escape(p.name)}" value="{escape(values.get(p.name, ""))}" '
        f'placeholder="{escape(p.example)}" title="{escape(p.description)}"></label> '
        for p in query.parameters
    )
    return (
        f'<form method="get" action="/queries/{escape(query.name)}">{fields}'
        f'<input type="hidden" name="lang" value="{escape(lang)}">'
        f'<button type="submit">{_word("run", lang)}</button></form>'
    )


def _shown(cell: dict[str, str] | None, base: str, root_path: str) -> str:
    """A cell of the table: an IRI is a link only where :func:`plangraph.web.layout.data_href` allows one
    (an IRI of the data to its local page, an http(s) IRI to itself), else plain text."""
    if cell is None:
        return ""
    if cell["type"] == "iri":
        target = href(cell["value"], base, root_path)
        if target is None:
            return f'<span title="{escape(cell["value"])}">{escape(cell["label"])}</span>'
        return (
            f'<a href="{escape(target)}" title="{escape(cell["value"])}">'
            f"{escape(cell['label'])}</a>"
        )
    return escape(cell.get("label", cell["value"]))


def _answer_page(
    query: named.NamedQuery, data: dict[str, Any], base: str, root_path: str = ""
) -> str:
    """The HTML view of one answer, made from its JSON (``data``) alone; IRIs under ``base``
    (the data's base IRI) link to their pages on this server, below ``root_path``."""
    links = data["links"]
    lang = Lang(data["lang"])
    head = "".join(f"<th>{escape(c)}</th>" for c in data["columns"])
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{_shown(row[c], base, root_path)}</td>" for c in data["columns"])
        + "</tr>"
        for row in data["rows"]
    )
    values = dict(data["parameters"])
    other = lang.other
    switch = _link(f"/queries/{query.name}", {**values, "lang": other})
    note = (
        f'<p class="examples"><strong>{escape(data["note"])}</strong></p>' if data["note"] else ""
    )
    body = (
        f"<p>{escape(data['description'])}</p>"
        + note
        + _form(query, values, lang)
        + f"<p>{len(data['rows'])} {_word('rows', lang)} · "
        f'<a href="{escape(links["json"])}">JSON</a> · '
        f'<a href="{escape(links["csv"])}">CSV</a> · '
        f'<a href="{escape(switch)}">{"Norsk" if other == Lang.nb else "English"}</a> · '
        f'<a href="/queries?lang={lang}">{_word("all", lang)}</a></p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        f"<details><summary>SPARQL</summary><pre>{escape(data['sparql'])}</pre></details>"
    )
    return _page(data["title"], body, {"json": links["json"], "csv": links["csv"]}, lang)


def _page(title: str, body: str, twins: dict[str, str], lang: Lang) -> str:
    alternates = "".join(
        f'<link rel="alternate" type="{_JSON if kind == "json" else "text/csv"}" '
        f'href="{escape(href)}">'
        for kind, href in twins.items()
    )
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · plangraph</title>{alternates}"
        "<style>body{font-family:system-ui,sans-serif;margin:1rem 2rem;max-width:90rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;"
        "vertical-align:top;text-align:left}th{background:#f4f4f4}.error{color:#a00}.examples{background:#fff3cd;padding:.5rem}"
        "form label{margin-right:1rem}pre{white-space:pre-wrap}</style></head><body>"
        f"<h1>{escape(title)}</h1>{body}</body></html>"
    )
