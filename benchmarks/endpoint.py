"""Benchmark: the SPARQL endpoint under a fixed mix of analyst queries, side by side.

For each dataset (Bergen's register with the reference data, and the synthetic national
register on top of it), in one run and on the same data:

* ``plangraph``: ``plangraph serve`` (the endpoint with its worker processes), over HTTP, as
  configured by default: with its answer cache. The mix repeats its seven queries, so after the
  first round every answer comes from the cache: this measures the cache, not the engine;
* ``plangraph-nocache``: the same with the answer cache off (``PLANGRAPH_ANSWER_CACHE_BYTES=0``):
  every query goes to a worker process;
* ``plangraph@SRC``, ``plangraph-nocache@SRC``: the same with the plangraph package in the
  folder ``SRC`` (another checkout's ``src``): to compare two versions side by side;
* ``python-floor``: uvicorn and a bare ASGI callable that runs the query on the event loop (no
  deadline, checks, limits or log): the least any Python front end over pyoxigraph costs;
* ``granian-floor``, ``granian-rsgi-floor``: the same floor under granian (a compiled HTTP
  server), through ASGI and through granian's own interface (RSGI);
* ``plangraph-granian-nocache``: plangraph's app with the cache off under granian's ASGI instead
  of uvicorn (how the server of ``plangraph serve`` was chosen);
* ``pyoxigraph``: the same queries in process (``Store.query`` and ``serialize``, one thread per
  client; no HTTP): the floor;
* ``oxigraph``: the Oxigraph server (``oxigraph serve --union-default-graph``), over HTTP;
* ``rdflib-endpoint``: rdflib-endpoint over an rdflib ``Dataset`` (default union), over HTTP
  (only up to ``--rdflib-max-triples``: rdflib takes minutes to load millions of triples).

Each runs the mix at 1, 8 and 32 concurrent clients for ``--duration`` seconds per level,
after ``--warm-up`` seconds of unmeasured load. A client is a process (a thread in process) with
one keep-alive HTTP connection that sends the queries of the mix in turn (each client starts at
another query). All systems are up at once and are measured in turn, ``--rounds`` times, each
round in another order, so that the machine's changing load falls on all alike. Reported per
level: requests, errors, the median throughput of the rounds, median and p99 latency (of all
rounds); and per query at one client, plangraph's overhead over pyoxigraph.

The load generator runs on the same machine as the servers and takes CPU from them; every
system pays the same. Read ratios, not single figures. Needs the ``bench`` extra:

    .venv/bin/pip install -e '.[bench]'
    python benchmarks/endpoint.py [--municipalities 357] [--duration 10] [--concurrency 1,8,32]
        [--rounds 3] [--datasets bergen,national]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from plangraph import reasoning
from plangraph.data import datasets, synthetic
from plangraph.namespaces import sparql_prologue
from plangraph.store import PlanStore

HERE = Path(__file__).resolve().parent
PREFIXES = sparql_prologue()
JSON_TYPE = "application/sparql-results+json"
NT_TYPE = "application/n-triples"

# The mix: what an analyst asks of a plan register. (name, query, Accept)
MIX: list[tuple[str, str, str]] = [
    (
        "plans-by-kind",
        "SELECT ?kind (COUNT(DISTINCT ?plan) AS ?plans) WHERE { ?plan pg:planKind ?kind } "
        "GROUP BY ?kind ORDER BY DESC(?plans)",
        JSON_TYPE,
    ),
    (
        "sdg-coverage",
        "SELECT ?sdg (COUNT(DISTINCT ?goal) AS ?goals) WHERE { ?goal pg:addressesSdg ?sdg } "
        "GROUP BY ?sdg ORDER BY ?sdg",
        JSON_TYPE,
    ),
    (
        "measures-without-owner",
        "SELECT ?measure ?plan WHERE { ?measure a pg:Measure ; pg:partOfPlan ?plan "
        "FILTER NOT EXISTS { ?measure pg:owner ?owner } } ORDER BY ?measure LIMIT 100",
        JSON_TYPE,
    ),
    (
        "goals-per-municipality",
        "SELECT ?municipality (COUNT(DISTINCT ?goal) AS ?goals) WHERE { "
        "?goal pg:addressesSdg ?sdg ; pg:partOfPlan ?plan . ?plan pg:municipality ?municipality } "
        "GROUP BY ?municipality ORDER BY DESC(?goals) LIMIT 50",
        JSON_TYPE,
    ),
    (
        "one-plan",
        "SELECT ?p ?o WHERE { { SELECT ?plan WHERE { ?plan pg:planKind ?kind } LIMIT 1 } "
        "?plan ?p ?o }",
        JSON_TYPE,
    ),
    (
        "plan-titles-graph",
        "CONSTRUCT { ?plan dct:title ?title ; pg:planKind ?kind } WHERE { "
        "?plan pg:planKind ?kind ; dct:title ?title } LIMIT 2000",
        NT_TYPE,
    ),
    ("is-there-a-municipality", "ASK { ?m a pg:Municipality }", JSON_TYPE),
]


# -- data ------------------------------------------------------------------------------------


@dataclass
class Data:
    name: str
    store: Path  # a plangraph store, loaded (a template: every system gets its own copy)
    nquads: Path  # the same quads, for rdflib
    triples: int


def default_items() -> list[tuple[str, Path]]:
    return [item for ds in datasets.default_datasets() for item in ds.graphs()]


def prepare(name: str, items: list[tuple[str, Path]], work: Path) -> Data:
    store_path = work / name / "store"
    nquads = work / name / "data.nq"
    if store_path.exists():
        shutil.rmtree(store_path)
    store_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    store = PlanStore.open(store_path)
    store.load(items)
    # The inferences too, as `plangraph serve` makes them before serving: every system then
    # holds the same quads, and plangraph finds them current and does not reason at start.
    reasoning.reason(store)
    triples = sum(g.triples for g in store.graphs())
    store.raw.dump(output=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.close()
    print(
        f"  {name}: {triples:,} triples (inferences included) loaded in {time.perf_counter() - started:.1f} s"
    )
    return Data(name, store_path, nquads, triples)


def copy_store(data: Data, work: Path, system: str) -> Path:
    target = work / data.name / f"store-{system}"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(data.store, target)
    return target


# -- systems ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start in time")


@contextmanager
def server(
    command: list[str], port: int, env: dict[str, str] | None = None, start_timeout: float = 600
) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port, process, start_timeout)
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server as Ctrl-C does; kill it if it has not stopped after 30 s."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


RDFLIB_SERVER = textwrap.dedent(
    """
    import sys, uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint
    dataset = Dataset(default_union=True)
    dataset.parse(sys.argv[1], format="nquads")
    uvicorn.run(SparqlEndpoint(graph=dataset), host="127.0.0.1", port=int(sys.argv[2]),
                log_level="warning")
    """
)


# The least a Python server over pyoxigraph can do per query: uvicorn (httptools, uvloop) and a
# bare ASGI callable that reads the form, runs the query on the event loop and answers. No
# deadline, no checks, no limits, no log, no negotiation beyond the two types the mix asks for:
# not a server anyone should run, but the ceiling of any Python front end on this machine.
PYTHON_FLOOR_SERVER = textwrap.dedent(
    """
    import sys, uvicorn, pyoxigraph as ox
    from urllib.parse import parse_qs
    store = ox.Store.read_only(sys.argv[1])
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        query = parse_qs(body.decode())["query"][0]
        result = store.query(query, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryTriples):
            data, kind = result.serialize(format=ox.RdfFormat.N_TRIPLES), b"application/n-triples"
        else:
            data = result.serialize(format=ox.QueryResultsFormat.JSON)
            kind = b"application/sparql-results+json"
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", kind)]})
        await send({"type": "http.response.body", "body": data or b""})
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning",
                access_log=False, loop="uvloop", http="httptools")
    """
)


# The same floor under granian (a compiled HTTP server) instead of uvicorn: ASGI, and granian's
# own interface RSGI (the body and the answer cross as bytes, no ASGI messages).
GRANIAN_FLOOR_SERVER = textwrap.dedent(
    """
    import sys, pyoxigraph as ox, uvloop
    from urllib.parse import parse_qs
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server.embed import Server
    store = ox.Store.read_only(sys.argv[1])
    def answer(body):
        query = parse_qs(body.decode())["query"][0]
        result = store.query(query, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryTriples):
            return result.serialize(format=ox.RdfFormat.N_TRIPLES) or b"", "application/n-triples"
        data = result.serialize(format=ox.QueryResultsFormat.JSON) or b""
        return data, "application/sparql-results+json"
    async def asgi(scope, receive, send):
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        data, kind = answer(body)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", kind.encode())]})
        await send({"type": "http.response.body", "body": data})
    async def rsgi(scope, protocol):
        data, kind = answer(await protocol())
        protocol.response_bytes(200, [("content-type", kind)], data)
    interface = sys.argv[3]
    app = rsgi if interface == "rsgi" else asgi
    server = Server(app, port=int(sys.argv[2]), interface=Interfaces(interface),
                    log_level=LogLevels.warning, websockets=False, http="1")
    uvloop.run(server.serve())
    """
)


# plangraph's app (every rule on, the answer cache off) under granian's ASGI instead of uvicorn:
# how the choice of server in `plangraph serve` was made.
PLANGRAPH_GRANIAN_SERVER = textwrap.dedent(
    """
    import sys, uvloop
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server.embed import Server
    from plangraph.settings import Settings
    from plangraph.web import querylog
    from plangraph.web.app import create_app
    app = create_app(Settings())
    log = querylog.configure()
    server = Server(app, port=int(sys.argv[1]), interface=Interfaces.ASGI,
                    log_level=LogLevels.warning, websockets=False, http="1")
    uvloop.run(server.serve())
    """
)


@contextmanager
def system(name: str, data: Data, work: Path) -> Iterator[Callable[[], Client]]:
    """Start a system; yield a factory of clients for it."""
    if name == "pyoxigraph":
        store = ox.Store(str(copy_store(data, work, name)))
        yield lambda: InProcess(store)
        del store
        return
    port = free_port()
    if name.partition("@")[0] in ("plangraph", "plangraph-nocache"):
        command = [
            sys.executable,
            "-m",
            "plangraph",
            "serve",
            "--store",
            str(copy_store(data, work, name)),
            "--port",
            str(port),
        ]
        env = {"PLANGRAPH_MAX_CONCURRENT_PER_CLIENT": "1000", "PLANGRAPH_QUERY_TIMEOUT": "120"}
        if name.partition("@")[0] == "plangraph-nocache":
            env["PLANGRAPH_ANSWER_CACHE_BYTES"] = "0"
        if "@" in name:  # another checkout's plangraph, to compare with
            env["PYTHONPATH"] = name.partition("@")[2]
        context = server(command, port, env)
    elif name == "plangraph-granian-nocache":
        env = {
            "PLANGRAPH_STORE": str(copy_store(data, work, name)),
            "PLANGRAPH_ANSWER_CACHE_BYTES": "0",
            "PLANGRAPH_MAX_CONCURRENT_PER_CLIENT": "1000",
            "PLANGRAPH_QUERY_TIMEOUT": "120",
        }
        context = server([sys.executable, "-c", PLANGRAPH_GRANIAN_SERVER, str(port)], port, env)
    elif name == "oxigraph":
        oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        command = [
            oxigraph,
            "serve",
            "--location",
            str(copy_store(data, work, name)),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ]
        context = server(command, port)
    elif name == "rdflib-endpoint":
        command = [sys.executable, "-c", RDFLIB_SERVER, str(data.nquads), str(port)]
        context = server(command, port, start_timeout=3600)
    elif name == "python-floor":
        command = [sys.executable, "-c", PYTHON_FLOOR_SERVER, str(copy_store(data, work, name))]
        context = server([*command, str(port)], port)
    elif name in ("granian-floor", "granian-rsgi-floor"):
        interface = "rsgi" if name == "granian-rsgi-floor" else "asginl"
        store_copy = str(copy_store(data, work, name))
        command = [sys.executable, "-c", GRANIAN_FLOOR_SERVER, store_copy, str(port), interface]
        context = server(command, port)
    else:
        raise ValueError(name)
    with context as process:
        path = {"oxigraph": "/query", "rdflib-endpoint": "/"}.get(name, "/sparql")
        yield Remote(port, path, process.pid)


@dataclass
class Remote:
    """A system over HTTP: a factory of clients for it, and the process it runs as."""

    port: int
    path: str
    pid: int

    def __call__(self) -> Client:
        return HttpClient(self.port, self.path)


_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux: from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """The CPU time (user and system) each process has used so far."""
    used = {}
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[p] = (int(fields[11]) + int(fields[12])) / _TICKS
    return used


def cpu_per_request(remote: Remote, requests: int) -> tuple[float, float]:
    """One keep-alive client sends ``requests`` queries of the mix in turn; the CPU time the
    system's processes (the server and its workers) used per request, and the wall time per
    request, in ms. CPU time counts only the work a request makes, whatever else runs on the
    machine, so it compares better than throughput on a busy one."""
    queries = [(PREFIXES + text, accept) for _, text, accept in MIX]
    client = remote()
    pids = process_tree(remote.pid)
    before = cpu_seconds(pids)
    started = time.perf_counter()
    try:
        for i in range(requests):
            status, _ = client.ask(*queries[i % len(queries)])
            if status != 200:
                raise RuntimeError(f"status {status}")
    finally:
        client.close()
    wall = time.perf_counter() - started
    after = cpu_seconds(sorted(set(pids) | set(process_tree(remote.pid))))
    used = sum(after[p] - before.get(p, 0.0) for p in after)
    return used / requests * 1000, wall / requests * 1000


class Client:
    def ask(self, query: str, accept: str) -> tuple[int, int]:
        """Send one query; ``(status, bytes)``."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class HttpClient(Client):
    def __init__(self, port: int, path: str) -> None:
        self.port = port
        self.path = path
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def ask(self, query: str, accept: str) -> tuple[int, int]:
        body = urlencode({"query": query})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        try:
            self.conn.request("POST", self.path, body, headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            return 599, 0
        return response.status, len(data)

    def close(self) -> None:
        self.conn.close()


class InProcess(Client):
    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def ask(self, query: str, accept: str) -> tuple[int, int]:
        result = self.store.query(query, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryTriples):
            data = result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
        else:
            data = result.serialize(format=ox.QueryResultsFormat.JSON) or b""
        return 200, len(data)


# -- load ------------------------------------------------------------------------------------


@dataclass
class Level:
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    per_query: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    elapsed: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def summary(self, rounds: list[Level] | None = None) -> dict[str, Any]:
        """The figures of this level; with ``rounds`` (this level run several times, this one
        holding all their latencies), the median throughput of the rounds."""
        ok = sorted(self.latencies)
        throughputs = [r.throughput for r in rounds] if rounds else [self.throughput]
        return {
            "concurrency": self.concurrency,
            "requests": len(ok),
            "errors": self.errors,
            "throughput": statistics.median(throughputs),
            "throughput_rounds": throughputs,
            "median_ms": statistics.median(ok) * 1000 if ok else None,
            "p99_ms": ok[min(len(ok) - 1, int(len(ok) * 0.99))] * 1000 if ok else None,
            "per_query_median_ms": {
                q: statistics.median(v) * 1000 for q, v in sorted(self.per_query.items())
            },
        }


Timings = list[tuple[str, int, float]]  # (query, status, seconds)


def client_loop(make: Callable[[], Client], offset: int, stop: float) -> Timings:
    """One client: the queries of the mix in turn, from ``offset``, until ``stop``."""
    queries = [(name, PREFIXES + text, accept) for name, text, accept in MIX]
    client = make()
    timings: Timings = []
    i = offset
    try:
        while time.time() < stop:
            name, query, accept = queries[i % len(queries)]
            i += 1
            started = time.perf_counter()
            status, _ = client.ask(query, accept)
            timings.append((name, status, time.perf_counter() - started))
    finally:
        client.close()
    return timings


def _http_client_process(args: tuple[int, str, int, float]) -> Timings:
    port, path, offset, stop = args
    return client_loop(lambda: HttpClient(port, path), offset, stop)


def run_level(make: Callable[[], Client], concurrency: int, duration: float) -> Level:
    """``concurrency`` clients for ``duration`` seconds. HTTP clients are processes (so that the
    load generator's GIL does not cap the servers); in-process clients are threads (pyoxigraph
    releases the GIL while it queries)."""
    level = Level(concurrency)
    stop = time.time() + duration
    started = time.perf_counter()
    probe = make()
    if isinstance(probe, HttpClient):
        probe.close()
        jobs = [(probe.port, probe.path, k, stop) for k in range(concurrency)]
        with mp.get_context("fork").Pool(concurrency) as pool:
            results = pool.map(_http_client_process, jobs)
    else:
        results = [[] for _ in range(concurrency)]

        def run(k: int) -> None:
            results[k] = client_loop(make, k, stop)

        threads = [threading.Thread(target=run, args=(k,)) for k in range(concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    level.elapsed = time.perf_counter() - started
    for timings in results:
        for name, status, took in timings:
            if status == 200:
                level.latencies.append(took)
                level.per_query.setdefault(name, []).append(took)
            else:
                level.errors += 1
    return level


def warm_up(make: Callable[[], Client]) -> dict[str, int]:
    """Run the mix once; the size of each answer (a check that every system answers)."""
    client = make()
    sizes = {}
    try:
        for name, text, accept in MIX:
            status, size = client.ask(PREFIXES + text, accept)
            if status != 200:
                raise RuntimeError(f"{name}: status {status}")
            sizes[name] = size
    finally:
        client.close()
    return sizes


# -- report ----------------------------------------------------------------------------------


def report(results: dict[str, Any]) -> str:
    lines = [
        f"machine: {results['machine']}",
        f"duration per level: {results['duration']} s, median of {results['rounds']} rounds",
        "",
    ]
    for data_name, by_system in results["datasets"].items():
        lines.append(f"## {data_name} ({by_system['triples']:,} triples)")
        lines.append("")
        lines.append("| system | clients | requests | errors | req/s | median ms | p99 ms |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        for sys_name, levels in by_system["systems"].items():
            if isinstance(levels, str):
                lines.append(f"| {sys_name} | – | – | – | – | – | {levels} |")
                continue
            for lv in levels:
                median = f"{lv['median_ms']:.2f}" if lv["median_ms"] is not None else "–"
                p99 = f"{lv['p99_ms']:.2f}" if lv["p99_ms"] is not None else "–"
                lines.append(
                    f"| {sys_name} | {lv['concurrency']} | {lv['requests']} | {lv['errors']} "
                    f"| {lv['throughput']:.1f} | {median} | {p99} |"
                )
        lines.append("")
        loads = by_system.get("load_average", [])
        if loads:
            lines.append(
                f"load average (1 min) before each measured level: median "
                f"{statistics.median(loads):.2f}, from {min(loads):.2f} to {max(loads):.2f}"
            )
            lines.append("")
        lines.extend(ratios(by_system["systems"]))
        lines.append("")
        cpu = by_system.get("cpu_per_request_ms", {})
        if cpu:
            lines.append("CPU time of the system's processes a request, one client, the mix:")
            lines.append("")
            lines.append("| system | CPU ms (median) | rounds | wall ms |")
            lines.append("|---|---:|---|---:|")
            for sys_name, figures in cpu.items():
                rounds = ", ".join(f"{c:.3f}" for c in figures["cpu_rounds"])
                lines.append(
                    f"| {sys_name} | {figures['cpu']:.3f} | {rounds} | {figures['wall']:.3f} |"
                )
            lines.append("")
    return "\n".join(lines)


def ratios(systems: dict[str, Any]) -> list[str]:
    out: list[str] = []
    compared = [n for n in systems if n not in ("oxigraph", "rdflib-endpoint", "pyoxigraph")]
    for name in compared:
        ours = systems.get(name)
        if isinstance(ours, list):
            out.extend(ratios_of(name, ours, systems))
    return out


def ratios_of(name: str, ours: list[dict[str, Any]], systems: dict[str, Any]) -> list[str]:
    out: list[str] = []
    floor = systems.get("pyoxigraph")
    if isinstance(floor, list):
        one_ours, one_floor = ours[0], floor[0]
        out.append(f"{name} over pyoxigraph in process, one client, median per query:")
        for q, ms in one_ours["per_query_median_ms"].items():
            base = one_floor["per_query_median_ms"].get(q)
            if base:
                out.append(
                    f"- {q}: {ms:.2f} ms vs {base:.2f} ms: +{ms - base:.2f} ms "
                    f"(+{(ms / base - 1) * 100:.0f} %; target ≤ 1 ms + 10 % = "
                    f"{1 + base * 0.1:.2f} ms)"
                )
    for other, target in (("oxigraph", 0.8), ("rdflib-endpoint", 10.0)):
        theirs = systems.get(other)
        if not isinstance(theirs, list):
            continue
        parts = []
        for a, b in zip(ours, theirs, strict=True):
            if b["throughput"]:
                parts.append(
                    f"{a['concurrency']} clients: {a['throughput'] / b['throughput']:.2f}×"
                )
        out.append(f"throughput {name} / {other} (target ≥ {target}×): " + ", ".join(parts))
    return out


def measure(
    data: Data,
    systems: list[str],
    levels: list[int],
    args: argparse.Namespace,
    work: Path,
    entry: dict[str, Any],
) -> None:
    """Every system at every level, ``args.rounds`` times, interleaved: all systems run side by
    side (the servers idle while another is measured), and each round takes the systems in
    another order, so that a change in the machine's load falls on all of them alike."""
    names = [
        name
        for name in systems
        if not (name == "rdflib-endpoint" and data.triples > args.rdflib_max_triples)
    ]
    for name in systems:
        if name not in names:
            entry["systems"][name] = f"skipped: over {args.rdflib_max_triples:,} triples"
    rounds: dict[tuple[str, int], list[Level]] = {}
    cpu: dict[str, list[tuple[float, float]]] = {}
    with ExitStack() as stack:
        makers: dict[str, Callable[[], Client]] = {}
        for name in names:
            print(f"{data.name}: starting {name}")
            makers[name] = stack.enter_context(system(name, data, work))
            warm_up(makers[name])
        for round_no in range(args.rounds):
            shift = round_no % len(names)
            order = names[shift:] + names[:shift]
            for c in levels:
                for name in order:
                    run_level(makers[name], c, args.warm_up)  # not measured
                    load = os.getloadavg()[0]
                    entry["load_average"].append(load)
                    level = run_level(makers[name], c, args.duration)
                    rounds.setdefault((name, c), []).append(level)
                    print(
                        f"  round {round_no + 1}, {name}, {c:>2} clients: "
                        f"{level.throughput:8.1f} req/s, {level.errors} errors "
                        f"(load average {load:.2f})"
                    )
            if args.cpu_requests:
                for name in order:
                    maker = makers[name]
                    if isinstance(maker, Remote):
                        ms = cpu_per_request(maker, args.cpu_requests)
                        cpu.setdefault(name, []).append(ms)
                        print(
                            f"  round {round_no + 1}, {name}: {ms[0]:.3f} ms CPU, "
                            f"{ms[1]:.3f} ms wall a request"
                        )
    for name in names:
        summaries = []
        for c in levels:
            runs = rounds[(name, c)]
            pooled = Level(c)
            for run in runs:
                pooled.latencies.extend(run.latencies)
                pooled.errors += run.errors
                pooled.elapsed += run.elapsed
                for query, took in run.per_query.items():
                    pooled.per_query.setdefault(query, []).extend(took)
            summaries.append(pooled.summary(runs))
        entry["systems"][name] = summaries
    entry["cpu_per_request_ms"] = {
        name: {
            "cpu": statistics.median(c for c, _ in runs),
            "wall": statistics.median(w for _, w in runs),
            "cpu_rounds": [c for c, _ in runs],
        }
        for name, runs in cpu.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=synthetic.DEFAULT_MUNICIPALITIES)
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument(
        "--rounds", type=int, default=3, help="times each level is measured (median reported)"
    )
    parser.add_argument(
        "--warm-up", type=float, default=1.0, help="seconds of load before each measured level"
    )
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument(
        "--systems", default="pyoxigraph,plangraph-nocache,plangraph,oxigraph,rdflib-endpoint"
    )
    parser.add_argument("--datasets", default="bergen,national")
    parser.add_argument("--rdflib-max-triples", type=int, default=500_000)
    parser.add_argument(
        "--cpu-requests",
        type=int,
        default=2000,
        help="requests of one client per round to measure each server's CPU time a request "
        "(0: not measured)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "out" / "endpoint.json")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    systems = args.systems.split(",")
    wanted = args.datasets.split(",")

    machine = (
        f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pyoxigraph {ox.__version__}"
    )
    results: dict[str, Any] = {
        "machine": machine,
        "duration": args.duration,
        "rounds": args.rounds,
        "datasets": {},
    }
    with tempfile.TemporaryDirectory(prefix="plangraph-bench-") as tmp:
        work = Path(tmp)
        print("preparing the data")
        all_data: list[Data] = []
        if "bergen" in wanted:
            all_data.append(prepare("bergen", default_items(), work))
        if "national" in wanted:
            register = work / f"national-{args.municipalities}.nt"
            synthetic.write(register, municipalities=args.municipalities, seed=args.seed)
            items = [
                *default_items(),
                (f"https://w3id.org/plangraph/graph/synthetic/{args.municipalities}", register),
            ]
            all_data.append(prepare(f"national-{args.municipalities}", items, work))
        for data in all_data:
            entry: dict[str, Any] = {"triples": data.triples, "systems": {}, "load_average": []}
            results["datasets"][data.name] = entry
            measure(data, systems, levels, args, work, entry)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    text = report(results)
    args.out.with_suffix(".md").write_text(text)
    print()
    print(text)


if __name__ == "__main__":
    main()
