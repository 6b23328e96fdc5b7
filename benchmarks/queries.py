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

``--bergen-http`` measures instead what issue 17 asks of the named queries on Bergen: the store
the README's import walk-through builds (``plangraph load --with-examples``, the five saved
imports, ``plangraph reason``, run as the commands), served by a real ``plangraph serve``, and
every named query asked over HTTP (``/queries/NAME.json`` with its example parameters) by a
client on the same machine, ``--repeat`` times, after one warm-up request each: median
milliseconds and rows. Run it with ``PYTHONPATH`` set to another checkout's ``src`` to measure
that code (its own queries and commands) side by side:

    python benchmarks/queries.py --bergen-http [--repeat 10] [--store PATH]
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


README_IMPORTS = (
    ("load", "--with-examples"),
    ("import", "ssb", "--table", "07459", "--region", "all", "--saved",
     "data/saved/ssb/07459-municipalities-2022.json"),
    ("import", "ssb", "--table", "05300", "--region", "none", "--saved",
     "data/saved/ssb/05300-culture-distance-1991-2021.json"),
    ("import", "klass-orgnr", "--saved", "data/saved/klass/correspondencetables-1236.csv"),
    ("import", "brreg", "923609016", "--saved", "data/saved/brreg/enheter-923609016.json"),
    ("import", "los", "--saved-dir", "data/saved/los/tema"),
    ("reason",),
)  # fmt: skip
"""The README's walk-through of the saved imports, as ``plangraph`` commands."""


def bergen_http(folder: Path | None, repeat: int) -> int:
    """Time every named query over HTTP on Bergen with the README's saved imports."""
    import socket
    import subprocess

    import httpx

    from plangraph import resources

    root = resources.root()
    env = dict(os.environ)
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="plangraph-bench-bergen-")) / "store"
        for command in README_IMPORTS:
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "plangraph", *command, "--store", str(folder)],
                cwd=root,
                env=env,
                check=True,
                capture_output=True,
            )
            print(f"{' '.join(command[:2])}: {time.perf_counter() - started:.1f} s", flush=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "plangraph", "serve", "--store", str(folder), "--port", str(port)],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=600) as client:
            for _ in range(600):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
            print(f"{folder} from {root}; load average {load()}")
            print()
            print("| query | rows | median over HTTP |")
            print("|---|---:|---:|")
            total = 0.0
            for query in library.named_queries():
                params = {**query.examples(), "lang": "nb"}
                path = f"/queries/{query.name}.json"
                first = client.get(path, params=params)
                if first.status_code != 200:
                    print(f"| {query.name} | {first.status_code}: {first.text[:80]} | |")
                    continue
                times = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    client.get(path, params=params).raise_for_status()
                    times.append(time.perf_counter() - started)
                median = statistics.median(times)
                total += median
                rows = len(first.json()["rows"])
                print(f"| {query.name} | {rows:,} | {median * 1000:.0f} ms |", flush=True)
            print(f"| **the whole mix** | | **{total * 1000:.0f} ms** |")
            print(f"load average {load()}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=60)
    return 0


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
    parser.add_argument(
        "--bergen-http",
        action="store_true",
        help="Time the named queries over HTTP on Bergen with the README's saved imports.",
    )
    args = parser.parse_args(argv)
    if args.bergen_http:
        return bergen_http(args.store, args.repeat)
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
