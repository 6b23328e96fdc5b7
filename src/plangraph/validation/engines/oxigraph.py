"""The fast path: shapes compiled to whole-graph SPARQL queries that pyoxigraph runs.

pyshacl evaluates each constraint once per focus node (and re-parses SHACL-SPARQL queries each
time); here each constraint of each reporting shape is one query over the whole data graph,
which returns every focus node (and value) that breaks it. The queries follow the SHACL
semantics of the constraint components in :mod:`plangraph.validation.shapes`; a test holds them
to the W3C SHACL test suite and to pyshacl on the shapes' own test suite.

* Focus nodes: the targets of a unit's root shape, followed along the paths of the property
  shapes that lead to the unit's shape (:class:`~plangraph.validation.shapes.Unit`). "Instance
  of C" means ``rdf:type`` of C or of a subclass of C by ``rdfs:subClassOf`` in the data graph;
  the subclasses are looked up once per run and written into the query. When only a submission
  is checked, the focus nodes are restricted to the submission's subjects (a ``VALUES`` block).
* A shape used inside another (``sh:node``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``,
  ``sh:qualifiedValueShape``, ``sh:property`` of a nested shape) is compiled to one SPARQL
  expression: whether a node conforms to it. Counts inside such a shape are written as "n
  distinct values exist". A shape that cannot be written so (recursion, SHACL-SPARQL inside a
  nested shape, a blank node as a constant) raises :class:`UnsupportedShape`: pyshacl judges
  that root shape in the same run.
* Literals are compared as written: the store holds stand-ins for the literals it would rewrite
  (:mod:`plangraph.validation.literals`), ``sh:datatype`` accepts a stand-in of its datatype,
  range comparisons decode stand-ins to their value, and results are decoded back.
* SHACL-SPARQL keeps the user's query text. ``$this`` is pre-bound: joined with the focus nodes
  at the top of the query when that gives the same solutions
  (:attr:`~plangraph.validation.sparql_text.Query.join_safe`), else substituted, one query per
  focus node. ``$PATH``, ``$currentShape``, ``$shapesGraph`` and a component's parameters are
  substituted.
* Constraints on values (``sh:class``, ``sh:datatype``, …) on a whole register first find the
  distinct offending values, then the focus nodes that have them: the few thousand distinct owners
  of 160,000 measures are checked once each.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

from plangraph.terms import to_oxigraph
from plangraph.validation import literals, sparql_text
from plangraph.validation.shapes import (
    AlternativePath,
    AndConstraint,
    ClassConstraint,
    Closed,
    ComponentConstraint,
    Constraint,
    DatatypeConstraint,
    HasValue,
    InConstraint,
    InversePath,
    LanguageIn,
    Length,
    MaxCount,
    MinCount,
    NodeConstraint,
    NodeKindConstraint,
    NotConstraint,
    OrConstraint,
    Path_,
    PatternConstraint,
    PredicatePath,
    PropertyConstraint,
    PropertyPair,
    QualifiedCount,
    Range,
    SequencePath,
    Shape,
    ShapeId,
    ShapesModel,
    SparqlConstraint,
    Target,
    UniqueLang,
    Unit,
    UnsupportedShape,
    XoneConstraint,
    component_iri,
    path_sparql,
)
from plangraph.validation.submission import BLANK_PREFIX

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"
SHAPES_GRAPH = ox.NamedNode("urn:plangraph:shapes-graph")
"""The named graph that holds the shapes graph when a SPARQL query asks for ``$shapesGraph``."""

Term = ox.NamedNode | ox.BlankNode | ox.Literal

SCOPE = "#plangraph-scope-7f3a#\n"
"""Where a compiled query restricts its focus nodes to the run's scope (a comment, until the
``VALUES`` block of the run's focus nodes is written in)."""

MAX_ENUMERATED_COUNT = 6
"""The largest count a nested shape may ask for (written as that many distinct values)."""

_NODE_KINDS = {
    SH + "IRI": "{iri}",
    SH + "BlankNode": "{blank}",
    SH + "Literal": "isLiteral({v})",
    SH + "BlankNodeOrIRI": "({blank} || {iri})",
    SH + "BlankNodeOrLiteral": "({blank} || isLiteral({v}))",
    SH + "IRIOrLiteral": "({iri} || isLiteral({v}))",
}
SPARQL_COMPONENT = SH + "SPARQLConstraintComponent"


@dataclass(frozen=True)
class RawResult:
    """One result of one constraint: what both engines report, before messages and labels.

    ``unit`` tells apart the ways a shape is reached (a shape reached twice reports twice);
    ``detail`` tells apart results without a value (``sh:uniqueLang`` reports per language).
    """

    focus: Term
    shape: str
    component: str
    value: Term | None
    path: Path_ | None = None
    detail: str = ""
    unit: int = 0
    bindings: tuple[tuple[str, Term], ...] = ()
    messages: tuple[tuple[str, str], ...] = ()  # the constraint's own sh:message, by language
    engine: str = "oxigraph"
    constraint: int = 0

    def key(self) -> tuple[str, ...]:
        """A comparable identity: focus node, shape, component, value, path, detail, unit and
        constraint (two constraints of one shape report apart)."""
        return (
            str(self.focus),
            self.shape,
            self.component,
            "" if self.value is None else str(self.value),
            "" if self.path is None else path_sparql(self.path),
            self.detail,
            str(self.unit),
            str(self.constraint),
        )


