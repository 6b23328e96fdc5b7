"""The fast path: every shape compiled to whole-graph SPARQL queries that pyoxigraph runs.

pyshacl evaluates each constraint once per focus node (and re-parses SHACL-SPARQL queries each
time); here each constraint of each shape is one query over the whole data graph, which returns
every focus node (and value) that breaks it. The queries follow the SHACL semantics of the
constraint components in :mod:`plangraph.validation.shapes`; a test holds the results to
pyshacl's on the shapes' own test suite.

* Focus nodes: the shape's targets. "Instance of C" means ``rdf:type`` of C or of a subclass of C
  by ``rdfs:subClassOf`` in the data graph (as in SHACL); the subclasses are looked up once per
  run and written into the query. When only a submission is checked, the focus nodes are also
  restricted to the submission's subjects (a ``VALUES`` block).
* A SHACL-SPARQL constraint keeps its own query text: the focus-node pattern is put first in its
  outer group, so ``$this`` is bound as SHACL's pre-binding would bind it.
* Constraints on values (``sh:class``, ``sh:datatype``, …) on a whole register first find the
  distinct offending values, then the focus nodes that have them: the few thousand distinct owners
  of 160,000 measures are checked once each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import XSD
from rdflib.term import Literal, Node, URIRef

from plangraph.validation.shapes import (
    AlternativePath,
    ClassConstraint,
    Constraint,
    DatatypeConstraint,
    HasValue,
    InConstraint,
    InversePath,
    MaxCount,
    MinCount,
    NodeKindConstraint,
    NotConstraint,
    OrConstraint,
    Path_,
    PatternConstraint,
    PredicatePath,
    QualifiedCount,
    SequencePath,
    Shape,
    SparqlConstraint,
    UnsupportedShape,
    ValueShape,
    component_iri,
    path_sparql,
)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
SH = "http://www.w3.org/ns/shacl#"

Term = ox.NamedNode | ox.BlankNode | ox.Literal

# Lexical forms of the datatypes whose well-formedness sh:datatype must check (an ill-typed
# literal does not match its datatype).
_LEXICAL = {
    str(
        XSD.date
    ): "^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(Z|[+-][0-9]{2}:[0-9]{2})?$",
    str(XSD.gYearMonth): "^-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$",
    str(XSD.gYear): "^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    str(XSD.integer): "^[+-]?[0-9]+$",
}
_NODE_KINDS = {
    SH + "IRI": "isIRI({v})",
    SH + "BlankNode": "isBlank({v})",
    SH + "Literal": "isLiteral({v})",
    SH + "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    SH + "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    SH + "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
SPARQL_COMPONENT = SH + "SPARQLConstraintComponent"
_SELECT = re.compile(r"\bSELECT\b(\s+DISTINCT\b)?", re.IGNORECASE)


@dataclass(frozen=True)
class RawResult:
    """One result of one constraint: what both engines report, before messages and labels."""

    focus: Term
    shape: str
    component: str
    value: Term | None

    def key(self) -> tuple[str, str, str, str]:
        """A comparable identity: focus node, shape, component and value in N-Triples."""
        return (
            str(self.focus),
            self.shape,
            self.component,
            "" if self.value is None else str(self.value),
        )


@dataclass(frozen=True)
class Query:
    """One compiled query: the shape and component its rows are results of."""

    shape: str
    component: str
    text: str


class ClassIndex:
    """The subclasses of every class, by ``rdfs:subClassOf`` in the data graph."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._sub: dict[str, set[str]] = {}
        for sub, sup in pairs:
            self._sub.setdefault(sup, set()).add(sub)

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


def _term(node: Node) -> str:
    if isinstance(node, URIRef):
        return _iri(str(node))
    if isinstance(node, Literal):
        return node.n3()
    raise UnsupportedShape(f"a blank node cannot be written into a query: {node!r}")


def _ox_term(term: Term) -> str:
    if isinstance(term, ox.BlankNode):
        raise UnsupportedShape("a blank node cannot be written into a query")
    return str(term)


