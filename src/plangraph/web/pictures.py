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


# ---------------------------------------------------------------------------------------------
# The red thread as a tree
# ---------------------------------------------------------------------------------------------

MEASURE_COLOURS: Final = {
    "not-started": "#5c5c5c",
    "in-progress": "#1f5fa8",
    "delayed": "#a34e00",
    "completed": "#2e7d32",
    "cancelled": "#3d3d3d",
}
"""A measure's status: the colour of its bar and of its status text (on white)."""
KIND_FILLS: Final = {
    "Vision": "#efe7f7",
    "FocusArea": "#e6eefb",
    "Goal": "#e3f1e6",
    "CommunityGoal": "#e3f1e6",
    "OrganisationGoal": "#e3f1e6",
    "SubGoal": "#eef6ef",
    "Strategy": "#fff4e0",
    "Measure": "#ffffff",
}
"""The fill of a node's box by its kind (the text on it is #1a1a1a)."""
BREAK_INK: Final = "#b00020"


@dataclass(frozen=True)
class TreeRow:
    """One line of the drawn tree."""

    iri: str
    depth: int
    name: str
    kind: str
    kind_name: str
    detail: str
    """What else to say: the element's plan, a measure's owner and status."""
    status_code: str | None
    breaks: tuple[str, ...]
    break_text: str
    repeat: bool
    """Drawn already under another parent: its children are not drawn again."""
    href: str | None
    example: bool


def tree(*, title: str, desc: str, rows: Sequence[TreeRow], repeat_text: str) -> str:
    """The rows as an indented tree: each node a box with its kind, name and details, joined to
    its parent by a line; a break is drawn with a dashed red border and said in words."""
    indent, line_height, left = 28, 46, 10
    width = 1100
    height = max(len(rows), 1) * line_height + 16
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tree" role="img" '
        f'aria-labelledby="tree-title tree-desc" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} font-size="13">',
        f'<title id="tree-title">{e(title)}</title><desc id="tree-desc">{e(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    parents: dict[int, int] = {}
    for index, row in enumerate(rows):
        y = 8 + index * line_height
        x = left + row.depth * indent
        if row.depth > 0 and row.depth - 1 in parents:
            parent_y = 8 + parents[row.depth - 1] * line_height + 36
            px = left + (row.depth - 1) * indent + 10
            parts.append(
                f'<path d="M{px} {parent_y} V{y + 18} H{x}" fill="none" stroke="#6b6b6b" '
                'stroke-width="1.2"/>'
            )
        parents[row.depth] = index
        for deeper in [d for d in parents if d > row.depth]:
            del parents[deeper]
        fill = KIND_FILLS.get(row.kind, "#ffffff")
        broken = bool(row.breaks)
        border = (
            f'stroke="{BREAK_INK}" stroke-width="2" stroke-dasharray="6 3"'
            if broken
            else 'stroke="#6b6b6b" stroke-width="1"'
        )
        box_width = width - x - 10
        colour = MEASURE_COLOURS.get(row.status_code or "")
        bar = f'<rect x="{x}" y="{y}" width="6" height="36" fill="{colour}"/>' if colour else ""
        name = clip(row.name, max(20, int((box_width - 140) / 7)))
        label = f'<text x="{x + 12}" y="{y + 15}" fill="#1a1a1a" font-weight="600">{e(name)}</text>'
        if row.href:
            label = f'<a href="{e(row.href)}">{label}</a>'
        details = row.detail + (f" · {repeat_text}" if row.repeat else "")
        notes = (
            f'<text x="{x + 12}" y="{y + 31}" fill="#4d4d4d" font-size="11.5">'
            f"{e(row.kind_name)}{' · ' + e(clip(details, 110)) if details else ''}</text>"
        )
        warning = (
            f'<text x="{x + box_width - 8}" y="{y + 31}" text-anchor="end" fill="{BREAK_INK}" '
            f'font-size="11.5" font-weight="600">{e(row.break_text)}</text>'
            if broken
            else ""
        )
        parts.append(
            f'<g class="node" data-iri="{e(row.iri)}" data-kind="{e(row.kind)}" '
            f'data-depth="{row.depth}" data-breaks="{e(" ".join(row.breaks))}" '
            f'data-status="{e(row.status_code or "")}" data-fill="{fill}">'
            f"<title>{e(row.kind_name)}: {e(row.name)}</title>"
            f'<rect x="{x}" y="{y}" width="{box_width}" height="36" rx="4" fill="{fill}" {border}/>'
            f"{bar}{label}{notes}{warning}</g>"
        )
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# The timeline
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    key: str
    when: str
    """The date as a person reads it."""
    sort: str
    title: str
    detail: str
    planned: bool
    past: bool


def timeline(
    *, title: str, desc: str, items: Sequence[TimelineItem], today_label: str, today_index: int
) -> str:
    """Events down a line, oldest first: a filled dot for what happened, a hollow one for what
    is planned or ahead; a dashed line marks today (before item ``today_index``)."""
    step, top, width = 44, 16, 1000
    height = top + max(len(items), 1) * step + 26
    axis_x = 150
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'aria-labelledby="time-title time-desc" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} font-size="13">',
        f'<title id="time-title">{e(title)}</title><desc id="time-desc">{e(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        f'<line x1="{axis_x}" y1="{top}" x2="{axis_x}" y2="{height - 12}" stroke="#6b6b6b" '
        'stroke-width="2"/>',
    ]
    for index, item in enumerate(items):
        y = top + index * step + (22 if index >= today_index else 0) + 10
        if index == today_index:
            ty = y - 21
            parts.append(
                f'<g class="today"><line x1="20" y1="{ty}" x2="{width - 20}" y2="{ty}" '
                f'stroke="{BREAK_INK}" stroke-width="1.5" stroke-dasharray="5 4"/>'
                f'<text x="{axis_x + 16}" y="{ty - 4}" fill="{BREAK_INK}" font-size="12">'
                f"{e(today_label)}</text></g>"
            )
        dot = (
            f'<circle cx="{axis_x}" cy="{y}" r="7" fill="#ffffff" stroke="#1f5fa8" '
            'stroke-width="2.5" stroke-dasharray="3 2"/>'
            if item.planned or not item.past
            else f'<circle cx="{axis_x}" cy="{y}" r="7" fill="#1f5fa8"/>'
        )
        parts.append(
            f'<g class="event" data-key="{e(item.key)}" data-date="{e(item.sort)}" '
            f'data-planned="{str(item.planned).lower()}"><title>{e(item.when)}: {e(item.title)}</title>'
            f'<text x="{axis_x - 16}" y="{y + 4}" text-anchor="end" fill="#1a1a1a" '
            f'font-weight="600">{e(item.when)}</text>{dot}'
            f'<text x="{axis_x + 16}" y="{y}" fill="#1a1a1a">{e(clip(item.title, 110))}</text>'
            f'<text x="{axis_x + 16}" y="{y + 15}" fill="#4d4d4d" font-size="11.5">'
            f"{e(clip(item.detail, 130))}</text></g>"
        )
    if today_index >= len(items):
        ty = top + len(items) * step + 4
        parts.append(
            f'<g class="today"><line x1="20" y1="{ty}" x2="{width - 20}" y2="{ty}" '
            f'stroke="{BREAK_INK}" stroke-width="1.5" stroke-dasharray="5 4"/>'
            f'<text x="{axis_x + 16}" y="{ty + 16}" fill="{BREAK_INK}" font-size="12">'
            f"{e(today_label)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
