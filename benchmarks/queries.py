"""Benchmark: the named queries on the national synthetic register, with its inferences.

The store holds the default datasets (ontology, reference data, Bergen's register and the
illustrative examples) and the synthetic national register (357 municipalities, about 3.5
million triples), and the inferences of ``plangraph reason``. Every named query runs with its
example parameters (so the parameterised ones ask about a Bergen plan, among the whole
country's), ``--repeat`` times:

* ``query``: the SPARQL alone, on the union of the graphs (what a worker of the endpoint runs);
* ``answer``: :func:`plangraph.library.execute`, the query and the label look-up (what
  ``plangraph query`` and ``/queries/NAME`` give).

Reports median seconds and the number of rows per query, and the whole mix. First, the cost
of ordering: each query (all of them, or those ``--order-cost`` names; ``--order-cost`` with no
name skips this) runs with an ``ORDER BY`` (its own, or one over its columns if it has none),
without one, and without one but sorted by plangraph as ``plangraph query`` sorts the answer of
a query with no ORDER BY; in turn, ``--repeat`` times each. The machines are shared and noisy:
read medians.

    python benchmarks/queries.py [--repeat 3] [--store PATH] [--municipalities 357]
        [--order-cost [NAME ...]]

``--store`` reuses a store this script built before (it is in the folder it prints).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from plangraph import library, reasoning
from plangraph.data import datasets, synthetic
from plangraph.lang import Lang
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


def load() -> str:
    """The machine's load averages over 1, 5 and 15 minutes, as ``uptime`` shows them."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def with_order(text: str) -> str:
    """The query with an ORDER BY over the variables it selects, left to right."""
    found = re.search(r"SELECT\s+(?:DISTINCT\s+)?(.*?)\bWHERE\b", text, re.DOTALL)
    if found is None or "(" in found.group(1):
        raise ValueError("only a query that selects plain variables can be given an ORDER BY")
    columns = " ".join(re.findall(r"\?\w+", found.group(1)))
    return text.rstrip("\n") + f"\nORDER BY {columns}\n"


def without_order(text: str) -> str | None:
    """The query without its closing ``ORDER BY`` line (None if it has none)."""
    lines = text.rstrip("\n").split("\n")
    if not lines[-1].startswith("ORDER BY "):
        return None
    return "\n".join(lines[:-1]) + "\n"


def order_cost(run: library.Runner, repeat: int, names: list[str] | None) -> None:
    """What ordering costs: each query with an ORDER BY (its own, or, for a query without one,
    one over its columns left to right) and without, and without but sorted by plangraph."""
    print(
        "| query | rows | ORDER BY in the query (median) | no ORDER BY (median) "
        "| no ORDER BY, sorted by plangraph (median) |"
    )
    print("|---|---:|---:|---:|---:|")
    for query in library.named_queries():
        if names is not None and query.name not in names:
            continue
        text = query.bind(query.examples())
        unordered = without_order(text)
        if unordered is None:
            unordered, text = text, with_order(text)
        times: dict[str, list[float]] = {"ordered": [], "plain": [], "sorted": []}
        variants = [("ordered", text), ("plain", unordered), ("sorted", unordered)]
        rows = 0
        for i in range(repeat):
            # Alternate the order so that no variant always runs on a warmer cache.
            for name, variant in variants if i % 2 == 0 else variants[::-1]:
                started = time.perf_counter()
                result = run(variant)
                if name == "sorted":
                    result.sorted()
                times[name].append(time.perf_counter() - started)
                rows = len(result.rows)
        a, b, c = (statistics.median(times[k]) for k in ("ordered", "plain", "sorted"))
        print(f"| {query.name} | {rows:,} | {a:.2f} s | {b:.2f} s | {c:.2f} s |", flush=True)
    print(f"load average {load()}")
    print()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", type=Path, default=None, help="A store built by this script.")
    parser.add_argument("--municipalities", type=int, default=synthetic.DEFAULT_MUNICIPALITIES)
    parser.add_argument(
        "--order-cost",
        nargs="*",
        metavar="NAME",
        default=None,
        help="Measure the cost of ORDER BY for these queries only (none: for no query).",
    )
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
        run = library.local_runner(store)
        print(f"{len(store.raw):,} quads in {folder}; load average {load()}")
        print()
        if args.order_cost != []:
            order_cost(run, args.repeat, args.order_cost)
        print("| query | rows | query alone (median) | with labels (median) |")
        print("|---|---:|---:|---:|")
        total_query = total_answer = 0.0
        for query in library.named_queries():
            text = query.bind(query.examples())
            alone: list[float] = []
            answered: list[float] = []
            rows = 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                rows = len(run(text).rows)
                alone.append(time.perf_counter() - started)
                started = time.perf_counter()
                library.execute(query, query.examples(), run, Lang.nb)
                answered.append(time.perf_counter() - started)
            a, b = statistics.median(alone), statistics.median(answered)
            total_query += a
            total_answer += b
            print(f"| {query.name} | {rows:,} | {a:.2f} s | {b:.2f} s |", flush=True)
        print(f"| **the whole mix** | | **{total_query:.1f} s** | **{total_answer:.1f} s** |")
        print(f"load average {load()}", flush=True)
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
