"""Deadline rules on dates of a coarser grain (``2024-11`` as xsd:gYearMonth, ``2024`` as
xsd:gYear), judged honestly by both engines: certainly late is the rule's own finding (a
violation for the law's musts), possibly late a warning (info for the rules that are themselves
warnings), certainly in time nothing; a date that is not in the calendar is not used."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from plangraph.validation import Register, Submission, validate
from plangraph.validation.submission import Format
from tests.support.validation_cases import EXAMPLES

BK = "https://w3id.org/plangraph/id/4601/"
PG = "https://w3id.org/plangraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _date(text: str) -> ox.Literal:
    kind = {4: "gYear", 7: "gYearMonth"}.get(len(text), "date")
    return ox.Literal(text, datatype=ox.NamedNode(XSD + kind))


def _submission(base: str, dates: dict[tuple[str, str], str]) -> Submission:
    """The worked example ``base`` with the dates of (node, property) replaced."""
    triples = []
    for quad in ox.parse(path=str(EXAMPLES / base), format=ox.RdfFormat.TURTLE):
        t = quad.triple
        key = (t.subject.value.removeprefix(BK), t.predicate.value.removeprefix(PG))
        if key in dates:
            t = ox.Triple(t.subject, t.predicate, _date(dates[key]))
        triples.append(t)
    return Submission(name=base, format=Format.TURTLE, triples=tuple(triples), size=0)


PS = "example-sub-planning-strategy"
SUB = "example-sub-sub-plan"
AEP = "example-sub-action-and-economic-plan"

# (base, dates changed, expected findings as (shape, severity, value)).
CASES = {
    # R3: the proposal public ≥ 30 days before adoption (2024-10-16).
    "R3 a month, certainly late": (
        "planning-strategy.ttl", {(f"{PS}-proposal", "date"): "2024-10"},
        {("PlanningStrategy-proposalPublic30Days", "violation", "15")},
    ),
    "R3 a month, possibly late": (
        "planning-strategy.ttl", {(f"{PS}-proposal", "date"): "2024-09"},
        {("PlanningStrategy-proposalPublic30Days-possibly", "warning", "16")},
    ),
    "R3 a month, certainly in time": (
        "planning-strategy.ttl", {(f"{PS}-proposal", "date"): "2024-08"}, set(),
    ),
    "R3 a year, possibly late": (
        "planning-strategy.ttl", {(f"{PS}-proposal", "date"): "2024"},
        {("PlanningStrategy-proposalPublic30Days-possibly", "warning", "0")},
    ),
    # R1: adopted within a year of 2023-10-25 (and R3 with the proposal of 2024-09-10).
    "R1 a month, certainly late": (
        "planning-strategy.ttl", {(f"{PS}-adoption", "date"): "2024-11"},
        {("PlanningStrategy-adoptedInTime", "violation", "2024-11")},
    ),
    "R1 a year, possibly late": (
        "planning-strategy.ttl", {(f"{PS}-adoption", "date"): "2024"},
        {
            ("PlanningStrategy-adoptedInTime-possibly", "warning", "2024"),
            ("PlanningStrategy-proposalPublic30Days-possibly", "warning", "0"),
        },
    ),
    "R1 a month, in time, R3 certainly late": (
        "planning-strategy.ttl", {(f"{PS}-adoption", "date"): "2024-09"},
        {("PlanningStrategy-proposalPublic30Days", "violation", "20")},
    ),
    # R13: six weeks' consultation from 2025-01-13.
    "R13 a month, certainly too short": (
        "sub-plan.ttl", {(f"{SUB}-consultation", "endDate"): "2025-01"},
        {("MasterPlanPart-consultationSixWeeks", "violation", "18")},
    ),
    "R13 a month, possibly too short": (
        "sub-plan.ttl", {(f"{SUB}-consultation", "startDate"): "2025-01"},
        {("MasterPlanPart-consultationSixWeeks-possibly", "warning", "38")},
    ),
    "R13 full dates, in time": ("sub-plan.ttl", {}, set()),
    # R10 and R11 (themselves warnings): adopted 2025-12-10.
    "R10 a month, certainly late": (
        "action-and-economic-plan.ttl", {(f"{AEP}-proposal", "date"): "2025-12"},
        {
            ("ActionAndEconomicPlan-proposalPublic14Days", "warning", "9"),
            ("ActionAndEconomicPlan-proposalPublic30Days", "warning", "9"),
        },
    ),
    "R10 and R11 a month, possibly late": (
        "action-and-economic-plan.ttl", {(f"{AEP}-proposal", "date"): "2025-11"},
        {
            ("ActionAndEconomicPlan-proposalPublic14Days-possibly", "info", "10"),
            ("ActionAndEconomicPlan-proposalPublic30Days-possibly", "info", "10"),
        },
    ),
    # R9: adopted before the first budget year (2026): a year is precise enough.
    "R9 a year, late": (
        "action-and-economic-plan.ttl", {(f"{AEP}-adoption", "date"): "2026"},
        {("ActionAndEconomicPlan-adoptedBeforeBudgetYear", "violation", "2026")},
    ),
    # A date that is not in the calendar is a format violation, and no deadline rule uses it.
    "R3 not a calendar date": (
        "planning-strategy.ttl", {(f"{PS}-proposal", "date"): "2024-09-31"},
        {("date-format", "violation", "2024-09-31")},
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_coarse_dates_are_judged_honestly(name: str, engine: str, suite_register: Register) -> None:
    base, dates, expected = CASES[name]
    report = validate(
        [_submission(base, dates)],
        register=suite_register,
        engine="pyshacl" if engine == "pyshacl" else "oxigraph",
    )
    found = {
        (f.shape.split("#")[1], f.severity.value, f.value.value if f.value else "")
        for f in report.findings
    }
    assert found == expected
    assert report.conforms is not any(severity == "violation" for _, severity, _ in expected)


def test_a_missing_date_says_the_rule_was_not_checked(suite_register: Register) -> None:
    plan = _submission("planning-strategy.ttl", {})
    without = Submission(
        name=plan.name,
        format=plan.format,
        triples=tuple(t for t in plan.triples if t.subject.value != BK + f"{PS}-proposal"),
        size=0,
    )
    report = validate([without], register=suite_register)
    (finding,) = report.findings
    assert finding.rule == "R3" and finding.severity.value == "info" and report.conforms
    assert finding.message["en"].startswith(
        'R3 not checked: the planning strategy is adopted but has no date for "proposal made public"'
    )
    assert finding.message["nb"].startswith(
        "R3 ikke kontrollert: planstrategien er vedtatt, men har ingen dato for «forslag offentliggjort»"
    )


DATE_PROPERTIES = {
    PG + "date": "date-format",
    PG + "startDate": "startDate-format",
    PG + "endDate": "endDate-format",
    PG + "plannedDate": "plannedDate-format",
    PG + "constitutedOn": "constitutedOn-format",
    PG + "statusAsOf": "statusAsOf-format",
    "http://www.w3.org/2006/time#inXSDgYear": "inXSDgYear-format",
}
NOT_DATES = {
    "text": ox.Literal("15.01.2026"),
    "not in the calendar": ox.Literal("2023-02-29", datatype=ox.NamedNode(XSD + "date")),
    "a month that is not one": ox.Literal("2024-13", datatype=ox.NamedNode(XSD + "gYearMonth")),
}


@pytest.mark.parametrize("form", sorted(NOT_DATES))
@pytest.mark.parametrize("prop", sorted(DATE_PROPERTIES))
@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_every_date_property_rejects_text_and_ill_formed_dates(
    prop: str, form: str, engine: str, suite_register: Register
) -> None:
    base = _submission("theme-plan.ttl", {})
    value = NOT_DATES[form]
    if prop.endswith("inXSDgYear") and form == "a month that is not one":
        value = ox.Literal("20x4", datatype=ox.NamedNode(XSD + "gYear"))
    node = ox.NamedNode(BK + "example-sub-dates")
    added = ox.Triple(node, ox.NamedNode(prop), value)
    plan = Submission(name="plan.ttl", format=Format.TURTLE, triples=(*base.triples, added), size=0)
    report = validate(
        [plan], register=suite_register, engine="pyshacl" if engine == "pyshacl" else "oxigraph"
    )
    found = {
        (f.focus.value, f.shape.split("#")[1], f.severity.value, f.value.value if f.value else "")
        for f in report.findings
    }
    assert found == {(node.value, DATE_PROPERTIES[prop], "violation", value.value)}
