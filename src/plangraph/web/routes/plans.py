"""``/plans``: every plan document with kind, owner, status, period and successor.

* ``/plans`` (HTML), ``/plans.json`` and ``/plans.csv``: the overview, narrowed by ``kind``
  (a code such as ``theme-plan``, or the IRI), ``owner`` (IRI), ``status`` (a code such as
  ``under-work``), ``sdg`` (1–17), ``period`` (``2024`` or ``2020-2024``: the plans whose period
  overlaps it) and ``q`` (words in the title or a name). HTML and JSON come in pages (``page``,
  ``size`` up to 500); the CSV holds every plan that matches.
* ``/plans/under-way`` (HTML) and ``.json``: plans in preparation or on consultation, each with
  its milestones, the next one and the stage it has reached.

A status stated as of more than 24 months before the day the page counts from (``on``, today
by default), or stated before the end of the plan's period when that end has passed, is shown
as not confirmed since that date. Handlers are plain ``def``: the engine is read on worker
threads, never on the event loop.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from plangraph.lang import Lang
from plangraph.library import portfolio
from plangraph.library.answers import spreadsheet_safe
from plangraph.web import layout
from plangraph.web.context import ProtocolError
from plangraph.web.layout import e, t, tr, url
from plangraph.web.page_data import PageData, answer, known, single, twins

router = APIRouter()

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
_FILTERS = ("kind", "owner", "status", "sdg", "period", "q")


# ---------------------------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------------------------


def ref(r: portfolio.Ref | None) -> dict[str, str] | None:
    return None if r is None else {"iri": r.iri, "name": r.name}


def day(value: portfolio.PartialDate | None) -> str | None:
    return None if value is None else value.iso


def plan_json(plan: portfolio.PlanSummary, data: PageData) -> dict[str, Any]:
    """One plan as the JSON twins give it."""
    base = data.context.settings.base_iri
    target = layout.data_href(plan.iri, base)
    return {
        "iri": plan.iri,
        "name": plan.name,
        "title": plan.title,
        "kind": {**(ref(plan.kind) or {}), "code": plan.kind.iri.rsplit("/", 1)[-1]},
        "status": None
        if plan.status is None
        else {**(ref(plan.status) or {}), "code": plan.status_code},
        "status_as_of": day(plan.as_of),
        "unconfirmed": None
        if plan.unconfirmed is None or plan.as_of is None
        else {"since": plan.as_of.iso, "reason": plan.unconfirmed},
        "period": {"from": plan.first_year, "to": plan.last_year},
        "owners": [ref(o) for o in plan.owners],
        "successors": [ref(s) for s in plan.successors],
        "sdgs": plan.sdgs,
        "municipality": ref(plan.municipality),
        "page": url(target, data.params()) if target and target.startswith("/") else target,
    }


def status_html(item: dict[str, Any], lang: Lang, today: str) -> str:
    """A plan's status: its name, the date it is stated as of, and whether it is confirmed."""
    status = item["status"]
    chip = layout.status_chip(
        status["code"] if status else None, status["name"] if status else None, lang
    )
    parts = [chip]
    as_of = item["status_as_of"]
    if as_of:
        shown = _date_label(as_of, lang)
        parts.append(f'<br><small class="muted">{e(t(lang, "as of", day=shown))}</small>')
    unconfirmed = item["unconfirmed"]
    if unconfirmed:
        since = _date_label(unconfirmed["since"], lang)
        why = t(
            lang,
            "unconfirmed age" if unconfirmed["reason"] == "age" else "unconfirmed period",
            day=since,
            today=_date_label(today, lang),
        )
        parts.append(
            f'<br><span class="warn" title="{e(why)}">⚠ {e(t(lang, "unconfirmed", day=since))}'
            "</span>"
        )
    return "".join(parts)


def _date_label(iso: str, lang: Lang) -> str:
    parsed = portfolio.PartialDate.parse(iso)
    return parsed.label(lang) if parsed else iso


def plan_link(item: dict[str, Any]) -> str:
    target = item.get("page")
    if not target:
        return e(item["name"])
    return f'<a href="{e(target)}">{e(item["name"])}</a>'


