"""Reports people can share, and the plain format's JSON Schema.

* ``GET /validate/reports/{id}`` — a kept validation report (:mod:`plangraph.web.report_store`):
  an HTML page (nb or en: ``?lang=``, else ``Accept-Language``), or its JSON twin
  (``/validate/reports/{id}.json``, or ``Accept: application/json``). 404 once it expired.
* ``GET /schema/plan.json`` — the JSON Schema of plain YAML and JSON plans
  (``application/schema+json``), for editors (``# yaml-language-server: $schema=…``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, JSONResponse, Response

from plangraph.validation.plain.spec import schema_text
from plangraph.validation.render import page, words
from plangraph.web import problems
from plangraph.web.context import context_of

SCHEMA_MEDIA_TYPE = "application/schema+json"


def _wants_json(request: Request, name: str) -> bool:
    if name.endswith(".json"):
        return True
    accept = (request.headers.get("accept") or "").lower()
    return not problems.wants_html(request) and (
        "application/json" in accept or problems.MEDIA_TYPE in accept
    )


def _lang(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in ("nb", "en"):
        return asked
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "nb"


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


async def report(request: Request, name: str) -> Response:
    """A kept validation report: HTML, or JSON (``.json`` or ``Accept``)."""
    as_json = _wants_json(request, name)
    report_id = name.removesuffix(".json")
    context = context_of(request)
    saved = None
    if context.reports is not None:
        saved = await run_in_threadpool(context.reports.load, report_id)
    if saved is None:
        message = (
            "there is no such report: it expired (reports are kept for "
            f"{context.settings.report_ttl / 86400:g} days), or the address is wrong"
        )
        if as_json or not problems.wants_html(request):
            return problems.for_request(request, 404, message, kind="no-report")
        lang = _lang(request)
        heading = "Rapporten finnes ikke" if lang == "nb" else "No such report"
        body = f"<h1>{escape(heading)}</h1>\n<p>{escape(message)}</p>"
        return HTMLResponse(page(heading, body, lang), status_code=404)
    headers = {"Vary": "Accept, Accept-Language", "Cache-Control": "private, max-age=3600"}
    if as_json:
        body_json = {
            "id": saved.id,
            "created": _when(saved.created),
            "expires": _when(saved.expires),
            "report": saved.report,
        }
        return JSONResponse(body_json, headers=headers)
    lang = _lang(request)
    title = str(words(lang)["title"])
    kept = (
        f"Laget {_when(saved.created)}, tilgjengelig til {_when(saved.expires)}."
        if lang == "nb"
        else f"Made {_when(saved.created)}, available until {_when(saved.expires)}."
    )
    other = "en" if lang == "nb" else "nb"
    body = (
        f"<h1>{escape(title)}</h1>\n{saved.html.get(lang, '')}\n"
        f'<p>{escape(kept)} <a href="{escape(saved.id)}.json">JSON</a> · '
        f'<a href="{escape(saved.id)}?lang={other}">{"English" if lang == "nb" else "Norsk"}</a>'
        "</p>"
    )
    return HTMLResponse(page(title, body, lang), headers=headers)


def plan_schema() -> Response:
    """The JSON Schema of plain plans, for editors."""
    return Response(
        schema_text(),
        media_type=SCHEMA_MEDIA_TYPE,
        headers={"Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"},
    )
