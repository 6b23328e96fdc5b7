"""A planner's words for the code lists, and dates as planners write them.

The words come from the ontology's SKOS schemes (``data/reference/schemes.ttl``: each concept's
code, preferred and alternative labels in nb and en, a label like ``vedtatt/gjeldende`` read as
both words) and from the ontology's class labels (``mål``, ``tiltak``, ``høring og offentlig
ettersyn`` …), together with the everyday words below that the schemes do not carry. Every
word is matched without regard to case, spacing, dashes or quotes.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from plangraph import resources
from plangraph.data import datasets
from plangraph.namespaces import PG, PREFIXES

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

_QUOTES = dict.fromkeys(map(ord, "«»“”„\"'‘’‚`´"), None)
_DASHES = re.compile(r"[\u2010-\u2015\u2212_\-]+")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"^[0-9 ]+$")


def normalize(text: str) -> str:
    """A name or word as it is compared: NFKC, case-folded, without quotes, dashes as spaces,
    spaces collapsed; a number written in groups (``964 338 531``) without its spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)
    folded = _SPACES.sub(" ", _DASHES.sub(" ", folded)).strip()
    if _DIGITS.match(folded):
        return folded.replace(" ", "")
    return folded


# Everyday words that the schemes do not carry: scheme → code → (nb words, en words).
EXTRA_WORDS: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "plan-kind": {
        "planning-strategy": (("planstrategi",), ("planning strategy",)),
        "social-part": (("samfunnsdel", "samfunnsdelen"), ("social part",)),
        "land-use-part": (("arealdel", "arealdelen"), ("land-use part", "land use part")),
        "action-and-economic-plan": (("økonomiplan",), ()),
        "theme-plan": ((), ("theme plan",)),
        "action-plan": ((), ("action plan",)),
    },
    "lifecycle-status": {
        "under-work": (("under utarbeiding", "under utarbeidelse", "i arbeid"), ("under work",)),
        "consultation": (
            ("høring", "til høring", "ute på høring", "offentlig ettersyn"),
            ("public consultation",),
        ),
        "current": (("vedtatt", "gjeldende", "i kraft"), ("adopted", "current", "in force")),
        "expired": (("utløpt",), ()),
    },
    "measure-status": {
        "not-started": (("ikke påbegynt", "planlagt"), ("planned",)),
        "in-progress": (("pågående", "i gang", "påbegynt", "startet"), ("ongoing", "started")),
        "delayed": (("utsatt",), ("postponed",)),
        "completed": (("gjennomført", "ferdig"), ("done", "finished")),
        "cancelled": (("avlyst", "stanset", "kansellert"), ("canceled", "dropped")),
    },
    "assessment-outcome": {
        "continued": (("videreført", "videreføres"), ("continued",)),
        "revised": (("revidert", "rullert", "revideres", "rulleres"), ("revised", "rolled")),
        "discontinued": (("avvikles", "avviklet"), ()),
        "new": (("nytt", "nytt planarbeid"), ()),
    },
    "goal-scope": {
        "community": (("samfunnet", "samfunn"), ("city",)),
        "organisation": (
            ("organisasjonen", "organisasjon"),
            ("organization", "municipal organization"),
        ),
    },
}

# Words for the classes of plan elements and plan events beyond their labels: (nb, en).
EXTRA_CLASS_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "OrganisationGoal": ((), ("organization goal",)),
    "PlanStart": (("planoppstart", "oppstart av planarbeid"), ("start",)),
    "PublicConsultation": (("høring", "offentlig ettersyn"), ("consultation",)),
    "ProposalPublished": (("forslag lagt ut", "offentliggjort"), ("proposal published",)),
    "Treatment": (("behandling",), ("treatment",)),
    "Adoption": (("vedtak", "vedtatt"), ("adopted",)),
    "Rolling": ((), ("rolling",)),
}

ELEMENT_CLASSES = (
    "Vision", "FocusArea", "Goal", "CommunityGoal", "OrganisationGoal", "SubGoal", "Strategy",
    "Measure",
)  # fmt: skip
GOAL_CLASSES = ("Goal", "CommunityGoal", "OrganisationGoal", "SubGoal")
EVENT_CLASSES = (
    "PlanStart", "PublicConsultation", "ProposalPublished", "Treatment", "Adoption", "Rolling",
    "StatusReport",
)  # fmt: skip


