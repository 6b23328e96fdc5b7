"""The plain plan format, described once: the JSON-LD context, the reader and the JSON Schema
all come from here.

* :data:`TERMS` are the JSON-LD context's terms (a key, the property it stands for, and how its
  value is read). ``context.jsonld`` is generated from them (:func:`context_document`).
* :data:`TYPES` are the objects of the plain format (a plan, its goals, strategies, measures,
  events, …) with the keys each takes. A key that means what a term means names the term, so
  its property is written only once. The reader (:mod:`.reader`) walks a document with these,
  and the JSON Schema (:func:`json_schema`) is generated from them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any, Literal

from plangraph.namespaces import PG, PREFIXES
from plangraph.validation.plain import vocabulary

CONTEXT_IRI = "https://w3id.org/plangraph/context.jsonld"
SCHEMA_IRI = "https://w3id.org/plangraph/schema/plan.json"

LANGUAGES = ("nb", "nn", "en", "se")
"""The languages a text may be given in (``label: {nb: …, en: …}``)."""

Shape = Literal["nb", "languages", "date", "integer", "gYear", "iri", "plain", "reverse", "vocab"]


@dataclass(frozen=True)
class Term:
    """A term of the JSON-LD context: a key and the property it stands for."""

    name: str
    prop: str
    """The property, as a prefixed name."""
    shape: Shape
    vocab: str = ""
    """For ``vocab`` terms: the prefix whose namespace the codes are in."""

    @cached_property
    def iri(self) -> str:
        prefix, local = self.prop.split(":", 1)
        return PREFIXES[prefix] + local


def _t(name: str, prop: str, shape: Shape, vocab: str = "") -> Term:
    return Term(name, prop, shape, vocab)


TERMS: tuple[Term, ...] = (
    _t("title", "dct:title", "nb"),
    _t("titles", "dct:title", "languages"),
    _t("label", "rdfs:label", "nb"),
    _t("labels", "rdfs:label", "languages"),
    _t("description", "dct:description", "nb"),
    _t("note", "skos:note", "nb"),
    _t("kind", "pg:planKind", "vocab", "pgkind"),
    _t("status", "pg:lifecycleStatus", "vocab", "pgstatus"),
    _t("measureStatus", "pg:measureStatus", "vocab", "pgms"),
    _t("reportedStatus", "pg:reportedStatus", "vocab", "pgms"),
    _t("scope", "pg:goalScope", "vocab", "pgscope"),
    _t("outcome", "pg:outcome", "vocab", "pgoutcome"),
    _t("statusAsOf", "pg:statusAsOf", "date"),
    _t("elements", "pg:partOfPlan", "reverse"),
    _t("events", "pg:eventOf", "reverse"),
    _t("assessments", "pg:assessedIn", "reverse"),
    _t("sdgs", "pg:addressesSdg", "iri"),
    _t("date", "pg:date", "date"),
    _t("startDate", "pg:startDate", "date"),
    _t("endDate", "pg:endDate", "date"),
    _t("plannedDate", "pg:plannedDate", "date"),
    _t("constitutedOn", "pg:constitutedOn", "date"),
    _t("period", "pg:period", "plain"),
    _t("begins", "time:hasBeginning", "plain"),
    _t("ends", "time:hasEnd", "plain"),
    _t("year", "time:inXSDgYear", "gYear"),
    _t("revisionIntervalYears", "pg:revisionIntervalYears", "integer"),
    _t("ordinal", "pg:ordinal", "integer"),
    _t("caseNumber", "pg:caseNumber", "plain"),
    _t("source", "dct:source", "iri"),
    _t("page", "foaf:page", "iri"),
    _t("municipality", "pg:municipality", "iri"),
    _t("owner", "pg:owner", "iri"),
    _t("partOfPlan", "pg:partOfPlan", "iri"),
    _t("eventOf", "pg:eventOf", "iri"),
    _t("assessedIn", "pg:assessedIn", "iri"),
    _t("assessedPlan", "pg:assessedPlan", "iri"),
    _t("contributesTo", "pg:contributesTo", "iri"),
    _t("servesGoal", "pg:servesGoal", "iri"),
    _t("implementsStrategy", "pg:implementsStrategy", "iri"),
    _t("refinesGoal", "pg:refinesGoal", "iri"),
    _t("underFocusArea", "pg:underFocusArea", "iri"),
    _t("realisesVision", "pg:realisesVision", "iri"),
    _t("implementsPlan", "pg:implementsPlan", "iri"),
    _t("supportsPlan", "pg:supportsPlan", "iri"),
    _t("replacesPlan", "pg:replacesPlan", "iri"),
    _t("actionPartOf", "pg:actionPartOf", "iri"),
    _t("partOfMasterPlan", "pg:partOfMasterPlan", "iri"),
    _t("partOfPlanDocument", "pg:partOfPlanDocument", "iri"),
    _t("legalBasis", "pg:legalBasis", "iri"),
    _t("electionPeriod", "pg:electionPeriod", "iri"),
    _t("body", "pg:body", "iri"),
    _t("decision", "pg:decision", "iri"),
    _t("decidedBy", "pg:decidedBy", "iri"),
    _t("concerns", "pg:concerns", "iri"),
    _t("hasElement", "pg:hasElement", "iri"),
    _t("hasEvent", "pg:hasEvent", "iri"),
    _t("measuredBy", "pg:measuredBy", "iri"),
    _t("addressesSdg", "pg:addressesSdg", "iri"),
)
TERM = {t.name: t for t in TERMS}


def context_document() -> dict[str, Any]:
    """plangraph's JSON-LD context (the file ``context.jsonld``), generated from :data:`TERMS`."""
    context: dict[str, Any] = {"@version": 1.1, "@vocab": PG, "id": "@id", "type": "@type"}
    context.update(PREFIXES)
    for term in TERMS:
        definition: dict[str, Any]
        definition = {"@reverse": term.prop} if term.shape == "reverse" else {"@id": term.prop}
        if term.shape == "nb":
            definition["@language"] = "nb"
        elif term.shape == "languages":
            definition["@container"] = "@language"
        elif term.shape == "date":
            definition["@type"] = "xsd:date"
        elif term.shape == "integer":
            definition["@type"] = "xsd:integer"
        elif term.shape == "gYear":
            definition["@type"] = "xsd:gYear"
        elif term.shape == "iri":
            definition["@type"] = "@id"
        elif term.shape == "vocab":
            definition["@type"] = "@vocab"
            definition["@context"] = {"@vocab": PREFIXES[term.vocab]}
        context[term.name] = definition
    return {"@context": context}


