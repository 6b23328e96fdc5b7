"""OWL 2 RL reasoning: the entailments of ontology + data, in a named graph of their own.

``reason(store)`` materialises what the OWL 2 RL rules entail from the store's graphs into
:data:`INFERRED_GRAPH`, so that queries can ask for ``?x a pg:Plan`` or ``?m pg:tracesTo ?goal``
without spelling out class hierarchies, inverses or transitive paths. The graph holds only what
reasoning *adds*: no triple that an input graph already states (pyoxigraph's union default graph
keeps duplicates, so a repeated triple would be counted twice).

How
    1. **The T-box.** The schema triples of the inputs (class and property axioms, restrictions,
       lists: the plangraph ontology and the UN SDG ontology) are closed by owlrl, which is
       small and quick. The closure is compiled into *templates*: for each property ``P``, what
       the single-premise rules conclude from any ``?x P ?y`` (``cax-sco``, ``prp-spo1``,
       ``prp-inv1/2``, ``prp-symp``, ``prp-dom``, ``prp-rng``, ``cls-hv1``, ``cls-hv2``), followed
       to the end; likewise for each class ``C`` from ``?x a C``, and for the ``?x P v`` whose
       value ``v`` an ``owl:hasValue`` restriction names.
    2. **The facts.** The triples of the properties and classes the rules mention are read from
       the store, or, for a graph whose load record proves it unchanged (same SHA-256 and
       triple count, no blank nodes), from the file it was loaded from: split into terms by
       polars, that is several times faster than decoding the same triples from the store.
    3. **Single-premise rules** are the templates joined to the facts, as frames of columns
       (:mod:`plangraph.reasoning.rules`, with polars: compiled, on every core, without the GIL).
    4. **Multi-premise rules**, ``prp-trp`` (transitive properties) and ``prp-spo2`` (property
       chains), run to a fixpoint, semi-naively (each round joins only what the last one
       added); each round's new triples go through the templates again, since a chain's
       conclusion has super-properties, domains and ranges, and those can feed another chain.
    5. The conclusions not stated by the inputs are written to :data:`INFERRED_GRAPH` by a
       thread, in one bulk load, while the checks run (:meth:`PlanStore.bulk_write_graph`:
       atomically, replacing the previous inferences whole; see :class:`_Writer`).
    6. **Checks**: ``cax-dw`` (disjoint classes), ``cls-nothing2``, ``prp-irp``, ``prp-asyp``,
       ``prp-pdw`` make the data inconsistent; ``prp-fp`` and ``prp-ifp`` (a functional
       property with two values) conclude ``owl:sameAs``. All are *reported* as
       :class:`Finding` s and never stop the run.

    Why not owlrl on everything, or SPARQL ``INSERT … WHERE`` rules in the store: owlrl took
    80 s on 100,000 triples; pyoxigraph's transactional ``INSERT … WHERE`` wrote about 6,000
    triples a second (the national register's three million conclusions would take over eight
    minutes), and decoding query results from the on-disk store costs several microseconds a
    triple, more than the whole of the rules here. ``benchmarks/reason.py`` measures this
    module against owlrl.

    An OWL 2 RL construct the templates do not cover (``someValuesFrom``, ``allValuesFrom``,
    ``intersectionOf``, ``unionOf``, ``complementOf``, ``oneOf``, cardinalities, ``hasKey``,
    ``AllDisjointProperties``) raises :class:`UnsupportedConstruct`: the ontology cannot outgrow
    the reasoner unnoticed. owlrl stays the reference: ``tests/queries/test_reasoning.py`` holds
    that on Bergen's register the inferred graph contains owlrl's closure for the project's
    vocabulary, and nothing owlrl does not conclude.

Left out on purpose
    ``owl:sameAs`` (the register gives every resource one IRI; a functional property with two
    values is a data error, reported as a finding), types ``owl:Thing``/``rdfs:Resource`` and
    datatypes, triples about literals, and triples with the ontology's blank nodes (restrictions
    and lists). owlrl's closure has all of them.

Freshness
    The inferred graph's load record in the ``_meta`` graph names its inputs
    (``prov:wasDerivedFrom``), says the reasoner made it (``pg:loadedFrom``) and keeps, as
    ``pg:sha256``, the checksum of its inputs: each input graph's recorded file checksum (or a
    checksum of its content, for a graph with no load record) and its triple count. ``reason``
    does nothing when that checksum is unchanged, unless forced; :func:`is_current` tells
    without reasoning.
"""

from __future__ import annotations

import gc
import hashlib
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final, TypeAlias

