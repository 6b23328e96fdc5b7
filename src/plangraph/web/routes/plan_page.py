"""A plan's page, for people: ``/id/…`` of a plan document, in a browser.

Its kind, legal basis, owner, status (and whether it is confirmed), period, the plans it
replaces and that replace it, its decisions and events as a timeline, the plans it traces to up
to the master plan and those that build on it, and its red thread as a tree: the social part's
vision and focus areas, the goals, the plan's strategies and the measures that carry it out,
with a measure's owner and status, and the breaks marked. Each link is listed once; the plan
is never shown as tracing to itself.

:func:`for_browser` is called by the Linked Data route (:mod:`plangraph.web.routes.linked_data`)
for a browser's request of an IRI; it answers for plan documents and leaves every other IRI,
and every RDF request, to that route. ``?view=properties`` shows the generic page of the
resource's triples instead. The JSON twin is the same path with ``.json``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from plangraph.lang import Lang
from plangraph.library import portfolio
from plangraph.web import layout, pictures
from plangraph.web.context import ProtocolError, context_of
from plangraph.web.layout import e, tr, url
from plangraph.web.page_data import PageData, answer
from plangraph.web.routes.plans import (
    day,
    event_json,
    plan_json,
    ref,
    refs_html,
    status_html,
)

router = APIRouter()

TREE_ROWS = 400
"""At most this many lines of the red thread are drawn (the rest are counted)."""


class NotAPlan(Exception):
    """The IRI is not a plan document of the dataset."""


def _profile(data: PageData, iri: str) -> dict[str, Any]:
    profile = portfolio.plan_profile(data.select, data.lang, iri, data.today)
    if profile is None:
        raise NotAPlan(iri)
    thread = portfolio.red_thread(data.select, data.lang, iri)
    params = data.params()
    nodes = thread.nodes
    in_tree = set(nodes)
    return {
        "lang": data.lang.value,
        "on": data.today.isoformat(),
        "examples": data.examples,
        "examples_available": data.examples_available,
        "plan": plan_json(profile.plan, data),
        "legal_basis": [ref(r) for r in profile.legal_basis],
        "traces_to": [
            {
                "source": ref(link.source),
                "link": link.link,
                "link_name": link.link_name,
                "target": ref(link.target),
            }
            for link in profile.up
        ],
        "built_on_by": [
            {"source": ref(link.source), "link": link.link, "link_name": link.link_name}
            for link in profile.down
        ],
        "replaces": [ref(r) for r in profile.replaces],
        "events": [event_json(ev, data) for ev in profile.events],
        "decisions": [
            {
                "iri": d.case.iri,
                "name": d.case.name,
                "number": d.number,
                "date": day(d.date),
                "body": ref(d.body),
            }
            for d in profile.decisions
        ],
        "sources": [{"iri": s.iri, "name": s.name, "page": page} for s, page in profile.sources],
        "pages": profile.pages,
        "linked_from": [
            {"iri": r.iri, "name": r.name, "links": links}
            for r, links in profile.backlinks
            if r.iri not in in_tree
        ],
        "red_thread": {
            "roots": thread.roots,
            "nodes": [
                {
                    "iri": n.iri,
                    "name": n.name,
                    "kind": n.kind,
                    "kind_name": n.kind_name,
                    "plan": ref(n.plan),
                    "owner": ref(n.owner),
                    "status": None
                    if n.status is None
                    else {**(ref(n.status) or {}), "code": n.status_code},
                    "example": n.example,
                    "traces_to": n.parents,
                    "breaks": n.breaks,
                }
                for n in sorted(nodes.values(), key=lambda n: n.iri)
            ],
        },
        "links": {
            "html": url(_path(data, iri), params),
            "json": url(_path(data, iri) + ".json", params),
            "properties": url(_path(data, iri), {**params, "view": "properties"}),
            "turtle": url(_path(data, iri), {"format": "ttl"}),
        },
    }


def _path(data: PageData, iri: str) -> str:
    target = layout.data_href(iri, data.context.settings.base_iri)
    return target if target and target.startswith("/") else iri


_BREAKS = {
    "no-measure": ("ingen tiltak", "no measure"),
    "serves-nothing": ("tjener ingenting", "serves nothing"),
    "no-social-part": ("ingen vei til samfunnsdelen", "no way to the social part"),
}


def _break_text(breaks: list[str], lang: Lang) -> str:
    return "; ".join(
        (_BREAKS[b][0] if lang is Lang.nb else _BREAKS[b][1]) for b in breaks if b in _BREAKS
    )


def _tree_rows(found: dict[str, Any], data: PageData) -> tuple[list[pictures.TreeRow], int]:
    lang = data.lang
    thread = found["red_thread"]
    nodes = {n["iri"]: n for n in thread["nodes"]}
    children: dict[str, list[str]] = {i: [] for i in nodes}
    for n in thread["nodes"]:
        for parent in n["traces_to"]:
            if parent in children:
                children[parent].append(n["iri"])
    order = {i: (pictures_order(n["kind"]), n["name"].casefold(), i) for i, n in nodes.items()}
    for kids in children.values():
        kids.sort(key=order.__getitem__)
    plan_iri = found["plan"]["iri"]
    base = data.context.settings.base_iri
    params = url("", data.params())
    rows: list[pictures.TreeRow] = []
    drawn: set[str] = set()
    hidden = 0

    def detail(n: dict[str, Any]) -> str:
        bits = []
        if n["plan"] and n["plan"]["iri"] != plan_iri:
            bits.append(n["plan"]["name"])
        if n["owner"]:
            bits.append(n["owner"]["name"])
        if n["status"]:
            bits.append(n["status"]["name"])
        if n["example"]:
            bits.append(layout.t(lang, "example"))
        return " · ".join(bits)

    def walk(iri: str, depth: int, path: tuple[str, ...]) -> None:
        nonlocal hidden
        if len(rows) >= TREE_ROWS:
            hidden += 1
            return
        n = nodes[iri]
        repeat = iri in drawn
        href = layout.data_href(iri, base)
        rows.append(
            pictures.TreeRow(
                iri=iri,
                depth=depth,
                name=n["name"],
                kind=n["kind"],
                kind_name=n["kind_name"],
                detail=detail(n),
                status_code=(n["status"] or {}).get("code"),
                breaks=tuple(n["breaks"]),
                break_text=_break_text(n["breaks"], lang),
                repeat=repeat and bool(children[iri]),
                href=(href + params) if href and href.startswith("/") else href,
                example=n["example"],
            )
        )
        if repeat:
            return
        drawn.add(iri)
        for child in children[iri]:
            if child not in path:
                walk(child, depth + 1, (*path, child))

    for root in thread["roots"]:
        walk(root, 0, (root,))
    return rows, hidden


def pictures_order(kind: str) -> int:
    return portfolio.KINDS_ORDER.get(kind, 9)


def _tree_list(rows: list[pictures.TreeRow], lang: Lang) -> str:
    """The tree as nested lists: the picture's text alternative."""
    out: list[str] = []
    depth = -1
    for row in rows:
        while depth < row.depth:
            out.append('<ul class="tree">')
            depth += 1
        while depth > row.depth:
            out.append("</li></ul>")
            depth -= 1
        if out and out[-1] not in ('<ul class="tree">',):
            out.append("</li>")
        name = f'<a href="{e(row.href)}">{e(row.name)}</a>' if row.href else e(row.name)
        extra = f" — {e(row.detail)}" if row.detail else ""
        broken = (
            f' <strong class="warn">{e(tr(lang, "Brudd", "Break"))}: {e(row.break_text)}</strong>'
            if row.breaks
            else ""
        )
        again = f" ({e(tr(lang, 'se over', 'see above'))})" if row.repeat else ""
        out.append(f"<li>{e(row.kind_name)}: {name}{extra}{again}{broken}")
    while depth >= 0:
        out.append("</li></ul>")
        depth -= 1
    return "".join(out)


