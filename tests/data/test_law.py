"""The law file's ELI IRIs and Lovdata links agree with the patterns they are derived from."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from plangraph.data import law
from tests.support.paths import ROOT

LAW = ROOT / "data" / "reference" / "law.ttl"
PBL = "https://lovdata.no/eli/lov/2008/06/27/71/nor"


def _triples(turtle: str | bytes) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)]


def test_the_shipped_law_file_has_no_problems() -> None:
    triples = _triples(LAW.read_bytes())
    assert law.check_law(triples) == []
    # and it is not vacuous: both acts and their sections were checked
    kinds = {t.object.value for t in triples if t.predicate.value.endswith("#type")}
    assert {law.ELI + "LegalResource", law.ELI + "LegalResourceSubdivision"} <= kinds


def test_an_acts_iris_and_a_sections_links_are_derived_from_its_eli_iri() -> None:
    pbl = law.act(PBL)
    assert pbl.local_id == "LOV-2008-06-27-71"
    assert pbl.page == "https://lovdata.no/lov/2008-06-27-71"
    assert pbl.section_page("§ 10-1") == "https://lovdata.no/lov/2008-06-27-71/§10-1"
    assert pbl.section_iri("§ 11-15") == (
        "https://w3id.org/plangraph/eli/lov/2008/06/27/71/section-11-15"
    )
    with pytest.raises(ValueError, match="not an act's ELI IRI"):
        law.act("https://lovdata.no/lov/2008-06-27-71")
    with pytest.raises(ValueError, match="not a section number"):
        pbl.section_page("10-1")


# MADE UP: a small law file with one defect in each statement.
_BROKEN = """
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://lovdata.no/eli/lov/2008/06/27/71/nor> a eli:LegalResource ;
    eli:id_local "LOV-2008-06-27-17" ;
    rdfs:seeAlso <https://lovdata.no/lov/2008-06-27-71> .
<https://lovdata.no/lov/2018-06-22-83> a eli:LegalResource .
<https://w3id.org/plangraph/eli/lov/2008/06/27/71/section-10-1> a eli:LegalResourceSubdivision ;
    eli:is_part_of <https://lovdata.no/eli/lov/2008/06/27/71/nor> ;
    eli:id_local "§ 10-1" ;
    rdfs:seeAlso <https://lovdata.no/lov/2008-06-27-71/§10-2> .
<https://w3id.org/plangraph/eli/lov/2008/06/27/71/section-11-1> a eli:LegalResourceSubdivision ;
    eli:is_part_of <https://lovdata.no/eli/lov/2008/06/27/71/nor> ;
    eli:id_local "§ 11-2" ;
    rdfs:seeAlso <https://lovdata.no/lov/2008-06-27-71/§11-2> .
<https://w3id.org/plangraph/eli/lov/2008/06/27/71/section-3-1> a eli:LegalResourceSubdivision ;
    eli:id_local "§ 3-1" .
"""


def test_each_defect_is_named_with_the_iri_it_is_in() -> None:
    problems = law.check_law(_triples(_BROKEN))
    expected_starts = [
        "https://lovdata.no/eli/lov/2008/06/27/71/nor: eli:id_local should be LOV-2008-06-27-71",
        "https://lovdata.no/lov/2018-06-22-83 is not an act's ELI IRI",
        "https://w3id.org/plangraph/eli/lov/2008/06/27/71/section-10-1: rdfs:seeAlso should be "
        "https://lovdata.no/lov/2008-06-27-71/§10-1",
        "https://w3id.org/plangraph/eli/lov/2008/06/27/71/section-11-1: the IRI of § 11-2",
        "https://w3id.org/plangraph/eli/lov/2008/06/27/71/section-3-1: a section needs exactly one",
    ]
    assert len(problems) == len(expected_starts), problems
    for start in expected_starts:
        assert any(p.startswith(start) for p in problems), (start, problems)
