"""``plangraph catalog`` and ``plangraph docs``: what plangraph publishes about itself.

``catalog`` writes the same catalogue, to the byte, as a server over the same store answers at
``/catalog`` when its public URL is ``--public-url`` (both call
:func:`plangraph.publish.catalog.build` and :func:`plangraph.publish.catalog.serialize`).
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from plangraph.cli.common import StoreOption, err, out, reading_store, refuse_remote


class CatalogFormat(enum.StrEnum):
    """The RDF formats the catalogue is exported in."""

    turtle = "turtle"
    ntriples = "nt"
    jsonld = "json-ld"
    xml = "xml"


def catalog(
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write to this file [default: standard output].")
    ] = None,
    fmt: Annotated[CatalogFormat, typer.Option("--format", help="RDF format.")] = (
        CatalogFormat.turtle
    ),
    public_url: Annotated[
        str | None,
        typer.Option(
            help="Where the plangraph server answers: its /sparql and /dumps "
            "[default: $PLANGRAPH_PUBLIC_URL, else http://127.0.0.1:8000/]."
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Export the register's DCAT-AP-NO catalogue (datasets, distributions, SPARQL service)."""
    from plangraph.data import datasets
    from plangraph.publish import catalog
    from plangraph.settings import Settings

    settings = Settings()
    if store is None and settings.backend_url is not None:
        refuse_remote()
    with reading_store(store if store is not None else settings.store) as reading:
        graph = catalog.build(
            datasets.default_datasets(),
            reading.store.graphs(),
            public_url or settings.public_url or "http://127.0.0.1:8000/",
            base_iri=settings.base_iri,
            imported=catalog.imports(reading.store.raw),
        )
    data = catalog.serialize(graph, catalog.MEDIA_TYPES[fmt.value])
    if out_file is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        out_file.write_bytes(data)
        err.print(
            f"wrote the catalogue ({len(graph)} triples) to {out_file}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def docs(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write the ontology documentation to.")
    ] = Path("docs/ontology"),
) -> None:
    """Write the ontology's HTML documentation (nb and en), generated from the ontology itself."""
    from plangraph.publish import ontodoc

    for path in ontodoc.write(out_dir):
        out.print(f"wrote {path}")
