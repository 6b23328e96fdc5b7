"""The W3C SHACL test suite (core and SPARQL), read from its manifests and judged per engine.

Each ``sht:Validate`` entry names a data graph, a shapes graph and the expected result: a
``sh:ValidationReport`` or ``sht:Failure`` (the engine must refuse the shapes). A report is
correct when ``sh:conforms`` agrees and its results, as a multiset, equal the expected ones,
each compared by focus node, result path, value, severity, source shape and constraint
component (``sh:resultMessage`` and ``sh:sourceConstraint`` are left out, as the suite allows).
Blank nodes are compared by structure: a blank node stands for its description (its properties
and their values, blank ones described in turn), in the graph it comes from.

Literals are read as written (pyoxigraph's parser, not rdflib's, which rewrites
``"1"^^xsd:boolean`` as ``"true"``).
"""

from __future__ import annotations

import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import pyoxigraph as ox
import rdflib

from plangraph.validation import (
    Node,
    Report,
    ShapesError,
    data_store,
    parse_shapes,
    validate_store,
)
from plangraph.validation.shapes import (
    AlternativePath,
    InversePath,
    Path_,
    PredicatePath,
    RepeatPath,
    SequencePath,
    read,
)
from tests.support.paths import ROOT

SUITE = ROOT / "tests" / "validation" / "w3c-shacl"
TESTS = SUITE / "tests"

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

Key = tuple[str, str, str, str, str, str]  # focus, path, value, severity, shape, component
Verdict = Literal["correct", "wrong", "crash"]
ENGINES = ("oxigraph", "pyshacl")


