"""``plangraph load`` and ``plangraph info``: fill the store, and show what is in it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from plangraph.backend import Backend, BackendError
from plangraph.cli.common import StoreOption, err, fail, open_backend, out, reading_backend
from plangraph.data import datasets
from plangraph.lang import DEFAULT, Lang
from plangraph.library import overview
from plangraph.namespaces import GRAPH_BASE
from plangraph.store import LoadError, LoadResult, PlanStore


def load(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="RDF files to load (Turtle, N-Triples, RDF/XML, JSON-LD), each into its own "
            "named graph. Without files: the ontology, the reference data and Bergen's register.",
            show_default=False,
        ),
    ] = None,
    graph: Annotated[
        str | None,
        typer.Option(help="Named graph IRI for a single file [default: derived from its path]."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Reload files even if they have not changed.")
    ] = False,
    store: StoreOption = None,
    lang: Annotated[Lang, typer.Option(help="Language of labels.")] = DEFAULT,
    with_examples: WithExamplesOption = False,
) -> None:
    """Load data into the store, replacing each file's graph whole; then show what is in it.

    Loading is atomic: if any file is malformed, nothing is changed.
    """
    if files:
        if graph is not None and len(files) != 1:
            fail("--graph takes exactly one file")
        items = [(graph or datasets.graph_iri(f), f) for f in files]
        if with_examples:
            items += examples_items()
    else:
        items = default_items(with_examples=with_examples)
    backend = open_backend(store)
    try:
        results = load_with_progress(backend, items, force)
        loaded = sum(1 for r in results if not r.skipped)
        out.print(
            f"loaded {loaded} file(s), {len(results) - loaded} unchanged, into {backend.where}"
        )
        show(backend, lang)
    except (LoadError, BackendError) as error:
        fail(f"{error}\nnothing was loaded: the store at {backend.where} is as it was")
    finally:
        backend.close()


def info(
    store: StoreOption = None,
    lang: Annotated[Lang, typer.Option(help="Language of labels.")] = DEFAULT,
) -> None:
    """Show the store's named graphs with their triple counts, and what the register holds.

    While `plangraph serve` runs on the store, this is what the server serves.
    """
    with reading_backend(store) as backend:
        try:
            show(backend, lang)
        except BackendError as error:
            fail(str(error))


WithExamplesOption = Annotated[
    bool,
    typer.Option(
        "--with-examples",
        help="Load the illustrative examples too (made-up measures, status reports and "
        "indicators that show the data model; never facts about Bergen).",
    ),
]


def default_items(*, with_examples: bool = False) -> list[tuple[str, Path]]:
    """(graph, file) of every file of the default datasets (and of the examples if asked)."""
    found = datasets.default_datasets(with_examples=with_examples)
    return [item for ds in found for item in ds.graphs()]


def examples_items() -> list[tuple[str, Path]]:
    """(graph, file) of every file of the illustrative examples."""
    return list(datasets.examples_dataset().graphs())


def load_with_progress(
    plan_store: PlanStore | Backend, items: list[tuple[str, Path]], force: bool
) -> list[LoadResult]:
    """Load ``items`` into the store, with a spinner on standard error naming the file."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task(f"loading {len(items)} file(s)", total=None)
        return plan_store.load(
            items, force=force, progress=lambda what: progress.update(task, description=what)
        )


def show(plan_store: Backend, lang: Lang) -> None:
    """The store's named graphs and, if it holds a register, its plans by kind and contents."""
    graphs = plan_store.graphs()
    table = Table(
        title=f"Named graphs in {plan_store.where}",
        title_justify="left",
        caption=f"graph names are relative to {GRAPH_BASE}",
        caption_justify="left",
    )
    table.add_column("graph")
    table.add_column("triples", justify="right")
    table.add_column("loaded from")
    for g in graphs:
        name = g.iri.removeprefix(GRAPH_BASE) if g.iri.startswith(GRAPH_BASE) else g.iri
        table.add_row(name, f"{g.triples:,}", g.loaded_from or "")
    table.add_row("[bold]total[/bold]", f"[bold]{sum(g.triples for g in graphs):,}[/bold]", "")
    out.print(table)

    kinds = overview.plans_by_kind(plan_store, lang)
    if kinds:
        by_kind = Table(title="Plan documents by kind", title_justify="left")
        by_kind.add_column("plan kind")
        by_kind.add_column("plans", justify="right")
        for k in kinds:
            by_kind.add_row(k.label, f"{k.plans:,}")
        out.print(by_kind)
        things = Table(title="What the register describes", title_justify="left")
        things.add_column("")
        things.add_column("count", justify="right")
        for what, n in overview.element_counts(plan_store):
            things.add_row(what, f"{n:,}")
        out.print(things)
