"""Rows of an answer: plangraph's order of them, and their cells as expected-results files write.

Answers come in a set order, so that one run can be compared with the next: the query's own
``ORDER BY``, or, for a query without one, plangraph's (:func:`sorted_rows`): rows sorted column
by column, left to right (unbound first, then blank nodes, IRIs, numbers, other literals). A
query leaves out ``ORDER BY`` where the store would pay dearly for it: pyoxigraph compares terms
by looking up their text in the store at each comparison, which on the national register cost
more than finding the rows; sorting the decoded rows in Python costs far less
(``benchmarks/README.md``, "The cost of ORDER BY").

The expected answer of each named query (``queries/expected/NAME.csv``) writes a term as
:func:`expected_cell` does, and the test compares the rows as a multiset.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, TypeAlias

import pyoxigraph as ox

from plangraph.library.named_query import Term
from plangraph.namespaces import compact

__all__ = ["Row", "expected_cell", "sorted_rows"]

Row: TypeAlias = tuple[Term | None, ...]
"""One solution: a term per variable, None where it is unbound."""

_XSD = "http://www.w3.org/2001/XMLSchema#"

_NUMERIC: Final = frozenset(
    _XSD + name
    for name in [
        "integer",
        "decimal",
        "double",
        "float",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
)


def _term_key(term: Term | None) -> tuple[int, float, str, str]:
    """A term's place in plangraph's order: unbound, blank nodes, IRIs, numbers, literals."""
    if term is None:
        return (0, 0.0, "", "")
    if isinstance(term, ox.BlankNode):
        return (1, 0.0, term.value, "")
    if isinstance(term, ox.NamedNode):
        return (2, 0.0, term.value, "")
    if term.datatype.value in _NUMERIC:
        try:
            return (3, float(term.value), term.value, "")
        except ValueError:
            pass
    return (4, 0.0, term.value, term.language or term.datatype.value)


def _row_key(row: Row) -> tuple[tuple[int, float, str, str], ...]:
    return tuple(_term_key(term) for term in row)


def sorted_rows(rows: Iterable[Row]) -> tuple[Row, ...]:
    """The rows sorted column by column, left to right, in plangraph's order (the order of a
    named query that has no ORDER BY of its own)."""
    return tuple(sorted(rows, key=_row_key))


def expected_cell(term: Term | None) -> str:
    """A term as the expected-results files write it: IRIs compact, literals by their value,
    blank nodes as ``_:``, unbound as the empty string."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return "_:"
    return term.value
