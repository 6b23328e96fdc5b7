"""The ontology compiled to rules: the T-box closed by owlrl, then turned into templates.

The schema triples of the inputs (class and property axioms, restrictions, lists: the plangraph
ontology and the UN SDG ontology) are closed by owlrl, which is small and quick on them. The
closure becomes a :class:`Schema` (its tables: super-classes, inverses, domains …), and the
schema a :class:`Program`: for each property ``P``, what the single-premise rules conclude from
any ``?x P ?y`` (``cax-sco``, ``prp-spo1``, ``prp-inv1/2``, ``prp-symp``, ``prp-dom``,
``prp-rng``, ``cls-hv1``, ``cls-hv2``), followed to the end; likewise for each class ``C`` from
``?x a C``, and for the ``?x P v`` whose value ``v`` an ``owl:hasValue`` restriction names. The
multi-premise rules (``prp-trp``, ``prp-spo2``) are kept as the transitive properties and the
property chains. :mod:`plangraph.reasoning.rules` applies the program to the facts.

An OWL 2 RL construct the templates do not cover (``someValuesFrom``, ``allValuesFrom``,
``intersectionOf``, ``unionOf``, ``complementOf``, ``oneOf``, cardinalities, ``hasKey``,
``AllDisjointProperties``) raises :class:`UnsupportedConstruct`: the ontology cannot outgrow
the reasoner unnoticed.

Left out on purpose (the templates emit none of it; owlrl's closure has all of it)
    ``owl:sameAs`` (the register gives every resource one IRI; a functional property with two
    values is a data error, reported as a finding), types ``owl:Thing``/``rdfs:Resource`` and
    datatypes, triples about literals, and triples with the ontology's blank nodes
    (restrictions and lists).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final, TypeAlias

import owlrl
import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from plangraph.store import PlanStore
from plangraph.terms import to_oxigraph, to_rdflib

__all__ = [
    "TYPE",
    "Graphs",
    "Program",
    "Schema",
    "Template",
    "UnsupportedConstruct",
    "closed_tbox",
    "compile_program",
    "compile_schema",
    "schema_triples",
]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_BUILT_IN = (_RDF, _RDFS, _OWL, _XSD)

TYPE: Final = f"<{_RDF}type>"
"""``rdf:type`` in N-Triples form, as the templates and the rules write terms."""
_TYPE_NODE = ox.NamedNode(_RDF + "type")
_X = ox.Variable("x")
_Y = ox.Variable("y")

Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
Slot: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Variable
Pattern: TypeAlias = tuple[Slot, ox.NamedNode, Slot]
Fact: TypeAlias = tuple[Term, ox.NamedNode, Term]
Graphs: TypeAlias = list[ox.NamedNode | ox.DefaultGraph]

# A template slot: 0 is the seed's subject, 1 its object, a string a constant (N-Triples).
TSlot: TypeAlias = int | str
Template: TypeAlias = tuple[TSlot, str, TSlot]

# The schema triples the T-box is made of: these predicates, and rdf:type with these classes.
_SCHEMA_PREDICATES = [
    _RDFS + "subClassOf",
    _RDFS + "subPropertyOf",
    _RDFS + "domain",
    _RDFS + "range",
    _OWL + "equivalentClass",
    _OWL + "equivalentProperty",
    _OWL + "inverseOf",
    _OWL + "disjointWith",
    _OWL + "propertyDisjointWith",
    _OWL + "propertyChainAxiom",
    _OWL + "onProperty",
    _OWL + "hasValue",
    _OWL + "someValuesFrom",
    _OWL + "allValuesFrom",
    _OWL + "intersectionOf",
    _OWL + "unionOf",
    _OWL + "complementOf",
    _OWL + "oneOf",
    _OWL + "hasKey",
    _OWL + "members",
    _OWL + "maxCardinality",
    _OWL + "maxQualifiedCardinality",
    _OWL + "onClass",
    _RDF + "first",
    _RDF + "rest",
]
_SCHEMA_CLASSES = [
    _OWL + "Class",
    _RDFS + "Class",
    _RDF + "Property",
    _OWL + "ObjectProperty",
    _OWL + "DatatypeProperty",
    _OWL + "AnnotationProperty",
    _OWL + "TransitiveProperty",
    _OWL + "SymmetricProperty",
    _OWL + "AsymmetricProperty",
    _OWL + "IrreflexiveProperty",
    _OWL + "FunctionalProperty",
    _OWL + "InverseFunctionalProperty",
    _OWL + "Restriction",
    _OWL + "AllDisjointClasses",
    _OWL + "AllDisjointProperties",
]
_UNSUPPORTED = {
    OWL.someValuesFrom: "cls-svf1/cls-svf2",
    OWL.allValuesFrom: "cls-avf",
    OWL.intersectionOf: "cls-int1/cls-int2",
    OWL.unionOf: "cls-uni",
    OWL.complementOf: "cls-com",
    OWL.oneOf: "cls-oo",
    OWL.hasKey: "prp-key",
    OWL.maxCardinality: "cls-maxc1/cls-maxc2",
    OWL.maxQualifiedCardinality: "cls-maxqc1…4",
    OWL.AllDisjointProperties: "prp-adp",
}


class UnsupportedConstruct(Exception):
    """The schema uses an OWL 2 RL construct that plangraph's rules do not implement."""


