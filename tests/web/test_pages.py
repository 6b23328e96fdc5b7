"""The public pages over HTTP: the front page, the plan overview with its filters, paging and
twins, the plan work under way and its feeds, the SDG heatmap and a plan's page.

The server (see ``tests/support/pages.py``) holds Bergen's register, the illustrative examples,
a hostile plan whose texts are markup, and the inferences. What the pages should show is read
from the data files themselves, not from the code under test.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import pyoxigraph as ox
import pytest

from tests.support.pages import HOSTILE_PLAN
from tests.support.paths import ROOT
from tests.support.server import Server
from tests.support.stores import bergen_files

BK = "https://w3id.org/plangraph/id/4601/"
PG = "https://w3id.org/plangraph/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


BERGEN = bergen_files()


def bergen_plans() -> dict[str, dict[str, str]]:
    """Bergen's plans from data/bergen/plans.ttl: IRI → {lang: label}."""
    found: dict[str, dict[str, str]] = {}
    for quad in BERGEN.quads_for_pattern(None, ox.NamedNode(PG + "planKind"), None):
        plan = quad.subject
        assert isinstance(plan, ox.NamedNode)
        labels = found.setdefault(plan.value, {})
        for label in BERGEN.quads_for_pattern(plan, ox.NamedNode(RDFS_LABEL), None):
            assert isinstance(label.object, ox.Literal)
            labels[label.object.language or ""] = label.object.value
    return found


def value_of(plan: str, predicate: str) -> str | None:
    for quad in BERGEN.quads_for_pattern(ox.NamedNode(plan), ox.NamedNode(PG + predicate), None):
        return quad.object.value
    return None


