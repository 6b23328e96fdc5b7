"""Bergen's plan register, read from the loaded store: complete, sourced, and honest."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from plangraph.namespaces import GRAPH_BASE, sparql_prologue
from plangraph.store import PlanStore

BK = "https://w3id.org/plangraph/id/4601/"
KIND = "https://w3id.org/plangraph/concept/plan-kind/"

# Every plan the source presentation names (see DOMAIN.md), with the kind it gives it.
PRESENTATION_PLANS = {
    "plan-planstrategi-2019-2023": "planning-strategy",
    "plan-planstrategi-2023-2027": "planning-strategy",
    "plan-kommuneplan": "master-plan",
    "plan-kps-bergen-2030": "social-part",
    "plan-kps-et-nystemt-bergen": "social-part",
    "plan-kpa-2018-2030": "land-use-part",
    "plan-sammen-for-kvalitet-lek-og-laring-2018-2021": "theme-plan",
    "plan-sammen-for-kvalitet-lek-og-medvirkning": "theme-plan",
    "plan-sammen-for-kvalitet-laring-og-medvirkning": "theme-plan",
    "plan-skolebruksplan-2021-2030": "theme-plan",
    "plan-skolebruksplan-ny": "theme-plan",
    "plan-barnehagebruksplan-2022-2035": "theme-plan",
    "plan-spor-oss-strategi": "strategy",
    "plan-spor-oss-handlingsplan": "action-plan",
    "plan-smart-oppvekst-2019-2022": "theme-plan",
    "plan-skyfritt": "theme-plan",
    "plan-rammeplan-sfo": "theme-plan",
    "plan-seksuell-helse": "theme-plan",
    "plan-strategi-for-oppvekst": "strategy",
    "plan-se-meg-hor-oss": "action-plan",
    "plan-handlingsplan-barnevernet": "action-plan",
    "plan-idrettsplan-2017-2027": "theme-plan",
    "plan-idrettsplan-anleggsdel-2023-2027": "theme-plan",
}

BERGEN_GRAPHS = [GRAPH_BASE + g for g in ("bergen/sources", "bergen/organisation", "bergen/plans")]


def select(store: PlanStore, query: str) -> list[dict[str, str]]:
    result = store.raw.query(sparql_prologue() + query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{name: row[name].value for name in names if row[name] is not None} for row in result]


def test_every_plan_of_the_presentation_has_kind_owner_and_status(loaded_store: PlanStore) -> None:
    rows = select(
        loaded_store,
        """SELECT ?plan ?kind ?owner ?status ?title WHERE {
             ?plan pg:planKind ?kind ; pg:municipality bk:kommune .
             OPTIONAL { ?plan pg:owner ?owner }
             OPTIONAL { ?plan pg:lifecycleStatus ?status }
             OPTIONAL { ?plan dct:title ?title FILTER(LANG(?title) = "nb") }
           }""",
    )
    plans = {row["plan"].removeprefix(BK): row for row in rows}
    for local, kind in PRESENTATION_PLANS.items():
        assert local in plans, f"{local} is missing from the register"
        row = plans[local]
        assert row["kind"] == KIND + kind, local
        assert "owner" in row, f"{local} has no owner"
        assert "status" in row, f"{local} has no lifecycle status"
        assert row.get("title"), f"{local} has no Norwegian title"


def test_at_least_one_action_and_economic_plan_is_rolled_yearly(loaded_store: PlanStore) -> None:
    rows = select(
        loaded_store,
        """SELECT ?plan WHERE { ?plan a pg:ActionAndEconomicPlan ; pg:revisionIntervalYears 1 ;
                                     pg:actionPartOf ?kps . ?kps a pg:SocialPart }""",
    )
    assert rows


def test_the_action_plans_implement_their_strategies(loaded_store: PlanStore) -> None:
    rows = select(loaded_store, "SELECT ?a ?s WHERE { ?a pg:implementsPlan ?s }")
    links = {(r["a"].removeprefix(BK), r["s"].removeprefix(BK)) for r in rows}
    assert ("plan-spor-oss-handlingsplan", "plan-spor-oss-strategi") in links
    assert ("plan-se-meg-hor-oss", "plan-strategi-for-oppvekst") in links
    assert ("plan-handlingsplan-barnevernet", "plan-strategi-for-oppvekst") in links


def test_the_facilities_part_of_the_sports_plan_is_rolled_every_four_years(
    loaded_store: PlanStore,
) -> None:
    rows = select(
        loaded_store,
        """SELECT ?years WHERE { bk:plan-idrettsplan-anleggsdel-2023-2027
             pg:partOfPlanDocument bk:plan-idrettsplan-2017-2027 ; pg:revisionIntervalYears ?years }""",
    )
    assert [r["years"] for r in rows] == ["4"]


def test_bergen_2030_has_its_vision_and_nine_focus_areas(loaded_store: PlanStore) -> None:
    vision = select(
        loaded_store,
        """SELECT ?label WHERE { ?v a pg:Vision ; pg:partOfPlan bk:plan-kps-bergen-2030 ;
                                   rdfs:label ?label FILTER(LANG(?label) = "nb") }""",
    )
    assert [r["label"] for r in vision] == ["AKTIV og ATTRAKTIV"]
    areas = select(
        loaded_store,
        """SELECT ?label WHERE { ?f a pg:FocusArea ; pg:partOfPlan bk:plan-kps-bergen-2030 ;
                                   rdfs:label ?label FILTER(LANG(?label) = "nb") }""",
    )
    assert {r["label"] for r in areas} == {
        "Gåbyen", "Fremtidsrettet", "Grønn", "Engasjert", "Drivkraft i regionen",
        "Kompakt", "Mangfoldig", "Trygg", "Særpreget",
    }  # fmt: skip


def test_the_planning_strategy_figures_keep_both_sources(loaded_store: PlanStore) -> None:
    rows = select(
        loaded_store,
        """SELECT ?source ?what ?n WHERE {
             bk:plan-planstrategi-2019-2023 pg:statedFigure ?f .
             ?f pg:figureOf ?what ; pg:count ?n ; dct:source ?source }""",
    )
    by_source: dict[str, dict[str, int]] = {}
    for r in rows:
        by_source.setdefault(r["source"], {})[r["what"].rsplit("/", 1)[1]] = int(r["n"])
    four = ("continued", "revised", "discontinued", "new")
    sets = {tuple(figures.get(k) for k in four) for figures in by_source.values()}
    assert (42, 39, 15, 42) in sets
    assert (42, 38, 16, 43) in sets
    presentation = by_source["https://w3id.org/plangraph/id/source/bergen-plansystem-presentation"]
    assert presentation["current-thematic-plans"] == 123
    assert presentation["plan-processes"] == 81


def test_the_planning_strategy_was_adopted_by_the_council(loaded_store: PlanStore) -> None:
    rows = select(
        loaded_store,
        """SELECT ?date ?number WHERE { ?case a pg:CouncilCase ; pg:caseNumber ?number ;
             pg:date ?date ; pg:concerns bk:plan-planstrategi-2019-2023 ;
             pg:decidedBy ?body . ?body a pg:MunicipalCouncil }""",
    )
    assert {(r["number"], r["date"]) for r in rows} == {("246/20", "2020-09-22")}


@pytest.mark.parametrize("graph", BERGEN_GRAPHS)
def test_every_resource_of_the_register_has_a_source(loaded_store: PlanStore, graph: str) -> None:
    """Every described IRI, and every stated figure, names a pg:Source."""
    unsourced = select(
        loaded_store,
        f"""SELECT DISTINCT ?s WHERE {{
              GRAPH <{graph}> {{ ?s ?p ?o }}
              FILTER(isIRI(?s) || EXISTS {{ ?s a pg:StatedFigure }})
              FILTER NOT EXISTS {{ ?s a pg:Source }}
              FILTER NOT EXISTS {{ ?s dct:source ?src . ?src a pg:Source }}
            }}""",
    )
    assert unsourced == []


def test_every_source_says_what_it_is(loaded_store: PlanStore) -> None:
    rows = select(
        loaded_store,
        """SELECT ?s ?title ?evidence WHERE { ?s a pg:Source .
             OPTIONAL { ?s dct:title ?title } OPTIONAL { ?s pg:evidence ?evidence } }""",
    )
    assert len(rows) > 20
    for r in rows:
        assert r.get("title"), r["s"]
        if "synthetic" not in r["s"] and "illustrative" not in r["s"]:
            assert r.get("evidence") in {"V", "S", "K"}, r["s"]


def test_illustrative_examples_are_marked_and_kept_apart(loaded_store: PlanStore) -> None:
    examples = select(
        loaded_store,
        """SELECT ?s ?label WHERE {
             GRAPH ?g { ?s dct:source src:illustrative }
             OPTIONAL { ?s rdfs:label ?label FILTER(LANG(?label) = "nb") } }""",
    )
    assert len(examples) >= 5
    for r in examples:
        assert r["s"].startswith(BK + "example-"), r["s"]
        assert r.get("label", "").startswith("Eksempel: "), r["s"]
    # Nothing in Bergen's own graphs is illustrative, and no example is passed off as a fact.
    leaked = select(
        loaded_store,
        f"""SELECT ?s WHERE {{ VALUES ?g {{ {" ".join(f"<{g}>" for g in BERGEN_GRAPHS)} }}
              GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?s), "{BK}example-")) }}""",
    )
    assert leaked == []


def test_the_illustrative_measures_show_a_red_thread_to_bergen_2030(
    loaded_store: PlanStore,
) -> None:
    rows = select(
        loaded_store,
        """SELECT DISTINCT ?measure WHERE {
             ?measure a pg:Measure ; dct:source src:illustrative ;
               (pg:implementsStrategy|pg:servesGoal|pg:contributesTo|pg:underFocusArea)+ ?top .
             ?top pg:partOfPlan bk:plan-kps-bergen-2030 }""",
    )
    assert len(rows) >= 3


def test_the_sdg_vocabulary_is_complete_with_norwegian_names(loaded_store: PlanStore) -> None:
    counts = select(
        loaded_store,
        """SELECT ?class (COUNT(DISTINCT ?c) AS ?n) WHERE {
             VALUES ?class { sdgo:Goal sdgo:Target sdgo:Indicator } ?c a ?class } GROUP BY ?class""",
    )
    assert {r["class"].rsplit("#", 1)[1]: int(r["n"]) for r in counts} == {
        "Goal": 17,
        "Target": 169,
        "Indicator": 232,
    }
    names = select(
        loaded_store,
        """SELECT ?g ?name WHERE { ?g a sdgo:Goal ; skos:prefLabel ?name FILTER(LANG(?name) = "nb") }""",
    )
    assert len(names) == 17
    assert {"God utdanning", "Bærekraftige byer og lokalsamfunn"} <= {r["name"] for r in names}
