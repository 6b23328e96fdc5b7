"""The public pages in a real browser: headless Chromium renders each page from a running
server; the tests read the rendered DOM (links, table rows, the pictures' nodes and cells) and
check a screenshot of each page for its size and for content."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from tests.support.pages import dom, screenshot
from tests.support.server import Server

BK = "https://w3id.org/plangraph/id/4601/"


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'<a\b[^>]*\bhref="([^"]*)"', html)]


def texts(html: str, css_class: str) -> list[str]:
    """The text of every element whose class list holds ``css_class``."""
    found = re.findall(
        rf'<(\w+)\b[^>]*\bclass="(?:[^"]*\s)?{re.escape(css_class)}(?:\s[^"]*)?"[^>]*>(.*?)</\1>',
        html,
        re.S,
    )
    return [unescape(re.sub(r"<[^>]+>", "", inner)).strip() for _, inner in found]


PAGES = [
    ("/", "Planene i kommunen"),
    ("/plans?on=2024-06-01", "Planoversikten"),
    ("/plans/under-way?on=2024-05-13", "Pågående planarbeid"),
    ("/sdg?examples=1", "Bærekraftsmål"),
    ("/id/4601/plan-kps-bergen-2030?examples=1&on=2024-06-01", "Bergen 2030"),
]


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_each_page_renders_with_content(
    pages: Server, tmp_path: Path, path: str, heading: str
) -> None:
    html = dom(pages.url + path, tmp_path / "profile")
    assert f"<h1>{heading}</h1>" in html
    picture = screenshot(pages.url + path, tmp_path / "profile", tmp_path / "page.png")
    assert (picture.width, picture.height) == (1280, 1600)
    # Not blank: many different rows of pixels, and a good part of the page not background.
    assert picture.distinct_rows > 150, picture
    assert picture.content_share > 0.15, picture


def test_the_front_page_in_the_browser_leads_everywhere(pages: Server, tmp_path: Path) -> None:
    html = dom(pages.url + "/", tmp_path / "profile")
    links = hrefs(html)
    for path in ("/plans", "/plans/under-way", "/sdg", "/queries?lang=nb", "/sparql"):
        assert path in links
    # The counts the page shows are those of its JSON twin.
    assert re.search(r'<p class="count">\d+ planer</p>', html)


def test_the_overview_in_the_browser(pages: Server, tmp_path: Path) -> None:
    html = dom(pages.url + "/plans?size=500&on=2024-06-01", tmp_path / "profile")
    rows = re.findall(r"<tr><td>(.*?)</td>", html, re.S)
    names = [unescape(re.sub(r"<[^>]+>", "", row.split("<br>")[0])).strip() for row in rows]
    assert "Ny skolebruksplan" in names and "Bergen 2030" in names
    # The hostile plan's title is text on the page, not markup the browser ran.
    assert '<script>alert("plan")</script> &amp; <b>bold</b>' not in html
    assert 'alert("plan")' in unescape(html)
    assert "<b>bold</b>" not in html
    assert "ikke bekreftet siden 1. januar 2022" in " ".join(texts(html, "warn"))
    # Every plan's name links to its page on this server.
    assert "/id/4601/plan-skolebruksplan-ny?on=2024-06-01" in hrefs(html)


def test_the_plan_work_under_way_in_the_browser(pages: Server, tmp_path: Path) -> None:
    html = dom(pages.url + "/plans/under-way?on=2024-05-13", tmp_path / "profile")
    sections = {
        match[0]: match[1]
        for match in re.findall(
            r'<section class="card work" id="([^"]+)">(.*?)</section>', html, re.S
        )
    }
    barnehage = sections["plan-sammen-for-kvalitet-lek-og-medvirkning"]
    assert texts(barnehage, "when")[:1] == ["12. juni 2024"]  # the next milestone, in bold
    items = re.findall(r"<li[^>]*>(.*?)</li>", barnehage, re.S)
    assert len(items) == 3
    skole = sections["plan-skolebruksplan-ny"]
    milestones = [
        unescape(re.sub(r"<[^>]+>", "", i)) for i in re.findall(r"<li[^>]*>(.*?)</li>", skole, re.S)
    ]
    assert [m.split(" — ")[0] for m in milestones] == ["juni 2024", "mai 2025", "desember 2025"]
    assert all("planlagt" in m for m in milestones)
    assert "/plans/under-way.ics" in " ".join(hrefs(html))


def test_the_heatmap_in_the_browser(pages: Server, tmp_path: Path) -> None:
    html = dom(pages.url + "/sdg?examples=1", tmp_path / "profile")
    svg = html[html.index("<svg") : html.index("</svg>")]
    cells = re.findall(
        r'<g class="cell" data-goal="(\d+)" data-row="([^"]+)" data-count="(\d+)"', svg
    )
    assert len(cells) == 2 * 17
    counts = {(goal, row): int(n) for goal, row, n in cells}
    assert counts[("4", BK + "plan-skyfritt")] == 3
    assert counts[("16", BK + "plan-skyfritt")] == 1
    assert counts[("4", BK + "plan-spor-oss-handlingsplan")] == 1
    # The cells with elements link to them; the goals have their Norwegian names.
    assert any(h.startswith("/sdg/16?examples=1&plan=") for h in hrefs(svg))
    assert "<title>16: Fred, rettferdighet og velfungerende institusjoner</title>" in svg


def test_bergen_2030s_tree_in_the_browser(pages: Server, tmp_path: Path) -> None:
    html = dom(pages.url + "/id/4601/plan-kps-bergen-2030?examples=1", tmp_path / "profile")
    nodes = re.findall(
        r'<g class="node" data-iri="([^"]+)" data-kind="(\w+)" data-depth="(\d+)"', html
    )
    kinds = [kind for _, kind, _ in nodes]
    assert kinds[0] == "Vision" and kinds.count("FocusArea") == 9
    assert kinds.count("Measure") == 5
    depth = {iri: int(d) for iri, _, d in nodes}
    assert depth[BK + "focus-bergen-2030-trygg"] == 2  # vision, its half ATTRAKTIV
    # It contributes to the focus area directly: one level below it.
    assert depth[BK + "example-measure-skyfritt-meldeknapp"] == 3
    # Each node links to its own page; the picture says what it is.
    assert "/id/4601/focus-bergen-2030-trygg?examples=1" in hrefs(html)
    assert 'aria-labelledby="tree-title tree-desc"' in html
    # The plan's page without the examples, in English.
    english = dom(pages.url + "/id/4601/plan-kps-bergen-2030?lang=en", tmp_path / "profile")
    assert '<html lang="en">' in english and "The red thread" in english
    assert "Eksempel" not in english
