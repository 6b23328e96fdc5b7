"""Measures from a spreadsheet (XLSX written here with openpyxl, and CSV) into a plain plan: the
same plan as the measures written in YAML, and every error with its sheet, row and column."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from plangraph.validation import Register, SubmissionError, parse, read_file, validate
from plangraph.validation.plain import MeasureFile, PlainError, read_tree, tree_of
from plangraph.validation.plain.sheets import measures
from tests.validation.test_plain import PG, _graph, dotted

PLAN = """kind: temaplan
title: "Eksempel: Temaplan for skolemiljø"
municipality: Bergen kommune
owner: BBS
supportsPlan: Bergen 2030
status: under arbeid
statusAsOf: 01.10.2025
source: Illustrativt eksempel – ikke et faktum om Bergen
goals:
  - label: "Eksempel: Alle elever trives"
    scope: byen
    contributesTo: Trygg
    sdgs: 4
    strategies:
      - "Eksempel: Tidlig innsats"
      - "Eksempel: Trygge skoleveier"
"""

HEADER = (
    "Tiltak",
    "Strategi eller mål",
    "Ansvarlig",
    "Status",
    "Frist",
    "Bærekraftsmål",
    "# Kommentar",
)
ROWS: list[tuple[Any, ...]] = [
    ("Eksempel: Ressursteam i hver bydel", "Eksempel: Tidlig innsats", "Etat for skole", "Pågår", datetime.datetime(2026, 12, 31), "4.1; 11.2", "budsjett avklart"),
    ("Eksempel: Gangfelt ved alle skoler", "Eksempel: Trygge skoleveier", "Etat for plan og geodata", "planlagt", "30.06.2027", 11, None),
    (None, None, None, None, None, None, None),  # an empty row is skipped
    ("Eksempel: Trivselsundersøkelse", "Eksempel: Alle elever trives", 964338531, "fullført", 2025, None, "ferdig"),
]  # fmt: skip

# The same measures, written in YAML under the plan.
IN_YAML = """measures:
  - label: "Eksempel: Ressursteam i hver bydel"
    implementsStrategy: "Eksempel: Tidlig innsats"
    owner: Etat for skole
    status: pågår
    deadline: 2026-12-31
    sdgs: [4.1, 11.2]
  - label: "Eksempel: Gangfelt ved alle skoler"
    implementsStrategy: "Eksempel: Trygge skoleveier"
    owner: Etat for plan og geodata
    status: ikke startet
    deadline: 30.06.2027
    sdgs: 11
  - label: "Eksempel: Trivselsundersøkelse"
    servesGoal: "Eksempel: Alle elever trives"
    owner: Bergen kommune
    status: fullført
    deadline: 2025
