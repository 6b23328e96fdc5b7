"""The public pages over HTTP: the front page, the plan overview with its filters, paging and
twins, the plan work under way and its feeds, the SDG heatmap and a plan's page.

The server (see ``tests/support/pages.py``) holds Bergen's register, the illustrative examples,
a hostile plan whose texts are markup, and the inferences. What the pages should show is read
from the data files themselves, not from the code under test.
"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from typing import Any

import pyoxigraph as ox
import pytest

from tests.support.pages import HOSTILE_PLAN
from tests.support.paths import ROOT
from tests.support.server import Server

BK = "https://w3id.org/plangraph/id/4601/"
PG = "https://w3id.org/plangraph/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _bergen() -> ox.Store:
    store = ox.Store()
    for name in ("plans", "organisation"):
        store.load(path=ROOT / "data" / "bergen" / f"{name}.ttl", format=ox.RdfFormat.TURTLE)
    return store


BERGEN = _bergen()


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
    for path in ("/plans", "/queries", "/validate", "/catalog"):
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
