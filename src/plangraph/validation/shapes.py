"""A shapes graph read as the SHACL spec reads it, into a small typed model.

Both engines work from this model: the fast path compiles it to SPARQL
(:mod:`.engines.oxigraph`), the reference hands the same graph to pyshacl. Reading follows the
spec (SHACL §2.1, §3.4, §5, §6):

* a shape is any node that is a SHACL instance of ``sh:NodeShape`` or ``sh:PropertyShape``, the
  subject of a target or of a constraint parameter (of Core or of a SPARQL-based component), or
  the value of a shape-expecting parameter (``sh:node``, ``sh:property``, ``sh:not``,
  ``sh:qualifiedValueShape``, the lists of ``sh:and``, ``sh:or``, ``sh:xone``), at any depth,
  IRI or blank node;
* a shape with ``sh:path`` is a property shape; the default severity is ``sh:Violation``;
* a class that is also a shape targets its own instances (implicit class target);
* ``sh:deactivated true`` switches a shape off (and with it the property shapes it reaches);
* SHACL-SPARQL: ``sh:sparql`` constraints, SPARQL-based constraint components (parameters,
  ``sh:validator``/``sh:nodeValidator``/``sh:propertyValidator``, ASK and SELECT) and SPARQL-based
  targets, their queries read and checked by :mod:`.sparql_text`.

Nothing is skipped in silence. A shapes graph that is not valid SHACL raises
:class:`ShapesError` naming the node and the problem; every shape read is either compiled by the
fast path or, if it cannot be (:class:`UnsupportedShape`), judged by pyshacl in the same run.
Shapes may carry plangraph's annotations (``pgsh:rule``, ``pgsh:basis``, ``pgsh:legalBasis``);
a shape without them is reported under a rule named after its root shape.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import BNode, Literal, Node, URIRef

from plangraph import resources
from plangraph.validation import sparql_text

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
PGSH = rdflib.Namespace("https://w3id.org/plangraph/shapes#")
SHAPES_ONTOLOGY = "https://w3id.org/plangraph/shapes"
SHACL_SPEC = "https://www.w3.org/TR/shacl/"
XSD_BOOLEAN = URIRef("http://www.w3.org/2001/XMLSchema#boolean")
_BOOLEANS = ("true", "false", "1", "0")


class ShapesError(Exception):
    """The shapes graph is not valid SHACL (or not readable): nothing is validated."""


class UnsupportedShape(Exception):
    """A shape the fast path cannot compile to SPARQL; pyshacl judges it instead."""


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
        """The severity of an IRI; a severity of the user's own counts as a violation."""
        for severity in cls:
            if severity.iri == iri:
                return severity
        return cls.VIOLATION


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

ShapeId = str
"""A shape's IRI, or ``_:`` and its blank node id in the shapes graph."""


def shape_id(node: Node) -> ShapeId:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


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
class Range:
    """``sh:minInclusive``, ``sh:minExclusive``, ``sh:maxInclusive`` or ``sh:maxExclusive``."""

    kind: str
    value: Literal

    @property
    def operator(self) -> str:
        """How the value node compares with the bound when it conforms."""
        return {
            "minInclusive": ">=",
            "minExclusive": ">",
            "maxInclusive": "<=",
            "maxExclusive": "<",
        }[self.kind]


@dataclass(frozen=True)
class Length:
    """``sh:minLength`` or ``sh:maxLength``."""

    kind: str
    count: int


@dataclass(frozen=True)
class LanguageIn:
    tags: tuple[str, ...]


@dataclass(frozen=True)
class UniqueLang:
    pass


@dataclass(frozen=True)
class PropertyPair:
    """``sh:equals``, ``sh:disjoint``, ``sh:lessThan`` or ``sh:lessThanOrEquals``."""

    kind: str
    predicate: str


@dataclass(frozen=True)
class NotConstraint:
    shape: ShapeId


@dataclass(frozen=True)
class AndConstraint:
    shapes: tuple[ShapeId, ...]


@dataclass(frozen=True)
class OrConstraint:
    shapes: tuple[ShapeId, ...]


@dataclass(frozen=True)
class XoneConstraint:
    shapes: tuple[ShapeId, ...]


@dataclass(frozen=True)
class NodeConstraint:
    shape: ShapeId


@dataclass(frozen=True)
class PropertyConstraint:
    """``sh:property``: the property shape reports its own results (on the value nodes)."""

    shape: ShapeId


@dataclass(frozen=True)
class QualifiedCount:
    shape: ShapeId
    minimum: int | None
    maximum: int | None
    siblings: tuple[ShapeId, ...] = ()  # with sh:qualifiedValueShapesDisjoint


@dataclass(frozen=True)
class Closed:
    allowed: tuple[str, ...]


@dataclass(frozen=True)
class SparqlConstraint:
    """A ``sh:sparql`` constraint (SELECT): each solution is a result."""

    node: ShapeId
    query: sparql_text.Query
    message: dict[str, str]


@dataclass(frozen=True)
class ComponentConstraint:
    """A SPARQL-based constraint component used by a shape, with its parameter values."""

    component: str
    query: sparql_text.Query  # ASK (per value node) or SELECT (node or property validator)
    parameters: tuple[tuple[str, Node], ...]
    message: dict[str, str]


Constraint = (
    MinCount
    | MaxCount
    | ClassConstraint
    | DatatypeConstraint
    | InConstraint
    | HasValue
    | NodeKindConstraint
    | PatternConstraint
    | Range
    | Length
    | LanguageIn
    | UniqueLang
    | PropertyPair
    | NotConstraint
    | AndConstraint
    | OrConstraint
    | XoneConstraint
    | NodeConstraint
    | PropertyConstraint
    | QualifiedCount
    | Closed
    | SparqlConstraint
    | ComponentConstraint
)

