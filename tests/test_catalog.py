"""The register's DCAT-AP-NO catalogue conforms to the national shapes."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS

from plangraph import catalog, datasets
from plangraph.store import PlanStore
from tests.conftest import ROOT, run_cli

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = ROOT / "tests" / "dcat-ap-no" / "DCAT-AP-NO-shacl_shapes_2.00.ttl"


def results(graph: Graph) -> list[tuple[str, str, str]]:
    """(severity, focus node, path) of every finding of the DCAT-AP-NO shapes."""
    shapes = Graph().parse(SHAPES, format="turtle")
    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, allow_warnings=True)
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        found.append(
            (
                str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[1],
                str(report.value(result, SH.focusNode)),
                str(report.value(result, SH.resultPath)),
            )
        )
    return sorted(found)


def test_the_catalogue_conforms_to_dcat_ap_no(loaded_store: PlanStore) -> None:
    graph = catalog.build(
        datasets.default_datasets(), loaded_store.graphs(), "https://plangraph.example.org/"
    )
    found = results(graph)
    assert [f for f in found if f[0] == "Violation"] == []
    # The only warnings: the UN SDG snapshot's licence is not in the EU licence table (it is a
    # citation requirement, stated as a rights statement instead).
    assert {(sev, path) for sev, _, path in found} <= {("Warning", str(DCTERMS.license))}
    assert all("/dataset/sdg/" in focus for _, focus, _ in found)


def test_the_catalogue_describes_every_dataset_with_its_distributions(
    loaded_store: PlanStore,
) -> None:
    graph = catalog.build(
        datasets.default_datasets(), loaded_store.graphs(), "https://plangraph.example.org/"
    )
    root = URIRef(catalog.CATALOG_BASE)
    described = set(graph.objects(root, DCAT.dataset))
    assert {str(d).rsplit("/", 1)[1] for d in described} == {
        ds.id for ds in datasets.default_datasets()
    }
    bergen = URIRef(catalog.CATALOG_BASE + "/dataset/bergen")
    urls = {str(graph.value(d, DCAT.accessURL)) for d in graph.objects(bergen, DCAT.distribution)}
    assert urls == {
        "https://plangraph.example.org/dumps/bergen.ttl",
        "https://plangraph.example.org/dumps/bergen.nq",
        "https://plangraph.example.org/sparql",
    }
    assert graph.value(bergen, DCTERMS.publisher) == URIRef(
        "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/964338531"
    )
    triples = graph.value(bergen, URIRef("http://rdfs.org/ns/void#triples"))
    assert isinstance(triples, Literal) and int(triples) > 1000


def test_a_broken_catalogue_is_caught_by_the_shapes(loaded_store: PlanStore) -> None:
    """The check has teeth: a dataset without a title is a violation."""
    graph = catalog.build(
        datasets.default_datasets(), loaded_store.graphs(), "https://plangraph.example.org/"
    )
    bergen = URIRef(catalog.CATALOG_BASE + "/dataset/bergen")
    graph.remove((bergen, DCTERMS.title, None))
    assert ("Violation", str(bergen), str(DCTERMS.title)) in results(graph)


def test_the_cli_exports_the_catalogue(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_cli("load", "--store", str(store)).returncode == 0
    out = tmp_path / "catalog.jsonld"
    result = run_cli("catalog", "--store", str(store), "--format", "json-ld", "--out", str(out))
    assert result.returncode == 0, result.stderr
    # pyoxigraph reads JSON-LD without rdflib's deprecated ConjunctiveGraph path.
    quads = {(str(q.subject), str(q.predicate), str(q.object)) for q in ox.parse(path=out)}
    assert (f"<{catalog.CATALOG_BASE}>", f"<{RDF.type}>", f"<{DCAT.Catalog}>") in quads


def test_the_catalogue_follows_the_published_base(loaded_store: PlanStore) -> None:
    """Published under another base, the catalogue and the graphs it lists are under it too."""
    graph = catalog.build(
        datasets.default_datasets(),
        loaded_store.graphs(),
        "http://127.0.0.1:8000/",
        base_iri="http://127.0.0.1:8000/",
    )
    assert (URIRef("http://127.0.0.1:8000/catalog"), RDF.type, DCAT.Catalog) in graph
    subsets = {str(o) for o in graph.objects(None, URIRef("http://rdfs.org/ns/void#subset"))}
    assert "http://127.0.0.1:8000/graph/bergen/plans" in subsets
    assert not any(s.startswith("https://w3id.org/") for s in subsets)
    assert [f for f in results(graph) if f[0] == "Violation"] == []
