"""Links by name: resolved against the register by every kind of name it keeps, in the plan's own
municipality first; unknown and ambiguous names are errors that list the candidates; what each
name resolved to comes back with the submission."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from plangraph.data import datasets
from plangraph.validation import Register, parse
from plangraph.validation.plain import PlainError, read
from plangraph.validation.register import REGISTER_GRAPH

BK = "https://w3id.org/plangraph/id/4601/"
PG = "https://w3id.org/plangraph/ontology#"
SDG = "http://metadata.un.org/sdg/"


def linked(text: str, register: Register | None, predicate: str) -> set[str]:
    result = read(text, source="plan.yaml", syntax="yaml", register=register)
    return {t.object.value for t in result.triples if t.predicate.value == PG + predicate}


@pytest.mark.parametrize(
    ("key", "name", "predicate", "iri"),
    [
        ("owner", "Etat for skole", "owner", BK + "org-etat-skole"),  # label
        ("owner", "BBS", "owner", BK + "org-bbs"),  # alternative label
        ("owner", "bbs", "owner", BK + "org-bbs"),  # any case
        ("owner", "Byrådsavdeling for barnehage, skole og idrett", "owner", BK + "org-bbs"),
        ("owner", "964338531", "owner", BK + "kommune"),  # organisation number
        ("owner", "964 338 531", "owner", BK + "kommune"),
        ("municipality", "4601", "municipality", BK + "kommune"),  # municipality number
        ("municipality", "1201", "municipality", BK + "kommune"),  # the number before 2020
        ("municipality", "Bergen", "municipality", BK + "kommune"),  # without "kommune"
        (
            "supportsPlan",
            "Kommuneplanens samfunnsdel - Bergen 2030",
            "supportsPlan",
            BK + "plan-kps-bergen-2030",
        ),  # title, any dash
        ("supportsPlan", "KPS Bergen 2030", "supportsPlan", BK + "plan-kps-bergen-2030"),
        ("supportsPlan", "«Bergen 2030»", "supportsPlan", BK + "plan-kps-bergen-2030"),  # quotes
        ("supportsPlan", "bk:plan-kps-bergen-2030", "supportsPlan", BK + "plan-kps-bergen-2030"),
        ("supportsPlan", BK + "plan-kps-bergen-2030", "supportsPlan", BK + "plan-kps-bergen-2030"),
        ("electionPeriod", "2023–2027", "electionPeriod", BK + "election-period-2023-2027"),
        (
            "electionPeriod",
            "Valgperioden 2019–2023",
            "electionPeriod",
            BK + "election-period-2019-2023",
        ),
        ("sdgs", "4.1", "addressesSdg", SDG + "4.1"),  # code
        ("sdgs", "04.01", "addressesSdg", SDG + "4.1"),
        ("sdgs", "17.10", "addressesSdg", SDG + "17.10"),
        ("sdgs", "SDG 4", "addressesSdg", SDG + "4"),
        ("sdgs", "god utdanning", "addressesSdg", SDG + "4"),  # Norwegian name
        ("sdgs", "sdg:13", "addressesSdg", SDG + "13"),
    ],
)
def test_a_name_resolves_by_every_name_the_register_keeps(
    key: str, name: str, predicate: str, iri: str, register: Register
) -> None:
    assert linked(f"kind: temaplan\n{key}: '{name}'\n", register, predicate) == {iri}


def test_a_case_number_names_the_decision_of_an_event(register: Register) -> None:
    text = "kind: planstrategi\nadopted: {date: 22.09.2020, by: bystyret, decision: 246/20}\n"
    assert linked(text, register, "decision") == {BK + "case-bystyret-246-20"}
    assert linked(text, register, "body") == {BK + "org-bystyret"}


def test_the_submission_carries_what_each_name_resolved_to(register: Register) -> None:
    data = b"kind: handlingsplan\nmunicipality: Bergen kommune\nowner: BBS\nsdgs: [4]\n"
    submission = parse(data, name="plan.yaml", register=register)
    found = {(r.key, r.text, r.iri, r.label, r.via) for r in submission.resolutions}
    assert found == {
        ("municipality", "Bergen kommune", BK + "kommune", "Bergen kommune", "label"),
        ("owner", "BBS", BK + "org-bbs", "Byrådsavdeling for barnehage og skole", "alternative label"),
        ("sdgs", "4", SDG + "4", "God utdanning", "code"),
    }  # fmt: skip
    owner = next(r for r in submission.resolutions if r.key == "owner")
    assert owner.to_dict()["where"] == {"source": "plan.yaml", "line": 3, "column": 8}


def test_unknown_names_are_errors_with_the_nearest_names(register: Register) -> None:
    with pytest.raises(PlainError) as caught:
        read("kind: temaplan\nowner: Etat for skoler\nsupportsPlan: Bergen 2031\n", source="p.yaml", syntax="yaml", register=register)  # fmt: skip
    owner, plan = caught.value.problems
    assert (owner.where.line, owner.where.column, owner.key) == (2, 8, "owner")
    assert owner.message["en"] == (
        "`owner`: no organisational unit in the register is named 'Etat for skoler'; "
        "did you mean 'Etat for skole' or 'Etat for barnehage'?"
    )
    assert "mente du «Etat for skole» eller" in owner.message["nb"]
    assert "did you mean 'Bergen 2030'" in plan.message["en"]


def test_a_name_of_something_else_is_an_error_naming_what_it_is(register: Register) -> None:
    with pytest.raises(PlainError) as caught:
        read("kind: temaplan\nowner: Bergen 2030\n", source="p.yaml", syntax="yaml", register=register)  # fmt: skip
    (problem,) = caught.value.problems
    assert problem.message["en"] == (
        "`owner`: 'Bergen 2030' names no organisational unit in the register, only: "
        "Bergen 2030 (bk:plan-kps-bergen-2030, Bergen kommune)"
    )


def test_names_of_the_plans_own_elements_come_first(register: Register) -> None:
    text = """kind: temaplan
