"""``plangraph validate plan.yaml --measures tiltak.xlsx`` (and CSV) as a user runs it: the
measures join the plan, their names are looked up in the register the plan is validated against
(the store given, not the shipped datasets), and a bad sheet is exit 2 naming its cells."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from plangraph.store import PlanStore
from tests.support.paths import run_cli
from tests.support.validation_cases import EXAMPLES

PLAN = EXAMPLES / "action-plan.yaml"
STRATEGY = "Bergen kommune skal sikre universell utforming i barnehage- og skolebygg"
NEW_UNIT = "https://w3id.org/plangraph/id/4601/org-etat-provetjenester"
UNIT_TTL = """@prefix bk: <https://w3id.org/plangraph/id/4601/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix pg: <https://w3id.org/plangraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
bk:org-etat-provetjenester a pg:Agency ;
    skos:prefLabel "Etat for prøvetjenester"@nb ;
    rdfs:label "Etat for prøvetjenester"@nb, "Agency for Trial Services"@en ;
    org:unitOf bk:kommune .
"""
# Lists every measure's owner as an info finding, so that the test sees what the sheet added.
OWNERS = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix pg: <https://w3id.org/plangraph/ontology#> .
<https://test.example/shapes#Owners> a sh:PropertyShape ;
    sh:targetClass pg:Measure ; sh:path pg:owner ; sh:nodeKind sh:Literal ; sh:severity sh:Info .
"""
HEADER = ("Tiltak", "Strategi eller mål", "Ansvarlig", "Status", "Frist")
ROW = (
    "Eksempel: Prøveordning med skolebibliotek",
    STRATEGY,
    "Etat for prøvetjenester",
    "pågår",
    "31.12.2026",
)


@pytest.fixture(scope="module")
def store_with_new_unit(tmp_path_factory: pytest.TempPathFactory, loaded_store_path: Path) -> Path:
    """Bergen's register with one more agency, which plangraph's shipped datasets do not have."""
    where = tmp_path_factory.mktemp("measures")
    target = where / "store"
    shutil.copytree(loaded_store_path, target)
    unit = where / "unit.ttl"
    unit.write_text(UNIT_TTL, encoding="utf-8")
    store = PlanStore.open(target)
    store.load([("https://w3id.org/plangraph/graph/test-unit", unit)])
    store.close()
    return target


def _xlsx(path: Path, rows: list[tuple[Any, ...]], sheet: str = "Tiltak") -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(list(HEADER))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def _owners(tmp_path: Path) -> Path:
    path = tmp_path / "owners.ttl"
    path.write_text(OWNERS, encoding="utf-8")
    return path


def test_measures_from_xlsx_join_the_plan_with_names_from_the_store(
    tmp_path: Path, store_with_new_unit: Path
) -> None:
    sheet = _xlsx(tmp_path / "tiltak.xlsx", [ROW])
    args = ("validate", str(PLAN), "--measures", str(sheet), "--store", str(store_with_new_unit))
    result = run_cli(*args, "--shapes", str(_owners(tmp_path)), "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    owners = [f["value"]["value"] for f in report["findings"] if f["severity"] == "info"]
    assert NEW_UNIT in owners  # the sheet's measure, its owner found in the store
    assert len(owners) == 3  # the plan's own two measures and the sheet's
    assert not [f for f in report["findings"] if f["severity"] != "info"]
    plain = run_cli(*args)
    assert plain.returncode == 0, plain.stdout + plain.stderr


def test_a_name_only_the_store_knows_is_unknown_without_it(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    sheet = _xlsx(tmp_path / "tiltak.xlsx", [ROW])
    env = {"PLANGRAPH_STORE": str(tmp_path / "no-store")}  # the shipped datasets
    result = run_cli("validate", str(PLAN), "--measures", str(sheet), "--lang", "en", env=env)
    assert result.returncode == 2
    assert f"{sheet}[Tiltak]!C2" in result.stderr
    assert "Etat for prøvetjenester" in result.stderr


def test_measures_from_csv_and_their_errors_by_row_and_column(
    tmp_path: Path, store_with_new_unit: Path
) -> None:
    good = tmp_path / "tiltak.csv"
    good.write_text(";".join(HEADER) + "\n" + ";".join(ROW) + "\n", encoding="utf-8")
    store = ("--store", str(store_with_new_unit))
    result = run_cli("validate", str(PLAN), "--measures", str(good), *store)
    assert result.returncode == 0, result.stdout + result.stderr
    bad = tmp_path / "feil.csv"
    rows = [ROW, ("Eksempel: Uten frist", STRATEGY, "Etat for skole", "under arbeide", "3. mars")]
    bad.write_text(
        ";".join(HEADER) + "\n" + "\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8"
    )
    nb = run_cli("validate", str(PLAN), "--measures", str(bad), *store)
    en = run_cli("validate", str(PLAN), "--measures", str(bad), *store, "--lang", "en")
    assert nb.returncode == en.returncode == 2
    assert "Traceback" not in nb.stderr + en.stderr
    # A CSV cell is named by its line and column (row 3, column D = 4).
    assert f"{bad}:3:4: `status`: 'under arbeide' is not a measure status" in en.stderr
    assert f"{bad}:3:5: `deadline`: '3. mars' is not a date" in en.stderr
    assert f"{bad}:3:4: `status`: «under arbeide» er ikke" in nb.stderr
    assert nb.stdout == en.stdout == ""


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ((EXAMPLES / "action-plan.ttl",), "plain YAML or JSON"),
        ((PLAN, EXAMPLES / "theme-plan.yaml"), "exactly one file"),
    ],
)
def test_measures_need_one_plain_plan(
    tmp_path: Path, files: tuple[Path, ...], words: str, store_with_new_unit: Path
) -> None:
    sheet = _xlsx(tmp_path / "tiltak.xlsx", [ROW])
    result = run_cli(
        "validate", *map(str, files), "--measures", str(sheet), "--store", str(store_with_new_unit)
    )
    assert result.returncode == 2
    assert words in result.stderr


def test_an_unreadable_sheet_is_exit_2_naming_it(tmp_path: Path, store_with_new_unit: Path) -> None:
    store = ("--store", str(store_with_new_unit))
    missing = tmp_path / "missing.xlsx"
    result = run_cli("validate", str(PLAN), "--measures", str(missing), *store)
    assert result.returncode == 2 and str(missing) in result.stderr
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    result = run_cli("validate", str(PLAN), "--measures", str(broken), *store)
    assert result.returncode == 2 and str(broken) in result.stderr
    assert "Traceback" not in result.stderr
