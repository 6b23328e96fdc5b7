"""The IRIs plangraph mints and the prefixes it shows them with."""

from __future__ import annotations

import re

PG = "https://w3id.org/plangraph/ontology#"
BASE = "https://w3id.org/plangraph/"
GRAPH_BASE = BASE + "graph/"
META_GRAPH = GRAPH_BASE + "_meta"
IMPORT_GRAPH_BASE = GRAPH_BASE + "import/"
"""Where the named graphs of imports live: ``…/graph/import/{source}/{what}``."""
STAGING_PREFIX = "urn:plangraph:staging:"

LABELS = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "http://xmlns.com/foaf/0.1/name",
)
"""What names a resource on a page, in the order a page prefers them."""

PREFIXES: dict[str, str] = {
    "pg": PG,
    "pgkind": BASE + "concept/plan-kind/",
    "pgstatus": BASE + "concept/lifecycle-status/",
    "pgoutcome": BASE + "concept/assessment-outcome/",
    "pgms": BASE + "concept/measure-status/",
    "pgscope": BASE + "concept/goal-scope/",
    "pgfig": BASE + "concept/planning-figure/",
    "bk": BASE + "id/4601/",
    "src": BASE + "id/source/",
    "pbl": BASE + "eli/lov/2008/06/27/71/",
    "koml": BASE + "eli/lov/2018/06/22/83/",
    "sdg": "http://metadata.un.org/sdg/",
    "sdgo": "http://metadata.un.org/sdg/ontology#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def sparql_prologue() -> str:
    """PREFIX declarations for every prefix above, for hand-written queries."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


def compact(iri: str) -> str:
    """An IRI as ``prefix:local`` with the project's prefixes (the longest match), else itself."""
    best = ""
    for name, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            local = iri[len(namespace) :]
            if re.fullmatch(r"[A-Za-z0-9_.\-]*", local) and not local.endswith("."):
                best = name
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri
