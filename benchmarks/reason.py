"""Benchmark: OWL 2 RL reasoning, plangraph's `reason` against owlrl, on the synthetic register.

Each size is the ontology, the reference data (UN SDG vocabulary, law, concept schemes) and the
synthetic register of N municipalities (``plangraph.data.synthetic``, seed 2026). Side by side in one
run and on the same input:

* ``plangraph``: :func:`plangraph.reasoning.reason` on a fresh copy of a store that holds the
  files (one named graph each), to the inferred graph written: T-box closure, reading the
  facts, the rules, writing the graph atomically, the checks. Its phases are reported too.
* ``owlrl``: ``owlrl.DeductiveClosure(OWLRL_Semantics).expand`` on an rdflib graph of the same
  files (parsing not counted).

owlrl cannot close the national register (3.5 million triples) in reasonable time, so it runs
on a few small sizes and its national time is extrapolated from them (a power law fitted to the
medians: an estimate, and said to be one). plangraph also runs at national size, first on a
store with no inferences and then again after the data changed (``--force``: the previous
inferred graph must be replaced, which pyoxigraph makes costly).

Medians over ``--repeat`` runs, of wall-clock time and of the process's CPU time (all its
threads: pyoxigraph's bulk loader uses several). The machines are shared and noisy: when other
work runs, wall-clock times grow and CPU times much less; read ratios and medians. The owlrl fit
is made on CPU times for that reason.

    python benchmarks/reason.py [--repeat 3] [--owlrl-sizes 1 3] [--national 357]

The sizes can be measured in separate runs (``--national 0`` leaves the national register out;
``--owlrl-sizes`` with no size leaves owlrl out, and ``--owlrl-fit A B`` then gives the fit an
earlier run printed, to extrapolate from).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import owlrl
from rdflib import Graph

from plangraph import reasoning
from plangraph.data import datasets, synthetic
from plangraph.reasoning import program
from plangraph.store import PlanStore


def inputs(n: int, work: Path) -> list[tuple[str, Path]]:
    """The (graph, file) pairs of one size: ontology, reference data, N municipalities."""
    items = [
        item
        for ds in datasets.default_datasets()
        if ds.id in ("ontology", "sdg", "reference")
        for item in ds.graphs()
    ]
    file = work / f"synthetic-{n}.nt"
    if not file.exists():
        synthetic.write(file, municipalities=n)
    return [*items, (synthetic.SYNTHETIC_GRAPH, file)]


def base_store(items: list[tuple[str, Path]], folder: Path) -> None:
    store = PlanStore.open(folder)
    store.load(items)
    store.close()


def run_plangraph(base: Path, folder: Path, force_again: bool) -> dict[str, float]:
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(base, folder)
    store = PlanStore.open(folder)
    program.closed_tbox.cache_clear()  # each `plangraph reason` closes the T-box anew
    try:
        started, cpu = time.perf_counter(), time.process_time()
        result = reasoning.reason(store)
        timings = {
            "seconds": time.perf_counter() - started,
            "cpu": time.process_time() - cpu,
            "triples": float(result.triples),
            **result.phases,
        }
        if force_again:
            started, cpu = time.perf_counter(), time.process_time()
            reasoning.reason(store, force=True)
            timings["again_seconds"] = time.perf_counter() - started
            timings["again_cpu"] = time.process_time() - cpu
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)
    return timings


def run_owlrl(items: list[tuple[str, Path]]) -> dict[str, float]:
    graph = Graph()
    started = time.perf_counter()
    for _, file in items:
        graph.parse(file, format="nt" if file.suffix == ".nt" else "turtle")
    parsed = time.perf_counter() - started
    before = len(graph)
    started, cpu = time.perf_counter(), time.process_time()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "parse_seconds": parsed,
        "triples_in": float(before),
        "triples_out": float(len(graph)),
    }


def load() -> str:
    """The machine's load averages over 1, 5 and 15 minutes, as ``uptime`` shows them."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


