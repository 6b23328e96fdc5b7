"""A synthetic national plan register, generated deterministically for benchmarks.

The generator describes ``N`` made-up municipalities (357 by default, as many as Norway has), each
with a realistic plan portfolio over the plangraph ontology, and writes it as N-Triples (or
N-Quads) lines built directly as strings, with no RDF library in between (millions of triples).
Nothing here describes a real municipality: every generated resource carries
``dct:source <https://w3id.org/plangraph/id/source/synthetic>``, a ``pg:SyntheticSource`` emitted
once, first, with the seed and the size in its description.

Determinism
    Municipality ``k`` (1-based) draws all its randomness from its own
    ``random.Random("plangraph.synthetic/{seed}/{k}")`` (a string seed, hashed with SHA-512 by the
    standard library, so it does not depend on ``PYTHONHASHSEED``). Its triples are therefore the
    same whether 3 or 300 municipalities are generated, and the same arguments always give
    byte-identical output. Only the source node's description depends on the size.

IRIs
    Everything of municipality ``k`` lives under
    ``https://w3id.org/plangraph/id/synthetic/{k:03d}/``, with local names typed by their first
    word as in ``data/README.md``: ``org-…``, ``election-period-…``, ``plan-…``, ``vision-…``,
    ``focus-…``, ``goal-…``, ``strategy-…``, ``measure-…``, ``indicator-…``, ``event-…``,
    ``case-…``, ``assessment-…``, plus ``figure-…`` (stated figures), ``period-…``
    (``time:ProperInterval``) and ``instant-…`` (``time:Instant``). No blank nodes are used.
    Concepts are the IRIs of ``data/README.md``; SDG links point at real UN SDG KOS IRIs
    (``http://metadata.un.org/sdg/{goal}`` and the numbered targets ``…/{goal}.{n}``).

What a municipality holds (about 8,000–12,000 triples)
    * the municipality (``pg:Municipality``, number ``S{k:03d}``, name
      ``Syntetisk kommune {k:03d}``) and its council (``pg:MunicipalCouncil``); about 10 % have
      parliamentary government with a ``pg:CityGovernment``, ``pg:Department`` s and
      ``pg:Agency`` s (``org:unitOf``); the others have an executive committee (formannskap,
      ``pg:CouncilCommittee``) and administrative units typed ``org:OrganizationalUnit`` (the
      ontology defines Department and Agency as parts of a parliamentary administration);
      4–10 units in all;
    * the election periods 2019–2023 and 2023–2027 (``pg:ElectionPeriod``, ``pg:constitutedOn``);
    * a planning strategy per period, with one ``pg:PlanAssessment`` per plan it decides on
      (the master plan's parts and the thematic plans) and ``pg:StatedFigure`` s counting the
      thematic plans per outcome, the current thematic plans and the plan processes;
    * the master plan with one or two social parts (vision, 4–9 focus areas, community and
      organisation goals, sub-goals, some indicators) and one or two land-use parts;
    * action and economic plans (HØP) for the budget years 2020–2026, four years each, rolled
      yearly (``pg:revisionIntervalYears 1``);
    * 20–60 thematic plans (meldinger ≈ 12 %, strategier ≈ 25 %, temaplaner ≈ 35 %,
      handlingsplaner ≈ 28 % of the plan lineages), revised, continued or discontinued by the
      planning strategies, with the elements their kind allows; handlingsplaner implement an
      adopted strategi or temaplan of the same municipality and their measures implement its
      strategies;
    * decisions (``pg:CouncilCase``, ``pg:CityGovernmentCase``, and the committee's plain
      ``pg:Decision`` s), numbered per body and year in date order, and plan events
      (``pg:PlanStart``, ``pg:PublicConsultation``, ``pg:ProposalPublished``, ``pg:Adoption``, and
      ``pg:StatusReport`` for some measures).

    Lifecycle statuses are stated as of 2026-01-01 (``pg:statusAsOf``). Of each inverse pair only
    the direction from the dependent resource is stated (``pg:partOfPlan``, ``pg:assessedIn``,
    ``pg:eventOf``, ``pg:measuredBy``); the other follows by reasoning.

Seeded defects (what a validator should find; listed exactly by :func:`seeded_defects`)
    Plan-level defects, about 1–2 % of all plans:

    * ``action-plan-with-goal`` (R17): a handlingsplan that also states a goal (≈ 3 % of them);
    * ``briefing-with-measure`` (R14): a melding that states a measure (≈ 8 % of them);
    * ``planning-strategy-late`` (R1): a planning strategy adopted more than 12 months after the
      council was constituted (≈ 5 % of them);
    * ``action-and-economic-plan-short`` (R8): a HØP that covers three years, not four (≈ 1 %).

    Gaps real registers have, at element level:

    * ``goal-without-red-thread`` (R18): a thematic plan's goal with no ``pg:contributesTo`` to the
      social part (≈ 5 % of those goals);
    * ``measure-without-owner`` / ``measure-without-status`` (R19): a measure missing
      ``pg:owner`` or ``pg:measureStatus`` (≈ 5 % of measures, one or the other).

    Not defects, but there to be found: current plans whose period has run out (due for revision),
    goals without SDG links, handlingsplaner implementing a plan that has since expired.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import chain
from pathlib import Path
from typing import Final

__all__ = [
    "DEFAULT_MUNICIPALITIES",
    "DEFAULT_SEED",
    "STATUS_AS_OF",
    "SYNTHETIC_BASE",
    "SYNTHETIC_GRAPH",
    "SYNTHETIC_SOURCE",
    "SeededDefect",
    "generate",
    "seeded_defects",
    "write",
]

DEFAULT_MUNICIPALITIES: Final = 357
"""How many municipalities :func:`generate` makes by default (all of Norway)."""

DEFAULT_SEED: Final = 2026
"""The default seed."""

SYNTHETIC_SOURCE: Final = "https://w3id.org/plangraph/id/source/synthetic"
"""IRI of the ``pg:SyntheticSource`` that every generated resource has as ``dct:source``."""

SYNTHETIC_BASE: Final = "https://w3id.org/plangraph/id/synthetic/"
"""Namespace of the synthetic municipalities: ``{SYNTHETIC_BASE}{NNN}/{local}``."""

SYNTHETIC_GRAPH: Final = "https://w3id.org/plangraph/graph/synthetic"
"""Named graph :func:`write` uses for ``.nq`` files when no graph is given."""

STATUS_AS_OF: Final = date(2026, 1, 1)
"""The date every lifecycle status is stated as of."""

# ---------------------------------------------------------------------------------------------
# Terms, as N-Triples tokens
# ---------------------------------------------------------------------------------------------

_PG = "https://w3id.org/plangraph/ontology#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_CONCEPT = "https://w3id.org/plangraph/concept/"
_SDG = "http://metadata.un.org/sdg/"

_XSD_DATE = f"<{_XSD}date>"
_XSD_GYEAR = f"<{_XSD}gYear>"
_XSD_INTEGER = f"<{_XSD}integer>"

_A = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_TITLE = "<http://purl.org/dc/terms/title>"
_DESCRIPTION = "<http://purl.org/dc/terms/description>"
_SOURCE = "<http://purl.org/dc/terms/source>"
_UNIT_OF = "<http://www.w3.org/ns/org#unitOf>"
_ORG_UNIT = "<http://www.w3.org/ns/org#OrganizationalUnit>"
_HAS_BEGINNING = "<http://www.w3.org/2006/time#hasBeginning>"
_HAS_END = "<http://www.w3.org/2006/time#hasEnd>"
_IN_XSD_GYEAR = "<http://www.w3.org/2006/time#inXSDgYear>"
_PROPER_INTERVAL = "<http://www.w3.org/2006/time#ProperInterval>"
_INSTANT = "<http://www.w3.org/2006/time#Instant>"


def _pg(name: str) -> str:
    return f"<{_PG}{name}>"


def _concept(scheme: str, code: str) -> str:
    return f"<{_CONCEPT}{scheme}/{code}>"


_SRC = f"<{SYNTHETIC_SOURCE}>"

# Plan kinds: code -> (class, concept)
_KINDS: Final[dict[str, tuple[str, str]]] = {
    code: (_pg(cls), _concept("plan-kind", code))
    for code, cls in (
        ("planning-strategy", "MunicipalPlanningStrategy"),
        ("master-plan", "MasterPlan"),
        ("social-part", "SocialPart"),
        ("land-use-part", "LandUsePart"),
        ("action-and-economic-plan", "ActionAndEconomicPlan"),
        ("briefing", "Briefing"),
        ("strategy", "StrategyPlan"),
        ("theme-plan", "ThemePlan"),
        ("action-plan", "ActionPlan"),
    )
}
_THEMATIC_KINDS: Final = ("briefing", "strategy", "theme-plan", "action-plan")
_THEMATIC_SHARES: Final = (0.12, 0.25, 0.35, 0.28)
_OUTCOMES: Final = ("continued", "revised", "discontinued")

# ---------------------------------------------------------------------------------------------
# Vocabulary of the made-up content (Norwegian bokmål)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Topic:
    name: str
    area: str
    sdgs: tuple[int, ...]


_TOPICS: Final = tuple(
    _Topic(name, area, sdgs)
    for name, area, sdgs in (
        ("barnehage", "oppvekst", (4,)),
        ("skole", "oppvekst", (4,)),
        ("oppvekst", "oppvekst", (4, 3, 10)),
        ("barnevern", "oppvekst", (16, 1)),
        ("ungdom og medvirkning", "oppvekst", (16, 10)),
        ("folkehelse", "helse", (3,)),
        ("psykisk helse og rus", "helse", (3,)),
        ("eldre", "helse", (3, 10)),
        ("demens", "helse", (3,)),
        ("helse og omsorg", "helse", (3,)),
        ("boligsosialt arbeid", "helse", (11, 1)),
        ("vold i nære relasjoner", "helse", (5, 16)),
        ("integrering", "helse", (10, 4, 8)),
        ("klima og energi", "samfunn", (13, 7)),
        ("naturmangfold", "samfunn", (15, 14)),
        ("næringsutvikling", "samfunn", (8, 9)),
        ("samferdsel", "samfunn", (11, 9)),
        ("sykkel", "samfunn", (11, 3)),
        ("beredskap", "samfunn", (11, 13)),
        ("landbruk", "samfunn", (2, 15)),
        ("trafikksikkerhet", "samfunn", (3, 11)),
        ("grønnstruktur", "samfunn", (11, 15)),
        ("reiseliv", "samfunn", (8,)),
        ("vann og avløp", "teknisk", (6,)),
        ("avfall", "teknisk", (12,)),
        ("havn og sjø", "teknisk", (14,)),
        ("luftkvalitet", "teknisk", (3, 11)),
        ("kultur", "kultur", (11, 4)),
        ("idrett og fysisk aktivitet", "kultur", (3,)),
        ("friluftsliv", "kultur", (15, 3)),
        ("kulturminner", "kultur", (11,)),
        ("frivillighet", "kultur", (16, 17)),
        ("bibliotek", "kultur", (4, 16)),
        ("digitalisering", "stab", (9, 16)),
        ("innkjøp", "stab", (12,)),
        ("arbeidsgiverpolitikk", "stab", (8, 5)),
        ("likestilling og mangfold", "stab", (5, 10)),
        ("universell utforming", "stab", (10, 11)),
        ("kompetanse", "stab", (4, 8)),
    )
)

# The numbered targets of the 17 goals in the UN SDG vocabulary (the lettered means-of-
# implementation targets are left out).
_SDG_TARGET_COUNTS: Final = (5, 5, 9, 7, 6, 6, 3, 10, 5, 7, 7, 8, 3, 7, 9, 10, 19)
_SDG_GOALS: Final = tuple(f"<{_SDG}{g}>" for g in range(1, 18))
_SDG_TARGETS: Final = tuple(
    tuple(f"<{_SDG}{g}.{t}>" for t in range(1, n + 1))
    for g, n in enumerate(_SDG_TARGET_COUNTS, start=1)
)

_DEPARTMENTS: Final = (
    ("Byrådsavdeling for finans, eiendom og eierskap", "stab"),
    ("Byrådsavdeling for barnehage og skole", "oppvekst"),
    ("Byrådsavdeling for helse og omsorg", "helse"),
    ("Byrådsavdeling for klima, miljø og byutvikling", "samfunn"),
    ("Byrådsavdeling for kultur, mangfold og likestilling", "kultur"),
    ("Byrådsavdeling for arbeid, sosial og bolig", "helse"),
)
_AGENCIES: Final = (
    ("Etat for barnehage", "oppvekst"),
    ("Etat for skole", "oppvekst"),
    ("Etat for barn og familie", "oppvekst"),
    ("Etat for sykehjem", "helse"),
    ("Etat for hjemmebaserte tjenester", "helse"),
    ("Etat for sosiale tjenester", "helse"),
    ("Etat for plan og bygg", "samfunn"),
    ("Etat for vann og avløp", "teknisk"),
    ("Etat for bymiljø", "teknisk"),
    ("Etat for kultur", "kultur"),
    ("Etat for idrett", "kultur"),
    ("Etat for digitalisering", "stab"),
)
_UNITS: Final = (
    ("Stab for strategi og utvikling", "stab"),
    ("Kommunalområde oppvekst og utdanning", "oppvekst"),
    ("Kommunalområde helse og velferd", "helse"),
    ("Kommunalområde samfunnsutvikling", "samfunn"),
    ("Kommunalområde teknisk drift", "teknisk"),
    ("Kultur og fritid", "kultur"),
    ("Økonomi og virksomhetsstyring", "stab"),
    ("Barnehager", "oppvekst"),
    ("Skoler", "oppvekst"),
    ("Pleie og omsorg", "helse"),
)

_VISION_WORDS: Final = (
    "aktiv",
    "attraktiv",
    "grønn",
    "inkluderende",
    "nyskapende",
    "trygg",
    "levende",
    "raus",
    "modig",
    "bærekraftig",
    "åpen",
    "nær",
)
_FOCUS_AREAS: Final = (
    "Levende lokalsamfunn",
    "Grønn omstilling",
    "Trygg oppvekst",
    "Helse og livskvalitet",
    "Attraktiv næringsutvikling",
    "Mangfold og inkludering",
    "Kompakt utvikling",
    "Gode tjenester",
    "Samarbeid i regionen",
    "Kultur og identitet",
    "Klimatilpasning",
    "Bærekraftig mobilitet",
)
_COMMUNITY_GOALS: Final = (
    "Alle barn og unge opplever mestring og tilhørighet",
    "Innbyggerne lever aktive og gode liv gjennom hele livet",
    "Lokalsamfunnet har et mangfoldig og attraktivt arbeidsliv",
    "Utslippene av klimagasser er halvert innen 2030",
    "Det er lett å velge gange, sykkel og kollektivtransport",
    "Alle har en trygg og god bolig",
    "Naturmangfoldet og grøntområdene er ivaretatt",
    "Innbyggerne deltar i og påvirker utviklingen av lokalsamfunnet",
    "Sentrum er levende og tilgjengelig for alle",
    "Samfunnet er forberedt på et endret klima",
    "Kultur og idrett er tilgjengelig for alle",
    "Ingen står utenfor arbeid og utdanning",
    "Forskjellene i levekår er redusert",
    "Næringslivet er nyskapende og grønt",
    "Lokalsamfunnet er trygt for alle",
)
_ORGANISATION_GOALS: Final = (
    "Kommunen har en kompetent og stabil arbeidsstyrke",
    "Kommunen har en bærekraftig økonomi",
    "Tjenestene er digitale der det gir bedre kvalitet",
    "Kommunen samarbeider med innbyggere, frivillige og næringsliv",
    "Kommunen er en attraktiv arbeidsgiver",
    "Kommunen tar beslutninger på et godt kunnskapsgrunnlag",
    "Kommunen forvalter eiendom og infrastruktur bærekraftig",
    "Tjenestene er samordnet rundt brukerens behov",
)
_SUB_GOALS: Final = (
    "Andelen som oppgir god livskvalitet skal øke innen 2030",
    "Sykefraværet skal være under seks prosent",
    "Gjennomføringen i videregående skole skal øke til 90 prosent",
    "Andelen reiser med gange, sykkel og kollektiv skal være 60 prosent",
    "Ventetiden på kommunale tjenester skal reduseres",
    "Alle nye bygg skal være fossilfrie",
    "Antall bostedsløse skal halveres",
    "Netto driftsresultat skal være minst to prosent",
    "Flere skal delta i organiserte fritidsaktiviteter",
    "Matsvinnet i kommunale virksomheter skal halveres",
)
_GOALS: Final = (
    "Alle innbyggere har tilgang til gode tjenester innen {t}",
    "Innbyggerne opplever at arbeidet med {t} styrker livskvaliteten",
    "Kommunen er en foregangskommune innen {t}",
    "Tjenestene innen {t} er trygge, tilgjengelige og likeverdige",
    "Innbyggere og frivillige medvirker i arbeidet med {t}",
    "Arbeidet med {t} bidrar til et grønnere lokalsamfunn",
    "Kommunen har riktig kompetanse innen {t}",
    "Ressursene innen {t} brukes effektivt og forutsigbart",
)
_STRATEGIES: Final = (
    "Styrke samarbeidet med frivillige og næringsliv om {t}",
    "Ta i bruk digitale løsninger innen {t}",
    "Prioritere tidlig innsats innen {t}",
    "Bygge kompetanse hos ansatte som arbeider med {t}",
    "Sikre brukermedvirkning i utviklingen av {t}",
    "Samordne innsatsen innen {t} på tvers av sektorer",
    "Bruke kunnskap og data som grunnlag for beslutninger om {t}",
    "Utvikle arealer og bygg som støtter opp om {t}",
)
_MEASURES: Final = (
    "Kartlegge behovet for {t} i alle bydeler",
    "Etablere et fast samarbeidsforum for {t}",
    "Utarbeide en veileder for {t}",
    "Gjennomføre et pilotprosjekt innen {t}",
    "Innføre et nytt fagsystem for {t}",
    "Evaluere dagens tilbud innen {t}",
    "Styrke bemanningen innen {t}",
    "Gjennomføre en informasjonskampanje om {t}",
    "Opprette et lavterskeltilbud innen {t}",
    "Rapportere årlig til kommunestyret om {t}",
    "Revidere rutinene for {t}",
    "Søke eksterne midler til tiltak innen {t}",
)
_INDICATORS: Final = (
    "Andel innbyggere som er fornøyd med tilbudet innen {t}",
    "Antall brukere av tjenester innen {t}",
    "Netto driftsutgifter per innbygger til {t} (KOSTRA)",
    "Andel tiltak innen {t} som er gjennomført i tide",
)
_BRIEFING_TITLES: Final = (
    "Kunnskapsgrunnlag for {t}",
    "Melding om {t}",
    "Tilstandsrapport for {t}",
)
_KIND_TITLES: Final = {
    "strategy": "Strategi for {t}",
    "theme-plan": "Temaplan for {t}",
    "action-plan": "Handlingsplan for {t}",
}
_KIND_NAMES: Final = {
    "briefing": "Melding",
    "strategy": "Strategi",
    "theme-plan": "Temaplan",
    "action-plan": "Handlingsplan",
}

# ---------------------------------------------------------------------------------------------
# N-Triples helpers
# ---------------------------------------------------------------------------------------------

_ESCAPES: Final = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_IRI_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*")


def _lit(text: str, lang: str = "nb") -> str:
    """A language-tagged string literal, escaped per the N-Triples grammar."""
    return f'"{text.translate(_ESCAPES)}"@{lang}'


def _plain(text: str) -> str:
    """An xsd:string literal, escaped per the N-Triples grammar."""
    return f'"{text.translate(_ESCAPES)}"'


def _date(value: date) -> str:
    return f'"{value.isoformat()}"^^{_XSD_DATE}'


def _int(value: int) -> str:
    return f'"{value}"^^{_XSD_INTEGER}'


def _days(value: date, days: int) -> date:
    return value + timedelta(days=days)


def _weekday(value: date) -> date:
    """The same date, or the Monday after it if it falls on a weekend."""
    wd = value.weekday()
    return value + timedelta(days=7 - wd) if wd >= 5 else value


def _years(first: int, last: int) -> str:
    return f"{first}–{last}"


# ---------------------------------------------------------------------------------------------
# Public types
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeededDefect:
    """One defect the generator put in on purpose, for a validator to find.

    Attributes:
        municipality: the municipality's index (1-based).
        kind: the defect kind, as listed in the module docstring.
        rule: the rule of the domain brief it breaks (``R1`` … ``R20``).
        resource: IRI of the resource a validator should report (the focus node).
    """

    municipality: int
    kind: str
    rule: str
    resource: str


# ---------------------------------------------------------------------------------------------
# The model of one municipality's portfolio
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class _Lineage:
    """A plan and its successive editions (revisions)."""

    kind: str
    topic: _Topic | None
    owner: str
    title: str
    parent: _Lineage | None = None
    editions: list[_Plan] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class _Plan:
    """One edition of a plan document."""

    key: str
    iri: str
    lineage: _Lineage
    start: date
    adopted: date | None
    predecessor: _Plan | None = None
    successor: _Plan | None = None
    ended: date | None = None
    end_status: str = ""
    consultation: tuple[date, date] | None = None
    proposal: date | None = None
    strategies: list[str] = field(default_factory=list)
    community_goals: list[str] = field(default_factory=list)
    organisation_goals: list[str] = field(default_factory=list)
    focus_areas: list[str] = field(default_factory=list)

    def status(self) -> str:
        """The lifecycle status code as of :data:`STATUS_AS_OF`."""
        if self.adopted is None:
            if self.consultation is not None and self.consultation[1] >= STATUS_AS_OF:
                return "consultation"
            return "under-work"
        if self.ended is not None:
            return self.end_status
        if self.successor is not None and self.successor.adopted is not None:
            return "expired"
        return "current"


@dataclass(eq=False, slots=True)
class _Case:
    iri: str
    body: str
    day: date
    concerns: str


class _Municipality:
    """Builds the lines of one municipality; all randomness comes from its own generator."""

    def __init__(self, index: int, seed: int, tail: str) -> None:
        self.index = index
        self.rng = random.Random(f"plangraph.synthetic/{seed}/{index}")
        self.number = f"{index:03d}"
        self.base = f"{SYNTHETIC_BASE}{self.number}/"
        self.tail = tail
        self.lines: list[str] = []
        self.defects: list[SeededDefect] = []
        self.cases: list[_Case] = []
        self.periods: dict[tuple[int, int], str] = {}
        self.instants: dict[int, str] = {}
        self.units: list[tuple[str, str, str]] = []  # (iri, label, area)
        self.lineages: list[_Lineage] = []
        self.kps: list[_Plan] = []
        self.kpa: list[_Plan] = []
        self.assessments: list[tuple[int, _Plan, str]] = []
        self.plan_count = 0
        self.richness = 1.0
        self.muni = self.iri("org-municipality")
        self.council = self.iri("org-council")
        self.city_government: str | None = None
        self.committee: str | None = None
        self.master_plan = self.iri("plan-master-plan")
        self.constituted: list[date] = []
        self.ps_dates: list[date] = []
        self.ps_late: list[bool] = []

    # -- output --------------------------------------------------------------------------------

    def iri(self, local: str) -> str:
        return f"<{self.base}{local}>"

    def t(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o}{self.tail}")

    def node(self, s: str, cls: str) -> None:
        self.lines.append(f"{s} {_A} {cls}{self.tail}")
        self.lines.append(f"{s} {_SOURCE} {_SRC}{self.tail}")

    def defect(self, kind: str, rule: str, resource: str) -> None:
        self.defects.append(SeededDefect(self.index, kind, rule, resource[1:-1]))

    def period(self, first: int, last: int) -> str:
        key = (first, last)
        found = self.periods.get(key)
        if found is None:
            found = self.periods[key] = self.iri(f"period-{first}-{last}")
            self.instant(first)
            self.instant(last)
        return found

    def instant(self, year: int) -> str:
        found = self.instants.get(year)
        if found is None:
            found = self.instants[year] = self.iri(f"instant-{year}")
        return found

    def case(self, body: str, day: date, concerns: str) -> str:
        iri = self.iri(f"case-{len(self.cases) + 1:04d}")
        self.cases.append(_Case(iri, body, day, concerns))
        return iri

    def amount(self, low: int, high: int) -> int:
        """How many elements of a kind a thematic plan states, scaled by the richness."""
        return max(low // 2, round(self.rng.randint(low, high) * self.richness))

    def day_between(self, first: date, last: date) -> date:
        return date.fromordinal(self.rng.randint(first.toordinal(), last.toordinal()))

    # -- the whole municipality ----------------------------------------------------------------

    def build(self) -> list[str]:
        self.organisation()
        self.election_periods()
        self.master_plan_lineages()
        self.thematic_lineages()
        self.emit_master_plan()
        for lineage in self.lineages:
            for plan in lineage.editions:
                self.emit_thematic(plan)
        self.emit_action_and_economic_plans()
        self.emit_planning_strategies()
        self.emit_cases()
        self.emit_time()
        return self.lines

    # -- organisation --------------------------------------------------------------------------

    def organisation(self) -> None:
        r = self.rng
        name = f"Syntetisk kommune {self.number}"
        self.node(self.muni, _pg("Municipality"))
        self.t(self.muni, _LABEL, _lit(name))
        self.t(self.muni, _pg("municipalityNumber"), _plain(f"S{self.number}"))
        parliamentary = r.random() < 0.10
        self.node(self.council, _pg("MunicipalCouncil"))
        council_name = "Bystyret" if parliamentary else "Kommunestyret"
        self.t(self.council, _LABEL, _lit(f"{council_name} i {name}"))
        self.t(self.council, _pg("municipality"), self.muni)
        n_units = r.randint(4, 10)
        if parliamentary:
            gov = self.city_government = self.iri("org-city-government")
            self.node(gov, _pg("CityGovernment"))
            self.t(gov, _LABEL, _lit(f"Byrådet i {name}"))
            self.t(gov, _pg("municipality"), self.muni)
            n_departments = r.randint(2, 4)
            departments = [_DEPARTMENTS[0], *r.sample(_DEPARTMENTS[1:], n_departments - 1)]
            agencies = r.sample(_AGENCIES, n_units - n_departments)
            for label, area in departments:
                unit = self.iri(f"org-unit-{len(self.units) + 1:02d}")
                self.node(unit, _pg("Department"))
                self.t(unit, _LABEL, _lit(label))
                self.t(unit, _UNIT_OF, self.muni)
                self.t(unit, _pg("municipality"), self.muni)
                self.units.append((unit, label, area))
            heads = {area: iri for iri, _, area in reversed(self.units)}
            for label, area in agencies:
                unit = self.iri(f"org-unit-{len(self.units) + 1:02d}")
                self.node(unit, _pg("Agency"))
                self.t(unit, _LABEL, _lit(label))
                self.t(unit, _UNIT_OF, heads.get(area, self.units[0][0]))
                self.t(unit, _pg("municipality"), self.muni)
                self.units.append((unit, label, area))
        else:
            committee = self.committee = self.iri("org-committee")
            self.node(committee, _pg("CouncilCommittee"))
            self.t(committee, _LABEL, _lit(f"Formannskapet i {name}"))
            self.t(committee, _pg("municipality"), self.muni)
            for label, area in [_UNITS[0], *r.sample(_UNITS[1:], n_units - 1)]:
                unit = self.iri(f"org-unit-{len(self.units) + 1:02d}")
                self.node(unit, _ORG_UNIT)
                self.t(unit, _LABEL, _lit(label))
                self.t(unit, _UNIT_OF, self.muni)
                self.t(unit, _pg("municipality"), self.muni)
                self.units.append((unit, label, area))

    def owner_for(self, area: str) -> str:
        matching = [iri for iri, _, unit_area in self.units if unit_area == area]
        return self.rng.choice(matching) if matching else self.units[0][0]

    def preparing_body(self) -> tuple[str, str]:
        """The body that starts plans and sends them on consultation: (code, IRI)."""
        if self.city_government is not None:
            return "city-government", self.city_government
        assert self.committee is not None
        return "committee", self.committee

    # -- election periods and the planning strategies' dates -----------------------------------

    def election_periods(self) -> None:
        r = self.rng
        for first, last, earliest in (
            (2019, 2023, date(2019, 10, 14)),
            (2023, 2027, date(2023, 10, 9)),
        ):
            constituted = _weekday(_days(earliest, r.randint(0, 17)))
            self.constituted.append(constituted)
            ep = self.iri(f"election-period-{first}-{last}")
            self.node(ep, _pg("ElectionPeriod"))
            self.t(ep, _LABEL, _lit(f"Valgperioden {_years(first, last)}"))
            self.t(ep, _HAS_BEGINNING, self.instant(first))
            self.t(ep, _HAS_END, self.instant(last))
            self.t(ep, _pg("constitutedOn"), _date(constituted))
            self.t(ep, _pg("municipality"), self.muni)
            late = r.random() < 0.05
            offset = r.randint(390, 560) if late else r.randint(120, 350)
            adopted = _weekday(_days(constituted, offset))
            self.ps_late.append(late)
            self.ps_dates.append(min(adopted, _weekday(_days(STATUS_AS_OF, -40))))

    # -- plan lineages and their fates in the planning strategies ------------------------------

    def new_edition(self, lineage: _Lineage, start: date, adopted: date | None) -> _Plan:
        if lineage.kind in ("social-part", "land-use-part"):
            edition = len(lineage.editions) + 1
            key = f"{'kps' if lineage.kind == 'social-part' else 'kpa'}{edition}"
            local = f"plan-{lineage.kind}-{edition}"
        else:
            self.plan_count += 1
            key = f"{self.plan_count:03d}"
            local = f"plan-{lineage.kind}-{key}"
        plan = _Plan(key, self.iri(local), lineage, start, adopted)
        if lineage.editions:
            previous = lineage.editions[-1]
            plan.predecessor = previous
            previous.successor = plan
        lineage.editions.append(plan)
        self.schedule(plan)
        return plan

    def schedule(self, plan: _Plan) -> None:
        """Decide the edition's consultation period and the day its proposal is made public."""
        r = self.rng
        least = 42 if plan.lineage.kind in ("social-part", "land-use-part") else 28
        if plan.adopted is None:
            first = _days(plan.start, r.randint(150, 420))
            if r.random() < 0.2:  # out on consultation at the turn of the year
                first = max(_days(STATUS_AS_OF, -r.randint(1, 20)), _days(plan.start, 60))
            if first < STATUS_AS_OF and r.random() < 0.6:
                plan.consultation = (first, _days(first, r.randint(least, 60)))
        else:
            plan.proposal = _days(plan.adopted, -r.randint(21, 45))
            end = _days(plan.proposal, -r.randint(14, 60))
            plan.consultation = (_days(end, -r.randint(least, 60)), end)

    def run_fates(
        self,
        lineage: _Lineage,
        weights: tuple[float, float, float],
        gap: tuple[int, int],
        budget: int,
    ) -> None:
        """Walk the lineage through the planning strategies, creating revisions as decided."""
        r = self.rng
        cur = lineage.editions[0]
        listed_new = False
        for k, decided in enumerate(self.ps_dates):
            while (
                cur.successor is not None
                and cur.successor.adopted is not None
                and cur.successor.adopted <= decided
            ):
                cur = cur.successor
            if cur.ended is not None and cur.ended <= decided:
                return
            if cur.adopted is None or cur.adopted > decided:
                if cur.predecessor is None and not listed_new and cur.start <= _days(decided, 365):
                    self.assessments.append((k, cur, "new"))
                    listed_new = True
                continue
            if cur.successor is not None:
                outcome = "revised"
            elif (decided - cur.adopted).days < 540:
                outcome = "continued"
            else:
                outcome = r.choices(_OUTCOMES, weights)[0]
                if outcome == "revised" and budget <= 0:
                    outcome = "continued"
            self.assessments.append((k, cur, outcome))
            if outcome == "revised" and cur.successor is None:
                budget -= 1
                start = max(_days(decided, r.randint(-120, 300)), _days(cur.adopted, 60))
                adopted: date | None = _weekday(_days(start, r.randint(*gap)))
                if adopted is not None and adopted >= _days(STATUS_AS_OF, -10):
                    adopted = None
                self.new_edition(lineage, start, adopted)
            elif outcome == "discontinued":
                cur.ended = min(_days(decided, r.randint(0, 150)), _days(STATUS_AS_OF, -1))
                cur.end_status = r.choice(("repealed", "expired"))
                return

    def master_plan_lineages(self) -> None:
        r = self.rng
        owner = self.units[0][0]
        for kind, title, years, weights in (
            ("social-part", "Kommuneplanens samfunnsdel", (2012, 2018), (0.4, 0.6, 0.0)),
            ("land-use-part", "Kommuneplanens arealdel", (2011, 2019), (0.5, 0.5, 0.0)),
        ):
            lineage = _Lineage(kind, None, owner, title)
            adopted = _weekday(self.day_between(date(years[0], 2, 1), date(years[1], 11, 30)))
            self.new_edition(lineage, _days(adopted, -r.randint(500, 900)), adopted)
            self.run_fates(lineage, weights, (500, 1100), 1)
            (self.kps if kind == "social-part" else self.kpa).extend(lineage.editions)

    def thematic_lineages(self) -> None:
        r = self.rng
        target = r.randint(20, 60)
        # Municipalities with few thematic plans write broader ones with more elements.
        self.richness = 1.06 * (40 / target) ** 0.8
        count = 0
        year_weights = (1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 5, 5, 4)
        latest = _days(STATUS_AS_OF, -10)
        while count < target:
            kind = r.choices(_THEMATIC_KINDS, _THEMATIC_SHARES)[0] if count else "theme-plan"
            parents = [
                lin
                for lin in self.lineages
                if lin.kind in ("strategy", "theme-plan") and lin.editions[0].adopted is not None
            ]
            if kind == "action-plan" and not parents:
                kind = "theme-plan"
            parent: _Lineage | None = None
            if kind == "action-plan":
                parent = r.choice(parents)
                topic = parent.topic
                parent_adopted = parent.editions[0].adopted
                assert parent_adopted is not None
                adopted: date | None = _weekday(_days(parent_adopted, r.randint(30, 1200)))
                if adopted is not None and adopted > latest:
                    adopted = None
                    start = min(_days(parent_adopted, r.randint(0, 400)), _days(STATUS_AS_OF, -30))
                else:
                    assert adopted is not None
                    start = _days(adopted, -r.randint(240, 720))
            else:
                topic = r.choice(_TOPICS)
                if count and r.random() < 0.08:
                    adopted = None
                    start = self.day_between(date(2023, 1, 1), date(2025, 11, 30))
                else:
                    year = r.choices(range(2008, 2026), year_weights)[0]
                    adopted = min(
                        _weekday(self.day_between(date(year, 1, 10), date(year, 12, 15))), latest
                    )
                    if count == 0:
                        adopted = min(adopted, date(2021, 6, 1))
                    start = _days(adopted, -r.randint(240, 720))
            assert topic is not None
            if kind == "briefing":
                title = r.choice(_BRIEFING_TITLES).format(t=topic.name)
                weights = (0.55, 0.15, 0.30)
            else:
                title = _KIND_TITLES[kind].format(t=topic.name)
                weights = (0.45, 0.35, 0.20)
            lineage = _Lineage(kind, topic, self.owner_for(topic.area), title, parent)
            self.new_edition(lineage, start, adopted)
            self.run_fates(lineage, weights, (240, 720), 60 - count - 1)
            self.lineages.append(lineage)
            count += len(lineage.editions)

    def kps_at(self, day: date | None) -> _Plan:
        """The social part in force at the day (or the latest adopted one)."""
        when = day or STATUS_AS_OF
        found = self.kps[0]
        for plan in self.kps:
            if plan.adopted is not None and plan.adopted <= when:
                found = plan
        return found

    # -- emitting plan documents ---------------------------------------------------------------

    def emit_plan_document(
        self, plan: _Plan, kind: str, title: str, first: int, last: int, owner: str
    ) -> None:
        cls, concept = _KINDS[kind]
        s = plan.iri
        self.node(s, cls)
        self.t(s, _pg("planKind"), concept)
        self.t(s, _TITLE, _lit(title))
        self.t(s, _pg("municipality"), self.muni)
        self.t(s, _pg("owner"), owner)
        self.t(s, _pg("lifecycleStatus"), _concept("lifecycle-status", plan.status()))
        self.t(s, _pg("statusAsOf"), _date(STATUS_AS_OF))
        self.t(s, _pg("period"), self.period(first, last))
        if plan.predecessor is not None:
            self.t(s, _pg("replacesPlan"), plan.predecessor.iri)

    def event(self, plan: _Plan, name: str, cls: str) -> str:
        iri = self.iri(f"event-{plan.key}-{name}")
        self.node(iri, _pg(cls))
        self.t(iri, _pg("eventOf"), plan.iri)
        return iri

    def emit_process(self, plan: _Plan, adopting: str) -> None:
        """Events and decisions from plan start to adoption (or as far as the plan has come)."""
        r = self.rng
        prep_code, prep = self.preparing_body()
        start = self.event(plan, "start", "PlanStart")
        self.t(start, _pg("date"), _date(plan.start))
        if r.random() < 0.6:
            case = self.case(prep_code, _weekday(plan.start), plan.iri)
            self.t(start, _pg("decision"), case)
            self.t(start, _pg("body"), prep)
        if plan.consultation is not None:
            first, last = plan.consultation
            hearing = self.event(plan, "consultation", "PublicConsultation")
            self.t(hearing, _pg("startDate"), _date(first))
            self.t(hearing, _pg("endDate"), _date(last))
            self.t(
                hearing,
                _pg("decision"),
                self.case(prep_code, _weekday(_days(first, -r.randint(3, 14))), plan.iri),
            )
            self.t(hearing, _pg("body"), prep)
        proposal = plan.proposal
        if plan.adopted is None or proposal is None:
            return
        published = self.event(plan, "proposal", "ProposalPublished")
        self.t(published, _pg("date"), _date(proposal))
        if self.city_government is not None:
            self.t(
                published,
                _pg("decision"),
                self.case("city-government", _weekday(proposal), plan.iri),
            )
            self.t(published, _pg("body"), self.city_government)
        adoption = self.event(plan, "adoption", "Adoption")
        self.t(adoption, _pg("date"), _date(plan.adopted))
        if adopting == "city-government" and self.city_government is not None:
            body = self.city_government
        else:
            adopting, body = "council", self.council
        self.t(adoption, _pg("decision"), self.case(adopting, plan.adopted, plan.iri))
        self.t(adoption, _pg("body"), body)

    def plan_years(self, plan: _Plan, low: int, high: int) -> tuple[int, int]:
        first = (plan.adopted or _days(plan.start, 365)).year
        return first, first + self.rng.randint(low, high)

    def emit_master_plan(self) -> None:
        s = self.master_plan
        cls, concept = _KINDS["master-plan"]
        self.node(s, cls)
        self.t(s, _pg("planKind"), concept)
        self.t(s, _TITLE, _lit(f"Kommuneplan for Syntetisk kommune {self.number}"))
        self.t(s, _pg("municipality"), self.muni)
        self.t(s, _pg("owner"), self.units[0][0])
        self.t(s, _pg("lifecycleStatus"), _concept("lifecycle-status", "current"))
        self.t(s, _pg("statusAsOf"), _date(STATUS_AS_OF))
        for plan in (*self.kps, *self.kpa):
            kind = plan.lineage.kind
            first, last = (
                self.plan_years(plan, 10, 14)
                if kind == "social-part"
                else self.plan_years(plan, 8, 12)
            )
            self.emit_plan_document(
                plan,
                kind,
                f"{plan.lineage.title} {_years(first, last)}",
                first,
                last,
                plan.lineage.owner,
            )
            self.t(plan.iri, _pg("partOfMasterPlan"), s)
            self.emit_process(plan, "council")
            if kind == "social-part":
                self.emit_social_part_elements(plan)

    def element(self, iri: str, cls: str, plan: _Plan, ordinal: int, label: str) -> None:
        self.node(iri, cls)
        self.t(iri, _pg("partOfPlan"), plan.iri)
        self.t(iri, _pg("ordinal"), _int(ordinal))
        self.t(iri, _LABEL, _lit(label))

    def sdg(self, iri: str, goals: tuple[int, ...], target_share: float, count: int = 1) -> None:
        """Link the element to ``count`` distinct SDG goals or targets of the given goals."""
        r = self.rng
        chosen: set[str] = set()
        for _ in range(count):
            goal = r.choice(goals)
            if r.random() < target_share:
                sdg = r.choice(_SDG_TARGETS[goal - 1])
            else:
                sdg = _SDG_GOALS[goal - 1]
            if sdg not in chosen:
                chosen.add(sdg)
                self.t(iri, _pg("addressesSdg"), sdg)

    def indicator(self, goal: str, local: str, topic: str) -> None:
        iri = self.iri(f"indicator-{local}")
        self.node(iri, _pg("Indicator"))
        self.t(iri, _LABEL, _lit(self.rng.choice(_INDICATORS).format(t=topic)))
        self.t(goal, _pg("measuredBy"), iri)

    def emit_social_part_elements(self, plan: _Plan) -> None:
        r = self.rng
        key = plan.key
        vision = self.iri(f"vision-{key}")
        words = r.sample(_VISION_WORDS, r.randint(2, 3))
        self.element(
            vision,
            _pg("Vision"),
            plan,
            1,
            (", ".join(words[:-1]) + " og " + words[-1]).capitalize(),
        )
        goal_no = 0
        community_scope = _concept("goal-scope", "community")
        organisation_scope = _concept("goal-scope", "organisation")
        for f, label in enumerate(r.sample(_FOCUS_AREAS, r.randint(4, 9)), start=1):
            focus = self.iri(f"focus-{key}-{f}")
            self.element(focus, _pg("FocusArea"), plan, f, label)
            self.t(focus, _pg("realisesVision"), vision)
            plan.focus_areas.append(focus)
            for text in r.sample(_COMMUNITY_GOALS, r.randint(1, 3)):
                goal_no += 1
                goal = self.goal(plan, key, goal_no, "CommunityGoal", community_scope, text)
                self.t(goal, _pg("underFocusArea"), focus)
                for sdg in r.sample(_SDG_GOALS, r.choice((0, 1, 1, 2))):
                    self.t(goal, _pg("addressesSdg"), sdg)
                plan.community_goals.append(goal)
                self.sub_goals(plan, goal, goal_no)
        for text in r.sample(_ORGANISATION_GOALS, r.randint(2, 5)):
            goal_no += 1
            goal = self.goal(plan, key, goal_no, "OrganisationGoal", organisation_scope, text)
            self.t(goal, _pg("realisesVision"), vision)
            plan.organisation_goals.append(goal)
            self.sub_goals(plan, goal, goal_no)

    def goal(self, plan: _Plan, key: str, goal_no: int, cls: str, scope: str, text: str) -> str:
        """Goal number ``goal_no`` of the social part ``key``: a ``cls`` with its scope."""
        goal = self.iri(f"goal-{key}-{goal_no:02d}")
        self.element(goal, _pg(cls), plan, goal_no, text)
        self.t(goal, _pg("goalScope"), scope)
        return goal

    def sub_goals(self, plan: _Plan, goal: str, goal_no: int) -> None:
        r = self.rng
        for n, text in enumerate(r.sample(_SUB_GOALS, r.randint(1, 3)), start=1):
            local = f"{plan.key}-{goal_no:02d}-{n}"
            sub = self.iri(f"goal-{local}")
            self.element(sub, _pg("SubGoal"), plan, n, text)
            self.t(sub, _pg("refinesGoal"), goal)
            if r.random() < 0.25:
                self.indicator(sub, local, "kommunen")

    # -- thematic plans ------------------------------------------------------------------------

    def emit_thematic(self, plan: _Plan) -> None:
        r = self.rng
        lineage = plan.lineage
        kind = lineage.kind
        topic = lineage.topic
        assert topic is not None
        low, high = {
            "briefing": (0, 3),
            "strategy": (4, 12),
            "theme-plan": (4, 10),
            "action-plan": (2, 4),
        }[kind]
        first, last = self.plan_years(plan, low, high)
        title = (
            f"{lineage.title} {_years(first, last)}" if last > first else f"{lineage.title} {first}"
        )
        self.emit_plan_document(plan, kind, title, first, last, lineage.owner)
        s = plan.iri
        kps = self.kps_at(plan.adopted)
        if r.random() < 0.25:
            owner_label = next(label for iri, label, _ in self.units if iri == lineage.owner)
            self.t(
                s,
                _DESCRIPTION,
                _lit(
                    f"{_KIND_NAMES[kind]} for {topic.name}, "
                    f'arbeidstittel "{topic.name.capitalize()} {first}".\n'
                    f"Ansvarlig: {owner_label}."
                ),
            )
        parent_plan: _Plan | None = None
        if kind == "action-plan":
            assert lineage.parent is not None
            when = plan.adopted or STATUS_AS_OF
            for candidate in lineage.parent.editions:
                if candidate.adopted is not None and candidate.adopted <= when:
                    parent_plan = candidate
            assert parent_plan is not None
            self.t(s, _pg("implementsPlan"), parent_plan.iri)
        elif kind != "briefing" and r.random() < 0.85:
            self.t(s, _pg("supportsPlan"), kps.iri)
        adopting = "city-government" if r.random() < 0.25 else "council"
        self.emit_process(plan, adopting)

        goals: list[str] = []
        if kind in ("strategy", "theme-plan"):
            goals = self.thematic_goals(plan, kps, self.amount(2, 6))
            n_strategies = self.amount(3, 12 if kind == "strategy" else 10)
            for n in range(1, n_strategies + 1):
                strategy = self.iri(f"strategy-{plan.key}-{n:02d}")
                self.element(
                    strategy, _pg("Strategy"), plan, n, r.choice(_STRATEGIES).format(t=topic.name)
                )
                served = goals[(n - 1) % len(goals)]
                self.t(strategy, _pg("servesGoal"), served)
                if len(goals) > 1 and r.random() < 0.2:
                    also = r.choice([goal for goal in goals if goal != served])
                    self.t(strategy, _pg("servesGoal"), also)
                plan.strategies.append(strategy)
        if kind == "theme-plan":
            self.measures(plan, plan.strategies, self.amount(6, 24))
        elif kind == "action-plan":
            assert parent_plan is not None
            self.measures(plan, parent_plan.strategies, self.amount(8, 30))
            if r.random() < 0.03:
                self.thematic_goals(plan, kps, 1)
                self.defect("action-plan-with-goal", "R17", s)
        elif kind == "briefing" and r.random() < 0.08:
            self.measures(plan, [], 1)
            self.defect("briefing-with-measure", "R14", s)

    def thematic_goals(self, plan: _Plan, kps: _Plan, count: int) -> list[str]:
        r = self.rng
        topic = plan.lineage.topic
        assert topic is not None
        goals = []
        for n in range(1, count + 1):
            goal = self.iri(f"goal-{plan.key}-{n:02d}")
            community = r.random() < 0.7
            self.element(
                goal,
                _pg("CommunityGoal" if community else "OrganisationGoal"),
                plan,
                n,
                r.choice(_GOALS).format(t=topic.name),
            )
            self.t(
                goal,
                _pg("goalScope"),
                _concept("goal-scope", "community" if community else "organisation"),
            )
            if r.random() < 0.05:
                self.defect("goal-without-red-thread", "R18", goal)
            else:
                targets = kps.community_goals if community else kps.organisation_goals
                if r.random() < 0.7:
                    self.t(goal, _pg("contributesTo"), r.choice(targets))
                else:
                    self.t(goal, _pg("contributesTo"), r.choice(kps.focus_areas))
            if r.random() < 0.6:
                self.sdg(goal, topic.sdgs, 0.5, 2 if r.random() < 0.3 else 1)
            if r.random() < 0.2:
                self.indicator(goal, f"{plan.key}-{n:02d}", topic.name)
            goals.append(goal)
        return goals

    def measure_status(self, plan: _Plan) -> str:
        r = self.rng
        status = plan.status()
        if plan.adopted is None:
            return "not-started"
        if status in ("expired", "repealed"):
            return r.choices(("completed", "cancelled", "in-progress"), (7, 2, 1))[0]
        age = (STATUS_AS_OF - plan.adopted).days / 365.25
        if age < 1:
            return r.choices(("not-started", "in-progress", "delayed"), (40, 55, 5))[0]
        if age < 3:
            return r.choices(
                ("not-started", "in-progress", "completed", "delayed", "cancelled"),
                (5, 50, 25, 15, 5),
            )[0]
        return r.choices(("in-progress", "completed", "delayed", "cancelled"), (20, 55, 10, 15))[0]

    def measures(self, plan: _Plan, strategies: list[str], count: int) -> None:
        r = self.rng
        lineage = plan.lineage
        topic = lineage.topic
        assert topic is not None
        reportable = plan.adopted is not None and plan.adopted <= date(2025, 6, 30)
        for n in range(1, count + 1):
            measure = self.iri(f"measure-{plan.key}-{n:02d}")
            self.element(measure, _pg("Measure"), plan, n, r.choice(_MEASURES).format(t=topic.name))
            if strategies:
                self.t(measure, _pg("implementsStrategy"), r.choice(strategies))
            gap = r.random()
            if gap < 0.025:
                self.defect("measure-without-owner", "R19", measure)
            else:
                owner = lineage.owner if r.random() < 0.6 else self.owner_for(topic.area)
                self.t(measure, _pg("owner"), owner)
            if 0.025 <= gap < 0.05:
                self.defect("measure-without-status", "R19", measure)
                continue
            status = self.measure_status(plan)
            if reportable and r.random() < 0.15:
                assert plan.adopted is not None
                day = plan.adopted
                for j in range(1, r.randint(1, 2) + 1):
                    day = self.day_between(_days(day, 120), _days(STATUS_AS_OF, -1))
                    report = self.iri(f"event-{plan.key}-{n:02d}-report-{j}")
                    self.node(report, _pg("StatusReport"))
                    self.t(report, _pg("eventOf"), measure)
                    self.t(report, _pg("date"), _date(day))
                    if r.random() < 0.5:
                        status = self.measure_status(plan)
                    self.t(report, _pg("reportedStatus"), _concept("measure-status", status))
                    if day >= _days(STATUS_AS_OF, -130):
                        break
            self.t(measure, _pg("measureStatus"), _concept("measure-status", status))
            if r.random() < 0.1:
                self.sdg(measure, topic.sdgs, 1.0)

    # -- action and economic plans -------------------------------------------------------------

    def emit_action_and_economic_plans(self) -> None:
        r = self.rng
        lineage = _Lineage(
            "action-and-economic-plan", None, self.units[0][0], "Handlings- og økonomiplan"
        )
        previous: _Plan | None = None
        for year in range(2020, 2027):
            adopted = _weekday(date(year - 1, 12, r.randint(2, 18)))
            proposal = date(year - 1, 10, 10) + timedelta(days=r.randint(0, 20))
            plan = _Plan(
                f"hop-{year}",
                self.iri(f"plan-action-and-economic-plan-{year}"),
                lineage,
                proposal,
                adopted,
            )
            plan.predecessor = previous
            if previous is not None:
                previous.successor = plan
            short = r.random() < 0.01
            last = year + (2 if short else 3)
            self.emit_plan_document(
                plan,
                "action-and-economic-plan",
                f"{lineage.title} {_years(year, last)}",
                year,
                last,
                lineage.owner,
            )
            if short:
                self.defect("action-and-economic-plan-short", "R8", plan.iri)
            s = plan.iri
            self.t(s, _pg("revisionIntervalYears"), _int(1))
            self.t(s, _pg("actionPartOf"), self.kps_at(adopted).iri)
            self.t(s, _pg("partOfMasterPlan"), self.master_plan)
            published = self.event(plan, "proposal", "ProposalPublished")
            self.t(published, _pg("date"), _date(proposal))
            if self.city_government is not None:
                self.t(
                    published, _pg("decision"), self.case("city-government", _weekday(proposal), s)
                )
                self.t(published, _pg("body"), self.city_government)
            adoption = self.event(plan, "adoption", "Adoption")
            self.t(adoption, _pg("date"), _date(adopted))
            self.t(adoption, _pg("decision"), self.case("council", adopted, s))
            self.t(adoption, _pg("body"), self.council)
            previous = plan

    # -- planning strategies -------------------------------------------------------------------

    def emit_planning_strategies(self) -> None:
        r = self.rng
        lineage = _Lineage("planning-strategy", None, self.units[0][0], "Kommunal planstrategi")
        previous: _Plan | None = None
        for k, (first, last) in enumerate(((2019, 2023), (2023, 2027))):
            adopted = self.ps_dates[k]
            key = f"ps-{first}-{last}"
            plan = _Plan(
                key, self.iri(f"plan-planning-strategy-{first}-{last}"), lineage, adopted, adopted
            )
            plan.predecessor = previous
            if previous is not None:
                previous.successor = plan
            self.emit_plan_document(
                plan,
                "planning-strategy",
                f"{lineage.title} {_years(first, last)}",
                first,
                last,
                lineage.owner,
            )
            s = plan.iri
            self.t(s, _pg("electionPeriod"), self.iri(f"election-period-{first}-{last}"))
            if self.ps_late[k]:
                self.defect("planning-strategy-late", "R1", s)
            proposal = _days(adopted, -r.randint(35, 70))
            if r.random() < 0.5:
                plan.consultation = (
                    _days(proposal, -r.randint(60, 90)),
                    _days(proposal, -r.randint(7, 20)),
                )
                first_day, last_day = plan.consultation
                hearing = self.event(plan, "consultation", "PublicConsultation")
                self.t(hearing, _pg("startDate"), _date(first_day))
                self.t(hearing, _pg("endDate"), _date(last_day))
            published = self.event(plan, "proposal", "ProposalPublished")
            self.t(published, _pg("date"), _date(proposal))
            adoption = self.event(plan, "adoption", "Adoption")
            self.t(adoption, _pg("date"), _date(adopted))
            self.t(adoption, _pg("decision"), self.case("council", adopted, s))
            self.t(adoption, _pg("body"), self.council)
            counts = dict.fromkeys(("continued", "revised", "discontinued", "new"), 0)
            for ps_index, assessed, outcome in self.assessments:
                if ps_index != k:
                    continue
                a = self.iri(f"assessment-{key}-{assessed.key}")
                self.node(a, _pg("PlanAssessment"))
                self.t(a, _pg("assessedIn"), s)
                self.t(a, _pg("assessedPlan"), assessed.iri)
                self.t(a, _pg("outcome"), _concept("assessment-outcome", outcome))
                if assessed.lineage.kind in _THEMATIC_KINDS:
                    counts[outcome] += 1
            figures = [(_concept("assessment-outcome", code), n) for code, n in counts.items()]
            figures.append(
                (
                    _concept("planning-figure", "current-thematic-plans"),
                    counts["continued"] + counts["revised"] + counts["discontinued"],
                )
            )
            figures.append(
                (_concept("planning-figure", "plan-processes"), counts["revised"] + counts["new"])
            )
            for concept, n in figures:
                code = concept[concept.rindex("/") + 1 : -1]
                figure = self.iri(f"figure-{key}-{code}")
                self.node(figure, _pg("StatedFigure"))
                self.t(figure, _pg("figureOf"), concept)
                self.t(figure, _pg("count"), _int(n))
                self.t(s, _pg("statedFigure"), figure)
            previous = plan

    # -- deferred resources --------------------------------------------------------------------

    def emit_cases(self) -> None:
        r = self.rng
        classes = {
            "council": _pg("CouncilCase"),
            "city-government": _pg("CityGovernmentCase"),
            "committee": _pg("Decision"),
        }
        bodies = {
            "council": self.council,
            "city-government": self.city_government,
            "committee": self.committee,
        }
        counters: dict[tuple[str, int], int] = {}
        ordered = sorted(enumerate(self.cases), key=lambda item: (item[1].day, item[0]))
        numbers: dict[int, str] = {}
        for position, case in ordered:
            counter_key = (case.body, case.day.year)
            if counter_key in counters:
                number = counters[counter_key] + r.randint(1, 12)
            elif case.body == "city-government":
                number = 1001 + r.randint(0, 40)
            else:
                number = r.randint(1, 30)
            counters[counter_key] = number
            numbers[position] = f"{number}/{case.day.year % 100:02d}"
        for position, case in enumerate(self.cases):
            body = bodies[case.body]
            assert body is not None
            self.node(case.iri, classes[case.body])
            self.t(case.iri, _pg("caseNumber"), _plain(numbers[position]))
            self.t(case.iri, _pg("date"), _date(case.day))
            self.t(case.iri, _pg("decidedBy"), body)
            self.t(case.iri, _pg("concerns"), case.concerns)

    def emit_time(self) -> None:
        for (first, last), iri in sorted(self.periods.items()):
            self.node(iri, _PROPER_INTERVAL)
            self.t(iri, _HAS_BEGINNING, self.instant(first))
            self.t(iri, _HAS_END, self.instant(last))
        for year, iri in sorted(self.instants.items()):
            self.node(iri, _INSTANT)
            self.t(iri, _IN_XSD_GYEAR, f'"{year}"^^{_XSD_GYEAR}')


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def _tail(graph: str | None) -> str:
    if graph is None:
        return " .\n"
    if not _IRI_RE.fullmatch(graph):
        raise ValueError(f"not an absolute IRI usable as a graph name: {graph!r}")
    return f" <{graph}> .\n"


