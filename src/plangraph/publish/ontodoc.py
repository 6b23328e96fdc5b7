"""Human-readable HTML documentation of the ontology, generated from the ontology file itself.

One page per language (``index.html`` in English, ``index.nb.html`` in Norwegian bokmål), each
listing every class and property the ontology defines with its label, definition, super-terms,
domain and range, and the other language's label. The build runs this (see ``hatch_build.py``),
and ``plangraph docs`` writes it on demand. Needs only rdflib and the standard library.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from plangraph import resources
from plangraph.lang import LANGUAGES, Lang

PG = "https://w3id.org/plangraph/ontology#"

_TEXT: dict[Lang, dict[str, str]] = {
    Lang.en: {
        "title": "The plangraph ontology",
        "classes": "Classes",
        "object": "Object properties",
        "data": "Datatype properties",
        "sub": "Subclass of",
        "equiv": "Same as {property}",
        "subprop": "Subproperty of",
        "inverse": "Inverse of",
        "domain": "Domain",
        "range": "Range",
        "chain": "Inferred through the chain",
        "chars": "Characteristics",
        "other": "Norwegian",
        "switch": "Norsk",
        "generated": "Generated from ontology/plangraph.ttl by plangraph.publish.ontodoc; do not edit.",
        "prefix": "Namespace",
    },
    Lang.nb: {
        "title": "plangraph-ontologien",
        "classes": "Klasser",
        "object": "Objektegenskaper",
        "data": "Dataegenskaper",
        "sub": "Underklasse av",
        "equiv": "Det samme som {property}",
        "subprop": "Underegenskap av",
        "inverse": "Invers av",
        "domain": "Domene",
        "range": "Verdiområde",
        "chain": "Utledes gjennom kjeden",
        "chars": "Egenskaper",
        "other": "Engelsk",
        "switch": "English",
        "generated": "Generert fra ontology/plangraph.ttl av plangraph.publish.ontodoc; skal ikke redigeres.",
        "prefix": "Navnerom",
    },
}

_KNOWN_PREFIXES = {
    PG: "pg:",
    "https://w3id.org/plangraph/concept/plan-kind/": "pgkind:",
    "https://w3id.org/plangraph/concept/goal-scope/": "pgscope:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://www.w3.org/ns/org#": "org:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://www.w3.org/2006/time#": "time:",
    "http://data.europa.eu/eli/ontology#": "eli:",
    "http://metadata.un.org/sdg/ontology#": "sdgo:",
    "http://purl.org/dc/terms/": "dct:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/ns/dcat#": "dcat:",
    "http://www.w3.org/2002/07/owl#": "owl:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
}


@dataclass(frozen=True)
class Term:
    """One class or property of the ontology, as the documentation shows it."""

    iri: str
    kind: str  # "class", "object" or "data"
    labels: dict[str, str]
    definitions: dict[str, str]


def terms(graph: Graph) -> list[Term]:
    """Every class and property the ontology defines in its own namespace, sorted by name."""
    found: list[Term] = []
    for kind, rdf_type in (
        ("class", OWL.Class),
        ("object", OWL.ObjectProperty),
        ("data", OWL.DatatypeProperty),
    ):
        for subject in graph.subjects(RDF.type, rdf_type):
            if isinstance(subject, URIRef) and str(subject).startswith(PG):
                found.append(
                    Term(
                        iri=str(subject),
                        kind=kind,
                        labels=_by_language(graph.objects(subject, RDFS.label)),
                        definitions=_by_language(graph.objects(subject, SKOS.definition)),
                    )
                )
    return sorted(found, key=lambda t: (t.kind, t.iri.lower()))


def _by_language(values: Iterable[object]) -> dict[str, str]:
    return {v.language: str(v) for v in values if isinstance(v, Literal) and v.language}


def _name(iri: object) -> str:
    text = str(iri)
    for namespace, prefix in _KNOWN_PREFIXES.items():
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return text


def _link(iri: object) -> str:
    text = str(iri)
    shown = html.escape(_name(text))
    if text.startswith(PG):
        return f'<a href="#{html.escape(text[len(PG) :])}">{shown}</a>'
    return f'<a href="{html.escape(text)}">{shown}</a>'


def _uris(values: Iterable[object]) -> list[URIRef]:
    return sorted((v for v in values if isinstance(v, URIRef)), key=str)


def _list_items(graph: Graph, head: Node) -> list[Node]:
    items: list[Node] = []
    node: Node | None = head
    while node is not None and node != RDF.nil:
        first = graph.value(node, RDF.first)
        if first is not None:
            items.append(first)
        node = graph.value(node, RDF.rest)
    return items


def _facts(graph: Graph, term: Term, text: dict[str, str], lang: Lang) -> list[tuple[str, str]]:
    subject = URIRef(term.iri)
    rows: list[tuple[str, str]] = []

    def add(label: str, values: list[URIRef]) -> None:
        if values:
            rows.append((label, ", ".join(_link(v) for v in values)))

    if term.kind == "class":
        add(text["sub"], _uris(graph.objects(subject, RDFS.subClassOf)))
        # A class equivalent to a hasValue restriction is told by the restriction's property:
        # "Same as plan kind: pgkind:…", "Same as goal scope: pgscope:…".
        by_property: dict[Node, list[Node]] = {}
        for restriction in graph.objects(subject, OWL.equivalentClass):
            prop, value = (
                graph.value(restriction, OWL.onProperty),
                graph.value(restriction, OWL.hasValue),
            )
            if prop is not None and value is not None:
                by_property.setdefault(prop, []).append(value)
        for prop, values in sorted(by_property.items(), key=lambda item: str(item[0])):
            named = _by_language(graph.objects(prop, RDFS.label)).get(lang, _name(prop))
            add(text["equiv"].format(property=named), _uris(values))
    else:
        add(text["subprop"], _uris(graph.objects(subject, RDFS.subPropertyOf)))
        add(text["inverse"], _uris(graph.objects(subject, OWL.inverseOf)))
        add(text["domain"], _uris(graph.objects(subject, RDFS.domain)))
        add(text["range"], _uris(graph.objects(subject, RDFS.range)))
        chars = [
            str(t).rsplit("#", 1)[-1]
            for t in graph.objects(subject, RDF.type)
            if t in (OWL.FunctionalProperty, OWL.TransitiveProperty, OWL.SymmetricProperty)
        ]
        if chars:
            rows.append((text["chars"], html.escape(", ".join(sorted(chars)))))
        for chain in graph.objects(subject, OWL.propertyChainAxiom):
            rows.append((text["chain"], " ∘ ".join(_link(p) for p in _list_items(graph, chain))))
    return rows


def render(graph: Graph, lang: Lang) -> str:
    """The documentation page in one language."""
    text = _TEXT[lang]
    other = lang.other
    other_file = page_name(other)
    all_terms = terms(graph)
    ontology = URIRef(PG.rstrip("#"))
    description = next(
        (
            str(d)
            for d in graph.objects(ontology, DCTERMS.description)
            if getattr(d, "language", None) == lang
        ),
        "",
    )
    sections = []
    for kind, heading in (("class", "classes"), ("object", "object"), ("data", "data")):
        members = [t for t in all_terms if t.kind == kind]
        toc = ", ".join(_link(t.iri) for t in members)
        entries = []
        for t in members:
            local = t.iri[len(PG) :]
            facts = "".join(
                f"<tr><th>{html.escape(label)}</th><td>{value}</td></tr>"
                for label, value in _facts(graph, t, text, lang)
            )
            facts += (
                f"<tr><th>{html.escape(text['other'])}</th>"
                f"<td>{html.escape(t.labels.get(other, ''))}</td></tr>"
            )
            entries.append(
                f'<section class="term" id="{html.escape(local)}">'
                f"<h3>{html.escape(t.labels.get(lang, local))} <code>pg:{html.escape(local)}</code></h3>"
                f"<p>{html.escape(t.definitions.get(lang, ''))}</p>"
                f"<table>{facts}</table></section>"
            )
        sections.append(
            f"<h2>{html.escape(text[heading])} ({len(members)})</h2>"
            f'<p class="toc">{toc}</p>{"".join(entries)}'
        )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(text['title'])}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.45}code{background:#f3f3f3;padding:0 .2em}"
        ".term{border-top:1px solid #ddd;padding:.4rem 0}.term table{border-collapse:collapse}"
        ".term th{text-align:left;font-weight:normal;color:#555;padding-right:1rem;"
        "vertical-align:top}.toc{font-size:.9em}</style></head><body>"
        f'<p><a href="{other_file}" hreflang="{other}">{html.escape(text["switch"])}</a></p>'
        f"<h1>{html.escape(text['title'])}</h1><p>{html.escape(description)}</p>"
        f"<p>{html.escape(text['prefix'])}: <code>{html.escape(PG)}</code> (pg:)</p>"
        + "".join(sections)
        + f"<footer><p><small>{html.escape(text['generated'])}</small></p></footer>"
        "</body></html>\n"
    )


def page_name(lang: Lang) -> str:
    """The file name of the page in ``lang``: the English page is ``index.html`` (the name the
    documentation has been published under), the others ``index.{lang}.html``."""
    return "index.html" if lang is Lang.en else f"index.{lang}.html"


def write(out_dir: Path, ontology: Path | None = None) -> list[Path]:
    """Write the pages for every language into ``out_dir``; the paths written."""
    graph = Graph()
    graph.parse(ontology or resources.ontology_file(), format="turtle")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in LANGUAGES:
        path = out_dir / page_name(lang)
        path.write_text(render(graph, lang), encoding="utf-8")
        written.append(path)
    return written