_COMPONENTS: dict[type, str] = {
    MinCount: "MinCountConstraintComponent",
    MaxCount: "MaxCountConstraintComponent",
    ClassConstraint: "ClassConstraintComponent",
    DatatypeConstraint: "DatatypeConstraintComponent",
    InConstraint: "InConstraintComponent",
    HasValue: "HasValueConstraintComponent",
    NodeKindConstraint: "NodeKindConstraintComponent",
    PatternConstraint: "PatternConstraintComponent",
    LanguageIn: "LanguageInConstraintComponent",
    UniqueLang: "UniqueLangConstraintComponent",
    NotConstraint: "NotConstraintComponent",
    AndConstraint: "AndConstraintComponent",
    OrConstraint: "OrConstraintComponent",
    XoneConstraint: "XoneConstraintComponent",
    NodeConstraint: "NodeConstraintComponent",
    PropertyConstraint: "PropertyConstraintComponent",
    Closed: "ClosedConstraintComponent",
    SparqlConstraint: "SPARQLConstraintComponent",
}


def component_iri(constraint: Constraint, *, maximum: bool = False) -> str:
    """The SHACL constraint component a result of ``constraint`` reports."""
    if isinstance(constraint, QualifiedCount):
        which = "Max" if maximum else "Min"
        return str(SH[f"Qualified{which}CountConstraintComponent"])
    if isinstance(constraint, Range | Length):
        kind = constraint.kind
        return str(SH[kind[0].upper() + kind[1:] + "ConstraintComponent"])
    if isinstance(constraint, PropertyPair):
        kind = constraint.kind
        return str(SH[kind[0].upper() + kind[1:] + "ConstraintComponent"])
    if isinstance(constraint, ComponentConstraint):
        return constraint.component
    return str(SH[_COMPONENTS[type(constraint)]])


# -- shapes and rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A target: ``kind`` is class, subjectsOf, objectsOf, node or sparql (``query`` set)."""

    kind: str
    value: Node
    query: sparql_text.Query | None = None


@dataclass(frozen=True)
class Shape:
    """A shape: its targets, path, constraints, severity, messages and plangraph's annotations.

    ``iri`` is the shape's IRI, or ``_:`` and its blank node id in the shapes graph.
    """

    iri: ShapeId
    node: Node
    targets: tuple[Target, ...]
    path: Path_ | None
    path_node: Node | None
    constraints: tuple[Constraint, ...]
    severity: Severity
    severity_iri: str
    message: dict[str, str]  # language ("" for none) -> template
    deactivated: bool
    rule: str
    basis: str
    legal_basis: str | None
    annotated: bool  # carries plangraph's annotations (pgsh:rule, pgsh:basis)
    names: dict[str, str] = field(default_factory=dict)  # sh:name or rdfs:label, by language

    @property
    def properties(self) -> tuple[ShapeId, ...]:
        return tuple(c.shape for c in self.constraints if isinstance(c, PropertyConstraint))


@dataclass(frozen=True)
class Rule:
    """A rule of the plan system (or of the user's shapes): its id, title (nb and en), basis."""

    id: str
    title: dict[str, str]
    basis: str
    legal_basis: str | None


@dataclass(frozen=True)
class Unit:
    """A shape as it reports: reached from a shape with targets through ``sh:property`` links.

    ``chain`` is the shapes from the root down to the parent (empty for the root itself); the
    focus nodes are the root's targets, followed along the paths of the property shapes of the
    chain. A shape reached along two chains reports along each (SHACL counts both).
    """

    shape: ShapeId
    chain: tuple[ShapeId, ...]

    @property
    def root(self) -> ShapeId:
        return self.chain[0] if self.chain else self.shape


@dataclass(frozen=True)
class ShapesModel:
    """Every shape of a shapes graph, the units that report, and the rules they express."""

    graph: rdflib.Graph
    by_id: dict[ShapeId, Shape]
    rules: dict[str, Rule] = field(default_factory=dict)
    units: tuple[Unit, ...] = ()
    uses_shapes_graph: bool = False  # a SPARQL query names $shapesGraph
    recursive: frozenset[ShapeId] = frozenset()  # roots whose shapes refer to themselves
    notes: tuple[str, ...] = ()  # what in the shapes graph has no effect (a misspelt sh: term)
    origins: dict[ShapeId, str] = field(default_factory=dict)  # shape -> the source it came from

    @property
    def shapes(self) -> tuple[Shape, ...]:
        """The shapes that report findings (each shape of a unit, once), by IRI."""
        seen = {u.shape for u in self.units}
        return tuple(sorted((self.by_id[s] for s in seen), key=lambda s: s.iri))

    def shape(self, iri: str) -> Shape:
        return self.by_id[iri]

    @property
    def roots(self) -> tuple[ShapeId, ...]:
        return tuple(sorted({u.root for u in self.units}))


def shapes_dir() -> Path:
    """The folder of the shapes files."""
    return resources.root() / "shapes"


def shape_files() -> list[Path]:
    """The shapes files, in a fixed order."""
    return sorted(shapes_dir().glob("*.ttl"))


@cache
def shipped_graph() -> rdflib.Graph:
    """The shipped shapes graph, read once per process (do not change it)."""
    files = shape_files()
    if not files:
        raise FileNotFoundError(
            f"plangraph's SHACL shapes were not found in {shapes_dir()}; reinstall the package"
        )
    graph = rdflib.Graph()
    for file in files:
        graph += read_shapes_file(file)
    return graph


@cache
def load() -> ShapesModel:
    """The shipped shapes, read once per process.

    Raises:
        FileNotFoundError: if the shapes are missing (an install without ``shapes/``): validating
            with no shapes would pass everything.
    """
    return read(shipped_graph())


