"""Reasoning: the inferred graph against owlrl's closure, its freshness, and its checks."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from plangraph import library, reasoning, resources
from plangraph.data import synthetic
from plangraph.reasoning import program, rules
from plangraph.store import PlanStore
from tests.support.closure import canonical_blanks, owlrl_closure, relabel

PG = "https://w3id.org/plangraph/ontology#"
BUILT_IN = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2001/XMLSchema#",
)
SCHEMA_RELATIONS = {
    RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty,
    RDFS.domain, RDFS.range, OWL.inverseOf, OWL.disjointWith,
}  # fmt: skip
INFERRED = ox.NamedNode(reasoning.INFERRED_GRAPH)

Triple = tuple[URIRef | Literal, URIRef, URIRef | Literal]


def skolem(term: object) -> URIRef | Literal:
    """A store term as rdflib's, blank nodes as IRIs (so both sides name them alike)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return URIRef("urn:bnode:" + term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def triples_of(store: PlanStore, graphs: list[ox.NamedNode | ox.DefaultGraph]) -> set[Triple]:
    found: set[Triple] = set()
    for graph in graphs:
        for q in store.raw.quads_for_pattern(None, None, None, graph):
            predicate = skolem(q.predicate)
            assert isinstance(predicate, URIRef)
            found.add((skolem(q.subject), predicate, skolem(q.object)))
    return found


def vocabulary() -> set[URIRef]:
    """The project's vocabulary: pg: terms and the reused terms the ontology declares."""
    ontology = Graph().parse(resources.ontology_file(), format="turtle")
    declared = {s for s in ontology.subjects(RDFS.isDefinedBy, None) if isinstance(s, URIRef)}
    own = {
        term
        for triple in ontology
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(PG)
    }
    return declared | own


Sides = tuple[set[Triple], set[Triple], set[Triple]]


@pytest.fixture(scope="module")
def named_sides(
    reasoned_store_path: Path, closures: Path | None
) -> tuple[Sides, dict[object, object]]:
    """(the inputs, the inferred graph, owlrl's closure of the inputs) on Bergen's register,
    blank nodes named by the graph alone (so that owlrl's closure can be kept between runs),
    and those names (the store's blank node, as :func:`skolem` gives it, to its name)."""
    store = PlanStore.open(reasoned_store_path)
    inputs = triples_of(store, reasoning.input_graphs(store))
    inferred = triples_of(store, [INFERRED])
    store.close()
    names = canonical_blanks(inputs)
    inputs, inferred = relabel(inputs, names), relabel(inferred, names)
    return (inputs, inferred, owlrl_closure(inputs, closures)), names


@pytest.fixture(scope="module")
def sides(named_sides: tuple[Sides, dict[object, object]]) -> Sides:
    return named_sides[0]


def in_scope(triple: Triple, terms: set[URIRef]) -> bool:
    """Whether an entailment is about the project's vocabulary:
    (a) its predicate is in the vocabulary (rdf:type aside), or
    (b) it types a resource with a class of the vocabulary, or
    (c) it relates two terms of the vocabulary by a schema relation (subClassOf, domain …)."""
    s, p, o = triple
    if p == RDF.type:
        return o in terms
    if p in SCHEMA_RELATIONS:
        return s in terms and o in terms
    return p in terms


def other_names(inputs: set[Triple]) -> set[object]:
    """The IRIs the inputs give a resource only as another name (``owl:sameAs`` objects that
    the inputs say nothing else about, such as Bergen kommune's IRI in the national data
    catalogue). owlrl copies every triple of the resource onto them (eq-rep-s/o); plangraph
    does not reason with ``owl:sameAs``."""
    aliases = {o for s, p, o in inputs if p == OWL.sameAs and o != s}
    described = {s for s, p, _ in inputs if p != OWL.sameAs}
    return aliases - described


