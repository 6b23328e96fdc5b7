"""The shapes graph (``shapes/*.ttl``) read into a small typed model.

The fast path compiles this model to SPARQL; the reference path hands the same graph to pyshacl.
The model covers the part of SHACL that plangraph's shapes use, and reading a shape that uses
anything else raises :class:`UnsupportedShape`: the fast path never silently skips a constraint.

Supported: node and property shapes; targets ``sh:targetClass``, ``sh:targetSubjectsOf``,
``sh:targetObjectsOf``, ``sh:targetNode``; property paths (predicate, inverse, alternative,
sequence, zero-or-more, one-or-more, zero-or-one); ``sh:minCount``, ``sh:maxCount``, ``sh:class``,
``sh:datatype``, ``sh:in``, ``sh:hasValue``, ``sh:nodeKind``, ``sh:pattern``, ``sh:not``,
``sh:or``, ``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount`` / ``sh:qualifiedMaxCount``,
and SHACL-SPARQL ``sh:sparql`` constraints (``sh:select`` with ``sh:prefixes``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Literal, Node, URIRef

from plangraph import resources

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
PGSH = rdflib.Namespace("https://w3id.org/plangraph/shapes#")
SHAPES_ONTOLOGY = "https://w3id.org/plangraph/shapes"


class UnsupportedShape(Exception):
    """A shape uses a SHACL feature the fast path does not compile."""


class Severity(enum.StrEnum):
    """How serious a finding is. Only violations make a submission fail."""

    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"

    @property
    def iri(self) -> str:
        return str(SH[self.value.capitalize()])

    @classmethod
    def from_iri(cls, iri: str) -> Severity:
        for severity in cls:
            if severity.iri == iri:
                return severity
        raise UnsupportedShape(f"unknown severity {iri}")


# -- property paths -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PredicatePath:
    iri: str


@dataclass(frozen=True)
class InversePath:
    path: Path_


@dataclass(frozen=True)
class AlternativePath:
    paths: tuple[Path_, ...]


@dataclass(frozen=True)
class SequencePath:
    paths: tuple[Path_, ...]


@dataclass(frozen=True)
class RepeatPath:
    path: Path_
    operator: str  # "*", "+" or "?"


Path_ = PredicatePath | InversePath | AlternativePath | SequencePath | RepeatPath


def path_sparql(path: Path_, name: object = None) -> str:
    """The path in SPARQL property-path syntax; ``name`` maps an IRI to how it is written."""

    def iri(value: str) -> str:
        if callable(name):
            shown = name(value)
            if isinstance(shown, str):
                return shown
        return f"<{value}>"

    if isinstance(path, PredicatePath):
        return iri(path.iri)
    if isinstance(path, InversePath):
        return f"^{_grouped(path.path, name)}"
    if isinstance(path, AlternativePath):
        return "|".join(_grouped(p, name) for p in path.paths)
    if isinstance(path, SequencePath):
        return "/".join(_grouped(p, name) for p in path.paths)
    return f"{_grouped(path.path, name)}{path.operator}"


def _grouped(path: Path_, name: object) -> str:
    text = path_sparql(path, name)
    atomic = isinstance(path, PredicatePath) or (
        isinstance(path, InversePath) and isinstance(path.path, PredicatePath)
    )
    return text if atomic else f"({text})"


# -- constraints --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueShape:
    """A shape a value node is checked against (inside sh:not, sh:or, sh:qualifiedValueShape)."""

    path: Path_ | None
    constraints: tuple[Constraint, ...]


@dataclass(frozen=True)
class MinCount:
    count: int


@dataclass(frozen=True)
class MaxCount:
    count: int


@dataclass(frozen=True)
class ClassConstraint:
    cls: str


@dataclass(frozen=True)
class DatatypeConstraint:
    datatype: str


@dataclass(frozen=True)
class InConstraint:
    values: tuple[Node, ...]


@dataclass(frozen=True)
class HasValue:
    value: Node


@dataclass(frozen=True)
class NodeKindConstraint:
    kind: str


@dataclass(frozen=True)
class PatternConstraint:
    pattern: str
    flags: str


@dataclass(frozen=True)
class NotConstraint:
    shape: ValueShape


@dataclass(frozen=True)
class OrConstraint:
    shapes: tuple[ValueShape, ...]


@dataclass(frozen=True)
class QualifiedCount:
    shape: ValueShape
    minimum: int | None
    maximum: int | None


@dataclass(frozen=True)
class SparqlConstraint:
    select: str
    prefixes: tuple[tuple[str, str], ...]


Constraint = (
    MinCount
    | MaxCount
    | ClassConstraint
    | DatatypeConstraint
    | InConstraint
    | HasValue
    | NodeKindConstraint
    | PatternConstraint
    | NotConstraint
    | OrConstraint
    | QualifiedCount
    | SparqlConstraint
)

COMPONENTS: dict[type, str] = {
    MinCount: "MinCountConstraintComponent",
    MaxCount: "MaxCountConstraintComponent",
    ClassConstraint: "ClassConstraintComponent",
    DatatypeConstraint: "DatatypeConstraintComponent",
    InConstraint: "InConstraintComponent",
    HasValue: "HasValueConstraintComponent",
    NodeKindConstraint: "NodeKindConstraintComponent",
    PatternConstraint: "PatternConstraintComponent",
    NotConstraint: "NotConstraintComponent",
    OrConstraint: "OrConstraintComponent",
    SparqlConstraint: "SPARQLConstraintComponent",
}


def component_iri(constraint: Constraint, *, maximum: bool = False) -> str:
    """The SHACL constraint component a result of ``constraint`` reports."""
    if isinstance(constraint, QualifiedCount):
        which = "Max" if maximum else "Min"
        return str(SH[f"Qualified{which}CountConstraintComponent"])
    return str(SH[COMPONENTS[type(constraint)]])


# -- shapes and rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    kind: str  # "class", "subjectsOf", "objectsOf" or "node"
    value: Node


@dataclass(frozen=True)
class Shape:
    """A shape that reports findings: its targets, path, constraints and annotations."""

    iri: str
    targets: tuple[Target, ...]
    path: Path_ | None
    constraints: tuple[Constraint, ...]
    severity: Severity
    rule: str
    basis: str
    legal_basis: str | None
    message: dict[str, str]


@dataclass(frozen=True)
class Rule:
    """A rule of the plan system: its id, title (nb and en) and basis."""

    id: str
    title: dict[str, str]
    basis: str
    legal_basis: str | None


@dataclass(frozen=True)
class ShapesModel:
    """Every reporting shape of the shapes graph, and the rules they express."""

    graph: rdflib.Graph
    shapes: tuple[Shape, ...]
    rules: dict[str, Rule] = field(default_factory=dict)

    def shape(self, iri: str) -> Shape:
        for shape in self.shapes:
            if shape.iri == iri:
                return shape
        raise KeyError(iri)


def shapes_dir() -> Path:
    """The folder of the shapes files."""
    return resources.root() / "shapes"


def shape_files() -> list[Path]:
    """The shapes files, in a fixed order."""
    return sorted(shapes_dir().glob("*.ttl"))


@cache
def load() -> ShapesModel:
    """Read the shipped shapes once per process.

    Raises:
        FileNotFoundError: if the shapes are missing (an install without ``shapes/``): validating
            with no shapes would pass everything.
    """
    files = shape_files()
    if not files:
        raise FileNotFoundError(
            f"plangraph's SHACL shapes were not found in {shapes_dir()}; reinstall the package"
        )
    graph = rdflib.Graph()
    for file in files:
        graph.parse(file, format="turtle")
    return read(graph)


def read(graph: rdflib.Graph) -> ShapesModel:
    """The model of a shapes graph; raises :class:`UnsupportedShape` for what it cannot compile."""
    reader = _Reader(graph)
    shapes = tuple(sorted(reader.shapes(), key=lambda s: s.iri))
    return ShapesModel(graph=graph, shapes=shapes, rules=reader.rules())


class _Reader:
    def __init__(self, graph: rdflib.Graph) -> None:
        self.g = graph

    # -- helpers ------------------------------------------------------------------------------

    def one(self, node: Node, prop: URIRef) -> Node | None:
        values = list(self.g.objects(node, prop))
        if len(values) > 1:
            raise UnsupportedShape(f"{node}: more than one {prop}")
        return values[0] if values else None

    def integer(self, node: Node, prop: URIRef) -> int | None:
        value = self.one(node, prop)
        if value is None:
            return None
        if not isinstance(value, Literal) or not isinstance(value.toPython(), int):
            raise UnsupportedShape(f"{node}: {prop} must be an integer")
        return int(value.toPython())

    def count(self, value: Node) -> int:
        if not isinstance(value, Literal) or not isinstance(value.toPython(), int):
            raise UnsupportedShape(f"a count must be an integer, not {value!r}")
        return int(value.toPython())

    def items(self, node: Node) -> list[Node]:
        return list(Collection(self.g, node))

    def messages(self, node: Node) -> dict[str, str]:
        found: dict[str, str] = {}
        for value in self.g.objects(node, SH.message):
            if isinstance(value, Literal) and value.language:
                found[value.language] = str(value)
        return found

    # -- shapes -------------------------------------------------------------------------------

    def shapes(self) -> Iterable[Shape]:
        candidates: set[Node] = set()
        for kind in (SH.NodeShape, SH.PropertyShape):
            candidates.update(self.g.subjects(RDF.type, kind))
        parents: dict[Node, list[Node]] = {}
        for parent, child in self.g.subject_objects(SH.property):
            parents.setdefault(child, []).append(parent)
        for node in candidates:
            if (node, SH.deactivated, Literal(True)) in self.g:
                continue
            if self.one(node, SH.severity) is None:
                continue  # a helper shape (value shape), reports nothing by itself
            if not isinstance(node, URIRef):
                raise UnsupportedShape(f"a reporting shape must have an IRI, not {node!r}")
            targets = self.targets(node)
            for parent in parents.get(node, []):
                targets += self.targets(parent)
            if not targets:
                raise UnsupportedShape(f"{node}: no target")
            yield Shape(
                iri=str(node),
                targets=tuple(targets),
                path=self.path(p) if (p := self.one(node, SH.path)) is not None else None,
                constraints=self.constraints(node),
                severity=Severity.from_iri(str(self.one(node, SH.severity))),
                rule=str(self.required(node, PGSH.rule)),
                basis=str(self.required(node, PGSH.basis)),
                legal_basis=str(lb) if (lb := self.one(node, PGSH.legalBasis)) else None,
                message=self.messages(node),
            )

    def required(self, node: Node, prop: URIRef) -> Node:
        value = self.one(node, prop)
        if value is None:
            raise UnsupportedShape(f"{node}: no {prop}")
        return value

    def targets(self, node: Node) -> list[Target]:
        found = []
        for prop, kind in (
            (SH.targetClass, "class"),
            (SH.targetSubjectsOf, "subjectsOf"),
            (SH.targetObjectsOf, "objectsOf"),
            (SH.targetNode, "node"),
        ):
            for value in self.g.objects(node, prop):
                found.append(Target(kind, value))
        if (node, SH.target, None) in self.g:
            raise UnsupportedShape(f"{node}: sh:target (SPARQL-based targets)")
        return sorted(found, key=lambda t: (t.kind, str(t.value)))

    def path(self, node: Node) -> Path_:
        if isinstance(node, URIRef):
            return PredicatePath(str(node))
        if (node, RDF.first, None) in self.g:
            return SequencePath(tuple(self.path(p) for p in self.items(node)))
        if (inverse := self.one(node, SH.inversePath)) is not None:
            return InversePath(self.path(inverse))
        if (alternatives := self.one(node, SH.alternativePath)) is not None:
            return AlternativePath(tuple(self.path(p) for p in self.items(alternatives)))
        for prop, operator in (
            (SH.zeroOrMorePath, "*"),
            (SH.oneOrMorePath, "+"),
            (SH.zeroOrOnePath, "?"),
        ):
            if (inner := self.one(node, prop)) is not None:
                return RepeatPath(self.path(inner), operator)
        raise UnsupportedShape(f"unsupported property path {node!r}")

    def value_shape(self, node: Node) -> ValueShape:
        path = self.one(node, SH.path)
        return ValueShape(
            path=self.path(path) if path is not None else None,
            constraints=self.constraints(node, nested=True),
        )

    def constraints(self, node: Node, *, nested: bool = False) -> tuple[Constraint, ...]:
        found: list[Constraint] = []
        known = {
            RDF.type,
            SH.path,
            SH.severity,
            SH.message,
            SH.name,
            SH.description,
            SH.targetClass,
            SH.targetSubjectsOf,
            SH.targetObjectsOf,
            SH.targetNode,
            SH.property,
            SH.deactivated,
            SH.qualifiedMinCount,
            SH.qualifiedMaxCount,
            SH.flags,
            RDFS.comment,
            RDFS.label,
            PGSH.rule,
            PGSH.basis,
            PGSH.legalBasis,
        }
        for prop, value in sorted(self.g.predicate_objects(node)):
            if prop in known:
                continue
            if prop == SH.minCount:
                found.append(MinCount(self.count(value)))
            elif prop == SH.maxCount:
                found.append(MaxCount(self.count(value)))
            elif prop == SH["class"]:
                found.append(ClassConstraint(str(value)))
            elif prop == SH.datatype:
                found.append(DatatypeConstraint(str(value)))
            elif prop == SH["in"]:
                found.append(InConstraint(tuple(self.items(value))))
            elif prop == SH.hasValue:
                found.append(HasValue(value))
            elif prop == SH.nodeKind:
                found.append(NodeKindConstraint(str(value)))
            elif prop == SH.pattern:
                flags = self.one(node, SH.flags)
                found.append(PatternConstraint(str(value), str(flags) if flags else ""))
            elif prop == SH["not"]:
                found.append(NotConstraint(self.value_shape(value)))
            elif prop == SH["or"]:
                found.append(OrConstraint(tuple(self.value_shape(v) for v in self.items(value))))
            elif prop == SH.qualifiedValueShape:
                found.append(
                    QualifiedCount(
                        self.value_shape(value),
                        self.integer(node, SH.qualifiedMinCount),
                        self.integer(node, SH.qualifiedMaxCount),
                    )
                )
            elif prop == SH.sparql and not nested:
                found.append(self.sparql(value))
            else:
                raise UnsupportedShape(f"{node}: {prop} is not supported by the fast path")
        return tuple(found)

    def sparql(self, node: Node) -> SparqlConstraint:
        select = self.one(node, SH.select)
        if select is None:
            raise UnsupportedShape(f"{node}: a SPARQL constraint needs sh:select")
        prefixes: dict[str, str] = {}
        for source in self.g.objects(node, SH.prefixes):
            for declaration in self.g.objects(source, SH.declare):
                prefix = self.one(declaration, SH.prefix)
                namespace = self.one(declaration, SH.namespace)
                if prefix is not None and namespace is not None:
                    prefixes[str(prefix)] = str(namespace)
        return SparqlConstraint(str(select), tuple(sorted(prefixes.items())))

    # -- rules --------------------------------------------------------------------------------

    def rules(self) -> dict[str, Rule]:
        found = {}
        for node in self.g.subjects(RDF.type, PGSH.Rule):
            rule_id = str(self.required(node, SKOS.notation))
            titles = {
                v.language: str(v)
                for v in self.g.objects(node, RDFS.label)
                if isinstance(v, Literal) and v.language
            }
            legal = self.one(node, PGSH.legalBasis)
            found[rule_id] = Rule(
                id=rule_id,
                title=titles,
                basis=str(self.required(node, PGSH.basis)),
                legal_basis=str(legal) if legal is not None else None,
            )
        return dict(sorted(found.items(), key=lambda item: _rule_order(item[0])))


def _rule_order(rule_id: str) -> tuple[int, str]:
    if rule_id.startswith("R") and rule_id[1:].isdigit():
        return (int(rule_id[1:]), "")
    return (100, rule_id)