_SHAPES_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}


def parse_shapes(
    data: bytes | str, *, name: str, format: ox.RdfFormat | None = None, base_iri: str | None = None
) -> rdflib.Graph:
    """A shapes graph from text (its format by ``name``'s extension, Turtle by default).

    Literals are kept exactly as written (rdflib would rewrite ``"1"^^xsd:boolean`` as
    ``"true"``, which SHACL tells apart), and nothing is fetched (no remote JSON-LD context).

    Raises:
        ShapesError: if the text cannot be parsed; the message names the source and the place.
    """
    fmt = format or _SHAPES_FORMATS.get(Path(name).suffix.lower(), ox.RdfFormat.TURTLE)
    graph = rdflib.Graph()
    blanks: dict[str, BNode] = {}  # blank node labels are local to one document
    try:
        parser = ox.parse(data, format=fmt, base_iri=base_iri or _base_iri(name))
        for quad in parser:
            graph.add(as_written(quad.triple, blanks))
        for prefix, namespace in parser.prefixes.items():
            graph.bind(prefix, namespace, override=False)  # for pyshacl, which reads them
    except SyntaxError as error:
        where = f"{name}:{error.lineno}" if error.lineno else name
        raise ShapesError(f"{where}: the shapes cannot be read: {error.msg or error}") from None
    except (ValueError, OSError) as error:
        raise ShapesError(f"{name}: the shapes cannot be read: {error}") from None
    if len(graph) == 0:
        raise ShapesError(f"{name}: the shapes graph is empty")
    return graph


def as_written(
    triple: ox.Triple, blanks: dict[str, BNode] | None = None
) -> tuple[Node, Node, Node]:
    """A pyoxigraph triple as an rdflib triple, its literal exactly as written; blank nodes are
    renamed through ``blanks`` when given (kept otherwise)."""
    return (
        exact(triple.subject, blanks),
        exact(triple.predicate, blanks),
        exact(triple.object, blanks),
    )


class _IllTypedLiterals(logging.Filter):
    """rdflib logs a traceback for each ill-typed literal it is given (``"abc"^^xsd:integer``).
    Validation reads such literals on purpose and reports them as findings: not as tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form")


logging.getLogger("rdflib.term").addFilter(_IllTypedLiterals())


def exact(term: object, blanks: dict[str, BNode] | None = None) -> Node:
    """A pyoxigraph term as an rdflib term; a literal keeps its lexical form."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        if blanks is None:
            return BNode(term.value)
        found = blanks.get(term.value)
        if found is None:
            found = blanks[term.value] = BNode()
        return found
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value, normalize=False)
        if term.datatype.value == str(XSD_BOOLEAN) and term.value not in _BOOLEANS:
            # rdflib warns (UserWarning) about an ill-formed boolean; it is data, not a fault.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                return Literal(term.value, datatype=XSD_BOOLEAN, normalize=False)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise ShapesError(f"not an RDF term usable in shapes: {term!r}")


def _base_iri(name: str) -> str:
    path = Path(name)
    if path.exists():
        return path.resolve().as_uri()
    return "urn:plangraph:shapes:" + "".join(c if c.isalnum() or c in "-._" else "_" for c in name)


