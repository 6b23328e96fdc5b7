"""The register's description of itself as a DCAT-AP-NO catalogue.

Built from ``data/datasets.toml`` (titles, descriptions, themes, licences), the store's load
records (when each graph was last loaded, how many triples it holds) and the PROV-O records of
the imported open data (``plangraph import``). The imports are one dataset per source
(``import-ssb``, ``import-klass``, ``import-brreg``, ``import-los``), not one per named graph:
a source publishes under one licence and is dumped, cited and refreshed as a whole, and the
business register has one graph per organisation, which would flood the catalogue. Each such
dataset lists its graphs (``void:subset``) and the URLs they were read from
(``prov:wasDerivedFrom``; DCAT-AP-NO's ``dct:source`` must name a ``dcat:Dataset``, which a
web service's URL is not). Controlled values come from
the EU Publications Office authority tables that DCAT-AP-NO prescribes; each such concept is
stated with its ``skos:inScheme`` so that a validator without the tables can check it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from plangraph.data.datasets import Dataset
from plangraph.namespaces import BASE, IMPORT_GRAPH_BASE
from plangraph.store import GraphInfo

EU = "http://publications.europa.eu/resource/authority/"
VOID = Namespace("http://rdfs.org/ns/void#")
PROV = Namespace("http://www.w3.org/ns/prov#")
CATALOG_BASE = BASE + "catalog"
ALL = "all"
"""The id of the dump of every graph (``/dumps/all.ttl``), besides the datasets' own."""
FDK_ORGANISATION = "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/"

# EU authority tables used, and the concepts used from each.
_SCHEMES = {
    "licence": ("CC_BY_4_0", "NLOD_2_0"),
    "language": ("NOB", "ENG"),
    "data-theme": ("GOVE", "SOCI", "EDUC", "REGI", "ECON"),
    "file-type": ("RDF_TURTLE", "RDF_N_QUADS"),
    "access-right": ("PUBLIC",),
    "country": ("NOR",),
}

# The licences of the sources, as concepts of the EU licence table (which DCAT-AP-NO requires of
# a distribution's dct:license); data.norge.no names NLOD 2.0 by the table's NLOD_2_0.
_EU_LICENCES = {
    "https://creativecommons.org/licenses/by/4.0": "CC_BY_4_0",
    "https://data.norge.no/nlod/no/2.0": "NLOD_2_0",
}

IMPORT_PREFIX = "import-"
"""The ids of the imported sources' datasets: ``import-{source}`` (``/dumps/import-ssb.ttl``)."""

# What each source's imports are, for the catalogue: title, description (nb, en), themes. A
# source not listed here is still catalogued, with its graphs' own labels.
_IMPORTS: dict[str, tuple[dict[str, str], dict[str, str], tuple[str, ...]]] = {
    "ssb": (
        {"nb": "Statistikk fra SSB (importert)", "en": "Statistics from SSB (imported)"},
        {
            "nb": "Tabeller fra Statistisk sentralbyrås statistikkbank (PxWebApi), importert med "
            "plangraph import ssb: observasjoner per kommune og år, med kilde og tidspunkt.",
            "en": "Tables from Statistics Norway's statistics bank (PxWebApi), imported with "
            "plangraph import ssb: observations by municipality and year, with their source "
            "and time.",
        },
        ("SOCI", "REGI"),
    ),
    "klass": (
        {
            "nb": "Kommuner og organisasjonsnumre fra KLASS (importert)",
            "en": "Municipalities and organisation numbers from KLASS (imported)",
        },
        {
            "nb": "Kommunenummer med gyldighetsperioder (klassifikasjon 131) og kommunenes "
            "organisasjonsnumre (korrespondansetabell 1236) fra SSBs KLASS.",
            "en": "Municipality numbers with their validity (classification 131) and the "
            "municipalities' organisation numbers (correspondence table 1236) from Statistics "
            "Norway's KLASS.",
        },
        ("REGI", "GOVE"),
    ),
    "brreg": (
        {
            "nb": "Enheter fra Enhetsregisteret (importert)",
            "en": "Units from the Central Coordinating Register (imported)",
        },
        {
            "nb": "Organisasjoner fra Brønnøysundregistrenes Enhetsregister: navn, "
            "organisasjonsnummer, organisasjonsform, overordnet enhet og kommunen for "
            "forretningsadressen.",
            "en": "Organisations from the Brønnøysund Register Centre's Central Coordinating "
            "Register for Legal Entities: name, organisation number, organisation form, parent "
            "unit and the municipality of the business address.",
        },
        ("GOVE", "ECON"),
    ),
    "los": (
        {"nb": "Los-temaer (importert)", "en": "Los themes (imported)"},
        {
            "nb": "Temaene i Los, Digitaliseringsdirektoratets felles vokabular for offentlige "
            "tjenester, som SKOS-begreper.",
            "en": "The themes of Los, the Norwegian Digitalisation Agency's vocabulary for "
            "public services, as SKOS concepts.",
        },
        ("GOVE",),
    ),
}