import owlrl
import polars as pl
import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from plangraph.namespaces import GRAPH_BASE, META_GRAPH, STAGING_PREFIX
from plangraph.reasoning import rules as inference
from plangraph.reasoning.rules import TYPE, Finding
from plangraph.store import PlanStore
from plangraph.terms import to_oxigraph, to_rdflib

__all__ = [
    "INFERRED_GRAPH",
    "MADE_BY",
    "Finding",
    "ReasonResult",
    "UnsupportedConstruct",
    "compile_program",
    "compile_schema",
    "input_graphs",
    "inputs_sha256",
    "is_current",
    "reason",
    "schema_triples",
]

INFERRED_GRAPH: Final = GRAPH_BASE + "inferred"
"""The named graph that holds the inferences."""

MADE_BY: Final = "plangraph reason (OWL 2 RL)"
"""What the inferred graph's load record gives as ``pg:loadedFrom``."""

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_BUILT_IN = (_RDF, _RDFS, _OWL, _XSD)
_PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"

_TYPE_NODE = ox.NamedNode(_RDF + "type")
_NOTHING = f"<{_OWL}Nothing>"
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


@dataclass(frozen=True)
class ReasonResult:
    """What one run of :func:`reason` did."""

    graph: str
    triples: int
    inputs: tuple[str, ...]
    inputs_sha256: str
    skipped: bool
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    read_from_files: tuple[str, ...] = ()

    @property
    def consistent(self) -> bool:
        """Whether no check found an inconsistency (``prp-fp``/``prp-ifp`` findings aside)."""
        return not any(f.inconsistent for f in self.findings)


# ---------------------------------------------------------------------------------------------
# Inputs and their checksum
# ---------------------------------------------------------------------------------------------