def _check(municipalities: int) -> None:
    if municipalities < 0:
        raise ValueError(f"municipalities must be zero or more, not {municipalities}")


def _source_lines(municipalities: int, seed: int, tail: str) -> list[str]:
    span = f" (S001–S{municipalities:03d})" if municipalities else ""
    values = (
        (_A, _pg("SyntheticSource")),
        (_TITLE, _lit("Synthetic data for benchmarks — describes no real municipality", "en")),
        (
            _TITLE,
            _lit("Syntetiske data for ytelsestesting — beskriver ingen virkelig kommune", "nb"),
        ),
        (
            _DESCRIPTION,
            _lit(
                f"Generated by plangraph.data.synthetic with seed {seed} for {municipalities} made-up "
                f"municipalities{span}.",
                "en",
            ),
        ),
        (
            _DESCRIPTION,
            _lit(
                f"Generert av plangraph.data.synthetic med frø {seed} for {municipalities} oppdiktede "
                f"kommuner{span}.",
                "nb",
            ),
        ),
    )
    return [f"{_SRC} {p} {o}{tail}" for p, o in values]


def _municipality(index: int, seed: int, tail: str) -> _Municipality:
    builder = _Municipality(index, seed, tail)
    builder.build()
    return builder


def _chunks(municipalities: int, seed: int, tail: str) -> Iterator[list[str]]:
    """The source node's lines, then each municipality's lines as one list."""
    yield _source_lines(municipalities, seed, tail)
    for index in range(1, municipalities + 1):
        yield _municipality(index, seed, tail).lines


