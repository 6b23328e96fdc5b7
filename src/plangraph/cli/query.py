"""``plangraph query``: answer the analysts' named questions (a thin client of
:mod:`plangraph.library`)."""

from __future__ import annotations

import enum
import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from plangraph.cli.common import StoreOption, err, fail, out, reading_backend
from plangraph.lang import DEFAULT, Lang
from plangraph.web.engine import query_text

if TYPE_CHECKING:
    from plangraph import library


class TableFormat(enum.StrEnum):
    """How ``plangraph query`` writes its answer."""

    table = "table"
    csv = "csv"
    json = "json"


def query(
    name: Annotated[
        str | None,
        typer.Argument(help="The named query to run (see --list).", show_default=False),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="A parameter as key=value (repeat for several); an IRI may be a prefixed "
            "name such as bk:plan-skyfritt.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        TableFormat, typer.Option("--format", help="table (for people), csv or json.")
    ] = TableFormat.table,
    lang: Annotated[Lang, typer.Option(help="Language of titles and labels.")] = DEFAULT,
    list_queries: Annotated[
        bool, typer.Option("--list", help="List the named queries and their parameters.")
    ] = False,
    cookbook: Annotated[
        bool,
        typer.Option("--cookbook", help="Write the analysts' cookbook (Markdown) to stdout."),
    ] = False,
    sparql: Annotated[
        bool,
        typer.Option("--sparql", help="Print the query with its parameters bound; do not run it."),
    ] = False,
    text: Annotated[
        str | None,
        typer.Option(
            "--text",
            help="Run this SPARQL SELECT query instead of a named one ('-' reads it from "
            "standard input); the project's prefixes (pg:, skos:, …) may be left undeclared.",
            show_default=False,
        ),
    ] = None,
    width: Annotated[
        int | None,
        typer.Option(
            "--width",
            help="Fit tables to this many columns [default: the terminal's width, 80 when "
            "not a terminal]; too narrow for the answer's columns, rows are shown as records.",
            min=20,
            show_default=False,
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Answer one of the analysts' named questions (queries/NAME.rq) from the store.

    The queries read every graph of the store, the inferences of `plangraph reason` included.
    While `plangraph serve` runs on the store, they read what the server serves.
    """
    from plangraph import library, reasoning

    try:
        if list_queries:
            _list(lang, output, width)
            return
        if cookbook:
            from plangraph.library import cookbook as book

            sys.stdout.write(book.render())
            return
        if text is not None:
            if name is not None or param:
                fail("give a named query or --text, not both")
            named, values = _own_query(sys.stdin.read() if text == "-" else text, lang), {}
        elif name is None:
            fail("name a query to run (plangraph query --list lists them), or give --text")
        else:
            named = library.get(name)
            values = _parameters(param or [])
        if sparql:
            sys.stdout.write(named.bind(values))
            return
    except library.ParameterError as error:
        fail(error.message(lang), lang=lang)
    except (library.UnknownQuery, library.QueryFormatError) as error:
        fail(str(error))
    from plangraph.backend import BackendError

    with reading_backend(store) as backend:
        if reasoning.INFERRED_GRAPH not in backend.graph_names():
            err.print(
                "[yellow]note:[/yellow] the store has no inferences yet: run `plangraph reason` "
                "for answers that rely on class and property hierarchies"
            )
        try:
            answer = library.execute(named, values, library.backend_runner(backend), lang)
        except library.ParameterError as error:
            fail(error.message(lang), lang=lang)
        except SyntaxError as error:
            assert text is not None  # a named query parses: its expected answer is tested
            message = query_text.syntax_message(
                text, str(error.msg), lang, len(named.text) - len(text)
            )
            fail(message, lang=lang)
        except BackendError as error:
            fail(str(error))
        except (OSError, RuntimeError, ValueError) as error:
            fail(f"the query failed: {error}")
    if answer.examples_note is not None:
        word = "merk:" if answer.lang == Lang.nb else "note:"
        err.print(f"[yellow]{word}[/yellow] {answer.examples_note}", highlight=False)
    if output == TableFormat.json:
        sys.stdout.write(json.dumps(answer.to_json(), ensure_ascii=False, indent=2) + "\n")
    elif output == TableFormat.csv:
        sys.stdout.write(answer.to_csv())
    else:
        _table(answer, width)


def _own_query(text: str, lang: Lang) -> library.NamedQuery:
    """``text`` as a query to run like a named one, the project's prefixes it uses undeclared
    declared (a note says which); exit 2 for an unknown prefix or a query that is no SELECT."""
    from pathlib import Path

    from plangraph import library

    try:
        completed = query_text.complete_prefixes(text)
    except query_text.SparqlRefused as error:
        fail(error.message(lang), lang=lang)
    if completed.added:
        err.print(
            "[yellow]note:[/yellow] added the prefixes " + ", ".join(completed.added),
            highlight=False,
        )
    if query_text.read(completed.text).form not in ("select", None):
        fail("--text runs SELECT queries (ask the others at the server's /sparql)")
    return library.NamedQuery(
        name="query",
        path=Path("-"),
        title={Lang.nb: "Spørring", Lang.en: "Query"},
        description={Lang.nb: "", Lang.en: ""},
        parameters=(),
        tags=(),
        text=completed.text,
    )


def _parameters(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            fail(f"--param {pair!r}: give it as key=value")
        if key.strip() in values:
            fail(f"--param {key.strip()} is given twice")
        values[key.strip()] = value
    return values


def _list(lang: Lang, output: TableFormat, width: int | None) -> None:
    from plangraph import library

    if width is not None:
        out.width = width
    named_queries = library.named_queries()
    if output == TableFormat.json:
        listed = [
            {
                "name": q.name,
                "title": q.title_in(lang),
                "parameters": [p.name for p in q.parameters],
                "tags": list(q.tags),
            }
            for q in named_queries
        ]
        sys.stdout.write(json.dumps(listed, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title="Named queries", title_justify="left")
    table.add_column("name", no_wrap=True)
    table.add_column("question")
    table.add_column("parameters")
    for q in named_queries:
        params = ", ".join(
            f"{p.name} ({p.type}{', optional' if p.optional else ''}, e.g. {p.example})"
            for p in q.parameters
        )
        table.add_row(q.name, q.title_in(lang), params)
    out.print(table)


_MIN_COLUMN = 12
"""The narrowest a column of an answer gets in a table (narrower, words fold letter by letter)."""
_LONGEST_CELL = 300
"""Longer cells are cut, with a marker, in a table (the CSV and JSON answers hold them whole)."""


def _table(answer: library.Answer, width: int | None) -> None:
    """The answer as a table that fits ``width`` columns (default: the terminal's), long cells
    wrapped, or, where its columns cannot each have :data:`_MIN_COLUMN` characters, as records:
    one block per row, a line per column."""
    if width is not None:
        out.width = width
    columns = answer.result.variables
    rows = [[_cut(cell) for cell in row] for row in answer.table()]
    count = f"{len(rows)} rad(er)" if answer.lang == Lang.nb else f"{len(rows)} row(s)"
    title = answer.query.title_in(answer.lang)
    natural = [
        max([cell_len(name), *(cell_len(row[i]) for row in rows)]) for i, name in enumerate(columns)
    ]
    borders = 3 * len(columns) + 1
    if sum(min(n, _MIN_COLUMN) for n in natural) + borders > out.width:
        _records(title, columns, rows, count)
        return
    table = Table(title=title, title_justify="left", caption=count, caption_justify="left")
    for name, n in zip(columns, natural, strict=True):
        table.add_column(name, min_width=min(n, _MIN_COLUMN), overflow="fold")
    for row in rows:
        table.add_row(*row)
    out.print(table)


def _records(title: str, columns: tuple[str, ...], rows: list[list[str]], count: str) -> None:
    """Each row as a block of ``column  value`` lines, values wrapped to the width."""
    label = max(cell_len(c) for c in columns) if columns else 0
    out.print(Text(title, style="italic"), soft_wrap=False)
    for number, row in enumerate(rows, start=1):
        out.rule(Text(f"{number}"), align="left", style="dim")
        grid = Table.grid(padding=(0, 2))
        grid.add_column(width=label, no_wrap=True, style="bold")
        grid.add_column(overflow="fold")
        for name, value in zip(columns, row, strict=True):
            grid.add_row(name, value)
        out.print(grid)
    out.print(count)


def _cut(cell: str) -> str:
    return cell if len(cell) <= _LONGEST_CELL else cell[: _LONGEST_CELL - 1] + "…"
