"""Where something stands in a submission, and what is wrong there (in nb and en)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Where(NamedTuple):
    """A place in a submission: a line and column of a text file, or a cell of a spreadsheet.

    (A named tuple: a document has one per value, and a tuple is quick to make.)"""

    source: str
    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        if self.cell is not None:
            sheet = f"[{self.sheet}]" if self.sheet else ""
            return f"{self.source}{sheet}!{self.cell}"
        if self.line is None:
            return self.source
        if self.column is None:
            return f"{self.source}:{self.line}"
        return f"{self.source}:{self.line}:{self.column}"

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"source": self.source}
        for name in ("line", "column", "sheet", "cell"):
            value = getattr(self, name)
            if value is not None:
                found[name] = value
        return found


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a submission: where, which key, and what (nb and en)."""

    where: Where
    message: dict[str, str] = field(hash=False)
    key: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message['en']}"

    def text(self, lang: str) -> str:
        return f"{self.where}: {self.message.get(lang) or self.message['en']}"

    def to_dict(self) -> dict[str, Any]:
        return {"where": self.where.to_dict(), "key": self.key, "message": dict(self.message)}


class PlainError(Exception):
    """A plain submission (or a sheet of measures) has problems; nothing of it was used."""

    def __init__(
        self,
        problems: Sequence[Problem],
        *,
        status: int = 400,
        trace: dict[tuple[str | int, ...], int] | None = None,
    ) -> None:
        assert problems
        self.problems = tuple(problems)
        self.status = status
        self.trace = dict(trace or {})
        """How many triples each key stated before the problems stopped the reading."""
        super().__init__("\n".join(str(p) for p in self.problems))


def problem(where: Where, en: str, nb: str, key: str | None = None) -> Problem:
    return Problem(where, {"nb": nb, "en": en}, key)
