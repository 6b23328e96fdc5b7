"""Faults of issue 19 that a server must survive: a full disk, a killed main process, a writer
killed during the inference refresh, writes under a slow refresh. Each against real worker
processes over a real store (on a small filesystem of its own where the disk matters)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from tests.support.server import TOKEN, copy_of, serve

BIG = "http://example.org/hardening/big"
SMALL = "http://example.org/hardening/small"


def tiny_store(path: Path) -> Path:
    store = ox.Store(str(path))
    store.add(
        ox.Quad(
            ox.NamedNode("http://x/a"),
            ox.NamedNode("http://x/p"),
            ox.Literal("1"),
            ox.NamedNode("http://x/g"),
        )
    )
    store.flush()
    del store
    return path


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A filesystem of 128 MB of its own (tmpfs; the tests run as root), unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` with one file until ``leave`` bytes are left; the file."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    filler = disk / "filler"
    with filler.open("wb") as handle:
        block = b"\0" * (1 << 20)
        remaining = free - leave
        while remaining > 0:
            remaining -= handle.write(block[: min(len(block), remaining)])
    return filler


def big_turtle(triples: int = 15_000) -> bytes:
    padding = "x" * 200
    return "".join(
        f'<http://example.org/s{i}> <http://example.org/p> "{padding}{i}" .\n'
        for i in range(triples)
    ).encode()


def test_a_write_that_fills_the_disk_is_not_made_and_writes_work_once_space_is_freed(
    small_disk: Path,
) -> None:
    path = tiny_store(small_disk / "store")
    with serve(path, workers=1) as server, server.client() as client:
        assert client.get("/health/ready").status_code == 200
        filler = fill(small_disk, leave=20_000_000)  # the write's log fits, its tables do not
        r = client.put(
            "/store",
            params={"graph": BIG},
            content=big_turtle(),
            headers={**server.auth(), "Content-Type": "text/turtle"},
        )
        assert r.status_code == 507, (r.status_code, r.text[:300])
        assert "disk" in r.text and "full" in r.text and "not made" in r.text
        assert client.get("/store", params={"graph": BIG}).status_code == 404
        health = client.get("/health").json()
        assert health["disk"]["free_bytes"] < 25_000_000
        assert health["disk"]["full"] is True
        ready = client.get("/health/ready")
        assert ready.status_code == 503, ready.text
        assert "disk" in ready.json()["problems"][0]
        filler.unlink()
        # No restart: the store takes writes again once there is room.
        assert client.get("/health/ready").status_code == 200
        r = client.put(
            "/store",
            params={"graph": SMALL},
            content=b"<http://example.org/s> <http://example.org/p> 1 .",
            headers={**server.auth(), "Content-Type": "text/turtle"},
        )
        assert r.status_code == 201, r.text
        assert client.get("/health").json()["disk"]["full"] is False
    # The store holds what was acknowledged, and nothing of the refused write.
    store = ox.Store(str(path))
    graphs = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    assert SMALL in graphs and BIG not in graphs
    del store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == str(pid) and fields[0] != "Z":
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


SERVE = (sys.executable, "-m", "plangraph", "serve")


def start_serving(store: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``plangraph serve`` in a process of its own, once it answers ``/health``."""
    env = {**os.environ, "PLANGRAPH_UPDATE_TOKEN": TOKEN, "PLANGRAPH_WORKERS": "2"}
    with log.open("ab") as output:
        process = subprocess.Popen(
            [*SERVE, "--store", str(store), "--port", str(port), "--no-reason"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    started = time.monotonic()
    while True:
        assert process.poll() is None, f"serve exited {process.returncode}: {log.read_text()}"
        assert time.monotonic() - started < 120, "serve did not start"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)


RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) {"
    + "".join(f" VALUES ?v{i} {{ {' '.join(map(str, range(100)))} }}" for i in range(8))
    + " }"
)


def test_kill_9_of_the_server_takes_its_workers_with_it_and_a_restart_works(
    tmp_path: Path, loaded_store_path: Path
) -> None:
    store = copy_of(loaded_store_path, tmp_path)
    log = tmp_path / "serve.log"
    port = free_port()
    server = start_serving(store, port, log)
    try:
        workers = children(server.pid)
        assert len(workers) >= 3, workers  # the writer and two readers

        # A reader on a runaway query (a deadline of a minute), as in issue 19.
        def run_away() -> None:
            with contextlib.suppress(httpx.TransportError):  # the server is killed under it
                httpx.post(
                    f"http://127.0.0.1:{port}/sparql",
                    data={"query": RUNAWAY, "timeout": "60"},
                    timeout=70,
                )

        running = threading.Thread(target=run_away, daemon=True)
        running.start()
        time.sleep(1.0)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)
        until = time.monotonic() + 10
        while any(alive(w) for w in workers) and time.monotonic() < until:
            time.sleep(0.05)
        left = [w for w in workers if alive(w)]
        assert not left, f"workers outlived the server: {left}"
        # Started again at once, the server opens the store (no orphan holds its lock).
        server = start_serving(store, free_port(), log)
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        for w in children(os.getpid()):  # nothing of this test stays behind
            assert w != server.pid
