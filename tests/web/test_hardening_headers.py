"""Security headers (issue 19, item 10): on every page, and a Content-Security-Policy that the
pages and YASGUI work under in a real browser (headless Chromium reports no violation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from plangraph.web.routes import yasgui
from tests.support.pages import chromium
from tests.support.server import Server

PAGES = [
    "/",
    "/plans",
    "/sdg",
    "/queries",
    "/queries/goals-and-indicators",
    "/validate",
    "/catalog",
]


@pytest.mark.parametrize("path", ["/sparql", *PAGES, "/no/such/page", "/health"])
def test_every_answer_carries_the_security_headers(bergen_app: Server, path: str) -> None:
    with bergen_app.client() as client:
        r = client.get(path, headers={"Accept": "text/html"})
    assert r.status_code in (200, 404), (path, r.status_code)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    policy = {
        name: value
        for name, _, value in (
            part.strip().partition(" ") for part in r.headers["content-security-policy"].split(";")
        )
    }
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == f"'self' {yasgui.SCRIPT_HASH}"  # no 'unsafe-inline'
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert r.headers.get_list("content-security-policy") == [r.headers["content-security-policy"]]


def console(url: str, profile: Path) -> tuple[str, list[str]]:
    """The DOM of ``url`` once its scripts ran in headless Chromium, and what the page wrote to
    the browser's console (where a Content-Security-Policy violation is reported)."""
    done = chromium(
        ["--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", "--dump-dom", url],
        profile,
    )
    lines = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return done.stdout, lines


def test_yasgui_and_the_pages_work_under_the_policy(bergen: Server, tmp_path: Path) -> None:
    dom, messages = console(bergen.sparql, tmp_path / "profile")
    assert 'role="tab"' in dom and "CodeMirror-line" in dom, "YASGUI did not run"
    assert not messages, messages
    for path in PAGES:
        dom, messages = console(bergen.url + path, tmp_path / "profile")
        assert "</html>" in dom, path
        assert not [m for m in messages if "Content Security Policy" in m], (path, messages)


def test_the_browser_does_report_a_violation(bergen: Server, tmp_path: Path) -> None:
    """The check above would see a violation: a page whose inline script is not the one the
    policy allows is refused, and the console says so."""
    page = tmp_path / "page.html"
    policy = f"script-src 'self' {yasgui.SCRIPT_HASH}"
    page.write_text(
        f'<!doctype html><meta http-equiv="Content-Security-Policy" content="{policy}">'
        '<body><script>document.body.append("ran")</script></body>',
        encoding="utf-8",
    )
    dom, messages = console(page.as_uri(), tmp_path / "profile")
    assert "ran" not in dom.split("<script>")[0]
    assert any("Content Security Policy" in m for m in messages), messages
