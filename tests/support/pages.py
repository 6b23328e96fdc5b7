"""The public pages' tests: a server over Bergen's register with the illustrative examples and a
hostile plan loaded and the inferences made, and headless Chromium to look at the pages.

The store holds the examples graph whatever the default datasets are, so that the pages are
seen leaving it out (and showing it when asked); and the inferences, which include conclusions
drawn from the examples, so that the pages are seen leaving those out too. The hostile plan's
texts are markup (``<script>``…) that every page must show as text; its status, stated as of
2023-06-01, before its period (2020–2023) ended, is not confirmed as of 2024-06-01.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from plangraph import reasoning
from plangraph.namespaces import GRAPH_BASE
from plangraph.store import PlanStore
from tests.support.paths import ROOT
from tests.support.server import Server, serve

EXAMPLES_GRAPH = GRAPH_BASE + "examples/illustrative"
HOSTILE_GRAPH = GRAPH_BASE + "test/hostile"
HOSTILE_PLAN = "https://w3id.org/plangraph/id/test/plan-hostile"
HOSTILE_TITLE = '<script>alert("plan")</script> & <b>bold</b>'
_QUOTED = HOSTILE_TITLE.replace('"', '\\"')
HOSTILE_TTL = f"""
@prefix pg: <https://w3id.org/plangraph/ontology#> .
@prefix pgkind: <https://w3id.org/plangraph/concept/plan-kind/> .
@prefix pgstatus: <https://w3id.org/plangraph/concept/lifecycle-status/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix t: <https://w3id.org/plangraph/id/test/> .
@prefix time: <http://www.w3.org/2006/time#> .

t:plan-hostile a pg:ThemePlan ;
    pg:planKind pgkind:theme-plan ;
    dct:title "{_QUOTED}"@nb ;
    rdfs:label "{_QUOTED}"@nb ;
    pg:owner t:org-hostile ;
    pg:lifecycleStatus pgstatus:under-work ;
    pg:statusAsOf "2023-06-01"^^xsd:date ;
    pg:period [ a time:ProperInterval ;
        time:hasBeginning [ a time:Instant ; time:inXSDgYear "2020"^^xsd:gYear ] ;
        time:hasEnd [ a time:Instant ; time:inXSDgYear "2023"^^xsd:gYear ] ] .

t:org-hostile rdfs:label "<img src=x onerror=alert(1)>"@nb .

t:goal-hostile a pg:Goal ;
    rdfs:label "<script>alert('goal')</script>"@nb ;
    pg:partOfPlan t:plan-hostile .

t:event-hostile a pg:PublicConsultation ;
    rdfs:label "<script>alert('event')</script>"@nb ;
    pg:eventOf t:plan-hostile ;
    pg:startDate "2024-05-01"^^xsd:date ;
    pg:endDate "2024-06-20"^^xsd:date .
"""


@pytest.fixture(scope="session")
def pages_store(tmp_path_factory: pytest.TempPathFactory, loaded_store_path: Path) -> Path:
    """Bergen's register with the examples graph, the hostile plan and the inferences."""
    target = tmp_path_factory.mktemp("pages") / "store"
    shutil.copytree(loaded_store_path, target)
    hostile = target.parent / "hostile.ttl"
    hostile.write_text(HOSTILE_TTL, encoding="utf-8")
    store = PlanStore.open(target)
    store.load(
        [
            (EXAMPLES_GRAPH, ROOT / "data" / "examples" / "illustrative.ttl"),
            (HOSTILE_GRAPH, hostile),
        ]
    )
    reasoning.reason(store)
    store.close()
    return target


@pytest.fixture(scope="session")
def pages(pages_store: Path) -> Iterator[Server]:
    """A server over :func:`pages_store`, shared by the page tests that only read."""
    with serve(pages_store) as server:
        yield server


# ---------------------------------------------------------------------------------------------
# Headless Chromium
# ---------------------------------------------------------------------------------------------

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        f"the browser tests need Chromium or Chrome (looked for {', '.join(BROWSERS)}); "
        "on Debian: apt-get install chromium (.ci/run does this)"
    )


def chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    """Headless Chromium with a profile of its own, run with ``args``; it must succeed."""
    done = subprocess.run(
        [
            browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def dom(url: str, profile: Path) -> str:
    """The DOM of ``url`` as headless Chromium renders it."""
    return chromium(["--virtual-time-budget=5000", "--dump-dom", url], profile).stdout


@dataclass(frozen=True)
class Picture:
    """A screenshot: its size, and how many of its rows of pixels differ (a blank page's rows
    are all alike)."""

    width: int
    height: int
    distinct_rows: int
    plain_rows: int
    """How many rows are the same as the most common row (the background)."""

    @property
    def content_share(self) -> float:
        """The share of rows that are not background."""
        return 1 - self.plain_rows / max(self.height, 1)


def screenshot(
    url: str, profile: Path, out: Path, width: int = 1280, height: int = 1600
) -> Picture:
    """A screenshot of ``url`` in headless Chromium, saved as ``out`` (PNG) and read."""
    chromium(
        [
            f"--window-size={width},{height}",
            "--virtual-time-budget=5000",
            f"--screenshot={out}",
            url,
        ],
        profile,
    )
    return read_png(out.read_bytes())


def read_png(data: bytes) -> Picture:
    """Read an 8-bit, non-interlaced PNG (what Chromium writes): its size and its rows.

    Rows are compared as they are stored (each with its filter), which is enough to tell a
    blank picture (every row the same) from one with content, without decoding every pixel."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at = 8
    width = height = channels = 0
    compressed = bytearray()
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        chunk = data[at + 8 : at + 8 + length]
        at += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and interlace == 0, (depth, interlace)
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
        elif kind == b"IDAT":
            compressed += chunk
        elif kind == b"IEND":
            break
    raw = zlib.decompress(bytes(compressed))
    stride = 1 + width * channels
    assert len(raw) == stride * height, "the PNG's data does not fill its size"
    rows = Counter(raw[i : i + stride] for i in range(0, len(raw), stride))
    return Picture(width, height, len(rows), rows.most_common(1)[0][1])
