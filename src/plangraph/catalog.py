"""The register's description of itself as a DCAT-AP-NO catalogue.

Built from ``data/datasets.toml`` (titles, descriptions, themes, licences) and the store's load
records (when each graph was last loaded, how many triples it holds). Controlled values come from
the EU Publications Office authority tables that DCAT-AP-NO prescribes; each such concept is
stated with its ``skos:inScheme`` so that a validator without the tables can check it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from plangraph.datasets import Dataset
from plangraph.namespaces import BASE
from plangraph.store import GraphInfo

EU = "http://publications.europa.eu/resource/authority/"
VOID = Namespace("http://rdfs.org/ns/void#")
CATALOG_BASE = BASE + "catalog"
ALL = "all"
"""The id of the dump of every graph (``/dumps/all.ttl``), besides the datasets' own."""
FDK_ORGANISATION = "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/"

# EU authority tables used, and the concepts used from each.
_SCHEMES = {
    "licence": ("CC_BY_4_0",),
    "language": ("NOB", "ENG"),
    "data-theme": ("GOVE", "SOCI", "EDUC", "REGI"),
    "file-type": ("RDF_TURTLE", "RDF_N_QUADS"),
    "access-right": ("PUBLIC",),
    "country": ("NOR",),
}

_DUMPS = (
    ("ttl", "RDF_TURTLE", "text/turtle", "Turtle"),
    ("nq", "RDF_N_QUADS", "application/n-quads", "N-Quads"),
)


@dataclass(frozen=True)
class Publisher:
    """Who publishes the catalogue: an organisation in the Central Coordinating Register."""

    organisation_number: str = "964338531"
    name_nb: str = "Bergen kommune"
    name_en: str = "Bergen municipality"

    @property
    def iri(self) -> URIRef:
        return URIRef(FDK_ORGANISATION + self.organisation_number)


def _eu(scheme: str, code: str) -> URIRef:
    return URIRef(f"{EU}{scheme}/{code}")