class Compiler:
    """Compiles shapes to queries for one run: one class index, one scope of focus nodes."""

    def __init__(self, classes: ClassIndex, scope: Sequence[ox.NamedNode] | None) -> None:
        self.classes = classes
        self.scope = scope
        self._n = 0
        self._scope_values = ""
        if scope is not None:
            self._scope_values = "VALUES ?this { " + " ".join(_ox_term(n) for n in scope) + " } "

    def fresh(self, stem: str) -> str:
        self._n += 1
        return f"?__{stem}{self._n}"

    # -- focus nodes ---------------------------------------------------------------------------

    def focus(self, shape: Shape) -> str:
        branches = []
        for target in shape.targets:
            if target.kind == "class":
                classes = " ".join(_iri(c) for c in self.classes.subclasses(str(target.value)))
                var = self.fresh("c")
                branches.append(f"{{ VALUES {var} {{ {classes} }} ?this <{RDF_TYPE}> {var} }}")
            elif target.kind == "subjectsOf":
                branches.append(f"{{ ?this {_term(target.value)} {self.fresh('o')} }}")
            elif target.kind == "objectsOf":
                branches.append(f"{{ {self.fresh('s')} {_term(target.value)} ?this }}")
            else:
                branches.append(f"{{ VALUES ?this {{ {_term(target.value)} }} }}")
        return f"{{ SELECT DISTINCT ?this WHERE {{ {self._scope_values}{' UNION '.join(branches)} }} }}"

    # -- value conditions ----------------------------------------------------------------------

    def holds(self, v: str, shape: ValueShape) -> str:
        """A SPARQL expression: whether the node in ``v`` conforms to the value shape."""
        if shape.path is None:
            parts = [self.holds_one(v, c) for c in shape.constraints]
        else:
            path = path_sparql(shape.path)
            parts = []
            for c in shape.constraints:
                x = self.fresh("x")
                if isinstance(c, HasValue):
                    parts.append(f"EXISTS {{ {v} {path} {_term(c.value)} }}")
                elif isinstance(c, MinCount) and c.count <= 1:
                    parts.append("true" if c.count == 0 else f"EXISTS {{ {v} {path} {x} }}")
                elif isinstance(c, MaxCount) and c.count == 0:
                    parts.append(f"NOT EXISTS {{ {v} {path} {x} }}")
                elif isinstance(c, MinCount | MaxCount | QualifiedCount | SparqlConstraint):
                    raise UnsupportedShape(f"{type(c).__name__} inside a value shape")
                else:
                    parts.append(
                        f"NOT EXISTS {{ {v} {path} {x} FILTER (!({self.holds_one(x, c)})) }}"
                    )
        return " && ".join(f"({p})" for p in parts) if parts else "true"

    def holds_one(self, v: str, c: Constraint) -> str:
        """A SPARQL expression: whether the node in ``v`` satisfies one value constraint."""
        if isinstance(c, ClassConstraint):
            t = self.fresh("t")
            classes = ", ".join(_iri(x) for x in self.classes.subclasses(c.cls))
            return f"EXISTS {{ {v} <{RDF_TYPE}> {t} FILTER ({t} IN ({classes})) }}"
        if isinstance(c, DatatypeConstraint):
            check = f"isLiteral({v}) && datatype({v}) = {_iri(c.datatype)}"
            if c.datatype in _LEXICAL:
                check += f' && REGEX(STR({v}), "{_LEXICAL[c.datatype]}")'
            return check
        if isinstance(c, InConstraint):
            options = [f"sameTerm({v}, {_term(x)})" for x in c.values]
            return " || ".join(options) if options else "false"
        if isinstance(c, HasValue):
            return f"sameTerm({v}, {_term(c.value)})"
        if isinstance(c, NodeKindConstraint):
            return _NODE_KINDS[c.kind].format(v=v)
        if isinstance(c, PatternConstraint):
            pattern = c.pattern.replace("\\", "\\\\").replace('"', '\\"')
            flags = f', "{c.flags}"' if c.flags else ""
            return f'(!isBlank({v}) && REGEX(STR({v}), "{pattern}"{flags}))'
        if isinstance(c, NotConstraint):
            return f"!({self.holds(v, c.shape)})"
        if isinstance(c, OrConstraint):
            return " || ".join(f"({self.holds(v, s)})" for s in c.shapes) or "false"
        raise UnsupportedShape(f"{type(c).__name__} is not a constraint on a value")

    # -- queries -------------------------------------------------------------------------------

    def queries(self, shape: Shape) -> list[Query]:
        if self.scope is not None and not self.scope:
            return []
        found = []
        for c in shape.constraints:
            for component, text in self._texts(shape, c):
                found.append(Query(shape.iri, component, text))
        return found

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

    def _texts(self, shape: Shape, c: Constraint) -> list[tuple[str, str]]:
        focus = self.focus(shape)
        if isinstance(c, SparqlConstraint):
            return [(component_iri(c), self._sparql(focus, c))]
        v = self.fresh("v")
        if shape.path is None:
            if isinstance(c, HasValue):
                text = (
                    f"SELECT ?this WHERE {{ {focus} FILTER (!sameTerm(?this, {_term(c.value)})) }}"
                )
                return [(component_iri(c), text)]
            if isinstance(c, MinCount | MaxCount):
                raise UnsupportedShape(f"{shape.iri}: sh:minCount/sh:maxCount need a path")
            if isinstance(c, QualifiedCount):
                raise UnsupportedShape(f"{shape.iri}: a qualified count needs a path")
            condition = f"!({self.holds_one('?value', c)})"
            text = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} BIND (?this AS ?value) FILTER ({condition}) }}"
            return [(component_iri(c), text)]
        values = self.pattern("?this", shape.path, v)
        scoped = self.scope is not None
        if isinstance(c, MinCount):
            if c.count == 0:
                return []
            return [(component_iri(c), _count(focus, values, v, "<", c.count, scoped=scoped))]
        if isinstance(c, MaxCount):
            return [(component_iri(c), _count(focus, values, v, ">", c.count, scoped=scoped))]
        if isinstance(c, HasValue):
            having = self.pattern("?this", shape.path, _term(c.value))
            anti = "FILTER NOT EXISTS" if scoped else "MINUS"
            return [(component_iri(c), f"SELECT ?this WHERE {{ {focus} {anti} {{ {having} }} }}")]
        if isinstance(c, QualifiedCount):
            matching = f"{values} FILTER ({self.holds(v, c.shape)})"
            found = []
            if c.minimum is not None and c.minimum > 0:
                found.append(
                    (
                        component_iri(c),
                        _count(focus, matching, v, "<", c.minimum, filtered=True, scoped=scoped),
                    )
                )
            if c.maximum is not None:
                found.append(
                    (
                        component_iri(c, maximum=True),
                        _count(focus, matching, v, ">", c.maximum, filtered=True, scoped=scoped),
                    )
                )
            return found
        condition = f"!({self.holds_one('?value', c)})"
        if self.scope is not None:
            pattern = self.pattern("?this", shape.path, "?value")
            text = (
                f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {pattern} FILTER ({condition}) }}"
            )
        else:
            every = self.pattern(self.fresh("s"), shape.path, "?value")
            pattern = self.pattern("?this", shape.path, "?value")
            bad = (
                f"{{ SELECT DISTINCT ?value WHERE {{ {{ SELECT DISTINCT ?value WHERE {{ {every} }} }} "
                f"FILTER ({condition}) }} }}"
            )
            text = f"SELECT DISTINCT ?this ?value WHERE {{ {bad} {pattern} {focus} }}"
        return [(component_iri(c), text)]

    def _sparql(self, focus: str, c: SparqlConstraint) -> str:
        text = c.select
        match = _SELECT.search(text)
        if match is None:
            raise UnsupportedShape("a SPARQL constraint must be a SELECT query")
        if not match.group(1):
            text = text[: match.end()] + " DISTINCT" + text[match.end() :]
        brace = text.find("{", match.end())
        if brace < 0:
            raise UnsupportedShape("a SPARQL constraint needs a WHERE clause")
        text = text[: brace + 1] + f" {focus} " + text[brace + 1 :]
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in c.prefixes)
        return prologue + text


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