def excluded(triple: Triple, schema_nodes: set[URIRef]) -> str | None:
    """Why an entailment of owlrl's is deliberately not materialised (None: no reason)."""
    s, p, o = triple
    if p == OWL.sameAs:
        return "owl:sameAs (owlrl makes every term the same as itself)"
    if isinstance(s, Literal):
        return "a triple about a literal"
    if s in schema_nodes or o in schema_nodes:
        return "a triple with one of the ontology's blank nodes (restrictions, lists)"
    if p == RDF.type and isinstance(o, URIRef) and str(o).startswith(BUILT_IN):
        return "a type from RDF, RDFS, OWL or XSD (owl:Thing, rdfs:Resource, datatypes …)"
    if str(s).startswith(BUILT_IN) or (p in SCHEMA_RELATIONS and str(o).startswith(BUILT_IN)):
        return "an axiomatic triple about the RDF, RDFS, OWL or XSD vocabularies"
    if p in SCHEMA_RELATIONS and isinstance(o, URIRef) and str(o).startswith("urn:bnode:"):
        return "a schema relation to a blank node"
    return None


def test_the_inferences_contain_owlrls_closure_for_the_projects_vocabulary(
    sides: tuple[set[Triple], set[Triple], set[Triple]],
) -> None:
    """On Bergen's register (the default datasets), everything owlrl's OWL 2 RL closure holds
    about the project's vocabulary (see :func:`in_scope`) is stated by the inputs or in the
    inferred graph."""
    inputs, inferred, closure = sides
    terms = vocabulary()
    aliases = other_names(inputs)
    expected = {
        t
        for t in closure - inputs
        if in_scope(t, terms) and t[0] not in aliases and t[2] not in aliases
    }
    assert len(expected) > 1000
    assert expected - inferred == set()


def test_the_inferences_are_owlrls_and_add_only_what_the_inputs_do_not_say(
    sides: tuple[set[Triple], set[Triple], set[Triple]],
) -> None:
    inputs, inferred, closure = sides
    assert inferred - closure == set()  # sound: owlrl concludes every one of them
    assert inferred & inputs == set()  # no duplicate of a stated triple in the union


def test_what_owlrl_concludes_beyond_the_inferences_is_left_out_on_purpose(
    named_sides: tuple[Sides, dict[object, object]], reasoned_store: PlanStore
) -> None:
    """owlrl's closure minus the inputs and the inferences is only what the reasoner leaves out
    on purpose (see the module documentation of plangraph.reasoning.program)."""
    (inputs, inferred, closure), names = named_sides
    schema = program.schema_triples(reasoned_store, reasoning.input_graphs(reasoned_store))
    schema_nodes = {
        names[skolem(term)]
        for triple in schema
        for term in (triple[0], triple[2])
        if isinstance(term, ox.BlankNode)
    }
    reasons: dict[str, int] = {}
    unexplained = []
    aliases = other_names(inputs)
    for triple in closure - inputs - inferred:
        why = excluded(triple, schema_nodes)  # type: ignore[arg-type]
        if why is None and (triple[0] in aliases or triple[2] in aliases):
            why = "a copy through owl:sameAs onto a resource's other name"
        if why is None:
            unexplained.append(triple)
        else:
            reasons[why] = reasons.get(why, 0) + 1
    assert unexplained == []
    assert reasons.keys() >= {
        "owl:sameAs (owlrl makes every term the same as itself)",
        "a type from RDF, RDFS, OWL or XSD (owl:Thing, rdfs:Resource, datatypes …)",
    }


def test_the_inferences_give_the_queries_their_hierarchies(examples_store: PlanStore) -> None:
    ask = examples_store.raw.query(
        """PREFIX pg: <https://w3id.org/plangraph/ontology#>
           PREFIX bk: <https://w3id.org/plangraph/id/4601/>
           ASK { GRAPH <https://w3id.org/plangraph/graph/inferred> {
             bk:plan-skyfritt a pg:PlanDocument ; pg:hasElement bk:goal-skyfritt ;
               pg:planTracesTo bk:plan-kps-bergen-2030 ; pg:planAddressesSdg <http://metadata.un.org/sdg/4> .
             bk:example-measure-spor-oss-fravaersteam pg:tracesTo bk:goal-spor-oss-1 .
             bk:plan-hop-2023-2026 pg:legalBasis <https://w3id.org/plangraph/eli/lov/2018/06/22/83/section-14-4> .
           } }"""
    )
    assert bool(ask)


