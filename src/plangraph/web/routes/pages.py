"""``/``: what plangraph is, and the way in to every page, with counts of what the register holds.

``/.json`` (and ``/index.json``) is the same as data. Handlers are plain ``def``: the counts are
read through the engine on a worker thread, never on the event loop.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from plangraph import __version__
from plangraph.library import portfolio
from plangraph.web import layout
from plangraph.web.layout import e, tr, url
from plangraph.web.page_data import PageData, answer

router = APIRouter()


def _data(data: PageData) -> dict[str, Any]:
    counts = portfolio.counts(data.select, data.today)
    params = data.params()
    lang = data.lang
    return {
        "lang": lang.value,
        "version": __version__,
        "on": data.today.isoformat(),
        "examples": data.examples,
        "examples_available": data.examples_available,
        "counts": counts,
        "links": {
            "plans": url("/plans", params),
            "under_way": url("/plans/under-way", params),
            "calendar": url("/plans/under-way.ics", {"lang": lang.value}),
            "changes": url("/plans/changes.atom", {"lang": lang.value}),
            "sdg": url("/sdg", params),
            "queries": url("/queries", {"lang": lang.value}),
            "sparql": "/sparql",
            "validate": "/validate",
            "catalog": "/catalog",
            "json": url("/.json", params),
        },
    }


def _html(data: PageData, found: dict[str, Any]) -> str:
    lang = data.lang
    counts: dict[str, int] = found["counts"]
    links: dict[str, str] = found["links"]

    def card(target: str, title: str, text: str, count: str = "") -> str:
        number = f'<p class="count">{e(count)}</p>' if count else ""
        return (
            f'<section class="card"><h2><a href="{e(target)}">{e(title)}</a></h2>{number}'
            f"<p>{e(text)}</p></section>"
        )

    plans = counts.get("plans", 0)
    under_way = counts.get("under way", 0)
    unconfirmed = counts.get("unconfirmed", 0)
    cards = [
        card(
            links["plans"],
            tr(lang, "Planoversikten", "The plan overview"),
            tr(
                lang,
                f"Alle plandokumentene med type, eier, status, periode og hva som erstatter dem. "
                f"{unconfirmed} har en status som ikke er bekreftet på 24 måneder.",
                f"Every plan document with kind, owner, status, period and what replaces it. "
                f"{unconfirmed} have a status not confirmed for 24 months.",
            ),
            tr(lang, f"{plans} planer", f"{plans} plans"),
        ),
        card(
            links["under_way"],
            tr(lang, "Pågående planarbeid", "Plan work under way"),
            tr(
                lang,
                "Planer under arbeid eller på høring, med neste milepæl, frist og fase; "
                "høringsfrister og politisk behandling som kalender (iCalendar).",
                "Plans in preparation or on consultation, with the next milestone, deadline "
                "and stage; consultation deadlines and political treatments as a calendar "
                "(iCalendar).",
            ),
            tr(lang, f"{under_way} planer", f"{under_way} plans"),
        ),
        card(
            links["sdg"],
            tr(lang, "Bærekraftsmålene", "The SDGs"),
            tr(
                lang,
                "Hvilke planer og eiere som bidrar til hvilke av FNs 17 bærekraftsmål.",
                "Which plans and owners address which of the UN's 17 goals.",
            ),
        ),
        card(
            links["queries"],
            tr(lang, "Spørsmålene", "The questions"),
            tr(
                lang,
                "Ferdige spørsmål til registeret, som tabell, JSON og CSV: den røde tråden, "
                "planer som skal rulleres, mål uten tiltak …",
                "Ready-made questions to the register, as a table, JSON and CSV: the red "
                "thread, plans due for revision, goals without measures …",
            ),
        ),
        card(
            links["sparql"],
            tr(lang, "SPARQL-editoren", "The SPARQL editor"),
            tr(
                lang,
                "Still egne spørsmål til hele grafen.",
                "Ask the whole graph your own questions.",
            ),
        ),
        card(
            links["validate"],
            tr(lang, "Validering", "Validation"),
            tr(
                lang,
                "Sjekk en plan mot reglene i plan- og bygningsloven og datamodellen.",
                "Check a plan against the rules of the Planning and Building Act and the data "
                "model.",
            ),
        ),
        card(
            links["catalog"],
            tr(lang, "Datakatalogen", "The data catalogue"),
            tr(
                lang,
                "Datasettene (DCAT-AP-NO) med lisens og nedlasting.",
                "The datasets (DCAT-AP-NO) with licence and download.",
            ),
        ),
    ]
    held = [
        (tr(lang, "planer", "plans"), counts.get("plans", 0)),
        (tr(lang, "satsingsområder", "focus areas"), counts.get("focus areas", 0)),
        (tr(lang, "mål", "goals"), counts.get("goals", 0)),
        (tr(lang, "strategier", "strategies"), counts.get("strategies", 0)),
        (tr(lang, "tiltak", "measures"), counts.get("measures", 0)),
        (tr(lang, "hendelser", "events"), counts.get("events", 0)),
        (tr(lang, "politiske saker", "political cases"), counts.get("decisions", 0)),
    ]
    held_text = ", ".join(f"{n} {e(what)}" for what, n in held)
    body = (
        '<p class="lead">'
        + e(
            tr(
                lang,
                "plangraph er en åpen kunnskapsgraf over kommunenes plansystem: planstrategien, "
                "kommuneplanens samfunnsdel og arealdel, de tematiske planene og handlings- og "
                "økonomiplanen, med mål, strategier og tiltak, vedtak og hendelser, og kilden "
                "til hvert faktum. Her ser du planene, planarbeidet som pågår og den røde "
                "tråden fra samfunnsdelen til tiltakene.",
                "plangraph is an open knowledge graph of the municipal plan system: the "
                "planning strategy, the master plan's social and land-use parts, the thematic "
                "plans and the action and economic plan, with goals, strategies and measures, "
                "decisions and events, and the source of every fact. Here you find the plans, "
                "the plan work under way and the red thread from the social part to the "
                "measures.",
            )
        )
        + "</p>"
        + layout.examples_banner(lang, "/", data.params(), data.examples, data.examples_available)
        + f"<p>{e(tr(lang, 'Registeret har', 'The register holds'))} {held_text}.</p>"
        + f'<div class="cards">{"".join(cards)}</div>'
        + f"<h2>{e(tr(lang, 'Følg med', 'Follow'))}</h2><ul>"
        + f'<li><a href="{e(links["calendar"])}">'
        + e(
            tr(
                lang,
                "Kalender med høringsfrister og politisk behandling (iCalendar)",
                "Calendar of consultation deadlines and political treatments (iCalendar)",
            )
        )
        + f'</a></li><li><a href="{e(links["changes"])}">'
        + e(tr(lang, "Endringer i registeret (Atom)", "Changes to the register (Atom)"))
        + "</a></li></ul>"
    )
    return layout.page(
        title=tr(lang, "Planene i kommunen", "The municipality's plans"),
        body=body,
        lang=lang,
        path="/",
        params=data.params(),
        twins={"JSON": links["json"]},
        feeds={"iCalendar": links["calendar"], "Atom": links["changes"]},
    )


@router.get("/", include_in_schema=False)
def home(request: Request) -> Response:
    """The front page."""
    return answer(request, "html", _data, _html)


@router.get("/.json", include_in_schema=False)
@router.get("/index.json", include_in_schema=False)
def home_json(request: Request) -> Response:
    """The front page's data."""
    return answer(request, "json", _data, _html)
