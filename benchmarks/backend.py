"""plangraph on a remote backend beside the embedded store: loading the default datasets, every
named query, and validating one submission against the register.

Start the engines first (as the README's "Backends" section says), then:

    .venv/bin/python benchmarks/backend.py --repeat 5 \\
        --engine oxigraph=http://127.0.0.1:7878/query,http://127.0.0.1:7878/update,http://127.0.0.1:7878/store \\
        --engine virtuoso=http://127.0.0.1:8890/sparql,http://127.0.0.1:8890/sparql-auth,http://127.0.0.1:8890/sparql-graph-crud-auth,dba,dba

Each engine's graphs under plangraph's graph base are replaced by the run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from plangraph import library
from plangraph.backend import Backend, EmbeddedBackend, RemoteBackend
from plangraph.data import datasets
from plangraph.store import PlanStore
from plangraph.validation.register import BackendRegister
from plangraph.validation.submission import read_file
from plangraph.validation.validator import validate

SUBMISSION = Path(__file__).resolve().parent.parent / "examples" / "submissions" / "theme-plan.ttl"


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(name: str, backend: Backend, repeat: int) -> dict[str, float]:
    items = [item for ds in datasets.default_datasets() for item in ds.graphs()]
    figures = {
        "load (forced)": median_seconds(lambda: backend.load(items, force=True), repeat),
        "load (unchanged)": median_seconds(lambda: backend.load(items), repeat),
    }
    runner = library.backend_runner(backend)
    queries = library.named_queries()

    def every_query() -> None:
        for q in queries:
            try:
                library.execute(q, q.examples(), runner)
            except Exception as error:  # an engine's own error counts as an answer here
                print(f"  {name}: {q.name}: {str(error)[:80]}")

    figures[f"{len(queries)} named queries"] = median_seconds(every_query, repeat)
    kept = BackendRegister(backend)
    submission = read_file(SUBMISSION)
    figures["register copy"] = median_seconds(
        lambda: BackendRegister(backend).current(), max(1, repeat // 2)
    )
    kept.current()
    figures["one submission (copy current)"] = median_seconds(
        lambda: validate([submission], register=kept.current()), repeat
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--engine",
        action="append",
        default=[],
        help="NAME=QUERY_URL,UPDATE_URL,STORE_URL[,USER,PASSWORD]",
    )
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        embedded = EmbeddedBackend(PlanStore.open(Path(folder) / "store"))
        results["embedded"] = measure("embedded", embedded, args.repeat)
        embedded.close()
    for spec in args.engine:
        name, _, urls = spec.partition("=")
        parts = urls.split(",")
        remote = RemoteBackend(
            parts[0],
            update_url=parts[1],
            store_url=parts[2],
            user=parts[3] if len(parts) > 3 else None,
            password=parts[4] if len(parts) > 4 else None,
        )
        results[name] = measure(name, remote, args.repeat)
        remote.close()
    names = list(results)
    print("| what | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for what in results["embedded"]:
        cells = " | ".join(f"{results[n][what] * 1000:,.0f} ms" for n in names)
        print(f"| {what} | {cells} |")


if __name__ == "__main__":
    main()