def context_text() -> str:
    return json.dumps(context_document(), indent=2, ensure_ascii=False) + "\n"


# -- the plain format ---------------------------------------------------------------------------

ValueKind = Literal[
    "id",  # names the object: an IRI, a prefixed name or a short id
    "kind",  # the object's kind, a word of a choice (sets its class)
    "text",  # text, in nb or as {language: text}
    "date",  # a full date (ISO or dd.mm.yyyy)
    "when",  # a date as precise as the source: a full date, a month or a year
    "integer",
    "word",  # a word of a closed list (choice)
    "link",  # a name, number, id or IRI of something (target)
    "url",  # a web address
    "period",  # years: "2026–2029" or {from, to}
    "group",  # a list of objects of a type (or of their labels), linked to this one
    "event",  # one event of a fixed kind (a shortcut), or just its date
]


@dataclass(frozen=True)
class Key:
    """A key of an object of the plain format."""

    name: str
    kind: ValueKind
    doc: str
    """What it means, in Norwegian and English (shown by editors through the JSON Schema)."""
    term: str | None = None
    """The term (:data:`TERMS`) whose property the key states."""
    choice: str | None = None
    """For ``word`` and ``kind``: the closed list of words (:func:`vocabulary.choices`)."""
    target: str | None = None
    """For ``link``: what it links to (:data:`TARGETS`); for ``group``/``event``: the type."""
    many: bool = False
    """Takes a list as well as one value."""
    required: bool = False
    link: str | None = None
    """For ``group``: the term linking each member to this object (the member is its subject)."""
    inherited: bool = False
    """Given on the plan, also holds for everything in it that does not give its own."""


@dataclass(frozen=True)
class Target:
    """What a link may point at: resources of these classes (IRIs)."""

    name: str
    classes: tuple[str, ...]
    what: dict[str, str]
    local: bool = True
    """Names are looked for in the plan's own municipality first (not for SDGs, law, sources)."""
    by_class: tuple[tuple[str, str], ...] = ()
    """For a link whose property depends on what it points at: (class, term)."""


def _pg(local: str) -> str:
    return PG + local


