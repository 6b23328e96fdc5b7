"""Fixtures of the validation tests: the registers submissions are checked against."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from plangraph.data import datasets
from plangraph.validation import Register, shipped_register
from plangraph.validation.register import REGISTER_GRAPH

# The nodes of Bergen's plan register that the worked examples and the test cases point at.
_SUITE_NODES = re.compile(
    r"https://w3id\.org/plangraph/id/4601/("
    r"plan-kps-bergen-2030|plan-kpa-2018-2030|plan-kommuneplan|vision-bergen-2030|"
    r"focus-bergen-2030-[a-z-]+|plan-spor-oss-strategi|strategy-spor-oss-[0-9-]+|"
    r"goal-spor-oss-[0-9]+|plan-skolebruksplan-ny|plan-skyfritt)"
)


@pytest.fixture(scope="session")
def register() -> Register:
    """plangraph's shipped datasets: the ontology, reference data and Bergen's register."""
    return shipped_register()


@pytest.fixture(scope="session")
def suite_register() -> Register:
    """The register the shapes' test suite runs against, small enough for pyshacl.

    The ontology, all the reference data and Bergen's organisation, and of Bergen's plans only
    the ones the worked examples and the cases point at (with their blank nodes). pyshacl
    validates everything it is given, so a smaller register keeps the suite fast.
    """
    store = ox.Store()
    plans = None
    for dataset in datasets.default_datasets():
        for _, file in dataset.graphs():
            if file.name == "illustrative.ttl":
                continue
            triples = [q.triple for q in ox.parse(path=str(file), format=ox.RdfFormat.TURTLE)]
            if file.name == "plans.ttl":
                plans = triples
                continue
            store.extend(ox.Quad(t.subject, t.predicate, t.object, REGISTER_GRAPH) for t in triples)
    assert plans is not None
    keep: set[ox.Term] = {
        t.subject
        for t in plans
        if isinstance(t.subject, ox.NamedNode) and _SUITE_NODES.fullmatch(t.subject.value)
    }
    todo = list(keep)
    by_subject: dict[ox.Term, list[ox.Triple]] = {}
    for t in plans:
        by_subject.setdefault(t.subject, []).append(t)
    while todo:
        for t in by_subject.get(todo.pop(), []):
            if isinstance(t.object, ox.BlankNode) and t.object not in keep:
                keep.add(t.object)
                todo.append(t.object)
    store.extend(
        ox.Quad(t.subject, t.predicate, t.object, REGISTER_GRAPH)
        for t in plans
        if t.subject in keep
    )
    return Register(store, "the shapes' test register")
