"""The CSV of a validation report opens safely in a spreadsheet: a submitted text that starts like
a formula is shown as text (CSV injection, OWASP), the rest of the report as it is."""

from __future__ import annotations

import csv
import io

from plangraph.validation import parse, render, validate
from plangraph.validation.validator import shipped_register
from tests.support.validation_cases import EXAMPLES

FORMULA = "=cmd|' /C calc'!A0"  # a classic: DDE, runs a program when opened


def test_a_label_that_starts_like_a_formula_is_text_in_the_csv() -> None:
    # a briefing with goals (R14): the finding's focus is the briefing, shown by its label
    text = (EXAMPLES / "mistakes" / "briefing-with-goals.ttl").read_text(encoding="utf-8")
    assert "Eksempel: Melding om eldre 2025" in text
    text = text.replace("Eksempel: Melding om eldre 2025", FORMULA)
    report = validate([parse(text.encode(), name="plan.ttl")], register=shipped_register())
    rows = list(csv.DictReader(io.StringIO(render.table(report))))
    labels = {row["focus_label"] for row in rows if "calc" in row["focus_label"]}
    assert labels == {"'" + FORMULA}, rows
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())
