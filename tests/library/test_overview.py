"""What the register holds, as ``plangraph info`` shows it."""

from __future__ import annotations

from plangraph.lang import Lang
from plangraph.library import overview
from plangraph.store import PlanStore

THEME_PLAN = "https://w3id.org/plangraph/concept/plan-kind/theme-plan"


def test_plans_by_kind_are_labelled_in_bokmaal_unless_another_language_is_asked_for(
    reasoned_store: PlanStore,
) -> None:
    kinds = {k.kind: k for k in overview.plans_by_kind(reasoned_store)}
    assert kinds[THEME_PLAN].label == "temaplan"
    assert kinds[THEME_PLAN].plans > 0
    english = {k.kind: k for k in overview.plans_by_kind(reasoned_store, Lang.en)}
    assert english[THEME_PLAN].label == "theme plan"
    assert english[THEME_PLAN].plans == kinds[THEME_PLAN].plans


def test_the_element_counts_name_what_the_register_describes(
    reasoned_store: PlanStore, examples_store: PlanStore
) -> None:
    counts = dict(overview.element_counts(reasoned_store))
    assert counts["municipalities"] >= 1
    assert counts["goals"] > 0
    # Bergen's register has no measure of its own: the only ones are the illustrative examples.
    assert "measures" not in counts
    assert dict(overview.element_counts(examples_store))["measures"] > 0