# ---------------------------------------------------------------------------------------------
# The T-box: owlrl's closure of the schema triples, compiled to rule tables
# ---------------------------------------------------------------------------------------------


def schema_triples(store: PlanStore, graphs: Graphs) -> list[Fact]:
    """The T-box part of ``graphs``: axioms, property characteristics, restrictions, lists."""
    predicates = " ".join(f"<{p}>" for p in _SCHEMA_PREDICATES)
    classes = " ".join(f"<{c}>" for c in _SCHEMA_CLASSES)
    query = f"""
        SELECT DISTINCT ?s ?p ?o WHERE {{
          {{ VALUES ?p {{ {predicates} }} ?s ?p ?o }}
          UNION
          {{ VALUES ?o {{ {classes} }} ?s a ?o BIND(<{_RDF}type> AS ?p) }}
        }}"""
    result = store.raw.query(query, default_graph=list(graphs))
    assert isinstance(result, ox.QuerySolutions)
    triples: list[Fact] = []
    for row in result:
        s, p, o = row["s"], row["p"], row["o"]
        assert isinstance(p, ox.NamedNode)
        assert isinstance(s, (ox.NamedNode, ox.BlankNode))
        assert isinstance(o, (ox.NamedNode, ox.BlankNode, ox.Literal))
        triples.append((s, p, o))
    return triples


@lru_cache(maxsize=4)
def closed_tbox(triples: frozenset[Fact]) -> frozenset[Fact]:
    """owlrl's OWL 2 RL closure of the schema triples (cached: the ontology rarely changes;
    ``closed_tbox.cache_clear()`` forgets it)."""
    graph = Graph()
    for fact in triples:
        graph.add((to_rdflib(fact[0]), to_rdflib(fact[1]), to_rdflib(fact[2])))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    closed: set[Fact] = set()
    for subject, predicate, obj in graph:
        if isinstance(subject, Literal) or not isinstance(predicate, URIRef):
            continue
        closed.add((to_oxigraph(subject), ox.NamedNode(str(predicate)), to_oxigraph(obj)))
    return frozenset(closed)


def _built_in(term: object) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(_BUILT_IN)


