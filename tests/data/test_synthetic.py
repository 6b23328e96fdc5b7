"""Tests of the synthetic national plan register (plangraph.data.synthetic)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF

from plangraph.data import synthetic
from tests.support.closure import canonical_blanks, owlrl_closure, relabel
from tests.support.paths import ROOT

ONTOLOGY = ROOT / "ontology" / "plangraph.ttl"


PREFIXES = """
PREFIX pg: <https://w3id.org/plangraph/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX kind: <https://w3id.org/plangraph/concept/plan-kind/>
"""
SOURCE = f"<{synthetic.SYNTHETIC_SOURCE}>"
PLAN_CLASSES = {
    "MunicipalPlanningStrategy": "planning-strategy",
    "MasterPlan": "master-plan",
    "SocialPart": "social-part",
    "LandUsePart": "land-use-part",
    "ActionAndEconomicPlan": "action-and-economic-plan",
    "Briefing": "briefing",
    "StrategyPlan": "strategy",
    "ThemePlan": "theme-plan",
    "ActionPlan": "action-plan",
}

# The N-Triples grammar, for the terms the generator writes (IRIs and literals; no blank nodes).
_IRI = r'<[^\x00-\x20<>"{}|^`\\]*>'
_STRING = r'"(?:[^"\\\n\r]|\\[tbnrf"\'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*"'
_LITERAL = rf"{_STRING}(?:@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*|\^\^{_IRI})?"
NTRIPLES_LINE = re.compile(rf"{_IRI} {_IRI} (?:{_IRI}|{_LITERAL}) \.\n")
NQUADS_LINE = re.compile(rf"{_IRI} {_IRI} (?:{_IRI}|{_LITERAL}) {_IRI} \.\n")


@cache
def lines(municipalities: int, seed: int = synthetic.DEFAULT_SEED) -> tuple[str, ...]:
    """The generated lines, computed once per argument pair for the whole session."""
    return tuple(synthetic.generate(municipalities, seed))


def digest(text_lines: tuple[str, ...]) -> str:
    return hashlib.sha256("".join(text_lines).encode("utf-8")).hexdigest()


def municipality_lines(text_lines: tuple[str, ...], index: int) -> list[str]:
    prefix = f"<{synthetic.SYNTHETIC_BASE}{index:03d}/"
    return [line for line in text_lines if line.startswith(prefix)]


@cache
def store(municipalities: int) -> ox.Store:
    result = ox.Store()
    result.bulk_extend(ox.parse("".join(lines(municipalities)), ox.RdfFormat.N_TRIPLES))
    return result


def select(query: str, municipalities: int = 12) -> list[ox.QuerySolution]:
    result = store(municipalities).query(PREFIXES + query)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)


def iris(solutions: list[ox.QuerySolution], variable: str = "s") -> set[str]:
    values = set()
    for solution in solutions:
        term = solution[variable]
        assert isinstance(term, ox.NamedNode)
        values.add(term.value)
    return values


# ---------------------------------------------------------------------------------------------
# Determinism and independence
# ---------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_output() -> None:
    again = tuple(synthetic.generate(3, synthetic.DEFAULT_SEED))
    assert digest(again) == digest(lines(3))


def test_different_seed_gives_different_output() -> None:
    assert digest(lines(3, 7)) != digest(lines(3))


def test_municipality_does_not_depend_on_how_many_are_generated() -> None:
    three, five = lines(3), lines(5)
    for index in (1, 2, 3):
        assert municipality_lines(three, index) == municipality_lines(five, index)
    assert municipality_lines(five, 4) and municipality_lines(five, 5)


def test_every_line_belongs_to_a_municipality_or_the_source() -> None:
    text = lines(3)
    source = [line for line in text if line.startswith(SOURCE)]
    assert len(source) == 5
    assert len(source) + sum(len(municipality_lines(text, k)) for k in (1, 2, 3)) == len(text)


def test_write_matches_generate(tmp_path: Path) -> None:
    path = tmp_path / "national.nt"
    count = synthetic.write(path, municipalities=3)
    assert count == len(lines(3))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest(lines(3))


# ---------------------------------------------------------------------------------------------
# Syntax
# ---------------------------------------------------------------------------------------------


def test_every_line_is_ntriples_and_parses() -> None:
    text = lines(2)
    bad = [line for line in text if not NTRIPLES_LINE.fullmatch(line)]
    assert not bad, bad[:3]
    parsed = list(ox.parse("".join(text), ox.RdfFormat.N_TRIPLES))
    assert len(parsed) == len(text)
    assert len(set(text)) == len(text), "duplicate triples"


def test_literals_are_escaped() -> None:
    raw = [line for line in lines(2) if "/terms/description>" in line and "\\n" in line]
    assert raw and all('\\"' in line for line in raw)
    parsed = [q.object for q in ox.parse("".join(raw), ox.RdfFormat.N_TRIPLES)]
    texts = [term.value for term in parsed if isinstance(term, ox.Literal)]
    assert any("\n" in value and '"' in value for value in texts)


def test_nquads_in_the_given_graph(tmp_path: Path) -> None:
    graph = "https://example.org/graph/synthetic-test"
    text = list(synthetic.generate(1, graph=graph))
    assert all(NQUADS_LINE.fullmatch(line) for line in text)
    quads = list(ox.parse("".join(text), ox.RdfFormat.N_QUADS))
    assert len(quads) == len(text)
    assert {q.graph_name for q in quads} == {ox.NamedNode(graph)}

    path = tmp_path / "national.nq"
    assert synthetic.write(path, municipalities=1) == len(text)
    written = list(ox.parse(path=path, format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name for q in written} == {ox.NamedNode(synthetic.SYNTHETIC_GRAPH)}


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        synthetic.write(tmp_path / "x.nt", municipalities=1, graph="https://example.org/g")
    with pytest.raises(ValueError):
        synthetic.write(tmp_path / "x.ttl", municipalities=1)
    with pytest.raises(ValueError):
        synthetic.write(tmp_path / "x.nq", municipalities=1, graph="not an iri")
    assert not list(tmp_path.iterdir()), "no file is written for refused arguments"
    with pytest.raises(ValueError):
        synthetic.generate(-1)
    with pytest.raises(ValueError):
        synthetic.generate(1, graph="not an iri")
    assert [line.startswith(SOURCE) for line in synthetic.generate(0)] == [True] * 5


# ---------------------------------------------------------------------------------------------
# Size
# ---------------------------------------------------------------------------------------------


def test_size_scales_linearly() -> None:
    small = (len(lines(2)) - 5) / 2
    large = (len(lines(8)) - 5) / 8
    assert abs(small - large) / large <= 0.25
    assert 8_000 <= large <= 12_000


# ---------------------------------------------------------------------------------------------
# Structure, checked with SPARQL on 12 municipalities
# ---------------------------------------------------------------------------------------------


def test_source_node_is_described_once() -> None:
    found = select(f"""
        SELECT ?type ?title ?description WHERE {{
          {SOURCE} a ?type ; dct:title ?title ; dct:description ?description .
          FILTER(lang(?title) = "en" && lang(?description) = "en")
        }}""")
    assert len(found) == 1
    assert found[0]["type"] == ox.NamedNode("https://w3id.org/plangraph/ontology#SyntheticSource")
    assert (
        found[0]["title"].value == "Synthetic data for benchmarks — describes no real municipality"
    )
    description = found[0]["description"].value
    assert "seed 2026" in description and "12 made-up municipalities" in description
    langs = select(f"SELECT DISTINCT (lang(?t) AS ?l) WHERE {{ {SOURCE} dct:title ?t }}")
    assert {s["l"].value for s in langs} == {"en", "nb"}


def test_every_resource_has_the_synthetic_source() -> None:
    missing = select(f"""
        SELECT DISTINCT ?s WHERE {{
          ?s ?p ?o . FILTER(?s != {SOURCE})
          FILTER NOT EXISTS {{ ?s dct:source {SOURCE} }}
        }}""")
    assert not missing
    objects = select(f"""
        SELECT DISTINCT ?o WHERE {{
          ?s ?p ?o . FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{synthetic.SYNTHETIC_BASE}"))
          FILTER NOT EXISTS {{ ?o dct:source {SOURCE} }}
        }}""")
    assert not objects, "objects referenced but never described"


def test_every_plan_has_kind_matching_its_class_and_a_status() -> None:
    for cls, code in PLAN_CLASSES.items():
        wrong = select(f"""
            SELECT ?s WHERE {{
              ?s a pg:{cls} .
              FILTER NOT EXISTS {{ ?s pg:planKind kind:{code} ; pg:lifecycleStatus ?status }}
            }}""")
        assert not wrong, (cls, wrong[:3])
    kinds = select(
        "SELECT ?s (COUNT(?k) AS ?n) WHERE { ?s pg:planKind ?k } GROUP BY ?s HAVING (?n != 1)"
    )
    assert not kinds
    statuses = select("""
        SELECT DISTINCT ?status WHERE { ?s pg:lifecycleStatus ?status }""")
    prefix = "https://w3id.org/plangraph/concept/lifecycle-status/"
    assert iris(statuses, "status") <= {
        prefix + c for c in ("under-work", "consultation", "current", "expired", "repealed")
    }


def test_every_action_plan_implements_an_adopted_strategy_or_theme_plan() -> None:
    action_plans = iris(select("SELECT ?s WHERE { ?s a pg:ActionPlan }"))
    good = iris(
        select("""
        SELECT DISTINCT ?s WHERE {
          ?s a pg:ActionPlan ; pg:implementsPlan ?p ; pg:municipality ?m .
          ?p pg:municipality ?m .
          { ?p a pg:StrategyPlan } UNION { ?p a pg:ThemePlan }
          ?adoption a pg:Adoption ; pg:eventOf ?p .
        }""")
    )
    assert action_plans and action_plans == good
    foreign = select("""
        SELECT ?measure WHERE {
          ?measure pg:partOfPlan ?s ; pg:implementsStrategy ?strategy .
          ?s a pg:ActionPlan ; pg:implementsPlan ?p .
          FILTER NOT EXISTS { ?strategy pg:partOfPlan ?p }
        }""")
    assert not foreign


def test_elements_follow_the_plan_kinds_except_the_seeded_defects() -> None:
    defects = synthetic.seeded_defects(12)
    expected = {
        kind: {d.resource for d in defects if d.kind == kind}
        for kind in ("briefing-with-measure", "action-plan-with-goal")
    }
    briefings = iris(
        select("""
        SELECT DISTINCT ?s WHERE { ?s a pg:Briefing . ?e pg:partOfPlan ?s }""")
    )
    assert briefings == expected["briefing-with-measure"]
    not_measures = iris(
        select("""
        SELECT DISTINCT ?s WHERE {
          ?s a pg:ActionPlan . ?e pg:partOfPlan ?s . FILTER NOT EXISTS { ?e a pg:Measure }
        }""")
    )
    assert not_measures == expected["action-plan-with-goal"]
    strategy_measures = select("""
        SELECT ?e WHERE { ?s a pg:StrategyPlan . ?e pg:partOfPlan ?s ; a pg:Measure }""")
    assert not strategy_measures
    goal = "pg:CommunityGoal pg:OrganisationGoal"
    required = {
        "StrategyPlan": (goal, "pg:Strategy"),
        "ThemePlan": (goal, "pg:Strategy", "pg:Measure"),
    }
    for cls, element_classes in required.items():
        plans = iris(select(f"SELECT ?s WHERE {{ ?s a pg:{cls} }}"))
        for element_class in element_classes:
            having = iris(
                select(f"""
                SELECT DISTINCT ?s WHERE {{
                  VALUES ?ec {{ {element_class} }} ?e a ?ec ; pg:partOfPlan ?s .
                }}""")
            )
            assert plans and plans <= having, (cls, element_class)


def test_red_threads_mostly_hold() -> None:
    counts = select("""
        SELECT (COUNT(DISTINCT ?g) AS ?all) (COUNT(DISTINCT ?linked) AS ?traced) WHERE {
          ?g pg:partOfPlan ?p ; pg:goalScope ?scope . ?p pg:planKind ?k .
          FILTER(?k IN (kind:strategy, kind:theme-plan))
          OPTIONAL {
            ?g pg:contributesTo ?target . ?target pg:partOfPlan ?kps . ?kps a pg:SocialPart .
            BIND(?g AS ?linked)
          }
        }""")
    total, traced = int(counts[0]["all"].value), int(counts[0]["traced"].value)
    assert 0.90 <= traced / total < 1.0
    broken = {
        d.resource for d in synthetic.seeded_defects(12) if d.kind == "goal-without-red-thread"
    }
    unlinked = iris(
        select("""
        SELECT ?s WHERE {
          ?s pg:partOfPlan ?p ; pg:goalScope ?scope . ?p a ?cls .
          FILTER(?cls IN (pg:StrategyPlan, pg:ThemePlan, pg:ActionPlan))
          FILTER NOT EXISTS { ?s pg:contributesTo ?t }
        }""")
    )
    assert unlinked == broken


def test_measures_mostly_have_owner_and_status() -> None:
    found = select("""
        SELECT (COUNT(?m) AS ?all) (SUM(IF(BOUND(?o) && BOUND(?st), 1, 0)) AS ?complete) WHERE {
          ?m a pg:Measure . OPTIONAL { ?m pg:owner ?o } OPTIONAL { ?m pg:measureStatus ?st }
        }""")
    total, complete = int(found[0]["all"].value), int(found[0]["complete"].value)
    assert 0.90 <= complete / total < 1.0


def test_sdg_links_are_real_un_iris() -> None:
    targets = iris(select("SELECT DISTINCT ?s WHERE { ?e pg:addressesSdg ?s }"))
    pattern = re.compile(r"http://metadata\.un\.org/sdg/(\d{1,2})(?:\.(\d{1,2}))?")
    assert targets
    for iri in targets:
        match = pattern.fullmatch(iri)
        assert match, iri
        assert 1 <= int(match.group(1)) <= 17
    codes = [iri.rsplit("/", 1)[1] for iri in targets]
    assert any("." in code for code in codes) and any("." not in code for code in codes)


def test_planning_strategies_assess_plans_and_state_figures() -> None:
    per_period = select("""
        SELECT ?m (COUNT(DISTINCT ?ps) AS ?n) WHERE {
          ?ps a pg:MunicipalPlanningStrategy ; pg:municipality ?m ; pg:electionPeriod ?ep .
          ?ep pg:constitutedOn ?constituted .
        } GROUP BY ?m""")
    assert len(per_period) == 12 and all(int(s["n"].value) == 2 for s in per_period)
    mismatched = select("""
        SELECT ?ps ?outcome ?count (COUNT(?a) AS ?assessed) WHERE {
          ?ps pg:statedFigure ?f . ?f pg:figureOf ?outcome ; pg:count ?count .
          FILTER(STRSTARTS(STR(?outcome), "https://w3id.org/plangraph/concept/assessment-outcome/"))
          OPTIONAL {
            ?a pg:assessedIn ?ps ; pg:outcome ?outcome ; pg:assessedPlan ?plan .
            ?plan pg:planKind ?k .
            FILTER(?k IN (kind:briefing, kind:strategy, kind:theme-plan, kind:action-plan))
          }
        } GROUP BY ?ps ?outcome ?count HAVING (?count != COUNT(?a))""")
    assert not mismatched


def test_action_and_economic_plans_cover_four_years_except_seeded() -> None:
    short = iris(
        select("""
        PREFIX time: <http://www.w3.org/2006/time#>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        SELECT ?s WHERE {
          ?s a pg:ActionAndEconomicPlan ; pg:revisionIntervalYears 1 ; pg:period ?p .
          ?p time:hasBeginning/time:inXSDgYear ?b ; time:hasEnd/time:inXSDgYear ?e .
          FILTER(xsd:integer(STR(?e)) - xsd:integer(STR(?b)) + 1 != 4)
        }""")
    )
    expected = {
        d.resource
        for d in synthetic.seeded_defects(12)
        if d.kind == "action-and-economic-plan-short"
    }
    assert short == expected


def test_planning_strategies_late_exactly_where_seeded() -> None:
    found = select("""
        SELECT ?s ?constituted ?adopted WHERE {
          ?s a pg:MunicipalPlanningStrategy ; pg:electionPeriod ?ep .
          ?ep pg:constitutedOn ?constituted .
          ?adoption a pg:Adoption ; pg:eventOf ?s ; pg:date ?adopted .
        }""")
    assert len(found) == 24
    late = set()
    for solution in found:
        constituted = date.fromisoformat(solution["constituted"].value)
        adopted = date.fromisoformat(solution["adopted"].value)
        if adopted > constituted.replace(year=constituted.year + 1):
            late.add(solution["s"].value)
    expected = {
        d.resource for d in synthetic.seeded_defects(12) if d.kind == "planning-strategy-late"
    }
    assert late == expected


def test_seeded_defects_are_about_one_to_two_percent_of_plans() -> None:
    municipalities = 60
    defects = Counter(d.kind for d in synthetic.seeded_defects(municipalities))
    plans = sum(1 for line in synthetic.generate(municipalities) if "/ontology#planKind>" in line)
    plan_level = (
        "action-plan-with-goal",
        "briefing-with-measure",
        "planning-strategy-late",
        "action-and-economic-plan-short",
    )
    assert all(defects[kind] for kind in plan_level), defects
    assert 0.005 <= sum(defects[kind] for kind in plan_level) / plans <= 0.03
    assert defects["goal-without-red-thread"] and defects["measure-without-owner"]


# ---------------------------------------------------------------------------------------------
# Consistency with the ontology
# ---------------------------------------------------------------------------------------------


def test_owl_rl_closure_of_one_municipality_is_consistent(closures: Path | None) -> None:
    # Municipality 2 has parliamentary government: city government, departments, agencies and
    # both kinds of cases, so every disjointness axiom of the ontology has something to bite on.
    sample = [line for line in lines(2) if line.startswith(SOURCE)]
    sample += municipality_lines(lines(2), 2)
    assert any("/ontology#CityGovernmentCase>" in line for line in sample)
    graph = rdflib.Graph()
    graph.parse(ONTOLOGY, format="turtle")
    graph.parse(data="".join(sample), format="nt")
    inputs = set(graph)
    closure = owlrl_closure(relabel(inputs, canonical_blanks(inputs)), closures)
    types = {o for _, p, o in closure if p == RDF.type}
    assert OWL.Nothing not in types
    assert rdflib.URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage") not in types
    # the closure did reason: class equivalences give the plan-kind classes back
    assert (
        rdflib.URIRef(f"{synthetic.SYNTHETIC_BASE}002/plan-master-plan"),
        RDF.type,
        rdflib.URIRef("https://w3id.org/plangraph/ontology#Plan"),
    ) in closure