ORG = "http://www.w3.org/ns/org#Organization"
SDGO = PREFIXES["sdgo"]
TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("organisation", (ORG,), {"nb": "enhet", "en": "organisational unit"}),
        Target("body", (_pg("PoliticalBody"),), {"nb": "politisk organ", "en": "political body"}),
        Target("municipality", (_pg("Municipality"),), {"nb": "kommune", "en": "municipality"}),
        Target("plan", (_pg("PlanDocument"),), {"nb": "plan", "en": "plan"}),
        Target("element", (_pg("PlanElement"),), {"nb": "planelement", "en": "plan element"}),
        Target("goal", (_pg("Goal"),), {"nb": "mål", "en": "goal"}),
        Target("strategy", (_pg("Strategy"),), {"nb": "strategi", "en": "strategy"}),
        Target("focus-area", (_pg("FocusArea"),), {"nb": "satsingsområde", "en": "focus area"}),
        Target("vision", (_pg("Vision"),), {"nb": "visjon", "en": "vision"}),
        Target(
            "serves",
            (_pg("Strategy"), _pg("Goal")),
            {"nb": "strategi eller mål", "en": "strategy or goal"},
            by_class=((_pg("Strategy"), "implementsStrategy"), (_pg("Goal"), "servesGoal")),
        ),
        Target(
            "sdg",
            (SDGO + "Goal", SDGO + "Target"),
            {"nb": "bærekraftsmål eller delmål", "en": "SDG goal or target"},
            local=False,
        ),
        Target(
            "election-period",
            (_pg("ElectionPeriod"),),
            {"nb": "valgperiode", "en": "election period"},
        ),
        Target(
            "law",
            ("http://data.europa.eu/eli/ontology#LegalResourceSubdivision",),
            {"nb": "lovbestemmelse", "en": "legal provision"},
            local=False,
        ),
        Target("decision", (_pg("Decision"),), {"nb": "sak", "en": "decision"}),
        Target("source", (_pg("Source"),), {"nb": "kilde", "en": "source"}, local=False),
    )
}


@dataclass(frozen=True)
class ObjectType:
    """An object of the plain format and the keys it takes."""

    name: str
    what: dict[str, str]
    keys: tuple[Key, ...]
    cls: str | None = None
    """The class of every object of this type, unless a ``kind`` key sets it."""
    role: str = ""
    """The word in the IRIs minted for objects of this type (``{plan}-{role}-{n}``)."""
    scalar: str | None = None
    """The key a plain scalar stands for (``strategies: [Fewer cars]`` = ``label``;
    ``adopted: 16.10.2024`` = ``date``)."""

    @property
    def key(self) -> dict[str, Key]:
        return {k.name: k for k in self.keys}


def _k(name: str, kind: ValueKind, nb: str, en: str, **more: Any) -> Key:
    return Key(name, kind, f"{nb} — {en}", **more)


ID = _k(
    "id",
    "id",
    "Valgfritt: en kort id (som lages om til en IRI i kommunens navnerom), et prefiksnavn eller en IRI",
    "Optional: a short id (made into an IRI in the municipality's namespace), a prefixed name or an IRI",
)
LABEL = _k(
    "label",
    "text",
    "Navn (på bokmål, eller {nb: …, en: …})",
    "Name (in Norwegian bokmål, or {nb: …, en: …})",
    term="label",
)
DESCRIPTION = _k("description", "text", "Beskrivelse", "Description", term="description")
NOTE = _k("note", "text", "Merknad", "Note", term="note")
SOURCE = _k(
    "source",
    "link",
    "Kilden: tittelen eller IRI-en til en kilde i registeret, eller en nettadresse",
    "The source: the title or IRI of a source in the register, or a web address",
    term="source",
    target="source",
)
ORDINAL = _k(
    "ordinal",
    "integer",
    "Nummeret i planens rekkefølge",
    "Its number in the plan's order",
    term="ordinal",
)
SDGS = _k(
    "sdgs",
    "link",
    "Bærekraftsmål eller delmål: nummer (4, 4.1) eller norsk navn (God utdanning)",
    "SDG goals or targets: number (4, 4.1) or Norwegian name",
    term="addressesSdg",
    target="sdg",
    many=True,
)
OWNER = _k(
    "owner",
    "link",
    "Ansvarlig enhet: navn, forkortelse eller organisasjonsnummer",
    "Responsible unit: name, short name or organisation number",
    term="owner",
    target="organisation",
)


