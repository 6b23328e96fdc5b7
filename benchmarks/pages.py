"""Benchmark: the public pages on Bergen's register, beside the same data as a named query.

Builds a store with the default datasets and the inferences of ``plangraph reason`` (what
``plangraph serve`` serves), starts the real server (uvicorn, the engine's worker processes)
on a free port, and times each page end to end over HTTP, ``--repeat`` times after a warm-up:
``/``, ``/plans`` (and ``.json``, ``.csv``), ``/plans/under-way``, the ``.ics`` and Atom feeds,
``/sdg`` and Bergen 2030's page. Beside each, the named query that gives the nearest data, sent
to ``/sparql`` as its SPARQL text with its example parameters (``plan-register``,
``plan-work-under-way``, ``sdg-coverage``, ``red-thread`` for Bergen 2030).

Two datasets: the store as loaded (``as loaded``); and, when the default datasets include the
illustrative examples, the store without their graph (``no examples``). The pages read every
graph's union when there are no examples to leave out, and name the graphs otherwise, which
pyoxigraph evaluates more slowly. Reports medians in milliseconds. The machines are shared and
noisy: read medians and ratios.

    python benchmarks/pages.py [--repeat 30]
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
from plangraph.data import datasets
from plangraph.namespaces import GRAPH_BASE
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


@contextmanager
def server(store: Path) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(Settings(store=store, workers=2, refresh_inferences=False))
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


def measure(store: Path, label: str, repeat: int) -> None:
    with server(store) as url, httpx.Client(base_url=url, timeout=60) as client:
        print(f"\n## {label}\n")
        print("| page | median ms | named query over /sparql | median ms |")
        print("|---|---:|---|---:|")
        for path, name in PAGES:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="plangraph-pages-"))
    store_path = folder / "store"
    store = PlanStore.open(store_path)
    items = [item for ds in datasets.default_datasets() for item in ds.graphs()]
    store.load(items)
    reasoning.reason(store)
    has_examples = any(g.iri.startswith(GRAPH_BASE + "examples/") for g in store.graphs())
    store.close()
    measure(
        store_path,
        "as loaded" + (" (with the examples graph)" if has_examples else ""),
        args.repeat,
    )
    if has_examples:
        plain = folder / "plain"
        store = PlanStore.open(plain)
        store.load([i for i in items if not i[0].startswith(GRAPH_BASE + "examples/")])
        reasoning.reason(store)
        store.close()
        measure(plain, "no examples (what the default datasets will be)", args.repeat)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
