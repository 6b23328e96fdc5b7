"""``plangraph validate --shapes`` and ``--only-shapes`` as a user runs them: shapes of their own
(a hand-written one, and the national DCAT-AP-NO shapes on ``plangraph catalog``'s output),
with both engines, and shapes that cannot be used (exit 2, naming the file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import rdflib
from rdflib.namespace import DCTERMS

from plangraph.publish import catalog
from tests.support.paths import ROOT, run_cli
from tests.support.validation_cases import EXAMPLES

DCAT_AP_NO = ROOT / "tests" / "dcat-ap-no" / "DCAT-AP-NO-shacl_shapes_2.00.ttl"
CASE_NUMBER = "https://bergen.example/shapes#CaseNumber"

# A municipality's own rule, never seen by the project: every plan gives its case number.
OWN_SHAPE = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix pg: <https://w3id.org/plangraph/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://bergen.example/shapes#CaseNumber> a sh:NodeShape ;
    sh:targetClass pg:PlanDocument ;
    sh:property [ sh:path dct:identifier ; sh:minCount 1 ;
        sh:message "Planen mangler saksnummer"@nb, "The plan has no case number"@en ] .
"""


@pytest.fixture
def no_store(tmp_path: Path) -> dict[str, str]:
    return {"PLANGRAPH_STORE": str(tmp_path / "no-store")}


@pytest.fixture
def own_shape(tmp_path: Path) -> Path:
    path = tmp_path / "case-number.ttl"
    path.write_text(OWN_SHAPE, encoding="utf-8")
    return path


def _report(*args: str, env: dict[str, str] | None = None, code: int = 1) -> dict[str, Any]:
    result = run_cli("validate", *args, "--format", "json", env=env)
    assert result.returncode == code, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert isinstance(report, dict)
    return report


def test_an_own_shape_adds_its_finding_and_only_shapes_drops_the_shipped_ones(
    own_shape: Path, no_store: dict[str, str]
) -> None:
    plan = str(EXAMPLES / "mistakes" / "briefing-with-goals.ttl")
    shipped = {f["rule"] for f in _report(plan, env=no_store)["findings"]}
    both = _report(plan, "--shapes", str(own_shape), env=no_store)
    alone = _report(plan, "--shapes", str(own_shape), "--only-shapes", env=no_store)
    assert "R14" in shipped and CASE_NUMBER not in shipped
    assert {f["rule"] for f in both["findings"]} == shipped | {CASE_NUMBER}
    assert {f["rule"] for f in alone["findings"]} == {CASE_NUMBER}
    finding = alone["findings"][0]
    assert finding["message"] == {
        "nb": "Planen mangler saksnummer",
        "en": "The plan has no case number",
    }
    assert finding["engine"] == "oxigraph"
    text = run_cli("validate", plan, "--shapes", str(own_shape), "--lang", "en", env=no_store)
    assert text.returncode == 1 and "The plan has no case number" in text.stdout


def test_own_shapes_work_with_the_reference_engine_too(
    own_shape: Path, no_store: dict[str, str]
) -> None:
    plan = str(EXAMPLES / "mistakes" / "briefing-with-goals.ttl")
    args = (plan, "--shapes", str(own_shape), "--only-shapes")
    fast = _report(*args, env=no_store)
    reference = _report(*args, "--engine", "pyshacl", env=no_store)

    def rows(report: dict[str, Any]) -> list[tuple[str, str, str]]:
        return sorted((f["rule"], f["focus"]["value"], f["severity"]) for f in report["findings"])

    assert rows(fast) == rows(reference) != []
    assert {f["engine"] for f in reference["findings"]} == {"pyshacl"}


def test_a_conforming_plan_conforms_to_a_shape_it_meets(
    tmp_path: Path, own_shape: Path, no_store: dict[str, str]
) -> None:
    plan = tmp_path / "plan.ttl"
    text = (EXAMPLES / "theme-plan.ttl").read_text(encoding="utf-8")
    plan.write_text(
        text + '\nbk:example-sub-theme-plan <http://purl.org/dc/terms/identifier> "2025/123" .\n',
        encoding="utf-8",
    )
    report = _report(str(plan), "--shapes", str(own_shape), env=no_store, code=0)
    assert report["conforms"] is True and report["findings"] == []


