"""Law: the acts' ELI IRIs and the sections' Lovdata pages, derived and checked.

There is nothing to fetch: ``data/reference/law.ttl`` already holds the acts plangraph uses, at
the ELI IRIs Lovdata publishes (``https://lovdata.no/eli/lov/{yyyy}/{mm}/{dd}/{n}/nor``), and
each section plangraph cites as an ``eli:LegalResourceSubdivision`` with its Lovdata page.
Lovdata publishes no section-level ELI IRIs and no RDF to import (ELI metadata is embedded in
its HTML pages as RDFa; its open data is archives of the law text as XML), so a law *import*
would add nothing the file does not have. What does add value is keeping the file right as it
grows: :func:`check_law` derives, from an act's ELI IRI and a section's number, the IRIs and
links the file must have, and lists every disagreement. A test runs it on the shipped file.

The patterns (see ``data/README.md`` and the file's header):

* act: ``https://lovdata.no/eli/lov/2008/06/27/71/nor``, ``eli:id_local "LOV-2008-06-27-71"``,
  ``rdfs:seeAlso <https://lovdata.no/lov/2008-06-27-71>``;
* section: ``https://w3id.org/plangraph/eli/lov/2008/06/27/71/section-10-1``,
  ``eli:is_part_of`` the act, ``eli:id_local "§ 10-1"``,
  ``rdfs:seeAlso <https://lovdata.no/lov/2008-06-27-71/§10-1>``;
* paragraph (ledd) of a section: ``…/section-10-1-paragraph-2``, ``eli:is_part_of`` the section,
  ``eli:id_local "§ 10-1 (2)"``, ``rdfs:seeAlso`` the section's page (Lovdata has no page of its
  own for a paragraph).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from plangraph.namespaces import BASE

ELI = "http://data.europa.eu/eli/ontology#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"

_ACT = re.compile(r"^https://lovdata\.no/eli/lov/(\d{4})/(\d{2})/(\d{2})/(\d+)/nor$")
_SECTION = re.compile(r"^§ (\d+[a-z]?)-(\d+[a-z]?)$")
_PARAGRAPH = re.compile(r"^(§ \d+[a-z]?-\d+[a-z]?) \((\d+)\)$")


@dataclass(frozen=True)
class Act:
    """An act identified by its ELI IRI: date of the act and its number that day."""

    year: str
    month: str
    day: str
    number: str

    @property
    def eli(self) -> str:
        return f"https://lovdata.no/eli/lov/{self.year}/{self.month}/{self.day}/{self.number}/nor"

    @property
    def local_id(self) -> str:
        return f"LOV-{self.year}-{self.month}-{self.day}-{self.number}"

    @property
    def page(self) -> str:
        """The act's human page at Lovdata."""
        return f"https://lovdata.no/lov/{self.year}-{self.month}-{self.day}-{self.number}"

    def section_iri(self, local_id: str) -> str:
        """plangraph's IRI of a section of the act (``§ 10-1`` → ``…/section-10-1``)."""
        chapter, number = _section_parts(local_id)
        return (
            f"{BASE}eli/lov/{self.year}/{self.month}/{self.day}/{self.number}/"
            f"section-{chapter}-{number}"
        )

    def section_page(self, local_id: str) -> str:
        """Lovdata's page for a section of the act (``§ 10-1`` → ``…/2008-06-27-71/§10-1``)."""
        chapter, number = _section_parts(local_id)
        return f"{self.page}/§{chapter}-{number}"


def act(iri: str) -> Act:
    """The act of an ELI IRI; ValueError if the IRI is not an act's ELI IRI at Lovdata."""
    match = _ACT.match(iri)
    if match is None:
        raise ValueError(
            f"{iri} is not an act's ELI IRI (https://lovdata.no/eli/lov/yyyy/mm/dd/n/nor)"
        )
    return Act(*match.groups())


def _section_parts(local_id: str) -> tuple[str, str]:
    match = _SECTION.match(local_id)
    if match is None:
        raise ValueError(f"{local_id!r} is not a section number written like '§ 10-1'")
    return match.group(1), match.group(2)


