"""Benchmark: the public pages on Bergen's register, beside the same data as a named query.

Builds a store with the default datasets and the inferences of ``plangraph reason`` (what
``plangraph serve`` serves), starts the real server (uvicorn, the engine's worker processes)
on a free port, and times each page end to end over HTTP, ``--repeat`` times after a warm-up:
``/``, ``/plans`` (and ``.json``, ``.csv``), ``/plans/under-way``, the ``.ics`` and Atom feeds,
``/sdg`` and Bergen 2030's page. Beside each, the named query that gives the nearest data, sent
to ``/sparql`` as its SPARQL text with its example parameters (``plan-register``,
``plan-work-under-way``, ``sdg-coverage``, ``red-thread`` for Bergen 2030).

Each dataset is served twice: with the answer cache (the default: the pages and ``/sparql``
keep the answers of the current store generation, so a repeated request reads none), and with
``answer_cache_bytes=0`` (every request reads the store: what the first visitor after an update
waits for). Bergen's register as ``plangraph serve`` serves it (the default datasets with the
inferences), and, with ``--with-examples``, the store with the illustrative examples too, which
the pages leave out by naming the graphs they read (pyoxigraph evaluates that more slowly).

``--national N`` (357 by default, 0 to skip) builds the synthetic national register (the
ontology, the reference data and N made-up municipalities, with the inferences) in
``--work`` (kept there for the next run) and times ``/plans`` (its first and a later page),
``/plans.json`` and ``/sdg`` on it. Reports medians in milliseconds. The machines are shared and
noisy: read medians and ratios.

    python benchmarks/pages.py [--repeat 30] [--national 357] [--with-examples] [--work DIR]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from plangraph import library as queries
from plangraph import reasoning
from plangraph.data import datasets, synthetic
from plangraph.settings import Settings
from plangraph.store import PlanStore
from plangraph.web.app import create_app

PAGES = [
    ("/", "plan-register"),
    ("/plans", "plan-register"),
    ("/plans.json", "plan-register"),
    ("/plans.csv", "plan-register"),
    ("/plans?kind=theme-plan&q=sammen", "plan-register"),
    ("/plans/under-way?on=2024-05-13", "plan-work-under-way"),
    ("/plans/under-way.ics", "plan-work-under-way"),
    ("/plans/changes.atom", "plan-work-under-way"),
    ("/sdg", "sdg-coverage"),
    ("/id/4601/plan-kps-bergen-2030", "red-thread"),
    ("/id/4601/plan-skyfritt", "red-thread"),
]

NATIONAL_PAGES = [
    ("/", "plan-register"),
    ("/plans", "plan-register"),
    ("/plans?page=40", "plan-register"),
    ("/plans.json?size=100", "plan-register"),
    ("/plans?kind=theme-plan&q=skole", "plan-register"),
    ("/sdg", "sdg-coverage"),
]


@contextmanager
def server(store: Path, cache: bool) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    settings = Settings(store=store, workers=2, refresh_inferences=False)
    if not cache:
        settings = settings.model_copy(update={"answer_cache_bytes": 0})
    app = create_app(settings)
    config = uvicorn.Config(app, log_config=None, log_level="warning", lifespan="on")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(30)
        sock.close()


def median_ms(client: httpx.Client, method: str, path: str, repeat: int, **kwargs: object) -> float:
    times = []
    for i in range(repeat + 3):
        started = time.perf_counter()
        response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        if i >= 3:
            times.append(elapsed)
    return statistics.median(times) * 1000


def named_query(name: str) -> str:
    query = queries.get(name)
    values = {p.name: p.example for p in query.parameters}
    if name == "red-thread":
        values = {"socialPart": "bk:plan-kps-bergen-2030"}
    return query.bind(values)


def measure(
    store: Path, label: str, repeat: int, pages: list[tuple[str, str]], cache: bool
) -> None:
    with server(store, cache) as url, httpx.Client(base_url=url, timeout=120) as client:
        print(f"\n## {label}, answer cache {'on' if cache else 'off'}\n")
        print("| page | median ms | named query over /sparql | median ms |")
        print("|---|---:|---|---:|")
        for path, name in pages:
            headers = {"Accept": "text/html"}
            page = median_ms(client, "GET", path, repeat, headers=headers)
            sparql = median_ms(
                client,
                "POST",
                "/sparql",
                repeat,
                content=named_query(name).encode(),
                headers={
                    "Content-Type": "application/sparql-query",
                    "Accept": "application/sparql-results+json",
                },
            )
            print(f"| `{path}` | {page:.1f} | `{name}` | {sparql:.1f} |", flush=True)


def build(path: Path, items: list[tuple[str, Path]]) -> None:
    store = PlanStore.open(path)
    store.load(items)
    reasoning.reason(store)
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--national", type=int, default=synthetic.DEFAULT_MUNICIPALITIES)
    parser.add_argument("--with-examples", action="store_true")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="plangraph-pages-"))
    work.mkdir(parents=True, exist_ok=True)
    bergen = work / "bergen"
    shutil.rmtree(bergen, ignore_errors=True)
    build(bergen, [item for ds in datasets.default_datasets() for item in ds.graphs()])
    stores = [(bergen, "Bergen's register (the default datasets)", PAGES)]
    if args.with_examples:
        examples = work / "bergen-examples"
        shutil.rmtree(examples, ignore_errors=True)
        build(
            examples,
            [item for ds in datasets.default_datasets(with_examples=True) for item in ds.graphs()],
        )
        stores.append((examples, "Bergen's register with the examples graph", PAGES))
    if args.national:
        national = work / f"national-{args.national}"
        if not national.exists():
            started = time.perf_counter()
            triples = work / f"synthetic-{args.national}.nt"
            synthetic.write(triples, municipalities=args.national)
            reference = [
                item
                for ds in datasets.default_datasets()
                if ds.id in ("ontology", "sdg", "reference")
                for item in ds.graphs()
            ]
            build(national, [*reference, (synthetic.SYNTHETIC_GRAPH, triples)])
            print(f"national register built in {time.perf_counter() - started:.0f} s")
        stores.append(
            (national, f"the national register ({args.national} municipalities)", NATIONAL_PAGES)
        )
    for path, label, pages in stores:
        for cache in (True, False):
            measure(path, label, args.repeat, pages, cache)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
