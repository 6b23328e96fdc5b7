"""The named queries of the library: the ``.rq`` files in ``queries/``, each parsed once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from plangraph import resources
from plangraph.library.named_query import NamedQuery, parse

__all__ = ["UnknownQuery", "folder", "get", "named_queries"]


class UnknownQuery(LookupError):
    """No named query has that name."""


def folder() -> Path:
    """The folder of the named queries."""
    return resources.root() / "queries"


@cache
def _parsed(where: Path) -> tuple[NamedQuery, ...]:
    return tuple(parse(path) for path in sorted(where.glob("*.rq"), key=lambda p: p.stem))


def named_queries(where: Path | None = None) -> list[NamedQuery]:
    """Every named query, by name. Each has ``name``, ``title`` (in every language) and
    ``text`` (the whole file, ready for YASGUI) among its fields."""
    return list(_parsed(where or folder()))


def get(name: str, where: Path | None = None) -> NamedQuery:
    """The named query ``name``; UnknownQuery if there is none."""
    for query in named_queries(where):
        if query.name == name:
            return query
    raise UnknownQuery(f"there is no named query {name!r}; `plangraph query --list` lists them")