@dataclass(frozen=True, eq=False)
class Choice:
    """A closed list of words for one key, each naming a concept or a class (an IRI)."""

    name: str
    what: dict[str, str]
    entries: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]
    """(IRI, nb words, en words); the first word of each is the one shown."""
    index: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        found: dict[str, str] = {}
        for iri, nb, en in self.entries:
            for word in (*nb, *en, self.code(iri)):
                key = normalize(word)
                assert found.get(key, iri) == iri, f"{self.name}: '{word}' names two things"
                found[key] = iri
        object.__setattr__(self, "index", found)

    def lookup(self, text: str) -> str | None:
        """The IRI the word names, or None."""
        return self.index.get(normalize(text))

    def shown(self, lang: str) -> list[str]:
        """The words an error lists: the first word of each entry in ``lang``."""
        at = 1 if lang == "nb" else 2
        return [entry[at][0] for entry in self.entries if entry[at]]

    def words(self) -> list[str]:
        """Every word, as written (for the JSON Schema)."""
        found: dict[str, None] = {}
        for _, nb, en in self.entries:
            for word in (*nb, *en):
                found.setdefault(word, None)
        return list(found)

    def code(self, iri: str) -> str:
        return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _split(label: str) -> list[str]:
    parts = [p.strip() for p in label.split("/")]
    return [label, *parts] if len(parts) > 1 else [label]


def _unique(words: Iterable[str]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    seen: set[str] = set()
    for word in words:
        key = normalize(word)
        if key not in seen:
            seen.add(key)
            found[word] = None
    return tuple(found)


@cache
def _graph() -> ox.Store:
    """The ontology and the reference data (the schemes), for reading words from."""
    store = ox.Store()
    for file in _files():
        store.bulk_load(path=str(file), format=ox.RdfFormat.TURTLE)
    return store


def _files() -> list[Path]:
    files = [resources.ontology_file()]
    for dataset in datasets.default_datasets():
        if dataset.id == "reference":
            files.extend(file for _, file in dataset.graphs())
    return files


@cache
def _file_order() -> dict[str, int]:
    """Each subject → where it is first described in the files (concepts are listed in the
    order the schemes give them)."""
    order: dict[str, int] = {}
    for file in _files():
        for quad in ox.parse(path=str(file), format=ox.RdfFormat.TURTLE):
            if isinstance(quad.subject, ox.NamedNode):
                order.setdefault(quad.subject.value, len(order))
    return order


def _literals(store: ox.Store, subject: str, predicate: str, lang: str | None) -> list[str]:
    found = []
    for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None):
        if isinstance(q.object, ox.Literal) and (lang is None or q.object.language == lang):
            found.append(q.object.value)
    return sorted(found)


def _scheme(name: str, what: dict[str, str], drop: tuple[str, ...] = ()) -> Choice:
    store = _graph()
    scheme = f"{PREFIXES['pg'].split('ontology#')[0]}concept/{name}"
    concepts = [
        q.subject.value
        for q in store.quads_for_pattern(
            None, ox.NamedNode(SKOS + "inScheme"), ox.NamedNode(scheme)
        )
        if isinstance(q.subject, ox.NamedNode)
    ]
    order = _file_order()
    concepts.sort(key=lambda c: (order.get(c, len(order)), c))
    entries = []
    extra = EXTRA_WORDS.get(name, {})
    for iri in concepts:
        code = iri.rsplit("/", 1)[-1]
        if code in drop:
            continue
        words: dict[str, list[str]] = {"nb": [], "en": []}
        for lang in ("nb", "en"):
            for label in _literals(store, iri, SKOS + "prefLabel", lang):
                words[lang].extend(_split(label))
            words[lang].extend(_literals(store, iri, SKOS + "altLabel", lang))
        nb_extra, en_extra = extra.get(code, ((), ()))
        entries.append(
            (iri, _unique([*words["nb"], *nb_extra]), _unique([*words["en"], *en_extra, code]))
        )
    return Choice(name, what, tuple(entries))


def _classes(name: str, what: dict[str, str], names: tuple[str, ...]) -> Choice:
    store = _graph()
    entries = []
    for local in names:
        iri = PG + local
        nb = _literals(store, iri, RDFS + "label", "nb") + _literals(
            store, iri, SKOS + "altLabel", "nb"
        )
        en = _literals(store, iri, RDFS + "label", "en") + _literals(
            store, iri, SKOS + "altLabel", "en"
        )
        nb_extra, en_extra = EXTRA_CLASS_WORDS.get(local, ((), ()))
        entries.append((iri, _unique([*nb, *nb_extra]), _unique([*en, *en_extra, local])))
    return Choice(name, what, tuple(entries))


