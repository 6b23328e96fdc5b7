"""Helpers shared by the validation tests."""

from __future__ import annotations

import pyoxigraph as ox

from plangraph.validation import Node, Report
from plangraph.validation.submission import BLANK_PREFIX

Key = tuple[str, str, str, str]


def term(node: Node) -> str:
    """A report node in N-Triples, as the case files state it."""
    if node.kind == "iri":
        return str(ox.NamedNode(node.value))
    if node.kind == "blank":
        return str(ox.NamedNode(BLANK_PREFIX + node.value))
    if node.language:
        return str(ox.Literal(node.value, language=node.language))
    assert node.datatype is not None
    return str(ox.Literal(node.value, datatype=ox.NamedNode(node.datatype)))


def keys(report: Report) -> set[Key]:
    """The report's findings as (focus, shape, severity, value) in N-Triples."""
    return {
        (
            term(f.focus),
            f.shape,
            f.severity.iri,
            "" if f.value is None else term(f.value),
        )
        for f in report.findings
    }
