"""``/sdg``: which plans (or owners) address which of the UN's 17 Sustainable Development Goals.

* ``/sdg`` (HTML, with the heatmap as SVG and the same numbers as a table) and ``/sdg.json``;
  ``by=owner`` sums the plans of each owner. A cell counts the plan's elements that address the
  goal or one of its targets; a dot marks a plan said to address the goal itself.
* ``/sdg/{n}`` and ``/sdg/{n}.json``: what is behind a cell, the elements addressing goal ``n``,
  of one plan (``plan=IRI``), of one owner's plans (``owner=IRI``) or of every plan.

Goal names are the Norwegian short names (FN-sambandet) in nb, the UN's in en. Handlers are
plain ``def``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from plangraph.library import portfolio
from plangraph.web import layout, pictures
from plangraph.web.context import ProtocolError, check_iri
from plangraph.web.layout import e, t, tr, url
from plangraph.web.page_data import PageData, answer, known, single, twins

router = APIRouter()


def _coverage(request: Request, data: PageData) -> dict[str, Any]:
    known(request, "by")
    by = single(request, "by") or "plan"
    if by not in ("plan", "owner"):
        raise ProtocolError(400, f"by={by!r}: give by=plan or by=owner")
    coverage = portfolio.sdg_coverage(data.select, data.lang, by)
    params = data.params()
    key = "plan" if by == "plan" else "owner"
    addressed = {n for row in coverage.rows for n in (*row.cells, *row.direct)}
    return {
        "lang": data.lang.value,
        "by": by,
        "examples": data.examples,
        "examples_available": data.examples_available,
        "goals": [{"number": g.number, "iri": g.iri, "name": g.name} for g in coverage.goals],
        "rows": [
            {
                "iri": row.ref.iri,
                "name": row.ref.name,
                "plans": row.plans,
                "cells": {str(n): c for n, c in sorted(row.cells.items())},
                "direct": sorted(row.direct),
                "links": {
                    str(n): url(f"/sdg/{n}", {**params, key: row.ref.iri})
                    for n in sorted({*row.cells, *row.direct})
                },
            }
            for row in coverage.rows
        ],
        "unaddressed": [g.number for g in coverage.goals if g.number not in addressed],
        "links": {
            "html": url("/sdg", {**params, **({"by": by} if by != "plan" else {})}),
            "json": url("/sdg.json", {**params, **({"by": by} if by != "plan" else {})}),
            "by_plan": url("/sdg", params),
            "by_owner": url("/sdg", {**params, "by": "owner"}),
        },
    }


def _coverage_html(data: PageData, found: dict[str, Any]) -> str:
    lang = data.lang
    goals = [(g["number"], g["name"]) for g in found["goals"]]
    names = dict(goals)
    by_owner = found["by"] == "owner"
    rows = [
        pictures.HeatRow(
            r["iri"],
            r["name"],
            {int(n): c for n, c in r["cells"].items()},
            frozenset(r["direct"]),
        )
        for r in found["rows"]
    ]
    links = {r["iri"]: r["links"] for r in found["rows"]}
    base = data.context.settings.base_iri
    params = data.params()

    def row_href(row: pictures.HeatRow) -> str | None:
        target = layout.data_href(row.key, base)
        return url(target, params) if target and target.startswith("/") else target

    def cell_label(row: pictures.HeatRow, number: int, name: str, count: int) -> str:
        direct = number in row.direct
        text = tr(
            lang,
            f"{row.name} × mål {number} {name}: {count} elementer",
            f"{row.name} × goal {number} {name}: {count} elements",
        )
        if direct:
            text += tr(lang, " (planen selv adresserer målet)", " (the plan itself addresses it)")
        return text

    title = tr(
        lang,
        "Bærekraftsmålene: " + ("eiere" if by_owner else "planer") + " × de 17 målene",
        "The SDGs: " + ("owners" if by_owner else "plans") + " × the 17 goals",
    )
    desc = tr(
        lang,
        f"Et rutenett med {len(rows)} rader og 17 kolonner, én for hvert bærekraftsmål. Tallet "
        "i en rute er hvor mange av planens elementer som adresserer målet eller et av delmålene "
        "dets; en prikk betyr at planen selv adresserer målet. Tabellen under viser de samme "
        "tallene.",
        f"A grid of {len(rows)} rows and 17 columns, one per goal. The number in a cell is how "
        "many of the plan's elements address the goal or one of its targets; a dot means the "
        "plan itself addresses the goal. The table below gives the same numbers.",
    )
    svg = pictures.heatmap(
        title=title,
        desc=desc,
        goals=goals,
        rows=rows,
        cell_href=lambda row, n: links[row.key][str(n)],
        row_href=row_href,
        cell_label=cell_label,
    )
    table_rows = "".join(
        f'<tr><th scope="row">{e(r["name"])}</th>'
        + "".join(
            f"<td>{e(r['cells'].get(str(n), ''))}{'•' if n in r['direct'] else ''}</td>"
            for n, _ in goals
        )
        + "</tr>"
        for r in found["rows"]
    )
    table = (
        '<table class="coverage"><thead><tr><th scope="col">'
        + e(tr(lang, "Eier" if by_owner else "Plan", "Owner" if by_owner else "Plan"))
        + "</th>"
        + "".join(f'<th scope="col" title="{e(name)}">{n}</th>' for n, name in goals)
        + f"</tr></thead><tbody>{table_rows}</tbody></table>"
    )
    legend = "".join(f'<li value="{n}">{e(name)}</li>' for n, name in goals)
    unaddressed = ", ".join(f"{n} {names[n]}" for n in found["unaddressed"])
    switch = (
        f'<a href="{e(found["links"]["by_plan"])}">{e(tr(lang, "Planer", "Plans"))}</a>'
        if by_owner
        else f'<a href="{e(found["links"]["by_owner"])}">{e(tr(lang, "Eiere", "Owners"))}</a>'
    )
    empty = (
        f"<p><strong>{e(tr(lang, 'Ingen plan i registeret er knyttet til et bærekraftsmål.', 'No plan in the register is linked to a goal.'))}</strong></p>"
        if not rows
        else ""
    )
    body = (
        '<p class="lead">'
        + e(
            tr(
                lang,
                "Hvilke planer som bidrar til hvilke av FNs 17 bærekraftsmål: tallet i hver rute er "
                "hvor mange av planens mål, strategier og tiltak som adresserer målet, direkte "
                "eller gjennom et delmål. Trykk på en rute for å se elementene bak tallet.",
                "Which plans address which of the UN's 17 Sustainable Development Goals: the "
                "number in each cell is how many of the plan's goals, strategies and measures "
                "address the goal, directly or through a target. Select a cell to see the "
                "elements behind the number.",
            )
        )
        + "</p>"
        + layout.examples_banner(
            lang,
            "/sdg",
            {**params, **({"by": "owner"} if by_owner else {})},
            data.examples,
            data.examples_available,
        )
        + f"<p>{e(tr(lang, 'Vis etter', 'Show by'))}: {switch}</p>"
        + empty
        + f"<figure>{svg}<figcaption>{e(desc)}</figcaption></figure>"
        + f'<details class="alt" open><summary>{e(tr(lang, "Tallene som tabell", "The numbers as a table"))}</summary>{table}</details>'
        + (
            f"<p>{e(tr(lang, 'Mål ingen plan adresserer', 'Goals no plan addresses'))}: {e(unaddressed)}</p>"
            if unaddressed
            else ""
        )
        + f"<h2>{e(tr(lang, 'De 17 målene', 'The 17 goals'))}</h2><ol>{legend}</ol>"
    )
    return layout.page(
        title=t(lang, "sdg"),
        body=body,
        lang=lang,
        path="/sdg",
        params={**params, **({"by": "owner"} if by_owner else {})},
        twins={"JSON": found["links"]["json"]},
    )


twins(router, "/sdg", _coverage, _coverage_html, "The SDG coverage heatmap")


# ---------------------------------------------------------------------------------------------
# /sdg/{n}
# ---------------------------------------------------------------------------------------------


def _goal_number(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 17:
        raise ProtocolError(404, f"there is no goal {text!r}: the goals are numbered 1 to 17")
    return int(text)


def _elements(request: Request, data: PageData, number: int) -> dict[str, Any]:
    known(request, "plan", "owner")
    plan = single(request, "plan")
    owner = single(request, "owner")
    plan = check_iri(plan, "plan") if plan else None
    owner = check_iri(owner, "owner") if owner else None
    goal, elements = portfolio.sdg_elements(data.select, data.lang, number, plan, owner)
    params = data.params()
    narrowed = {**({"plan": plan} if plan else {}), **({"owner": owner} if owner else {})}
    return {
        "lang": data.lang.value,
        "goal": {
            "number": number,
            "iri": goal.iri if goal else None,
            "name": goal.name if goal else None,
        },
        "plan": plan,
        "owner": owner,
        "examples": data.examples,
        "elements": [
            {
                "iri": item.element.iri,
                "name": item.element.name,
                "kind": item.kind,
                "plan": {"iri": item.plan.iri, "name": item.plan.name},
                "target": {"iri": item.target.iri, "name": item.target.name},
                "example": item.example,
            }
            for item in elements
        ],
        "links": {
            "html": url(f"/sdg/{number}", {**params, **narrowed}),
            "json": url(f"/sdg/{number}.json", {**params, **narrowed}),
            "all": url(f"/sdg/{number}", params),
            "heatmap": url("/sdg", params),
        },
    }


def _elements_html(data: PageData, found: dict[str, Any]) -> str:
    lang = data.lang
    base = data.context.settings.base_iri
    params = url("", data.params())
    goal = found["goal"]
    rows = [
        f"<tr><td>{layout.link(item['iri'], item['name'], base, params=params)}"
        + (f' <small class="muted">({e(t(lang, "example"))})</small>' if item["example"] else "")
        + f"</td><td>{e(item['kind'])}</td>"
        f"<td>{layout.link(item['plan']['iri'], item['plan']['name'], base, params=params)}</td>"
        f"<td>{layout.link(item['target']['iri'], item['target']['name'], base)}</td></tr>"
        for item in found["elements"]
    ]
    narrowed = ""
    if found["plan"] or found["owner"]:
        narrowed = (
            f'<p><a href="{e(found["links"]["all"])}">'
            f"{e(tr(lang, 'Alle planer for dette målet', 'Every plan for this goal'))}</a></p>"
        )
    table = layout.table(
        (
            tr(lang, "Element", "Element"),
            tr(lang, "Type", "Kind"),
            "Plan",
            tr(lang, "Gjennom", "Through"),
        ),
        rows,
        tr(lang, "Ingen elementer adresserer dette målet.", "No element addresses this goal."),
    )
    body = (
        layout.examples_banner(
            lang, f"/sdg/{goal['number']}", data.params(), data.examples, data.examples_available
        )
        + narrowed
        + table
        + f'<p><a href="{e(found["links"]["heatmap"])}">{e(tr(lang, "Tilbake til oversikten", "Back to the overview"))}</a></p>'
    )
    return layout.page(
        title=tr(lang, "Bærekraftsmål", "Goal") + f" {goal['number']}: {goal['name'] or ''}",
        body=body,
        lang=lang,
        path=f"/sdg/{goal['number']}",
        params={
            **data.params(),
            **({"plan": found["plan"]} if found["plan"] else {}),
            **({"owner": found["owner"]} if found["owner"] else {}),
        },
        twins={"JSON": found["links"]["json"]},
    )


@router.get("/sdg/{goal}", include_in_schema=False)
def goal_page(request: Request, goal: str) -> Response:
    """What is behind a cell of the heatmap: HTML, or ``/sdg/{n}.json``."""
    kind = "json" if goal.endswith(".json") else "html"
    text = goal.removesuffix(".json")

    def build(data: PageData) -> dict[str, Any]:
        return _elements(request, data, _goal_number(text))

    return answer(request, kind, build, _elements_html)
