"""Measures from a spreadsheet (a tiltaksoversikt): XLSX or CSV with a header row.

Each row below the header is a measure; each column is a key of a measure in the plain format,
named in its header in Norwegian or English (``Tiltak``/``Measure``, ``Strategi eller
mål``/``Serves``, ``Ansvarlig``/``Owner``, ``Status``, ``Frist``/``Deadline``,
``Bærekraftsmål``/``SDG`` …). The rows become plan objects like the ones written in YAML, with
the sheet, the row and the column as their place, so that every error names its cell. A column
whose header starts with ``#`` is a comment column and is not read; any other unknown header is
an error. Empty rows are skipped; an empty cell means that the measure does not give that key.

XLSX is read by openpyxl (read-only, values not formulas; with defusedxml installed, a workbook
with XML entity declarations is refused). The SDG column may list several codes or names
separated by commas or semicolons.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plangraph.validation.plain.problems import PlainError, Problem, Where, problem
from plangraph.validation.plain.tree import Node
from plangraph.validation.plain.vocabulary import normalize

MAX_ROWS = 10_000
"""The most measures one sheet may hold."""

# Header words (normalized) → the measure's key in the plain format.
COLUMNS: dict[str, tuple[str, ...]] = {
    "label": ("tiltak", "measure", "navn", "name", "label", "tiltaksnavn"),
    "serves": (
        "strategi eller mål", "strategy or goal", "serves", "tjener", "strategi/mål",
        "strategy/goal", "gjennomfører", "hører til",
    ),
    "implementsStrategy": ("strategi", "strategy", "implementsstrategy"),
    "servesGoal": ("mål", "goal", "servesgoal"),
    "owner": ("ansvarlig", "ansvar", "eier", "owner", "responsible", "ansvarlig enhet"),
    "status": ("status", "tiltaksstatus", "measure status"),
    "deadline": ("frist", "deadline", "tidsfrist", "ferdig innen", "due"),
    "sdgs": ("bærekraftsmål", "sdg", "sdgs", "fns bærekraftsmål", "sustainable development goals"),
    "ordinal": ("nr", "nummer", "number", "ordinal", "no"),
    "id": ("id",),
    "description": ("beskrivelse", "description"),
    "note": ("merknad", "note", "kommentar", "comment"),
}  # fmt: skip
_HEADER = {normalize(word): key for key, words in COLUMNS.items() for word in words}
_LIST_SPLIT = re.compile(r"\s*[;,]\s*")


@dataclass(frozen=True)
class MeasureFile:
    """A spreadsheet of measures as given: its name (for errors and the format) and bytes."""

    name: str
    data: bytes

    @classmethod
    def read(cls, path: Path) -> MeasureFile:
        return cls(str(path), path.read_bytes())


Row = tuple[tuple[str | int, ...], Node]


def read_measures(files: Sequence[MeasureFile]) -> tuple[list[Row], list[Problem]]:
    """Every measure of the files, as plan objects with their path (``measures@file[sheet]``,
    row), and the problems of the files themselves: a file that is not a readable XLSX or CSV,
    a header that names no key, a cell without a header, a sheet without a header row or with
    too many measures."""
    found: list[Row] = []
    problems: list[Problem] = []
    for file in files:
        try:
            for sheet, rows in _sheets(file):
                found.extend(_measures(file.name, sheet, rows, problems))
        except PlainError as error:
            problems.extend(error.problems)
    return found, problems


def measures(files: Sequence[MeasureFile]) -> list[Row]:
    """:func:`read_measures`, raising the files' problems.

    Raises:
        PlainError: with the files' problems, if there are any.
    """
    found, problems = read_measures(files)
    if problems:
        raise PlainError(problems)
    return found


def _sheets(file: MeasureFile) -> Iterable[tuple[str | None, Iterable[Sequence[Any]]]]:
    suffix = Path(file.name).suffix.lower()
    if suffix in (".xlsx", ".xlsm") or file.data[:4] == b"PK\x03\x04":
        return _xlsx(file)
    if suffix in (".csv", ".txt", "") or suffix == ".tsv":
        return [(None, _csv(file))]
    raise PlainError(
        [
            problem(
                Where(file.name),
                f"measures are read from XLSX or CSV, not '{suffix}'",
                f"tiltak leses fra XLSX eller CSV, ikke «{suffix}»",
            )
        ]
    )


def _xlsx(file: MeasureFile) -> list[tuple[str | None, Iterable[Sequence[Any]]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(
            io.BytesIO(file.data), read_only=True, data_only=True, keep_links=False
        )
    except Exception as error:  # openpyxl, zipfile, defusedxml: any of them
        raise _unreadable(file, error) from None
    return [
        (sheet.title, _rows(file, sheet.iter_rows(values_only=True))) for sheet in book.worksheets
    ]


def _rows(file: MeasureFile, rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """A read-only sheet's rows, read lazily (its XML is parsed as the rows are read)."""
    try:
        yield from rows
    except Exception as error:
        raise _unreadable(file, error) from None


