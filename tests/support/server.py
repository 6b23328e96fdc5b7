"""Real servers for the endpoint tests: uvicorn on a free port of 127.0.0.1, each over its own
store in a temporary folder, with the real worker processes behind it."""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from plangraph.settings import Settings
from plangraph.web.app import create_app

TOKEN = "test-update-token"


@dataclass
class Server:
    """A running plangraph server."""

    url: str
    settings: Settings

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, **{"timeout": 60, **kwargs})

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}"}


@contextlib.contextmanager
def serve(store: Path, *, own_base: bool = False, **overrides: Any) -> Iterator[Server]:
    """Run plangraph over ``store`` in this process (uvicorn in a thread) until the block ends.

    ``own_base``: publish the data under the server's own address (``PLANGRAPH_BASE_IRI``)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    values: dict[str, Any] = {
        "store": store,
        "update_token": TOKEN,
        "workers": 2,
        "query_timeout": 20.0,
        **({"base_iri": f"http://127.0.0.1:{port}/"} if own_base else {}),
        **overrides,
    }
    settings = Settings(**values)
    app = create_app(settings)
    config = uvicorn.Config(app, log_config=None, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = time.monotonic()
    while not server.started:
        if not thread.is_alive() or time.monotonic() - started > 60:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield Server(f"http://127.0.0.1:{port}", settings)
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


@pytest.fixture(scope="session")
def bergen_store(tmp_path_factory: pytest.TempPathFactory, loaded_store_path: Path) -> Path:
    """A copy of the store with the default datasets (Bergen), for one server to own."""
    target = tmp_path_factory.mktemp("endpoint") / "store"
    shutil.copytree(loaded_store_path, target)
    return target


@pytest.fixture(scope="session")
def bergen(bergen_store: Path) -> Iterator[Server]:
    """A server over Bergen's register, shared by the tests that only read."""
    with serve(bergen_store) as server:
        yield server


def copy_of(store: Path, where: Path) -> Path:
    target = where / "store"
    shutil.copytree(store, target)
    return target
