"""Faults of issue 19 that a server must survive: a full disk, a killed main process, a writer
killed during the inference refresh, writes under a slow refresh. Each against real worker
processes over a real store (on a small filesystem of its own where the disk matters)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.support.server import serve

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