def input_graphs(store: PlanStore) -> Graphs:
    """The graphs reasoning reads: every named graph but the inferences, ``_meta`` and staging
    graphs, and the default graph if it holds anything; sorted."""
    raw = store.raw
    names = sorted(
        g.value
        for g in raw.named_graphs()
        if isinstance(g, ox.NamedNode)
        and g.value not in (INFERRED_GRAPH, META_GRAPH)
        and not g.value.startswith(STAGING_PREFIX)
    )
    graphs: Graphs = [ox.NamedNode(n) for n in names]
    if next(iter(raw.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        graphs.append(ox.DefaultGraph())
    return graphs


def _graph_name(graph: ox.NamedNode | ox.DefaultGraph) -> str:
    return graph.value if isinstance(graph, ox.NamedNode) else "default graph"


def _count(store: PlanStore, graph: ox.NamedNode | ox.DefaultGraph) -> int:
    where = f"GRAPH {graph} {{ ?s ?p ?o }}" if isinstance(graph, ox.NamedNode) else "?s ?p ?o"
    result = store.raw.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    assert isinstance(result, ox.QuerySolutions)
    n = next(iter(result))["n"]
    assert isinstance(n, ox.Literal)
    return int(n.value)


def _content_sha256(store: PlanStore, graph: ox.NamedNode | ox.DefaultGraph) -> str:
    """An order-independent checksum of a graph's triples (for graphs with no load record)."""
    total = 0
    for quad in store.raw.quads_for_pattern(None, None, None, graph):
        line = f"{quad.subject} {quad.predicate} {quad.object}".encode()
        total = (total + int.from_bytes(hashlib.blake2b(line, digest_size=16).digest())) % (
            1 << 128
        )
    return f"{total:032x}"


def _fingerprints(
    store: PlanStore, graphs: Iterable[ox.NamedNode | ox.DefaultGraph]
) -> dict[str, tuple[str, int]]:
    """Per graph: its recorded file checksum (or its content's) and its triple count."""
    found = {}
    for graph in graphs:
        recorded = store.unchanged_sha256(graph.value) if isinstance(graph, ox.NamedNode) else None
        sha = recorded or "content:" + _content_sha256(store, graph)
        found[_graph_name(graph)] = (sha, _count(store, graph))
    return found


def _digest(fingerprints: dict[str, tuple[str, int]]) -> str:
    lines = sorted(f"{name} {sha} {count}" for name, (sha, count) in fingerprints.items())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def inputs_sha256(store: PlanStore, graphs: Iterable[ox.NamedNode | ox.DefaultGraph]) -> str:
    """The checksum of the inputs: each graph's recorded file checksum (or its content's, if it
    has no load record) and its triple count."""
    return _digest(_fingerprints(store, graphs))


def _recorded_inputs_sha256(store: PlanStore) -> str | None:
    if not store.raw.contains_named_graph(ox.NamedNode(INFERRED_GRAPH)):
        return None
    return store.recorded_sha256(INFERRED_GRAPH)


def is_current(store: PlanStore) -> bool:
    """Whether the inferred graph exists and was computed from the store's present inputs."""
    recorded = _recorded_inputs_sha256(store)
    return recorded is not None and recorded == inputs_sha256(store, input_graphs(store))


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
def _closed_tbox(triples: frozenset[Fact]) -> frozenset[Fact]:
    """owlrl's OWL 2 RL closure of the schema triples (cached: the ontology rarely changes)."""
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
    closed = _closed_tbox(given)
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
    frames: dict[str, pl.DataFrame] | None = None
    """The templates as tables to join the facts with (made by :mod:`plangraph.reasoning.rules`)."""

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


# ---------------------------------------------------------------------------------------------
# Reading the facts: from the store, or from the file a graph was loaded from
# ---------------------------------------------------------------------------------------------


def _read_files(
    store: PlanStore, graphs: Graphs, keep: set[str]
) -> dict[str, tuple[inference.Facts, int]]:
    """For each graph whose file can stand for it, the facts read from the file and the file's
    triple count (to compare with the graph's: a graph changed since its load has another)."""
    found = {}
    for graph in graphs:
        path = store.source_file(graph.value) if isinstance(graph, ox.NamedNode) else None
        read = inference.read_file(path, keep) if path is not None else None
        if read is not None:
            found[_graph_name(graph)] = read
    return found


# ---------------------------------------------------------------------------------------------
# reason()
# ---------------------------------------------------------------------------------------------


def reason(
    store: PlanStore,
    *,
    force: bool = False,
    use_files: bool = True,
    progress: Callable[[str], None] | None = None,
) -> ReasonResult:
    """Materialise the OWL 2 RL entailments of the store's graphs into :data:`INFERRED_GRAPH`.

    Does nothing (``skipped``) if the inputs have not changed since the last run, unless
    ``force``. ``use_files`` lets graphs be read from the files they were loaded from when their
    load records prove them unchanged. The graph is replaced atomically; the findings of the
    checks are in the result and never stop the run.

    Raises:
        UnsupportedConstruct: the ontology uses an OWL 2 RL construct the rules do not cover.
    """
    # Millions of tuples of strings, none in a cycle: the cyclic garbage collector would scan
    # them again and again for nothing (it doubled the national run's time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _reason(store, force=force, use_files=use_files, progress=progress)
    finally:
        if collecting:
            gc.enable()


def _reason(
    store: PlanStore,
    *,
    force: bool,
    use_files: bool,
    progress: Callable[[str], None] | None,
) -> ReasonResult:
    say = progress or (lambda _: None)
    started = time.perf_counter()
    phases: dict[str, float] = {}
    clock = [started]

    def lap(name: str) -> None:
        now = time.perf_counter()
        phases[name] = round(now - clock[0], 3)
        clock[0] = now

    graphs = input_graphs(store)
    names = tuple(_graph_name(g) for g in graphs)
    say("checking the inputs and closing the ontology (owlrl)")
    # Counting each graph's triples takes a second on the national register, in pyoxigraph
    # without the GIL: the T-box is closed meanwhile (left unused if nothing changed), and if
    # there are no inferences yet, so that they will be made whatever the count says, the
    # files are read too.
    early: dict[str, tuple[inference.Facts, int]] | None = None
    recorded = _recorded_inputs_sha256(store)
    with ThreadPoolExecutor(max_workers=1) as pool:
        counting = pool.submit(_fingerprints, store, graphs)
        try:
            schema = compile_schema(schema_triples(store, graphs))
            program: Program | UnsupportedConstruct = compile_program(schema)
        except UnsupportedConstruct as error:
            program = error
        if use_files and recorded is None and isinstance(program, Program):
            early = _read_files(store, graphs, program.read())
        fingerprints = counting.result()
    digest = _digest(fingerprints)
    lap("inputs")
    if not force and recorded == digest:
        return ReasonResult(
            INFERRED_GRAPH,
            store.triple_count(INFERRED_GRAPH),
            names,
            digest,
            True,
            round(time.perf_counter() - started, 3),
            phases,
        )
    if isinstance(program, UnsupportedConstruct):
        raise program

    # The writer starts now, with the ontology's own entailments: if the store must be rebuilt
    # to replace the old inferences, it copies the other graphs while the facts are read.
    writer = _Writer(store, digest, [f"{s} {p} {o} .\n" for s, p, o in program.schema.entailed])
    try:
        say("reading the facts")
        keep = program.read()
        if early is None:
            early = _read_files(store, graphs, keep) if use_files else {}
        parts: list[inference.Facts] = []
        from_files: list[str] = []
        for graph in graphs:
            name = _graph_name(graph)
            read = early.get(name)
            if read is not None and read[1] == fingerprints[name][1]:
                parts.append(read[0])
                from_files.append(name)
            else:  # no file, or the graph changed since it was loaded from it
                parts.append(inference.read_store(store, graph, keep))
        asserted = inference.encoded(pl.concat(parts))
        stated = asserted.filter(pl.col("p").is_in(list(program.concluded())))
        lap("read")

        say("applying the rules")
        out = inference.run(program, asserted)
        writer.add(out, stated)
        lap("rules")
        say("checking consistency while the inferred graph is written")
        findings = inference.check(program.schema, asserted, out)
        lap("checks")
    except BaseException as error:
        failure = writer.abort()
        if failure is not None:  # the writer's own failure is the one to report
            raise failure from error
        raise
    say("finishing the inferred graph")
    total = writer.finish()
    if total == 0:
        store.drop(INFERRED_GRAPH)
    else:
        _record(store, graphs)
    lap("write")

    return ReasonResult(
        INFERRED_GRAPH,
        total,
        names,
        digest,
        False,
        round(time.perf_counter() - started, 3),
        phases,
        tuple(findings),
        tuple(from_files),
    )


class _Writer:
    """Writes the inferred graph in a thread, beside the reasoning.

    It starts as soon as the T-box is closed, with the ontology's own entailments: when the
    store must be rebuilt to replace the old inferences, it copies the other graphs while the
    facts are read. The conclusions (:meth:`add`) become N-Triples that the thread bulk-loads
    (:meth:`PlanStore.bulk_write_graph`: all or nothing) while the checks run: pyoxigraph's bulk
    loader does not hold the GIL. All conclusions go in one part, when the rules are done:
    each further bulk load into a graph that already holds data costs more than one big load
    (RocksDB merges the new files with the old), and the loader, not the rules, takes most of
    the time (``benchmarks/reason.py``). :meth:`finish` waits for the writing and gives the
    number of triples written, :meth:`abort` puts the store back.
    """

    def __init__(self, store: PlanStore, digest: str, first: list[str]) -> None:
        self._store = store
        self._digest = digest
        self._parts: queue.Queue[bytes | BaseException | None] = queue.Queue()  # None: done
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        self.count = 0
        self._queue(first)

    def add(self, found: inference.Facts, asserted: inference.Facts) -> None:
        """Queue the conclusions in ``found`` that ``asserted`` does not state (and none about
        a literal, which RDF cannot have as a subject). Triples with blank nodes go in a part
        of their own, which the store writes keeping the labels (they name the inputs' blank
        nodes); the rest is bulk-loaded."""
        plain, blank = inference.new_conclusions(found, asserted)
        for part in (blank, plain):
            self.count += part.height
            text = inference.lines(part)
            if text:
                self._send(text)

    def _queue(self, lines: list[str]) -> None:
        """Queue lines of N-Triples (without blank nodes) to be written."""
        if lines:
            self.count += len(lines)
            self._send("".join(lines).encode())

    def _send(self, part: bytes) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._load, name="inferred-graph-writer")
            self._thread.start()
        self._parts.put(part)

    def _each_part(self) -> Iterator[bytes]:
        while True:
            part = self._parts.get()
            if isinstance(part, BaseException):
                raise part
            if part is None:
                return
            yield part

    def _load(self) -> None:
        try:
            self._store.bulk_write_graph(
                INFERRED_GRAPH, self._each_part(), sha256=self._digest, loaded_from=MADE_BY
            )
        except BaseException as error:  # handed to the caller by finish()
            self._failure = error

    def finish(self) -> int:
        if self._thread is not None:
            self._parts.put(None)
            self._thread.join()
        if self._failure is not None:
            raise self._failure
        return self.count

    def abort(self) -> BaseException | None:
        """Stop writing and put the store back; the writer's own failure, if it had one."""
        if self._thread is not None:
            stop = RuntimeError("reasoning stopped; the inferred graph was not written")
            self._parts.put(stop)
            self._thread.join()
            if self._failure is not stop:
                return self._failure
        return None


def _record(store: PlanStore, graphs: Graphs) -> None:
    """Make the inferred graph's load record say what it was derived from (its checksum and
    maker are recorded with the graph)."""
    meta = ox.NamedNode(META_GRAPH)
    node = ox.NamedNode(INFERRED_GRAPH)
    raw = store.raw
    for quad in list(raw.quads_for_pattern(node, ox.NamedNode(_PROV_DERIVED), None, meta)):
        raw.remove(quad)
    raw.extend(
        ox.Quad(node, ox.NamedNode(_PROV_DERIVED), g, meta)
        for g in graphs
        if isinstance(g, ox.NamedNode)
    )