def refs_html(items: list[dict[str, str]], data: PageData) -> str:
    base = data.context.settings.base_iri
    params = url("", data.params())
    return ", ".join(layout.link(r["iri"], r["name"], base, params=params) for r in items)


# ---------------------------------------------------------------------------------------------
# /plans
# ---------------------------------------------------------------------------------------------


def _paging(request: Request) -> tuple[int, int]:
    values = []
    for name, default, highest in (("page", 1, None), ("size", PAGE_SIZE, MAX_PAGE_SIZE)):
        given = single(request, name)
        if given is None or not given.strip():
            values.append(default)
            continue
        if not given.strip().isdigit() or int(given) < 1:
            raise ProtocolError(400, f"{name}={given!r}: give a whole number from 1")
        number = int(given)
        if highest is not None and number > highest:
            raise ProtocolError(400, f"{name}={given!r}: at most {highest}")
        values.append(number)
    return values[0], values[1]


def _filters(request: Request) -> portfolio.PlanFilters:
    values: dict[str, str] = {}
    for name in _FILTERS:
        given = single(request, name)
        if given is not None:
            values[name] = given
    known(request, *_FILTERS, "page", "size", what="the overview")
    return portfolio.PlanFilters.parse(values)


def _paged_register(request: Request, data: PageData) -> dict[str, Any]:
    return _register(request, data, paged=True)


def _register(request: Request, data: PageData, *, paged: bool) -> dict[str, Any]:
    filters = _filters(request)
    page, size = _paging(request)
    every = portfolio.plan_register(data.select, data.lang, data.today)
    matching = [p for p in every if filters.matches(p)]
    pages = max(1, math.ceil(len(matching) / size))
    if paged and page > pages:
        raise ProtocolError(
            404, f"page={page}: there are {pages} pages of {size} plans for these filters"
        )
    shown = matching[(page - 1) * size : page * size] if paged else matching
    params = {**data.params(), **filters.as_params()}
    if size != PAGE_SIZE:
        params["size"] = str(size)

    def at(number: int) -> str:
        return url("/plans", {**params, "page": str(number)} if number > 1 else params)

    links = {
        "html": url("/plans", {**params, "page": str(page)} if page > 1 else params),
        "json": url("/plans.json", {**params, "page": str(page)} if page > 1 else params),
        "csv": url("/plans.csv", {k: v for k, v in params.items() if k != "size"}),
        "first": at(1),
        "previous": at(page - 1) if page > 1 else None,
        "next": at(page + 1) if page < pages else None,
    }
    return {
        "lang": data.lang.value,
        "on": data.today.isoformat(),
        "examples": data.examples,
        "examples_available": data.examples_available,
        "filters": filters.as_params(),
        "page": page,
        "size": size,
        "pages": pages,
        "total": len(matching),
        "register": len(every),
        "plans": [plan_json(p, data) for p in shown],
        "facets": {
            name: [{"value": f.value, "name": f.name, "plans": f.count} for f in values]
            for name, values in portfolio.facets(every).items()
        },
        "links": links,
    }


def _select(
    name: str, label: str, chosen: str | None, options: list[dict[str, Any]], lang: Lang
) -> str:
    listed = [f'<option value="">{e(tr(lang, "alle", "all"))}</option>']
    for option in options:
        selected = " selected" if option["value"] == chosen else ""
        listed.append(
            f'<option value="{e(option["value"])}"{selected}>{e(option["name"])} '
            f"({option['plans']})</option>"
        )
    return f'<label>{e(label)}<select name="{name}">{"".join(listed)}</select></label>'