@dataclass(frozen=True)
class Query:
    """One compiled query: which shape, component and unit its rows are results of.

    ``text`` returns ``?this`` (and ``?value``, ``?path``, ``?detail`` where it has them). With
    ``per_focus`` set, ``text`` returns the focus nodes, and the SHACL-SPARQL query is run once
    for each with ``$this`` substituted. With ``ask`` set, ``text`` returns focus and value
    nodes and the ASK validator is run for each pair.
    """

    shape: str
    component: str
    text: str
    unit: int = 0
    path: Path_ | None = None
    sparql: bool = False  # a SHACL-SPARQL query: runs on the data as SPARQL sees it
    value_is_focus: bool = False  # a SPARQL solution without ?value has the focus as value
    per_focus: sparql_text.Query | None = None
    ask: sparql_text.Query | None = None
    values: tuple[tuple[str, str], ...] = ()  # pre-bound variables -> their SPARQL text
    path_text: str | None = None  # $PATH
    messages: tuple[tuple[str, str], ...] = ()
    parameters: tuple[tuple[str, Term], ...] = ()
    constraint: int = 0  # the constraint's place in its shape
    routes: str | None = None  # for a unit reached through property shapes: see Compiler.routes


class ClassIndex:
    """The subclasses of every class, by ``rdfs:subClassOf`` in the data graph."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._sub: dict[str, set[str]] = {}
        unique = sorted(set(pairs))
        for sub, sup in unique:
            self._sub.setdefault(sup, set()).add(sub)
        self.signature = hash(tuple(unique))

    def subclasses(self, cls: str) -> list[str]:
        """``cls`` and every class below it, sorted."""
        found = {cls}
        todo = [cls]
        while todo:
            for sub in self._sub.get(todo.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return sorted(found)

    @classmethod
    def of(cls, store: ox.Store, **dataset: Any) -> ClassIndex:
        rows = store.query(f"SELECT ?s ?o WHERE {{ ?s <{SUBCLASS_OF}> ?o }}", **dataset)
        assert isinstance(rows, ox.QuerySolutions)
        pairs = []
        for row in rows:
            s, o = row["s"], row["o"]
            if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode):
                pairs.append((s.value, o.value))
        return cls(pairs)


def _iri(value: str) -> str:
    if any(c in value for c in '<>"{}|^`\\ '):
        raise UnsupportedShape(f"not an IRI usable in a query: {value!r}")
    return f"<{value}>"


def ox_term(node: Node) -> Term:
    """An rdflib term of the shapes graph as the store holds it (a literal's stand-in)."""
    try:
        term = to_oxigraph(node)
    except TypeError:
        raise UnsupportedShape(f"not an RDF term: {node!r}") from None
    return literals.stand_in(term) if isinstance(term, ox.Literal) else term


def _term(node: Node) -> str:
    """A term of the shapes graph written into a query (literals as the store holds them)."""
    if isinstance(node, BNode):
        raise UnsupportedShape(f"a blank node cannot be written into a query: _:{node}")
    if isinstance(node, URIRef):
        return _iri(str(node))
    return str(ox_term(node))


def _written(node: Node) -> str:
    """A literal of the shapes graph as written (for value comparisons)."""
    if not isinstance(node, Literal):
        raise UnsupportedShape(f"a bound of a comparison must be a literal: {node!r}")
    if node.language:
        return str(ox.Literal(str(node), language=node.language))
    datatype = str(node.datatype) if node.datatype else XSD + "string"
    return str(ox.Literal(str(node), datatype=ox.NamedNode(datatype)))


def _ox_text(term: Term) -> str:
    if isinstance(term, ox.BlankNode):
        raise UnsupportedShape("a blank node cannot be written into a query")
    return str(term)


def _blank(v: str) -> str:
    return f'(isBlank({v}) || (isIRI({v}) && STRSTARTS(STR({v}), "{BLANK_PREFIX}")))'


def _iri_node(v: str) -> str:
    return f'(isIRI({v}) && !STRSTARTS(STR({v}), "{BLANK_PREFIX}"))'


def _value(v: str) -> str:
    """The value of a node for comparisons: a stand-in decoded to its written literal."""
    n = len(literals.WRITTEN) + 1
    return (
        f'IF(isLiteral({v}) && STRSTARTS(STR(DATATYPE({v})), "{literals.WRITTEN}"), '
        f"STRDT(STR({v}), IRI(SUBSTR(STR(DATATYPE({v})), {n}))), {v})"
    )


@dataclass
class Compiler:
    """Compiles a shapes model to queries for one run: one class index, one scope of focus nodes.

    ``ill_formed`` lists literals of the data that are not in their datatype's lexical space but
    that the store holds as they are (read from a store that was not loaded through
    :mod:`plangraph.validation.literals`); ``sh:datatype`` rejects them too.
    """

    model: ShapesModel
    classes: ClassIndex
    scoped: bool  # the focus nodes are restricted to a scope (written in later: SCOPE)
    ill_formed: frozenset[ox.Literal] = frozenset()
    shapes_graph: bool = False  # the store holds the shapes graph (for $shapesGraph)
    _n: int = 0
    _scope_values: str = field(default="", init=False)

    def __post_init__(self) -> None:
        if self.scoped:
            self._scope_values = SCOPE + " "

    def fresh(self, stem: str) -> str:
        self._n += 1
        return f"?__{stem}{self._n}"

    def shape(self, iri: ShapeId) -> Shape:
        return self.model.by_id[iri]

    # -- focus nodes ---------------------------------------------------------------------------

    def target_pattern(self, target: Target, var: str) -> str:
        if target.kind == "class":
            classes = " ".join(_iri(c) for c in self.classes.subclasses(str(target.value)))
            c = self.fresh("c")
            return f"{{ VALUES {c} {{ {classes} }} {var} <{RDF_TYPE}> {c} }}"
        if target.kind == "subjectsOf":
            return f"{{ {var} {_term(target.value)} {self.fresh('o')} }}"
        if target.kind == "objectsOf":
            return f"{{ {self.fresh('s')} {_term(target.value)} {var} }}"
        if target.kind == "sparql":
            assert target.query is not None
            text = sparql_text.substitute(target.query, {}, path=None)
            renamed = re.sub(r"[?$]this\b", var, text)
            return f"{{ {renamed} }}"
        return f"{{ VALUES {var} {{ {_term(target.value)} }} }}"

    def focus(self, unit: Unit) -> str:
        """A sub-query selecting the unit's focus nodes as ``?this``."""
        body, _ = self._route(unit)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {body} }} }}"

    def routes(self, unit: Unit) -> str:
        """A query: for each focus node of a unit reached through property shapes, in how many
        ways it is reached (SHACL validates it once for each)."""
        body, names = self._route(unit)
        projected = " ".join(n for n in names if n != "?this")
        return (
            f"SELECT ?this (COUNT(*) AS ?routes) WHERE {{ {{ SELECT DISTINCT {projected} ?this "
            f"WHERE {{ {body} }} }} }} GROUP BY ?this"
        )

    def _route(self, unit: Unit) -> tuple[str, list[str]]:
        root = self.shape(unit.root)
        if not unit.chain:
            # The scope first: Oxigraph then starts from the few submitted subjects.
            branches = [self.target_pattern(t, "?this") for t in root.targets]
            return self._scope_values + " UNION ".join(branches), ["?this"]
        start = self.fresh("f")
        branches = [self.target_pattern(t, start) for t in root.targets]
        parts = [" UNION ".join(branches)]
        names = [start]
        current = start
        for link in unit.chain:
            shape = self.shape(link)
            if shape.path is not None:
                nxt = self.fresh("f")
                parts.append(self.pattern(current, shape.path, nxt))
                names.append(nxt)
                current = nxt
        parts.append(f"BIND ({current} AS ?this) {self._scope_values}")
        return " ".join(parts), names

    # -- paths ---------------------------------------------------------------------------------

    def pattern(self, subject: str, path: Path_, obj: str) -> str:
        """A graph pattern for ``subject path obj``: predicates and inverses as triple patterns,
        alternatives as a UNION, sequences as a chain; repetitions as property paths.

        Oxigraph evaluates these with index lookups and hash joins, where the same path as one
        property-path expression is evaluated node by node.
        """
        if isinstance(path, PredicatePath):
            return f"{subject} {_iri(path.iri)} {obj} ."
        if isinstance(path, InversePath) and isinstance(path.path, PredicatePath):
            return f"{obj} {_iri(path.path.iri)} {subject} ."
        if isinstance(path, AlternativePath):
            return " UNION ".join(f"{{ {self.pattern(subject, p, obj)} }}" for p in path.paths)
        if isinstance(path, SequencePath):
            parts = []
            current = subject
            for i, step in enumerate(path.paths):
                nxt = obj if i == len(path.paths) - 1 else self.fresh("q")
                parts.append(self.pattern(current, step, nxt))
                current = nxt
            return " ".join(parts)
        return f"{subject} {path_sparql(path)} {obj} ."

    def values_of(self, shape: Shape, v: str, x: str) -> str:
        """A pattern binding ``x`` to each value node of ``shape`` for the focus node ``v``."""
        if shape.path is None:
            return f"BIND ({v} AS {x})"
        return self.pattern(v, shape.path, x)

    def has_value(self, shape: Shape, v: str, x: str) -> str:
        """A pattern that holds when ``x`` (already bound) is a value node of ``shape`` for
        ``v``."""
        if shape.path is None:
            return f"FILTER (sameTerm({v}, {x}))"
        return self.pattern(v, shape.path, x)

    # -- conditions on one node ----------------------------------------------------------------

    def holds_one(self, v: str, c: Constraint, stack: tuple[ShapeId, ...]) -> str:
        """A SPARQL expression: whether the value node in ``v`` satisfies one value constraint.

        It never raises a SPARQL error: a comparison that fails counts as not satisfied.
        """
        if isinstance(c, ClassConstraint):
            t = self.fresh("t")
            classes = ", ".join(_iri(x) for x in self.classes.subclasses(c.cls))
            return f"EXISTS {{ {v} <{RDF_TYPE}> {t} FILTER ({t} IN ({classes})) }}"
        if isinstance(c, DatatypeConstraint):
            return self.datatype(v, c.datatype)
        if isinstance(c, InConstraint):
            options = [f"sameTerm({v}, {_term(x)})" for x in c.values]
            return "(" + " || ".join(options) + ")" if options else "false"
        if isinstance(c, HasValue):
            return f"sameTerm({v}, {_term(c.value)})"
        if isinstance(c, NodeKindConstraint):
            return _NODE_KINDS[c.kind].format(v=v, blank=_blank(v), iri=_iri_node(v))
        if isinstance(c, PatternConstraint):
            pattern = c.pattern.replace("\\", "\\\\").replace('"', '\\"')
            flags = ', "' + c.flags.replace('"', "") + '"' if c.flags else ""
            return f'(!{_blank(v)} && COALESCE(REGEX(STR({v}), "{pattern}"{flags}), false))'
        if isinstance(c, Range):
            return f"COALESCE({_value(v)} {c.operator} {_written(c.value)}, false)"
        if isinstance(c, Length):
            op = ">=" if c.kind == "minLength" else "<="
            return f"(!{_blank(v)} && COALESCE(STRLEN(STR({v})) {op} {c.count}, false))"
        if isinstance(c, LanguageIn):
            tags = " || ".join(
                f'langMatches(lang({v}), "{tag.replace(chr(34), "")}")' for tag in c.tags
            )
            return f"(isLiteral({v}) && ({tags}))" if tags else "false"
        if isinstance(c, NotConstraint):
            return f"!({self.conforms(v, c.shape, stack)})"
        if isinstance(c, AndConstraint):
            return (
                "(" + " && ".join(f"({self.conforms(v, s, stack)})" for s in c.shapes) + ")"
                if c.shapes
                else "true"
            )
        if isinstance(c, OrConstraint):
            return (
                "(" + " || ".join(f"({self.conforms(v, s, stack)})" for s in c.shapes) + ")"
                if c.shapes
                else "false"
            )
        if isinstance(c, XoneConstraint):
            if not c.shapes:
                return "false"
            count = " + ".join(f"IF({self.conforms(v, s, stack)}, 1, 0)" for s in c.shapes)
            return f"(({count}) = 1)"
        if isinstance(c, NodeConstraint):
            return self.conforms(v, c.shape, stack)
        if isinstance(c, Closed):
            p, o = self.fresh("p"), self.fresh("o")
            allowed = ", ".join(_iri(x) for x in c.allowed)
            return f"NOT EXISTS {{ {v} {p} {o} FILTER ({p} NOT IN ({allowed})) }}"
        raise UnsupportedShape(f"{type(c).__name__} is not a constraint on one value node")

    def datatype(self, v: str, datatype: str) -> str:
        if datatype == RDF_LANGSTRING:
            return f'(isLiteral({v}) && lang({v}) != "")'
        check = f"isLiteral({v}) && (datatype({v}) = {_iri(datatype)}"
        if datatype.startswith(XSD):
            check += f" || datatype({v}) = {_iri(literals.WRITTEN + datatype)}"
        check += ")"
        bad = [lit for lit in self.ill_formed if lit.datatype.value == datatype]
        if bad:
            check += " && !(" + " || ".join(f"sameTerm({v}, {lit})" for lit in bad) + ")"
        return f"({check})"

    # -- conformance to a whole shape (nested shapes) -------------------------------------------

    def conforms(self, v: str, iri: ShapeId, stack: tuple[ShapeId, ...] = ()) -> str:
        """A SPARQL expression: whether the node in ``v`` conforms to the shape."""
        if iri in stack:
            raise UnsupportedShape(f"{iri}: the shape refers to itself (recursive shapes)")
        shape = self.shape(iri)
        if shape.deactivated:
            return "true"
        stack = (*stack, iri)
        parts = [self.constraint_holds(v, shape, c, stack) for c in shape.constraints]
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def distinct(self, v: str, shape: Shape, n: int, condition: Callable[[str], str] | None) -> str:
        """A pattern: ``n`` distinct value nodes of ``shape`` for ``v`` (each meeting
        ``condition``, given the variable)."""
        if n > MAX_ENUMERATED_COUNT:
            raise UnsupportedShape(
                f"{shape.iri}: a count above {MAX_ENUMERATED_COUNT} in a nested shape"
            )
        xs = [self.fresh("x") for _ in range(n)]
        parts = [self.values_of(shape, v, x) for x in xs]
        filters = [f"!sameTerm({a}, {b})" for i, a in enumerate(xs) for b in xs[i + 1 :]]
        if condition is not None:
            filters += [condition(x) for x in xs]
        where = " ".join(parts)
        if filters:
            where += " FILTER (" + " && ".join(filters) + ")"
        return where

    def constraint_holds(
        self, v: str, shape: Shape, c: Constraint, stack: tuple[ShapeId, ...]
    ) -> str:
        """A SPARQL expression: whether focus node ``v`` meets constraint ``c`` of ``shape``."""
        if isinstance(c, SparqlConstraint | ComponentConstraint):
            raise UnsupportedShape(f"{shape.iri}: a SHACL-SPARQL constraint inside a nested shape")
        if isinstance(c, MinCount):
            return (
                "true" if c.count == 0 else f"EXISTS {{ {self.distinct(v, shape, c.count, None)} }}"
            )
        if isinstance(c, MaxCount):
            return f"NOT EXISTS {{ {self.distinct(v, shape, c.count + 1, None)} }}"
        if isinstance(c, QualifiedCount):

            def condition(x: str) -> str:
                return self.qualifies(x, c, stack)

            parts = []
            if c.minimum is not None and c.minimum > 0:
                parts.append(f"EXISTS {{ {self.distinct(v, shape, c.minimum, condition)} }}")
            if c.maximum is not None:
                parts.append(
                    f"NOT EXISTS {{ {self.distinct(v, shape, c.maximum + 1, condition)} }}"
                )
            return " && ".join(parts) if parts else "true"
        if isinstance(c, UniqueLang):
            a, b = self.fresh("a"), self.fresh("b")
            pa, pb = self.values_of(shape, v, a), self.values_of(shape, v, b)
            return (
                f"NOT EXISTS {{ {pa} {pb} FILTER (!sameTerm({a}, {b}) && isLiteral({a}) && "
                f'lang({a}) != "" && lang({a}) = lang({b})) }}'
            )
        if isinstance(c, PropertyPair):
            x, y = self.fresh("x"), self.fresh("y")
            p = _iri(c.predicate)
            mine = self.values_of(shape, v, x)
            if c.kind == "equals":
                theirs = self.has_value(shape, v, y)
                return (
                    f"NOT EXISTS {{ {mine} FILTER NOT EXISTS {{ {v} {p} {x} }} }} && "
                    f"NOT EXISTS {{ {v} {p} {y} FILTER NOT EXISTS {{ {theirs} }} }}"
                )
            if c.kind == "disjoint":
                return f"NOT EXISTS {{ {mine} {v} {p} {x} }}"
            op = "<" if c.kind == "lessThan" else "<="
            return f"NOT EXISTS {{ {mine} {v} {p} {y} FILTER (!COALESCE({_value(x)} {op} {_value(y)}, false)) }}"
        if isinstance(c, HasValue) and shape.path is not None:
            return f"EXISTS {{ {self.pattern(v, shape.path, _term(c.value))} }}"
        if isinstance(c, PropertyConstraint):
            if shape.path is None:
                return self.conforms(v, c.shape, stack)
            x = self.fresh("x")
            return f"NOT EXISTS {{ {self.values_of(shape, v, x)} FILTER (!({self.conforms(x, c.shape, stack)})) }}"
        if shape.path is None:
            if isinstance(c, QualifiedCount):
                raise AssertionError
            return self.holds_one(v, c, stack)
        x = self.fresh("x")
        return f"NOT EXISTS {{ {self.values_of(shape, v, x)} FILTER (!({self.holds_one(x, c, stack)})) }}"

    def qualifies(self, x: str, c: QualifiedCount, stack: tuple[ShapeId, ...]) -> str:
        """Whether a value node counts for a qualified count: it conforms to the qualified
        value shape (and, with ``sh:qualifiedValueShapesDisjoint``, to none of its siblings)."""
        condition = self.conforms(x, c.shape, stack)
        for sibling in c.siblings:
            condition += f" && !({self.conforms(x, sibling, stack)})"
        return f"({condition})"

    # -- the queries of a unit -----------------------------------------------------------------

    def queries(self, unit: Unit, number: int) -> list[Query]:
        """Every query of one unit (its shape's constraints, for its focus nodes)."""
        shape = self.shape(unit.shape)
        found = []
        routes = self.routes(unit) if unit.chain else None
        for i, c in enumerate(shape.constraints):
            for q in self._queries(unit, number, shape, c):
                found.append(dataclasses.replace(q, constraint=i, routes=routes))
        return found

    def _queries(self, unit: Unit, number: int, shape: Shape, c: Constraint) -> list[Query]:
        iri = shape.iri
        path = shape.path
        component = component_iri(c)
        focus = self.focus(unit)
        scoped = self.scoped

        def query(text: str, comp: str = component, **more: Any) -> Query:
            return Query(iri, comp, text, number, path, **more)

        if isinstance(c, PropertyConstraint):
            return []  # the property shape is a unit of its own
        if isinstance(c, SparqlConstraint):
            return [self._sparql(unit, number, shape, c.query, component, c.message, ())]
        if isinstance(c, ComponentConstraint):
            return [self._component(unit, number, shape, c)]
        if isinstance(c, MinCount | MaxCount):
            assert path is not None
            if isinstance(c, MinCount) and c.count == 0:
                return []
            v = self.fresh("v")
            values = self.pattern("?this", path, v)
            op, n = ("<", c.count) if isinstance(c, MinCount) else (">", c.count)
            return [query(_count(focus, values, v, op, n, scoped=scoped))]
        if isinstance(c, HasValue):
            if path is None:
                text = (
                    f"SELECT ?this WHERE {{ {focus} FILTER (!sameTerm(?this, {_term(c.value)})) }}"
                )
                return [query(text)]
            having = self.pattern("?this", path, _term(c.value))
            anti = "FILTER NOT EXISTS" if scoped else "MINUS"
            return [query(f"SELECT ?this WHERE {{ {focus} {anti} {{ {having} }} }}")]
        if isinstance(c, QualifiedCount):
            v = self.fresh("v")
            values = self.values_of(shape, "?this", v)
            matching = f"{values} FILTER ({self.qualifies(v, c, (iri,))})"
            found = []
            if c.minimum is not None and c.minimum > 0:
                found.append(
                    query(_count(focus, matching, v, "<", c.minimum, filtered=True, scoped=scoped))
                )
            if c.maximum is not None:
                found.append(
                    query(
                        _count(focus, matching, v, ">", c.maximum, filtered=True, scoped=scoped),
                        component_iri(c, maximum=True),
                    )
                )
            return found
        if isinstance(c, UniqueLang):
            assert path is not None
            a, b = self.fresh("a"), self.fresh("b")
            text = (
                f"SELECT DISTINCT ?this ?detail WHERE {{ {focus} {self.pattern('?this', path, a)} "
                f"{self.pattern('?this', path, b)} FILTER (!sameTerm({a}, {b}) && isLiteral({a}) && "
                f'lang({a}) != "" && lang({a}) = lang({b})) BIND (lang({a}) AS ?detail) }}'
            )
            return [query(text)]
        if isinstance(c, PropertyPair):
            p = _iri(c.predicate)
            mine = self.values_of(shape, "?this", "?value")
            if c.kind == "equals":
                # Each branch of the UNION starts from the focus nodes (a group is evaluated
                # before it is joined, and a BIND in it must see ?this).
                other = self.has_value(shape, "?this", "?value")
                text = (
                    f"SELECT DISTINCT ?this ?value WHERE {{ {{ {focus} {mine} FILTER NOT EXISTS {{ ?this {p} ?value }} }} "
                    f"UNION {{ {focus} ?this {p} ?value FILTER NOT EXISTS {{ {other} }} }} }}"
                )
            elif c.kind == "disjoint":
                text = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {mine} ?this {p} ?value }}"
            else:
                op = "<" if c.kind == "lessThan" else "<="
                text = (
                    f"SELECT DISTINCT ?this ?value ?detail WHERE {{ {focus} {mine} ?this {p} ?__other "
                    f"FILTER (!COALESCE({_value('?value')} {op} {_value('?__other')}, false)) "
                    f"BIND (STR(?__other) AS ?detail) }}"
                )
            return [query(text)]
        if isinstance(c, Closed):
            allowed = ", ".join(_iri(x) for x in c.allowed)
            vn = self.fresh("vn")
            text = (
                f"SELECT DISTINCT ?this ?value ?path WHERE {{ {focus} {self.values_of(shape, '?this', vn)} "
                f"{vn} ?path ?value FILTER (?path NOT IN ({allowed})) }}"
            )
            return [Query(iri, component, text, number, None)]
        # A condition on each value node.
        condition = f"!({self.holds_one('?value', c, (iri,))})"
        if path is None:
            text = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} BIND (?this AS ?value) FILTER ({condition}) }}"
        elif scoped or unit.chain:
            text = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {self.pattern('?this', path, '?value')} FILTER ({condition}) }}"
        else:
            every = self.pattern(self.fresh("s"), path, "?value")
            pattern = self.pattern("?this", path, "?value")
            bad = (
                f"{{ SELECT DISTINCT ?value WHERE {{ {{ SELECT DISTINCT ?value WHERE {{ {every} }} }} "
                f"FILTER ({condition}) }} }}"
            )
            text = f"SELECT DISTINCT ?this ?value WHERE {{ {bad} {pattern} {focus} }}"
        return [query(text)]

    # -- SHACL-SPARQL --------------------------------------------------------------------------

    def _constants(self, shape: Shape) -> dict[str, str]:
        values: dict[str, str] = {"shapesGraph": str(SHAPES_GRAPH)}
        if not isinstance(shape.node, BNode):
            values["currentShape"] = _term(shape.node)
        return values

    def _sparql(
        self,
        unit: Unit,
        number: int,
        shape: Shape,
        select: sparql_text.Query,
        component: str,
        messages: dict[str, str],
        parameters: tuple[tuple[str, Node], ...],
    ) -> Query:
        if select.mentions("shapesGraph") and not self.shapes_graph:
            raise UnsupportedShape(f"{shape.iri}: $shapesGraph on a read-only store")
        if select.mentions("currentShape") and isinstance(shape.node, BNode):
            raise UnsupportedShape(f"{shape.iri}: $currentShape of a blank node shape")
        values = self._constants(shape)
        values.update((name, _term(v)) for name, v in parameters)
        path_text = path_sparql(shape.path) if shape.path is not None else None
        if select.mentions("PATH") and path_text is None:
            raise UnsupportedShape(f"{shape.iri}: $PATH in a query of a node shape")
        focus = self.focus(unit)
        common: dict[str, Any] = {
            "sparql": True,
            "value_is_focus": shape.path is None,
            "messages": tuple(sorted(messages.items())),
            "parameters": tuple((name, ox_term(v)) for name, v in parameters),
        }
        if select.join_safe:
            text = sparql_text.substitute(select, values, path=path_text)
            read = sparql_text.Query(text, "select", select.variables, True)
            injected = sparql_text.inject_focus(read, focus)
            return Query(shape.iri, component, injected, number, shape.path, **common)
        return Query(
            shape.iri,
            component,
            f"SELECT ?this WHERE {{ {focus} }}",
            number,
            shape.path,
            per_focus=select,
            values=tuple(sorted(values.items())),
            path_text=path_text,
            **common,
        )

    def _component(self, unit: Unit, number: int, shape: Shape, c: ComponentConstraint) -> Query:
        if c.query.form == "select":
            return self._sparql(unit, number, shape, c.query, c.component, c.message, c.parameters)
        values = self._constants(shape)
        values.update((name, _term(v)) for name, v in c.parameters)
        focus = self.focus(unit)
        text = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {self.values_of(shape, '?this', '?value')} }}"
        return Query(
            shape.iri,
            c.component,
            text,
            number,
            shape.path,
            sparql=True,
            ask=c.query,
            values=tuple(sorted(values.items())),
            path_text=path_sparql(shape.path) if shape.path is not None else None,
            messages=tuple(sorted(c.message.items())),
            parameters=tuple((name, ox_term(v)) for name, v in c.parameters),
        )