class Links(HTMLParser):
    """The links and the text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href" and v]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def get(server: Server, path: str, expect: int = 200, **params: str) -> Any:
    with server.client() as client:
        response = client.get(path, params=params) if params else client.get(path)
    assert response.status_code == expect, (path, response.text[:500])
    return response


# ---------------------------------------------------------------------------------------------
# /
# ---------------------------------------------------------------------------------------------


def test_the_front_page_leads_to_every_page(pages: Server) -> None:
    html = get(pages, "/").text
    assert '<html lang="nb">' in html
    links = parsed(html).links
    for path in (
        "/plans",
        "/plans/under-way",
        "/sdg",
        "/queries?lang=nb",
        "/sparql",
        "/validate",
        "/catalog",
        "/plans/under-way.ics?lang=nb",
        "/plans/changes.atom?lang=nb",
        "/.json",
    ):
        assert path in links, path
    # Every page it leads to answers.
    for path in ("/plans", "/plans/under-way", "/sdg", "/queries", "/validate", "/catalog"):
        get(pages, path)


def test_the_front_page_counts_what_the_register_holds(pages: Server) -> None:
    data = get(pages, "/.json").json()
    assert data == get(pages, "/index.json").json()
    plans = bergen_plans()
    # Bergen's plans and the hostile one; the examples hold no plan.
    assert data["counts"]["plans"] == len(plans) + 1
    under_way = {p for p in plans if value_of(p, "lifecycleStatus") in _UNDER_WAY}
    assert data["counts"]["under way"] == len(under_way) + 1
    # Bergen's register records no measures: the examples' measures appear only when asked.
    assert data["counts"].get("measures", 0) == 0
    assert not data["examples"] and data["examples_available"]
    with_examples = get(pages, "/.json", examples="1").json()
    assert with_examples["counts"]["measures"] == 5
    assert with_examples["examples"]
    html = get(pages, "/", examples="1").text
    assert "Illustrerende eksempler er tatt med" in html
    assert "Illustrerende eksempler er tatt med" not in get(pages, "/").text


def test_the_front_page_in_english(pages: Server) -> None:
    html = get(pages, "/", lang="en").text
    assert '<html lang="en">' in html
    assert "The plan overview" in html and "Planoversikten" not in html
    # The links keep the language.
    assert "/plans?lang=en" in parsed(html).links
    assert "lang=" in get(pages, "/", expect=400, lang="de").text


_UNDER_WAY = (
    "https://w3id.org/plangraph/concept/lifecycle-status/under-work",
    "https://w3id.org/plangraph/concept/lifecycle-status/consultation",
)


# ---------------------------------------------------------------------------------------------
# /plans
# ---------------------------------------------------------------------------------------------


def all_plans(server: Server, **params: str) -> list[dict[str, Any]]:
    data = get(server, "/plans.json", size="500", **params).json()
    assert data["pages"] == 1
    return list(data["plans"])


def test_the_overview_lists_every_plan_with_kind_owner_status_period_and_successor(
    pages: Server,
) -> None:
    listed = {p["iri"]: p for p in all_plans(pages)}
    plans = bergen_plans()
    assert set(listed) == {*plans, HOSTILE_PLAN}
    html = get(pages, "/plans", size="500").text
    for iri, labels in plans.items():
        assert listed[iri]["name"] == labels["nb"]
        assert f">{labels['nb']}<" in html.replace("&amp;", "&")
        assert listed[iri]["kind"]["iri"] == value_of(iri, "planKind")
        assert (listed[iri]["status"] or {}).get("iri") == value_of(iri, "lifecycleStatus")
        assert listed[iri]["status_as_of"] == value_of(iri, "statusAsOf")
    skole = listed[BK + "plan-skolebruksplan-2021-2030"]
    assert [s["name"] for s in skole["successors"]] == ["Ny skolebruksplan"]
    assert skole["period"] == {"from": 2021, "to": 2030}
    assert [o["name"] for o in skole["owners"]] == ["Byrådsavdeling for barnehage og skole"]
    oppvekst = listed[BK + "plan-strategi-for-oppvekst"]
    assert len(oppvekst["owners"]) == 2
    # In English, the English names.
    english = {p["iri"]: p for p in all_plans(pages, lang="en")}
    for iri, labels in plans.items():
        assert english[iri]["name"] == labels["en"]


def test_the_overview_marks_statuses_not_confirmed(pages: Server) -> None:
    listed = {p["iri"]: p for p in all_plans(pages, on="2024-06-01")}
    # Stated as of more than 24 months before the day counted from.
    assert listed[BK + "plan-hop-2018-2021"]["unconfirmed"] == {
        "since": "2022-01-01",
        "reason": "age",
    }
    assert listed[BK + "plan-sammen-for-kvalitet-spesialpedagogisk-2014-2024"]["unconfirmed"]
    assert listed[BK + "plan-temaplan-landbruk"]["unconfirmed"]["since"] == "2020-09-22"
    # Stated before the end of the plan's own period, which has passed.
    assert listed[HOSTILE_PLAN]["unconfirmed"] == {"since": "2023-06-01", "reason": "period"}
    # Stated within 24 months, and not before a passed end: confirmed.
    assert listed[BK + "plan-kps-bergen-2030"]["unconfirmed"] is None
    assert listed[BK + "plan-hop-2023-2026"]["unconfirmed"] is None
    html = get(pages, "/plans", on="2024-06-01", size="500").text
    assert "ikke bekreftet siden 1. januar 2022" in html
    assert (
        "unconfirmed since 1 January 2022"
        in get(pages, "/plans", on="2024-06-01", size="500", lang="en").text
    )
    # Two and a half years on, none of Bergen's statuses is confirmed any more.
    later = all_plans(pages, on="2026-12-07")
    assert all(p["unconfirmed"] for p in later)


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"kind": "theme-plan"}, lambda p: p["kind"]["code"] == "theme-plan"),
        (
            {"kind": "https://w3id.org/plangraph/concept/plan-kind/action-plan"},
            lambda p: p["kind"]["code"] == "action-plan",
        ),
        ({"status": "under-work"}, lambda p: p["status"]["code"] == "under-work"),
        (
            {"owner": BK + "org-byradsavdeling-helse-omsorg-inkludering"},
            lambda p: (
                BK + "org-byradsavdeling-helse-omsorg-inkludering"
                in [o["iri"] for o in p["owners"]]
            ),
        ),
        (
            {"period": "2024"},
            lambda p: (
                (p["period"]["from"], p["period"]["to"]) != (None, None)
                and (p["period"]["from"] or 0) <= 2024 <= (p["period"]["to"] or 9999)
            ),
        ),
        ({"q": "skolebruksplan"}, lambda p: "skolebruksplan" in p["name"].casefold()),
    ],
)
def test_each_filter_keeps_the_plans_it_names(
    pages: Server, params: dict[str, str], check: Any
) -> None:
    every = all_plans(pages)
    kept = all_plans(pages, **params)
    assert kept, params
    assert all(check(p) for p in kept), params
    # ... and only those: every plan left out fails the check.
    left_out = [p for p in every if p["iri"] not in {k["iri"] for k in kept}]
    assert not any(check(p) for p in left_out), params


def test_the_title_search_finds_the_kindergarten_quality_plans(pages: Server) -> None:
    found = {p["iri"] for p in all_plans(pages, q="Kvalitetsutviklingsplan barnehager")}
    assert found == {BK + "plan-sammen-for-kvalitet-lek-og-laring-2018-2021"}
    found = {p["iri"] for p in all_plans(pages, q="sammen for kvalitet lek")}
    assert found == {
        BK + "plan-sammen-for-kvalitet-lek-og-laring-2018-2021",
        BK + "plan-sammen-for-kvalitet-lek-og-medvirkning",
    }


def test_the_sdg_filter_sees_the_examples_only_when_asked(pages: Server) -> None:
    assert all_plans(pages, sdg="4") == []
    names = {p["name"] for p in all_plans(pages, sdg="4", examples="1")}
    assert names == {"Skyfritt", "Spør oss! Handlingsplan"}


def test_the_overview_comes_in_pages(pages: Server) -> None:
    first = get(pages, "/plans.json", size="10").json()
    total = first["total"]
    assert first["pages"] == -(-total // 10) and len(first["plans"]) == 10
    seen: list[str] = []
    page = first
    while True:
        seen += [p["iri"] for p in page["plans"]]
        if not page["links"]["next"]:
            break
        page = get(pages, page["links"]["next"].replace("/plans?", "/plans.json?")).json()
    assert len(seen) == len(set(seen)) == total
    html = get(pages, "/plans", size="10", page="2").text
    assert 'rel="prev"' in html and 'rel="next"' in html
    error = get(pages, "/plans.json", expect=404, size="10", page="99").json()["error"]
    assert "page=99" in error and f"{first['pages']} pages" in error


def test_the_csv_twin_holds_every_matching_plan(pages: Server) -> None:
    response = get(pages, "/plans.csv", status="under-work")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    expected = {p["iri"] for p in all_plans(pages, status="under-work")}
    assert {r["plan"] for r in rows} == expected
    ny = next(r for r in rows if r["plan"] == BK + "plan-skolebruksplan-ny")
    assert ny["name"] == "Ny skolebruksplan"
    assert ny["status_name"] == "under arbeid"
    assert ny["owner_names"] == "Byrådsavdeling for barnehage og skole"


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"sdg": "18"}, "sdg="),
        ({"period": "last year"}, "period="),
        ({"page": "0"}, "page="),
        ({"size": "100000"}, "size="),
        ({"colour": "red"}, "colour"),
        ({"on": "2024-13-01"}, "on="),
        ({"examples": "maybe"}, "examples="),
    ],
)
def test_a_parameter_that_does_not_fit_is_refused_by_name(
    pages: Server, params: dict[str, str], named: str
) -> None:
    for path in ("/plans", "/plans.json", "/plans.csv"):
        response = get(pages, path, expect=400, **params)
        assert named in response.text, (path, response.text)


def test_stored_markup_is_shown_as_text(pages: Server) -> None:
    for params in ({}, {"lang": "en", "q": "script"}):
        html = get(pages, "/plans", size="500", **params).text
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;plan&quot;)&lt;/script&gt;" in html
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# ---------------------------------------------------------------------------------------------
# /plans/under-way and its feeds
# ---------------------------------------------------------------------------------------------

LEK_OG_MEDVIRKNING = BK + "plan-sammen-for-kvalitet-lek-og-medvirkning"
SKOLEBRUKSPLAN_NY = BK + "plan-skolebruksplan-ny"


def events_in_file(plan: str) -> set[str]:
    return {
        q.subject.value
        for q in BERGEN.quads_for_pattern(None, ox.NamedNode(PG + "eventOf"), ox.NamedNode(plan))
        if isinstance(q.subject, ox.NamedNode)
    }


def test_the_plan_work_under_way_with_its_milestones(pages: Server) -> None:
    data = get(pages, "/plans/under-way.json", on="2024-05-13").json()
    work = {entry["plan"]["iri"]: entry for entry in data["plans"]}
    plans = bergen_plans()
    expected = {p for p in plans if value_of(p, "lifecycleStatus") in _UNDER_WAY}
    assert set(work) == {*expected, HOSTILE_PLAN}
    # The kindergarten quality plan: on consultation until 12 June, then the draft in
    # September and the treatment in bystyret on 27 November 2024.
    barnehage = work[LEK_OG_MEDVIRKNING]
    assert {e["iri"] for e in barnehage["events"]} == events_in_file(LEK_OG_MEDVIRKNING)
    assert [e["key_date"] for e in barnehage["events"]] == ["2024-06-12", "2024-09", "2024-11-27"]
    assert barnehage["next"]["key_date"] == "2024-06-12" and barnehage["next"]["deadline"]
    # The new school use plan: start-up case in June 2024, consultation draft in May 2025,
    # treatment in bystyret in December 2025, all planned.
    skole = work[SKOLEBRUKSPLAN_NY]
    assert {e["iri"] for e in skole["events"]} == events_in_file(SKOLEBRUKSPLAN_NY)
    assert [(e["key_date"], e["planned"]) for e in skole["events"]] == [
        ("2024-06", True),
        ("2025-05", True),
        ("2025-12", True),
    ]
    assert skole["next"]["key_date"] == "2024-06"
    # The nearest milestone first.
    order = [entry["plan"]["iri"] for entry in data["plans"]]
    assert order.index(LEK_OG_MEDVIRKNING) < order.index(SKOLEBRUKSPLAN_NY)
    # Counted from later, the first milestones have passed.
    later = {
        e["plan"]["iri"]: e
        for e in get(pages, "/plans/under-way.json", on="2025-01-01").json()["plans"]
    }
    assert later[SKOLEBRUKSPLAN_NY]["next"]["key_date"] == "2025-05"
    assert later[LEK_OG_MEDVIRKNING]["next"] is None
    html = get(pages, "/plans/under-way", on="2024-05-13").text
    for name in ("Sammen for kvalitet – lek og medvirkning", "Ny skolebruksplan"):
        assert name in html
    assert "12. juni 2024" in html and "desember 2025" in html
    assert "&lt;script&gt;alert(&#x27;event&#x27;)&lt;/script&gt;" in html
    assert "<script>" not in html


def test_the_calendar_imports_into_a_calendar_program(pages: Server) -> None:
    import icalendar  # in the test extra: a missing one is a failure, never a skip

    response = get(pages, "/plans/under-way.ics")
    assert response.headers["content-type"].startswith("text/calendar")
    assert b"\r\n" in response.content
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and "plangraph" in str(calendar["PRODID"])
    events = list(calendar.walk("VEVENT"))
    by_summary = {str(ev["SUMMARY"]): ev for ev in events}
    assert len({str(ev["UID"]) for ev in events}) == len(events)
    # The consultation deadline of the kindergarten quality plan, a day.
    deadline = by_summary["Høringsfrist: Sammen for kvalitet – lek og medvirkning"]
    assert deadline.decoded("DTSTART").isoformat() == "2024-06-12"
    assert deadline.decoded("DTEND").isoformat() == "2024-06-13"
    assert str(deadline["URL"]).endswith("/id/4601/plan-sammen-for-kvalitet-lek-og-medvirkning")
    # Its planned treatment in bystyret.
    bystyret = by_summary["Bergen bystyre (planlagt): Sammen for kvalitet – lek og medvirkning"]
    assert bystyret.decoded("DTSTART").isoformat() == "2024-11-27"
    assert str(bystyret["STATUS"]) == "TENTATIVE"
    # The new school use plan's treatment, planned for a month: the whole month.
    december = by_summary["Bergen bystyre (planlagt) [desember 2025]: Ny skolebruksplan"]
    assert december.decoded("DTSTART").isoformat() == "2025-12-01"
    assert december.decoded("DTEND").isoformat() == "2026-01-01"
    # The hostile plan's consultation: its text, with its comma and markup, read back whole.
    hostile = [ev for ev in events if "bold" in str(ev["SUMMARY"])]
    assert [str(ev["SUMMARY"]) for ev in hostile] == [
        'Høringsfrist: <script>alert("plan")</script> & <b>bold</b>'
    ]
    # Events dated only by a year are left out (the page says so).
    assert not any("Et nystemt Bergen" in s for s in by_summary)
    english = icalendar.Calendar.from_ical(get(pages, "/plans/under-way.ics", lang="en").content)
    assert any(
        str(ev["SUMMARY"]).startswith("Consultation deadline:") for ev in english.walk("VEVENT")
    )


def test_the_changes_feed_is_valid_atom(pages: Server) -> None:
    import feedparser  # in the test extra: a missing one is a failure, never a skip

    response = get(pages, "/plans/changes.atom", on="2024-06-01")
    assert response.headers["content-type"].startswith("application/atom+xml")
    # The elements RFC 4287 requires: feed id, title, updated, an author (or one per entry),
    # a self link; each entry's id, title, updated, and a link or content.
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(response.content)
    assert root.tag == f"{atom}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{atom}{name}") is not None, name
    assert any(link.get("rel") == "self" for link in root.findall(f"{atom}link"))
    entries = root.findall(f"{atom}entry")
    assert entries
    stamps = []
    for entry in entries:
        for name in ("id", "title", "updated"):
            element = entry.find(f"{atom}{name}")
            assert element is not None and element.text, name
        assert re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.findtext(f"{atom}updated") or ""
        )
        stamps.append(entry.findtext(f"{atom}updated"))
        assert entry.find(f"{atom}link") is not None
    assert stamps == sorted(stamps, reverse=True)
    ids = [entry.findtext(f"{atom}id") for entry in entries]
    assert len(ids) == len(set(ids))
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    titles = [entry.title for entry in parsed.entries]
    # Events that happened, statuses stated, plans added; no planned event, no example.
    assert "Skolebruksplan 2021–2030: politisk behandling" in titles
    assert "Sammen for kvalitet – lek og medvirkning: på høring" in titles
    assert "Ny i registeret: Ny skolebruksplan" in titles
    assert not any("Planlagt" in entry.summary for entry in parsed.entries)
    assert not any("Eksempel" in entry.summary for entry in parsed.entries)
    # The hostile plan's title is text in the feed, read back whole.
    assert 'Ny i registeret: <script>alert("plan")</script> & <b>bold</b>' in titles


# ---------------------------------------------------------------------------------------------
# /sdg
# ---------------------------------------------------------------------------------------------


def example_coverage() -> dict[str, dict[int, int]]:
    """From data/examples/illustrative.ttl: plan → goal number → elements addressing it."""
    store = ox.Store()
    store.load(path=ROOT / "data" / "examples" / "illustrative.ttl", format=ox.RdfFormat.TURTLE)
    found: dict[str, dict[int, int]] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(PG + "addressesSdg"), None):
        plan = next(store.quads_for_pattern(quad.subject, ox.NamedNode(PG + "partOfPlan"), None))
        goal = int(quad.object.value.rsplit("/", 1)[-1].split(".")[0])
        cells = found.setdefault(plan.object.value, {})
        cells[goal] = cells.get(goal, 0) + 1
    return found


def nb_goal_names() -> dict[int, str]:
    store = ox.Store()
    store.load(path=ROOT / "data" / "reference" / "sdg-nb.ttl", format=ox.RdfFormat.TURTLE)
    names = {}
    for quad in store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), None
    ):
        names[int(quad.subject.value.rsplit("/", 1)[-1])] = quad.object.value
    return names


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_heatmap_without_examples_shows_the_goals_no_plan_addresses(pages: Server) -> None:
    data = get(pages, "/sdg.json").json()
    assert [g["number"] for g in data["goals"]] == list(range(1, 18))
    assert {g["number"]: g["name"] for g in data["goals"]} == nb_goal_names()
    # Bergen's register links no plan to a goal: only the examples do.
    assert data["rows"] == [] and data["unaddressed"] == list(range(1, 18))
    html = get(pages, "/sdg").text
    assert "Ingen plan i registeret er knyttet til et bærekraftsmål." in html
    assert "Utrydde fattigdom" in html


def test_the_heatmap_counts_the_elements_behind_each_cell(pages: Server) -> None:
    expected = example_coverage()
    data = get(pages, "/sdg.json", examples="1").json()
    assert {r["iri"]: {int(n): c for n, c in r["cells"].items()} for r in data["rows"]} == expected
    for row in data["rows"]:
        for number, link in row["links"].items():
            behind = get(pages, link.replace(f"/sdg/{number}?", f"/sdg/{number}.json?")).json()
            assert len(behind["elements"]) == row["cells"][number]
            assert {e["plan"]["iri"] for e in behind["elements"]} == {row["iri"]}
            assert all(e["example"] for e in behind["elements"])
    # By owner: Byrådsavdeling for barnehage og skole owns both plans.
    owners = get(pages, "/sdg.json", examples="1", by="owner").json()["rows"]
    assert [r["iri"] for r in owners] == [BK + "org-bbs"]
    summed: dict[str, int] = {}
    for cells in expected.values():
        for goal, n in cells.items():
            summed[str(goal)] = summed.get(str(goal), 0) + n
    assert owners[0]["cells"] == summed and owners[0]["plans"] == 2
    behind = get(pages, "/sdg/4.json", examples="1", owner=BK + "org-bbs").json()
    assert len(behind["elements"]) == summed["4"]
    assert behind["goal"]["name"] == "God utdanning"
    assert {e["kind"] for e in behind["elements"]} == {"tiltak"}


def test_the_heatmap_picture(pages: Server) -> None:
    html = get(pages, "/sdg", examples="1").text
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    cells = re.findall(
        r'<g class="cell" data-goal="(\d+)" data-row="([^"]+)" data-count="(\d+)" data-fill="(#\w+)" data-ink="(#\w+)">',
        svg,
    )
    assert len(cells) == 2 * 17
    for _, _, _, fill, ink in cells:
        assert contrast(fill, ink) >= 4.5, (fill, ink)
    assert contrast("#8c8c8c", "#ffffff") >= 3  # the cells' borders
    counted = {(goal, row): int(n) for goal, row, n, _, _ in cells if n != "0"}
    assert counted[("4", BK + "plan-skyfritt")] == 3
    # Each counted cell links to the elements behind it.
    assert html.count('<a href="/sdg/4?examples=1&amp;plan=') == 2


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/sdg", {"by": "colour"}, 400),
        ("/sdg/18", {}, 404),
        ("/sdg/4", {"plan": "not an iri"}, 400),
    ],
)
def test_the_sdg_pages_refuse_what_does_not_fit(
    pages: Server, path: str, params: dict[str, str], status: int
) -> None:
    get(pages, path, expect=status, **params)


def test_the_page_colours_pass_wcag_aa() -> None:
    from plangraph.web import layout

    pairs = re.findall(r"\.s-[\w-]+\{background:(#\w{6});color:(#\w{6})\}", layout.STYLE)
    assert len(pairs) == 6
    for background, ink in pairs:
        assert contrast(background, ink) >= 4.5, (background, ink)
    for ink in ("#1a1a1a", "#4d4d4d", "#0b5cad", "#8a1c1c"):
        assert contrast(ink, "#ffffff") >= 4.5, ink
    assert contrast("#ffffff", "#12355b") >= 4.5


# ---------------------------------------------------------------------------------------------
# A plan's page
# ---------------------------------------------------------------------------------------------

HTML = {"Accept": "text/html"}


def plan_page(server: Server, local: str, **params: str) -> str:
    with server.client() as client:
        response = client.get(f"/id/4601/{local}", params=params, headers=HTML)
    assert response.status_code == 200, response.text[:300]
    return response.text


def test_bergen_2030s_page_shows_the_plan_and_its_tree_down_to_the_measures(pages: Server) -> None:
    data = get(pages, "/id/4601/plan-kps-bergen-2030.json", examples="1").json()
    assert data["plan"]["name"] == "Bergen 2030"
    assert [r["name"] for r in data["legal_basis"]] == [
        "plan- og bygningsloven § 11-2",
        "plan- og bygningsloven § 11-3",
        "plan- og bygningsloven § 11-4 første ledd",
    ]
    assert [(link["source"]["name"], link["target"]["name"]) for link in data["traces_to"]] == [
        ("Bergen 2030", "Kommuneplanen")
    ]
    built = {link["source"]["iri"] for link in data["built_on_by"]}
    assert {
        BK + "plan-hop-2025-2028",
        BK + "plan-kpa-2018-2030",
        BK + "plan-idrettsplan-2017-2027",
    } <= built
    nodes = {n["iri"]: n for n in data["red_thread"]["nodes"]}
    # The vision and the nine focus areas of data/bergen/plans.ttl ...
    focus = {
        q.subject.value
        for q in BERGEN.quads_for_pattern(None, ox.NamedNode(PG + "realisesVision"), None)
        if q.subject.value.startswith(BK + "focus-bergen-2030")
    }
    assert len(focus) == 9
    assert {i for i, n in nodes.items() if n["kind"] == "FocusArea"} == focus
    assert data["red_thread"]["roots"] == [BK + "vision-bergen-2030"]
    # ... down to every measure that traces to them (here, the examples' measures).
    measures = {i for i, n in nodes.items() if n["kind"] == "Measure"}
    assert measures == {
        BK + "example-measure-skyfritt-kurs-ansatte",
        BK + "example-measure-skyfritt-meldeknapp",
        BK + "example-measure-skyfritt-barnehage-veiledning",
        BK + "example-measure-skyfritt-elevpanel",
        BK + "example-measure-spor-oss-fravaersteam",
    }
    delayed = nodes[BK + "example-measure-skyfritt-meldeknapp"]
    assert delayed["status"]["code"] == "delayed" and delayed["owner"]["name"] == "Etat for skole"
    # Without the examples, the tree stops at the goals: no measure is recorded.
    plain = get(pages, "/id/4601/plan-kps-bergen-2030.json").json()
    assert {n["kind"] for n in plain["red_thread"]["nodes"]} == {"Vision", "FocusArea", "Goal"}
    # The vision's two halves (AKTIV, ATTRAKTIV) stand between it and the nine focus areas,
    # and each focus area is drawn once, under its half.
    plain_nodes = plain["red_thread"]["nodes"]
    assert sum(1 for n in plain_nodes if n["kind"] == "Vision") == 3
    assert sum(1 for n in plain_nodes if n["kind"] == "FocusArea") == 9
    html = plan_page(pages, "plan-kps-bergen-2030", examples="1")
    assert "Illustrerende eksempler er tatt med" in html
    assert html.count('<g class="node"') >= 1 + 9 + 5


def test_a_plan_never_traces_to_itself_and_each_link_is_listed_once(pages: Server) -> None:
    for local in ("plan-skyfritt", "plan-kps-bergen-2030", "plan-spor-oss-strategi"):
        for params in ({}, {"examples": "1"}):
            data = get(pages, f"/id/4601/{local}.json", **params).json()
            me = BK + local
            assert all(link["target"]["iri"] != link["source"]["iri"] for link in data["traces_to"])
            assert all(link["target"]["iri"] != me for link in data["traces_to"])
            assert all(link["source"]["iri"] != me for link in data["built_on_by"])
            assert me not in [b["iri"] for b in data["linked_from"]]
            linked = [b["iri"] for b in data["linked_from"]]
            assert len(linked) == len(set(linked)), linked
            tree = {n["iri"] for n in data["red_thread"]["nodes"]}
            assert not set(linked) & tree  # shown in the tree, not again as a backlink
            html = plan_page(pages, local, **params)
            body = html[html.index("<main>") :]
            for iri in set(linked):
                assert body.count(f'href="{iri.replace("https://w3id.org/plangraph", "")}') <= 2


def test_the_tree_marks_the_breaks(pages: Server) -> None:
    data = get(pages, "/id/4601/plan-spor-oss-strategi.json").json()
    nodes = {n["iri"]: n for n in data["red_thread"]["nodes"]}
    # Spør oss's goals: no measure serves them (without the examples) and they have no way to
    # the social part.
    for goal in (BK + "goal-spor-oss-1", BK + "goal-spor-oss-2"):
        assert set(nodes[goal]["breaks"]) == {"no-measure", "no-social-part"}
    html = plan_page(pages, "plan-spor-oss-strategi")
    assert "ingen tiltak" in html and 'stroke-dasharray="6 3"' in html
    # With the examples, a measure serves goal 1 (and traces to Mangfoldig in Bergen 2030).
    with_examples = get(pages, "/id/4601/plan-spor-oss-strategi.json", examples="1").json()
    goal = next(
        n for n in with_examples["red_thread"]["nodes"] if n["iri"] == BK + "goal-spor-oss-1"
    )
    assert "no-measure" not in goal["breaks"]
    # The hostile plan's goal: a break, and its text shown as text.
    hostile = get(pages, "/id/test/plan-hostile.json").json()
    assert hostile["red_thread"]["nodes"][0]["breaks"] == ["no-measure", "no-social-part"]
    with pages.client() as client:
        html = client.get("/id/test/plan-hostile", headers=HTML).text
    assert "<script>" not in html and "&lt;script&gt;alert(&#x27;goal&#x27;)" in html


def test_the_timeline_of_the_kindergarten_quality_plan(pages: Server) -> None:
    html = plan_page(pages, "plan-sammen-for-kvalitet-lek-og-medvirkning", on="2024-06-01")
    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" class="timeline"') :]
    svg = svg[: svg.index("</svg>")]
    events = re.findall(
        r'<g class="event" data-key="([^"]+)" data-date="([^"]*)" data-planned="(\w+)">', svg
    )
    assert [(d, p) for _, d, p in events] == [
        ("2024-05-13", "false"),
        ("2024-09", "true"),
        ("2024-11-27", "true"),
    ]
    assert {k for k, _, _ in events} == events_in_file(LEK_OG_MEDVIRKNING)
    assert '<g class="today">' in svg and "frist 12. juni 2024" in svg


def test_other_resources_and_rdf_requests_are_as_before(pages: Server) -> None:
    with pages.client() as client:
        turtle = client.get("/id/4601/plan-skyfritt", headers={"Accept": "text/turtle"})
        assert turtle.headers["content-type"].startswith("text/turtle")
        assert "pg:planKind" in turtle.text
        org = client.get("/id/4601/org-bbs", headers=HTML).text
        assert "Egenskaper / Properties" in org
        properties = client.get("/id/4601/plan-skyfritt?view=properties", headers=HTML).text
        assert "Egenskaper / Properties" in properties
        assert client.get("/id/4601/org-bbs.json").status_code == 404
        assert client.get("/id/4601/no-such-plan", headers=HTML).status_code == 404