def _plans_html(data: PageData, found: dict[str, Any]) -> str:
    lang = data.lang
    filters = found["filters"]
    facets = found["facets"]
    sdg_options = [
        {**option, "name": tr(lang, f"Mål {option['value']}", f"Goal {option['value']}")}
        for option in facets["sdg"]
    ]
    hidden = "".join(
        f'<input type="hidden" name="{e(k)}" value="{e(v)}">' for k, v in data.params().items()
    )
    form = (
        f'<form class="filters" method="get" action="/plans" role="search">{hidden}'
        f"<label>{e(tr(lang, 'Søk i tittel', 'Search titles'))}"
        f'<input type="search" name="q" value="{e(filters.get("q", ""))}"></label>'
        + _select("kind", tr(lang, "Plantype", "Kind"), filters.get("kind"), facets["kind"], lang)
        + _select("status", "Status", filters.get("status"), facets["status"], lang)
        + _select("owner", tr(lang, "Eier", "Owner"), filters.get("owner"), facets["owner"], lang)
        + _select("sdg", tr(lang, "Bærekraftsmål", "SDG"), filters.get("sdg"), sdg_options, lang)
        + f"<label>{e(tr(lang, 'Periode (år)', 'Period (years)'))}"
        f'<input name="period" size="9" placeholder="2020-2024" value="{e(filters.get("period", ""))}">'
        "</label>"
        f'<button type="submit">{e(tr(lang, "Vis", "Show"))}</button> '
        f'<a href="{e(url("/plans", data.params()))}">{e(tr(lang, "Nullstill", "Clear"))}</a>'
        "</form>"
    )
    rows = []
    for item in found["plans"]:
        title = item["title"]
        subtitle = (
            f'<br><small class="muted">{e(title)}</small>'
            if title and title != item["name"]
            else ""
        )
        period = item["period"]
        period_text = (
            ""
            if period["from"] is None and period["to"] is None
            else f"{period['from'] or ''}–{period['to'] or ''}"
        )
        rows.append(
            f"<tr><td>{plan_link(item)}{subtitle}</td>"
            f"<td>{e(item['kind']['name'])}</td>"
            f"<td>{refs_html(item['owners'], data)}</td>"
            f"<td>{status_html(item, lang, found['on'])}</td>"
            f"<td>{e(period_text)}</td>"
            f"<td>{refs_html(item['successors'], data)}</td></tr>"
        )
    links = found["links"]
    pager = [f"<span>{e(tr(lang, 'Side', 'Page'))} {found['page']} / {found['pages']}</span>"]
    if links["previous"]:
        pager.append(
            f'<a href="{e(links["previous"])}" rel="prev">{e(tr(lang, "← Forrige", "← Previous"))}</a>'
        )
    if links["next"]:
        pager.append(
            f'<a href="{e(links["next"])}" rel="next">{e(tr(lang, "Neste →", "Next →"))}</a>'
        )
    total = found["total"]
    summary = tr(
        lang,
        f"{total} av {found['register']} planer",
        f"{total} of {found['register']} plans",
    )
    table = layout.table(
        (
            tr(lang, "Plan", "Plan"),
            tr(lang, "Type", "Kind"),
            tr(lang, "Eier", "Owner"),
            "Status",
            tr(lang, "Periode", "Period"),
            tr(lang, "Erstattes av", "Replaced by"),
        ),
        rows,
        tr(lang, "Ingen planer passer.", "No plan matches."),
    )
    body = (
        layout.examples_banner(
            lang, "/plans", {**data.params(), **filters}, data.examples, data.examples_available
        )
        + form
        + f'<p id="summary">{e(summary)}</p>'
        + table
        + f'<p class="pager">{"".join(pager)}</p>'
    )
    return layout.page(
        title=tr(lang, "Planoversikten", "The plan overview"),
        body=body,
        lang=lang,
        path="/plans",
        params={
            **data.params(),
            **filters,
            **({"page": str(found["page"])} if found["page"] > 1 else {}),
        },
        twins={"JSON": links["json"], "CSV": links["csv"]},
    )


_CSV_COLUMNS = (
    "plan",
    "name",
    "title",
    "kind",
    "kind_name",
    "status",
    "status_name",
    "status_as_of",
    "unconfirmed_since",
    "period_from",
    "period_to",
    "owners",
    "owner_names",
    "successors",
    "successor_names",
    "sdgs",
)


