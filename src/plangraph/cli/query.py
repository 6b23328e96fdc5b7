"""The ``plangraph query`` and ``plangraph reason`` commands.

Thin clients of :mod:`plangraph.library` and :mod:`plangraph.reasoning`, registered on the
``plangraph`` app at the end of :mod:`plangraph.cli`. Exit codes as everywhere in plangraph:
0 done, 1 the job ran and found a problem (``reason``: the data is inconsistent), 2 bad input or
usage (an unknown query, a parameter that does not fit, a locked store).
"""

from __future__ import annotations

import enum
import json
import sys
import time
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from plangraph import library, reasoning
from plangraph.cli.common import StoreOption, open_store
from plangraph.lang import Lang
from plangraph.library.cookbook import render as render_cookbook
from plangraph.store import LoadError, PlanStore

out = Console()
err = Console(stderr=True)


class OutputFormat(enum.StrEnum):
    """How ``plangraph query`` writes its answer."""

    table = "table"
    csv = "csv"
    json = "json"


def _open(store: Path | None) -> PlanStore:
    return open_store(store, err)


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(2)


def _parameters(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise _fail(f"--param {pair!r}: give it as key=value")
        if key.strip() in values:
            raise _fail(f"--param {key.strip()} is given twice")
        values[key.strip()] = value
    return values


def query_command(
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
        OutputFormat, typer.Option("--format", help="table (for people), csv or json.")
    ] = OutputFormat.table,
    lang: Annotated[Lang, typer.Option(help="Language of titles and labels.")] = Lang.en,
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
    try:
        if list_queries:
            _list(lang, output)
            return
        if cookbook:
            sys.stdout.write(render_cookbook())
            return
        if name is None:
            raise _fail("name a query to run (plangraph query --list lists them)")
        query = library.get(name)
        values = _parameters(param or [])
        if sparql:
            sys.stdout.write(query.bind(values))
            return
    except (library.UnknownQuery, library.ParameterError, library.QueryFormatError) as error:
        raise _fail(str(error)) from None
    plan_store = _open(store)
    try:
        if not plan_store.raw.contains_named_graph(ox.NamedNode(reasoning.INFERRED_GRAPH)):
            err.print(
                "[yellow]note:[/yellow] the store has no inferences yet: run `plangraph reason` "
                "for answers that rely on class and property hierarchies"
            )
        try:
            answer = library.execute(query, values, library.local_runner(plan_store), lang)
        except library.ParameterError as error:
            raise _fail(str(error)) from None
    finally:
        plan_store.close()
    if output == OutputFormat.json:
        sys.stdout.write(json.dumps(answer.to_json(), ensure_ascii=False, indent=2) + "\n")
    elif output == OutputFormat.csv:
        sys.stdout.write(answer.to_csv())
    else:
        _table(answer)


def _list(lang: Lang, output: OutputFormat) -> None:
    named = library.named_queries()
    if output == OutputFormat.json:
        listed = [
            {
                "name": q.name,
                "title": q.title_in(lang),
                "parameters": [p.name for p in q.parameters],
                "tags": list(q.tags),
            }
            for q in named
        ]
        sys.stdout.write(json.dumps(listed, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title="Named queries", title_justify="left")
    table.add_column("name", no_wrap=True)
    table.add_column("question")
    table.add_column("parameters")
    for q in named:
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


def reason_command(
    force: Annotated[
        bool, typer.Option("--force", help="Reason again even if the inputs have not changed.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Materialise the OWL 2 RL inferences of the ontology and the data into their own graph.

    The graph https://w3id.org/plangraph/graph/inferred is replaced whole, atomically, and only
    when the data has changed since the last run. Inconsistencies (such as a plan of two
    disjoint kinds) are reported, with exit code 1; they do not stop the run.
    """
    plan_store = _open(store)
    started = time.perf_counter()
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task("reasoning", total=None)
            result = reasoning.reason(
                plan_store,
                force=force,
                progress=lambda what: progress.update(task, description=what),
            )
    except reasoning.UnsupportedConstruct as error:
        raise _fail(str(error)) from None
    except LoadError as error:
        raise _fail(f"the inferences could not be written: {error}") from None
    finally:
        plan_store.close()
    if result.skipped:
        out.print(
            f"the inferences in {result.graph} are up to date ({result.triples:,} triples); "
            "nothing to do (--force reasons again)"
        )
    else:
        out.print(
            f"inferred {result.triples:,} triples from {len(result.inputs)} graph(s) into "
            f"{result.graph} in {time.perf_counter() - started:.1f} s"
        )
    if result.findings:
        table = Table(title="What the checks found", title_justify="left")
        table.add_column("rule")
        table.add_column("resource")
        table.add_column("finding")
        for finding in result.findings:
            rule = finding.rule if finding.inconsistent else f"{finding.rule} (warning)"
            table.add_row(rule, finding.resource, finding.message)
        out.print(table)
    if not result.consistent:
        raise typer.Exit(1)