@dataclass(frozen=True)
class Imported:
    """An imported named graph and what its PROV-O record says (see
    :func:`plangraph.importers.base.provenance`)."""

    graph: str
    triples: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    license: str | None = None
    publisher: str | None = None
    derived_from: tuple[str, ...] = ()
    generated: str | None = None

    @property
    def source(self) -> str:
        """The source's key (``ssb``, ``klass`` …)."""
        return import_source(self.graph) or ""


def import_source(iri: str) -> str | None:
    """The source of an imported named graph (``…/graph/import/{source}/…``), or None if the
    graph is not an import."""
    if not iri.startswith(IMPORT_GRAPH_BASE):
        return None
    source, slash, rest = iri[len(IMPORT_GRAPH_BASE) :].partition("/")
    return source if source and slash and rest else None


def is_import(iri: str) -> bool:
    """Whether a named graph holds an import."""
    return import_source(iri) is not None


def imports(store: ox.Store) -> list[Imported]:
    """The imported graphs of a store with their PROV-O records, sorted by IRI."""
    found = []
    for node in store.named_graphs():
        if not isinstance(node, ox.NamedNode) or not is_import(node.value):
            continue
        labels: dict[str, str] = {}
        values: dict[str, list[str]] = {}
        for quad in store.quads_for_pattern(node, None, None, node):
            if quad.predicate.value == str(RDFS.label) and isinstance(quad.object, ox.Literal):
                labels[quad.object.language or ""] = quad.object.value
            elif isinstance(quad.object, ox.NamedNode | ox.Literal):
                values.setdefault(quad.predicate.value, []).append(quad.object.value)
        count = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}")
        assert isinstance(count, ox.QuerySolutions)
        n = next(iter(count))["n"]
        found.append(
            Imported(
                graph=node.value,
                triples=int(n.value) if isinstance(n, ox.Literal) else 0,
                labels=labels,
                license=min(values.get(str(DCTERMS.license), []), default=None),
                publisher=min(values.get(str(DCTERMS.publisher), []), default=None),
                derived_from=tuple(sorted(set(values.get(str(PROV.wasDerivedFrom), [])))),
                generated=max(values.get(str(PROV.generatedAtTime), []), default=None),
            )
        )
    return sorted(found, key=lambda i: i.graph)


def import_datasets(found: Iterable[Imported]) -> dict[str, list[Imported]]:
    """The imported graphs by dataset id (``import-{source}``), sorted."""
    grouped: dict[str, list[Imported]] = {}
    for item in found:
        grouped.setdefault(IMPORT_PREFIX + item.source, []).append(item)
    return dict(sorted(grouped.items()))


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
    imported: Iterable[Imported] = (),
) -> Graph:
    """The catalogue as an RDF graph.

    ``public_url`` is where this plangraph server answers (its SPARQL endpoint and dumps are
    below it), for example ``https://plangraph.example.org/``. ``base_iri`` is the base the
    data is published under (``PLANGRAPH_BASE_IRI``): the catalogue's own IRIs are below it, as
    ``{base_iri}catalog``, and so are the graph IRIs it lists. ``imported``: the store's
    imported graphs (:func:`imports`), catalogued as one dataset per source.
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
        dataset = _dataset(g, catalog, service, publisher, catalog_base, ds.id)
        _texts(g, dataset, ds.title, ds.description)
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
        _provenance(g, dataset, Literal(ds.source, lang="en"))
        members = [by_iri[iri] for iri, _ in ds.graphs() if iri in by_iri]
        if members:
            g.add((dataset, VOID.triples, Literal(sum(m.triples for m in members))))
            stamps = [m.modified for m in members if m.modified]
            if stamps:
                g.add((dataset, DCTERMS.modified, Literal(max(stamps), datatype=XSD.dateTime)))
                latest.append(max(stamps))
        for iri, _ in ds.graphs():
            g.add((dataset, VOID.subset, URIRef(base_iri + iri[len(BASE) :])))

        _distributions(g, dataset, ds.id, base, service, ds.license)

    for dataset_id, sources in import_datasets(imported).items():
        stamp = _import_dataset(
            g, sources, dataset_id, catalog, service, publisher, base, base_iri, catalog_base
        )
        if stamp:
            latest.append(stamp)

    if latest:
        g.add((catalog, DCTERMS.modified, Literal(max(latest), datatype=XSD.dateTime)))
    for scheme, codes in _SCHEMES.items():
        for code in codes:
            g.add((_eu(scheme, code), SKOS.inScheme, URIRef(EU + scheme)))
    return g


def _dataset(
    g: Graph,
    catalog: URIRef,
    service: URIRef,
    publisher: Publisher,
    catalog_base: str,
    dataset_id: str,
) -> URIRef:
    """A dataset of the catalogue, served by the endpoint: what every dataset states alike
    (publisher, language, coverage, access rights)."""
    dataset = URIRef(f"{catalog_base}/dataset/{dataset_id}")
    g.add((catalog, DCAT.dataset, dataset))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    g.add((dataset, DCTERMS.publisher, publisher.iri))
    g.add((dataset, DCTERMS.language, _eu("language", "NOB")))
    g.add((dataset, DCTERMS.spatial, _eu("country", "NOR")))
    g.add((dataset, DCTERMS.accessRights, _eu("access-right", "PUBLIC")))
    return dataset


def _texts(
    g: Graph, dataset: URIRef, title: Mapping[str, str], description: Mapping[str, str]
) -> None:
    """A dataset's title and description, in each language they are given in."""
    for lang, text in title.items():
        g.add((dataset, DCTERMS.title, Literal(text, lang=lang)))
    for lang, text in description.items():
        g.add((dataset, DCTERMS.description, Literal(text, lang=lang)))