def generate(
    municipalities: int = DEFAULT_MUNICIPALITIES,
    seed: int = DEFAULT_SEED,
    graph: str | None = None,
) -> Iterator[str]:
    """Generate the synthetic register as N-Triples lines, or N-Quads lines in ``graph``.

    Args:
        municipalities: how many municipalities to make (numbered 1 … N).
        seed: the seed; the same arguments always give the same lines in the same order.
        graph: IRI of a named graph; when given, every line is an N-Quads line in that graph.

    Returns:
        An iterator of lines, one per triple (or quad), each ending in ``"\\n"``: first the
        synthetic source, then municipality 1, 2, … in turn. Municipalities are built lazily,
        one at a time.

    Raises:
        ValueError: at once, if ``municipalities`` is negative or ``graph`` is not an
            absolute IRI.
    """
    _check(municipalities)
    tail = _tail(graph)
    return chain.from_iterable(_chunks(municipalities, seed, tail))


def write(
    path: Path,
    municipalities: int = DEFAULT_MUNICIPALITIES,
    seed: int = DEFAULT_SEED,
    graph: str | None = None,
) -> int:
    """Write the synthetic register to ``path`` and return the number of lines written.

    The format follows the extension: ``.nt`` writes N-Triples (``graph`` must then be None),
    ``.nq`` writes N-Quads into ``graph``, or into :data:`SYNTHETIC_GRAPH` when none is given.
    The file is UTF-8 with ``\\n`` line ends.

    Raises:
        ValueError: for another extension, a graph with ``.nt``, a negative size or a bad IRI.
    """
    suffix = path.suffix.lower()
    if suffix == ".nt":
        if graph is not None:
            raise ValueError(
                "N-Triples (.nt) has no named graphs: write to a .nq file to use a graph"
            )
    elif suffix == ".nq":
        graph = graph or SYNTHETIC_GRAPH
    else:
        raise ValueError(f"unknown extension {path.suffix!r}: use .nt (N-Triples) or .nq (N-Quads)")
    _check(municipalities)
    chunks = _chunks(municipalities, seed, _tail(graph))
    count = 0
    with path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
        for chunk in chunks:
            out.write("".join(chunk))
            count += len(chunk)
    return count


def seeded_defects(
    municipalities: int = DEFAULT_MUNICIPALITIES, seed: int = DEFAULT_SEED
) -> list[SeededDefect]:
    """List the defects and gaps :func:`generate` puts in for the same arguments.

    The list is in generation order; see the module docstring for the kinds. Generating the
    list costs as much as generating the data (the lines are built and dropped).

    Raises:
        ValueError: if ``municipalities`` is negative.
    """
    _check(municipalities)
    found: list[SeededDefect] = []
    for index in range(1, municipalities + 1):
        found.extend(_municipality(index, seed, " .\n").defects)
    return found
