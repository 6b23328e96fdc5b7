"""The ``plangraph`` command: a thin client of the package's services.

Exit codes: 0 done, 1 the job ran and found a problem, 2 bad input or usage (nothing changed).
"""

from __future__ import annotations

import enum
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from plangraph.cli.common import StoreOption, open_store
from plangraph.data import datasets, synthetic
from plangraph.lang import Lang
from plangraph.library import overview
from plangraph.namespaces import GRAPH_BASE
from plangraph.settings import Settings
from plangraph.store import LoadError, LoadResult, PlanStore


class Language(enum.StrEnum):
    """The languages plangraph labels things in."""

    nb = "nb"
    en = "en"


app = typer.Typer(
    name="plangraph",
    help="A knowledge graph of Norway's municipal plan system, Bergen kommune first.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


def _open(store: Path | None) -> PlanStore:
    return open_store(store, err)


@app.command()
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
) -> None:
    """Load data into the store, replacing each file's graph whole; then show what is in it.

    Loading is atomic: if any file is malformed, nothing is changed.
    """
    if files:
        if graph is not None and len(files) != 1:
            err.print("[red]error:[/red] --graph takes exactly one file")
            raise typer.Exit(2)
        items = [(graph or datasets.graph_iri(f), f) for f in files]
    else:
        items = [item for ds in datasets.default_datasets() for item in ds.graphs()]
    plan_store = _open(store)
    try:
        results = _load_with_progress(plan_store, items, force)
    except LoadError as error:
        err.print(f"[red]error:[/red] {error}")
        err.print(f"nothing was loaded: the store at {plan_store.path} is as it was")
        raise typer.Exit(2) from None
    loaded = sum(1 for r in results if not r.skipped)
    out.print(f"loaded {loaded} file(s), {len(results) - loaded} unchanged, into {plan_store.path}")
    _show(plan_store)


def _load_with_progress(
    plan_store: PlanStore, items: list[tuple[str, Path]], force: bool
) -> list[LoadResult]:
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


@app.command()
def info(
    store: StoreOption = None,
    lang: Annotated[Language, typer.Option(help="Language of labels.")] = Language.en,
) -> None:
    """Show the store's named graphs with their triple counts, and what the register holds."""
    _show(_open(store), lang.value)


def _show(plan_store: PlanStore, lang: str = "en") -> None:
    graphs = plan_store.graphs()
    table = Table(
        title=f"Named graphs in {plan_store.path}",
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

    kinds = overview.plans_by_kind(plan_store, Lang(lang))
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


@app.command("synthetic")
def synthetic_command(
    out_file: Annotated[
        Path,
        typer.Option("--out", help="Where to write the data: a .nt (N-Triples) or .nq file."),
    ],
    municipalities: Annotated[
        int, typer.Option(min=1, max=999, help="How many municipalities.")
    ] = synthetic.DEFAULT_MUNICIPALITIES,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same bytes.")] = (
        synthetic.DEFAULT_SEED
    ),
) -> None:
    """Generate the synthetic national register for benchmarks (describes no real municipality)."""
    if out_file.suffix not in (".nt", ".nq"):
        err.print(f"[red]error:[/red] {out_file}: the output must end in .nt or .nq")
        raise typer.Exit(2)
    started = time.perf_counter()
    lines = synthetic.write(out_file, municipalities=municipalities, seed=seed)
    out.print(
        f"wrote {lines:,} triples for {municipalities} synthetic municipalities "
        f"(seed {seed}) to {out_file} in {time.perf_counter() - started:.1f} s"
    )


@app.command()
def serve(
    host: Annotated[
        str | None,
        typer.Option(help="Address to listen on (default: $PLANGRAPH_HOST, else 127.0.0.1)."),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(help="Port to listen on (default: $PLANGRAPH_PORT, else 8000).", min=0),
    ] = None,
    store: StoreOption = None,
    reason: Annotated[
        bool,
        typer.Option(
            help="Bring the inferences (plangraph reason) up to date before serving, if the "
            "data changed since they were made."
        ),
    ] = True,
) -> None:
    """Serve the SPARQL endpoint (/sparql, with YASGUI for browsers) and the Graph Store (/store).

    If the store holds none of the default datasets, they are loaded first, so that a fresh
    clone serves Bergen's register; the inferences the named queries rely on are made or
    refreshed first too, unless --no-reason. Updates need PLANGRAPH_UPDATE_TOKEN; without it
    the endpoint is read-only.
    """
    import uvicorn

    from plangraph import reasoning
    from plangraph.web import querylog
    from plangraph.web.app import create_app

    settings = Settings(store=store) if store is not None else Settings()
    plan_store = _open(settings.store)
    try:
        items = [item for ds in datasets.default_datasets() for item in ds.graphs()]
        present = {g.iri for g in plan_store.graphs()}
        if not present & {graph for graph, _ in items}:
            results = _load_with_progress(plan_store, items, False)
            out.print(
                f"loaded {len(results)} file(s) of the default datasets into {plan_store.path}"
            )
        if reason and not reasoning.is_current(plan_store):
            with err.status("bringing the inferences up to date (plangraph reason)") as status:
                result = reasoning.reason(plan_store, progress=status.update)
            out.print(f"inferred {result.triples:,} triples into {result.graph}")
    except reasoning.UnsupportedConstruct as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    except LoadError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    finally:
        plan_store.close()
    where = f"http://{host or settings.host}:{settings.port if port is None else port}"
    mode = "read-only" if settings.update_token is None else "updates with the token"
    out.print(f"serving {settings.store} at {where}/sparql ({mode})")
    log = querylog.configure()
    try:
        uvicorn.run(
            create_app(settings),
            host=host or settings.host,
            port=settings.port if port is None else port,
            log_level="info",
            # The query log has a line for every request, with more in it; uvicorn's access
            # log would only double the cost of logging.
            access_log=False,
        )
    finally:
        log.stop()


@app.command()
def docs(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write the ontology documentation to.")
    ] = Path("docs/ontology"),
) -> None:
    """Write the ontology's HTML documentation (nb and en), generated from the ontology itself."""
    from plangraph.publish import ontodoc

    written = ontodoc.write(out_dir)
    for path in written:
        out.print(f"wrote {path}")


def main() -> None:
    """Entry point for ``python -m plangraph``."""
    app()


from plangraph.cli.publish import catalog_command  # noqa: E402

app.command("catalog")(catalog_command)


from plangraph.cli.validate import validate_command  # noqa: E402

app.command("validate")(validate_command)


from plangraph.cli.query import query_command, reason_command  # noqa: E402

app.command("query")(query_command)
app.command("reason")(reason_command)


from plangraph.cli.imports import import_app  # noqa: E402

app.add_typer(import_app, name="import")