def _provenance(g: Graph, dataset: URIRef, *labels: Literal) -> None:
    """A dataset's provenance statement, described by ``labels``."""
    provenance = URIRef(f"{dataset}/provenance")
    g.add((dataset, DCTERMS.provenance, provenance))
    g.add((provenance, RDF.type, DCTERMS.ProvenanceStatement))
    for label in labels:
        g.add((provenance, RDFS.label, label))


def _distributions(
    g: Graph, dataset: URIRef, dataset_id: str, base: str, service: URIRef, licence: str
) -> None:
    """A dataset's distributions: its dumps and the SPARQL endpoint."""
    for suffix, file_type, media_type, name in _DUMPS:
        distribution = URIRef(f"{dataset}/distribution/{suffix}")
        url = URIRef(f"{base}dumps/{dataset_id}.{suffix}")
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
        _licence(g, distribution, licence)
    endpoint = URIRef(f"{dataset}/distribution/sparql")
    g.add((dataset, DCAT.distribution, endpoint))
    g.add((endpoint, RDF.type, DCAT.Distribution))
    g.add((endpoint, DCTERMS.title, Literal("SPARQL-endepunkt", lang="nb")))
    g.add((endpoint, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    g.add((endpoint, DCAT.accessURL, URIRef(base + "sparql")))
    g.add((endpoint, DCAT.accessService, service))
    _licence(g, endpoint, licence)


def _import_dataset(
    g: Graph,
    members: list[Imported],
    dataset_id: str,
    catalog: URIRef,
    service: URIRef,
    publisher: Publisher,
    base: str,
    base_iri: str,
    catalog_base: str,
) -> str | None:
    """One source's imported graphs as a dataset; when it was last imported (or None)."""
    key = members[0].source
    dataset = _dataset(g, catalog, service, publisher, catalog_base, dataset_id)
    labels = sorted(
        {text for m in members for lang, text in m.labels.items() if lang in ("", "en")}
    )
    title, description, themes = _IMPORTS.get(
        key,
        (
            {"nb": f"Importerte data: {key}", "en": f"Imported data: {key}"},
            {"nb": "; ".join(labels) or key, "en": "; ".join(labels) or key},
            ("GOVE",),
        ),
    )
    _texts(g, dataset, title, description)
    for theme in themes:
        g.add((dataset, DCAT.theme, _eu("data-theme", theme)))
    g.add((dataset, DCAT.keyword, Literal(key, lang="nb")))
    licences = sorted({m.license for m in members if m.license})
    homes = sorted({m.publisher for m in members if m.publisher})
    urls = sorted({url for m in members for url in m.derived_from})
    where = ", ".join(homes) or key
    _provenance(
        g,
        dataset,
        Literal(
            f"Importert med plangraph import {key} fra {where}; hver graf har sin "
            "PROV-O-post (kilde-URL, lisens, tidspunkt).",
            lang="nb",
        ),
        Literal(
            f"Imported with plangraph import {key} from {where}; each graph carries its "
            "PROV-O record (source URL, licence, time).",
            lang="en",
        ),
    )
    for url in urls:
        g.add((dataset, PROV.wasDerivedFrom, URIRef(url)))
    g.add((dataset, VOID.triples, Literal(sum(m.triples for m in members))))
    for m in members:
        g.add((dataset, VOID.subset, URIRef(base_iri + m.graph[len(BASE) :])))
    stamps = [m.generated for m in members if m.generated]
    if stamps:
        g.add((dataset, DCTERMS.modified, Literal(max(stamps), datatype=XSD.dateTime)))
    # One source, one licence; graphs that disagree are stated as a rights statement.
    licence = licences[0] if len(licences) == 1 else "; ".join(licences) or "not recorded"
    _distributions(g, dataset, dataset_id, base, service, licence)
    return max(stamps) if stamps else None


def _licence(g: Graph, distribution: URIRef, licence: str) -> None:
    """A licence: an EU licence concept where it has one, else a rights statement."""
    code = _EU_LICENCES.get(licence.rstrip("/"))
    if code is not None:
        g.add((distribution, DCTERMS.license, _eu("licence", code)))
    else:
        rights = URIRef(f"{distribution}/rights")
        g.add((distribution, DCTERMS.rights, rights))
        g.add((rights, RDF.type, DCTERMS.RightsStatement))
        g.add((rights, RDFS.label, Literal(licence, lang="en")))


PREFIXES = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "void": str(VOID),
    "prov": str(PROV),
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
