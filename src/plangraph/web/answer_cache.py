"""A cache of query answers per store generation, bounded by bytes.

Analysts and dashboards ask the same questions again and again, so the endpoint keeps the bytes
of recent answers, keyed by everything that makes the bytes what they are: the **store
generation** the answer was read from, the query text, the dataset (from the protocol, or the
union default graph), the base IRI, the result format, and the caps.

* **Invalidated by construction.** Every write makes a new generation (see
  :mod:`plangraph.web.engine`), and a lookup asks for the generation that is current *now*; an
  answer read from an older generation can never be found again, and is dropped as soon as the
  cache sees a newer generation.
* **Only complete answers.** Errors, answers stopped at a deadline and answers refused at a cap
  never reach the cache: only a worker's ``200`` does.
* **Bounded.** At most ``limit`` bytes of answers (least recently used go first); one answer
  larger than an eighth of that is not kept. ``limit`` 0 turns the cache off
  (``PLANGRAPH_ANSWER_CACHE_BYTES=0``).

One cache per server process; it is touched only from the event loop (no lock).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

Key = tuple[Hashable, ...]


@dataclass(frozen=True)
class Cached:
    """A complete answer, as a worker gave it."""

    body: bytes
    rows: int | None


class AnswerCache:
    """Answers of one store generation at a time, least recently used out first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._generation = ""
        self._answers: OrderedDict[Key, Cached] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    @property
    def size(self) -> int:
        """Bytes of answers held."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, generation: str, key: Key) -> Cached | None:
        """The answer to ``key`` read from ``generation`` (the current one), if held."""
        if generation != self._generation:
            self._start(generation)
            self.misses += 1
            return None
        found = self._answers.get(key)
        if found is None:
            self.misses += 1
            return None
        self._answers.move_to_end(key)
        self.hits += 1
        return found

    def put(self, generation: str, key: Key, body: bytes, rows: int | None) -> None:
        """Keep a complete answer read from ``generation``, which must be the current one (the
        caller checks: an answer read while a write made a newer generation is not kept)."""
        if not self.enabled or not generation or len(body) > self.limit // 8:
            return
        if generation != self._generation:
            self._start(generation)
        old = self._answers.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._answers[key] = Cached(body, rows)
        self._bytes += len(body)
        while self._bytes > self.limit:
            _, dropped = self._answers.popitem(last=False)
            self._bytes -= len(dropped.body)

    def _start(self, generation: str) -> None:
        """Forget every answer: ``generation`` is the current one now."""
        self._answers.clear()
        self._bytes = 0
        self._generation = generation
