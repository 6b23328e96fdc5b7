"""The query engine of the endpoint: worker processes with deadlines, over store generations.

:mod:`.pool` runs the processes, :mod:`.worker` is what runs in them, :mod:`.jobs` are what
they are given and what they answer, and :mod:`.query_text` checks SPARQL text before it goes.

The pool's names are re-exported here, imported on first use: a worker process imports only
:mod:`.worker` and :mod:`.jobs`, not the pool's threads and event loop, so that it starts sooner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plangraph.web.engine.pool import REFRESH_TIMEOUT, Engine, EngineError, StreamError

__all__ = ["REFRESH_TIMEOUT", "Engine", "EngineError", "StreamError"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from plangraph.web.engine import pool

        return getattr(pool, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
