"""The ontology's HTML documentation is generated from the ontology and covers all of it."""

from __future__ import annotations

import html
from pathlib import Path

from rdflib import Graph

from plangraph import resources
from plangraph.publish import ontodoc
from tests.support.paths import run_cli


def test_every_term_is_documented_in_both_languages(tmp_path: Path) -> None:
    graph = Graph().parse(resources.ontology_file(), format="turtle")
    written = ontodoc.write(tmp_path)
    pages = {p.name: p.read_text(encoding="utf-8") for p in written}
    assert set(pages) == {"index.html", "index.nb.html"}
    terms = ontodoc.terms(graph)
    assert len(terms) > 80
    for term in terms:
        anchor = f'id="{term.iri.rsplit("#", 1)[1]}"'
        assert anchor in pages["index.html"]
        assert anchor in pages["index.nb.html"]
        assert html.escape(term.definitions["en"]) in pages["index.html"]
        assert html.escape(term.definitions["nb"]) in pages["index.nb.html"]
    assert '<html lang="nb">' in pages["index.nb.html"]
    assert "Underklasse av" in pages["index.nb.html"]


def test_the_docs_follow_the_ontology(tmp_path: Path) -> None:
    """A term added to the ontology appears in the pages: they are generated, not written."""
    ontology = tmp_path / "extended.ttl"
    ontology.write_text(
        resources.ontology_file().read_text(encoding="utf-8")
        + '\npg:Probe a owl:Class ; rdfs:label "prøve"@nb, "probe"@en ;'
        ' skos:definition "En prøve."@nb, "A probe."@en .\n',
        encoding="utf-8",
    )
    (page,) = [p for p in ontodoc.write(tmp_path / "out", ontology) if p.name == "index.html"]
    assert 'id="Probe"' in page.read_text(encoding="utf-8")


def test_the_cli_writes_the_docs(tmp_path: Path) -> None:
    result = run_cli("docs", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "index.html").is_file()
    assert (tmp_path / "index.nb.html").is_file()


def test_the_build_generated_the_docs() -> None:
    """``pip install`` ran the build hook, which wrote the pages beside the checkout."""
    built = resources.root() / "docs" / "ontology" / "index.html"
    assert built.is_file()
    assert "pg:ThemePlan" in built.read_text(encoding="utf-8")


def test_characteristics_and_defined_classes_read_right(tmp_path: Path) -> None:
    """A property's characteristics are named (not a broken prefix), and a class defined by a
    hasValue restriction is told by the restriction's property: goals by their scope, plans by
    their kind."""
    pages = {p.name: p.read_text(encoding="utf-8") for p in ontodoc.write(tmp_path)}
    english, norwegian = pages["index.html"], pages["index.nb.html"]
    assert "<th>Characteristics</th><td>FunctionalProperty</td>" in english
    assert "<th>Egenskaper</th><td>TransitiveProperty</td>" in norwegian
    assert "://www.w3.org/2002/07/owl#" not in english.split("<h2>", 1)[1].replace(
        'href="http://www.w3.org/2002/07/owl#', ""
    )

    def section(page: str, local: str) -> str:
        return page.split(f'id="{local}"', 1)[1].split("</section>", 1)[0]

    community = section(english, "CommunityGoal")
    assert "<th>Same as goal scope</th>" in community and "plan kind" not in community
    assert "<th>Det samme som målomfang</th>" in section(norwegian, "CommunityGoal")
    assert "<th>Same as plan kind</th>" in section(english, "ThemePlan")
