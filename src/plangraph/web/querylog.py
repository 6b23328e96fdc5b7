"""One structured log line per query, update or Graph Store request, as JSON.

Fields: ``id`` (also sent back as ``X-Request-Id``), ``op``, ``client``, ``sha256`` of the
SPARQL text (never the text itself: it may be large or hold personal data), ``form``,
``format``, ``status``, ``rows``, ``bytes``, ``duration_ms`` and, for errors, ``error``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import logging.handlers
import queue
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger("plangraph.query")


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
        logger.info(json.dumps(record, ensure_ascii=False))


def configure() -> logging.handlers.QueueListener:
    """Send the query log to standard error, one JSON object a line (for ``plangraph serve``).

    The lines are written by a thread of their own, so that a slow standard error never holds
    up the event loop. Stop the returned listener at exit to flush the last lines.
    """
    lines: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.addHandler(logging.handlers.QueueHandler(lines))
    stream = logging.StreamHandler()
    stream.setFormatter(logging.Formatter("%(message)s"))
    listener = logging.handlers.QueueListener(lines, stream)
    listener.start()
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return listener
