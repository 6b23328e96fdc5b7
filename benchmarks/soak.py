"""A soak of the endpoint: mixed reads, writes and faults against a real ``plangraph serve``.

    .venv/bin/python benchmarks/soak.py [--minutes 10] [--readers 6] [--store PATH]

On loopback only. A copy of the store (default: the default datasets, loaded into a temporary
folder) is served with the update token and two query workers. For ``--minutes``:

* ``--readers`` clients ask quick queries, counts, a named query and a runaway query with a
  deadline of 1 s (answered 503 by design);
* one client writes a small graph after another (``PUT /store``) and remembers each write that
  was acknowledged (201/204);
* every 15 s a fault: ``kill -9`` of a reader or, every third time, of the writer.

It reports requests, errors by status, p50 and p99 latency, the server's memory (its process and
its workers, resident) over time, and whether every acknowledged write is in the store after
the server stopped. Exit status 1 if a write was lost or a 5xx other than a deadline's 503 (or a
killed worker's 500) came.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

TOKEN = "soak-token"
SERVE = (sys.executable, "-m", "plangraph", "serve")
GRAPH = "https://example.org/soak/graph/"
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) {"
    + "".join(f" VALUES ?v{i} {{ {' '.join(map(str, range(100)))} }}" for i in range(8))
    + " }"
)
READS = [
    ("GET", "/sparql", {"query": "ASK {}"}),
    ("GET", "/sparql", {"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}),
    (
        "GET",
        "/sparql",
        {"query": "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
    ),
    ("GET", "/queries/goals-and-indicators.json", {}),
    ("GET", "/health", {}),
    ("GET", "/sparql", {"query": RUNAWAY, "timeout": "1"}),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def family(pid: int) -> list[int]:
    """``pid`` and its child processes."""
    found = [pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    if handle.read().rsplit(")", 1)[1].split()[1] == str(pid):
                        found.append(int(entry))
            except OSError:
                pass
    return found


def resident(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def role_of(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            parts = handle.read().split(b"\0")
    except OSError:
        return ""
    for role in (b"reader", b"writer"):
        if role in parts:
            return role.decode()
    return ""


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: collections.Counter[str] = collections.Counter()
        self.latencies: list[float] = []
        self.acknowledged: list[str] = []
        self.bad: list[str] = []

    def record(self, status: str, seconds: float, detail: str = "") -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)
            if status.startswith("5") and status.split()[0] not in ("503", "500", "507"):
                self.bad.append(f"{status} {detail[:200]}")


def read_loop(url: str, stop: threading.Event, tally: Tally, seed: int) -> None:
    i = seed
    with httpx.Client(base_url=url, timeout=60) as client:
        while not stop.is_set():
            method, path, params = READS[i % len(READS)]
            i += 1
            started = time.monotonic()
            try:
                r = client.request(method, path, params=params)
                status = str(r.status_code)
                if r.status_code == 500 and "stopped unexpectedly" not in r.text:
                    tally.bad.append(f"500 {path} {r.text[:200]}")
            except httpx.TransportError as error:
                status = type(error).__name__
            tally.record(status, time.monotonic() - started)


def write_loop(url: str, stop: threading.Event, tally: Tally) -> None:
    n = 0
    with httpx.Client(base_url=url, timeout=60) as client:
        while not stop.is_set():
            graph = f"{GRAPH}{n}"
            n += 1
            started = time.monotonic()
            try:
                r = client.put(
                    "/store",
                    params={"graph": graph},
                    content=f"<{graph}> <https://example.org/soak/n> {n} .".encode(),
                    headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"},
                )
                status = str(r.status_code)
                if r.status_code in (201, 204):
                    with tally.lock:
                        tally.acknowledged.append(graph)
            except httpx.TransportError as error:
                status = type(error).__name__
            tally.record(f"{status} (write)", time.monotonic() - started, "PUT")
            time.sleep(0.05)


def faults(server: int, stop: threading.Event, log: list[str]) -> None:
    round_ = 0
    while not stop.wait(15):
        round_ += 1
        wanted = "writer" if round_ % 3 == 0 else "reader"
        for pid in family(server)[1:]:
            if role_of(pid) == wanted:
                os.kill(pid, signal.SIGKILL)
                log.append(f"{time.strftime('%H:%M:%S')} killed the {wanted} {pid}")
                break


def default_store(where: Path) -> Path:
    from plangraph.cli.store import default_items
    from plangraph.store import PlanStore

    path = where / "store"
    store = PlanStore.open(path)
    store.load(default_items())
    store.close()
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--store", type=Path, help="a store to copy (default: the datasets)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="plangraph-soak-"))
    try:
        if args.store:
            store = folder / "store"
            shutil.copytree(args.store, store)
        else:
            store = default_store(folder)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "PLANGRAPH_UPDATE_TOKEN": TOKEN,
            "PLANGRAPH_WORKERS": "2",
            # Every client here is 127.0.0.1: let all of them run at once.
            "PLANGRAPH_MAX_CONCURRENT_PER_CLIENT": str(args.readers + 2),
        }
        log_file = (folder / "serve.log").open("wb")
        server = subprocess.Popen(
            [*SERVE, "--store", str(store), "--port", str(port), "--no-reason"],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        while True:
            try:
                if httpx.get(url + "/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None:
                print((folder / "serve.log").read_text()[-2000:])
                return 1
            time.sleep(0.2)
        tally = Tally()
        stop = threading.Event()
        fault_log: list[str] = []
        threads = [
            threading.Thread(target=read_loop, args=(url, stop, tally, i))
            for i in range(args.readers)
        ]
        threads.append(threading.Thread(target=write_loop, args=(url, stop, tally)))
        threads.append(threading.Thread(target=faults, args=(server.pid, stop, fault_log)))
        for t in threads:
            t.start()
        memory: list[tuple[float, int]] = []
        started = time.monotonic()
        end = started + args.minutes * 60
        while time.monotonic() < end:
            memory.append((time.monotonic() - started, resident(family(server.pid))))
            time.sleep(min(10.0, max(0.0, end - time.monotonic())))
        memory.append((time.monotonic() - started, resident(family(server.pid))))
        stop.set()
        for t in threads:
            t.join(120)
        health = httpx.get(url + "/health", timeout=30).json()
        server.send_signal(signal.SIGINT)
        server.wait(60)
        log_file.close()
        found = ox.Store(str(store))
        graphs = {g.value for g in found.named_graphs() if isinstance(g, ox.NamedNode)}
        lost = [g for g in tally.acknowledged if g not in graphs]
        del found
        latencies = sorted(tally.latencies)
        p50 = statistics.median(latencies) if latencies else 0.0
        p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else 0.0
        print(f"minutes: {args.minutes:g}, readers: {args.readers}")
        print(f"requests: {sum(tally.statuses.values())}")
        print("by status: " + ", ".join(f"{k}: {v}" for k, v in sorted(tally.statuses.items())))
        print(f"latency p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")
        print(
            "memory (server and workers, resident MB): "
            + ", ".join(f"{t:.0f}s {m / 1e6:.0f}" for t, m in memory)
        )
        print(f"faults: {len(fault_log)}; crashes counted by /health: {health['crashes']}")
        print(f"acknowledged writes: {len(tally.acknowledged)}, lost: {len(lost)}")
        for line in tally.bad[:10]:
            print("unexpected:", line)
        return 1 if lost or tally.bad else 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
