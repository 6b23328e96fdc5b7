"""Dumps: how fast plangraph streams the whole store, and how much memory its server holds.

On the synthetic national register (with the default datasets), in the same run:

* plangraph: ``GET /dumps/all.nq`` and ``GET /dumps/all.ttl`` from ``plangraph serve``;
* the Oxigraph server: ``GET /store`` as N-Quads (the whole dataset, streamed by Rust);
* pyoxigraph in process: ``Store.dump`` of every quad to a file (the floor: no HTTP, no checks).

For each, the time to the last byte, the bytes, and the peak memory (``VmHWM``) of the server
process: for plangraph, the front end (which only relays chunks) and, apart, its reader worker.
The systems take turns, ``--repeat`` times; medians are reported.

    .venv/bin/python benchmarks/dumps.py [--municipalities 357] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from endpoint import Data, copy_store, default_items, free_port, prepare, stop, wait_for

from plangraph.data import synthetic


def peak_rss_mib(pid: int) -> float:
    """The peak resident memory of a process (``VmHWM``), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(p) for p in text)
    return found


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[float, int]:
    """Seconds to the last byte, and the bytes, of a streamed GET."""
    started = time.perf_counter()
    size = 0
    with httpx.Client(timeout=600) as client, client.stream("GET", url, headers=headers) as r:
        r.raise_for_status()
        for chunk in r.iter_raw(1 << 20):
            size += len(chunk)
    return time.perf_counter() - started, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=synthetic.DEFAULT_MUNICIPALITIES)
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--work", type=Path, help="Keep the prepared store in this folder (and reuse it)."
    )
    parser.add_argument("--systems", default="plangraph,oxigraph,pyoxigraph")
    args = parser.parse_args()
    print(
        f"{platform.platform()}, {os.cpu_count()} cores, pyoxigraph {ox.__version__}; "
        f"load average {os.getloadavg()}"
    )
    results: dict[str, list[dict[str, Any]]] = {}
    with contextlib.ExitStack() as stack:
        if args.work is None:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="plangraph-dumps-")))
        else:
            work = args.work
            work.mkdir(parents=True, exist_ok=True)
        data = Data("national", work / "national" / "store", work / "national" / "data.nq", 0)
        if not (data.store / "CURRENT").exists():
            register = work / "national.nt"
            synthetic.write(register, municipalities=args.municipalities, seed=args.seed)
            items = [
                *default_items(),
                (f"https://w3id.org/plangraph/graph/synthetic/{args.municipalities}", register),
            ]
            data = prepare("national", items, work)
            register.unlink()
            data.nquads.unlink()
        for round_ in range(args.repeat):
            order = args.systems.split(",")
            order = order[round_ % len(order) :] + order[: round_ % len(order)]
            for name in order:
                print(f"round {round_ + 1}: {name}", flush=True)
                results.setdefault(name, []).append(run(name, data, work))
                print(f"  {results[name][-1]}", flush=True)

    print(f"\nload average after: {os.getloadavg()}\n")
    print("| system | what | median s | MB | MB/s | peak RSS MiB (server) |")
    print("|---|---|---:|---:|---:|---:|")
    for name, runs in results.items():
        for key in runs[0]:
            if not key.endswith("_s"):
                continue
            what = key[:-2]
            seconds = statistics.median(r[key] for r in runs)
            size = runs[0][what + "_bytes"] / 1e6
            rss = statistics.median(r.get(what + "_rss", float("nan")) for r in runs)
            extra = ""
            if what + "_worker_rss" in runs[0]:
                worker = statistics.median(r[what + "_worker_rss"] for r in runs)
                extra = f" (front end; its reader: {worker:.0f})"
            print(
                f"| {name} | {what} | {seconds:.2f} | {size:.0f} | {size / seconds:.0f} | "
                f"{rss:.0f}{extra} |"
            )


def run(name: str, data: Any, work: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if name == "pyoxigraph":
        store = ox.Store.read_only(str(data.store))
        target = work / "floor.nq"
        started = time.perf_counter()
        store.dump(str(target), ox.RdfFormat.N_QUADS)
        out["nq_s"] = time.perf_counter() - started
        out["nq_bytes"] = target.stat().st_size
        target.unlink()
        del store
        return out
    port = free_port()
    path = copy_store(data, work, name)
    if name == "plangraph":
        command = [sys.executable, "-m", "plangraph", "serve", "--store", str(path)]
        command += ["--port", str(port)]
        env = {"PLANGRAPH_WORKERS": "1", "PLANGRAPH_MAX_WORKERS": "2"}
    else:
        oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        command = [oxigraph, "serve-read-only", "--location", str(path)]
        command += ["--bind", f"127.0.0.1:{port}"]
        env = {}
    log = (work / f"server-{name}.log").open("ab")
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=log, stderr=log)
    try:
        wait_for(port, process, 600)
        pid = process.pid
        base = f"http://127.0.0.1:{port}"
        if name == "plangraph":
            for suffix in ("nq", "ttl"):
                out[f"{suffix}_s"], out[f"{suffix}_bytes"] = fetch(f"{base}/dumps/all.{suffix}")
                out[f"{suffix}_rss"] = peak_rss_mib(pid)
                out[f"{suffix}_worker_rss"] = max(peak_rss_mib(c) for c in children(pid))
        else:
            out["nq_s"], out["nq_bytes"] = fetch(
                f"{base}/store", headers={"Accept": "application/n-quads"}
            )
            out["nq_rss"] = peak_rss_mib(pid)
    finally:
        stop(process)
        log.close()
    shutil.rmtree(path, ignore_errors=True)
    return out


if __name__ == "__main__":
    main()