def check_law(triples: Iterable[ox.Triple]) -> list[str]:
    """Every way the acts and sections in ``triples`` disagree with the patterns above."""
    facts: dict[str, dict[str, list[str]]] = {}
    for t in triples:
        if isinstance(t.subject, ox.Triple) or isinstance(t.object, ox.Triple):
            continue  # RDF-star statements say nothing about acts or sections
        facts.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(
            t.object.value
        )
    problems: list[str] = []
    acts = {s for s, p in facts.items() if ELI + "LegalResource" in p.get(_RDF_TYPE, [])}
    for iri in sorted(acts):
        try:
            found = act(iri)
        except ValueError as error:
            problems.append(str(error))
            continue
        problems += _expect(
            iri, "eli:id_local", facts[iri].get(ELI + "id_local", []), found.local_id
        )
        problems += _expect(iri, "rdfs:seeAlso", facts[iri].get(_SEE_ALSO, []), found.page)
    subdivisions = {
        s for s, p in facts.items() if ELI + "LegalResourceSubdivision" in p.get(_RDF_TYPE, [])
    }
    paragraphs = {
        s
        for s in subdivisions
        if any(_PARAGRAPH.match(i) for i in facts[s].get(ELI + "id_local", []))
    }
    problems += _check_paragraphs(facts, paragraphs, subdivisions - paragraphs)
    sections = subdivisions - paragraphs
    for iri in sorted(sections):
        parents = facts[iri].get(ELI + "is_part_of", [])
        local_ids = facts[iri].get(ELI + "id_local", [])
        if len(parents) != 1 or len(local_ids) != 1:
            problems.append(
                f"{iri}: a section needs exactly one eli:is_part_of and one eli:id_local "
                f"(has {len(parents)} and {len(local_ids)})"
            )
            continue
        if parents[0] not in acts:
            problems.append(f"{iri}: eli:is_part_of {parents[0]}, which is no act in the data")
            continue
        try:
            parent = act(parents[0])
            expected_iri = parent.section_iri(local_ids[0])
            expected_page = parent.section_page(local_ids[0])
        except ValueError as error:
            problems.append(f"{iri}: {error}")
            continue
        if iri != expected_iri:
            problems.append(
                f"{iri}: the IRI of {local_ids[0]} of {parent.local_id} is {expected_iri}"
            )
        problems += _expect(iri, "rdfs:seeAlso", facts[iri].get(_SEE_ALSO, []), expected_page)
    return problems


def _check_paragraphs(
    facts: dict[str, dict[str, list[str]]], paragraphs: set[str], sections: set[str]
) -> list[str]:
    """A paragraph is part of a section in the data, named after it, and links to its page."""
    problems: list[str] = []
    for iri in sorted(paragraphs):
        parents = facts[iri].get(ELI + "is_part_of", [])
        local_ids = facts[iri].get(ELI + "id_local", [])
        if len(parents) != 1 or parents[0] not in sections or len(local_ids) != 1:
            problems.append(
                f"{iri}: a paragraph needs exactly one eli:id_local and one eli:is_part_of, "
                "a section in the data"
            )
            continue
        match = _PARAGRAPH.match(local_ids[0])
        assert match is not None  # it is a paragraph because its id matches
        section = parents[0]
        if facts[section].get(ELI + "id_local") != [match.group(1)]:
            problems.append(f"{iri}: {local_ids[0]} is not a paragraph of {section}")
            continue
        expected = f"{section}-paragraph-{match.group(2)}"
        if iri != expected:
            problems.append(f"{iri}: the IRI of {local_ids[0]} is {expected}")
        page = (facts[section].get(_SEE_ALSO) or [""])[0]
        problems += _expect(iri, "rdfs:seeAlso", facts[iri].get(_SEE_ALSO, []), page)
    return problems


def _expect(iri: str, name: str, values: list[str], expected: str) -> list[str]:
    if values == [expected]:
        return []
    found = ", ".join(values) or "none"
    return [f"{iri}: {name} should be {expected} (found {found})"]