@pytest.fixture
def store(tmp_path: Path, reasoned_store_path: Path) -> Iterator[PlanStore]:
    """A private copy of the reasoned Bergen store, to change."""
    target = tmp_path / "store"
    shutil.copytree(reasoned_store_path, target)
    opened = PlanStore.open(target)
    yield opened
    opened.close()


EXTRA = """@prefix pg: <https://w3id.org/plangraph/ontology#> .
@prefix pgkind: <https://w3id.org/plangraph/concept/plan-kind/> .
@prefix ex: <https://example.org/test/> .
ex:briefing a pg:Briefing ; pg:planKind pgkind:theme-plan .
ex:element pg:partOfPlan ex:a, ex:b .
"""


def test_inferences_are_kept_fresh_and_replaced_whole(store: PlanStore, tmp_path: Path) -> None:
    assert reasoning.is_current(store)
    again = reasoning.reason(store)
    assert again.skipped
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    store.load([("https://example.org/test/graph", extra)])
    assert not reasoning.is_current(store)
    result = reasoning.reason(store)
    assert not result.skipped
    assert reasoning.is_current(store)
    theme = ox.Quad(
        ox.NamedNode("https://example.org/test/briefing"),
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(PG + "ThemePlan"),
        INFERRED,
    )
    assert theme in store.raw
    store.drop("https://example.org/test/graph")
    reasoning.reason(store)
    assert theme not in store.raw
    assert store.triple_count(reasoning.INFERRED_GRAPH) == again.triples


