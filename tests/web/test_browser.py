"""The ``/sparql`` page in a real browser: headless Chromium renders YASGUI from this server and
opens one ready tab per named query."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import httpx

from plangraph import library
from tests.support.pages import chromium
from tests.support.server import Server

_TAB = re.compile(r'<a\b[^>]*\brole="tab"[^>]*>\s*<span>([^<]*)</span>')


def rendered(url: str, profile: Path) -> str:
    """The DOM of ``url`` once the page's scripts have run, as headless Chromium dumps it."""
    return chromium(["--virtual-time-budget=10000", "--dump-dom", url], profile).stdout


def tab_names(dom: str) -> list[str]:
    return [unescape(name) for name in _TAB.findall(dom)]


def test_the_sparql_page_opens_a_ready_tab_for_every_named_query(
    bergen: Server, tmp_path: Path
) -> None:
    named = library.named_queries()
    expected = ["Plans by kind", "Graphs", *(query.name for query in named)]

    dom = rendered(bergen.sparql, tmp_path / "profile")
    assert tab_names(dom) == expected
    # The first tab is shown, its editor holding its query.
    assert "CodeMirror-line" in dom and "pg:planKind" in dom

    # Each tab's query is the named query, its required parameters bound to their examples.
    page = httpx.get(bergen.sparql, headers={"Accept": "text/html"}).text
    found = re.search(r'<script type="application/json" id="plangraph-config">(.*?)</script>', page)
    assert found is not None
    tabs = {tab["name"]: tab["query"] for tab in json.loads(found.group(1))["tabs"]}
    for query in named:
        required = {p.name: p.example for p in query.parameters if not p.optional}
        assert tabs[query.name] == query.bind(required)

    # A second visit finds the tabs it left (kept by the browser), not a second set of them.
    again = rendered(bergen.sparql, tmp_path / "profile")
    assert tab_names(again) == expected
