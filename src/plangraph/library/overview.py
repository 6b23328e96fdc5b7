"""What the register holds, in the terms a plan analyst uses: plans by kind, elements, decisions."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from plangraph.backend import Backend
from plangraph.lang import DEFAULT, Lang
from plangraph.namespaces import sparql_prologue
from plangraph.store import PlanStore

_PLANS_BY_KIND = """
SELECT ?kind ?label (COUNT(DISTINCT ?plan) AS ?n) WHERE {
  VALUES ?lang { %s }
  ?plan pg:planKind ?kind .
  OPTIONAL { ?kind skos:prefLabel ?label FILTER(LANG(?label) = ?lang) }
} GROUP BY ?kind ?label ORDER BY DESC(?n) ?kind
"""

_COUNTS = """
SELECT ?what (COUNT(DISTINCT ?x) AS ?n) WHERE {
  VALUES (?what ?class) {
    ("municipalities" pg:Municipality) ("organisational units" pg:Department)
    ("organisational units" pg:Agency) ("political bodies" pg:MunicipalCouncil)
    ("political bodies" pg:CityGovernment) ("visions" pg:Vision) ("focus areas" pg:FocusArea)
    ("goals" pg:Goal) ("goals" pg:CommunityGoal) ("goals" pg:OrganisationGoal)
    ("goals" pg:SubGoal) ("strategies" pg:Strategy) ("measures" pg:Measure)
    ("decisions" pg:CouncilCase) ("decisions" pg:CityGovernmentCase) ("plan events" pg:PlanStart)
    ("plan events" pg:PublicConsultation) ("plan events" pg:ProposalPublished)
    ("plan events" pg:Treatment) ("plan events" pg:Adoption) ("plan events" pg:Rolling)
    ("plan events" pg:StatusReport) ("sources" pg:Source) ("sources" pg:IllustrativeSource)
    ("sources" pg:SyntheticSource)
  }
  ?x a ?class .
} GROUP BY ?what
"""

_ORDER = [
    "municipalities",
    "political bodies",
    "organisational units",
    "visions",
    "focus areas",
    "goals",
    "strategies",
    "measures",
    "decisions",
    "plan events",
    "sources",
]


@dataclass(frozen=True)
class KindCount:
    """How many plan documents are of one plan kind."""

    kind: str
    label: str
    plans: int


def plans_by_kind(store: PlanStore | Backend, lang: Lang = DEFAULT) -> list[KindCount]:
    """Plan documents per plan kind, with the kind's label in ``lang``."""
    # str() of a Literal is its N-Triples form, so the value cannot break out of the quotes.
    result = _on_union(store, sparql_prologue() + _PLANS_BY_KIND % ox.Literal(lang))
    rows = []
    for row in result:
        kind = row["kind"]
        label = row["label"]
        rows.append(
            KindCount(
                kind=kind.value,
                label=label.value if label is not None else kind.value.rsplit("/", 1)[-1],
                plans=int(row["n"].value),
            )
        )
    return rows


def element_counts(store: PlanStore | Backend) -> list[tuple[str, int]]:
    """How many of each kind of thing the register describes (asserted types, no reasoning)."""
    result = _on_union(store, sparql_prologue() + _COUNTS)
    counts = {row["what"].value: int(row["n"].value) for row in result}
    return [(what, counts[what]) for what in _ORDER if what in counts]


def _on_union(store: PlanStore | Backend, text: str) -> ox.QuerySolutions:
    """The solutions of a SELECT query over the union of the store's graphs."""
    if isinstance(store, PlanStore):
        local = store.raw.query(text, use_default_graph_as_union=True)
        assert isinstance(local, ox.QuerySolutions)
        return local
    result = store.query(text, union=True)
    assert isinstance(result, ox.QuerySolutions)
    return result
