"""Benchmark: the named queries on the national synthetic register, with its inferences.

The store holds the default datasets (ontology, reference data, Bergen's register and the
illustrative examples) and the synthetic national register (357 municipalities, about 3.5
million triples), and the inferences of ``plangraph reason``. Every named query runs with its
example parameters (so the parameterised ones ask about a Bergen plan, among the whole
country's), ``--repeat`` times:

* ``query``: the SPARQL alone, on the union of the graphs (what a worker of the endpoint runs);
* ``answer``: :func:`plangraph.queries.execute`, the query and the label look-up (what
  ``plangraph query`` and ``/queries/NAME`` give).

Reports median seconds and the number of rows per query, and the whole mix. The machines are
shared and noisy: read medians.

    python benchmarks/queries.py [--repeat 3] [--store PATH] [--municipalities 357]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from plangraph import datasets, queries, reasoning, synthetic
from plangraph.store import PlanStore


def build(folder: Path, municipalities: int) -> None:
    """The default datasets and the synthetic register, loaded and reasoned over."""
    national = folder.parent / f"synthetic-{municipalities}.nt"
    if not national.exists():
        synthetic.write(national, municipalities=municipalities)
    store = PlanStore.open(folder)
    try:
        items = [item for ds in datasets.default_datasets() for item in ds.graphs()]
        store.load([*items, (synthetic.SYNTHETIC_GRAPH, national)])
        started = time.perf_counter()
        result = reasoning.reason(store)
        print(
            f"reasoned: {result.triples:,} triples in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    finally:
        store.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", type=Path, default=None, help="A store built by this script.")
    parser.add_argument("--municipalities", type=int, default=synthetic.DEFAULT_MUNICIPALITIES)
    args = parser.parse_args(argv)
    folder = args.store
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="plangraph-bench-queries-")) / "store"
        build(folder, args.municipalities)
    store = PlanStore.open(folder)
    try:
        if not reasoning.is_current(store):
            print("the store's inferences are not current: run `plangraph reason` first")
            return 2
        run = queries.local_runner(store)
        print(f"{len(store.raw):,} quads in {folder}")
        print()
        print("| query | rows | query alone (median) | with labels (median) |")
        print("|---|---:|---:|---:|")
        total_query = total_answer = 0.0
        for query in queries.catalogue():
            text = query.bind(query.examples())
            alone: list[float] = []
            answered: list[float] = []
            rows = 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                rows = len(run(text).rows)
                alone.append(time.perf_counter() - started)
                started = time.perf_counter()
                queries.execute(query, query.examples(), run, "nb")
                answered.append(time.perf_counter() - started)
            a, b = statistics.median(alone), statistics.median(answered)
            total_query += a
            total_answer += b
            print(f"| {query.name} | {rows:,} | {a:.2f} s | {b:.2f} s |", flush=True)
        print(f"| **the whole mix** | | **{total_query:.1f} s** | **{total_answer:.1f} s** |")
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
