"""The plan portfolio (plangraph.library.portfolio) without HTTP: the data behind the public pages,
read from a store on disk as the pages read it (the union of every graph when there are no
illustrative examples; the graphs named, examples and inferences left out, when there are).

What the answers should hold is read from data/bergen/plans.ttl, not from the code under test.
"""

from __future__ import annotations

from datetime import date

import pyoxigraph as ox
import pytest

from plangraph.lang import Lang
from plangraph.library import portfolio
from plangraph.library.portfolio import FilterError, PartialDate, PlanFilters
from plangraph.namespaces import sparql_prologue
from plangraph.store import PlanStore
from tests.support.stores import bergen_files

BK = "https://w3id.org/plangraph/id/4601/"
PG = "https://w3id.org/plangraph/ontology#"
KIND = "https://w3id.org/plangraph/concept/plan-kind/"
STATUS = "https://w3id.org/plangraph/concept/lifecycle-status/"
LEK_OG_MEDVIRKNING = BK + "plan-sammen-for-kvalitet-lek-og-medvirkning"
SKOLEBRUKSPLAN_NY = BK + "plan-skolebruksplan-ny"
KPS = BK + "plan-kps-bergen-2030"
SPOR_OSS = BK + "plan-spor-oss-strategi"
MAY_13 = date(2024, 5, 13)


BERGEN = bergen_files()


def in_file(predicate: str, subject: str | None = None, obj: str | None = None) -> list[ox.Quad]:
    return list(
        BERGEN.quads_for_pattern(
            None if subject is None else ox.NamedNode(subject),
            ox.NamedNode(PG + predicate),
            None if obj is None else ox.NamedNode(obj),
        )
    )


def plans_in_file() -> dict[str, str]:
    """Bergen's plans: IRI → the IRI of their lifecycle status ("" if none)."""
    found = {}
    for quad in in_file("planKind"):
        status = in_file("lifecycleStatus", quad.subject.value)
        found[quad.subject.value] = status[0].object.value if status else ""
    return found


@pytest.fixture
def select(reasoned_store: PlanStore) -> portfolio.Select:
    """Bergen's register with the inferences, no examples: the union of every graph."""
    graphs = [g.iri for g in reasoned_store.graphs()]
    assert not portfolio.has_examples(graphs)
    return portfolio.store_select(reasoned_store.raw, None)


@pytest.fixture
def examples_store_graphs(examples_store: PlanStore) -> list[str]:
    return [g.iri for g in examples_store.graphs()]


# ---------------------------------------------------------------------------------------------
# The dataset
# ---------------------------------------------------------------------------------------------


def test_the_pages_leave_out_the_load_records_the_inferences_staging_and_the_examples() -> None:
    base = "https://w3id.org/plangraph/graph/"
    graphs = [
        base + "bergen/plans",
        base + "_meta",
        base + "inferred",
        base + "examples/illustrative",
        portfolio.STAGING_PREFIX + "x",
    ]
    assert portfolio.page_graphs(graphs) == [base + "bergen/plans"]
    assert portfolio.page_graphs(graphs, examples=True) == [
        base + "bergen/plans",
        base + "examples/illustrative",
    ]
    assert portfolio.has_examples(graphs) and not portfolio.has_examples(graphs[:3])


def test_the_graphs_of_the_store_with_when_they_were_loaded(reasoned_store: PlanStore) -> None:
    found = portfolio.store_graphs(portfolio.store_select(reasoned_store.raw, None))
    infos = reasoned_store.graphs()
    assert {g: m for g, m in found.items() if g != portfolio.META_GRAPH} == {
        i.iri: i.modified for i in infos
    }
    assert found["https://w3id.org/plangraph/graph/bergen/plans"]


def test_results_read_from_json_are_the_results_read_from_the_store(
    reasoned_store: PlanStore,
) -> None:
    query = (
        sparql_prologue()
        + "SELECT ?plan ?label ?asOf ?period ?none WHERE { VALUES ?plan { <"
        + KPS
        + "> } ?plan rdfs:label ?label ; pg:statusAsOf ?asOf ; pg:period ?period "
        "OPTIONAL { ?plan pg:noSuchProperty ?none } }"
    )
    direct = portfolio.rows_of(reasoned_store.raw.query(query, use_default_graph_as_union=True))
    body = reasoned_store.raw.query(query, use_default_graph_as_union=True).serialize(
        format=ox.QueryResultsFormat.JSON
    )
    assert body is not None
    from_json = portfolio.rows_from_json(body)
    assert from_json == direct and len(direct) >= 2  # one row per language of the label
    kinds = {type(t) for row in from_json for t in row.values()}
    assert kinds == {ox.NamedNode, ox.Literal, ox.BlankNode}  # the period is a blank node
    assert all("none" not in row for row in from_json)  # unbound: left out
    with pytest.raises(TypeError, match="JSON results"):
        portfolio.rows_from_json(b"<html>")


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


