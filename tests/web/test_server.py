"""The HTTP server's own limits (issue 19, items 10 and 11), with raw sockets against real
servers: no ``server`` header; idle and trickling connections closed after the read timeout; a
cap on the connections one client may hold open."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.server import Server, copy_of, serve

READ_TIMEOUT = 1.5
"""The read timeout of the ``slow`` server, in seconds."""
SLACK = 4.0
"""How much later than the timeout a close may come on a busy machine."""
CAP = 3
"""The connections per client of the ``capped`` server."""


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory, loaded_store_path: Path) -> Iterator[Server]:
    store = copy_of(loaded_store_path, tmp_path_factory.mktemp("slow-clients"))
    with serve(store, read_timeout=READ_TIMEOUT, workers=1) as server:
        yield server


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory, loaded_store_path: Path) -> Iterator[Server]:
    store = copy_of(loaded_store_path, tmp_path_factory.mktemp("capped"))
    with serve(
        store, max_connections_per_client=CAP, read_timeout=60, workers=1, max_body_bytes=1000
    ) as server:
        yield server


def connect(server: Server) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=READ_TIMEOUT + SLACK + 5)
    return sock


def read_until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and when it closed (on
    :func:`time.monotonic`'s clock)."""
    received = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return received, time.monotonic()
        received += chunk


def trickle(sock: socket.socket, data: bytes, pause: float) -> float:
    """Send ``data`` a byte at a time, ``pause`` seconds apart, until the server closes the
    connection; when it was found closed."""
    for byte in data:
        try:
            sock.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            return time.monotonic()
        time.sleep(pause)
        sock.setblocking(False)
        try:
            if sock.recv(65536, socket.MSG_PEEK) == b"":
                return time.monotonic()
        except BlockingIOError:
            pass
        finally:
            sock.setblocking(True)
    raise AssertionError("the server read the whole trickled request")


def ask(server: Server) -> httpx.Response:
    return httpx.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=30)


# -- no server header --------------------------------------------------------------------------


def test_no_answer_names_the_server(capped: Server) -> None:
    with capped.client() as client:
        answers = [
            client.get("/health"),
            client.get("/sparql", params={"query": "ASK {}"}),
            client.get("/sparql", params={"query": "not sparql"}),
            client.get("/no-such-page"),
            client.post(
                "/sparql",
                content=b"x" * (capped.settings.max_body_bytes + 1),
                headers={"Content-Type": "application/sparql-query"},
            ),
        ]
    assert [r.status_code for r in answers] == [200, 200, 400, 404, 413]
    for r in answers:
        assert "server" not in r.headers, (r.url, r.headers)


# -- the read timeout ----------------------------------------------------------------------------


def test_a_connection_that_sends_nothing_is_closed_without_an_answer(slow: Server) -> None:
    with connect(slow) as sock:
        opened = time.monotonic()
        received, closed = read_until_closed(sock)
    assert received == b""  # nothing unasked for: a client's next request cannot meet a 408
    assert READ_TIMEOUT * 0.8 <= closed - opened <= READ_TIMEOUT + SLACK
    assert ask(slow).status_code == 200


def test_trickled_headers_are_cut_with_408(slow: Server) -> None:
    with connect(slow) as sock:
        opened = time.monotonic()
        closed = trickle(sock, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000, 0.1)
        received, _ = read_until_closed(sock)
    assert received.startswith(b"HTTP/1.1 408 "), received
    assert closed - opened <= READ_TIMEOUT + SLACK
    assert ask(slow).status_code == 200


def test_a_trickled_body_is_cut(slow: Server) -> None:
    body = b"query=" + b"A" * 2000
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    with connect(slow) as sock:
        opened = time.monotonic()
        sock.sendall(head)
        closed = trickle(sock, body, 0.1)
    assert closed - opened <= READ_TIMEOUT + SLACK
    assert ask(slow).status_code == 200


def test_the_next_request_on_a_kept_alive_connection_must_come_in_time(slow: Server) -> None:
    with connect(slow) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 "), first
        answered = time.monotonic()
        closed = trickle(sock, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000, 0.1)
    assert closed - answered <= READ_TIMEOUT + SLACK


def test_a_request_sent_in_pieces_within_the_timeout_is_answered(slow: Server) -> None:
    query = b"query=ASK+%7B+%3Fs+%3Fp+%3Fo+%7D"
    pieces = [
        b"POST /sparql HTTP/1.1\r\nHost: x\r\n",
        b"Content-Type: application/x-www-form-urlencoded\r\nAccept: text/csv\r\n",
        b"Content-Length: " + str(len(query)).encode() + b"\r\n\r\n",
        query[:10],
        query[10:],
    ]
    with connect(slow) as sock:
        for piece in pieces:
            sock.sendall(piece)
            time.sleep(READ_TIMEOUT / 10)
        received = sock.recv(65536)
        assert received.startswith(b"HTTP/1.1 200 "), received
        # … and the connection stays open for the next request.
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")


# -- connections per client ----------------------------------------------------------------------


def test_one_connection_over_the_cap_is_refused_and_the_cap_frees_up(capped: Server) -> None:
    held = [connect(capped) for _ in range(CAP)]
    try:
        with connect(capped) as extra:
            extra.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            received, _ = read_until_closed(extra)
        assert received.startswith(b"HTTP/1.1 429 "), received
        assert b"PLANGRAPH_MAX_CONNECTIONS_PER_CLIENT" in received
        assert b"server:" not in received.lower()
        # The held connections still work.
        held[0].sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert held[0].recv(65536).startswith(b"HTTP/1.1 200 ")
        # Once one closes, the client may open another.
        held.pop().close()
        deadline = time.monotonic() + 10
        while True:
            with connect(capped) as again:
                again.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                answer = again.recv(65536)
            if answer.startswith(b"HTTP/1.1 200 ") or time.monotonic() > deadline:
                break
            time.sleep(0.1)  # the server may not have seen the close yet
        assert answer.startswith(b"HTTP/1.1 200 "), answer
    finally:
        for sock in held:
            sock.close()
    # Closed connections do not count: many in a row, each within the cap.
    for _ in range(CAP * 4):
        r = httpx.get(capped.url + "/health", headers={"Connection": "close"}, timeout=30)
        assert r.status_code == 200