def _links(*names: str) -> tuple[Key, ...]:
    docs = {
        "contributesTo": ("Mål eller satsingsområde i en annen plan det bidrar til", "A goal or focus area of another plan it contributes to", "element"),
        "underFocusArea": ("Satsingsområdet det hører under", "The focus area it belongs under", "focus-area"),
        "realisesVision": ("Visjonen det virkeliggjør", "The vision it realises", "vision"),
        "refinesGoal": ("Målet det konkretiserer", "The goal it makes concrete", "goal"),
        "servesGoal": ("Målet det tjener", "The goal it serves", "goal"),
        "implementsStrategy": ("Strategien det gjennomfører", "The strategy it carries out", "strategy"),
    }  # fmt: skip
    return tuple(
        _k(n, "link", docs[n][0], docs[n][1], term=n, target=docs[n][2], many=True) for n in names
    )


def _group(name: str, target: str, nb: str, en: str, link: str | None = None) -> Key:
    return _k(name, "group", nb, en, target=target, link=link, many=True)


VISION = ObjectType(
    "vision",
    {"nb": "visjon", "en": "vision"},
    (ID, LABEL, DESCRIPTION, NOTE, SOURCE),
    cls=_pg("Vision"),
    role="vision",
    scalar="label",
)
MEASURE = ObjectType(
    "measure",
    {"nb": "tiltak", "en": "measure"},
    (
        ID,
        LABEL,
        DESCRIPTION,
        NOTE,
        ORDINAL,
        *_links("implementsStrategy", "servesGoal", "contributesTo"),
        _k(
            "serves",
            "link",
            "Strategien eller målet det gjennomfører (navn)",
            "The strategy or goal it carries out (by name)",
            target="serves",
            many=True,
        ),
        OWNER,
        _k(
            "status",
            "word",
            "Tiltakets status",
            "The measure's status",
            term="measureStatus",
            choice="measure-status",
        ),
        _k(
            "deadline",
            "when",
            "Frist (dato, måned eller år)",
            "Deadline (date, month or year)",
            term="plannedDate",
        ),
        SDGS,
        SOURCE,
    ),
    cls=_pg("Measure"),
    role="measure",
    scalar="label",
)
STRATEGY = ObjectType(
    "strategy",
    {"nb": "strategi", "en": "strategy"},
    (
        ID,
        LABEL,
        DESCRIPTION,
        NOTE,
        ORDINAL,
        *_links("servesGoal", "underFocusArea", "contributesTo"),
        SDGS,
        SOURCE,
        _group(
            "measures",
            "measure",
            "Tiltakene som gjennomfører strategien",
            "The measures carrying out the strategy",
            "implementsStrategy",
        ),
    ),
    cls=_pg("Strategy"),
    role="strategy",
    scalar="label",
)
GOAL = ObjectType(
    "goal",
    {"nb": "mål", "en": "goal"},
    (
        ID,
        _k(
            "kind",
            "kind",
            "Slags mål: mål, samfunnsmål, virksomhetsmål eller delmål",
            "Kind of goal",
            choice="goal-kind",
        ),
        LABEL,
        DESCRIPTION,
        NOTE,
        ORDINAL,
        _k(
            "scope",
            "word",
            "Gjelder målet byen (kommunesamfunnet) eller kommunen som organisasjon",
            "Does the goal concern the community or the municipal organisation",
            term="scope",
            choice="goal-scope",
        ),
        *_links("contributesTo", "underFocusArea", "realisesVision", "refinesGoal"),
        SDGS,
        SOURCE,
        _group(
            "strategies",
            "strategy",
            "Strategiene for å nå målet",
            "The strategies to reach the goal",
            "servesGoal",
        ),
        _group(
            "measures",
            "measure",
            "Tiltak som tjener målet direkte",
            "Measures serving the goal directly",
            "servesGoal",
        ),
    ),
    cls=_pg("Goal"),
    role="goal",
    scalar="label",
)
FOCUS_AREA = ObjectType(
    "focus-area",
    {"nb": "satsingsområde", "en": "focus area"},
    (
        ID,
        LABEL,
        DESCRIPTION,
        NOTE,
        ORDINAL,
        *_links("realisesVision", "contributesTo"),
        SDGS,
        SOURCE,
        _group(
            "goals",
            "goal",
            "Målene under satsingsområdet",
            "The goals under the focus area",
            "underFocusArea",
        ),
        _group(
            "strategies",
            "strategy",
            "Strategiene under satsingsområdet",
            "The strategies under the focus area",
            "underFocusArea",
        ),
    ),
    cls=_pg("FocusArea"),
    role="focus",
    scalar="label",
)
ELEMENT = ObjectType(
    "element",
    {"nb": "planelement", "en": "plan element"},
    (
        ID,
        _k(
            "kind",
            "kind",
            "Slags element: visjon, satsingsområde, mål, samfunnsmål, virksomhetsmål, delmål, strategi eller tiltak",
            "Kind of element",
            choice="element-kind",
            required=True,
        ),
        LABEL,
        DESCRIPTION,
        NOTE,
        ORDINAL,
        _k(
            "scope",
            "word",
            "For mål: byen eller kommunen som organisasjon",
            "For goals: community or organisation",
            term="scope",
            choice="goal-scope",
        ),
        *_links(
            "contributesTo",
            "underFocusArea",
            "realisesVision",
            "refinesGoal",
            "servesGoal",
            "implementsStrategy",
        ),
        OWNER,
        _k(
            "status",
            "word",
            "For tiltak: status",
            "For measures: status",
            term="measureStatus",
            choice="measure-status",
        ),
        _k("deadline", "when", "For tiltak: frist", "For measures: deadline", term="plannedDate"),
        SDGS,
        SOURCE,
    ),
    role="element",
)

