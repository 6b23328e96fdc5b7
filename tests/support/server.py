"""Servers for the endpoint tests, each over its own store in a temporary folder, with the
engine's real worker processes behind it: uvicorn on a free port of 127.0.0.1, configured as
``plangraph serve`` configures it (:func:`serve`),
for what needs a real server (deadlines, kills, clients that speak HTTP), or the app in this
process (:func:`in_process`, through httpx's ``ASGITransport``: no port, no uvicorn) for the
rest."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import threading
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from plangraph.settings import Settings
from plangraph.web.app import create_app
from plangraph.web.server import config as server_config

T = TypeVar("T")

TOKEN = "test-update-token"
IN_PROCESS_URL = "http://testserver"
"""Where an app in this process appears to be."""
STRICT_DEADLINE = 2.0
"""The default deadline of the ``strict`` server, in seconds."""


@dataclass
class Server:
    """A running plangraph server: on a port, or in this process (``transport``)."""

    url: str
    settings: Settings
    transport: httpx.BaseTransport | None = None
    """How a client reaches an app in this process (None: over the network, at ``url``)."""

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, transport=self.transport, **{"timeout": 60, **kwargs}
        )

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}"}


def server_settings(store: Path, **overrides: Any) -> Settings:
    """The settings of a test server: the update token, two workers, a 20 s deadline."""
    values: dict[str, Any] = {
        "store": store,
        "update_token": TOKEN,
        "workers": 2,
        "query_timeout": 20.0,
        **overrides,
    }
    return Settings(**values)


class _Loop:
    """An event loop on a thread of its own, for an app in this process."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(30)
        self.loop.close()


class _InProcess(httpx.BaseTransport):
    """A synchronous client's requests, each answered by the app on its loop (httpx's
    ``ASGITransport``): as a server would call the app, without the server."""

    def __init__(self, app: FastAPI, loop: _Loop) -> None:
        self._app = httpx.ASGITransport(app, client=("127.0.0.1", 50000))
        self._loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sent = httpx.Request(
            request.method, request.url, headers=request.headers, content=request.read()
        )

        async def answer() -> tuple[int, httpx.Headers, bytes]:
            response = await self._app.handle_async_request(sent)
            return response.status_code, response.headers, await response.aread()

        status, headers, content = self._loop.run(answer())
        return httpx.Response(status, headers=headers, content=content, request=request)


@contextlib.contextmanager
def in_process(store: Path, **overrides: Any) -> Iterator[Server]:
    """The app over ``store`` in this process until the block ends, with its lifespan: the
    engine and its worker processes are real; requests reach the app without a port."""
    settings = server_settings(store, **overrides)
    app = create_app(settings)
    loop = _Loop()
    lifespan = app.router.lifespan_context(app)
    try:
        loop.run(lifespan.__aenter__())
        try:
            yield Server(IN_PROCESS_URL, settings, _InProcess(app, loop))
        finally:
            loop.run(lifespan.__aexit__(None, None, None))
    finally:
        loop.close()


@contextlib.contextmanager
def serve(store: Path, *, own_base: bool = False, **overrides: Any) -> Iterator[Server]:
    """Run plangraph over ``store`` in this process (uvicorn in a thread) until the block ends.

    ``own_base``: publish the data under the server's own address (``PLANGRAPH_BASE_IRI``)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    if own_base:
        overrides = {"base_iri": f"http://127.0.0.1:{port}/", **overrides}
    settings = server_settings(store, **overrides)
    app = create_app(settings)
    config = server_config(app, settings, log_config=None, log_level="warning", lifespan="on")
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


@pytest.fixture(scope="session")
def bergen_app(
    tmp_path_factory: pytest.TempPathFactory, loaded_store_path: Path
) -> Iterator[Server]:
    """The app over its own copy of Bergen's register, in this process, shared by the tests of
    routes that need no real server (pages, negotiation, errors). A test that writes to it
    takes its write back."""
    store = copy_of(loaded_store_path, tmp_path_factory.mktemp("in-process"))
    with in_process(store) as server:
        yield server


def copy_of(store: Path, where: Path) -> Path:
    target = where / "store"
    shutil.copytree(store, target)
    return target


@pytest.fixture(scope="session")
def strict(bergen_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with short deadlines and small caps, over its own copy of Bergen's register."""
    store = copy_of(bergen_store, tmp_path_factory.mktemp("strict"))
    with serve(
        store,
        query_timeout=STRICT_DEADLINE,
        max_query_timeout=STRICT_DEADLINE * 2,
        max_rows=100,
        max_result_bytes=200_000,
        max_body_bytes=64 * 1024,
        max_concurrent_per_client=2,
    ) as server:
        yield server