def test_dates_are_as_precise_as_their_source() -> None:
    month = PartialDate.parse("2024-02")
    assert month == PartialDate(2024, 2)
    assert (month.first(), month.last()) == (date(2024, 2, 1), date(2024, 2, 29))
    assert month.label(Lang.nb) == "februar 2024" and month.precision == "month"
    assert PartialDate.parse("2024-06-12").label(Lang.nb) == "12. juni 2024"  # type: ignore[union-attr]
    assert PartialDate.parse("2024-06-12").label(Lang.en) == "12 June 2024"  # type: ignore[union-attr]
    assert PartialDate.parse("2025").last() == date(2025, 12, 31)  # type: ignore[union-attr]
    assert PartialDate.parse("2024-13") is None and PartialDate.parse("soon") is None
    assert portfolio.months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert portfolio.months_before(date(2024, 6, 1), 24) == date(2022, 6, 1)


# ---------------------------------------------------------------------------------------------
# The plan register
# ---------------------------------------------------------------------------------------------


def test_the_register_lists_each_plan_once_with_its_facts(select: portfolio.Select) -> None:
    plans = portfolio.plan_register(select, Lang.nb, date(2024, 6, 1))
    by_iri = {p.iri: p for p in plans}
    assert len(by_iri) == len(plans)
    assert set(by_iri) == set(plans_in_file())
    for iri, status in plans_in_file().items():
        assert (by_iri[iri].status.iri if by_iri[iri].status else "") == status
        assert by_iri[iri].kind.iri == in_file("planKind", iri)[0].object.value
    assert [p.name.casefold() for p in plans] == sorted(p.name.casefold() for p in plans)
    skole = by_iri[BK + "plan-skolebruksplan-2021-2030"]
    assert [s.name for s in skole.successors] == ["Ny skolebruksplan"]
    assert (skole.first_year, skole.last_year, skole.period) == (2021, 2030, "2021–2030")
    assert [o.name for o in skole.owners] == ["Byrådsavdeling for barnehage og skole"]
    assert len(by_iri[BK + "plan-strategi-for-oppvekst"].owners) == 2
    assert by_iri[KPS].name == "Bergen 2030"
    # Only some plans, by IRI: the same summaries.
    only = portfolio.plan_register(select, Lang.nb, date(2024, 6, 1), only=[KPS, SKOLEBRUKSPLAN_NY])
    assert only == [by_iri[KPS], by_iri[SKOLEBRUKSPLAN_NY]]
    english = {p.iri: p for p in portfolio.plan_register(select, Lang.en, date(2024, 6, 1))}
    assert english[KPS].kind.name != by_iri[KPS].kind.name  # the kind's English name


def test_a_status_not_confirmed_says_why(select: portfolio.Select) -> None:
    by_iri = {p.iri: p for p in portfolio.plan_register(select, Lang.nb, date(2024, 6, 1))}
    old = by_iri[BK + "plan-hop-2018-2021"]
    assert (old.unconfirmed, old.as_of) == ("age", PartialDate(2022, 1, 1))
    assert by_iri[KPS].unconfirmed is None
    later = portfolio.plan_register(select, Lang.nb, date(2026, 12, 7))
    assert all(p.unconfirmed for p in later if p.as_of is not None)


def test_filters_keep_the_plans_they_name_and_refuse_what_does_not_fit(
    select: portfolio.Select,
) -> None:
    plans = portfolio.plan_register(select, Lang.nb, MAY_13)
    for given, check in (
        ({"kind": "theme-plan"}, lambda p: p.kind.iri == KIND + "theme-plan"),
        ({"kind": KIND + "action-plan"}, lambda p: p.kind.iri == KIND + "action-plan"),
        ({"status": "under-work"}, lambda p: p.status and p.status.iri == STATUS + "under-work"),
        ({"period": "2024"}, lambda p: (p.first_year or 0) <= 2024 <= (p.last_year or 9999)),
        ({"q": "Sammen  LEK"}, lambda p: "sammen" in p.search_text and "lek" in p.search_text),
    ):
        filters = PlanFilters.parse(given)
        kept = [p for p in plans if filters.matches(p)]
        assert kept and all(check(p) for p in kept), given
        assert not any(check(p) for p in plans if p not in kept and p.period), given
    assert PlanFilters.parse({"period": "2020 – 2024"}).as_params() == {"period": "2020-2024"}
    for bad, named in (
        ({"sdg": "18"}, "sdg="),
        ({"sdg": "four"}, "sdg="),
        ({"period": "2024-2020"}, "first year comes first"),
        ({"period": "last year"}, "period="),
        ({"kind": "theme plan"}, "kind="),
    ):
        with pytest.raises(FilterError, match=named):
            PlanFilters.parse(bad)


