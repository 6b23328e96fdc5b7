"""Benchmark: loading the Bergen data and the synthetic national register into the store.

For each dataset, side by side in one run and on the same bytes:

* ``plangraph``: ``PlanStore.load`` of the files, one named graph each (syntax check,
  checkpoint, bulk load, load record), into a fresh store on disk;
* ``floor``: ``pyoxigraph.Store.bulk_load`` of one N-Quads file holding the same quads, into a
  fresh store on disk (what pyoxigraph alone does, with no checks and no atomicity);

and for the national register also a reload of an unchanged file (skipped by its checksum) and
a reload of a changed file (the old graph cleared, then the new one loaded).

Reports medians over the repetitions, triples per second and the ratio to the floor. These
machines are shared and noisy: read ratios, not single figures.

    python benchmarks/load.py [--repeat 5] [--municipalities 357] [--seed 2026]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from plangraph.data import datasets, synthetic
from plangraph.namespaces import GRAPH_BASE
from plangraph.store import PlanStore


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def as_nquads(items: list[tuple[str, Path]], out: Path) -> int:
    """Write the files' triples as N-Quads, each in its graph; the number of quads."""
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for graph, file in items
        for t in ox.parse(path=file)
    ]
    ox.serialize(quads, output=out, format=ox.RdfFormat.N_QUADS)
    return len(quads)


def measure(name: str, items: list[tuple[str, Path]], work: Path, repeat: int) -> dict[str, float]:
    nquads = work / f"{name}.nq"
    triples = as_nquads(items, nquads)
    ours: list[float] = []
    floor: list[float] = []
    for i in range(repeat):
        # Alternate the order so that neither side always runs on a warmer cache.
        for side in ("ours", "floor") if i % 2 == 0 else ("floor", "ours"):
            folder = work / f"{name}-{side}-{i}"
            if side == "ours":
                store = PlanStore.open(folder)
                ours.append(timed(lambda store=store: store.load(items)))
                store.close()
            else:
                raw = ox.Store(str(folder))
                floor.append(timed(lambda raw=raw: (raw.bulk_load(path=nquads), raw.flush())))
                del raw
            shutil.rmtree(folder, ignore_errors=True)
    result = {
        "triples": triples,
        "plangraph_s": statistics.median(ours),
        "floor_s": statistics.median(floor),
    }
    print(
        f"{name:<9} {triples:>10,} triples | plangraph {result['plangraph_s']:7.2f} s "
        f"({triples / result['plangraph_s']:>10,.0f} t/s) | bulk_load floor "
        f"{result['floor_s']:7.2f} s ({triples / result['floor_s']:>10,.0f} t/s) | "
        f"ratio {result['plangraph_s'] / result['floor_s']:.2f}x | runs {repeat}"
    )
    return result


def reloads(items: list[tuple[str, Path]], work: Path, municipalities: int, seed: int) -> None:
    folder = work / "reload"
    store = PlanStore.open(folder)
    store.load(items)
    unchanged = timed(lambda: store.load(items))
    graph = items[0][0]
    changed_file = work / "changed.nt"
    synthetic.write(changed_file, municipalities=municipalities, seed=seed + 1)
    changed = timed(lambda: store.load([(graph, changed_file)]))
    store.close()
    shutil.rmtree(folder, ignore_errors=True)
    print(f"national reload, unchanged file (skipped by checksum): {unchanged:7.2f} s")
    print(f"national reload, changed file (clear + load):          {changed:7.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--national-repeat", type=int, default=3)
    parser.add_argument("--municipalities", type=int, default=synthetic.DEFAULT_MUNICIPALITIES)
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: temp)")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="plangraph-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        bergen = [item for ds in datasets.default_datasets() for item in ds.graphs()]
        measure("bergen", bergen, work, args.repeat)
        national_file = work / "national.nt"
        started = time.perf_counter()
        lines = synthetic.write(national_file, municipalities=args.municipalities, seed=args.seed)
        print(
            f"generated the national register: {lines:,} triples, "
            f"{args.municipalities} municipalities, in {time.perf_counter() - started:.1f} s"
        )
        national = [(GRAPH_BASE + "synthetic/national", national_file)]
        measure("national", national, work, args.national_repeat)
        reloads(national, work, args.municipalities, args.seed)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
