"""``plangraph query`` tables fit the terminal: 80 columns when it says nothing, ``--width``
when asked; an answer whose columns cannot fit is shown as records, a block per row."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.support.paths import run_cli


def _widest(text: str) -> int:
    return max(cell_len(line) for line in text.splitlines())


@pytest.mark.parametrize(
    "args",
    [
        ("query", "plan-register"),
        ("query", "goals-without-measures"),
        ("query", "sdg-coverage", "--lang", "en"),
        ("query", "--list"),
        ("info",),
    ],
    ids=lambda args: "-".join(a.lstrip("-") for a in args),
)
def test_every_line_fits_80_columns(reasoned_store_path: Path, args: tuple[str, ...]) -> None:
    result = run_cli(*args, "--store", str(reasoned_store_path), env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) > 5
    assert _widest(result.stdout) <= 80


def test_a_wide_answer_is_records_at_80_and_a_table_when_wide(reasoned_store_path: Path) -> None:
    store = str(reasoned_store_path)
    narrow = run_cli("query", "plan-register", "--store", store, env={"COLUMNS": "80"})
    wide = run_cli("query", "plan-register", "--store", store, "--width", "220")
    assert narrow.returncode == wide.returncode == 0
    # Records: a rule per row, then a line per column, the value whole beside its name.
    lines = narrow.stdout.splitlines()
    first = lines.index(next(line for line in lines if line.startswith("1 ─")))
    assert [line.split()[0] for line in lines[first + 1 : first + 8]] == [
        "plan",
        "kind",
        "status",
        "statusAsOf",
        "owner",
        "from",
        "to",
    ]
    assert "handlings- og økonomiplan" in narrow.stdout
    assert lines[-1].endswith("rad(er)")
    # Wide enough, the same answer is a table with its header row.
    assert "┃ plan" in wide.stdout and "statusAsOf" in wide.stdout
    assert 80 < _widest(wide.stdout) <= 220


def test_a_long_cell_wraps_inside_its_column(reasoned_store_path: Path) -> None:
    result = run_cli(
        "query",
        "goals-without-measures",
        "--store",
        str(reasoned_store_path),
        "--width",
        "60",
    )
    assert result.returncode == 0
    assert _widest(result.stdout) <= 60
    assert "┃ goal" in result.stdout  # still a table: three columns fit 60
