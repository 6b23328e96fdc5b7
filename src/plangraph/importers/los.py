"""Themes from Los, the national vocabulary for public services, as link targets for plans.

Los (Digdir) is published as SKOS in RDF/XML, one file a term. This import reads the theme
structure's fourteen main themes (``skos:topConceptOf <https://psi.norge.no/los/struktur>``) and
the sub-theme *Planer* (plans), each from::

    https://psi.norge.no/los/tema/{slug}.rdf

and writes them, as Los states them (labels in nb, nn and en, ``skos:narrower`` to the
sub-themes, matches to the EU data themes), into ``…/graph/import/los/tema``. Los keeps its own
IRIs (``https://psi.norge.no/los/tema/{slug}``): plans and goals link to them directly, e.g. with
``dct:subject``. The per-theme URL is the layout of Digdir's Los repository
(Informasjonsforvaltning/los), which is what psi.norge.no/los serves.

An answer that is not RDF/XML, or that does not describe the theme asked for as a
``skos:Concept`` with a name in bokmål, is reported as :class:`UnexpectedResponse`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from plangraph.importers.base import ImportJob, Request, Source, graph_iri
from plangraph.importers.errors import UnexpectedResponse
from plangraph.importers.vocab import RDF_TYPE, SKOS_CONCEPT, SKOS_PREF_LABEL

SOURCE = Source(
    key="los",
    name={
        "nb": "Digitaliseringsdirektoratet, Los (felles vokabular for offentlige tjenester)",
        "en": "The Norwegian Digitalisation Agency, Los (vocabulary for public services)",
    },
    # The Los repository states no licence; NLOD 2.0 is the licence Norwegian public bodies
    # publish open data under. Not confirmed for Los: check before redistributing it.
    license="https://data.norge.no/nlod/no/2.0",
    home="https://psi.norge.no/los/",
    calls=5,
    per_seconds=1.0,
)

THEME = "https://psi.norge.no/los/tema/"

#: The main themes of the Los theme structure (its ``skos:hasTopConcept``), in Los's order.
MAIN_THEMES: tuple[str, ...] = (
    "arbeid",
    "bygg-og-eiendom",
    "demokrati-og-innbyggerrettigheter",
    "familie-og-barn",
    "helse-og-omsorg",
    "kultur-idrett-og-fritid",
    "lov-og-rett",
    "naring",
    "natur-klima-og-miljo",
    "samfunnssikkerhet-og-beredskap",
    "skatt-og-avgift",
    "skole-og-utdanning",
    "sosiale-tjenester",
    "trafikk-og-transport",
)

#: What the import reads: the main themes and the sub-theme for plans.
THEMES: tuple[str, ...] = (*MAIN_THEMES, "planer")


def theme_iri(slug: str) -> ox.NamedNode:
    """The Los IRI of a theme."""
    return ox.NamedNode(THEME + slug)


def theme_url(slug: str) -> str:
    """Where Los serves a theme as RDF/XML."""
    return f"{THEME}{slug}.rdf"


def themes_job(themes: Sequence[str] = THEMES) -> ImportJob:
    """Import the given Los themes (by default the main themes and *Planer*)."""
    slugs = tuple(themes)
    if not slugs:
        raise ValueError("no Los themes to import")
    return ImportJob(
        source=SOURCE,
        graph=graph_iri(SOURCE, "tema"),
        title={"nb": "Los-tema", "en": "Los themes"},
        requests=tuple(Request(theme_url(s), accept="application/rdf+xml") for s in slugs),
        parse=lambda payloads: parse_themes(payloads, slugs),
    )


def parse_themes(payloads: Sequence[bytes], slugs: Sequence[str]) -> list[ox.Triple]:
    """The triples of the themes' RDF/XML answers, one answer per slug, in order."""
    if len(payloads) != len(slugs):
        raise UnexpectedResponse(
            f"{SOURCE.english_name}: {len(slugs)} themes asked for, {len(payloads)} answers"
        )
    triples: list[ox.Triple] = []
    for slug, body in zip(slugs, payloads, strict=True):
        triples += parse_theme(body, slug)
    return list(dict.fromkeys(triples))


def parse_theme(body: bytes, slug: str) -> list[ox.Triple]:
    """The triples of one theme's answer, checked to describe that theme."""
    where = f"{SOURCE.english_name}: the answer for the theme {slug!r} ({theme_url(slug)})"
    text = body.lstrip()
    if not text:
        raise UnexpectedResponse(f"{where} is empty")
    if text[:5].lower() in (b"<!doc", b"<html"):
        raise UnexpectedResponse(f"{where} is an HTML page, not RDF/XML (an error page?)")
    try:
        quads = list(ox.parse(body, format=ox.RdfFormat.RDF_XML, base_iri=theme_url(slug)))
    except SyntaxError as error:
        raise UnexpectedResponse(f"{where} is not RDF/XML: {error}") from None
    triples = [q.triple for q in quads]
    theme = theme_iri(slug)
    if ox.Triple(theme, RDF_TYPE, SKOS_CONCEPT) not in triples:
        described = sorted({str(t.subject) for t in triples}) or ["nothing"]
        raise UnexpectedResponse(
            f"{where} does not describe {theme.value} as a skos:Concept "
            f"(it describes {', '.join(described)})"
        )
    names = [
        t.object
        for t in triples
        if t.subject == theme
        and t.predicate == SKOS_PREF_LABEL
        and isinstance(t.object, ox.Literal)
        and t.object.language == "nb"
    ]
    if not names:
        raise UnexpectedResponse(f"{where} gives the theme no name in bokmål (skos:prefLabel @nb)")
    return triples
