"""The analysts' question library: named SPARQL queries in ``queries/``, run with typed parameters.

- :mod:`~plangraph.library.named_query`: a ``.rq`` file whose header is its API, parsed into a
  :class:`NamedQuery`, and its parameters bound as RDF terms;
- :mod:`~plangraph.library.collection`: the named queries of ``queries/`` (:func:`named_queries`,
  :func:`get`);
- :mod:`~plangraph.library.answers`: running one, with labels, as an :class:`Answer` (a table,
  JSON or CSV);
- :mod:`~plangraph.library.rows`: plangraph's order of rows, and cells as the expected-results
  files write them;
- :mod:`~plangraph.library.cookbook`: ``docs/cookbook.md``, generated from the headers;
- :mod:`~plangraph.library.overview`: what the register holds, for ``plangraph info``.

This package re-exports what the faces use.
"""

from __future__ import annotations

from plangraph.library.answers import (
    Answer,
    Result,
    Runner,
    backend_runner,
    execute,
    local_runner,
)
from plangraph.library.collection import UnknownQuery, get, named_queries
from plangraph.library.named_query import NamedQuery, Parameter, ParameterError, QueryFormatError

__all__ = [
    "Answer",
    "NamedQuery",
    "Parameter",
    "ParameterError",
    "QueryFormatError",
    "Result",
    "Runner",
    "UnknownQuery",
    "backend_runner",
    "execute",
    "get",
    "local_runner",
    "named_queries",
]