def _count(
    focus: str,
    pattern: str,
    v: str,
    op: str,
    n: int,
    *,
    filtered: bool = False,
    scoped: bool = False,
) -> str:
    """Focus nodes with fewer (``<``) or more (``>``) than ``n`` distinct values of ``v``.

    The forms were chosen by measuring on the national register and on one submission against
    it. Oxigraph evaluates a FILTER (NOT) EXISTS once per focus node, and a MINUS or a grouping
    once over the whole graph. So with few focus nodes (a submission, ``scoped``) or a filtered
    pattern (a qualified count), "none" is a NOT EXISTS; over a whole register it is a MINUS.
    "Any" is a join. "More than n" groups the whole graph first and then keeps the focus nodes,
    unless the focus nodes are few.
    """
    if op == "<" and n == 1:
        if filtered or scoped:
            return f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {pattern} }} }}"
        return f"SELECT ?this WHERE {{ {focus} MINUS {{ {pattern} }} }}"
    if op == ">" and n == 0:
        return f"SELECT DISTINCT ?this WHERE {{ {focus} {pattern} }}"
    if op == ">" and not scoped:
        grouped = (
            f"{{ SELECT ?this WHERE {{ {pattern} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT {v}) > {n}) }}"
        )
        return f"SELECT ?this WHERE {{ {grouped} {focus} }}"
    optional = f"OPTIONAL {{ {pattern} }}" if op == "<" else pattern
    return (
        f"SELECT ?this WHERE {{ {focus} {optional} }} "
        f"GROUP BY ?this HAVING (COUNT(DISTINCT {v}) {op} {n})"
    )


