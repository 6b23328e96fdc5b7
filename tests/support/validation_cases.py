"""The shapes' test suite, in the layout of the W3C SHACL test suites.

Each file in ``cases/`` is one test: a manifest entry (``<> a sht:Validate``) with the valid base
instance it starts from (``pgt:base``, a worked example in ``examples/submissions/``), what it
takes away from the base (``pgt:drop`` a node, ``pgt:dropTriple``, ``pgt:dropProperty``), its
expected result (``mf:result``, a ``sh:ValidationReport`` listing every ``sh:result``) and,
after the entry, the triples it adds. Each case adds exactly one defect to a valid base, and is
named after the shape it hits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from tests.support.paths import ROOT

EXAMPLES = ROOT / "examples" / "submissions"
CASES = ROOT / "tests" / "validation" / "cases"

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
SH = "http://www.w3.org/ns/shacl#"
PGT = "https://w3id.org/plangraph/tests#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

Key = tuple[str, str, str, str]  # focus, shape, severity, value (N-Triples; "" for none)


@dataclass(frozen=True)
class Case:
    """One invalid case: its name, base, the triples it validates, and what it must report."""

    name: str
    file: Path
    base: Path
    comment: str
    triples: tuple[ox.Triple, ...]
    expected: frozenset[Key]
    conforms: bool


def _one(store: ox.Store, s: ox.NamedNode | ox.BlankNode, p: str) -> ox.Term | None:
    for q in store.quads_for_pattern(s, ox.NamedNode(p), None, None):
        return q.object
    return None


def _all(store: ox.Store, s: ox.NamedNode | ox.BlankNode, p: str) -> list[ox.Term]:
    return [q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None, None)]


def load(file: Path) -> Case:
    """Read one case file and apply it to its base."""
    manifest = ox.NamedNode(file.resolve().as_uri())
    store = ox.Store()
    store.extend(ox.parse(path=str(file), format=ox.RdfFormat.TURTLE, base_iri=manifest.value))
    # The manifest entry: the case node and every blank node reachable from it.
    entry: set[ox.Term] = {manifest}
    todo: list[ox.Term] = [manifest]
    while todo:
        node = todo.pop()
        assert isinstance(node, ox.NamedNode | ox.BlankNode)
        for q in store.quads_for_pattern(node, None, None, None):
            if isinstance(q.object, ox.BlankNode) and q.object not in entry:
                entry.add(q.object)
                todo.append(q.object)
    added = [q.triple for q in store if q.subject not in entry]

    base_name = _one(store, manifest, PGT + "base")
    assert isinstance(base_name, ox.Literal), f"{file}: pgt:base is missing"
    base = EXAMPLES / base_name.value
    triples = {q.triple for q in ox.parse(path=str(base), format=ox.RdfFormat.TURTLE)}
    for node in _all(store, manifest, PGT + "drop"):
        triples = {t for t in triples if t.subject != node and t.object != node}
    for spec in _all(store, manifest, PGT + "dropTriple"):
        assert isinstance(spec, ox.BlankNode)
        s, p, o = (_one(store, spec, RDF + x) for x in ("subject", "predicate", "object"))
        before = len(triples)
        triples = {t for t in triples if (t.subject, t.predicate, t.object) != (s, p, o)}
        assert len(triples) == before - 1, f"{file}: dropTriple matches nothing in the base"
    for spec in _all(store, manifest, PGT + "dropProperty"):
        assert isinstance(spec, ox.BlankNode)
        s, p = (_one(store, spec, RDF + x) for x in ("subject", "predicate"))
        triples = {t for t in triples if (t.subject, t.predicate) != (s, p)}
    triples |= set(added)

    expected: set[Key] = set()
    conforms = True
    report = _one(store, manifest, MF + "result")
    assert isinstance(report, ox.BlankNode), f"{file}: mf:result is missing"
    stated = _one(store, report, SH + "conforms")
    for result in _all(store, report, SH + "result"):
        assert isinstance(result, ox.BlankNode)
        focus = _one(store, result, SH + "focusNode")
        shape = _one(store, result, SH + "sourceShape")
        severity = _one(store, result, SH + "resultSeverity")
        value = _one(store, result, SH + "value")
        assert focus is not None and shape is not None and severity is not None, file
        expected.add((str(focus), shape.value, severity.value, "" if value is None else str(value)))
        if severity.value == SH + "Violation":
            conforms = False
    assert isinstance(stated, ox.Literal) and stated.value == str(conforms).lower(), (
        f"{file}: sh:conforms disagrees with the results listed"
    )
    comment = _one(store, manifest, RDFS + "comment")
    return Case(
        name=file.stem,
        file=file,
        base=base,
        comment=comment.value if isinstance(comment, ox.Literal) else "",
        triples=tuple(sorted(triples, key=str)),
        expected=frozenset(expected),
        conforms=conforms,
    )


def case_files() -> list[Path]:
    return sorted(CASES.glob("*.ttl"))


def base_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.ttl"))