def test_the_facets_count_the_plans(select: portfolio.Select) -> None:
    plans = portfolio.plan_register(select, Lang.nb, MAY_13)
    facets = portfolio.facets(plans)
    assert sum(f.count for f in facets["kind"]) == len(plans)
    statuses = {f.value: f.count for f in facets["status"]}
    assert statuses["under-work"] == sum(
        1 for s in plans_in_file().values() if s == STATUS + "under-work"
    )


def test_the_counts_agree_with_the_register(select: portfolio.Select) -> None:
    counts = portfolio.counts(select, MAY_13)
    assert counts["plans"] == len(plans_in_file())
    assert counts["under way"] == len(portfolio.under_way(select, Lang.nb, MAY_13))
    assert counts["focus areas"] >= 9
    assert counts["events"] == len({q.subject for q in in_file("eventOf")})


# ---------------------------------------------------------------------------------------------
# Plan work under way, and the register's changes
# ---------------------------------------------------------------------------------------------


def test_the_plan_work_under_way_with_its_next_milestone(select: portfolio.Select) -> None:
    work = portfolio.under_way(select, Lang.nb, MAY_13)
    by_plan = {w.plan.iri: w for w in work}
    assert set(by_plan) == {
        iri for iri, s in plans_in_file().items() if s.rsplit("/", 1)[-1] in portfolio.UNDER_WAY
    }
    barnehage = by_plan[LEK_OG_MEDVIRKNING]
    assert {e.iri for e in barnehage.events} == {
        q.subject.value for q in in_file("eventOf", obj=LEK_OG_MEDVIRKNING)
    }
    assert [e.key_date.iso for e in barnehage.events if e.key_date] == [
        "2024-06-12",
        "2024-09",
        "2024-11-27",
    ]
    assert barnehage.next is not None and barnehage.next.is_deadline
    skole = by_plan[SKOLEBRUKSPLAN_NY]
    assert skole.next is not None and skole.next.key_date == PartialDate(2024, 6)
    assert all(e.is_planned for e in skole.events) and skole.stage is None
    order = [w.plan.iri for w in work]
    assert order.index(LEK_OG_MEDVIRKNING) < order.index(SKOLEBRUKSPLAN_NY)
    later = {w.plan.iri: w for w in portfolio.under_way(select, Lang.nb, date(2025, 1, 1))}
    assert later[LEK_OG_MEDVIRKNING].next is None
    assert later[LEK_OG_MEDVIRKNING].stage is not None
    assert later[SKOLEBRUKSPLAN_NY].next.key_date == PartialDate(2025, 5)  # type: ignore[union-attr]


def test_the_changes_are_newest_first_and_none_is_in_the_future(
    select: portfolio.Select,
) -> None:
    graphs_of = portfolio.plan_graphs(select)
    assert graphs_of[KPS] == ["https://w3id.org/plangraph/graph/bergen/plans"]
    loaded = {"https://w3id.org/plangraph/graph/bergen/plans": "2024-01-02T03:04:05+00:00"}
    changes = portfolio.changes(select, Lang.nb, MAY_13, loaded, graphs_of, limit=1000)
    keys = [
        (c.loaded or "")[:10] if c.kind == "added" else c.when.first().isoformat()  # type: ignore[union-attr]
        for c in changes
    ]
    assert keys == sorted(keys, reverse=True)
    assert all(k <= MAY_13.isoformat() for k in keys)
    added = {c.plan.iri for c in changes if c.kind == "added"}
    assert added == set(plans_in_file())
    assert {c.kind for c in changes} == {"added", "status", "event"}
    assert len({c.id for c in changes}) == len(changes)
    assert len(portfolio.changes(select, Lang.nb, MAY_13, loaded, graphs_of, limit=5)) == 5


# ---------------------------------------------------------------------------------------------
# SDG coverage
# ---------------------------------------------------------------------------------------------


def test_without_the_examples_no_plan_addresses_a_goal(select: portfolio.Select) -> None:
    coverage = portfolio.sdg_coverage(select, Lang.nb)
    assert [g.number for g in coverage.goals] == list(range(1, 18))
    assert coverage.goals[3].name == "God utdanning"
    assert coverage.rows == []