def read_shapes_file(path: Path) -> rdflib.Graph:
    """A shapes file read into a graph (its format follows its extension)."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ShapesError(f"{path}: {error.strerror or error}") from None
    return parse_shapes(data, name=str(path))


class NamedShapes(NamedTuple):
    """A shapes graph with the name that errors give it (a file, a part of a form)."""

    name: str
    graph: rdflib.Graph


ShapesSource = Path | rdflib.Graph | NamedShapes


def parse_parts(parts: Sequence[tuple[str, bytes]]) -> list[NamedShapes]:
    """Shapes uploaded as parts of a form (file name, bytes), each named ``shapes part 'NAME'``
    in errors; the format follows the file name's extension (Turtle by default).

    Raises:
        ShapesError: if a part cannot be parsed; the message names the part and the place.
    """
    found = []
    for number, (filename, data) in enumerate(parts, 1):
        name = f"shapes part '{filename}'"
        fmt = _SHAPES_FORMATS.get(Path(filename).suffix.lower(), ox.RdfFormat.TURTLE)
        base = f"urn:plangraph:shapes:part-{number}"
        found.append(NamedShapes(name, parse_shapes(data, name=name, format=fmt, base_iri=base)))
    return found


def compose(sources: Sequence[ShapesSource], *, shipped: bool = True) -> ShapesModel:
    """The model of the given shapes (files or graphs), with or without the shipped shapes.

    The model knows which source each shape came from (:attr:`ShapesModel.origins`).

    Raises:
        ShapesError: if a source cannot be read or is not valid SHACL, or if nothing is given;
            the message names the source (the file, the part, or "shapes graph N").
    """
    if not sources:
        if shipped:
            return load()
        raise ShapesError("no shapes given (and the shipped shapes left out)")
    named: list[NamedShapes] = []
    for number, source in enumerate(sources, 1):
        if isinstance(source, NamedShapes):
            named.append(source)
        elif isinstance(source, rdflib.Graph):
            named.append(NamedShapes(f"shapes graph {number}", source))
        else:
            named.append(NamedShapes(str(source), read_shapes_file(source)))
    graph = rdflib.Graph()
    if shipped:
        graph += shipped_graph()
    for source in named:
        graph += source.graph
    try:
        model = read(graph)
    except ShapesError as error:
        raise ShapesError(_blame(error, named, shipped)) from None
    origins: dict[ShapeId, str] = {}
    for source in named:
        subjects = set(source.graph.subjects())
        for iri, shape in model.by_id.items():
            if shape.node in subjects:
                origins.setdefault(iri, source.name)
    return dataclasses.replace(model, origins=origins)


def _blame(error: ShapesError, named: Sequence[NamedShapes], shipped: bool) -> str:
    """The error, prefixed by the source that causes it when one alone does (else all)."""
    if len(named) > 1:
        for source in named:
            alone = source.graph + shipped_graph() if shipped else source.graph
            try:
                read(alone)
            except ShapesError as own:
                return f"{source.name}: {own}"
    return f"{', '.join(s.name for s in named)}: {error}"


def read(graph: rdflib.Graph) -> ShapesModel:
    """The model of a shapes graph.

    Raises:
        ShapesError: if it is not valid SHACL (the message names the node and the problem).
    """
    reader = _Reader(graph)
    by_id = reader.read_all()
    units, recursive = _units(by_id)
    rules = reader.rules()
    for shape in by_id.values():
        if not shape.annotated and shape.rule not in rules:
            rules[shape.rule] = _custom_rule(shape.rule, by_id, reader)
    uses_graph = any(q.mentions("shapesGraph") for shape in by_id.values() for q in _queries(shape))
    return ShapesModel(
        graph=graph,
        by_id=by_id,
        rules=dict(sorted(rules.items(), key=lambda item: _rule_order(item[0]))),
        units=units,
        uses_shapes_graph=uses_graph,
        recursive=recursive,
        notes=tuple(sorted(set(reader.notes))),
    )


def _queries(shape: Shape) -> Iterator[sparql_text.Query]:
    for c in shape.constraints:
        if isinstance(c, SparqlConstraint | ComponentConstraint):
            yield c.query
    for t in shape.targets:
        if t.query is not None:
            yield t.query


def _units(by_id: dict[ShapeId, Shape]) -> tuple[tuple[Unit, ...], frozenset[ShapeId]]:
    """Every reporting unit, and the roots whose shapes refer back to themselves."""
    units: list[Unit] = []
    recursive: set[ShapeId] = set()
    for shape in sorted(by_id.values(), key=lambda s: s.iri):
        if not shape.targets or shape.deactivated:
            continue
        if _refers_to_itself(shape.iri, by_id):
            recursive.add(shape.iri)
        todo: list[tuple[ShapeId, tuple[ShapeId, ...]]] = [(shape.iri, ())]
        while todo:
            current, chain = todo.pop()
            units.append(Unit(current, chain))
            for child in by_id[current].properties:
                if child in chain or child == current:
                    recursive.add(shape.iri)
                    continue
                if by_id[child].deactivated:
                    continue
                todo.append((child, (*chain, current)))
    return tuple(sorted(units, key=lambda u: (u.root, u.chain, u.shape))), frozenset(recursive)


def referenced(shape: Shape) -> Iterator[ShapeId]:
    """The shapes a shape's constraints refer to."""
    for c in shape.constraints:
        if isinstance(c, NotConstraint | NodeConstraint | PropertyConstraint):
            yield c.shape
        elif isinstance(c, AndConstraint | OrConstraint | XoneConstraint):
            yield from c.shapes
        elif isinstance(c, QualifiedCount):
            yield c.shape
            yield from c.siblings


def _refers_to_itself(start: ShapeId, by_id: dict[ShapeId, Shape]) -> bool:
    """Whether any shape reachable from ``start`` reaches itself again (SHACL recursion)."""
    reach: dict[ShapeId, set[ShapeId]] = {}
    todo = [start]
    while todo:
        current = todo.pop()
        if current in reach:
            continue
        reach[current] = set(referenced(by_id[current]))
        todo.extend(reach[current])
    state: dict[ShapeId, int] = {}

    def cyclic(node: ShapeId) -> bool:
        state[node] = 1
        for nxt in reach.get(node, ()):
            if state.get(nxt) == 1 or (state.get(nxt) is None and cyclic(nxt)):
                return True
        state[node] = 2
        return False

    return cyclic(start)


def _custom_rule(rule_id: str, by_id: dict[ShapeId, Shape], reader: _Reader) -> Rule:
    """The rule of a shape without plangraph's annotations: named after its root shape."""
    shape = by_id.get(rule_id)
    names = shape.names if shape is not None else {}

    def title(lang: str) -> str:
        other = "en" if lang == "nb" else "nb"
        return names.get(lang) or names.get("") or names.get(other) or rule_id

    return Rule(
        id=rule_id, title={"nb": title("nb"), "en": title("en")}, basis=SHACL_SPEC, legal_basis=None
    )


_CORE_PARAMETERS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minCount,
    SH.maxCount,
    SH.minExclusive,
    SH.minInclusive,
    SH.maxExclusive,
    SH.maxInclusive,
    SH.minLength,
    SH.maxLength,
    SH.pattern,
    SH.flags,
    SH.languageIn,
    SH.uniqueLang,
    SH.equals,
    SH.disjoint,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH["not"],
    SH["and"],
    SH["or"],
    SH.xone,
    SH.node,
    SH.property,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.closed,
    SH.ignoredProperties,
    SH.hasValue,
    SH["in"],
    SH.sparql,
}
_TARGETS = {
    SH.targetClass: "class",
    SH.targetSubjectsOf: "subjectsOf",
    SH.targetObjectsOf: "objectsOf",
    SH.targetNode: "node",
}
# Terms of the SHACL vocabulary a shape may carry that are not constraints.
_NOT_CONSTRAINTS = {
    SH.path,
    SH.severity,
    SH.message,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.deactivated,
    SH.target,
    SH.select,
    SH.ask,
    SH.prefixes,
    SH.declare,
    SH.labelTemplate,
    SH.parameter,
    SH.validator,
    SH.nodeValidator,
    SH.propertyValidator,
    SH.optional,
    SH.resultAnnotation,
    SH.shapesGraph,
    SH.suggestedShapesGraph,
    *_TARGETS,
}
# Constraints of SHACL Advanced Features: a shape with one cannot be judged without them.
_ADVANCED_CONSTRAINTS = {SH.expression, SH.js, SH.jsFunctionName, SH.jsLibrary}
_PATH_KEYS = {
    SH.inversePath,
    SH.alternativePath,
    SH.zeroOrMorePath,
    SH.oneOrMorePath,
    SH.zeroOrOnePath,
}
_NODE_KINDS = {
    str(SH[k])
    for k in ("IRI", "BlankNode", "Literal", "BlankNodeOrIRI", "BlankNodeOrLiteral", "IRIOrLiteral")
}


