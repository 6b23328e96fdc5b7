"""``plangraph reason``: materialise the OWL 2 RL inferences (a thin client of
:mod:`plangraph.reasoning`)."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from plangraph.cli.common import EXIT_PROBLEM, StoreOption, err, fail, open_backend, out


def reason(
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
    from plangraph import reasoning
    from plangraph.backend import BackendError
    from plangraph.store import LoadError

    backend = open_backend(store)
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
            result = reasoning.reason_on(
                backend,
                force=force,
                progress=lambda what: progress.update(task, description=what),
            )
    except reasoning.UnsupportedConstruct as error:
        fail(str(error))
    except (LoadError, BackendError) as error:
        fail(f"the inferences could not be written: {error}")
    finally:
        backend.close()
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
        raise typer.Exit(EXIT_PROBLEM)