def compile_shapes(
    shapes: Iterable[Shape], classes: ClassIndex, scope: Sequence[ox.NamedNode] | None
) -> list[Query]:
    """Every query of every shape, for one run."""
    compiler = Compiler(classes, scope)
    return [q for shape in shapes for q in compiler.queries(shape)]


def run(
    store: ox.Store,
    queries: Sequence[Query],
    *,
    workers: int = 1,
    **dataset: Any,
) -> list[RawResult]:
    """Run the queries on the store and collect their results.

    ``dataset`` is passed to :meth:`pyoxigraph.Store.query` (``default_graph`` or
    ``use_default_graph_as_union``). With ``workers`` > 1 the queries run in threads (pyoxigraph
    releases the GIL while it works); each query's rows are read on the thread that ran it.
    """

    def one(query: Query) -> list[RawResult]:
        solutions = store.query(query.text, **dataset)
        assert isinstance(solutions, ox.QuerySolutions)
        names = {v.value for v in solutions.variables}
        found = []
        for row in solutions:
            focus = row["this"]
            if focus is None or isinstance(focus, ox.Triple | ox.DefaultGraph):
                continue
            value = row["value"] if "value" in names else None
            if isinstance(value, ox.Triple | ox.DefaultGraph):
                value = None
            if value is None and query.component == SPARQL_COMPONENT:
                value = focus  # SHACL: a SPARQL result without ?value has the focus node as value
            found.append(RawResult(focus, query.shape, query.component, value))
        return found

    if workers <= 1 or len(queries) <= 1:
        return [r for q in queries for r in one(q)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [r for chunk in pool.map(one, queries) for r in chunk]
