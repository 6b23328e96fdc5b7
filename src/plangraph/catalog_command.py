"""``plangraph catalog``: export the DCAT-AP-NO catalogue of the loaded register."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from plangraph import catalog, datasets
from plangraph.settings import Settings
from plangraph.store import PlanStore


class CatalogFormat(enum.StrEnum):
    """The RDF formats the catalogue is exported in."""

    turtle = "turtle"
    jsonld = "json-ld"
    xml = "xml"


def catalog_command(
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write to this file [default: standard output].")
    ] = None,
    fmt: Annotated[CatalogFormat, typer.Option("--format", help="RDF format.")] = (
        CatalogFormat.turtle
    ),
    public_url: Annotated[
        str,
        typer.Option(help="Where the plangraph server answers: its /sparql and /dumps."),
    ] = "http://127.0.0.1:8000/",
    store: Annotated[
        Path | None, typer.Option("--store", help="Folder of the embedded store.")
    ] = None,
) -> None:
    """Export the register's DCAT-AP-NO catalogue (datasets, distributions, SPARQL service)."""
    plan_store = PlanStore.open(store if store is not None else Settings().store)
    try:
        graph = catalog.build(datasets.default_datasets(), plan_store.graphs(), public_url)
    finally:
        plan_store.close()
    text = graph.serialize(format=fmt.value)
    if out_file is None:
        typer.echo(text)
    else:
        out_file.write_text(text, encoding="utf-8")
        typer.echo(f"wrote the catalogue ({len(graph)} triples) to {out_file}", err=True)