@dataclass(frozen=True)
class _Component:
    iri: str
    parameters: tuple[tuple[URIRef, bool], ...]  # (path, optional)
    validators: dict[str, Node]  # "validator", "nodeValidator", "propertyValidator"
    message: dict[str, str]


class _Reader:
    def __init__(self, graph: rdflib.Graph) -> None:
        self.g = graph
        self.notes: list[str] = []  # what in the shapes has no effect, said aloud
        self.components = self._components()

    # -- helpers ------------------------------------------------------------------------------

    def one(self, node: Node, prop: URIRef) -> Node | None:
        values = list(self.g.objects(node, prop))
        if len(values) > 1:
            raise ShapesError(f"{_show(node)}: more than one value of {_show(prop)}")
        return values[0] if values else None

    def count(self, node: Node, prop: URIRef) -> int | None:
        value = self.one(node, prop)
        if value is None:
            return None
        if not isinstance(value, Literal) or not isinstance(value.toPython(), int):
            raise ShapesError(f"{_show(node)}: {_show(prop)} must be an integer, not {value.n3()}")
        number = int(value.toPython())
        if number < 0:
            raise ShapesError(f"{_show(node)}: {_show(prop)} must not be negative")
        return number

    def boolean(self, node: Node, prop: URIRef) -> bool | None:
        value = self.one(node, prop)
        if value is None:
            return None
        if not isinstance(value, Literal) or value.datatype != XSD_BOOLEAN:
            raise ShapesError(
                f"{_show(node)}: {_show(prop)} must be true or false, not {value.n3()}"
            )
        return str(value) in ("true", "1")

    def items(self, node: Node, where: Node, prop: URIRef) -> list[Node]:
        if node == RDF.nil:
            return []
        if (node, RDF.first, None) not in self.g:
            raise ShapesError(f"{_show(where)}: the value of {_show(prop)} must be an RDF list")
        try:
            return list(Collection(self.g, node))
        except Exception:
            raise ShapesError(f"{_show(where)}: the list of {_show(prop)} is malformed") from None

    def is_instance(self, node: Node, cls: URIRef) -> bool:
        for t in self.g.objects(node, RDF.type):
            if t == cls or cls in self.g.transitive_objects(t, RDFS.subClassOf):
                return True
        return False

    def instances(self, cls: URIRef) -> set[Node]:
        classes = set(self.g.transitive_subjects(RDFS.subClassOf, cls))
        found: set[Node] = set()
        for c in classes:
            found.update(self.g.subjects(RDF.type, c))
        return found

    def messages(self, node: Node) -> dict[str, str]:
        found: dict[str, str] = {}
        for value in self.g.objects(node, SH.message):
            if not isinstance(value, Literal):
                raise ShapesError(f"{_show(node)}: sh:message must be a literal")
            found[value.language or ""] = str(value)
        return found

    # -- which nodes are shapes ------------------------------------------------------------------

    def shape_nodes(self) -> set[Node]:
        g = self.g
        found: set[Node] = set()
        found |= self.instances(SH.NodeShape) | self.instances(SH.PropertyShape)
        for prop in (*_TARGETS, SH.target):
            found.update(g.subjects(prop, None))
        parameters = set(_CORE_PARAMETERS) - {SH.flags, SH.ignoredProperties}
        for component in self.components.values():
            parameters.update(path for path, _ in component.parameters)
        for prop in parameters:
            found.update(g.subjects(prop, None))
        for prop in (SH.node, SH.property, SH["not"], SH.qualifiedValueShape):
            found.update(g.objects(None, prop))
        for prop in (SH["and"], SH["or"], SH.xone):
            for subject, lst in g.subject_objects(prop):
                found.update(self.items(lst, subject, prop))
        # A constraint component's parameter declarations carry sh:path (and often sh:datatype),
        # but describe the component's parameters, not shapes of the data.
        declarations = set(g.objects(None, SH.parameter))
        return {n for n in found if isinstance(n, URIRef | BNode) and n not in declarations}

    # -- shapes -------------------------------------------------------------------------------

    def read_all(self) -> dict[ShapeId, Shape]:
        nodes = self.shape_nodes()
        shapes = {shape_id(n): self.shape(n) for n in nodes}
        for shape in shapes.values():
            for ref in referenced(shape):
                if ref not in shapes:  # a literal as a shape, for instance
                    raise ShapesError(f"{shape.iri}: refers to {ref}, which is not a shape")
        return _with_inherited_annotations(shapes)

    def shape(self, node: Node) -> Shape:
        g = self.g
        for prop in sorted(set(g.predicates(node, None)), key=str):
            if not str(prop).startswith(str(SH)) or prop in _CORE_PARAMETERS | _NOT_CONSTRAINTS:
                continue
            if prop in _ADVANCED_CONSTRAINTS:
                raise ShapesError(
                    f"{_show(node)}: {_show(prop)} is a constraint of SHACL Advanced Features "
                    "(SHACL-AF), which plangraph does not evaluate"
                )
            if prop not in _PATH_KEYS:
                self.notes.append(
                    f"{_show(node)}: {_show(prop)} is not a SHACL Core or SHACL-SPARQL term; "
                    "it has no effect (a misspelling?)"
                )
        path_node = self.one(node, SH.path)
        path = self.path(path_node, node) if path_node is not None else None
        severity = self.one(node, SH.severity)
        if severity is not None and not isinstance(severity, URIRef):
            raise ShapesError(f"{_show(node)}: sh:severity must be an IRI")
        severity_iri = str(severity) if severity is not None else str(SH.Violation)
        rule = self.one(node, PGSH.rule)
        basis = self.one(node, PGSH.basis)
        if rule is not None and basis is None:
            raise ShapesError(f"{_show(node)}: pgsh:rule without pgsh:basis")
        legal = self.one(node, PGSH.legalBasis)
        names = {
            v.language or "": str(v)
            for prop in (RDFS.label, SH.name)  # sh:name wins
            for v in self.g.objects(node, prop)
            if isinstance(v, Literal)
        }
        return Shape(
            iri=shape_id(node),
            node=node,
            targets=tuple(self.targets(node)),
            path=path,
            path_node=path_node,
            constraints=tuple(self.constraints(node, path is not None)),
            severity=Severity.from_iri(severity_iri),
            severity_iri=severity_iri,
            message=self.messages(node),
            deactivated=bool(self.boolean(node, SH.deactivated)),
            rule=str(rule) if rule is not None else "",
            basis=str(basis) if basis is not None else SHACL_SPEC,
            legal_basis=str(legal) if legal is not None else None,
            annotated=rule is not None,
            names=names,
        )

    def targets(self, node: Node) -> list[Target]:
        found = []
        for prop, kind in _TARGETS.items():
            for value in self.g.objects(node, prop):
                if kind != "node" and not isinstance(value, URIRef):
                    raise ShapesError(f"{_show(node)}: {_show(prop)} must be an IRI")
                found.append(Target(kind, value))
        if self.is_instance(node, RDFS.Class) and (
            self.is_instance(node, SH.NodeShape) or self.is_instance(node, SH.PropertyShape)
        ):
            found.append(Target("class", node))  # implicit class target
        for value in self.g.objects(node, SH.target):
            select = self.one(value, SH.select)
            if select is None:
                raise ShapesError(
                    f"{_show(node)}: sh:target without sh:select (SPARQL-based target types "
                    "are not supported)"
                )
            query = self.query(value, str(select), "select", frozenset({"this"}))
            found.append(Target("sparql", value, query))
        return sorted(set(found), key=lambda t: (t.kind, str(t.value)))

    def path(self, node: Node, shape: Node) -> Path_:
        g = self.g
        if isinstance(node, URIRef):
            return PredicatePath(str(node))
        if isinstance(node, Literal):
            raise ShapesError(f"{_show(shape)}: a path must be an IRI or a blank node")
        if (node, RDF.first, None) in g:
            steps = self.items(node, shape, SH.path)
            if len(steps) < 2:
                raise ShapesError(f"{_show(shape)}: a sequence path needs two steps or more")
            return SequencePath(tuple(self.path(p, shape) for p in steps))
        keys = [p for p in g.predicates(node, None) if p in _PATH_KEYS]
        if len(keys) != 1:
            raise ShapesError(f"{_show(shape)}: the path {_show(node)} is not a SHACL path")
        key = URIRef(str(keys[0]))
        inner = self.one(node, key)
        assert inner is not None
        if key == SH.inversePath:
            return InversePath(self.path(inner, shape))
        if key == SH.alternativePath:
            options = self.items(inner, shape, key)
            if len(options) < 2:
                raise ShapesError(f"{_show(shape)}: an alternative path needs two options or more")
            return AlternativePath(tuple(self.path(p, shape) for p in options))
        operator = {
            str(SH.zeroOrMorePath): "*",
            str(SH.oneOrMorePath): "+",
            str(SH.zeroOrOnePath): "?",
        }[str(key)]
        return RepeatPath(self.path(inner, shape), operator)

    def constraints(self, node: Node, is_property: bool) -> Iterator[Constraint]:
        g = self.g
        one = self.one
        for value in g.objects(node, SH["class"]):
            yield ClassConstraint(str(self.iri(node, SH["class"], value)))
        if (dt := one(node, SH.datatype)) is not None:
            yield DatatypeConstraint(str(self.iri(node, SH.datatype, dt)))
        if (kind := one(node, SH.nodeKind)) is not None:
            if str(kind) not in _NODE_KINDS:
                raise ShapesError(f"{_show(node)}: {kind} is not a node kind")
            yield NodeKindConstraint(str(kind))
        for count_prop, count_cls in ((SH.minCount, MinCount), (SH.maxCount, MaxCount)):
            if (n := self.count(node, count_prop)) is not None:
                if not is_property:
                    raise ShapesError(
                        f"{_show(node)}: {_show(count_prop)} is only for property shapes"
                    )
                yield count_cls(n)
        for range_kind in ("minExclusive", "minInclusive", "maxExclusive", "maxInclusive"):
            if (bound := one(node, SH[range_kind])) is not None:
                if not isinstance(bound, Literal):
                    raise ShapesError(f"{_show(node)}: sh:{range_kind} must be a literal")
                yield Range(range_kind, bound)
        for length_kind in ("minLength", "maxLength"):
            if (n := self.count(node, SH[length_kind])) is not None:
                yield Length(length_kind, n)
        for pattern in g.objects(node, SH.pattern):
            flags = one(node, SH.flags)
            try:
                re.compile(str(pattern))
            except re.error as error:
                raise ShapesError(
                    f"{_show(node)}: sh:pattern {pattern!s} is not a regular expression: {error}"
                ) from None
            yield PatternConstraint(str(pattern), str(flags) if flags is not None else "")
        if (langs := one(node, SH.languageIn)) is not None:
            tags = self.items(langs, node, SH.languageIn)
            if not all(isinstance(t, Literal) for t in tags):
                raise ShapesError(f"{_show(node)}: sh:languageIn must list strings")
            yield LanguageIn(tuple(str(t) for t in tags))
        if (unique := one(node, SH.uniqueLang)) is not None:
            if not is_property:
                raise ShapesError(f"{_show(node)}: sh:uniqueLang is only for property shapes")
            # Only the literal true switches it on ("1"^^xsd:boolean is another term).
            if (
                isinstance(unique, Literal)
                and unique.datatype == XSD_BOOLEAN
                and str(unique) == "true"
            ):
                yield UniqueLang()
        for pair in ("equals", "disjoint", "lessThan", "lessThanOrEquals"):
            for value in g.objects(node, SH[pair]):
                if pair in ("lessThan", "lessThanOrEquals") and not is_property:
                    raise ShapesError(f"{_show(node)}: sh:{pair} is only for property shapes")
                yield PropertyPair(pair, str(self.iri(node, SH[pair], value)))
        for value in g.objects(node, SH["not"]):
            yield NotConstraint(shape_id(value))
        for value in g.objects(node, SH["and"]):
            yield AndConstraint(tuple(shape_id(v) for v in self.items(value, node, SH["and"])))
        for value in g.objects(node, SH["or"]):
            yield OrConstraint(tuple(shape_id(v) for v in self.items(value, node, SH["or"])))
        for value in g.objects(node, SH.xone):
            yield XoneConstraint(tuple(shape_id(v) for v in self.items(value, node, SH.xone)))
        for value in g.objects(node, SH.node):
            yield NodeConstraint(shape_id(value))
        for value in g.objects(node, SH.property):
            yield PropertyConstraint(shape_id(value))
        yield from self.qualified(node, is_property)
        if (closed := self.boolean(node, SH.closed)) is not None and closed:
            allowed = [str(p) for p in self.predicate_paths(node)]
            ignored = one(node, SH.ignoredProperties)
            if ignored is not None:
                allowed += [str(p) for p in self.items(ignored, node, SH.ignoredProperties)]
            yield Closed(tuple(sorted(set(allowed))))
        for value in g.objects(node, SH["in"]):
            yield InConstraint(tuple(self.items(value, node, SH["in"])))
        for value in g.objects(node, SH.hasValue):
            yield HasValue(value)
        for value in g.objects(node, SH.sparql):
            if self.boolean(value, SH.deactivated):
                continue
            select = self.one(value, SH.select)
            if select is None:
                raise ShapesError(f"{_show(value)}: a SPARQL constraint needs sh:select")
            query = self.query(
                value, str(select), "select", frozenset({"this", "shapesGraph", "currentShape"})
            )
            yield SparqlConstraint(shape_id(value), query, self.messages(value))
        yield from self.component_constraints(node, is_property)

    def iri(self, node: Node, prop: URIRef, value: Node) -> URIRef:
        if not isinstance(value, URIRef):
            raise ShapesError(f"{_show(node)}: {_show(prop)} must be an IRI, not {value.n3()}")
        return value

    def predicate_paths(self, node: Node) -> Iterator[Node]:
        for prop in self.g.objects(node, SH.property):
            path = self.one(prop, SH.path)
            if isinstance(path, URIRef):
                yield path

    def qualified(self, node: Node, is_property: bool) -> Iterator[QualifiedCount]:
        g = self.g
        values = list(g.objects(node, SH.qualifiedValueShape))
        minimum = self.count(node, SH.qualifiedMinCount)
        maximum = self.count(node, SH.qualifiedMaxCount)
        if not values:
            return  # the counts alone are not a constraint (SHACL §4.7.3)
        disjoint = bool(self.boolean(node, SH.qualifiedValueShapesDisjoint))
        for value in values:
            siblings: tuple[ShapeId, ...] = ()
            if disjoint:
                found = set()
                for parent in g.subjects(SH.property, node):
                    for sibling in g.objects(parent, SH.property):
                        for other in g.objects(sibling, SH.qualifiedValueShape):
                            if other != value:
                                found.add(shape_id(other))
                siblings = tuple(sorted(found))
            yield QualifiedCount(shape_id(value), minimum, maximum, siblings)

    # -- SHACL-SPARQL -----------------------------------------------------------------------------

    def prefixes(self, node: Node) -> dict[str, str]:
        """The prefixes declared for a SPARQL query: ``sh:declare`` of its ``sh:prefixes``
        values, and of the ontologies they ``owl:imports`` (inside this shapes graph)."""
        found: dict[str, str] = {}
        seen: set[Node] = set()
        todo = list(self.g.objects(node, SH.prefixes))
        while todo:
            source = todo.pop()
            if source in seen:
                continue
            seen.add(source)
            for declaration in self.g.objects(source, SH.declare):
                prefix = self.one(declaration, SH.prefix)
                namespace = self.one(declaration, SH.namespace)
                if prefix is None or namespace is None:
                    raise ShapesError(
                        f"{_show(source)}: sh:declare needs sh:prefix and sh:namespace"
                    )
                if str(prefix) in found and found[str(prefix)] != str(namespace):
                    raise ShapesError(
                        f"{_show(node)}: the prefix '{prefix}' is declared twice, differently"
                    )
                found[str(prefix)] = str(namespace)
            todo.extend(self.g.objects(source, OWL.imports))
        return found

    def query(
        self, node: Node, text: str, form: str, pre_bound: frozenset[str]
    ) -> sparql_text.Query:
        try:
            return sparql_text.read(
                text, self.prefixes(node), pre_bound=pre_bound, form=form, where=_show(node)
            )
        except sparql_text.QueryError as error:
            raise ShapesError(str(error)) from None

    def _components(self) -> dict[str, _Component]:
        found = {}
        for node in self.instances(SH.ConstraintComponent):
            if not isinstance(node, URIRef):
                raise ShapesError("a constraint component must have an IRI")
            parameters = []
            for param in self.g.objects(node, SH.parameter):
                path = self.one(param, SH.path)
                if not isinstance(path, URIRef):
                    raise ShapesError(f"{_show(node)}: a parameter's sh:path must be an IRI")
                parameters.append((path, bool(self.boolean(param, SH.optional))))
            if not parameters:
                raise ShapesError(f"{_show(node)}: a constraint component needs a parameter")
            validators = {}
            for kind in ("validator", "nodeValidator", "propertyValidator"):
                value = self.one(node, SH[kind])
                if value is not None:
                    validators[kind] = value
            found[str(node)] = _Component(
                str(node), tuple(sorted(parameters)), validators, self.messages(node)
            )
        return found

    def component_constraints(self, node: Node, is_property: bool) -> Iterator[ComponentConstraint]:
        for component in sorted(self.components.values(), key=lambda c: c.iri):
            required = [p for p, optional in component.parameters if not optional]
            if not all((node, p, None) in self.g for p in required):
                continue
            validator = component.validators.get(
                "propertyValidator" if is_property else "nodeValidator"
            )
            if validator is None:
                validator = component.validators.get("validator")
            if validator is None:
                raise ShapesError(
                    f"{_show(node)}: the constraint component {component.iri} has no validator "
                    f"for a {'property' if is_property else 'node'} shape"
                )
            ask = self.one(validator, SH.ask)
            select = self.one(validator, SH.select)
            if (ask is None) == (select is None):
                raise ShapesError(f"{_show(validator)}: a validator needs one sh:ask or sh:select")
            names = {_local(p) for p, _ in component.parameters}
            pre_bound = frozenset(
                {"this", "shapesGraph", "currentShape", *names}
                | ({"value"} if ask is not None else set())
            )
            query = self.query(
                validator,
                str(ask if ask is not None else select),
                "ask" if ask is not None else "select",
                pre_bound,
            )
            message = self.messages(validator) or component.message
            combos: list[list[tuple[str, Node]]] = [[]]
            for path, optional in component.parameters:
                values = list(self.g.objects(node, path))
                if not values and optional:
                    continue
                combos = [[*combo, (_local(path), v)] for combo in combos for v in values]
            for combo in combos:
                yield ComponentConstraint(component.iri, query, tuple(combo), message)

    # -- rules --------------------------------------------------------------------------------

    def rules(self) -> dict[str, Rule]:
        found = {}
        for node in self.g.subjects(RDF.type, PGSH.Rule):
            notation = self.one(node, SKOS.notation)
            basis = self.one(node, PGSH.basis)
            if notation is None or basis is None:
                raise ShapesError(f"{_show(node)}: a pgsh:Rule needs skos:notation and pgsh:basis")
            titles = {
                v.language: str(v)
                for v in self.g.objects(node, RDFS.label)
                if isinstance(v, Literal) and v.language
            }
            legal = self.one(node, PGSH.legalBasis)
            found[str(notation)] = Rule(
                id=str(notation),
                title=titles,
                basis=str(basis),
                legal_basis=str(legal) if legal is not None else None,
            )
        return found