@cache
def choices() -> dict[str, Choice]:
    """Every closed list of words, by name."""
    return {
        "plan-kind": _scheme(
            "plan-kind", {"nb": "plantype", "en": "plan kind"}, drop=("thematic-plan",)
        ),
        "lifecycle-status": _scheme("lifecycle-status", {"nb": "planstatus", "en": "plan status"}),
        "measure-status": _scheme(
            "measure-status", {"nb": "tiltaksstatus", "en": "measure status"}
        ),
        "assessment-outcome": _scheme(
            "assessment-outcome",
            {"nb": "planstrategibeslutning", "en": "planning-strategy decision"},
        ),
        "goal-scope": _scheme("goal-scope", {"nb": "målomfang", "en": "goal scope"}),
        "element-kind": _classes(
            "element-kind",
            {"nb": "type planelement", "en": "kind of plan element"},
            ELEMENT_CLASSES,
        ),
        "goal-kind": _classes("goal-kind", {"nb": "type mål", "en": "kind of goal"}, GOAL_CLASSES),
        "event-kind": _classes(
            "event-kind", {"nb": "type planhendelse", "en": "kind of plan event"}, EVENT_CLASSES
        ),
    }


@cache
def plan_classes() -> dict[str, str]:
    """Plan kind (concept IRI) → the class whose members have that kind (from the ontology's
    ``owl:equivalentClass [ owl:onProperty pg:planKind ; owl:hasValue … ]``)."""
    rows = _graph().query(
        f"""SELECT ?class ?kind WHERE {{
            ?class <{OWL}equivalentClass> [ <{OWL}onProperty> <{PG}planKind> ;
                                           <{OWL}hasValue> ?kind ] }}"""
    )
    assert isinstance(rows, ox.QuerySolutions)
    found: dict[str, str] = {}
    for row in rows:
        kind, cls = row["kind"], row["class"]
        if isinstance(kind, ox.NamedNode) and isinstance(cls, ox.NamedNode):
            found[kind.value] = cls.value
    return found


@cache
def superclasses() -> dict[str, frozenset[str]]:
    """Each class of the ontology → itself and every class above it."""
    up: dict[str, set[str]] = {}
    for q in _graph().quads_for_pattern(None, ox.NamedNode(RDFS + "subClassOf"), None):
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
            up.setdefault(q.subject.value, set()).add(q.object.value)
    closed: dict[str, frozenset[str]] = {}
    for start in up:
        seen = {start}
        todo = [start]
        while todo:
            for parent in up.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        closed[start] = frozenset(seen)
    return closed


def label(iri: str, lang: str) -> str:
    """A class's or concept's label in ``lang`` from the ontology and schemes (else its name)."""
    store = _graph()
    for predicate in (SKOS + "prefLabel", RDFS + "label"):
        found = _literals(store, iri, predicate, lang)
        if found:
            return found[0]
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


# -- dates -------------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NORWEGIAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_NORWEGIAN_MONTH = re.compile(r"^(\d{1,2})\.(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")

DATE = XSD + "date"
YEAR_MONTH = XSD + "gYearMonth"
YEAR = XSD + "gYear"


def parse_date(text: str, *, partial: bool) -> tuple[str, str] | None:
    """A date as (lexical form, XSD datatype), or None if ``text`` is not one.

    Full dates as ``2025-06-18`` or ``18.06.2025`` (also ``1.2.2025``); where ``partial``, also a
    month (``2025-03``, ``03.2025``) or a year (``2025``), for dates as precise as their source.
    """
    text = text.strip()
    for pattern, order in ((_ISO, "ymd"), (_NORWEGIAN, "dmy")):
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                day = datetime.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
            return day.isoformat(), DATE
    if not partial:
        return None
    for pattern, order in ((_ISO_MONTH, "ym"), (_NORWEGIAN_MONTH, "my")):
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            if not 1 <= parts["m"] <= 12:
                return None
            return f"{parts['y']:04d}-{parts['m']:02d}", YEAR_MONTH
    if _YEAR.match(text):
        return text, YEAR
    return None