def test_reasoning_stopped_half_way_leaves_the_store_as_it_was(
    store: PlanStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inferred graph is written while the rules run; if they fail after the first part
    was written, what was written is undone and the previous inferences stay."""
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    store.load([("https://example.org/test/graph", extra)])
    before = {str(q) for q in store.raw}
    original = rules.conclude
    calls: list[int] = []

    def fail_in_the_fixpoint(prepared: rules.Rules, facts: rules.Facts) -> rules.Facts:
        calls.append(1)
        if len(calls) > 1:  # the first call's conclusions are already being written
            raise MemoryError("out of memory (simulated)")
        return original(prepared, facts)

    monkeypatch.setattr(rules, "conclude", fail_in_the_fixpoint)
    with pytest.raises(MemoryError, match="simulated"):
        reasoning.reason(store)
    assert len(calls) == 2
    assert {str(q) for q in store.raw} == before
    assert not reasoning.is_current(store)
    monkeypatch.setattr(rules, "conclude", original)
    assert not reasoning.reason(store).skipped
    assert reasoning.is_current(store)


def test_an_inconsistency_is_reported_not_raised(store: PlanStore, tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    store.load([("https://example.org/test/graph", extra)])
    result = reasoning.reason(store)
    assert not result.consistent
    found = {(f.rule, f.resource, f.inconsistent) for f in result.findings}
    assert ("cax-dw", "<https://example.org/test/briefing>", True) in found
    assert ("prp-fp", "<https://example.org/test/element>", False) in found
    disjoint = next(f for f in result.findings if f.rule == "cax-dw")
    assert set(disjoint.terms) == {PG + "Briefing", PG + "ThemePlan"}


def test_bergens_register_is_consistent(reasoned_store: PlanStore) -> None:
    result = reasoning.reason(reasoned_store, force=True)
    assert result.findings == ()


def test_an_ontology_construct_the_rules_do_not_cover_is_refused() -> None:
    r = ox.BlankNode("r")
    pg = ox.NamedNode
    triples = [
        (pg(PG + "A"), pg(str(RDFS.subClassOf)), r),
        (r, pg(str(OWL.onProperty)), pg(PG + "p")),
        (r, pg(str(OWL.someValuesFrom)), pg(PG + "B")),
    ]
    with pytest.raises(reasoning.UnsupportedConstruct, match="cls-svf"):
        program.compile_schema(triples)


def test_the_transitive_closure_handles_cycles_and_chains() -> None:
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("x", "x")]
    frame = pl.DataFrame(edges, schema={"s": pl.String, "o": pl.String}, orient="row")
    closure = set(rules.transitive_closure(frame).iter_rows())
    for node in "abc":
        assert {(node, t) for t in "abcde"} <= closure
    assert ("d", "e") in closure and ("d", "a") not in closure
    assert ("x", "x") in closure and ("e", "e") not in closure
    assert len(closure) == 3 * 5 + 1 + 1


def test_reading_a_graph_from_its_file_gives_the_same_inferences(
    synthetic_reasoned: tuple[Path, reasoning.ReasonResult], tmp_path: Path
) -> None:
    # The session's synthetic store was reasoned from the files; here again from the store.
    path, from_files = synthetic_reasoned
    target = tmp_path / "store"
    shutil.copytree(path, target)
    store = PlanStore.open(target)
    try:
        assert not from_files.skipped
        assert synthetic.SYNTHETIC_GRAPH in from_files.read_from_files
        first = {q.triple for q in store.raw.quads_for_pattern(None, None, None, INFERRED)}
        from_store = reasoning.reason(store, force=True, use_files=False)
        assert from_store.read_from_files == ()
        second = {q.triple for q in store.raw.quads_for_pattern(None, None, None, INFERRED)}
        assert first == second
        assert from_files.triples == from_store.triples == len(first)
    finally:
        store.close()


def test_the_queries_find_the_synthetic_registers_seeded_gaps(synthetic_store_path: Path) -> None:
    from tests.support.stores import SYNTHETIC_MUNICIPALITIES

    defects = synthetic.seeded_defects(SYNTHETIC_MUNICIPALITIES)
    store = PlanStore.open(synthetic_store_path)
    try:
        run = library.local_runner(store)
        missing = run(library.get("measures-missing-owner-or-status").bind({}))
        found = {row[0].value for row in missing.rows if row[0] is not None}
        seeded = {
            d.resource
            for d in defects
            if d.kind in ("measure-without-owner", "measure-without-status")
        }
        assert found == seeded
        breaks = run(library.get("red-thread-breaks").bind({}))
        goals = {
            row[1].value
            for row in breaks.rows
            if row[0] == ox.NamedNode(PG + "Goal") and row[1] is not None
        }
        # Every seeded goal with no red thread is found, but for those in plans that have
        # expired or been repealed (the query leaves those plans out).
        for goal in {d.resource for d in defects if d.kind == "goal-without-red-thread"} - goals:
            status = run(
                "PREFIX pg: <https://w3id.org/plangraph/ontology#> SELECT ?status WHERE { "
                f"<{goal}> pg:partOfPlan ?plan . ?plan pg:lifecycleStatus ?status }}"
            )
            assert [str(row[0]) for row in status.rows] in (
                ["<https://w3id.org/plangraph/concept/lifecycle-status/expired>"],
                ["<https://w3id.org/plangraph/concept/lifecycle-status/repealed>"],
            ), goal
    finally:
        store.close()


def test_a_graph_changed_since_its_load_is_read_from_the_store(
    store: PlanStore, tmp_path: Path
) -> None:
    """A graph's file stands for it only while the graph holds what the file does: after an
    update the facts come from the store (here with no inferences yet, when the files are read
    while the graphs are counted)."""
    graph, ex = "https://example.org/test/graph", "https://example.org/test/"
    file = tmp_path / "extra.nt"
    file.write_text(f"<{ex}m1> <{PG}partOfPlan> <{ex}plan> .\n", encoding="utf-8")
    store.load([(graph, file)])
    store.drop(reasoning.INFERRED_GRAPH)
    assert graph in reasoning.reason(store).read_from_files
    part_of, has_element = ox.NamedNode(PG + "partOfPlan"), ox.NamedNode(PG + "hasElement")
    plan, m2 = ox.NamedNode(ex + "plan"), ox.NamedNode(ex + "m2")
    store.raw.add(ox.Quad(m2, part_of, plan, ox.NamedNode(graph)))
    store.drop(reasoning.INFERRED_GRAPH)
    result = reasoning.reason(store)
    assert graph not in result.read_from_files
    assert ox.Quad(plan, has_element, m2, INFERRED) in store.raw
