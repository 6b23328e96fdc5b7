"""``plangraph synthetic``: write the synthetic national register that the benchmarks load."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from plangraph.cli.common import fail, out
from plangraph.data import synthetic as generator


def synthetic(
    out_file: Annotated[
        Path,
        typer.Option("--out", help="Where to write the data: a .nt (N-Triples) or .nq file."),
    ],
    municipalities: Annotated[
        int, typer.Option(min=1, max=999, help="How many municipalities.")
    ] = generator.DEFAULT_MUNICIPALITIES,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same bytes.")] = (
        generator.DEFAULT_SEED
    ),
) -> None:
    """Generate the synthetic national register for benchmarks (describes no real municipality)."""
    if out_file.suffix not in (".nt", ".nq"):
        fail(f"{out_file}: the output must end in .nt or .nq")
    started = time.perf_counter()
    lines = generator.write(out_file, municipalities=municipalities, seed=seed)
    out.print(
        f"wrote {lines:,} triples for {municipalities} synthetic municipalities "
        f"(seed {seed}) to {out_file} in {time.perf_counter() - started:.1f} s"
    )