_BY = _k(
    "by",
    "link",
    "Organet: bystyret, byrådet, kommunestyret … (navn eller forkortelse)",
    "The body: council, city government … (name or short name)",
    term="body",
    target="body",
)
_DECISION = _k(
    "decision",
    "link",
    "Saken: saksnummer (246/20) eller tittel",
    "The case: case number (246/20) or title",
    term="decision",
    target="decision",
)
_EVENT_TEXT = (LABEL, DESCRIPTION, NOTE, SOURCE)


def _event(
    name: str, cls: str, nb: str, en: str, *keys: Key, scalar: str | None = None
) -> ObjectType:
    return ObjectType(
        name,
        {"nb": nb, "en": en},
        (ID, *keys, _BY, _DECISION, *_EVENT_TEXT),
        cls=_pg(cls),
        role=name,
        scalar=scalar,
    )


_DATE = _k("date", "when", "Dato (eller måned, år)", "Date (or month, year)", term="date")
ADOPTED = _event("adopted", "Adoption", "vedtak", "adoption", _DATE, scalar="date")
STARTED = _event("started", "PlanStart", "oppstart", "plan start", _DATE, scalar="date")
TREATED = _event("treated", "Treatment", "politisk behandling", "political treatment", _DATE, scalar="date")  # fmt: skip
PUBLIC = _event(
    "public",
    "ProposalPublished",
    "forslaget offentlig",
    "proposal made public",
    _k("from", "when", "Datoen forslaget ble gjort offentlig", "The date the proposal was made public", term="date"),
    _k("to", "when", "Til (valgfritt)", "Until (optional)", term="endDate"),
    scalar="from",
)  # fmt: skip
CONSULTATION = _event(
    "consultation",
    "PublicConsultation",
    "høring og offentlig ettersyn",
    "public consultation",
    _k("from", "when", "Første dag", "First day", term="startDate"),
    _k("to", "when", "Høringsfristen (siste dag)", "The deadline (last day)", term="endDate"),
)  # fmt: skip
EVENT = ObjectType(
    "event",
    {"nb": "planhendelse", "en": "plan event"},
    (
        ID,
        _k(
            "kind",
            "kind",
            "Slags hendelse: oppstart, høring, forslag offentliggjort, behandling, vedtak, rullering, statusrapport",
            "Kind of event",
            choice="event-kind",
            required=True,
        ),
        _DATE,
        _k("from", "when", "Fra (første dag)", "From (first day)", term="startDate"),
        _k("to", "when", "Til (siste dag)", "To (last day)", term="endDate"),
        _k("planned", "when", "Planlagt dato", "Planned date", term="plannedDate"),
        _BY,
        _DECISION,
        *_EVENT_TEXT,
    ),
    role="event",
)
ASSESSMENT = ObjectType(
    "assessment",
    {"nb": "planvurdering", "en": "plan assessment"},
    (
        ID,
        _k(
            "plan",
            "link",
            "Planen det gjelder (tittel, kortnavn eller IRI)",
            "The plan assessed (title, short name or IRI)",
            term="assessedPlan",
            target="plan",
            required=True,
        ),
        _k(
            "outcome",
            "word",
            "Beslutningen: videreført, revidert, utgår eller ny",
            "The decision: continued, revised, discontinued or new",
            term="outcome",
            choice="assessment-outcome",
            required=True,
        ),
        *_EVENT_TEXT,
    ),
    cls=_pg("PlanAssessment"),
    role="assessment",
)