def _with_inherited_annotations(shapes: dict[ShapeId, Shape]) -> dict[ShapeId, Shape]:
    """Property shapes without plangraph's annotations take them from the shape that has them
    as ``sh:property``; other shapes without them get a rule named after their root shape."""
    parents: dict[ShapeId, list[ShapeId]] = {}
    for shape in shapes.values():
        for child in shape.properties:
            parents.setdefault(child, []).append(shape.iri)
    out = dict(shapes)

    def annotated_parent(iri: ShapeId, seen: set[ShapeId]) -> Shape | None:
        for parent in sorted(parents.get(iri, [])):
            if parent in seen:
                continue
            shape = shapes[parent]
            if shape.annotated:
                return shape
            found = annotated_parent(parent, {*seen, parent})
            if found is not None:
                return found
        return None

    def root_of(iri: ShapeId, seen: set[ShapeId]) -> ShapeId:
        for parent in sorted(parents.get(iri, [])):
            if parent not in seen:
                return root_of(parent, {*seen, parent})
        return iri

    for iri, shape in shapes.items():
        if shape.annotated:
            continue
        parent = annotated_parent(iri, {iri})
        if parent is not None:
            out[iri] = _replace(
                shape,
                rule=parent.rule,
                basis=parent.basis,
                legal_basis=parent.legal_basis,
                annotated=True,
            )
        else:
            out[iri] = _replace(shape, rule=root_of(iri, {iri}))
    return out


def _replace(shape: Shape, **changes: Any) -> Shape:
    return dataclasses.replace(shape, **changes)


def _local(iri: URIRef) -> str:
    text = str(iri)
    return re.split(r"[#/:]", text)[-1]


def _show(node: Node) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, URIRef) and str(node).startswith(str(SH)):
        return "sh:" + str(node)[len(str(SH)) :]
    return str(node)


def _rule_order(rule_id: str) -> tuple[int, str]:
    if rule_id.startswith("R") and rule_id[1:].isdigit():
        return (int(rule_id[1:]), "")
    if ":" in rule_id:  # a rule named after a shape of the user's
        return (200, rule_id)
    return (100, rule_id)


def read_path(graph: rdflib.Graph, node: Node) -> Path_:
    """A SHACL property path of any graph (a report's ``sh:resultPath``, say) as a model."""
    return _Reader(graph).path(node, node)
