"""One structured log line per query, update or Graph Store request, as JSON.

Fields: ``id`` (also sent back as ``X-Request-Id``), ``op``, ``client``, ``sha256`` of the
SPARQL text (never the text itself: it may be large or hold personal data), ``form``,
``format``, ``status``, ``rows``, ``bytes``, ``duration_ms``, ``cache`` (``"hit"`` for an answer
from the answer cache) and, for errors, ``error``. ``plangraph serve`` writes no other line per
request (uvicorn's access log is off: it would repeat this one).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import queue
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

logger = logging.getLogger("plangraph.query")

# Where the lines go once :func:`configure` ran (``plangraph serve``); else to ``logger``.
_sink: Callable[[str], None] | None = None


_PREFIX = uuid.uuid4().hex[:8]
_COUNTER = itertools.count(1)


def new_id() -> str:
    """An id unique to this server's run: a random prefix and a counter (cheaper than a uuid)."""
    return f"{_PREFIX}-{next(_COUNTER):x}"


def sha256(text: str | bytes | None) -> str | None:
    if text is None:
        return None
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


@dataclass
class QueryLog:
    """The log line of one request, filled in as the request goes and written once."""

    op: str
    client: str
    id: str = field(default_factory=new_id)
    started: float = field(default_factory=time.perf_counter)
    fields: dict[str, Any] = field(default_factory=dict)

    def set(self, **values: Any) -> None:
        self.fields.update(values)

    def write(self, status: int, *, rows: int | None = None, size: int | None = None) -> None:
        if _sink is None and not logger.isEnabledFor(logging.INFO):
            return
        record = {
            "id": self.id,
            "op": self.op,
            "client": self.client,
            **self.fields,
            "status": status,
            "rows": rows,
            "bytes": size,
            "duration_ms": round((time.perf_counter() - self.started) * 1000, 2),
        }
        line = json.dumps(record, ensure_ascii=False)
        if _sink is not None:
            _sink(line)
        else:
            logger.info(line)


class LineWriter:
    """Writes the query log's lines to a stream from a thread of its own, a batch at a time.

    The request only appends its line to a queue (no lock, no thread woken); the thread looks
    every ``interval`` seconds and writes what came, so that neither a slow standard error nor
    the logging machinery holds up the event loop.
    """

    def __init__(self, stream: TextIO, interval: float = 0.05) -> None:
        self._stream = stream
        self._interval = interval
        self._lines: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="plangraph-querylog", daemon=True)

    def put(self, line: str) -> None:
        self._lines.put(line)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Write the last lines and stop."""
        global _sink
        if _sink == self.put:
            _sink = None
        self._stopping.set()
        self._thread.join(5)

    def _run(self) -> None:
        while not self._stopping.wait(self._interval):
            self._drain()
        self._drain()

    def _drain(self) -> None:
        batch: list[str] = []
        while not self._lines.empty():
            batch.append(self._lines.get_nowait())
        if batch:
            batch.append("")
            self._stream.write("\n".join(batch))
            self._stream.flush()


def configure(stream: TextIO | None = None) -> LineWriter:
    """Send the query log to standard error (or ``stream``), one JSON object a line (for
    ``plangraph serve``). Stop the returned writer at exit to write the last lines."""
    global _sink
    writer = LineWriter(stream or sys.stderr)
    writer.start()
    _sink = writer.put
    return writer