def _plans_csv(data: PageData, found: dict[str, Any]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_CSV_COLUMNS)
    for item in found["plans"]:
        status = item["status"] or {}
        row = (
            item["iri"],
            item["name"],
            item["title"] or "",
            item["kind"]["iri"],
            item["kind"]["name"],
            status.get("iri", ""),
            status.get("name", ""),
            item["status_as_of"] or "",
            (item["unconfirmed"] or {}).get("since", ""),
            "" if item["period"]["from"] is None else item["period"]["from"],
            "" if item["period"]["to"] is None else item["period"]["to"],
            " | ".join(o["iri"] for o in item["owners"]),
            " | ".join(o["name"] for o in item["owners"]),
            " | ".join(s["iri"] for s in item["successors"]),
            " | ".join(s["name"] for s in item["successors"]),
            " ".join(str(n) for n in item["sdgs"]),
        )
        writer.writerow([spreadsheet_safe(str(cell)) for cell in row])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="plans.csv"'},
    )


twins(router, "/plans", _paged_register, _plans_html, "The plan overview, one page of it")


@router.get("/plans.csv", include_in_schema=False)
def plans_csv(request: Request) -> Response:
    """Every plan that matches the filters (CSV)."""
    return answer(
        request,
        "csv",
        lambda d: _register(request, d, paged=False),
        _plans_html,
        {"csv": _plans_csv},
    )


# ---------------------------------------------------------------------------------------------
# /plans/under-way
# ---------------------------------------------------------------------------------------------


def event_json(event: portfolio.PlanEvent, data: PageData) -> dict[str, Any]:
    """One event as the JSON twins give it."""
    return {
        "iri": event.iri,
        "name": event.name,
        "kind": event.kind,
        "kind_name": event.kind_name,
        "date": day(event.date),
        "planned_date": day(event.planned),
        "start": day(event.start),
        "end": day(event.end),
        "key_date": day(event.key_date),
        "planned": event.is_planned,
        "deadline": event.is_deadline,
        "upcoming": event.upcoming(data.today),
        "happened": event.happened(data.today),
        "body": ref(event.body),
        "decision": ref(event.decision),
        "example": event.example,
        "plans": event.plans,
    }


def _under_way(request: Request, data: PageData) -> dict[str, Any]:
    known(request)
    work = portfolio.under_way(data.select, data.lang, data.today)
    params = data.params()
    feed_params = {k: v for k, v in params.items() if k != "on"}
    return {
        "lang": data.lang.value,
        "on": data.today.isoformat(),
        "examples": data.examples,
        "examples_available": data.examples_available,
        "plans": [
            {
                "plan": plan_json(w.plan, data),
                "stage": None if w.stage is None else event_json(w.stage, data),
                "next": None if w.next is None else event_json(w.next, data),
                "events": [event_json(ev, data) for ev in w.events],
            }
            for w in work
        ],
        "links": {
            "html": url("/plans/under-way", params),
            "json": url("/plans/under-way.json", params),
            "ics": url("/plans/under-way.ics", feed_params),
            "atom": url("/plans/changes.atom", feed_params),
        },
    }


def event_line(item: dict[str, Any], lang: Lang, *, highlight: bool = False) -> str:
    """One event as a line: its date, its kind, its name and who treats it."""
    when = item["key_date"]
    shown = _date_label(when, lang) if when else tr(lang, "uten dato", "no date")
    marks = []
    if item["deadline"]:
        marks.append(tr(lang, "frist", "deadline"))
    if item["planned"]:
        marks.append(tr(lang, "planlagt", "planned"))
    if item["planned"] and not item["upcoming"] and when:
        marks.append(
            tr(lang, "datoen er passert uten ny opplysning", "the date has passed, not updated")
        )
    if item["example"]:
        marks.append(t(lang, "example"))
    body = f" · {e(item['body']['name'])}" if item["body"] else ""
    decision = f" · {e(item['decision']['name'])}" if item["decision"] else ""
    tag = "strong" if highlight else "span"
    mark_text = f' <small class="muted">({e(", ".join(marks))})</small>' if marks else ""
    return (
        f'<{tag} class="when">{e(shown)}</{tag}> — {e(item["kind_name"])}: {e(item["name"])}'
        f"{body}{decision}{mark_text}"
    )