class Graph:
    """Triples of one file as pyoxigraph parsed them, indexed by subject."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.triples = list(triples)
        self.by_subject: dict[object, list[ox.Triple]] = {}
        for t in self.triples:
            self.by_subject.setdefault(t.subject, []).append(t)

    def objects(self, subject: object, predicate: str) -> list[object]:
        return [
            t.object for t in self.by_subject.get(subject, []) if t.predicate.value == predicate
        ]

    def one(self, subject: object, predicate: str) -> object | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def describe(self, term: object, depth: int = 0) -> str:
        """A term written so that equal structures are equal strings."""
        if not isinstance(term, ox.BlankNode):
            return str(term)
        if depth > 6:
            return "[…]"
        parts = sorted(
            f"{t.predicate} {self.describe(t.object, depth + 1)}"
            for t in self.by_subject.get(term, [])
        )
        return "[" + "; ".join(parts) + "]"


@cache
def parsed(path: Path) -> Graph:
    return Graph(
        q.triple
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())
    )


@dataclass(frozen=True)
class Expected:
    failure: bool
    conforms: bool = True
    results: Counter[Key] = field(default_factory=Counter)


@dataclass(frozen=True)
class Case:
    """One entry of the suite."""

    id: str  # path of the manifest in the suite, and the entry's name
    label: str
    data: Path
    shapes: Path
    expected: Expected


def _list(graph: Graph, node: object) -> list[object]:
    items = []
    while isinstance(node, ox.BlankNode | ox.NamedNode) and str(node) != f"<{RDF}nil>":
        first = graph.one(node, RDF + "first")
        if first is None:
            break
        items.append(first)
        node = graph.one(node, RDF + "rest")
    return items


def _file(term: object) -> Path:
    assert isinstance(term, ox.NamedNode), term
    return Path(term.value.removeprefix("file://"))


def manifests(path: Path = TESTS / "manifest.ttl") -> Iterable[Path]:
    graph = parsed(path)
    yield path
    for t in graph.triples:
        if t.predicate.value == MF + "include":
            yield from manifests(_file(t.object))


def cases() -> list[Case]:
    """Every ``sht:Validate`` entry of the suite, in manifest order."""
    found = []
    for manifest in manifests():
        graph = parsed(manifest)
        for t in graph.triples:
            if t.predicate.value != MF + "entries":
                continue
            for entry in _list(graph, t.object):
                if f"<{SHT}Validate>" not in map(str, graph.objects(entry, RDF + "type")):
                    continue
                action = graph.one(entry, MF + "action")
                data = _file(graph.one(action, SHT + "dataGraph"))
                shapes = _file(graph.one(action, SHT + "shapesGraph"))
                label = graph.one(entry, RDFS + "label")
                assert isinstance(entry, ox.NamedNode)
                found.append(
                    Case(
                        id=str(manifest.parent.relative_to(TESTS) / entry.value.rsplit("/", 1)[1]),
                        label=label.value if isinstance(label, ox.Literal) else "",
                        data=data,
                        shapes=shapes,
                        expected=_expected(graph, graph.one(entry, MF + "result")),
                    )
                )
    return found


def _expected(graph: Graph, result: object) -> Expected:
    if isinstance(result, ox.NamedNode) and result.value == SHT + "Failure":
        return Expected(failure=True)
    conforms = graph.one(result, SH + "conforms")
    keys: Counter[Key] = Counter()
    for r in graph.objects(result, SH + "result"):
        keys[
            (
                graph.describe(graph.one(r, SH + "focusNode")),
                _described(graph, graph.one(r, SH + "resultPath")),
                _described(graph, graph.one(r, SH + "value")),
                str(graph.one(r, SH + "resultSeverity")),
                graph.describe(graph.one(r, SH + "sourceShape")),
                str(graph.one(r, SH + "sourceConstraintComponent")),
            )
        ] += 1
    assert isinstance(conforms, ox.Literal)
    return Expected(failure=False, conforms=conforms.value == "true", results=keys)


def _described(graph: Graph, term: object | None) -> str:
    return "" if term is None else graph.describe(term)


# -- an engine's report, in the same form ---------------------------------------------------------


def _path_triples(path: Path_, node: ox.BlankNode | ox.NamedNode, out: list[ox.Triple]) -> None:
    def step(p: Path_) -> ox.NamedNode | ox.BlankNode:
        if isinstance(p, PredicatePath):
            return ox.NamedNode(p.iri)
        inner = ox.BlankNode()
        _path_triples(p, inner, out)
        return inner

    def listed(items: tuple[Path_, ...], head: ox.BlankNode) -> None:
        current = head
        for i, p in enumerate(items):
            out.append(ox.Triple(current, ox.NamedNode(RDF + "first"), step(p)))
            rest = ox.BlankNode() if i < len(items) - 1 else ox.NamedNode(RDF + "nil")
            out.append(ox.Triple(current, ox.NamedNode(RDF + "rest"), rest))
            if isinstance(rest, ox.BlankNode):
                current = rest

    assert isinstance(node, ox.BlankNode)
    if isinstance(path, InversePath):
        out.append(ox.Triple(node, ox.NamedNode(SH + "inversePath"), step(path.path)))
    elif isinstance(path, AlternativePath):
        head = ox.BlankNode()
        out.append(ox.Triple(node, ox.NamedNode(SH + "alternativePath"), head))
        listed(path.paths, head)
    elif isinstance(path, SequencePath):
        listed(path.paths, node)
    elif isinstance(path, RepeatPath):
        name = {"*": "zeroOrMorePath", "+": "oneOrMorePath", "?": "zeroOrOnePath"}[path.operator]
        out.append(ox.Triple(node, ox.NamedNode(SH + name), step(path.path)))


def describe_path(path: Path_ | None) -> str:
    if path is None:
        return ""
    if isinstance(path, PredicatePath):
        return str(ox.NamedNode(path.iri))
    triples: list[ox.Triple] = []
    root = ox.BlankNode()
    _path_triples(path, root, triples)
    return Graph(triples).describe(root)


def _term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if node.kind == "iri":
        return ox.NamedNode(node.value)
    if node.kind == "blank":
        return ox.BlankNode(node.value)
    if node.language:
        return ox.Literal(node.value, language=node.language)
    assert node.datatype is not None
    return ox.Literal(node.value, datatype=ox.NamedNode(node.datatype))


def report_keys(report: Report, data: Graph, shapes: rdflib.Graph) -> Counter[Key]:
    """The report's results as the suite compares them."""
    shape_graph = _shapes_graph(shapes)
    found: Counter[Key] = Counter()
    for f in report.findings:
        shape: object = (
            ox.BlankNode(f.shape[2:]) if f.shape.startswith("_:") else ox.NamedNode(f.shape)
        )
        found[
            (
                data.describe(_term(f.focus)),
                describe_path(f.result_path),
                "" if f.value is None else data.describe(_term(f.value)),
                f"<{f.severity_iri}>",
                shape_graph.describe(shape),
                f"<{f.component}>",
            )
        ] += 1
    return found


