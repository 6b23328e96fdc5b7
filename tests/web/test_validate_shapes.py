"""``POST /validate`` with shapes of the user's own, through a real server: ``shapes`` parts
(repeatable) and ``only_shapes``, on the API and the form; the W3C report as JSON-LD; shapes that
cannot be used answered 400/422 naming the part; pyshacl never runs for a request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCTERMS

from plangraph.publish import catalog
from tests.support.paths import ROOT, run_cli
from tests.support.server import Server
from tests.support.validation_cases import EXAMPLES

BRIEFING_MISTAKE = (EXAMPLES / "mistakes" / "briefing-with-goals.ttl").read_bytes()
DCAT_AP_NO = ROOT / "tests" / "dcat-ap-no" / "DCAT-AP-NO-shacl_shapes_2.00.ttl"
CASE_NUMBER = "https://bergen.example/shapes#CaseNumber"
OWN_SHAPE = b"""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix pg: <https://w3id.org/plangraph/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://bergen.example/shapes#CaseNumber> a sh:NodeShape ;
    sh:targetClass pg:PlanDocument ;
    sh:property [ sh:path dct:identifier ; sh:minCount 1 ;
        sh:message "Planen mangler saksnummer"@nb, "The plan has no case number"@en ] .
"""
# A shape that refers to itself: the fast engine leaves such shapes to pyshacl.
RECURSIVE = b"""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix pg: <https://w3id.org/plangraph/ontology#> .
<https://bergen.example/shapes#Chain> a sh:NodeShape ;
    sh:targetClass pg:PlanDocument ;
    sh:property [ sh:path pg:replacesPlan ; sh:node <https://bergen.example/shapes#Chain> ] .
"""


@pytest.fixture(scope="module")
def client(bergen: Server) -> Iterator[httpx.Client]:
    """A real server on a port, over Bergen's register."""
    with bergen.client() as test_client:
        yield test_client


Files = list[tuple[str, tuple[str, bytes, str]]]


def _files(plan: bytes = BRIEFING_MISTAKE, *shapes: tuple[str, bytes]) -> Files:
    files: Files = [("file", ("plan.ttl", plan, "text/turtle"))]
    files += [("shapes", (name, data, "text/turtle")) for name, data in shapes]
    return files


def _post(
    client: httpx.Client, files: Files, accept: str = "application/json", **data: str
) -> httpx.Response:
    return client.post("/validate", files=files, data=data, headers={"Accept": accept})


def _rules(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return {f["rule"] for f in report["findings"]}


def test_a_shapes_part_adds_its_findings_and_only_shapes_drops_the_shipped_ones(
    client: httpx.Client,
) -> None:
    shipped = _rules(_post(client, _files()))
    both = _rules(_post(client, _files(BRIEFING_MISTAKE, ("own.ttl", OWN_SHAPE))))
    alone = _post(client, _files(BRIEFING_MISTAKE, ("own.ttl", OWN_SHAPE)), only_shapes="on")
    assert "R14" in shipped and CASE_NUMBER not in shipped
    assert both == shipped | {CASE_NUMBER}
    assert _rules(alone) == {CASE_NUMBER}
    finding = alone.json()["findings"][0]
    assert finding["message"]["en"] == "The plan has no case number"
    assert finding["engine"] == "oxigraph"


def test_shapes_parts_are_repeatable(client: httpx.Client) -> None:
    other = OWN_SHAPE.replace(b"CaseNumber", b"CaseNumber2")
    files = _files(BRIEFING_MISTAKE, ("a.ttl", OWN_SHAPE), ("b.ttl", other))
    assert _rules(_post(client, files, only_shapes="true")) == {CASE_NUMBER, CASE_NUMBER + "2"}


def test_the_dcat_ap_no_shapes_judge_a_catalogue_over_http(
    client: httpx.Client, loaded_store_path: Path
) -> None:
    exported = run_cli("catalog", "--store", str(loaded_store_path))
    assert exported.returncode == 0, exported.stderr
    catalogue = exported.stdout.encode()
    response = _post(
        client, _files(catalogue, ("dcat-ap-no.ttl", DCAT_AP_NO.read_bytes())), only_shapes="on"
    )
    report = response.json()
    assert response.status_code == 200 and report["conforms"] is True, response.text
    assert report["findings"]  # the licence warnings of the national shapes
    assert all(f["rule"].startswith("https://data.norge.no/") for f in report["findings"])
    graph = rdflib.Graph().parse(data=exported.stdout, format="turtle")
    dataset = rdflib.URIRef(catalog.CATALOG_BASE + "/dataset/bergen")
    graph.remove((dataset, DCTERMS.title, None))
    broken = graph.serialize(format="turtle").encode()
    response = _post(
        client, _files(broken, ("dcat-ap-no.ttl", DCAT_AP_NO.read_bytes())), only_shapes="on"
    )
    assert response.status_code == 200 and response.json()["conforms"] is False
    violations = [f for f in response.json()["findings"] if f["severity"] == "violation"]
    assert [(f["focus"]["value"], f["path"]) for f in violations] == [(str(dataset), "dct:title")]


def test_accept_json_ld_gives_the_w3c_validation_report(client: httpx.Client) -> None:
    response = _post(
        client, _files(BRIEFING_MISTAKE, ("own.ttl", OWN_SHAPE)), "application/ld+json"
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    store = ox.Store()
    store.load(response.content, format=ox.RdfFormat.JSON_LD)
    ask = store.query(
        "PREFIX sh: <http://www.w3.org/ns/shacl#> ASK { ?r a sh:ValidationReport ; "
        "sh:conforms false ; sh:result [ sh:resultSeverity sh:Violation ; "
        'sh:resultMessage "The plan has no case number"@en ] }'
    )
    assert bool(ask)


@pytest.mark.parametrize(
    ("shapes", "status", "words"),
    [
        (
            b"@prefix sh: <http://www.w3.org/ns/shacl#> .\n<a:s> sh:minCount .",
            400,
            ":2: the shapes cannot be read",
        ),
        (b"", 400, "the shapes graph is empty"),
        (
            b"@prefix sh: <http://www.w3.org/ns/shacl#> .\n<a:s> sh:targetNode <a:x> ; sh:maxCount 'x' .",
            422,
            "sh:maxCount must be an integer",
        ),
        (RECURSIVE, 422, "shape https://bergen.example/shapes#Chain in shapes part 'bad.ttl'"),
    ],
    ids=["unparseable", "empty", "not SHACL", "needs pyshacl"],
)
def test_shapes_that_cannot_be_used_are_refused_naming_the_part(
    client: httpx.Client, shapes: bytes, status: int, words: str
) -> None:
    response = _post(client, _files(BRIEFING_MISTAKE, ("bad.ttl", shapes)))
    assert response.status_code == status, response.text
    message = response.json()["error"]["message"]
    assert "shapes part 'bad.ttl'" in message
    assert words in message
    text = _post(client, _files(BRIEFING_MISTAKE, ("bad.ttl", shapes)), "text/plain")
    assert text.status_code == status and "shapes part 'bad.ttl'" in text.text


def test_pyshacl_is_never_run_for_a_request(client: httpx.Client) -> None:
    response = _post(client, _files(BRIEFING_MISTAKE, ("bad.ttl", RECURSIVE)))
    assert response.status_code == 422
    message = response.json()["error"]["message"]
    assert "pyshacl may not judge them here" in message and "recursive" in message


def test_only_shapes_without_shapes_is_a_400(client: httpx.Client) -> None:
    nb = _post(client, _files(), only_shapes="on")
    en = _post(client, _files(), only_shapes="on", lang="en")
    assert nb.status_code == en.status_code == 400
    assert nb.json()["error"]["message"] == "only_shapes krever minst én shapes-fil"
    assert en.json()["error"]["message"] == "only_shapes needs one or more shapes files"


def test_the_form_takes_shapes_files(client: httpx.Client) -> None:
    page = client.get("/validate", params={"lang": "en"})
    assert '<input type="file" name="shapes" multiple' in page.text
    assert 'name="only_shapes"' in page.text
    # A browser sends an empty part for a file input left empty: no shapes, not an error.
    empty: Files = [*_files(), ("shapes", ("", b"", "application/octet-stream"))]
    assert "R14" in _rules(_post(client, empty))
    answer = _post(
        client,
        _files(BRIEFING_MISTAKE, ("own.ttl", OWN_SHAPE)),
        "text/html",
        lang="en",
        only_shapes="on",
    )
    assert answer.status_code == 200
    assert "The plan has no case number" in answer.text and "R14" not in answer.text
    refused = _post(
        client, _files(BRIEFING_MISTAKE, ("bad.ttl", RECURSIVE)), "text/html", lang="en"
    )
    assert refused.status_code == 422
    assert "The shapes cannot be used" in refused.text and "bad.ttl" in refused.text
    assert '<form method="post"' in refused.text