def build(
    datasets: Iterable[Dataset],
    graphs: Iterable[GraphInfo],
    public_url: str,
    publisher: Publisher | None = None,
    base_iri: str = BASE,
) -> Graph:
    """The catalogue as an RDF graph.

    ``public_url`` is where this plangraph server answers (its SPARQL endpoint and dumps are
    below it), for example ``https://plangraph.example.org/``. ``base_iri`` is the base the
    data is published under (``PLANGRAPH_BASE_IRI``): the catalogue's own IRIs are below it, as
    ``{base_iri}catalog``, and so are the graph IRIs it lists.
    """
    publisher = publisher or Publisher()
    base = public_url.rstrip("/") + "/"
    catalog_base = base_iri + "catalog"
    by_iri = {g.iri: g for g in graphs}
    g = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("skos", SKOS)):
        g.bind(prefix, namespace)
    g.bind("void", VOID)

    catalog = URIRef(catalog_base)
    service = URIRef(f"{catalog_base}/service/sparql")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.identifier, Literal(catalog_base)))
    g.add(
        (catalog, DCTERMS.title, Literal("plangraph: kommunale planer som lenkede data", lang="nb"))
    )
    g.add((catalog, DCTERMS.title, Literal("plangraph: municipal plans as linked data", lang="en")))
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal(
                "Planregisteret til Bergen kommune med ontologi og referansedata: planer, mål, "
                "strategier, tiltak, vedtak, lovgrunnlag og FNs bærekraftsmål.",
                lang="nb",
            ),
        )
    )
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal(
                "Bergen kommune's plan register with its ontology and reference data: plans, "
                "goals, strategies, measures, decisions, legal bases and the UN SDGs.",
                lang="en",
            ),
        )
    )
    g.add((catalog, DCTERMS.publisher, publisher.iri))
    g.add((catalog, DCTERMS.license, _eu("licence", "CC_BY_4_0")))
    g.add((catalog, DCTERMS.language, _eu("language", "NOB")))
    g.add((catalog, DCTERMS.language, _eu("language", "ENG")))
    g.add((catalog, FOAF.homepage, URIRef(base)))
    g.add((catalog, DCAT.service, service))

    g.add((publisher.iri, RDF.type, FOAF.Agent))
    g.add((publisher.iri, FOAF.name, Literal(publisher.name_nb, lang="nb")))
    g.add((publisher.iri, FOAF.name, Literal(publisher.name_en, lang="en")))
    g.add((publisher.iri, DCTERMS.identifier, Literal(publisher.organisation_number)))

    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.identifier, Literal(str(service))))
    g.add((service, DCTERMS.title, Literal("SPARQL-endepunkt for plangraph", lang="nb")))
    g.add((service, DCTERMS.title, Literal("plangraph SPARQL endpoint", lang="en")))
    g.add((service, DCAT.endpointURL, URIRef(base + "sparql")))
    g.add((service, DCAT.endpointDescription, URIRef(base + "sparql")))
    protocol = URIRef("https://www.w3.org/TR/sparql11-protocol/")
    g.add((service, DCTERMS.conformsTo, protocol))
    g.add((protocol, DCTERMS.title, Literal("SPARQL 1.1 Protocol", lang="en")))
    g.add((service, DCTERMS.publisher, publisher.iri))
    g.add((service, DCTERMS.accessRights, _eu("access-right", "PUBLIC")))

    latest: list[str] = []
    for ds in datasets:
        dataset = URIRef(f"{catalog_base}/dataset/{ds.id}")
        g.add((catalog, DCAT.dataset, dataset))
        g.add((service, DCAT.servesDataset, dataset))
        g.add((dataset, RDF.type, DCAT.Dataset))
        g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
        for lang, text in ds.title.items():
            g.add((dataset, DCTERMS.title, Literal(text, lang=lang)))
        for lang, text in ds.description.items():
            g.add((dataset, DCTERMS.description, Literal(text, lang=lang)))
        for keyword in ds.keywords:
            g.add((dataset, DCAT.keyword, Literal(keyword, lang="nb")))
        for theme in ds.themes:
            g.add(
                (
                    dataset,
                    DCAT.theme,
                    URIRef(theme if "/" in theme else str(_eu("data-theme", theme))),
                )
            )
        g.add((dataset, DCTERMS.publisher, publisher.iri))
        g.add((dataset, DCTERMS.language, _eu("language", "NOB")))
        g.add((dataset, DCTERMS.spatial, _eu("country", "NOR")))
        g.add((dataset, DCTERMS.accessRights, _eu("access-right", "PUBLIC")))
        provenance = URIRef(f"{dataset}/provenance")
        g.add((dataset, DCTERMS.provenance, provenance))
        g.add((provenance, RDF.type, DCTERMS.ProvenanceStatement))
        g.add((provenance, RDFS.label, Literal(ds.source, lang="en")))
        members = [by_iri[iri] for iri, _ in ds.graphs() if iri in by_iri]
        if members:
            g.add((dataset, VOID.triples, Literal(sum(m.triples for m in members))))
            stamps = [m.modified for m in members if m.modified]
            if stamps:
                g.add((dataset, DCTERMS.modified, Literal(max(stamps), datatype=XSD.dateTime)))
                latest.append(max(stamps))
        for iri, _ in ds.graphs():
            g.add((dataset, VOID.subset, URIRef(base_iri + iri[len(BASE) :])))

        for suffix, file_type, media_type, name in _DUMPS:
            distribution = URIRef(f"{dataset}/distribution/{suffix}")
            url = URIRef(f"{base}dumps/{ds.id}.{suffix}")
            g.add((dataset, DCAT.distribution, distribution))
            g.add((distribution, RDF.type, DCAT.Distribution))
            g.add((distribution, DCTERMS.title, Literal(f"{name}-fil", lang="nb")))
            g.add((distribution, DCTERMS.title, Literal(f"{name} dump", lang="en")))
            g.add((distribution, DCAT.accessURL, url))
            g.add((distribution, DCAT.downloadURL, url))
            g.add((distribution, DCTERMS.format, _eu("file-type", file_type)))
            g.add(
                (
                    distribution,
                    DCAT.mediaType,
                    URIRef(f"https://www.iana.org/assignments/media-types/{media_type}"),
                )
            )
            _licence(g, distribution, ds)
        endpoint = URIRef(f"{dataset}/distribution/sparql")
        g.add((dataset, DCAT.distribution, endpoint))
        g.add((endpoint, RDF.type, DCAT.Distribution))
        g.add((endpoint, DCTERMS.title, Literal("SPARQL-endepunkt", lang="nb")))
        g.add((endpoint, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
        g.add((endpoint, DCAT.accessURL, URIRef(base + "sparql")))
        g.add((endpoint, DCAT.accessService, service))
        _licence(g, endpoint, ds)

    if latest:
        g.add((catalog, DCTERMS.modified, Literal(max(latest), datatype=XSD.dateTime)))
    for scheme, codes in _SCHEMES.items():
        for code in codes:
            g.add((_eu(scheme, code), SKOS.inScheme, URIRef(EU + scheme)))
    return g


def _licence(g: Graph, distribution: URIRef, ds: Dataset) -> None:
    """The dataset's licence: an EU licence concept where it has one, else a rights statement."""
    if ds.license.startswith("https://creativecommons.org/licenses/by/4.0"):
        g.add((distribution, DCTERMS.license, _eu("licence", "CC_BY_4_0")))
    else:
        rights = URIRef(f"{distribution}/rights")
        g.add((distribution, DCTERMS.rights, rights))
        g.add((rights, RDF.type, DCTERMS.RightsStatement))
        g.add((rights, RDFS.label, Literal(ds.license, lang="en")))


PREFIXES = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "void": str(VOID),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}

MEDIA_TYPES = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "json-ld": "application/ld+json",
    "xml": "application/rdf+xml",
}
"""The formats the catalogue is written in, by short name (``plangraph catalog --format``)."""


def serialize(graph: Graph, media_type: str) -> bytes:
    """The catalogue in the RDF format of ``media_type``, always the same bytes for the same
    graph (the triples sorted), so that the command and the server agree to the byte."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"no RDF format has the media type {media_type!r}")
    lines = sorted(set(graph.serialize(format="nt", encoding="utf-8").splitlines()))
    triples = [q.triple for q in ox.parse(b"\n".join(lines), ox.RdfFormat.N_TRIPLES)]
    items: list[ox.Triple] | list[ox.Quad] = triples
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        items = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    return ox.serialize(items, format=fmt, prefixes=PREFIXES) or b""
