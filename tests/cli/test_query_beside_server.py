"""``query``, ``info`` and ``catalog`` beside a running ``plangraph serve`` on the same store:
they read what the server serves (its newest generation), and see its writes; the commands that
write say that the server holds the store."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from plangraph.namespaces import GRAPH_BASE
from tests.support.paths import ROOT, run_cli

TOKEN = "beside-the-server"


@dataclass
class Served:
    store: Path
    url: str
    process: subprocess.Popen[str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, reasoned_store_path: Path) -> Iterator[Served]:
    """A real ``plangraph serve`` process over its own copy of Bergen's register."""
    store = tmp_path_factory.mktemp("beside") / "store"
    shutil.copytree(reasoned_store_path, store)
    port = _free_port()
    command = ["serve", "--store", str(store), "--port", str(port), "--no-reason"]
    process = subprocess.Popen(
        [sys.executable, "-m", "plangraph", *command],
        env={**os.environ, "PLANGRAPH_UPDATE_TOKEN": TOKEN, "COLUMNS": "200", "NO_COLOR": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, "plangraph serve stopped"
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "plangraph serve did not start"
            time.sleep(0.3)
        yield Served(store, url, process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_query_info_and_catalog_read_what_the_server_serves(served: Served) -> None:
    store = str(served.store)
    answer = run_cli("query", "plan-register", "--store", store, "--format", "csv")
    assert answer.returncode == 0, answer.stderr
    over_http = httpx.get(served.url + "/queries/plan-register.csv", params={"lang": "nb"})
    assert answer.stdout.splitlines() == over_http.text.splitlines()
    assert len(answer.stdout.splitlines()) > 20

    info = run_cli("info", "--store", store)
    assert info.returncode == 0, info.stderr
    assert "as the running server serves it" in info.stdout and "bergen" in info.stdout

    catalog = run_cli("catalog", "--store", store, "--public-url", served.url + "/")
    assert catalog.returncode == 0, catalog.stderr
    served_catalog = httpx.get(served.url + "/catalog", headers={"Accept": "text/turtle"})
    assert served_catalog.status_code == 200
    assert catalog.stdout == served_catalog.text and "dcat:Catalog" in catalog.stdout

    # Nothing is left beside the store: each command's view of the generation is gone.
    assert not list(served.store.parent.glob(".store.view-*"))


def test_writing_commands_say_the_server_holds_the_store(served: Served) -> None:
    load = run_cli("load", "--store", str(served.store))
    assert load.returncode == 2 and load.stdout == ""
    assert "is served by a running `plangraph serve`" in load.stderr
    assert "stop the server" in load.stderr


def test_a_write_through_the_server_is_seen_by_the_next_command(served: Served) -> None:
    graph = GRAPH_BASE + "beside-the-server"
    update = f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:x:a> <urn:x:b> <urn:x:c> , <urn:x:d> }} }}"
    r = httpx.post(
        served.url + "/sparql",
        data={"update": update},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert r.status_code == 204, r.text
    info = run_cli("info", "--store", str(served.store))
    assert info.returncode == 0, info.stderr
    line = next(line for line in info.stdout.splitlines() if "beside-the-server" in line)
    assert line.split("│")[2].strip() == "2"
    # The server's writer brings the inferences up to date after the write; a command that
    # runs meanwhile reads the generation and never touches the store being written.
    for _ in range(4):
        assert run_cli("info", "--store", str(served.store)).returncode == 0
    again = httpx.get(
        served.url + "/sparql",
        params={"query": f"ASK {{ GRAPH <{graph}> {{ <urn:x:a> <urn:x:b> <urn:x:d> }} }}"},
        headers={"Accept": "text/csv"},
    )
    assert again.text.strip().splitlines()[-1] == "true"
    assert (served.store / "LOCK").exists() and not served.store.with_name("store.broken").exists()
