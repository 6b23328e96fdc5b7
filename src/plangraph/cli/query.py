"""``plangraph query``: answer the analysts' named questions (a thin client of
:mod:`plangraph.library`)."""

from __future__ import annotations

import enum
import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from plangraph.cli.common import StoreOption, err, fail, open_backend, out
from plangraph.lang import DEFAULT, Lang

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
    store: StoreOption = None,
) -> None:
    """Answer one of the analysts' named questions (queries/NAME.rq) from the store.

    The queries read every graph of the store, the inferences of `plangraph reason` included.
    """
    from plangraph import library, reasoning

    try:
        if list_queries:
            _list(lang, output)
            return
        if cookbook:
            from plangraph.library import cookbook as book

            sys.stdout.write(book.render())
            return
        if name is None:
            fail("name a query to run (plangraph query --list lists them)")
        named = library.get(name)
        values = _parameters(param or [])
        if sparql:
            sys.stdout.write(named.bind(values))
            return
    except (library.UnknownQuery, library.ParameterError, library.QueryFormatError) as error:
        fail(str(error))
    from plangraph.backend import BackendError

    backend = open_backend(store)
    try:
        if reasoning.INFERRED_GRAPH not in backend.graph_names():
            err.print(
                "[yellow]note:[/yellow] the store has no inferences yet: run `plangraph reason` "
                "for answers that rely on class and property hierarchies"
            )
        try:
            answer = library.execute(named, values, library.backend_runner(backend), lang)
        except (library.ParameterError, BackendError) as error:
            fail(str(error))
    finally:
        backend.close()
    if output == TableFormat.json:
        sys.stdout.write(json.dumps(answer.to_json(), ensure_ascii=False, indent=2) + "\n")
    elif output == TableFormat.csv:
        sys.stdout.write(answer.to_csv())
    else:
        _table(answer)


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


def _list(lang: Lang, output: TableFormat) -> None:
    from plangraph import library

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


def _table(answer: library.Answer) -> None:
    table = Table(
        title=answer.query.title_in(answer.lang),
        title_justify="left",
        caption=f"{len(answer.result.rows)} row(s)",
        caption_justify="left",
    )
    for column in answer.result.variables:
        table.add_column(column)
    for row in answer.table():
        table.add_row(*row)
    out.print(table)
