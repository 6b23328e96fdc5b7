"""OWL 2 RL reasoning: the entailments of ontology + data, in a named graph of their own.

``reason(store)`` materialises what the OWL 2 RL rules entail from the store's graphs into
:data:`INFERRED_GRAPH`, so that queries can ask for ``?x a pg:Plan`` or ``?m pg:tracesTo ?goal``
without spelling out class hierarchies, inverses or transitive paths. The graph holds only what
reasoning *adds*: no triple that an input graph already states (pyoxigraph's union default graph
keeps duplicates, so a repeated triple would be counted twice). ``is_current(store)`` tells
whether the graph was made from the store's present inputs.

The package is three modules, each below the next: :mod:`~plangraph.reasoning.program` (the
T-box closed by owlrl and compiled to templates), :mod:`~plangraph.reasoning.rules` (the rules
as joins over frames of facts, and the consistency checks) and
:mod:`~plangraph.reasoning.materialise` (reading the store, writing the inferred graph and its
load record). owlrl stays the reference: ``tests/reasoning/test_reasoning.py`` holds that on
Bergen's register the inferred graph contains owlrl's closure for the project's vocabulary, and
nothing owlrl does not conclude.
"""

from __future__ import annotations

from plangraph.reasoning.materialise import (
    INFERRED_GRAPH,
    MADE_BY,
    ReasonResult,
    input_graphs,
    is_current,
    reason,
)
from plangraph.reasoning.program import UnsupportedConstruct
from plangraph.reasoning.remote import is_current_on, reason_on
from plangraph.reasoning.rules import Finding

__all__ = [
    "INFERRED_GRAPH",
    "MADE_BY",
    "Finding",
    "ReasonResult",
    "UnsupportedConstruct",
    "input_graphs",
    "is_current",
    "is_current_on",
    "reason",
    "reason_on",
]