_compiled: dict[tuple[object, ...], tuple[ShapesModel, list[Query], dict[ShapeId, str]]] = {}
_compiled_lock = threading.Lock()


def compile_model(
    model: ShapesModel,
    classes: ClassIndex,
    scope: Sequence[ox.NamedNode] | None,
    *,
    ill_formed: frozenset[ox.Literal] = frozenset(),
    shapes_graph: bool = False,
) -> tuple[list[Query], dict[ShapeId, str]]:
    """Every query of every unit, for one run, and the root shapes that cannot be compiled
    (with the reason): those are left to pyshacl.

    The compiled queries are kept (per model, class hierarchy and options); a run writes its
    scope into them.
    """
    if scope is not None and not scope:
        return [], {}
    key = (id(model), classes.signature, scope is not None, ill_formed, shapes_graph)
    with _compiled_lock:
        cached = _compiled.get(key)
    if cached is None or cached[0] is not model:
        queries, unsupported = _compile(model, classes, scope is not None, ill_formed, shapes_graph)
        with _compiled_lock:
            if len(_compiled) > 32:
                _compiled.clear()
            _compiled[key] = (model, queries, unsupported)
    else:
        _, queries, unsupported = cached
    if scope is None:
        return list(queries), dict(unsupported)
    values = "VALUES ?this { " + " ".join(_ox_text(n) for n in scope) + " } "
    return [
        dataclasses.replace(
            q,
            text=q.text.replace(SCOPE, values),
            routes=q.routes.replace(SCOPE, values) if q.routes is not None else None,
        )
        for q in queries
    ], dict(unsupported)