def _under_way_html(data: PageData, found: dict[str, Any]) -> str:
    lang = data.lang
    sections = []
    for entry in found["plans"]:
        item = entry["plan"]
        nxt = entry["next"]
        stage = entry["stage"]
        next_html = (
            event_line(nxt, lang, highlight=True)
            if nxt
            else e(
                tr(lang, "Ingen kommende milepæl er registrert.", "No milestone ahead is recorded.")
            )
        )
        stage_html = (
            event_line(stage, lang)
            if stage
            else e(tr(lang, "Ingen hendelse er registrert ennå.", "No event recorded yet."))
        )
        events = "".join(
            f'<li class="{"next" if nxt and ev["iri"] == nxt["iri"] else "event"}">'
            f"{event_line(ev, lang)}</li>"
            for ev in entry["events"]
        )
        milestones = (
            f'<ol class="timeline">{events}</ol>'
            if events
            else f"<p>{e(tr(lang, 'Ingen milepæler er registrert.', 'No milestones are recorded.'))}</p>"
        )
        sections.append(
            f'<section class="card work" id="{e(item["iri"].rsplit("/", 1)[-1])}">'
            f"<h2>{plan_link(item)}</h2>"
            f'<dl class="facts"><dt>Status</dt><dd>{status_html(item, lang, found["on"])}</dd>'
            f"<dt>{e(tr(lang, 'Eier', 'Owner'))}</dt><dd>{refs_html(item['owners'], data)}</dd>"
            f"<dt>{e(tr(lang, 'Neste milepæl', 'Next milestone'))}</dt><dd>{next_html}</dd>"
            f"<dt>{e(tr(lang, 'Fase', 'Stage'))}</dt><dd>{stage_html}</dd></dl>"
            f"<h3>{e(tr(lang, 'Milepæler', 'Milestones'))}</h3>{milestones}</section>"
        )
    links = found["links"]
    intro = tr(
        lang,
        f"Planer under arbeid eller på høring, med neste milepæl regnet fra "
        f"{_date_label(found['on'], lang)}: den første hendelsen med en dato, en planlagt dato "
        "eller en frist fra og med den dagen (en måned eller et år regnes til slutten). Planene "
        "med nærmest milepæl står først.",
        f"Plans in preparation or on consultation, with the next milestone counted from "
        f"{_date_label(found['on'], lang)}: the first event with a date, a planned date or a "
        "deadline on or after that day (a month or a year counts until its end). The plans with "
        "the nearest milestone come first.",
    )
    follow = tr(
        lang,
        "Abonner på høringsfrister og politisk behandling i kalenderen din: ",
        "Subscribe to consultation deadlines and political treatments in your calendar: ",
    )
    body = (
        f'<p class="lead">{e(intro)}</p>'
        + layout.examples_banner(
            lang, "/plans/under-way", data.params(), data.examples, data.examples_available
        )
        + f'<p>{e(follow)}<a href="{e(links["ics"])}">iCalendar (.ics)</a> · '
        f'<a href="{e(links["atom"])}">{e(tr(lang, "endringer i registeret (Atom)", "changes to the register (Atom)"))}</a>. '
        + e(
            tr(
                lang,
                "Hendelser som bare er datert med år, er ikke med i kalenderen.",
                "Events dated only by a year are not in the calendar.",
            )
        )
        + "</p>"
        + (
            f'<div class="cards wide">{"".join(sections)}</div>'
            if sections
            else f"<p>{e(tr(lang, 'Ingen planer er under arbeid.', 'No plan is under way.'))}</p>"
        )
    )
    return layout.page(
        title=t(lang, "under way"),
        body=body,
        lang=lang,
        path="/plans/under-way",
        params=data.params(),
        twins={"JSON": links["json"]},
        feeds={"iCalendar": links["ics"], "Atom": links["atom"]},
    )


twins(router, "/plans/under-way", _under_way, _under_way_html, "The plan work under way")
