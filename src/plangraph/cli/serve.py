"""``plangraph serve``: the SPARQL endpoint and the Graph Store over the store, as a web server."""

from __future__ import annotations

from typing import Annotated

import typer

from plangraph.cli.common import StoreOption, err, fail, open_store, out
from plangraph.cli.store import (
    WithExamplesOption,
    default_items,
    examples_items,
    load_with_progress,
)


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
    with_examples: WithExamplesOption = False,
) -> None:
    """Serve the SPARQL endpoint (/sparql, with YASGUI for browsers) and the Graph Store (/store).

    If the store holds none of the default datasets, they are loaded first, so that a fresh
    clone serves Bergen's register; the inferences the named queries rely on are made or
    refreshed first too, unless --no-reason. With --with-examples, the illustrative examples are
    loaded too if the store does not hold them yet. Updates need PLANGRAPH_UPDATE_TOKEN; without it
    the endpoint is read-only.
    """
    from plangraph import reasoning
    from plangraph.settings import Settings
    from plangraph.store import LoadError
    from plangraph.web import querylog, server
    from plangraph.web.app import create_app

    settings = Settings(store=store) if store is not None else Settings()
    if store is None and settings.backend_url is not None:
        from plangraph.cli.common import refuse_remote

        refuse_remote()
    plan_store = open_store(settings.store)
    try:
        items = default_items()
        present = {g.iri for g in plan_store.graphs()}
        if not present & {graph for graph, _ in items}:
            results = load_with_progress(plan_store, items, False)
            out.print(
                f"loaded {len(results)} file(s) of the default datasets into {plan_store.path}"
            )
        examples = examples_items()
        if with_examples and not present & {graph for graph, _ in examples}:
            results = load_with_progress(plan_store, examples, False)
            out.print(f"loaded {len(results)} file(s) of the illustrative examples")
        if reason and not reasoning.is_current(plan_store):
            with err.status("bringing the inferences up to date (plangraph reason)") as status:
                result = reasoning.reason(plan_store, progress=status.update)
            out.print(f"inferred {result.triples:,} triples into {result.graph}")
    except (reasoning.UnsupportedConstruct, LoadError) as error:
        fail(str(error))
    finally:
        plan_store.close()
    where = f"http://{host or settings.host}:{settings.port if port is None else port}"
    mode = "read-only" if settings.update_token is None else "updates with the token"
    out.print(f"serving {settings.store} at {where}/sparql ({mode})")
    log = querylog.configure()
    try:
        server.run(
            create_app(settings),
            settings,
            host=host or settings.host,
            port=settings.port if port is None else port,
            log_level="info",
        )
    finally:
        log.stop()