def _compile(
    model: ShapesModel,
    classes: ClassIndex,
    scoped: bool,
    ill_formed: frozenset[ox.Literal],
    shapes_graph: bool,
) -> tuple[list[Query], dict[ShapeId, str]]:
    compiler = Compiler(model, classes, scoped, ill_formed, shapes_graph)
    queries: list[Query] = []
    unsupported: dict[ShapeId, str] = {}
    by_root: dict[ShapeId, list[tuple[int, Unit]]] = {}
    for number, unit in enumerate(model.units):
        by_root.setdefault(unit.root, []).append((number, unit))
    for root, units in by_root.items():
        if root in model.recursive:
            unsupported[root] = f"{root}: the shape refers to itself (recursive shapes)"
            continue
        try:
            found = [q for number, unit in units for q in compiler.queries(unit, number)]
        except UnsupportedShape as why:
            unsupported[root] = str(why)
            continue
        queries.extend(found)
    return queries, unsupported


@dataclass(frozen=True)
class Datasets:
    """How the queries see the data: Core queries the literals as written (stand-ins),
    SHACL-SPARQL queries the literals as SPARQL sees them."""

    core: dict[str, Any]
    sparql: dict[str, Any]


def run(
    store: ox.Store,
    queries: Sequence[Query],
    datasets: Datasets,
    *,
    workers: int = 1,
) -> list[RawResult]:
    """Run the queries on the store and collect their results.

    With ``workers`` > 1 the queries run in threads (pyoxigraph releases the GIL while it
    works); each query's rows are read on the thread that ran it.
    """

    def one(query: Query) -> list[RawResult]:
        dataset = datasets.sparql if query.sparql else datasets.core
        if query.per_focus is not None:
            found = list(_per_focus(store, query, dataset))
        elif query.ask is not None:
            found = list(_per_value(store, query, dataset))
        else:
            solutions = store.query(query.text, **dataset)
            assert isinstance(solutions, ox.QuerySolutions)
            found = list(_results(query, solutions))
        if query.routes is None or not found:
            return found
        counts = _routes(store, query.routes, datasets.core)
        return [
            dataclasses.replace(r, detail=f"{r.detail}#{i}")
            for r in found
            for i in range(counts.get(r.focus, 1))
        ]

    if workers <= 1 or len(queries) <= 1:
        return [r for q in queries for r in one(q)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [r for chunk in pool.map(one, queries) for r in chunk]


def _routes(store: ox.Store, text: str, dataset: dict[str, Any]) -> dict[Term, int]:
    rows = store.query(text, **dataset)
    assert isinstance(rows, ox.QuerySolutions)
    found: dict[Term, int] = {}
    for row in rows:
        this, n = row["this"], row["routes"]
        if isinstance(this, ox.NamedNode | ox.BlankNode | ox.Literal) and isinstance(n, ox.Literal):
            found[literals.decode(this)] = int(n.value)
    return found


_RESERVED = {"this", "value", "path", "detail"}


def _results(
    query: Query, solutions: ox.QuerySolutions, focus: Term | None = None
) -> Iterator[RawResult]:
    names = [v.value for v in solutions.variables]
    for row in solutions:
        this = focus if focus is not None else row["this"] if "this" in names else None
        if not isinstance(this, ox.NamedNode | ox.BlankNode | ox.Literal):
            continue
        value = row["value"] if "value" in names else None
        if not isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal):
            value = this if query.value_is_focus else None
        path = query.path
        found = row["path"] if "path" in names else None
        if isinstance(found, ox.NamedNode):
            path = PredicatePath(found.value)
        detail = row["detail"] if "detail" in names else None
        bindings = tuple(
            (name, literals.decode(term))
            for name in names
            if name not in _RESERVED and not name.startswith("__")
            for term in [row[name]]
            if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal)
        )
        yield RawResult(
            focus=literals.decode(this),
            shape=query.shape,
            component=query.component,
            value=literals.decode(value) if value is not None else None,
            path=path,
            detail=detail.value if isinstance(detail, ox.Literal) else "",
            unit=query.unit,
            bindings=(*query.parameters, *bindings),
            messages=query.messages,
            constraint=query.constraint,
        )