def _plan_link(name: str, nb: str, en: str, many: bool = True) -> Key:
    return _k(name, "link", nb, en, term=name, target="plan", many=many)


PLAN = ObjectType(
    "plan",
    {"nb": "plan", "en": "plan"},
    (
        ID,
        _k(
            "kind",
            "kind",
            "Plantype: temaplan, handlingsplan, strategi, melding, kommunedelplan, kommuneplanens samfunnsdel, HØP …",
            "Plan kind",
            choice="plan-kind",
            required=True,
        ),
        _k("title", "text", "Planens tittel", "The plan's title", term="title"),
        LABEL,
        DESCRIPTION,
        NOTE,
        _k(
            "status",
            "word",
            "Planstatus: under arbeid, på høring, vedtatt, gjeldende, utgått, opphevet",
            "Plan status",
            term="status",
            choice="lifecycle-status",
        ),
        _k(
            "statusAsOf",
            "date",
            "Datoen statusen gjelder fra",
            "The date the status is stated as of",
            term="statusAsOf",
        ),
        _k(
            "municipality",
            "link",
            "Kommunen: navn, kommunenummer eller organisasjonsnummer",
            "The municipality: name, number or organisation number",
            term="municipality",
            target="municipality",
        ),
        OWNER,
        _plan_link("implementsPlan", "Planen den gjennomfører", "The plan it carries out"),
        _plan_link("supportsPlan", "Planen den støtter opp om", "The plan it supports"),
        _plan_link("replacesPlan", "Planen den erstatter", "The plan it replaces"),
        _plan_link(
            "actionPartOf",
            "Samfunnsdelen den er handlingsdel for",
            "The social part it is the action part of",
        ),
        _plan_link(
            "partOfMasterPlan",
            "Kommuneplanen den er del av",
            "The master plan it is part of",
            many=False,
        ),
        _plan_link(
            "partOfPlanDocument",
            "Plandokumentet den er del av",
            "The plan document it is part of",
            many=False,
        ),
        _k(
            "electionPeriod",
            "link",
            "Valgperioden (2023–2027)",
            "The election period (2023–2027)",
            term="electionPeriod",
            target="election-period",
        ),
        _k(
            "legalBasis",
            "link",
            "Lovgrunnlag",
            "Legal basis",
            term="legalBasis",
            target="law",
            many=True,
        ),
        _k(
            "revisionIntervalYears",
            "integer",
            "Hvor mange år mellom hver rullering",
            "Years between revisions",
            term="revisionIntervalYears",
        ),
        _k(
            "period",
            "period",
            "Årene planen gjelder: 2026–2029 eller {from: 2026, to: 2029}",
            "The years the plan covers",
            term="period",
        ),
        SDGS,
        _k("page", "url", "Nettside", "Web page", term="page"),
        _k(
            "source",
            "link",
            "Kilden for planen og alt i den",
            "The source of the plan and everything in it",
            term="source",
            target="source",
            inherited=True,
        ),
        _k("vision", "group", "Visjonen", "The vision", target="vision", link="partOfPlan"),
        _group("focusAreas", "focus-area", "Satsingsområdene", "The focus areas"),
        _group("goals", "goal", "Målene", "The goals"),
        _group(
            "strategies",
            "strategy",
            "Strategier som ikke står under et mål",
            "Strategies not listed under a goal",
        ),
        _group(
            "measures",
            "measure",
            "Tiltak som ikke står under en strategi",
            "Measures not listed under a strategy",
        ),
        _group(
            "elements",
            "element",
            "Andre planelementer, hvert med kind",
            "Other plan elements, each with a kind",
        ),
        _k(
            "started",
            "event",
            "Oppstart: dato eller {date, by}",
            "Plan start: a date or {date, by}",
            target="started",
        ),
        _k(
            "public",
            "event",
            "Forslaget gjort offentlig: dato eller {from, to, by}",
            "Proposal made public: a date or {from, to, by}",
            target="public",
        ),
        _k(
            "consultation",
            "event",
            "Høring og offentlig ettersyn: {from, to, by}",
            "Public consultation: {from, to, by}",
            target="consultation",
        ),
        _k(
            "treated",
            "event",
            "Politisk behandling: dato eller {date, by}",
            "Political treatment: a date or {date, by}",
            target="treated",
        ),
        _k(
            "adopted",
            "event",
            "Vedtak: dato eller {date, by, decision}",
            "Adoption: a date or {date, by, decision}",
            target="adopted",
        ),
        _group(
            "events", "event", "Andre hendelser, hver med kind", "Other events, each with a kind"
        ),
        _group(
            "assessments",
            "assessment",
            "Planstrategiens vurdering av hver plan",
            "The planning strategy's decision on each plan",
        ),
    ),
    role="plan",
)