def test_the_dcat_ap_no_shapes_judge_the_catalogue(tmp_path: Path, loaded_store_path: Path) -> None:
    """The national shapes, which the project never wrote, on ``plangraph catalog``'s output
    with one defect: both engines find it, and nothing of plangraph's own rules is reported."""
    exported = run_cli("catalog", "--store", str(loaded_store_path))
    assert exported.returncode == 0, exported.stderr
    graph = rdflib.Graph().parse(data=exported.stdout, format="turtle")
    dataset = rdflib.URIRef(catalog.CATALOG_BASE + "/dataset/bergen")
    assert (dataset, DCTERMS.title, None) in graph
    graph.remove((dataset, DCTERMS.title, None))
    file = tmp_path / "catalogue.ttl"
    file.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    args = (str(file), "--shapes", str(DCAT_AP_NO), "--only-shapes")
    args += ("--store", str(loaded_store_path))
    fast = _report(*args)
    reference = _report(*args, "--engine", "pyshacl")

    def rows(report: dict[str, Any]) -> list[tuple[str, str, str | None, str]]:
        return sorted(
            (f["severity"], f["focus"]["value"], f["path"], f["component"])
            for f in report["findings"]
        )

    assert rows(fast) == rows(reference)
    assert ("violation", str(dataset), "dct:title") in {(s, f, p) for s, f, p, _ in rows(fast)}
    assert all(f["rule"].startswith("https://data.norge.no/") for f in fast["findings"])
    # With the defect mended, the catalogue conforms (warnings about licences allowed).
    whole = tmp_path / "whole.ttl"
    whole.write_text(exported.stdout, encoding="utf-8")
    assert _report(str(whole), *args[1:], code=0)["conforms"] is True


def test_the_register_can_be_checked_against_own_shapes_alone(
    own_shape: Path, loaded_store_path: Path
) -> None:
    report = _report(
        "--register", "--store", str(loaded_store_path), "--shapes", str(own_shape), "--only-shapes"
    )
    assert report["checked"] == "register"
    assert report["findings"] and {f["rule"] for f in report["findings"]} == {CASE_NUMBER}


BAD_SHAPES = {
    "unparseable": ("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<a:s> sh:minCount .", ":2:"),
    "not SHACL": (
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<a:s> sh:targetNode <a:x> ; sh:maxCount 'x' .",
        "sh:maxCount must be an integer",
    ),
    "empty": ("", "empty"),
    "refused SPARQL": (
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<a:s> sh:targetNode <a:x> ; sh:sparql [ "
        'sh:select "SELECT $this WHERE { $this ?p ?o MINUS { $this ?p ?o } }" ] .',
        "MINUS",
    ),
}


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize("kind", sorted(BAD_SHAPES))
def test_shapes_that_cannot_be_used_are_exit_2_naming_the_file(
    tmp_path: Path, kind: str, engine: str, no_store: dict[str, str]
) -> None:
    text, problem = BAD_SHAPES[kind]
    bad = tmp_path / "extra.ttl"
    bad.write_text(text, encoding="utf-8")
    plan = str(EXAMPLES / "theme-plan.ttl")
    result = run_cli("validate", plan, "--shapes", str(bad), "--engine", engine, env=no_store)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"error: {bad}" in result.stderr.replace("\n", "")
    assert problem in result.stderr
    assert result.stdout == ""


def test_an_unreadable_shapes_file_is_exit_2(tmp_path: Path, no_store: dict[str, str]) -> None:
    plan = str(EXAMPLES / "theme-plan.ttl")
    missing = tmp_path / "missing.ttl"
    result = run_cli("validate", plan, "--shapes", str(missing), env=no_store)
    assert result.returncode == 2
    assert f"{missing}: No such file or directory" in result.stderr
    folder = run_cli("validate", plan, "--shapes", str(tmp_path), env=no_store)
    assert folder.returncode == 2 and str(tmp_path) in folder.stderr
    assert "Traceback" not in result.stderr + folder.stderr


def test_the_second_of_two_files_is_named_when_it_alone_is_wrong(
    tmp_path: Path, own_shape: Path, no_store: dict[str, str]
) -> None:
    bad = tmp_path / "second.ttl"
    bad.write_text(BAD_SHAPES["not SHACL"][0], encoding="utf-8")
    plan = str(EXAMPLES / "theme-plan.ttl")
    result = run_cli(
        "validate", plan, "--shapes", str(own_shape), "--shapes", str(bad), env=no_store
    )
    assert result.returncode == 2
    assert f"error: {bad}: " in result.stderr.replace("\n", "")
    assert str(own_shape) not in result.stderr


def test_only_shapes_without_shapes_is_a_usage_error(no_store: dict[str, str]) -> None:
    result = run_cli("validate", str(EXAMPLES / "theme-plan.ttl"), "--only-shapes", env=no_store)
    assert result.returncode == 2
    assert "--only-shapes needs one or more --shapes" in result.stderr
