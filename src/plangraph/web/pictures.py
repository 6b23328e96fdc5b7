"""The pages' pictures as SVG drawn on the server: readable without JavaScript, printable.

Each picture has a ``<title>`` and a ``<desc>`` (its text alternative, with ``role="img"``),
and the page shows the same content as HTML beside it. Every text is escaped. Colours meet
WCAG 2.1 AA: text on a fill at least 4.5:1, marks against white at least 3:1 (the tests measure
the pairs listed here).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from plangraph.web.layout import e

FONT: Final = 'font-family="system-ui,-apple-system,Segoe UI,sans-serif"'

HEAT: Final = (
    (0, "#ffffff", "#1a1a1a"),
    (1, "#deebf7", "#1a1a1a"),
    (2, "#9ecae1", "#1a1a1a"),
    (3, "#2171b5", "#ffffff"),
    (5, "#08306b", "#ffffff"),
)
"""The heatmap's bins: from this many elements, the cell's fill and its text colour."""


def heat(count: int) -> tuple[str, str]:
    fill, ink = HEAT[0][1], HEAT[0][2]
    for lowest, bin_fill, bin_ink in HEAT:
        if count >= lowest:
            fill, ink = bin_fill, bin_ink
    return fill, ink


def clip(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


@dataclass(frozen=True)
class HeatRow:
    key: str
    name: str
    cells: dict[int, int]
    direct: frozenset[int]


def heatmap(
    *,
    title: str,
    desc: str,
    goals: Sequence[tuple[int, str]],
    rows: Sequence[HeatRow],
    cell_href: Callable[[HeatRow, int], str],
    row_href: Callable[[HeatRow], str | None],
    cell_label: Callable[[HeatRow, int, str, int], str],
) -> str:
    """Rows × goals; each cell the number of elements, a link to them, with its own title."""
    label_width, cell, head = 300, 40, 44
    width = label_width + cell * len(goals) + 10
    height = head + cell * max(len(rows), 1) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="img" '
        f'aria-labelledby="heat-title heat-desc" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} font-size="13">',
        f'<title id="heat-title">{e(title)}</title><desc id="heat-desc">{e(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for i, (number, name) in enumerate(goals):
        x = label_width + i * cell
        parts.append(
            f'<g class="goal" data-goal="{number}"><title>{number}: {e(name)}</title>'
            f'<text x="{x + cell / 2}" y="{head - 14}" text-anchor="middle" font-weight="700" '
            f'fill="#1a1a1a">{number}</text></g>'
        )
    if not rows:
        parts.append(f'<text x="{label_width}" y="{head + 24}" fill="#4d4d4d">—</text>')
    for r, row in enumerate(rows):
        y = head + r * cell
        target = row_href(row)
        label = f'<text x="{label_width - 8}" y="{y + cell / 2 + 5}" text-anchor="end" fill="#1a1a1a">{e(clip(row.name, 40))}</text>'
        if target:
            label = f'<a href="{e(target)}">{label}</a>'
        parts.append(
            f'<g class="row" data-row="{e(row.key)}"><title>{e(row.name)}</title>{label}</g>'
        )
        for i, (number, name) in enumerate(goals):
            x = label_width + i * cell
            count = row.cells.get(number, 0)
            fill, ink = heat(count)
            direct = number in row.direct
            shown = (str(count) if count else "") + ("•" if direct else "")
            mark = (
                f'<text x="{x + cell / 2}" y="{y + cell / 2 + 5}" text-anchor="middle" '
                f'fill="{ink}" font-weight="600">{e(shown)}</text>'
                if shown
                else ""
            )
            rect = (
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="{fill}" stroke="#8c8c8c" stroke-width="1"/>'
            )
            body = (
                f'<g class="cell" data-goal="{number}" data-row="{e(row.key)}" '
                f'data-count="{count}" data-fill="{fill}" data-ink="{ink}">'
                f"<title>{e(cell_label(row, number, name, count))}</title>{rect}{mark}</g>"
            )
            if count or direct:
                body = f'<a href="{e(cell_href(row, number))}">{body}</a>'
            parts.append(body)
    parts.append("</svg>")
    return "".join(parts)