def _focus_nodes(store: ox.Store, query: Query, dataset: dict[str, Any]) -> list[Term]:
    rows = store.query(query.text, **dataset)
    assert isinstance(rows, ox.QuerySolutions)
    found = []
    for row in rows:
        this = row["this"]
        if isinstance(this, ox.NamedNode | ox.BlankNode | ox.Literal):
            found.append(this)
    return found


def _per_focus(store: ox.Store, query: Query, dataset: dict[str, Any]) -> Iterator[RawResult]:
    """A SHACL-SPARQL query run once per focus node, with ``$this`` substituted."""
    assert query.per_focus is not None
    values = dict(query.values)
    for focus in _focus_nodes(store, query, dataset):
        if isinstance(focus, ox.BlankNode):
            text = sparql_text.substitute(query.per_focus, values, path=query.path_text)
            solutions = store.query(text, substitutions={ox.Variable("this"): focus}, **dataset)
        else:
            text = sparql_text.substitute(
                query.per_focus, {**values, "this": str(focus)}, path=query.path_text
            )
            solutions = store.query(text, **dataset)
        assert isinstance(solutions, ox.QuerySolutions)
        yield from _results(query, solutions, focus)


def _per_value(store: ox.Store, query: Query, dataset: dict[str, Any]) -> Iterator[RawResult]:
    """An ASK validator run once per focus and value node; false is a result."""
    assert query.ask is not None
    rows = store.query(query.text, **dataset)
    assert isinstance(rows, ox.QuerySolutions)
    pairs = [(row["this"], row["value"]) for row in rows]
    for this, value in pairs:
        if not isinstance(this, ox.NamedNode | ox.BlankNode | ox.Literal):
            continue
        if not isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal):
            continue
        bound: dict[str, str] = dict(query.values)
        substitutions: dict[ox.Variable, Term | ox.Triple] = {}
        for name, term in (("this", this), ("value", value)):
            if isinstance(term, ox.BlankNode):
                substitutions[ox.Variable(name)] = term
            else:
                bound[name] = str(term)
        text = sparql_text.substitute(query.ask, bound, path=query.path_text)
        answer = store.query(text, substitutions=substitutions, **dataset)
        if not bool(answer):
            yield RawResult(
                focus=literals.decode(this),
                shape=query.shape,
                component=query.component,
                value=literals.decode(value),
                path=query.path,
                unit=query.unit,
                bindings=query.parameters,
                messages=query.messages,
                constraint=query.constraint,
            )