"""


def workbook(
    rows: list[tuple[Any, ...]], *, sheet: str = "Tiltak", header: tuple[str, ...] = HEADER
) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_spreadsheet_of_measures_round_trips_into_the_plan(register: Register) -> None:
    sheet = MeasureFile("tiltak.xlsx", workbook(ROWS))
    from_sheet = parse(PLAN.encode(), name="plan.yaml", register=register, measures=[sheet])
    from_yaml = parse((PLAN + IN_YAML).encode(), name="plan.yaml", register=register)
    unnamed = ("urn:plangraph:blank:",)
    assert _graph(from_sheet.triples, unnamed).isomorphic(_graph(from_yaml.triples, unnamed))
    measures_ = [t for t in from_sheet.triples if t.object.value == PG + "Measure"]
    assert len(measures_) == 3
    report = validate([from_sheet], register=register)
    assert report.conforms and not report.findings, [f.message["en"] for f in report.findings]
    owner = next(r for r in from_sheet.resolutions if r.text == "964338531")
    assert str(owner.where) == "tiltak.xlsx[Tiltak]!C5" and owner.via == "organisation number"


def test_every_cell_of_a_sheet_states_triples(register: Register) -> None:
    sheet = MeasureFile("tiltak.xlsx", workbook(ROWS))
    root = tree_of(PLAN, source="plan.yaml", syntax="yaml")
    result = read_tree(root, register=register, sheets=[sheet])
    rows = measures([sheet])
    assert [dotted(path) for path, _ in rows] == [
        "measures@tiltak.xlsx[Tiltak][2]",
        "measures@tiltak.xlsx[Tiltak][3]",
        "measures@tiltak.xlsx[Tiltak][5]",
    ]
    for path, node in rows:
        for key, _ in node.pairs():
            assert result.trace.get((*path, key.value), 0) >= 1, (path, key.value)


def test_a_sheets_errors_name_the_sheet_row_and_column(register: Register) -> None:
    rows = [
        ("Eksempel: A", "Eksempel: Tidlig innsats", "Etat for skoler", "under arbeide", "3. mars 2026", "4.1"),
        ("Eksempel: B", "Eksempel: Finnes ikke", "BBS", "pågår", None, "99", "uten overskrift"),
    ]  # fmt: skip
    header = HEADER[:6]
    sheet = MeasureFile("tiltak.xlsx", workbook(rows, sheet="Oversikt", header=header))
    with pytest.raises(SubmissionError) as caught:
        parse(PLAN.encode(), name="plan.yaml", register=register, measures=[sheet])
    found = {str(p.where): p.message["en"] for p in caught.value.problems}
    assert "did you mean 'Etat for skole'" in found["tiltak.xlsx[Oversikt]!C2"]
    assert "'under arbeide' is not a measure status" in found["tiltak.xlsx[Oversikt]!D2"]
    assert "'3. mars 2026' is not a date" in found["tiltak.xlsx[Oversikt]!E2"]
    assert (
        "no strategy or goal in the register is named 'Eksempel: Finnes ikke'"
        in found["tiltak.xlsx[Oversikt]!B3"]
    )
    assert (
        "no SDG goal or target in the register is named '99'" in found["tiltak.xlsx[Oversikt]!F3"]
    )
    assert "no column header" in found["tiltak.xlsx[Oversikt]!G3"]
    assert len(found) == 6


def test_an_unknown_column_is_an_error_at_its_header_and_a_comment_column_is_not_read() -> None:
    header = ("Tiltak", "Budsjett", "#Merknad", "Status")
    sheet = MeasureFile("t.xlsx", workbook([("A", 100, "x", "pågår")], header=header))
    with pytest.raises(PlainError) as caught:
        measures([sheet])
    (problem,) = caught.value.problems
    assert str(problem.where) == "t.xlsx[Tiltak]!B1"
    assert "the column 'Budsjett' names nothing a measure has" in problem.message["en"]
    assert "kolonnen «Budsjett»" in problem.message["nb"]


def test_measures_from_csv_with_semicolons(register: Register, tmp_path: Path) -> None:
    csv_text = (
        "Tiltak;Strategi eller mål;Ansvarlig;Status;Frist;SDG\n"
        "Eksempel: Ressursteam;Eksempel: Tidlig innsats;Etat for skole;pågår;31.12.2026;4.1, 11.2\n"
        "Eksempel: Feil;Eksempel: Tidlig innsats;Etat for skole;kanskje;2026;\n"
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    sheet = tmp_path / "tiltak.csv"
    sheet.write_text(csv_text, encoding="utf-8")
    with pytest.raises(SubmissionError) as caught:
        read_file(plan, register=register, measures=[sheet])
    (problem,) = caught.value.problems
    assert (problem.where.line, problem.where.column, problem.key) == (
        3,
        4,
        "measures@tiltak.csv[3].status",
    )
    assert str(problem.where) == f"{sheet}:3:4"
    sheet.write_text(csv_text.replace("kanskje", "forsinket"), encoding="utf-8")
    submission = read_file(plan, register=register, measures=[sheet])
    assert sum(1 for t in submission.triples if t.object.value == PG + "Measure") == 2


def test_a_file_that_is_not_a_spreadsheet_is_refused() -> None:
    for name, data in (
        ("t.xlsx", b"PK\x03\x04 not really a zip"),
        ("t.ods", b"x"),
        ("t.csv", b"\xff\xfe\x00"),
    ):
        with pytest.raises(PlainError):
            measures([MeasureFile(name, data)])


def test_a_workbook_with_xml_entities_is_refused() -> None:
    data = workbook([("A", "pågår")], header=("Tiltak", "Status"))
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert not content.startswith(b"<?xml")
                content = (
                    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;">]>' + content
                )
            target.writestr(item, content)
    with pytest.raises(PlainError, match="entities"):
        measures([MeasureFile("bomb.xlsx", out.getvalue())])


def test_measures_go_with_a_plain_plan_only(register: Register) -> None:
    turtle = b"<https://w3id.org/plangraph/id/4601/x> a <https://w3id.org/plangraph/ontology#ThemePlan> ."
    sheet = MeasureFile("tiltak.xlsx", workbook(ROWS))
    with pytest.raises(SubmissionError, match="plain YAML or JSON"):
        parse(turtle, name="plan.ttl", register=register, measures=[sheet])