def _unreadable(file: MeasureFile, error: BaseException) -> PlainError:
    causes = [error]
    while causes[-1].__cause__ or causes[-1].__context__:
        causes.append(causes[-1].__cause__ or causes[-1].__context__)  # type: ignore[arg-type]
    if any(type(e).__module__.startswith("defusedxml") for e in causes):
        en = "the workbook's XML declares entities or a DTD, which are refused"
        nb = "arbeidsbokens XML deklarerer entiteter eller en DTD, som avvises"
    else:
        en = f"the file is not a readable XLSX workbook ({type(error).__name__}: {error})"
        nb = f"filen er ikke en lesbar XLSX-arbeidsbok ({type(error).__name__}: {error})"
    return PlainError([problem(Where(file.name), en, nb)])


def _csv(file: MeasureFile) -> list[Sequence[Any]]:
    try:
        text = file.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlainError(
            [
                problem(
                    Where(file.name),
                    "the CSV file is not UTF-8 (save it as 'CSV UTF-8')",
                    "CSV-filen er ikke UTF-8 (lagre den som «CSV UTF-8»)",
                )
            ]
        ) from None
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _where(source: str, sheet: str | None, row: int, column: int) -> Where:
    cell = f"{_column(column)}{row}"
    if sheet is None:
        return Where(source, row, column + 1)
    return Where(source, sheet=sheet, cell=cell)


def _cell_text(value: Any) -> tuple[Any, str] | None:
    """A cell as a scalar value and its text; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time(0, 0):
            return value.isoformat(sep=" "), value.isoformat(sep=" ")
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat(), value.isoformat()
    if isinstance(value, bool):
        return value, str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return int(value), str(int(value))
    if isinstance(value, int | float):
        return value, repr(value)
    text = str(value).strip()
    if not text:
        return None
    return text, text


def _measures(
    source: str, sheet: str | None, rows: Iterable[Sequence[Any]], problems: list[Problem]
) -> list[Row]:
    header: list[tuple[int, str, Where]] | None = None
    comments: set[int] = set()
    found: list[Row] = []
    label = f"measures@{Path(source).name}" + (f"[{sheet}]" if sheet else "")
    for number, row in enumerate(rows, start=1):
        cells = [_cell_text(v) for v in row]
        if all(c is None for c in cells):
            continue
        if header is None:
            header = []
            for index, cell in enumerate(cells):
                if cell is None:
                    continue
                where = _where(source, sheet, number, index)
                text = str(cell[1])
                if text.startswith("#"):
                    comments.add(index)
                    continue
                key = _HEADER.get(normalize(text))
                if key is None:
                    known = ", ".join(words[0] for words in COLUMNS.values())
                    problems.append(
                        problem(
                            where,
                            f"the column '{text}' names nothing a measure has (columns: {known}; "
                            "start a header with # for a comment column)",
                            f"kolonnen «{text}» er ikke noe et tiltak har (kolonner: {known}; "
                            "la overskriften begynne med # for en kommentarkolonne)",
                        )
                    )
                    comments.add(index)  # reported once, at its header
                    continue
                if any(k == key for _, k, _ in header):
                    problems.append(
                        problem(
                            where,
                            f"the column '{text}' is there twice",
                            f"kolonnen «{text}» står to ganger",
                        )
                    )
                    continue
                header.append((index, key, where))
            continue
        if len(found) >= MAX_ROWS:
            problems.append(
                problem(
                    _where(source, sheet, number, 0),
                    f"a sheet may hold at most {MAX_ROWS:,} measures",
                    f"et ark kan ha høyst {MAX_ROWS:,} tiltak",
                )
            )
            break
        pairs: list[tuple[Node, Node]] = []
        known_columns = {index for index, _, _ in header}
        for index, cell in enumerate(cells):
            if cell is not None and index not in known_columns and index not in comments:
                problems.append(
                    problem(
                        _where(source, sheet, number, index),
                        "this cell has no column header, so it would be lost: give the column a header",
                        "cellen har ingen kolonneoverskrift, så den ville gått tapt: gi kolonnen en overskrift",
                    )
                )
        for index, key, _ in header:
            cell = cells[index] if index < len(cells) else None
            if cell is None:
                continue
            where = _where(source, sheet, number, index)
            value: Node = Node("scalar", cell[0], where, cell[1])
            if key == "sdgs" and isinstance(cell[0], str):
                parts = [p for p in _LIST_SPLIT.split(cell[0]) if p.strip()]
                value = Node("list", [Node("scalar", p, where, p) for p in parts], where)
            pairs.append((Node("scalar", key, where, key), value))
        if pairs:
            row_path = (label, number - 1)  # shown as [number], the row
            found.append((row_path, Node("map", pairs, _where(source, sheet, number, 0))))
    if header is None:
        where = Where(source, sheet=sheet, cell="A1") if sheet else Where(source)
        problems.append(
            problem(where, "the sheet has no header row", "arket har ingen overskriftsrad")
        )
    return found
