"""The rule engine's own parts: reading facts from a file as the store would give them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph.reasoning import rules
from plangraph.store import PlanStore

GRAPH = "https://example.org/test/odd"
EX = "https://example.org/"
P, Q, OTHER = f"<{EX}p>", f"<{EX}q>", f"<{EX}other>"

# N-Triples in the forms the quick path must not split as they are: escapes, a raw tab in a
# literal, an upper-case language tag, an explicit xsd:string, tabs between the terms, a
# comment after a triple; and comment and empty lines, which hold no triple.
ODD = (
    "# a comment line\n"
    f"<{EX}a> <{EX}p> <{EX}b> .\n"
    "\n"
    f'<{EX}a> <{EX}p> "plain"@nb .\n'
    f'<{EX}a> <{EX}p> "with \\"quotes\\" and \\u00e5" .\n'
    f'<{EX}a> <{EX}p> "a\ttab" .\n'
    f'<{EX}a> <{EX}p> "upper case"@EN-GB .\n'
    f'<{EX}a> <{EX}p> "typed"^^<http://www.w3.org/2001/XMLSchema#string> .\n'
    f"<{EX}a>\t<{EX}p>\t<{EX}c> .\n"
    f"<{EX}a> <{EX}p> <{EX}d> . # a comment after the triple\n"
    f'<{EX}a> <{EX}q> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    f'<{EX}a> <{EX}q> "x y z" .\n'
    f"<{EX}a> <{EX}other> _:b1 .\n"
)


@pytest.fixture
def odd(tmp_path: Path) -> Iterator[tuple[PlanStore, Path]]:
    file = tmp_path / "odd.nt"
    file.write_text(ODD, encoding="utf-8")
    store = PlanStore.open(tmp_path / "store")
    store.load([(GRAPH, file)])
    try:
        yield store, file
    finally:
        store.close()


def rows(facts: rules.Facts) -> set[tuple[str, str, str]]:
    return set(facts.iter_rows())


def test_a_file_gives_the_facts_the_store_gives(odd: tuple[PlanStore, Path]) -> None:
    store, file = odd
    graph = ox.NamedNode(GRAPH)
    from_store = rows(rules.read_store(store, graph, {P, Q}))
    assert len(from_store) == 10
    read = rules.read_file(file, {P, Q})
    assert read is not None
    assert rows(read[0]) == from_store
    assert read[1] == store.triple_count(GRAPH) == 11
    assert (f"<{EX}a>", P, '"upper case"@en-gb') in from_store  # the store's form
    assert (f"<{EX}a>", P, '"typed"') in from_store
    assert (f"<{EX}a>", P, '"a\\ttab"') in from_store


def test_a_file_with_blank_nodes_cannot_stand_for_its_graph(odd: tuple[PlanStore, Path]) -> None:
    _, file = odd
    assert rules.read_file(file, {P}) is not None
    assert rules.read_file(file, {P, OTHER}) is None  # the store does not keep the label