def _timeline(found: dict[str, Any], lang: Lang) -> tuple[list[pictures.TimelineItem], int]:
    items: list[tuple[str, pictures.TimelineItem]] = []
    in_events = {ev["decision"]["iri"] for ev in found["events"] if ev["decision"]}
    for ev in found["events"]:
        when = (
            ev["key_date"]
            if ev["kind"] != "PublicConsultation"
            else (ev["start"] or ev["key_date"])
        )
        label = _date(when, lang) if when else tr(lang, "uten dato", "no date")
        if ev["kind"] == "PublicConsultation" and ev["start"] and ev["end"]:
            label = f"{_date(ev['start'], lang)}"
        detail = []
        if ev["kind"] == "PublicConsultation" and ev["end"]:
            detail.append(
                tr(lang, f"frist {_date(ev['end'], lang)}", f"deadline {_date(ev['end'], lang)}")
            )
        if ev["body"]:
            detail.append(ev["body"]["name"])
        if ev["decision"]:
            detail.append(ev["decision"]["name"])
        if ev["planned"]:
            detail.append(tr(lang, "planlagt", "planned"))
        if ev["example"]:
            detail.append(layout.t(lang, "example"))
        items.append(
            (
                when or "9999",
                pictures.TimelineItem(
                    key=ev["iri"],
                    when=label,
                    sort=when or "",
                    title=f"{ev['kind_name']}: {ev['name']}",
                    detail=" · ".join(detail),
                    planned=ev["planned"],
                    past=ev["happened"] or (not ev["upcoming"] and not ev["planned"]),
                ),
            )
        )
    for d in found["decisions"]:
        if d["iri"] in in_events:
            continue
        when = d["date"]
        items.append(
            (
                when or "9999",
                pictures.TimelineItem(
                    key=d["iri"],
                    when=_date(when, lang) if when else tr(lang, "uten dato", "no date"),
                    sort=when or "",
                    title=tr(lang, "Vedtak", "Decision") + f": {d['name']}",
                    detail=d["body"]["name"] if d["body"] else "",
                    planned=False,
                    past=True,
                ),
            )
        )
    items.sort(key=lambda item: (item[0], item[1].title))
    today = found["on"]
    index = next(
        (i for i, (key, _) in enumerate(items) if key > today and key != "9999"), len(items)
    )
    return [item for _, item in items], index