TYPES: dict[str, ObjectType] = {
    t.name: t
    for t in (
        PLAN,
        VISION,
        FOCUS_AREA,
        GOAL,
        STRATEGY,
        MEASURE,
        ELEMENT,
        EVENT,
        ASSESSMENT,
        ADOPTED,
        STARTED,
        TREATED,
        PUBLIC,
        CONSULTATION,
    )
}

# Links from a member of a plan's list to the plan (the member is the subject).
MEMBER_LINK = {"event": "eventOf", "assessment": "assessedIn"}
EVENT_TYPES = {"adopted", "started", "treated", "public", "consultation", "event"}

# Keys people write that the format spells another way (key → the key to write).
HINTS: dict[str, str] = {
    "type": "kind",
    "measureStatus": "status",
    "titles": "title",
    "labels": "label",
    "descriptions": "description",
    "begins": "period.from",
    "ends": "period.to",
    "startDate": "consultation.from",
    "endDate": "consultation.to",
    "date": "adopted.date",
    "adoption": "adopted",
    "adoptionDate": "adopted.date",
    "adoptedOn": "adopted.date",
    "adoptedBy": "adopted.by",
    "proposalPublic": "public.from",
    "proposalPublished": "public.from",
    "publishedOn": "public.from",
    "body": "by",
    "hasElement": "goals",
    "partOfPlan": "goals",
    "addressesSdg": "sdgs",
    "sdg": "sdgs",
    "deadlines": "deadline",
    "responsible": "owner",
    "ansvarlig": "owner",
    "eier": "owner",
    "tittel": "title",
    "navn": "label",
    "frist": "deadline",
    "kommune": "municipality",
    "mål": "goals",
    "tiltak": "measures",
    "strategier": "strategies",
}


def sub_keys(otype: ObjectType) -> list[str]:
    """The keys of an object and the dotted keys one level into its events and period
    (``adopted.by``), which a misplaced key may be meant as."""
    found = [k.name for k in otype.keys]
    for key in otype.keys:
        if key.kind == "event" and key.target:
            found.extend(f"{key.name}.{sub.name}" for sub in TYPES[key.target].keys)
        elif key.kind == "period":
            found.extend((f"{key.name}.from", f"{key.name}.to"))
    return found


# -- the JSON Schema ----------------------------------------------------------------------------

_DAY = r"(0?[1-9]|[12][0-9]|3[01])"
_MONTH = r"(0?[1-9]|1[0-2])"
_ISO_DAY = r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_DATE_PATTERN = rf"^({_ISO_DAY}|{_DAY}\.{_MONTH}\.[0-9]{{4}})$"
_WHEN_PATTERN = (
    rf"^({_ISO_DAY}|{_DAY}\.{_MONTH}\.[0-9]{{4}}|[0-9]{{4}}-(0[1-9]|1[0-2])"
    rf"|{_MONTH}\.[0-9]{{4}}|[0-9]{{4}})$"
)
_PERIOD_PATTERN = r"^[0-9]{4} ?[-–—] ?[0-9]{4}$"


def _words(choice: str) -> list[str]:
    """The words of a choice, as written and with a capital first letter (editors compare
    words exactly; the reader ignores case)."""
    found: dict[str, None] = {}
    for word in vocabulary.choices()[choice].words():
        found.setdefault(word, None)
        found.setdefault(word[:1].upper() + word[1:], None)
    return list(found)


