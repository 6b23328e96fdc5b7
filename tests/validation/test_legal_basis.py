"""The shapes' legal bases point at the law's resources, at the paragraph (ledd) where the law
data records which paragraph grounds a rule ("Grunnlag for regel R3")."""

from __future__ import annotations

import re

from rdflib import RDFS, Graph, Namespace, URIRef

from tests.support.paths import ROOT

PGSH = Namespace("https://w3id.org/plangraph/shapes#")


def test_every_legal_basis_is_a_law_resource_and_as_precise_as_the_data() -> None:
    law = Graph().parse(ROOT / "data" / "reference" / "law.ttl")
    shapes = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(path)
    grounds: dict[str, URIRef] = {}
    for paragraph, comment in law.subject_objects(RDFS.comment):
        found = re.match(r"Grunnlag for (?:regel|reglene) (R\d+)(?: og (R\d+))?", str(comment))
        if found and isinstance(paragraph, URIRef) and "-paragraph-" in str(paragraph):
            for rule in filter(None, found.groups()):
                grounds[rule] = paragraph
    assert {"R1", "R2", "R3", "R4", "R6", "R7", "R8", "R11"} <= set(grounds)
    known = set(law.subjects())
    checked = 0
    for node, basis in shapes.subject_objects(PGSH.legalBasis):
        assert basis in known, f"{node}: pgsh:legalBasis {basis} is not in the law data"
        rule = shapes.value(node, PGSH.rule) or shapes.value(
            node, URIRef("http://www.w3.org/2004/02/skos/core#notation")
        )
        paragraph = grounds.get(str(rule))
        if paragraph is not None and str(paragraph).startswith(str(basis) + "-paragraph-"):
            raise AssertionError(f"{node} ({rule}): {basis} where the data has {paragraph}")
        checked += 1
    assert checked > 20