@dataclass
class Schema:
    """The rule tables compiled from the closed T-box (terms as pyoxigraph terms)."""

    super_classes: dict[Slot, set[Term]] = field(default_factory=lambda: defaultdict(set))
    super_properties: dict[Slot, set[ox.NamedNode]] = field(
        default_factory=lambda: defaultdict(set)
    )
    inverses: dict[Slot, set[ox.NamedNode]] = field(default_factory=lambda: defaultdict(set))
    symmetric: set[ox.NamedNode] = field(default_factory=set)
    transitive: set[ox.NamedNode] = field(default_factory=set)
    domains: dict[Slot, set[Term]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[Slot, set[Term]] = field(default_factory=lambda: defaultdict(set))
    has_value: dict[Slot, tuple[ox.NamedNode, Term]] = field(default_factory=dict)
    by_value: dict[tuple[Slot, Slot], set[Term]] = field(default_factory=lambda: defaultdict(set))
    chains: list[tuple[ox.NamedNode, tuple[ox.NamedNode, ...]]] = field(default_factory=list)
    disjoint: set[tuple[Term, Term]] = field(default_factory=set)
    functional: set[ox.NamedNode] = field(default_factory=set)
    inverse_functional: set[ox.NamedNode] = field(default_factory=set)
    irreflexive: set[ox.NamedNode] = field(default_factory=set)
    asymmetric: set[ox.NamedNode] = field(default_factory=set)
    disjoint_properties: set[tuple[ox.NamedNode, ox.NamedNode]] = field(default_factory=set)
    entailed: set[Fact] = field(default_factory=set)
    """T-box triples owlrl entails beyond the inputs, between named non-built-in terms."""

    @property
    def checked_properties(self) -> set[ox.NamedNode]:
        """The properties whose pairs the consistency checks read."""
        return (
            self.functional
            | self.inverse_functional
            | self.irreflexive
            | self.asymmetric
            | {p for pair in self.disjoint_properties for p in pair}
        )


def compile_schema(triples: Iterable[Fact]) -> Schema:
    """The rule tables of the OWL 2 RL closure of ``triples`` (schema triples)."""
    given = frozenset(triples)
    closed = closed_tbox(given)
    graph = Graph()
    for fact in closed:
        graph.add((to_rdflib(fact[0]), to_rdflib(fact[1]), to_rdflib(fact[2])))
    unsupported = sorted(
        f"{_UNSUPPORTED[URIRef(str(p))]} ({p.n3()} on {s.n3()})"
        for s, p, _ in graph
        if p in _UNSUPPORTED and not (isinstance(s, URIRef) and str(s).startswith(_BUILT_IN))
    ) + sorted(
        f"{_UNSUPPORTED[URIRef(str(o))]} ({o.n3()})"
        for s, p, o in graph
        if p == RDF.type and o in _UNSUPPORTED and not isinstance(s, URIRef)
    )
    if unsupported:
        raise UnsupportedConstruct(
            "the schema uses OWL 2 RL constructs that plangraph's reasoner does not implement: "
            + "; ".join(unsupported)
        )

    def pairs(predicate: URIRef) -> Iterator[tuple[Term, Term]]:
        for subject, obj in graph.subject_objects(predicate):
            yield to_oxigraph(subject), to_oxigraph(obj)

    def listed(node: Node) -> list[Term]:
        return [to_oxigraph(member) for member in Collection(graph, node)]

    schema = Schema()
    for sub, sup in pairs(RDFS.subClassOf):
        if sub != sup and not _built_in(sup):
            schema.super_classes[sub].add(sup)
    for sub, sup in pairs(RDFS.subPropertyOf):
        if sub != sup and isinstance(sup, ox.NamedNode) and not _built_in(sup):
            schema.super_properties[sub].add(sup)
    for one, other in pairs(OWL.inverseOf):
        if isinstance(one, ox.NamedNode) and isinstance(other, ox.NamedNode):
            schema.inverses[one].add(other)
            schema.inverses[other].add(one)
    for prop, cls in pairs(RDFS.domain):
        if not _built_in(cls):
            schema.domains[prop].add(cls)
    for prop, cls in pairs(RDFS.range):
        if not _built_in(cls):
            schema.ranges[prop].add(cls)
    for restriction, prop in pairs(OWL.onProperty):
        for value in graph.objects(to_rdflib(restriction), OWL.hasValue):
            if isinstance(prop, ox.NamedNode):
                schema.has_value[restriction] = (prop, to_oxigraph(value))
                schema.by_value[(prop, to_oxigraph(value))].add(restriction)
    for head, chain in graph.subject_objects(OWL.propertyChainAxiom):
        links = listed(chain)
        named_links = tuple(link for link in links if isinstance(link, ox.NamedNode))
        head_term = to_oxigraph(head)
        if isinstance(head_term, ox.NamedNode) and links and len(named_links) == len(links):
            schema.chains.append((head_term, named_links))
    characteristics = {
        OWL.SymmetricProperty: schema.symmetric,
        OWL.TransitiveProperty: schema.transitive,
        OWL.FunctionalProperty: schema.functional,
        OWL.InverseFunctionalProperty: schema.inverse_functional,
        OWL.IrreflexiveProperty: schema.irreflexive,
        OWL.AsymmetricProperty: schema.asymmetric,
    }
    for kind, target in characteristics.items():
        for node in graph.subjects(RDF.type, kind):
            term = to_oxigraph(node)
            if isinstance(term, ox.NamedNode) and not _built_in(term):
                target.add(term)
    for one, other in pairs(OWL.disjointWith):
        if one != other:
            schema.disjoint.add(_pair(one, other))
    for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        for members in graph.objects(group, OWL.members):
            classes = listed(members)
            for i, first in enumerate(classes):
                for second in classes[i + 1 :]:
                    schema.disjoint.add(_pair(first, second))
    for one, other in pairs(OWL.propertyDisjointWith):
        if isinstance(one, ox.NamedNode) and isinstance(other, ox.NamedNode) and one != other:
            low, high = sorted((one, other), key=str)
            schema.disjoint_properties.add((low, high))

    relations = {ox.NamedNode(p) for p in _SCHEMA_PREDICATES[:10]}
    for fact in closed - given:
        subject, predicate, obj = fact
        if (
            predicate in relations
            and isinstance(subject, ox.NamedNode)
            and isinstance(obj, ox.NamedNode)
            and not _built_in(subject)
            and not _built_in(obj)
        ):
            schema.entailed.add(fact)
    return schema


def _pair(a: Term, b: Term) -> tuple[Term, Term]:
    first, second = sorted((a, b), key=str)
    return first, second


# ---------------------------------------------------------------------------------------------
# Single-premise rules, followed to the end on patterns with variables
# ---------------------------------------------------------------------------------------------


def _derive_one(schema: Schema, triple: Pattern) -> Iterator[Pattern]:
    """What the single-premise rules conclude from one triple (or pattern) in one step."""
    s, p, o = triple
    if p == _TYPE_NODE:
        for d in schema.super_classes.get(o, ()):
            yield (s, _TYPE_NODE, d)  # cax-sco (and cax-eqc, as mutual subclasses)
        hv = schema.has_value.get(o)
        if hv is not None:
            yield (s, hv[0], hv[1])  # cls-hv1
        return
    for q in schema.super_properties.get(p, ()):
        yield (s, q, o)  # prp-spo1 (and prp-eqp)
    for q in schema.inverses.get(p, ()):
        yield (o, q, s)  # prp-inv1/2
    if p in schema.symmetric:
        yield (o, p, s)  # prp-symp
    for c in schema.domains.get(p, ()):
        yield (s, _TYPE_NODE, c)  # prp-dom
    for c in schema.ranges.get(p, ()):
        yield (o, _TYPE_NODE, c)  # prp-rng
    if not isinstance(o, ox.Variable):
        for r in schema.by_value.get((p, o), ()):
            yield (s, _TYPE_NODE, r)  # cls-hv2


def _closure(schema: Schema, seed: Pattern) -> frozenset[Pattern]:
    """Everything the single-premise rules conclude from ``seed``, seed excluded."""
    seen = {seed}
    todo = [seed]
    while todo:
        for derived in _derive_one(schema, todo.pop()):
            if derived not in seen:
                seen.add(derived)
                todo.append(derived)
    seen.discard(seed)
    return frozenset(seen)


def _emitted(pattern: Pattern) -> bool:
    """Whether a conclusion belongs in the inferred graph (see "Left out on purpose")."""
    s, p, o = pattern
    if isinstance(s, (ox.BlankNode, ox.Literal)) or isinstance(o, ox.BlankNode):
        return False  # the ontology's blank nodes (restrictions), literal subjects
    if p == _TYPE_NODE:
        return isinstance(o, ox.NamedNode) and not _built_in(o)
    return not _built_in(p)


def _bind(pattern: Pattern, var: ox.Variable, value: Term) -> Pattern:
    s, p, o = pattern
    return (value if s == var else s, p, value if o == var else o)


def _template(pattern: Pattern) -> Template:
    def slot(term: Slot) -> TSlot:
        if term == _X:
            return 0
        if term == _Y:
            return 1
        return str(term)

    s, p, o = pattern
    return (slot(s), str(p), slot(o))


@dataclass
class Program:
    """The compiled rules: templates of conclusions per seed, with terms in N-Triples form."""

    schema: Schema
    by_property: dict[str, list[Template]] = field(default_factory=dict)
    """For ``?x P ?y``: the conclusions, in terms of 0 (``?x``), 1 (``?y``) and constants."""
    by_class: dict[str, list[Template]] = field(default_factory=dict)
    """For ``?x a C``: the conclusions (0 is ``?x``)."""
    by_object: dict[str, dict[str, list[Template]]] = field(default_factory=dict)
    """For ``?x P v`` (P → v → conclusions) where an ``owl:hasValue`` needs the value."""
    by_subject: dict[str, dict[str, list[Template]]] = field(default_factory=dict)
    """For ``v P ?y`` likewise."""
    transitive: set[str] = field(default_factory=set)
    chains: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    @property
    def multi_premise(self) -> set[str]:
        """The properties the multi-premise rules read or conclude."""
        found = set(self.transitive)
        for head, body in self.chains:
            found.add(head)
            found.update(body)
        return found

    def concluded(self) -> set[str]:
        """Every predicate a rule can conclude (rdf:type included)."""
        found = {TYPE} | self.multi_premise
        tables: list[Iterable[list[Template]]] = [
            self.by_property.values(),
            self.by_class.values(),
            *(v.values() for v in self.by_object.values()),
            *(v.values() for v in self.by_subject.values()),
        ]
        for table in tables:
            for templates in table:
                found.update(q for _, q, _ in templates)
        return found

    def read(self) -> set[str]:
        """Every predicate whose triples reasoning must read (rdf:type included)."""
        checked = self.schema.checked_properties
        return (
            set(self.by_property)
            | set(self.by_object)
            | set(self.by_subject)
            | self.concluded()
            | {str(p) for p in checked}
        )


def compile_program(schema: Schema) -> Program:
    """The templates of every seed: ``?x P ?y`` for each property with a rule, ``?x a C`` for
    each named class with one, and ``?x P v`` / ``v P ?y`` where a variable reaches the
    property and value of an ``owl:hasValue`` restriction (``cls-hv2`` needs the constant)."""
    memo: dict[Pattern, frozenset[Pattern]] = {}

    def closure(seed: Pattern) -> frozenset[Pattern]:
        if seed not in memo:
            memo[seed] = _closure(schema, seed)
        return memo[seed]

    def templates(seed: Pattern) -> list[Template]:
        return sorted({_template(p) for p in closure(seed) if _emitted(p)}, key=str)

    program = Program(schema)
    properties: set[Slot] = set(schema.symmetric)
    for table in (schema.super_properties, schema.inverses, schema.domains, schema.ranges):
        properties.update(k for k, v in table.items() if v)
    properties.update(p for p, _ in schema.by_value)
    for prop in sorted(properties, key=str):
        if isinstance(prop, ox.NamedNode):
            seed: Pattern = (_X, prop, _Y)
            program.by_property[str(prop)] = templates(seed)
            for _, concluded, end in {seed, *closure(seed)}:
                if not isinstance(end, ox.Variable):
                    continue
                for restricted, value in schema.by_value:
                    if concluded != restricted or not isinstance(value, (ox.NamedNode, ox.Literal)):
                        continue
                    bound = _bind(seed, end, value)
                    by_value = program.by_object if end == _Y else program.by_subject
                    by_value.setdefault(str(prop), {})[str(value)] = templates(bound)
    classes = {c for c, sup in schema.super_classes.items() if sup} | set(schema.has_value)
    for c in sorted(classes, key=str):
        if isinstance(c, ox.NamedNode):
            program.by_class[str(c)] = templates((_X, _TYPE_NODE, c))
    program.transitive = {str(p) for p in schema.transitive}
    program.chains = [(str(h), tuple(str(b) for b in body)) for h, body in schema.chains]
    return program