def _value_schema(key: Key) -> dict[str, Any]:
    text = {
        "anyOf": [
            {"type": "string", "minLength": 1},
            {
                "type": "object",
                "propertyNames": {"enum": list(LANGUAGES)},
                "additionalProperties": {"type": "string", "minLength": 1},
                "minProperties": 1,
            },
        ]
    }
    one: dict[str, Any]
    if key.kind == "id":
        one = {"type": "string", "minLength": 1}
    elif key.kind in ("kind", "word"):
        assert key.choice
        one = {"$ref": f"#/$defs/words-{key.choice}"}
    elif key.kind == "text":
        one = text
    elif key.kind == "date":
        one = {"type": "string", "pattern": _DATE_PATTERN}
    elif key.kind == "when":
        one = {
            "anyOf": [
                {"type": "string", "pattern": _WHEN_PATTERN},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ]
        }
    elif key.kind == "integer":
        one = {"type": "integer", "minimum": 0}
    elif key.kind == "link":
        one = {"anyOf": [{"type": "string", "minLength": 1}, {"type": "number"}]}
    elif key.kind == "url":
        one = {"type": "string", "format": "uri", "pattern": "^https?://"}
    elif key.kind == "period":
        year = {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]{4}$"}]}
        one = {
            "anyOf": [
                {"type": "string", "pattern": _PERIOD_PATTERN},
                {
                    "type": "object",
                    "properties": {"from": year, "to": year},
                    "additionalProperties": False,
                    "minProperties": 1,
                },
            ]
        }
    elif key.kind == "group":
        assert key.target
        member = {"anyOf": [{"$ref": f"#/$defs/{key.target}"}, {"type": "string", "minLength": 1}]}
        if key.name == "vision":
            return {"description": key.doc, **member}
        return {"description": key.doc, "type": "array", "minItems": 1, "items": member}
    else:  # event
        assert key.target
        scalar = TYPES[key.target].scalar
        ref = {"$ref": f"#/$defs/{key.target}"}
        one = {"anyOf": [ref, _value_schema(TYPES[key.target].key[scalar])]} if scalar else ref
    if key.many:
        one = {"anyOf": [one, {"type": "array", "minItems": 1, "items": one}]}
    return {"description": key.doc, **one}


def _object_schema(otype: ObjectType) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "title": f"{otype.what['nb']} ({otype.what['en']})",
        "properties": {key.name: _value_schema(key) for key in otype.keys},
        "additionalProperties": False,
    }
    required = [key.name for key in otype.keys if key.required]
    if required:
        schema["required"] = required
    return schema


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a plan in the plain format (for editors: autocompletion and checks
    while a plan is written). The reader is the authority: it also resolves names."""
    plan = _object_schema(PLAN)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_IRI,
        "title": "plangraph: plan (enkelt format) — plan (plain format)",
        "description": (
            "En plan skrevet som YAML eller JSON, med planleggerens ord. — A plan written as "
            "YAML or JSON, in a planner's words."
        ),
        **plan,
        "$defs": {
            **{name: _object_schema(t) for name, t in TYPES.items() if name != "plan"},
            **{
                f"words-{name}": {
                    "title": f"{choice.what['nb']} ({choice.what['en']})",
                    "enum": _words(name),
                }
                for name, choice in vocabulary.choices().items()
            },
        },
    }


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


SCHEMA_FILE = "plan.schema.json"
"""The JSON Schema as shipped in this package (``plangraph.validation.plain``)."""


def shipped_schema() -> dict[str, Any]:
    """The JSON Schema file shipped in the package (a test checks it is :func:`json_schema`)."""
    text = (
        importlib_resources.files("plangraph.validation.plain")
        .joinpath(SCHEMA_FILE)
        .read_text(encoding="utf-8")
    )
    found: dict[str, Any] = json.loads(text)
    return found


def write_generated() -> list[Path]:
    """Write the generated files into the source tree: the JSON Schema and the JSON-LD context.

    Run ``python -m plangraph.validation.plain.generate`` after changing this module (or the words of
    the code lists); the tests fail while a shipped file differs from what is generated.
    """
    here = Path(__file__).resolve().parent
    files = [(here / SCHEMA_FILE, schema_text()), (here.parent / "context.jsonld", context_text())]
    for path, text in files:
        path.write_text(text, encoding="utf-8")
    return [path for path, _ in files]
