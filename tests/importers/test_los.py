"""The Los importer: the theme structure's main themes and *Planer*, read from Digdir's own
RDF files saved in the repository, and bad answers."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph.importers import base, los
from plangraph.importers.errors import UnexpectedResponse
from plangraph.store import PlanStore
from tests.support.paths import ROOT

SAVED = ROOT / "data" / "saved" / "los" / "tema"
FILES = [SAVED / f"{slug}.rdf" for slug in los.THEMES]
SKOS = "http://www.w3.org/2004/02/skos/core#"


@pytest.fixture(scope="module")
def themes() -> list[ox.Triple]:
    return los.parse_themes([f.read_bytes() for f in FILES], los.THEMES)


def _objects(triples: list[ox.Triple], subject: ox.NamedNode, predicate: str) -> set[str]:
    return {
        t.object.value for t in triples if t.subject == subject and t.predicate.value == predicate
    }


def test_the_fourteen_main_themes_are_top_concepts_of_the_structure(
    themes: list[ox.Triple],
) -> None:
    tops = {
        t.subject.value
        for t in themes
        if t.predicate.value == SKOS + "topConceptOf"
        and t.object.value == "https://psi.norge.no/los/struktur"
    }
    assert tops == {f"https://psi.norge.no/los/tema/{s}" for s in los.MAIN_THEMES}
    assert len(tops) == 14


def test_a_theme_has_its_names_in_three_languages(themes: list[ox.Triple]) -> None:
    school = los.theme_iri("skole-og-utdanning")
    names = {
        (t.object.value, t.object.language)
        for t in themes
        if t.subject == school
        and t.predicate.value == SKOS + "prefLabel"
        and isinstance(t.object, ox.Literal)
    }
    assert names == {
        ("Skole og utdanning", "nb"),
        ("Skule og utdanning", "nn"),
        ("Schools and education", "en"),
    }
    assert "https://psi.norge.no/los/tema/grunnskole" in _objects(themes, school, SKOS + "narrower")


def test_plans_are_a_sub_theme_of_building_and_property(themes: list[ox.Triple]) -> None:
    plans = los.theme_iri("planer")
    assert _objects(themes, plans, SKOS + "broader") == {
        "https://psi.norge.no/los/tema/bygg-og-eiendom"
    }
    assert "https://psi.norge.no/los/ord/kommuneplan" in _objects(themes, plans, SKOS + "narrower")


# Each body below is MADE UP to stand for a kind of bad answer.
_OTHER_THEME = (SAVED / "arbeid.rdf").read_bytes()
_NO_BOKMAL = _OTHER_THEME.replace(b'xml:lang="nb"', b'xml:lang="da"')


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<!DOCTYPE html><html><title>404</title></html>", "HTML page, not RDF/XML"),
        (b"", "is empty"),
        (b"<rdf:RDF>", "is not RDF/XML"),
        (_OTHER_THEME, "does not describe https://psi.norge.no/los/tema/naring"),
        (_NO_BOKMAL.replace(b"/arbeid", b"/naring"), "no name in bokm"),
    ],
)
def test_a_bad_answer_names_the_theme_and_what_is_wrong(body: bytes, message: str) -> None:
    with pytest.raises(UnexpectedResponse, match="the theme 'naring'") as caught:
        los.parse_theme(body, "naring")
    assert message in str(caught.value)


def test_importing_is_idempotent_and_a_bad_answer_leaves_the_store_as_it_was(
    tmp_path: Path,
) -> None:
    job = los.themes_job()
    assert job.requests[0].url == "https://psi.norge.no/los/tema/arbeid.rdf"
    store = PlanStore.open(tmp_path / "store")
    try:
        first = base.run(job, store, saved=FILES)
        assert first.graph == "https://w3id.org/plangraph/graph/import/los/tema"
        assert base.run(job, store, saved=FILES).unchanged
        broken = tmp_path / "naring.rdf"
        broken.write_bytes(b"<html><title>502</title></html>")  # MADE UP
        files = [broken if f.name == "naring.rdf" else f for f in FILES]
        with pytest.raises(UnexpectedResponse, match="theme 'naring'"):
            base.run(job, store, saved=files)
        assert store.triple_count(job.graph) == first.triples
    finally:
        store.close()


@pytest.mark.live
@pytest.mark.skipif(os.environ.get("PLANGRAPH_LIVE") != "1", reason="set PLANGRAPH_LIVE=1")
def test_live_los_serves_the_themes(tmp_path: Path) -> None:
    store = PlanStore.open(tmp_path / "store")
    try:
        job = los.themes_job()
        base.run(job, store)
        ask = (
            f"ASK {{ GRAPH <{job.graph}> {{ <https://psi.norge.no/los/tema/planer> "
            f"<{SKOS}broader> <https://psi.norge.no/los/tema/bygg-og-eiendom> }} }}"
        )
        assert store.raw.query(ask)
    finally:
        store.close()


def test_the_command_imports_the_saved_themes(tmp_path: Path) -> None:
    from tests.support.paths import run_cli

    store = str(tmp_path / "store")
    done = run_cli("import", "los", "--saved-dir", str(SAVED), "--store", store)
    assert done.returncode == 0, done.stderr
    assert "into import/los/tema" in done.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = run_cli("import", "los", "--saved-dir", str(empty), "--store", store)
    assert missing.returncode == 2
    assert "no arbeid.rdf" in missing.stderr
