"""Real SPARQL engines for the backend tests: the Oxigraph server (PyPI ``oxigraph``) and
Virtuoso Open Source 7 (Debian's ``virtuoso-opensource-7-bin``), each started on 127.0.0.1 on a
free port in a temporary folder, for the session, and stopped after it.

A missing engine is a failure, not a skip: CI installs both (``.ci/run``), and so does a
developer (the README's "Backends" section).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from plangraph.settings import Settings

VIRTUOSO_USER = "dba"
"""Virtuoso's built-in administrator: its password is ``dba`` in a fresh database, which the
tests' engine only ever has (bound to 127.0.0.1, in a temporary folder)."""
VIRTUOSO_PASSWORD = "dba"

_START_TIMEOUT = 180.0


@dataclass(frozen=True)
class RemoteEngine:
    """A running engine: its name and the settings that make it plangraph's backend."""

    name: str
    query_url: str
    update_url: str
    store_url: str
    user: str | None = None
    password: str | None = None

    def settings(self, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "backend_url": self.query_url,
            "backend_update_url": self.update_url,
            "backend_store_url": self.store_url,
        }
        if self.user is not None:
            values["backend_user"] = self.user
            values["backend_password"] = self.password
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    def environment(self) -> dict[str, str]:
        """The ``PLANGRAPH_BACKEND_*`` variables that point plangraph at the engine."""
        env = {
            "PLANGRAPH_BACKEND_URL": self.query_url,
            "PLANGRAPH_BACKEND_UPDATE_URL": self.update_url,
            "PLANGRAPH_BACKEND_STORE_URL": self.store_url,
        }
        if self.user is not None:
            env["PLANGRAPH_BACKEND_USER"] = self.user
            env["PLANGRAPH_BACKEND_PASSWORD"] = self.password or ""
        return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the engine stopped at start (exit {process.returncode}):\n{_tail(log)}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    process.kill()
    pytest.fail(f"the engine did not answer at {url} within {_START_TIMEOUT} s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-20:])
    except OSError:
        return ""


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def oxigraph_binary() -> str:
    """The ``oxigraph`` command of the PyPI package, beside this Python (in the venv)."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        pytest.fail(
            "the Oxigraph server is not installed: pip install -e '.[test]' installs it "
            "(the PyPI package `oxigraph`)"
        )
    return found


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteEngine]:
    """The Oxigraph server on an empty database."""
    folder = tmp_path_factory.mktemp("oxigraph-server")
    port = free_port()
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                oxigraph_binary(),
                "serve",
                "--location",
                str(folder / "db"),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/query", process, log)
        yield RemoteEngine("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store")
    finally:
        _stop(process)


VIRTUOSO_INI = """\
; Virtuoso Open Source 7 for plangraph's tests: one folder, bound to 127.0.0.1.
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DirsAllowed = ., {dir}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
CheckpointInterval = 60
MaxQueryMem = 500M
ThreadsPerQuery = 2
MaxClientConnections = 8

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 8
ServerThreads = 8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""


def virtuoso_binary() -> str:
    found = shutil.which("virtuoso-t")
    if found is None:
        pytest.fail(
            "Virtuoso is not installed: apt-get install virtuoso-opensource-7-bin "
            "(the README's Backends section; .ci/run installs it)"
        )
    return found


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteEngine]:
    """Virtuoso Open Source 7 on a fresh database; updates and Graph Store writes go to its
    digest-authenticated endpoints as ``dba``."""
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=free_port(), http_port=http_port))
    log = folder / "console.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [virtuoso_binary(), "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait_until_up(f"{base}/sparql", process, log)
        yield RemoteEngine(
            "virtuoso",
            f"{base}/sparql",
            f"{base}/sparql-auth",
            f"{base}/sparql-graph-crud-auth",
            VIRTUOSO_USER,
            VIRTUOSO_PASSWORD,
        )
    finally:
        _stop(process)


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def engine(request: pytest.FixtureRequest) -> RemoteEngine:
    """Each remote engine in turn (a test that takes it runs once per engine)."""
    name = "oxigraph_server" if request.param == "oxigraph" else "virtuoso"
    found: RemoteEngine = request.getfixturevalue(name)
    return found
