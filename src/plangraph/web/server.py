"""The HTTP server under the app: uvicorn (httptools, uvloop), with the limits a public endpoint
needs on its connections.

* No ``server`` header: uvicorn's named the server it runs on (the app sends none).
* A client has ``PLANGRAPH_READ_TIMEOUT`` seconds to send a whole request, headers and body,
  counted from when the server starts waiting for it: a new connection that sends nothing, or
  one that trickles its headers or its body, is closed then (408 if the headers were cut short).
  A connection kept alive between requests is closed after uvicorn's keep-alive time.
* A client address may hold ``PLANGRAPH_MAX_CONNECTIONS_PER_CLIENT`` connections open at once;
  one more is answered 429 and closed at once, before it costs more than the accept.

:func:`config` is how ``plangraph serve`` and the tests' servers configure uvicorn alike.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, ClassVar

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from plangraph.settings import Settings


class _Connections:
    """The open connections of one server, per client address, and the limits on them."""

    def __init__(self, read_timeout: float, per_client: int) -> None:
        self.read_timeout = read_timeout
        self.per_client = per_client
        self.open: dict[str, int] = {}

    def admit(self, client: str) -> bool:
        count = self.open.get(client, 0)
        if count >= self.per_client:
            return False
        self.open[client] = count + 1
        return True

    def release(self, client: str) -> None:
        left = self.open.get(client, 0) - 1
        if left > 0:
            self.open[client] = left
        else:
            self.open.pop(client, None)

    def refusal(self) -> bytes:
        body = (
            f"Error 429: this client already holds {self.per_client} open connections "
            "(PLANGRAPH_MAX_CONNECTIONS_PER_CLIENT); close one or reuse it\n"
        ).encode()
        return (
            b"HTTP/1.1 429 Too Many Requests\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n"
            b"retry-after: 1\r\n"
            b"connection: close\r\n\r\n" + body
        )


_LINGER = 1.0
"""Seconds a refused connection is kept open for reading (and what it sends dropped)."""

_TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 48\r\n"
    b"connection: close\r\n\r\n"
    b"Error 408: the request did not arrive in time.\r\n"
)


class _GuardedProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol with a deadline on reading each request and a cap on the
    connections per client (see the module documentation). One connection, on the loop."""

    guard: ClassVar[_Connections]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._timer: asyncio.TimerHandle | None = None
        self._admitted: str | None = None  # the client address counted for this connection
        self._in_request = False  # bytes of a request came, not yet all of it
        self._headers_read = False

    # -- admission -------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        client = self.client[0] if self.client else "unknown"
        if not self.guard.admit(client):
            # Answer, then close the sending side only and drop what the client still sends for
            # a moment: closing at once would answer its request with a reset, which on the
            # client's side can discard the 429 before it is read (a lingering close).
            transport.write(self.guard.refusal())
            if transport.can_write_eof():
                transport.write_eof()
                self.loop.call_later(_LINGER, transport.close)
            else:
                transport.close()
            return
        self._admitted = client
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._admitted is not None:
            self.guard.release(self._admitted)
            self._admitted = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._admitted is None:  # refused: nothing it sends is read
            return
        super().data_received(data)

    # -- the read deadline -----------------------------------------------------------------

    def on_message_begin(self) -> None:
        self._in_request = True
        self._headers_read = False
        if self._timer is None:  # a request pipelined behind one still being answered
            self._arm()
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._headers_read = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_request = False
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self._timer is None:
            self._arm()  # the next request must come in time too

    def _arm(self) -> None:
        self._timer = self.loop.call_later(self.guard.read_timeout, self._expired)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expired(self) -> None:
        self._timer = None
        if self.transport.is_closing():
            return
        idle = self.cycle is None or self.cycle.response_complete
        if self._in_request and not self._headers_read:
            self.transport.write(_TIMED_OUT)  # headers cut short: say why
        elif not (self._in_request or idle):
            return  # the app is answering a request read in full: not the client's wait
        self.transport.close()


def protocol(settings: Settings) -> type[HttpToolsProtocol]:
    """uvicorn's HTTP protocol with ``settings``' limits, counting the connections of one
    server (each call: a fresh count)."""
    connections = _Connections(settings.read_timeout, settings.max_connections_per_client)
    return type("GuardedProtocol", (_GuardedProtocol,), {"guard": connections})


def config(app: ASGIApp, settings: Settings, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration plangraph serves ``app`` with; ``options`` go to uvicorn
    (``host``, ``port``, ``log_level`` …)."""
    return uvicorn.Config(
        app,
        http=protocol(settings),
        server_header=False,
        # The query log has a line for every request, with more in it; uvicorn's access log
        # would only double the cost of logging.
        access_log=False,
        **options,
    )


def run(app: ASGIApp, settings: Settings, **options: Any) -> None:
    """Serve ``app`` until Ctrl-C or SIGTERM (a clean stop, as ``uvicorn.run``)."""
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn raises the signal again once stopped
        uvicorn.Server(config(app, settings, **options)).run()