def test_with_the_examples_the_cells_count_the_elements_behind_them(
    examples_store: PlanStore, examples_store_graphs: list[str]
) -> None:
    shown = portfolio.store_select(examples_store.raw, None)  # asked for: every graph
    hidden = portfolio.store_select(
        examples_store.raw, portfolio.page_graphs(examples_store_graphs)
    )
    assert portfolio.sdg_coverage(hidden, Lang.nb).rows == []
    coverage = portfolio.sdg_coverage(shown, Lang.nb)
    assert {r.ref.name for r in coverage.rows} == {"Skyfritt", "Spør oss! Handlingsplan"}
    for row in coverage.rows:
        for number, count in row.cells.items():
            goal, elements = portfolio.sdg_elements(shown, Lang.nb, number, plan=row.ref.iri)
            assert goal is not None and goal.number == number
            assert len(elements) == count and all(e.example for e in elements)
    owners = portfolio.sdg_coverage(shown, Lang.nb, by="owner").rows
    assert [r.ref.iri for r in owners] == [BK + "org-bbs"] and owners[0].plans == 2
    summed: dict[int, int] = {}
    for row in coverage.rows:
        for number, count in row.cells.items():
            summed[number] = summed.get(number, 0) + count
    assert owners[0].cells == summed


# ---------------------------------------------------------------------------------------------
# One plan: its profile and its red thread
# ---------------------------------------------------------------------------------------------


def test_a_plans_profile_lists_each_link_once_and_never_the_plan_itself(
    select: portfolio.Select,
) -> None:
    profile = portfolio.plan_profile(select, Lang.nb, KPS, MAY_13)
    assert profile is not None and profile.plan.name == "Bergen 2030"
    assert [r.name for r in profile.legal_basis] == [
        "plan- og bygningsloven § 11-2",
        "plan- og bygningsloven § 11-3",
        "plan- og bygningsloven § 11-4 første ledd",
    ]
    assert [(link.source.name, link.target.name) for link in profile.up] == [
        ("Bergen 2030", "Kommuneplanen")
    ]
    assert {BK + "plan-hop-2025-2028", BK + "plan-kpa-2018-2030"} <= {
        link.source.iri for link in profile.down
    }
    for local in ("plan-skyfritt", "plan-kps-bergen-2030", "plan-spor-oss-strategi"):
        found = portfolio.plan_profile(select, Lang.nb, BK + local, MAY_13)
        assert found is not None
        assert all(link.source.iri != link.target.iri for link in found.up)
        assert all(link.source.iri != BK + local for link in found.down)
        linked = [ref.iri for ref, _ in found.backlinks]
        assert BK + local not in linked and len(linked) == len(set(linked))
    assert portfolio.plan_profile(select, Lang.nb, BK + "org-bbs", MAY_13) is None


def test_the_kindergarten_quality_plans_timeline(select: portfolio.Select) -> None:
    profile = portfolio.plan_profile(select, Lang.nb, LEK_OG_MEDVIRKNING, MAY_13)
    assert profile is not None
    assert [(e.key_date.iso if e.key_date else None, e.is_planned) for e in profile.events] == [
        ("2024-06-12", False),
        ("2024-09", True),
        ("2024-11-27", True),
    ]


def test_bergen_2030s_red_thread_from_the_vision_to_the_goals(select: portfolio.Select) -> None:
    thread = portfolio.red_thread(select, Lang.nb, KPS)
    kinds = [n.kind for n in thread.nodes.values()]
    assert set(kinds) == {"Vision", "FocusArea", "Goal"}  # no measure without the examples
    assert kinds.count("Vision") == 3 and kinds.count("FocusArea") == 9
    assert thread.roots == [BK + "vision-bergen-2030"]
    for iri, node in thread.nodes.items():
        assert iri not in node.parents and iri not in node.children
        for parent in node.parents:
            assert iri in thread.nodes[parent].children
    # Each focus area under one of the vision's halves, not also under the vision.
    vision = thread.nodes[BK + "vision-bergen-2030"]
    assert all(thread.nodes[c].kind == "Vision" for c in vision.children)


def test_the_red_thread_reaches_the_examples_measures_only_when_they_are_read(
    examples_store: PlanStore, examples_store_graphs: list[str]
) -> None:
    shown = portfolio.store_select(examples_store.raw, None)
    hidden = portfolio.store_select(
        examples_store.raw, portfolio.page_graphs(examples_store_graphs)
    )
    measures = {
        i for i, n in portfolio.red_thread(shown, Lang.nb, KPS).nodes.items() if n.kind == "Measure"
    }
    assert len(measures) == 5 and all(i.startswith(BK + "example-measure-") for i in measures)
    assert not any(
        n.kind == "Measure" for n in portfolio.red_thread(hidden, Lang.nb, KPS).nodes.values()
    )
    spor_oss = portfolio.red_thread(hidden, Lang.nb, SPOR_OSS)
    for goal in (BK + "goal-spor-oss-1", BK + "goal-spor-oss-2"):
        assert set(spor_oss.nodes[goal].breaks) == {"no-measure", "no-social-part"}
    served = portfolio.red_thread(shown, Lang.nb, SPOR_OSS).nodes[BK + "goal-spor-oss-1"]
    assert "no-measure" not in served.breaks