def _shapes_graph(shapes: rdflib.Graph) -> Graph:
    from plangraph.validation.engines.oxigraph import ox_term
    from plangraph.validation.literals import decode

    triples = []
    for s, p, o in shapes:
        subject, predicate, obj = ox_term(s), ox_term(p), decode(ox_term(o))
        assert not isinstance(subject, ox.Literal) and isinstance(predicate, ox.NamedNode)
        triples.append(ox.Triple(subject, predicate, obj))
    return Graph(triples)


# -- running a case ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    case: Case
    engine: str
    verdict: Verdict
    detail: str
    seconds: float
    pyshacl_findings: int = 0  # findings the fast engine handed to pyshacl


def run(case: Case, engine: str) -> Outcome:
    """Validate the case's data against its shapes with the engine, through plangraph's library,
    and judge the report."""
    started = time.perf_counter()
    data = parsed(case.data)
    try:
        shapes = parse_shapes(case.shapes.read_bytes(), name=str(case.shapes))
        model = read(shapes)
        report = validate_store(
            data_store(data.triples),
            description=case.id,
            engine="pyshacl" if engine == "pyshacl" else "oxigraph",
            shapes=model,
            workers=1,
        )
    except ShapesError as error:
        seconds = time.perf_counter() - started
        if case.expected.failure:
            return Outcome(case, engine, "correct", f"refused: {error}", seconds)
        return Outcome(case, engine, "wrong", f"refused valid shapes: {error}", seconds)
    except Exception:
        seconds = time.perf_counter() - started
        return Outcome(case, engine, "crash", traceback.format_exc(limit=6), seconds)
    seconds = time.perf_counter() - started
    handed = report.judged_by().get("pyshacl", 0) if engine == "oxigraph" else 0
    if case.expected.failure:
        return Outcome(case, engine, "wrong", "expected a failure, got a report", seconds, handed)
    found = report_keys(report, data, shapes)
    if report.shacl_conforms != case.expected.conforms or found != case.expected.results:
        missing = case.expected.results - found
        extra = found - case.expected.results
        detail = (
            f"conforms {report.shacl_conforms} (expected {case.expected.conforms}); "
            f"missing {sorted(missing.elements())}; extra {sorted(extra.elements())}"
        )
        return Outcome(case, engine, "wrong", detail, seconds, handed)
    return Outcome(case, engine, "correct", "", seconds, handed)


def run_all(engines: Iterable[str] = ENGINES) -> list[Outcome]:
    return [run(case, engine) for case in cases() for engine in engines]


def tally(outcomes: Iterable[Outcome]) -> dict[str, Counter[str]]:
    found: dict[str, Counter[str]] = {}
    for o in outcomes:
        found.setdefault(o.engine, Counter())[o.verdict] += 1
    return found


def table(outcomes: list[Outcome], on: Callable[[Outcome], bool] = lambda o: True) -> str:
    """The tally as a Markdown table (correct, wrong, crash, total seconds per engine)."""
    rows = ["| engine | correct | wrong | crash | total time |", "|---|---|---|---|---|"]
    for engine, counts in tally(o for o in outcomes if on(o)).items():
        seconds = sum(o.seconds for o in outcomes if o.engine == engine)
        rows.append(
            f"| {engine} | {counts['correct']} | {counts['wrong']} | {counts['crash']} | "
            f"{seconds:.1f} s |"
        )
    return "\n".join(rows)


def shacl_report_keys(
    text: str, fmt: ox.RdfFormat, data: Graph, shapes: rdflib.Graph
) -> tuple[bool, Counter[Key]]:
    """``sh:conforms`` and the results of a written SHACL validation report, as the suite
    compares them (blank focus nodes and values keep their ids in the data, blank shapes theirs
    in the shapes graph)."""
    report = Graph(q.triple for q in ox.parse(text, format=fmt))
    shape_graph = _shapes_graph(shapes)
    root = next(t.subject for t in report.triples if t.predicate.value == SH + "conforms")
    conforms = report.one(root, SH + "conforms")
    found: Counter[Key] = Counter()
    for r in report.objects(root, SH + "result"):
        path = report.one(r, SH + "resultPath")
        value = report.one(r, SH + "value")
        found[
            (
                data.describe(report.one(r, SH + "focusNode")),
                "" if path is None else report.describe(path),
                "" if value is None else data.describe(value),
                str(report.one(r, SH + "resultSeverity")),
                shape_graph.describe(report.one(r, SH + "sourceShape")),
                str(report.one(r, SH + "sourceConstraintComponent")),
            )
        ] += 1
    assert isinstance(conforms, ox.Literal)
    return conforms.value == "true", found
