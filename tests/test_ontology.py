"""The ontology: it parses, stays in OWL 2 RL, is labelled in nb and en, and reasons as meant."""

from __future__ import annotations

import itertools
from pathlib import Path

import owlrl
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef

from plangraph import resources

PG = Namespace("https://w3id.org/plangraph/ontology#")
KIND = Namespace("https://w3id.org/plangraph/concept/plan-kind/")
SDG = Namespace("http://metadata.un.org/sdg/")
PBL = Namespace("https://w3id.org/plangraph/eli/lov/2008/06/27/71/")
KOML = Namespace("https://w3id.org/plangraph/eli/lov/2018/06/22/83/")
BK = Namespace("https://w3id.org/plangraph/id/4601/")
ERRNS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
EX = Namespace("https://example.org/test/")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(resources.ontology_file(), format="turtle")


@pytest.fixture(scope="module")
def closure(default_items: list[tuple[str, Path]]) -> Graph:
    """owlrl's OWL 2 RL closure of the ontology and every default data file."""
    graph = Graph()
    for _, file in default_items:
        graph.parse(file, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def own_terms(ontology: Graph) -> list[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return sorted(
        {
            s
            for kind in kinds
            for s in ontology.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and str(s).startswith(str(PG))
        }
    )


def test_the_ontology_defines_the_plan_system(ontology: Graph) -> None:
    terms = set(own_terms(ontology))
    for name in (
        "MunicipalPlanningStrategy", "MasterPlan", "SocialPart", "LandUsePart", "SubPlan",
        "ActionAndEconomicPlan", "Briefing", "StrategyPlan", "ThemePlan", "ActionPlan",
        "Vision", "FocusArea", "CommunityGoal", "OrganisationGoal", "SubGoal", "Strategy",
        "Measure", "CouncilCase", "CityGovernmentCase", "PublicConsultation", "Adoption",
        "ElectionPeriod", "PlanAssessment", "StatusReport", "Indicator", "tracesTo",
        "implementsPlan", "addressesSdg", "legalBasis", "owner", "lifecycleStatus",
        "FocusField", "inFocusField", "firstDay", "lastDay", "minimumPeriodYears",
    ):  # fmt: skip
        assert PG[name] in terms, name


def test_every_term_has_labels_and_definitions_in_nb_and_en(ontology: Graph) -> None:
    missing = []
    for term in own_terms(ontology):
        for prop in (RDFS.label, SKOS.definition):
            languages = {o.language for o in ontology.objects(term, prop) if isinstance(o, Literal)}
            for lang in ("nb", "en"):
                if lang not in languages:
                    missing.append(f"{term} {prop} @{lang}")
    assert missing == []


def test_the_ontology_stays_in_owl2_rl(ontology: Graph) -> None:
    """Constructs OWL 2 RL does not allow in superclass positions, or at all, are absent."""
    forbidden_anywhere = {
        OWL.minCardinality, OWL.cardinality, OWL.minQualifiedCardinality,
        OWL.qualifiedCardinality, OWL.hasSelf, OWL.disjointUnionOf, OWL.ReflexiveProperty,
    }  # fmt: skip
    used = {p for _, p, _ in ontology} | {o for _, _, o in ontology}
    assert used & forbidden_anywhere == set()
    # someValuesFrom and unionOf may only stand on the subclass side.
    for restriction in ontology.subjects(OWL.someValuesFrom, None):
        assert not list(ontology.subjects(RDFS.subClassOf, restriction))
        assert not list(ontology.subjects(OWL.equivalentClass, restriction))
    for union in ontology.subjects(OWL.unionOf, None):
        for prop in (RDFS.subClassOf, RDFS.range, RDFS.domain, OWL.equivalentClass):
            assert not list(ontology.subjects(prop, union))


def test_the_closure_is_consistent(closure: Graph) -> None:
    errors = [str(m) for m in closure.objects(None, ERRNS.error)]
    assert errors == []
    assert list(closure.subjects(RDF.type, OWL.Nothing)) == []


def test_the_closure_has_the_class_hierarchy(closure: Graph) -> None:
    for chain in (
        (PG.ThemePlan, PG.ThematicPlan, PG.Plan, PG.PlanDocument),
        (PG.CommunityGoal, PG.Goal, PG.PlanElement),
        (PG.Adoption, PG.Treatment, PG.PlanEvent),
    ):
        for sub, sup in itertools.pairwise(chain):
            assert (sub, RDFS.subClassOf, sup) in closure
        assert (chain[0], RDFS.subClassOf, chain[-1]) in closure


def test_bergen_plans_are_typed_through_the_hierarchy(closure: Graph) -> None:
    themes = set(closure.subjects(RDF.type, PG.ThemePlan))
    assert themes, "the register has theme plans"
    for plan in themes:
        assert (plan, RDF.type, PG.PlanDocument) in closure
        assert (plan, PG.planKind, KIND["theme-plan"]) in closure


def test_the_action_and_economic_plan_gets_its_legal_basis_from_its_kind(closure: Graph) -> None:
    hops = set(closure.subjects(RDF.type, PG.ActionAndEconomicPlan))
    assert hops
    for plan in hops:
        bases = set(closure.objects(plan, PG.legalBasis))
        assert {PBL["section-11-1-paragraph-4"], KOML["section-14-4"]} <= bases


def reason(*triples: tuple[object, object, object]) -> Graph:
    """The closure of the ontology, the SDG reference data and a few test triples."""
    graph = Graph().parse(resources.ontology_file(), format="turtle")
    graph.parse(resources.root() / "data/reference/sdg-nb.ttl", format="turtle")
    for triple in triples:
        graph.add(triple)  # type: ignore[arg-type]
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def test_a_plan_kind_concept_types_the_plan_and_back() -> None:
    graph = reason(
        (EX.a, PG.planKind, KIND["action-plan"]),
        (EX.b, RDF.type, PG.StrategyPlan),
    )
    assert (EX.a, RDF.type, PG.ActionPlan) in graph
    assert (EX.a, RDF.type, PG.ThematicPlan) in graph
    assert (EX.b, PG.planKind, KIND.strategy) in graph


def test_the_red_thread_is_transitive_and_lifts_to_plans() -> None:
    graph = reason(
        (EX.measure, PG.implementsStrategy, EX.strategy),
        (EX.strategy, PG.servesGoal, EX.goal),
        (EX.goal, PG.contributesTo, EX.kpsGoal),
        (EX.measure, PG.partOfPlan, EX.themePlan),
        (EX.kpsGoal, PG.partOfPlan, EX.kps),
    )
    assert (EX.measure, PG.tracesTo, EX.kpsGoal) in graph
    assert (EX.themePlan, PG.planTracesTo, EX.kps) in graph
    assert (EX.themePlan, PG.hasElement, EX.measure) in graph


def test_links_inside_one_plan_do_not_make_it_trace_to_itself() -> None:
    """A strategy serving a goal of its own plan traces to that goal, but the plan does not
    trace to itself; a goal contributing to another plan lifts its plan to that plan."""
    graph = reason(
        (EX.strategy, PG.servesGoal, EX.goal),
        (EX.strategy, PG.partOfPlan, EX.themePlan),
        (EX.goal, PG.partOfPlan, EX.themePlan),
        (EX.goal, PG.contributesTo, EX.kpsGoal),
        (EX.kpsGoal, PG.partOfPlan, EX.kps),
    )
    assert (EX.strategy, PG.tracesTo, EX.goal) in graph
    assert (EX.themePlan, PG.planTracesTo, EX.themePlan) not in graph
    assert (EX.themePlan, PG.planTracesTo, EX.kps) in graph


def test_a_focus_field_groups_measures_without_being_a_goal() -> None:
    graph = reason(
        (EX.measure, PG.inFocusField, EX.field),
        (EX.field, PG.partOfPlan, EX.actionPlan),
        (EX.measure, PG.partOfPlan, EX.actionPlan),
    )
    assert (EX.field, RDF.type, PG.FocusField) in graph
    assert (EX.field, RDF.type, PG.PlanElement) in graph
    assert (EX.measure, RDF.type, PG.Measure) in graph
    assert (EX.field, RDF.type, PG.Goal) not in graph
    assert (EX.measure, PG.tracesTo, EX.field) not in graph
    # A focus field cannot also be a goal: the element kinds are disjoint.
    both = reason((EX.field, RDF.type, PG.FocusField), (EX.field, RDF.type, PG.Goal))
    assert list(both.objects(None, ERRNS.error)) or (EX.field, RDF.type, OWL.Nothing) in both


def test_a_target_lifts_to_its_sdg_goal() -> None:
    graph = reason(
        (EX.goal, PG.addressesSdg, SDG["4.1"]),
        (EX.other, PG.addressesSdg, SDG["11"]),
        (EX.goal, PG.partOfPlan, EX.plan),
    )
    assert (EX.goal, PG.addressesSdgGoal, SDG["4"]) in graph
    assert (EX.other, PG.addressesSdgGoal, SDG["11"]) in graph
    assert (EX.plan, PG.planAddressesSdg, SDG["4.1"]) in graph


def test_a_briefing_cannot_also_be_a_theme_plan() -> None:
    """The reasoner reports the disjointness of the functional kinds as an inconsistency."""
    graph = reason((EX.p, RDF.type, PG.Briefing), (EX.p, PG.planKind, KIND["theme-plan"]))
    assert list(graph.objects(None, ERRNS.error)) or (EX.p, RDF.type, OWL.Nothing) in graph


def test_the_register_uses_only_defined_terms(ontology: Graph, closure: Graph) -> None:
    """Every pg: term the data uses is defined by the ontology (no typos slip through)."""
    defined = set(own_terms(ontology))
    used = {p for _, p, _ in closure if str(p).startswith(str(PG))}
    used |= {o for _, p, o in closure if p == RDF.type and str(o).startswith(str(PG))}
    assert used - defined == set()