_NOT_PHASES = ("seconds", "cpu", "triples", "again_seconds", "again_cpu")


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs if key in run)


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """``t = a · x^b`` by least squares on logarithms."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    return math.exp(my - b * mx), b


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--owlrl-sizes", type=int, nargs="*", default=[1, 3])
    parser.add_argument("--owlrl-fit", type=float, nargs=2, metavar=("A", "B"), default=None)
    parser.add_argument("--national", type=int, default=synthetic.DEFAULT_MUNICIPALITIES)
    parser.add_argument(
        "--again-repeat", type=int, default=1, help="National runs followed by a forced one."
    )
    parser.add_argument("--work", type=Path, default=None, help="Folder for files and stores.")
    args = parser.parse_args(argv)
    if len(set(args.owlrl_sizes)) == 1 or args.national in args.owlrl_sizes:
        parser.error("--owlrl-sizes needs two sizes or more (or none), none of them --national")
    work = args.work or Path(tempfile.mkdtemp(prefix="plangraph-bench-reason-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    print(f"load average at the start: {load()}", flush=True)
    for n in [*args.owlrl_sizes, *([args.national] if args.national else [])]:
        items = inputs(n, work)
        base = work / f"base-{n}"
        if not base.exists():
            base_store(items, base)
        ours: list[dict[str, float]] = []
        theirs: list[dict[str, float]] = []
        national = n == args.national
        for i in range(args.repeat):
            # Alternate the order so that neither side always runs on a warmer machine.
            sides = ["plangraph", "owlrl"] if i % 2 == 0 else ["owlrl", "plangraph"]
            for side in sides:
                if side == "plangraph":
                    again = national and i < args.again_repeat
                    ours.append(run_plangraph(base, work / f"run-{n}", force_again=again))
                    print(f"  n={n} run {i + 1} plangraph {ours[-1]['seconds']:.1f} s", flush=True)
                elif not national:
                    theirs.append(run_owlrl(items))
                    print(f"  n={n} run {i + 1} owlrl {theirs[-1]['seconds']:.1f} s", flush=True)
        row = {
            "municipalities": n,
            "triples_in": base_triples(base),
            "plangraph_s": median(ours, "seconds"),
            "plangraph_cpu": median(ours, "cpu"),
            "inferred": median(ours, "triples"),
            "phases": {k: median(ours, k) for k in ours[0] if k not in _NOT_PHASES},
        }
        if national and any("again_seconds" in run for run in ours):
            row["again_s"] = median(ours, "again_seconds")
            row["again_cpu"] = median(ours, "again_cpu")
        elif not national:
            row["owlrl_s"] = median(theirs, "seconds")
            row["owlrl_cpu"] = median(theirs, "cpu")
            row["owlrl_out"] = median(theirs, "triples_out")
        rows.append(row)
        print(row, f"load average: {load()}", flush=True)

    small = [r for r in rows if "owlrl_s" in r]
    if small:
        a, b = fit([(float(r["triples_in"]), float(r["owlrl_cpu"])) for r in small])
    elif args.owlrl_fit:
        a, b = args.owlrl_fit
    else:
        a = b = math.nan
    print()
    print(
        "| municipalities | input triples | plangraph reason, wall / CPU (median) "
        "| owlrl closure, wall / CPU (median) | owlrl / plangraph (CPU) | inferred triples |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        ours = f"{r['plangraph_s']:.1f} s / {r['plangraph_cpu']:.1f} s"
        if "owlrl_s" in r:
            owl = f"{r['owlrl_s']:.1f} s / {r['owlrl_cpu']:.1f} s"
            ratio = f"{r['owlrl_cpu'] / r['plangraph_cpu']:.1f}×"
        else:
            estimate = a * float(r["triples_in"]) ** b
            owl = f"≈ {estimate / 3600:.1f} h CPU (extrapolated)"
            ratio = f"≈ {estimate / r['plangraph_cpu']:,.0f}× (extrapolated)"
        print(
            f"| {r['municipalities']} | {r['triples_in']:,} | {ours} | {owl} "
            f"| {ratio} | {r['inferred']:,.0f} |"
        )
    print()
    print(f"owlrl fit: CPU ≈ {a!r} · triples^{b!r} s (on {len(small)} sizes)")
    for r in rows:
        phases = ", ".join(f"{k} {v:.1f} s" for k, v in r["phases"].items())
        again = (
            f"; again, forced (graph replaced): {r['again_s']:.1f} s, CPU {r['again_cpu']:.1f} s"
            if "again_s" in r
            else ""
        )
        print(f"n={r['municipalities']}: {phases}{again}")
    return 0


def base_triples(base: Path) -> int:
    """The triples of the inputs (the load records left out)."""
    store = PlanStore.open(base)
    try:
        graphs = reasoning.input_graphs(store)
        return sum(store.triple_count(g.value) for g in graphs if hasattr(g, "value"))
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
