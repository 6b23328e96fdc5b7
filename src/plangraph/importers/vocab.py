"""The RDF terms more than one importer writes, named once, from the project's namespaces."""

from __future__ import annotations

import pyoxigraph as ox

from plangraph.namespaces import PREFIXES


def term(name: str) -> ox.NamedNode:
    """The IRI of a prefixed name of :data:`plangraph.namespaces.PREFIXES` (``skos:Concept``)."""
    prefix, local = name.split(":", 1)
    return ox.NamedNode(PREFIXES[prefix] + local)


RDF_TYPE = term("rdf:type")
RDFS_LABEL = term("rdfs:label")
RDFS_COMMENT = term("rdfs:comment")
RDFS_SEE_ALSO = term("rdfs:seeAlso")
SKOS_CONCEPT = term("skos:Concept")
SKOS_SCHEME = term("skos:ConceptScheme")
SKOS_IN_SCHEME = term("skos:inScheme")
SKOS_NOTATION = term("skos:notation")
SKOS_PREF_LABEL = term("skos:prefLabel")
SKOS_ALT_LABEL = term("skos:altLabel")
SKOS_EXACT_MATCH = term("skos:exactMatch")
SKOS_CLOSE_MATCH = term("skos:closeMatch")
DCT_IDENTIFIER = term("dct:identifier")
DCT_SPATIAL = term("dct:spatial")
DCT_REPLACES = term("dct:replaces")
DCT_IS_REPLACED_BY = term("dct:isReplacedBy")
OWL_SAME_AS = term("owl:sameAs")
OWL_VERSION_INFO = term("owl:versionInfo")
FOAF_NAME = term("foaf:name")
XSD_DATE = term("xsd:date")
XSD_DATETIME = term("xsd:dateTime")
PG_ORGANISATION_NUMBER = term("pg:organisationNumber")


def bilingual(
    subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode, nb: str, en: str
) -> list[ox.Triple]:
    """The same text in Norwegian bokmål and English, as two language-tagged literals."""
    return [
        ox.Triple(subject, predicate, ox.Literal(nb, language="nb")),
        ox.Triple(subject, predicate, ox.Literal(en, language="en")),
    ]
