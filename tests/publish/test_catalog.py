"""The register's DCAT-AP-NO catalogue conforms to the national shapes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS

from plangraph.data import datasets
from plangraph.importers import base, brreg, klass, los, ssb
from plangraph.publish import catalog
from plangraph.store import PlanStore
from tests.support.paths import ROOT, run_cli

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


# -- the imported open data -------------------------------------------------------------------

SAVED = ROOT / "data" / "saved"
TABLE_1236 = SAVED / "klass" / "correspondencetables-1236.csv"
PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
VOID_SUBSET = URIRef("http://rdfs.org/ns/void#subset")
EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/"


@pytest.fixture(scope="module")
def imported_store(loaded_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The loaded register with saved real answers of four sources imported, on disk."""
    path = tmp_path_factory.mktemp("imported") / "store"
    shutil.copytree(loaded_store_path, path)
    store = PlanStore.open(path)
    try:
        base.run(klass.organisations_job(), store, saved=[TABLE_1236])
        base.run(
            brreg.organisation_job("923609016"),
            store,
            saved=[SAVED / "brreg" / "enheter-923609016.json"],
        )
        base.run(
            ssb.job("07459", "4601"),
            store,
            saved=[SAVED / "ssb" / "07459-municipalities-2022.json"],
        )
        los_files = [SAVED / "los" / "tema" / f"{slug}.rdf" for slug in los.THEMES]
        base.run(los.themes_job(), store, saved=los_files)
    finally:
        store.close()
    return path


def _with_imports(path: Path, public_url: str = "https://plangraph.example.org/") -> Graph:
    store = PlanStore.open(path)
    try:
        return catalog.build(
            datasets.default_datasets(),
            store.graphs(),
            public_url,
            imported=catalog.imports(store.raw),
        )
    finally:
        store.close()


def _licences(graph: Graph, dataset: URIRef) -> set[str]:
    return {str(graph.value(d, DCTERMS.license)) for d in graph.objects(dataset, DCAT.distribution)}


def test_the_imported_statistics_are_datasets_with_licence_and_source(
    imported_store: Path,
) -> None:
    graph = _with_imports(imported_store)
    root = URIRef(catalog.CATALOG_BASE)
    listed = {str(d).rsplit("/", 1)[1] for d in graph.objects(root, DCAT.dataset)}
    assert {"import-klass", "import-brreg", "import-ssb", "import-los"} <= listed
    klass_ds = URIRef(catalog.CATALOG_BASE + "/dataset/import-klass")
    assert (klass_ds, RDF.type, DCAT.Dataset) in graph
    assert {str(t) for t in graph.objects(klass_ds, DCTERMS.title)} >= {
        "Kommuner og organisasjonsnumre fra KLASS (importert)"
    }
    descriptions = graph.objects(klass_ds, DCTERMS.description)
    assert {t.language for t in descriptions if isinstance(t, Literal)} == {"nb", "en"}
    # The licence and the source come from the import's PROV-O record.
    assert _licences(graph, klass_ds) == {EU_LICENCE + "CC_BY_4_0"}
    assert set(graph.objects(klass_ds, PROV_DERIVED)) == {
        URIRef("https://data.ssb.no/api/klass/v1/correspondencetables/1236.csv")
    }
    assert set(graph.objects(klass_ds, VOID_SUBSET)) == {
        URIRef("https://w3id.org/plangraph/graph/import/klass/correspondence-1236")
    }
    assert graph.value(klass_ds, DCTERMS.modified) is not None
    brreg_ds = URIRef(catalog.CATALOG_BASE + "/dataset/import-brreg")
    assert _licences(graph, brreg_ds) == {EU_LICENCE + "NLOD_2_0"}
    assert URIRef("https://data.brreg.no/enhetsregisteret/api/enheter/923609016") in set(
        graph.objects(brreg_ds, PROV_DERIVED)
    )
    urls = {str(graph.value(d, DCAT.accessURL)) for d in graph.objects(klass_ds, DCAT.distribution)}
    assert urls == {
        "https://plangraph.example.org/dumps/import-klass.ttl",
        "https://plangraph.example.org/dumps/import-klass.nq",
        "https://plangraph.example.org/sparql",
    }
    ssb_ds = URIRef(catalog.CATALOG_BASE + "/dataset/import-ssb")
    triples = graph.value(ssb_ds, URIRef("http://rdfs.org/ns/void#triples"))
    assert isinstance(triples, Literal) and int(triples) > 10


def test_the_catalogue_with_imports_conforms_to_dcat_ap_no(imported_store: Path) -> None:
    found = results(_with_imports(imported_store))
    assert [f for f in found if f[0] == "Violation"] == []
    assert all("/dataset/sdg/" in focus for _, focus, _ in found)


def test_the_cli_catalogue_lists_an_import(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    assert run_cli("load", "--store", store).returncode == 0
    imported = run_cli("import", "klass-orgnr", "--saved", str(TABLE_1236), "--store", store)
    assert imported.returncode == 0, imported.stderr
    result = run_cli("catalog", "--store", store, "--format", "nt")
    assert result.returncode == 0, result.stderr
    dataset = f"<{catalog.CATALOG_BASE}/dataset/import-klass>"
    assert f"<{catalog.CATALOG_BASE}> <{DCAT.dataset}> {dataset} ." in result.stdout
    assert f"{dataset} <{PROV_DERIVED}> " in result.stdout