def _date(iso: str, lang: Lang) -> str:
    parsed = portfolio.PartialDate.parse(iso)
    return parsed.label(lang) if parsed else iso


def _html(data: PageData, found: dict[str, Any]) -> str:
    lang = data.lang
    item = found["plan"]
    base = data.context.settings.base_iri
    params = url("", data.params())

    def links(refs: list[dict[str, str]]) -> str:
        return refs_html(refs, data) or "—"

    period = item["period"]
    period_text = (
        "—"
        if period["from"] is None and period["to"] is None
        else f"{period['from'] or ''}–{period['to'] or ''}"
    )
    facts = [
        (tr(lang, "Plantype", "Kind"), e(item["kind"]["name"])),
        (tr(lang, "Lovgrunnlag", "Legal basis"), links(found["legal_basis"])),
        (tr(lang, "Eier", "Owner"), links(item["owners"])),
        ("Status", status_html(item, lang, found["on"])),
        (tr(lang, "Periode", "Period"), e(period_text)),
        (
            tr(lang, "Kommune", "Municipality"),
            links([item["municipality"]]) if item["municipality"] else "—",
        ),
        (tr(lang, "Erstatter", "Replaces"), links(found["replaces"])),
        (tr(lang, "Erstattes av", "Replaced by"), links(item["successors"])),
    ]
    if found["pages"]:
        facts.append(
            (
                tr(lang, "Nettside", "Web page"),
                " ".join(layout.link(p, p, base) for p in found["pages"]),
            )
        )
    fact_html = "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in facts)
    # Up: the chain of plans to the master plan.
    chain = "".join(
        f"<li>{layout.link(link['source']['iri'], link['source']['name'], base, params=params)} "
        f"— <em>{e(link['link_name'])}</em> → "
        f"{layout.link(link['target']['iri'], link['target']['name'], base, params=params)}</li>"
        for link in found["traces_to"]
    )
    down = "".join(
        f"<li>{layout.link(link['source']['iri'], link['source']['name'], base, params=params)} "
        f"— <em>{e(link['link_name'])}</em></li>"
        for link in found["built_on_by"]
    )
    rows, hidden = _tree_rows(found, data)
    tree_title = tr(
        lang, f"Den røde tråden gjennom {item['name']}", f"The red thread through {item['name']}"
    )
    tree_desc = tr(
        lang,
        "Et tre: samfunnsdelens visjon og satsingsområder øverst, så målene, strategiene og "
        "tiltakene som sporer til dem. Et tiltak har eier og status; brudd er merket med "
        "stiplet rød ramme og tekst. Listen under viser det samme.",
        "A tree: the social part's vision and focus areas at the top, then the goals, "
        "strategies and measures that trace to them. A measure has its owner and status; "
        "breaks have a dashed red border and say so. The list below gives the same.",
    )
    breaks = [r for r in rows if r.breaks and not r.repeat]
    if rows:
        svg = pictures.tree(
            title=tree_title,
            desc=tree_desc,
            rows=rows,
            repeat_text=tr(lang, "se over", "see above"),
        )
        tree_html = (
            f'<figure class="thread">{svg}<figcaption>{e(tree_desc)}</figcaption></figure>'
            + (
                f"<p>{e(tr(lang, f'… og {hidden} til', f'… and {hidden} more'))}</p>"
                if hidden
                else ""
            )
            + f'<details class="alt"><summary>{e(tr(lang, "Treet som liste", "The tree as a list"))}</summary>'
            f"{_tree_list(rows, lang)}</details>"
            + (
                f'<p class="warn">{e(tr(lang, f"{len(breaks)} brudd i tråden", f"{len(breaks)} breaks in the thread"))}</p>'
                if breaks
                else ""
            )
        )
    else:
        tree_html = f"<p>{e(tr(lang, 'Planen har ingen mål, strategier eller tiltak i registeret.', 'The register holds no goals, strategies or measures of this plan.'))}</p>"
    timeline_items, today_index = _timeline(found, lang)
    if timeline_items:
        time_title = tr(lang, f"Tidslinje for {item['name']}", f"Timeline of {item['name']}")
        time_desc = tr(
            lang,
            "Hendelser og vedtak ovenfra og ned, eldst først. Fylt prikk: har skjedd; "
            "åpen prikk: planlagt eller kommende. Den stiplede linjen er dagen siden teller fra.",
            "Events and decisions from the top down, oldest first. A filled dot: it happened; "
            "an open dot: planned or ahead. The dashed line is the day the page counts from.",
        )
        time_svg = pictures.timeline(
            title=time_title,
            desc=time_desc,
            items=timeline_items,
            today_label=tr(
                lang, f"i dag ({_date(found['on'], lang)})", f"today ({_date(found['on'], lang)})"
            )
            if not data.on_given
            else _date(found["on"], lang),
            today_index=today_index,
        )
        listed = "".join(
            f"<li><strong>{e(i.when)}</strong> — {e(i.title)}"
            + (f' <small class="muted">({e(i.detail)})</small>' if i.detail else "")
            + "</li>"
            for i in timeline_items
        )
        time_html = (
            f'<figure class="time">{time_svg}<figcaption>{e(time_desc)}</figcaption></figure>'
            f'<details class="alt"><summary>{e(tr(lang, "Tidslinjen som liste", "The timeline as a list"))}</summary>'
            f'<ol class="timeline">{listed}</ol></details>'
        )
    else:
        time_html = f"<p>{e(tr(lang, 'Ingen hendelser eller vedtak er registrert.', 'No events or decisions are recorded.'))}</p>"
    backlinks = "".join(
        f"<li>{layout.link(b['iri'], b['name'], base, params=params)} — {e(', '.join(b['links']))}</li>"
        for b in found["linked_from"]
    )
    sources = "".join(
        f"<li>{layout.link(s['iri'], s['name'], base)}"
        + (
            f" ({layout.link(s['page'], tr(lang, 'nettside', 'web page'), base)})"
            if s["page"]
            else ""
        )
        + "</li>"
        for s in found["sources"]
    )
    title = item["title"] if item["title"] and item["title"] != item["name"] else ""
    body = (
        (f'<p class="lead">{e(title)}</p>' if title else "")
        + layout.examples_banner(
            lang,
            found["links"]["html"].split("?")[0],
            data.params(),
            data.examples,
            data.examples_available,
        )
        + f'<dl class="facts">{fact_html}</dl>'
        + f"<h2>{e(tr(lang, 'Den røde tråden', 'The red thread'))}</h2>"
        + (
            f"<p>{e(tr(lang, 'Planen sporer til', 'The plan traces to'))}:</p><ul>{chain}</ul>"
            if chain
            else f"<p>{e(tr(lang, 'Planen har ingen oppgitt kobling til en overordnet plan.', 'The plan has no stated link to a plan above it.'))}</p>"
        )
        + (
            f"<p>{e(tr(lang, 'Planer som bygger på denne', 'Plans that build on this one'))}:</p><ul>{down}</ul>"
            if down
            else ""
        )
        + tree_html
        + f"<h2>{e(tr(lang, 'Tidslinje', 'Timeline'))}</h2>{time_html}"
        + (
            f"<h2>{e(tr(lang, 'Lenker hit', 'Linked from'))}</h2><ul>{backlinks}</ul>"
            if backlinks
            else ""
        )
        + (f"<h2>{e(tr(lang, 'Kilder', 'Sources'))}</h2><ul>{sources}</ul>" if sources else "")
        + f'<p class="muted"><a href="{e(found["links"]["properties"])}">'
        f"{e(tr(lang, 'Alle egenskaper', 'Every property'))}</a> · "
        f'<a href="{e(found["links"]["turtle"])}">Turtle</a></p>'
    )
    return layout.page(
        title=item["name"],
        body=body,
        lang=lang,
        path=found["links"]["html"].split("?")[0],
        params=data.params(),
        twins={"JSON": found["links"]["json"]},
    )


def for_browser(request: Request, iri: str) -> Response | None:
    """The page of ``iri`` if it is a plan document (None: any other resource, for the Linked
    Data route to describe). Blocks its thread: call it from a plain ``def`` handler."""
    if request.query_params.get("view") == "properties":
        return None
    try:
        return answer(request, "html", lambda d: _profile(d, iri), _html)
    except NotAPlan:
        return None


@router.get("/id/{rest:path}.json", include_in_schema=False)
def plan_json_twin(request: Request, rest: str) -> Response:
    """A plan page's data (JSON); a 404 for an IRI that is not a plan document."""
    iri = context_of(request).settings.base_iri + "id/" + rest

    def build(data: PageData) -> dict[str, Any]:
        try:
            return _profile(data, iri)
        except NotAPlan:
            raise ProtocolError(
                404, f"<{iri}> is not a plan document: its description is at ?format=jsonld"
            ) from None

    return answer(request, "json", build, _html)