municipality: Bergen
goals: [{label: Trygg, ordinal: 1}]
strategies: [{label: Strategi A, servesGoal: trygg}]
measures:
  - {label: Tiltak A, serves: Strategi A}
  - {label: Tiltak B, serves: Trygg}
  - {label: Tiltak C, contributesTo: Gåbyen}
"""
    result = read(text, source="p.yaml", syntax="yaml", register=register)
    own = {t.subject for t in result.triples}
    serves = [t for t in result.triples if t.predicate.value == PG + "servesGoal"]
    assert len(serves) == 2 and all(t.object in own for t in serves)  # not Bergen 2030's "Trygg"
    (implements,) = [t for t in result.triples if t.predicate.value == PG + "implementsStrategy"]
    assert implements.object in own
    (contributes,) = [t for t in result.triples if t.predicate.value == PG + "contributesTo"]
    assert contributes.object.value == BK + "focus-bergen-2030-gabyen"
    vias = {r.text: r.via for r in result.resolutions}
    assert vias["trygg"] == "name in this plan" and vias["Gåbyen"] == "label"


def test_two_own_elements_with_the_name_linked_to_are_an_error(register: Register) -> None:
    text = "kind: temaplan\ngoals: [A, A]\nstrategies: [{label: S, servesGoal: A}]\n"
    with pytest.raises(PlainError, match=r"'A' names 2 things in this plan \(at 2:9, 2:12\)"):
        read(text, source="p.yaml", syntax="yaml", register=register)


def test_a_name_with_no_register_is_an_error() -> None:
    with pytest.raises(PlainError, match="there is no register to look it up in"):
        read("kind: temaplan\nowner: BBS\n", source="p.yaml", syntax="yaml", register=None)
    # IRIs need none.
    assert linked("kind: temaplan\nowner: bk:org-bbs\n", None, "owner") == {BK + "org-bbs"}


TWO_TOWNS = """
@prefix pg: <https://w3id.org/plangraph/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix a: <https://w3id.org/plangraph/id/A01/> .
@prefix b: <https://w3id.org/plangraph/id/B02/> .
a:kommune a pg:Municipality ; rdfs:label "Alfa kommune"@nb ; pg:municipalityNumber "A01" .
b:kommune a pg:Municipality ; rdfs:label "Beta kommune"@nb ; pg:municipalityNumber "B02" .
a:skole a pg:Agency ; rdfs:label "Etat for skole"@nb ; org:unitOf a:kommune .
b:skole a pg:Agency ; rdfs:label "Etat for skole"@nb ; pg:municipality b:kommune .
a:plan a pg:ThemePlan ; rdfs:label "Skoleplan"@nb ; pg:municipality a:kommune .
b:plan a pg:ThemePlan ; rdfs:label "Skoleplan"@nb ; pg:municipality b:kommune .
"""


@pytest.fixture(scope="module")
def two_towns() -> Register:
    """The ontology and two made-up municipalities that both have an "Etat for skole"."""
    store = ox.Store()
    for dataset in datasets.default_datasets():
        if dataset.id == "ontology":
            for _, file in dataset.graphs():
                store.bulk_load(path=str(file), format=ox.RdfFormat.TURTLE, to_graph=REGISTER_GRAPH)
    store.bulk_load(TWO_TOWNS.encode(), format=ox.RdfFormat.TURTLE, to_graph=REGISTER_GRAPH)
    return Register(store, "two towns")


def test_a_name_is_looked_for_in_the_plans_municipality_first(two_towns: Register) -> None:
    for town, ns in (("Alfa kommune", "A01"), ("Beta", "B02")):
        text = f"kind: temaplan\nmunicipality: {town}\nowner: Etat for skole\nsupportsPlan: Skoleplan\n"
        found = read(text, source="p.yaml", syntax="yaml", register=two_towns)
        objects = {t.object.value for t in found.triples}
        assert {
            f"https://w3id.org/plangraph/id/{ns}/skole",
            f"https://w3id.org/plangraph/id/{ns}/plan",
        } <= objects


def test_a_name_several_resources_have_is_an_error_listing_them(two_towns: Register) -> None:
    with pytest.raises(PlainError) as caught:
        read("kind: temaplan\nowner: Etat for skole\n", source="p.yaml", syntax="yaml", register=two_towns)  # fmt: skip
    (problem,) = caught.value.problems
    assert problem.message["en"].startswith("`owner`: 'Etat for skole' is ambiguous: it names 2")
    assert (
        "Etat for skole (https://w3id.org/plangraph/id/A01/skole, Alfa kommune)"
        in problem.message["en"]
    )
    assert (
        "Etat for skole (https://w3id.org/plangraph/id/B02/skole, Beta kommune)"
        in problem.message["en"]
    )


def test_a_short_id_is_minted_in_the_municipalitys_namespace(two_towns: Register) -> None:
    found = read("id: ny-plan\nkind: temaplan\nmunicipality: Beta\n", source="p.yaml", syntax="yaml", register=two_towns)  # fmt: skip
    assert {t.subject.value for t in found.triples} == {"https://w3id.org/plangraph/id/B02/ny-plan"}


def test_a_name_of_the_plans_own_object_resolves_to_its_iri(register: Register) -> None:
    text = "id: bk:x\nkind: temaplan\ngoals: [Mål A]\nstrategies: [{label: S, servesGoal: Mål A}]\n"
    result = read(text, source="p.yaml", syntax="yaml", register=register)
    (resolution,) = result.resolutions
    assert (resolution.iri, resolution.label, resolution.via) == (
        BK + "x-goal-1",
        "Mål A",
        "name in this plan",
    )
    unnamed = read(text.replace("id: bk:x\n", ""), source="p.yaml", syntax="yaml", register=None)
    assert unnamed.resolutions[0].iri == ""


def test_the_report_shows_what_each_name_was_taken_to_mean() -> None:
    """Issue 15: "The validation report shows what each name resolved to" (JSON, text, HTML)."""
    from plangraph.validation import read_file, render, validate
    from plangraph.validation.validator import shipped_register
    from tests.support.validation_cases import EXAMPLES

    register = shipped_register()
    submission = read_file(EXAMPLES / "theme-plan.yaml", register=register)
    report = validate([submission], register=register)
    owner = next(r for r in report.to_dict()["resolved"] if r["key"] == "owner")
    assert owner["text"] == "Byrådsavdeling for byutvikling"
    assert owner["iri"] == "https://w3id.org/plangraph/id/4601/org-byradsavdeling-byutvikling"
    assert owner["where"]["line"] == 11
    assert len(report.resolved) == len(submission.resolutions) > 1
    shown = '"Byrådsavdeling for byutvikling" (owner, linje 11) → Byrådsavdeling for byutvikling'
    assert shown in render.text(report, "nb")
    assert "Navn i planen tolket som" in render.text(report, "nb")
    assert "Names in the plan taken to mean" in render.html_report(report, "en")
