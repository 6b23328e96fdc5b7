"""The plan portfolio for people who do not write SPARQL: the data behind the public pages.

Plans with kind, owner, status (and whether it is still confirmed), period and successor; the
plan work under way with its milestones; one plan's profile (legal basis, decisions and events,
the plans it traces to, and the red thread of its goals, strategies and measures); SDG coverage.

Everything is read with SPARQL through a :data:`Select` (the web app's engine, or a store in a
test), on the dataset that :func:`page_graphs` chooses: the asserted graphs of the register,
without the inferred graph and, unless asked for, without the illustrative examples. The
inferred graph is left out because it mixes conclusions drawn from the examples with the rest;
what the pages need of the ontology (sub-properties of ``pg:tracesTo``, ``pg:sdgGoal``) the
queries follow themselves. Codes (statuses, kinds of events) are read with ``STR()`` in the
query, so a server that publishes the IRIs under another base gets the same codes. Parameters
reach the queries only as RDF terms (their N-Triples form), never as the user's text.
"""

from __future__ import annotations

import calendar
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final, TypeAlias

import pyoxigraph as ox

from plangraph.lang import Lang
from plangraph.namespaces import GRAPH_BASE, META_GRAPH, STAGING_PREFIX, sparql_prologue

Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
Row: TypeAlias = dict[str, Term]
Day: TypeAlias = date
Select: TypeAlias = Callable[[str], list[Row]]
"""Runs a SELECT query on the pages' dataset; one dict per solution (unbound variables absent)."""

EXAMPLES_GRAPHS: Final = GRAPH_BASE + "examples/"
"""Graphs under this IRI hold illustrative examples: left out unless a page is asked for them."""
INFERRED_GRAPH: Final = GRAPH_BASE + "inferred"
UNCONFIRMED_MONTHS: Final = 24
"""A status stated as of longer ago than this is shown as not confirmed."""

UNDER_WAY: Final = ("under-work", "consultation")
"""The lifecycle statuses of plan work under way."""

_TRACES: Final = (
    "pg:tracesTo|pg:implementsStrategy|pg:servesGoal|pg:refinesGoal|pg:contributesTo"
    "|pg:underFocusArea|pg:realisesVision"
)
"""``pg:tracesTo`` and its sub-properties, as a property path (the inferences are not read)."""
_PLAN_LINKS: Final = (
    "pg:planTracesTo|pg:implementsPlan|pg:supportsPlan|pg:actionPartOf|pg:partOfMasterPlan"
    "|pg:partOfPlanDocument"
)
"""The links from a plan to the plans it carries out, supports or is part of."""
_NAMES: Final = "skos:prefLabel|rdfs:label|dct:title"


def page_graphs(graphs: Iterable[str], *, examples: bool = False) -> list[str]:
    """The named graphs the pages read, from every graph of the store: not the load records,
    not the inferences, not a staging graph, and the illustrative examples only if asked."""
    kept = []
    for graph in graphs:
        if graph in (META_GRAPH, INFERRED_GRAPH) or graph.startswith(STAGING_PREFIX):
            continue
        if graph.startswith(EXAMPLES_GRAPHS) and not examples:
            continue
        kept.append(graph)
    return sorted(kept)


def store_graphs(select: Select) -> dict[str, str | None]:
    """Every named graph of the store (run over the union of every graph), with when it was
    loaded (ISO 8601, from its load record), if it was."""
    rows = select(
        "SELECT ?g ?modified WHERE { { SELECT DISTINCT ?g WHERE { GRAPH ?g { } } } "
        f"OPTIONAL {{ GRAPH {ox.NamedNode(META_GRAPH)} "
        "{ ?g <http://purl.org/dc/terms/modified> ?modified } } }"
    )
    return {g: _text(row, "modified") for row in rows if (g := _iri(row, "g"))}


def has_examples(graphs: Iterable[str]) -> bool:
    return any(g.startswith(EXAMPLES_GRAPHS) for g in graphs)


# ---------------------------------------------------------------------------------------------
# Dates as precise as their source
# ---------------------------------------------------------------------------------------------

_MONTHS: Final = {
    Lang.nb: [
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ],
    Lang.en: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
_PARTIAL: Final = re.compile(r"(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A day, a month or a year, as precise as the source gives it."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate | None:
        found = _PARTIAL.match(text.strip())
        if not found:
            return None
        year, month, day = found.groups()
        try:
            value = cls(int(year), int(month) if month else None, int(day) if day else None)
            value.first()
            value.last()
        except ValueError:
            return None
        return value

    @classmethod
    def of(cls, term: Term | None) -> PartialDate | None:
        return cls.parse(term.value) if isinstance(term, ox.Literal) else None

    def first(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def last(self) -> date:
        """The last day the value may mean: a month or a year counts as its end."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    @property
    def iso(self) -> str:
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
            if self.day:
                text += f"-{self.day:02d}"
        return text

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def label(self, lang: Lang) -> str:
        if self.month is None:
            return str(self.year)
        month = _MONTHS[lang][self.month - 1]
        if self.day is None:
            return f"{month} {self.year}"
        return (
            f"{self.day}. {month} {self.year}"
            if lang is Lang.nb
            else f"{self.day} {month} {self.year}"
        )


def months_before(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months back (the last day of a shorter month)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# ---------------------------------------------------------------------------------------------
# Reading results
# ---------------------------------------------------------------------------------------------


def rows_of(solutions: ox.QuerySolutions) -> list[Row]:
    """The solutions of a SELECT query as dicts (unbound variables left out)."""
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        row: Row = {}
        for name in names:
            value = solution[name]
            if isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal)):
                row[name] = value
        rows.append(row)
    return rows


def rows_from_json(body: bytes) -> list[Row]:
    """SPARQL JSON results (as the engine's workers send them) as rows.

    Read with :mod:`json` and only the bound values made terms: a bundle of parts has many
    variables, most of them unbound in any one row."""
    try:
        bindings = json.loads(body)["results"]["bindings"]
    except (ValueError, KeyError, TypeError) as error:
        raise TypeError(f"expected the JSON results of a SELECT query ({error})") from None
    rows = []
    for binding in bindings:
        row: Row = {}
        for name, value in binding.items():
            row[name] = _term(value)
        rows.append(row)
    return rows


_DATATYPES: dict[str, ox.NamedNode] = {}


def _term(value: Mapping[str, str]) -> Term:
    """One value of SPARQL JSON results as a term."""
    kind, text = value["type"], value["value"]
    if kind == "uri":
        return ox.NamedNode(text)
    if kind == "bnode":
        return ox.BlankNode(text)
    if kind not in ("literal", "typed-literal"):
        raise TypeError(f"a value of type {kind!r} in the results")
    if "xml:lang" in value:
        return ox.Literal(text, language=value["xml:lang"])
    datatype = value.get("datatype")
    if datatype is None:
        return ox.Literal(text)
    node = _DATATYPES.get(datatype)
    if node is None:
        node = _DATATYPES[datatype] = ox.NamedNode(datatype)
    return ox.Literal(text, datatype=node)


def store_select(store: ox.Store, graphs: Sequence[str] | None) -> Select:
    """A :data:`Select` over ``store`` directly: its default graph the union of ``graphs``, or
    of every graph when ``graphs`` is None."""
    default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = (
        None if graphs is None else [ox.NamedNode(g) for g in graphs]
    )

    def run(text: str) -> list[Row]:
        if default is None:
            result = store.query(text, use_default_graph_as_union=True)
        else:
            result = store.query(text, default_graph=default, named_graphs=[])
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("expected a SELECT query")
        return rows_of(result)

    return run


def _iri(row: Row, name: str) -> str | None:
    term = row.get(name)
    return term.value if isinstance(term, ox.NamedNode) else None


def _text(row: Row, name: str) -> str | None:
    term = row.get(name)
    return term.value if isinstance(term, ox.Literal) else None


def _int(row: Row, name: str) -> int | None:
    text = _text(row, name)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _bundle(parts: Mapping[str, str]) -> str:
    """One query of several: each part a group that binds ``?part`` to its name, joined by
    ``UNION`` (one round trip to a worker instead of one per part)."""
    groups = [f'{{ BIND("{name}" AS ?part)\n{body}\n}}' for name, body in parts.items()]
    return sparql_prologue() + "SELECT * WHERE {\n" + "\nUNION\n".join(groups) + "\n}"


def _split(rows: list[Row]) -> dict[str, list[Row]]:
    parts: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        part = _text(row, "part")
        if part is not None:
            parts[part].append(row)
    return parts


def _literal(text: str) -> str:
    return str(ox.Literal(text))


def _date_literal(day: date) -> str:
    return str(ox.Literal(day.isoformat()))


def _values(iris: Iterable[str]) -> str:
    return " ".join(str(ox.NamedNode(i)) for i in sorted(set(iris)))


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

_LABEL_RANK: Final = {
    "http://www.w3.org/2004/02/skos/core#prefLabel": 0,
    "http://www.w3.org/2000/01/rdf-schema#label": 1,
    "http://purl.org/dc/terms/title": 2,
}


class Names:
    """The best name of each IRI in a language: its ``skos:prefLabel``, ``rdfs:label`` or
    ``dct:title`` in that language, else in the other, else one without a language."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self._best: dict[str, tuple[tuple[int, int], str]] = {}
        self._rows: list[Row] = []

    def learn(self, iri: str, predicate: str, label: Term) -> None:
        if not isinstance(label, ox.Literal):
            return
        language = label.language or ""
        preference = 0 if language == self.lang else 1 if language == self.lang.other else 2
        if language and language not in (Lang.nb, Lang.en):
            preference = 3
        self._rows.append({"x": ox.NamedNode(iri), "lp": ox.NamedNode(predicate), "label": label})
        rank = (preference, _LABEL_RANK.get(predicate, 9))
        if iri not in self._best or rank < self._best[iri][0]:
            self._best[iri] = (rank, label.value)

    def learn_rows(self, rows: Iterable[Row], subject: str = "x") -> None:
        for row in rows:
            iri, predicate, label = _iri(row, subject), _iri(row, "lp"), row.get("label")
            if iri and predicate and label is not None:
                self.learn(iri, predicate, label)

    def fetch(self, select: Select, iris: Iterable[str]) -> None:
        """Learn the names of ``iris`` (in chunks, one query each)."""
        wanted = sorted(set(iris) - set(self._best))
        for start in range(0, len(wanted), 500):
            chunk = _values(wanted[start : start + 500])
            # One VALUES and a FILTER: pyoxigraph then looks up each IRI's triples.
            self.learn_rows(
                select(
                    sparql_prologue()
                    + f"SELECT ?x ?lp ?label WHERE {{ VALUES ?x {{ {chunk} }} ?x ?lp ?label "
                    "FILTER(?lp IN (skos:prefLabel, rdfs:label, dct:title)) }"
                )
            )

    def rows(self) -> list[Row]:
        """What was learnt, as rows (``x``, ``lp``, ``label``) that :meth:`learn_rows` reads."""
        return self._rows

    def get(self, iri: str) -> str | None:
        found = self._best.get(iri)
        return found[1] if found else None

    def __call__(self, iri: str) -> str:
        """The name of ``iri``, or the last part of the IRI when it has none."""
        return self.get(iri) or re.split(r"[/#]", iri.rstrip("/#"))[-1]


def _names_part(subjects: str, var: str = "x") -> str:
    """A query part that binds ``?x``, ``?lp`` and ``?label`` for the subjects ``subjects``
    (a group pattern binding ``?{var}``)."""
    return (
        f"{{ SELECT DISTINCT ?{var} WHERE {{ {subjects} }} }}\n"
        f"?{var} ?lp ?label . FILTER(?lp IN (skos:prefLabel, rdfs:label, dct:title))"
        + ("" if var == "x" else f"\nBIND(?{var} AS ?x)")
    )


@dataclass(frozen=True)
class Ref:
    """A resource with its name: what a page links to."""

    iri: str
    name: str


# ---------------------------------------------------------------------------------------------
# The plan register
# ---------------------------------------------------------------------------------------------


@dataclass
class PlanSummary:
    """One plan document as the overview shows it."""

    iri: str
    name: str
    title: str | None
    kind: Ref
    status: Ref | None
    status_code: str | None
    as_of: PartialDate | None
    unconfirmed: str | None
    """Why the status is not confirmed (``age``: stated as of more than 24 months ago;
    ``period``: stated before the end of the plan's period, which has passed), or None."""
    first_year: int | None
    last_year: int | None
    owners: list[Ref] = field(default_factory=list)
    successors: list[Ref] = field(default_factory=list)
    sdgs: list[int] = field(default_factory=list)
    municipality: Ref | None = None
    search_text: str = ""

    @property
    def period(self) -> str:
        if self.first_year is None and self.last_year is None:
            return ""
        first = "" if self.first_year is None else str(self.first_year)
        last = "" if self.last_year is None else str(self.last_year)
        return f"{first}–{last}"


_PLANS: Final = """
?plan pg:planKind ?kind .
BIND(STRAFTER(STR(?kind), "/concept/plan-kind/") AS ?kindCode)
OPTIONAL { ?plan pg:lifecycleStatus ?status .
  BIND(STRAFTER(STR(?status), "/concept/lifecycle-status/") AS ?statusCode) }
OPTIONAL { ?plan pg:statusAsOf ?asOf }
OPTIONAL { ?plan dct:title ?title }
OPTIONAL { ?plan pg:municipality ?municipality }
OPTIONAL {
  ?plan pg:period ?period .
  OPTIONAL { ?period time:hasBeginning/time:inXSDgYear ?from }
  OPTIONAL { ?period time:hasEnd/time:inXSDgYear ?to }
}
BIND(IF(BOUND(?to), CONCAT(STR(?to), "-12-31"), ?none) AS ?endKey)
BIND(IF(!BOUND(?asOf), ?none,
     IF(STR(?asOf) < STR(%(cutoff)s), "age",
        IF(BOUND(?endKey) && ?endKey < STR(%(today)s) && STR(?asOf) < ?endKey, "period", ?none)))
     AS ?unconfirmed)
"""
"""One row per plan (a plan with two periods or titles has a row for each)."""

_PLAN_PARTS: Final = {
    "owner": "?plan pg:planKind ?kind ; pg:owner ?x .",
    "successor": "{ ?x pg:replacesPlan ?plan } UNION { ?plan pg:replacedBy ?x } "
    "?plan pg:planKind ?kind .",
    "sdg": "?plan pg:planKind ?kind . "
    "{ ?plan pg:addressesSdg ?target } UNION { ?element pg:partOfPlan ?plan ; "
    "pg:addressesSdg ?target } ?target pg:sdgGoal ?goal . ?goal skos:notation ?code . "
    "FILTER(DATATYPE(?code) = <http://metadata.un.org/sdg/ontology#SDGCode>)",
    "alt": "?plan pg:planKind ?kind ; skos:altLabel ?alt .",
}


def _plan_names_subjects() -> str:
    return (
        "{ ?plan pg:planKind ?x } UNION { ?x pg:planKind ?k } UNION "
        "{ ?p pg:planKind ?k ; pg:lifecycleStatus ?x } UNION { ?p pg:planKind ?k ; pg:owner ?x } "
        "UNION { ?p pg:planKind ?k ; pg:municipality ?x }"
    )


def plan_register(
    select: Select, lang: Lang, today: date, only: Sequence[str] | None = None
) -> list[PlanSummary]:
    """Every plan document of the dataset (or only those in ``only``), by name."""
    parts = _register_parts(today, only)
    del parts["name"]
    found = _split(select(_bundle(parts)))
    # The names in a second query, by VALUES: faster than naming them in the first.
    iris = {
        t.value
        for rows in found.values()
        for row in rows
        for name, t in row.items()
        if isinstance(t, ox.NamedNode) and name in ("plan", "kind", "status", "x", "municipality")
    }
    names = Names(lang)
    names.fetch(select, iris)
    found["name"] = names.rows()
    return _summaries(found, lang)


def _register_parts(today: date, only: Sequence[str] | None) -> dict[str, str]:
    params = {
        "today": _date_literal(today),
        "cutoff": _date_literal(months_before(today, UNCONFIRMED_MONTHS)),
    }
    narrow = "" if only is None else f"VALUES ?plan {{ {_values(only)} }}\n"
    if only is None:
        subjects = _plan_names_subjects()
    else:
        plans = _values(only)
        subjects = (
            f"{{ VALUES ?x {{ {plans} }} }} UNION "
            f"{{ VALUES ?p {{ {plans} }} ?p pg:planKind|pg:lifecycleStatus|pg:owner|pg:municipality ?x }} "
            f"UNION {{ VALUES ?p {{ {plans} }} {{ ?x pg:replacesPlan ?p }} UNION {{ ?p pg:replacedBy ?x }} }}"
        )
    return {
        "plan": narrow + _PLANS % params,
        **{name: narrow + body for name, body in _PLAN_PARTS.items()},
        "name": _names_part(subjects),
    }


def _summaries(found: Mapping[str, list[Row]], lang: Lang) -> list[PlanSummary]:
    names = Names(lang)
    names.learn_rows(found["name"])
    plans: dict[str, PlanSummary] = {}
    search: dict[str, set[str]] = defaultdict(set)
    for row in found["plan"]:
        iri = _iri(row, "plan")
        kind = _iri(row, "kind")
        if iri is None or kind is None:
            continue
        status = _iri(row, "status")
        municipality = _iri(row, "municipality")
        title = _text(row, "title")
        if iri in plans:
            continue
        plans[iri] = PlanSummary(
            iri=iri,
            name=names(iri),
            title=title,
            kind=Ref(kind, names(kind)),
            status=Ref(status, names(status)) if status else None,
            status_code=_text(row, "statusCode") or None,
            as_of=PartialDate.of(row.get("asOf")),
            unconfirmed=_text(row, "unconfirmed"),
            first_year=_int(row, "from"),
            last_year=_int(row, "to"),
            municipality=Ref(municipality, names(municipality)) if municipality else None,
        )
        if title:
            search[iri].add(title)
    for row in found["name"]:
        iri, label = _iri(row, "x"), _text(row, "label")
        if iri in plans and label:
            search[iri].add(label)
    for row in found["alt"]:
        iri, alt = _iri(row, "plan"), _text(row, "alt")
        if iri in plans and alt:
            search[iri].add(alt)
    for part, target in (("owner", "owners"), ("successor", "successors")):
        seen: set[tuple[str, str]] = set()
        for row in found[part]:
            iri, other = _iri(row, "plan"), _iri(row, "x")
            if iri in plans and other and (iri, other) not in seen and other != iri:
                seen.add((iri, other))
                getattr(plans[iri], target).append(Ref(other, names(other)))
    for row in found["sdg"]:
        iri, code = _iri(row, "plan"), _int(row, "code")
        if iri in plans and code is not None and code not in plans[iri].sdgs:
            plans[iri].sdgs.append(code)
    for plan in plans.values():
        plan.owners.sort(key=lambda r: r.name.casefold())
        plan.successors.sort(key=lambda r: r.name.casefold())
        plan.sdgs.sort()
        plan.search_text = " ".join(sorted(search[plan.iri])).casefold()
    return sorted(plans.values(), key=lambda p: (p.name.casefold(), p.iri))


class FilterError(ValueError):
    """A filter of the plan overview that does not fit (the message names it)."""


@dataclass(frozen=True)
class PlanFilters:
    """What the overview of plans is narrowed to. Empty: every plan."""

    kind: str | None = None
    owner: str | None = None
    status: str | None = None
    sdg: int | None = None
    period_from: int | None = None
    period_to: int | None = None
    q: str | None = None

    @classmethod
    def parse(cls, values: Mapping[str, str]) -> PlanFilters:
        """From the query string's values (each given once); FilterError for one that does not
        fit. ``period`` is a year (``2024``) or a span of years (``2020-2024``): the plans whose
        period overlaps it."""
        sdg: int | None = None
        if values.get("sdg"):
            text = values["sdg"].strip()
            if not text.isdigit() or not 1 <= int(text) <= 17:
                raise FilterError(f"sdg={values['sdg']!r}: give the number of a goal, 1 to 17")
            sdg = int(text)
        first = last = None
        if values.get("period"):
            text = values["period"].strip()
            found = re.fullmatch(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?", text)
            if not found:
                raise FilterError(
                    f"period={values['period']!r}: give a year (2024) or years (2020-2024)"
                )
            first, last = int(found.group(1)), int(found.group(2) or found.group(1))
            if last < first:
                raise FilterError(f"period={values['period']!r}: the first year comes first")
        for name in ("kind", "owner", "status"):
            given = values.get(name)
            if given and not re.fullmatch(r"[^\s<>\"{}|\\^`]+", given.strip()):
                raise FilterError(f"{name}={given!r} is not a code or an IRI")
        return cls(
            kind=(values.get("kind") or "").strip() or None,
            owner=(values.get("owner") or "").strip() or None,
            status=(values.get("status") or "").strip() or None,
            sdg=sdg,
            period_from=first,
            period_to=last,
            q=(values.get("q") or "").strip() or None,
        )

    def as_params(self) -> dict[str, str]:
        params: dict[str, str] = {}
        for name in ("kind", "owner", "status", "q"):
            value = getattr(self, name)
            if value:
                params[name] = value
        if self.sdg is not None:
            params["sdg"] = str(self.sdg)
        if self.period_from is not None:
            params["period"] = (
                str(self.period_from)
                if self.period_from == self.period_to
                else f"{self.period_from}-{self.period_to}"
            )
        return params

    def matches(self, plan: PlanSummary) -> bool:
        if self.kind and not _same(self.kind, plan.kind.iri, "/concept/plan-kind/"):
            return False
        if self.status and (
            plan.status is None or not _same(self.status, plan.status.iri, "/lifecycle-status/")
        ):
            return False
        if self.owner and not any(o.iri == self.owner for o in plan.owners):
            return False
        if self.sdg is not None and self.sdg not in plan.sdgs:
            return False
        if self.period_from is not None and self.period_to is not None:
            if plan.first_year is None and plan.last_year is None:
                return False
            first = plan.first_year if plan.first_year is not None else plan.last_year
            last = plan.last_year if plan.last_year is not None else plan.first_year
            assert first is not None and last is not None
            if last < self.period_from or first > self.period_to:
                return False
        if self.q:
            words = self.q.casefold().split()
            if not all(word in plan.search_text for word in words):
                return False
        return True


def _same(given: str, iri: str, scheme_path: str) -> bool:
    """A filter value names a concept by its code (``theme-plan``) or its IRI."""
    return given == iri or (scheme_path in iri and iri.rsplit("/", 1)[-1] == given)


@dataclass(frozen=True)
class Facet:
    """One value a filter can take, with how many of the shown plans have it."""

    value: str
    name: str
    count: int


def facets(plans: Sequence[PlanSummary]) -> dict[str, list[Facet]]:
    """The kinds, statuses, owners and SDGs of ``plans``, each with its number of plans."""
    kinds: dict[str, tuple[str, int]] = {}
    statuses: dict[str, tuple[str, int]] = {}
    owners: dict[str, tuple[str, int]] = {}
    sdgs: dict[str, tuple[str, int]] = {}

    def add(table: dict[str, tuple[str, int]], value: str, name: str) -> None:
        table[value] = (name, table.get(value, (name, 0))[1] + 1)

    for plan in plans:
        add(kinds, plan.kind.iri.rsplit("/", 1)[-1], plan.kind.name)
        if plan.status is not None:
            add(statuses, plan.status.iri.rsplit("/", 1)[-1], plan.status.name)
        for owner in plan.owners:
            add(owners, owner.iri, owner.name)
        for goal in plan.sdgs:
            add(sdgs, str(goal), str(goal))

    def listed(table: dict[str, tuple[str, int]], numeric: bool = False) -> list[Facet]:
        items = [Facet(v, n, c) for v, (n, c) in table.items()]
        if numeric:
            return sorted(items, key=lambda f: int(f.value))
        return sorted(items, key=lambda f: (f.name.casefold(), f.value))

    return {
        "kind": listed(kinds),
        "status": listed(statuses),
        "owner": listed(owners),
        "sdg": listed(sdgs, numeric=True),
    }


# ---------------------------------------------------------------------------------------------
# Events: milestones, timelines, calendars
# ---------------------------------------------------------------------------------------------


@dataclass
class PlanEvent:
    """An event in a plan's life (a start, a consultation, a treatment, an adoption …)."""

    iri: str
    name: str
    kind: str
    """The event's class in the ontology, by local name (``PublicConsultation``)."""
    kind_name: str
    kind_iri: str
    plans: list[str]
    date: PartialDate | None = None
    planned: PartialDate | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    body: Ref | None = None
    decision: Ref | None = None
    example: bool = False

    @property
    def when(self) -> PartialDate | None:
        """The event's date: when it happened or is planned, else when it started or ended."""
        return self.date or self.planned or self.start or self.end

    @property
    def key_date(self) -> PartialDate | None:
        """The date that makes it a milestone: a consultation's deadline, else its date."""
        if self.kind == "PublicConsultation":
            return self.end or self.planned or self.date or self.start
        return self.when

    @property
    def is_planned(self) -> bool:
        return self.date is None and self.planned is not None

    @property
    def is_deadline(self) -> bool:
        return self.kind == "PublicConsultation" and self.end is not None

    def upcoming(self, today: Day) -> bool:
        """Whether the event is still ahead on ``today``: a planned date or a deadline that has
        not passed (a month or a year counts until its end), or a date after today."""
        key = self.key_date
        if key is None:
            return False
        if self.is_planned or self.is_deadline:
            return key.last() >= today
        return key.first() > today

    def happened(self, today: Day) -> bool:
        """Whether the event has taken place by ``today`` (its date, or its deadline, passed)."""
        if self.date is not None:
            return self.date.first() <= today
        if self.end is not None and not self.is_planned:
            return self.end.last() < today
        return False

    @property
    def is_treatment(self) -> bool:
        """A political treatment: a treatment or an adoption, or a start decided by a body."""
        return self.kind in ("Treatment", "Adoption") or (
            self.kind == "PlanStart" and self.body is not None
        )


_EVENTS: Final = """
%(plans)s
{ ?event pg:eventOf ?plan } UNION { ?plan pg:hasEvent ?event }
?event a ?class .
FILTER(STRSTARTS(STR(?class), STR(pg:)))
BIND(STRAFTER(STR(?class), "#") AS ?kind)
OPTIONAL { ?event pg:date ?date }
OPTIONAL { ?event pg:plannedDate ?planned }
OPTIONAL { ?event pg:startDate ?start }
OPTIONAL { ?event pg:endDate ?end }
OPTIONAL { ?event pg:body ?body }
OPTIONAL { ?event pg:decision ?decision }
OPTIONAL { ?event dct:source ?source . ?source a pg:IllustrativeSource . BIND(true AS ?example) }
"""

_KIND_ORDER: Final = {
    "PlanStart": 0,
    "ProposalPublished": 1,
    "PublicConsultation": 2,
    "Treatment": 3,
    "Adoption": 4,
    "Rolling": 5,
    "StatusReport": 6,
    "PlanEvent": 7,
}


def _events(rows: Iterable[Row], names: Names) -> list[PlanEvent]:
    events: dict[str, PlanEvent] = {}
    for row in rows:
        iri, kind, plan = _iri(row, "event"), _text(row, "kind"), _iri(row, "plan")
        if iri is None or kind is None or plan is None:
            continue
        event = events.get(iri)
        if event is None:
            event = events[iri] = PlanEvent(
                iri, names(iri), kind, kind, _iri(row, "class") or "", []
            )
        elif event.kind == "PlanEvent" and kind != "PlanEvent":
            # The most specific class: PlanEvent only when nothing else is asserted.
            event.kind, event.kind_iri = kind, _iri(row, "class") or ""
        if plan not in event.plans:
            event.plans.append(plan)
        for name in ("date", "planned", "start", "end"):
            value = PartialDate.of(row.get(name))
            if value is not None and getattr(event, name) is None:
                setattr(event, name, value)
        body, decision = _iri(row, "body"), _iri(row, "decision")
        if body and event.body is None:
            event.body = Ref(body, names(body))
        if decision and event.decision is None:
            event.decision = Ref(decision, names(decision))
        if row.get("example") is not None:
            event.example = True
    for event in events.values():
        event.kind_name = names.get(event.kind_iri) or event.kind
    return sorted(events.values(), key=_event_order)


def _event_order(event: PlanEvent) -> tuple[date, int, str]:
    when = event.key_date
    return (when.first() if when else date.max, _KIND_ORDER.get(event.kind, 8), event.iri)


def _event_names_part(plans: str) -> str:
    kinds = " ".join(f"pg:{k}" for k in _KIND_ORDER)
    return _names_part(
        f"{{ {plans} {{ ?x pg:eventOf ?plan }} UNION {{ ?plan pg:hasEvent ?x }} }} UNION "
        f"{{ {plans} ?e pg:eventOf ?plan . ?e pg:body|pg:decision ?x }} UNION "
        f"{{ VALUES ?x {{ {kinds} }} }}"
    )


@dataclass
class PlanWork:
    """A plan under way, with its events and the next milestone from a given day."""

    plan: PlanSummary
    events: list[PlanEvent]
    next: PlanEvent | None
    stage: PlanEvent | None
    """The last event that has happened (the stage the work is at), if any."""


def under_way(select: Select, lang: Lang, today: date) -> list[PlanWork]:
    """Plans in preparation or on consultation, each with its events, next milestone (the first
    event whose date, planned date or deadline falls on or after ``today``; a month or a year
    counts as its end) and the stage it has reached. The plans with the nearest milestone come
    first; those without one last."""
    plans = [p for p in plan_register(select, lang, today) if p.status_code in UNDER_WAY]
    if not plans:
        return []
    wanted = f"VALUES ?plan {{ {_values(p.iri for p in plans)} }}"
    found = _split(
        select(_bundle({"event": _EVENTS % {"plans": wanted}, "name": _event_names_part(wanted)}))
    )
    names = Names(lang)
    names.learn_rows(found["name"])
    events = _events(found["event"], names)
    work = []
    for plan in plans:
        mine = [e for e in events if plan.iri in e.plans]
        upcoming = [e for e in mine if e.upcoming(today)]
        happened = [e for e in mine if e.happened(today)]
        work.append(
            PlanWork(
                plan,
                mine,
                upcoming[0] if upcoming else None,
                happened[-1] if happened else None,
            )
        )
    far = date.max
    work.sort(
        key=lambda w: (
            w.next is None,
            w.next.key_date.last() if w.next and w.next.key_date else far,
            w.plan.name.casefold(),
        )
    )
    return work


# ---------------------------------------------------------------------------------------------
# The register's changes (the Atom feed)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """Something that happened to the register: a plan added, a status stated, an event."""

    kind: str
    """``added`` (a plan loaded into the register), ``status`` or ``event``."""
    id: str
    plan: Ref
    when: PartialDate | None
    loaded: str | None
    """When the graph that holds the plan was loaded (ISO 8601), for ``added``."""
    status: Ref | None = None
    event: PlanEvent | None = None


_PLAN_GRAPHS: Final = "GRAPH ?graph { ?plan pg:planKind ?kind }"


def plan_graphs(select_named: Select) -> dict[str, list[str]]:
    """The graphs each plan is stated in (run with the graphs as named graphs)."""
    found: dict[str, list[str]] = defaultdict(list)
    for row in select_named(sparql_prologue() + f"SELECT ?plan ?graph WHERE {{ {_PLAN_GRAPHS} }}"):
        plan, graph = _iri(row, "plan"), _iri(row, "graph")
        if plan and graph:
            found[plan].append(graph)
    return found


def changes(
    select: Select,
    lang: Lang,
    today: date,
    loaded: Mapping[str, str],
    graphs_of: Mapping[str, list[str]],
    limit: int = 100,
) -> list[Change]:
    """The newest changes, newest first: each plan's addition to the register (when the graph
    stating it was loaded: ``loaded`` maps graphs to their load time, ``graphs_of`` plans to
    their graphs), each stated status (as of its date) and each event that has happened
    (planned ones are not changes yet)."""
    plans = plan_register(select, lang, today)
    found = _split(
        select(
            _bundle(
                {
                    "event": _EVENTS % {"plans": "?plan pg:planKind ?k ."},
                    "name": _event_names_part("?plan pg:planKind ?k ."),
                }
            )
        )
    )
    names = Names(lang)
    names.learn_rows(found["name"])
    by_iri = {p.iri: p for p in plans}
    items: list[tuple[str, Change]] = []
    for plan in plans:
        ref = Ref(plan.iri, plan.name)
        times = sorted(loaded[g] for g in graphs_of.get(plan.iri, []) if g in loaded)
        if times:
            items.append((times[0], Change("added", plan.iri + "#added", ref, None, times[0])))
        if plan.status is not None and plan.as_of is not None:
            items.append(
                (
                    plan.as_of.first().isoformat(),
                    Change(
                        "status",
                        f"{plan.iri}#status-{plan.as_of.iso}",
                        ref,
                        plan.as_of,
                        None,
                        status=plan.status,
                    ),
                )
            )
    for event in _events(found["event"], names):
        happened = event.date or (event.end if event.end and event.end.last() < today else None)
        if happened is None or happened.first() > today:
            continue
        plan_iri = next((p for p in event.plans if p in by_iri), None)
        if plan_iri is None:
            continue
        ref = Ref(plan_iri, by_iri[plan_iri].name)
        items.append(
            (
                happened.first().isoformat(),
                Change("event", event.iri, ref, happened, None, event=event),
            )
        )
    items.sort(key=lambda item: (item[0], item[1].id), reverse=True)
    return [change for _, change in items[:limit]]


# ---------------------------------------------------------------------------------------------
# SDG coverage
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    number: int
    iri: str
    name: str


@dataclass
class CoverageRow:
    """A plan (or an owner) with how many elements address each goal, directly or through a
    target; ``direct`` holds the goals the plan itself is said to address."""

    ref: Ref
    cells: dict[int, int] = field(default_factory=dict)
    direct: set[int] = field(default_factory=set)
    plans: int = 1


@dataclass
class Coverage:
    goals: list[Goal]
    rows: list[CoverageRow]


_SDG_GOALS: Final = """
?goal a <http://metadata.un.org/sdg/ontology#Goal> ; skos:notation ?code .
FILTER(DATATYPE(?code) = <http://metadata.un.org/sdg/ontology#SDGCode>)
OPTIONAL { ?goal ?lp ?label . FILTER(?lp IN (skos:prefLabel, rdfs:label)) }
"""

_SDG_LINKS: Final = """
?plan pg:planKind ?kind .
{ ?element pg:partOfPlan ?plan ; pg:addressesSdg ?target }
UNION { ?plan pg:addressesSdg ?target . BIND(?plan AS ?element) BIND(true AS ?direct) }
?target pg:sdgGoal ?goal . ?goal skos:notation ?code .
FILTER(DATATYPE(?code) = <http://metadata.un.org/sdg/ontology#SDGCode>)
OPTIONAL { ?plan pg:owner ?owner }
"""


def sdg_goals(rows: Iterable[Row], lang: Lang) -> list[Goal]:
    names = Names(lang)
    codes: dict[str, int] = {}
    for row in rows:
        goal, code = _iri(row, "goal"), _int(row, "code")
        if goal is None or code is None:
            continue
        codes[goal] = code
        label, predicate = row.get("label"), _iri(row, "lp")
        if label is not None and predicate:
            names.learn(goal, predicate, label)
    return sorted((Goal(c, g, names(g)) for g, c in codes.items()), key=lambda g: g.number)


def sdg_coverage(select: Select, lang: Lang, by: str = "plan") -> Coverage:
    """Plans (``by="plan"``) or owners (``by="owner"``) × the 17 goals: in each cell the number
    of the plan's elements that address the goal or one of its targets (for an owner, summed
    over its plans)."""
    found = _split(
        select(
            _bundle(
                {
                    "goal": _SDG_GOALS,
                    "link": _SDG_LINKS,
                    "name": _names_part(
                        "{ ?x pg:planKind ?k } UNION { ?p pg:planKind ?k ; pg:owner ?x }"
                    ),
                }
            )
        )
    )
    goals = sdg_goals(found["goal"], lang)
    names = Names(lang)
    names.learn_rows(found["name"])
    elements: dict[tuple[str, int], set[str]] = defaultdict(set)
    direct: dict[str, set[int]] = defaultdict(set)
    owners: dict[str, set[str]] = defaultdict(set)
    for row in found["link"]:
        plan, element, code = _iri(row, "plan"), _iri(row, "element"), _int(row, "code")
        if plan is None or element is None or code is None:
            continue
        if row.get("direct") is not None:
            direct[plan].add(code)
        else:
            elements[(plan, code)].add(element)
        owner = _iri(row, "owner")
        if owner:
            owners[plan].add(owner)
    plans = {plan for plan, _ in elements} | set(direct)
    if by == "owner":
        table: dict[str, CoverageRow] = {}
        plans_of: dict[str, set[str]] = defaultdict(set)
        for plan in plans:
            for owner in owners.get(plan, set()):
                line = table.setdefault(owner, CoverageRow(Ref(owner, names(owner))))
                plans_of[owner].add(plan)
                line.direct |= direct.get(plan, set())
                for goal in goals:
                    n = len(elements.get((plan, goal.number), ()))
                    if n:
                        line.cells[goal.number] = line.cells.get(goal.number, 0) + n
        for owner, line in table.items():
            line.plans = len(plans_of[owner])
        rows = list(table.values())
    else:
        rows = []
        for plan in plans:
            line = CoverageRow(Ref(plan, names(plan)), direct=direct.get(plan, set()))
            for goal in goals:
                n = len(elements.get((plan, goal.number), ()))
                if n:
                    line.cells[goal.number] = n
            rows.append(line)
    rows.sort(key=lambda r: (r.ref.name.casefold(), r.ref.iri))
    return Coverage(goals, rows)


@dataclass(frozen=True)
class SdgElement:
    """An element (or a plan) that addresses a goal, through ``target``."""

    element: Ref
    kind: str
    plan: Ref
    target: Ref
    example: bool


def sdg_elements(
    select: Select, lang: Lang, goal: int, plan: str | None = None, owner: str | None = None
) -> tuple[Goal | None, list[SdgElement]]:
    """What is behind a cell of the heatmap: the elements (and plans) addressing goal number
    ``goal``, of one plan or of one owner's plans, or of every plan."""
    # The goals' codes are written with two digits ("04").
    code = str(
        ox.Literal(
            f"{goal:02d}", datatype=ox.NamedNode("http://metadata.un.org/sdg/ontology#SDGCode")
        )
    )
    narrow = ""
    if plan is not None:
        narrow += f"VALUES ?plan {{ {ox.NamedNode(plan)} }}\n"
    if owner is not None:
        narrow += f"?plan pg:owner {ox.NamedNode(owner)} .\n"
    body = (
        f"VALUES ?code {{ {code} }}\n?goal skos:notation ?code .\n{narrow}"
        "?plan pg:planKind ?kind .\n"
        "{ ?element pg:partOfPlan ?plan ; pg:addressesSdg ?target }\n"
        "UNION { ?plan pg:addressesSdg ?target . BIND(?plan AS ?element) }\n"
        "?target pg:sdgGoal ?goal .\n"
        "OPTIONAL { ?element a ?class . FILTER(STRSTARTS(STR(?class), STR(pg:))) "
        'BIND(STRAFTER(STR(?class), "#") AS ?elementKind) }\n'
        "OPTIONAL { ?element dct:source ?source . ?source a pg:IllustrativeSource . "
        "BIND(true AS ?example) }"
    )
    goal_part = f"VALUES ?code {{ {code} }}\n" + _SDG_GOALS
    found = _split(
        select(
            _bundle(
                {
                    "element": body,
                    "goal": goal_part,
                    "name": _names_part(
                        f"{{ VALUES ?code {{ {code} }} ?goal skos:notation ?code . {narrow}"
                        "?plan pg:planKind ?kind . "
                        "{ ?x pg:partOfPlan ?plan ; pg:addressesSdg ?t } UNION "
                        "{ ?e pg:partOfPlan ?plan ; pg:addressesSdg ?x } UNION "
                        "{ ?plan pg:addressesSdg ?x } UNION { BIND(?plan AS ?x) } UNION "
                        "{ ?e pg:partOfPlan ?plan ; pg:addressesSdg ?t ; a ?x "
                        "FILTER(STRSTARTS(STR(?x), STR(pg:))) } }"
                    ),
                }
            )
        )
    )
    goals = sdg_goals(found["goal"], lang)
    names = Names(lang)
    names.learn_rows(found["name"])
    # One line per element and plan, through its most precise target (the inferences also
    # say that an element addressing a target addresses its goal); the element's kind is its
    # most specific class (not pg:PlanElement when another is known).
    items: dict[tuple[str, str], SdgElement] = {}
    for row in found["element"]:
        element, plan_iri, target = _iri(row, "element"), _iri(row, "plan"), _iri(row, "target")
        if element is None or plan_iri is None or target is None:
            continue
        kind = _text(row, "elementKind") or ""
        kind_iri = _iri(row, "class")
        kind_name = (names.get(kind_iri) if kind_iri else None) or kind
        old = items.get((element, plan_iri))
        if old is not None:
            if kind in ("", "PlanElement", "PlanDocument", "PlanEvent"):
                kind_name = old.kind
            if len(old.target.iri) > len(target):
                target = old.target.iri
        items[(element, plan_iri)] = SdgElement(
            Ref(element, names(element)),
            kind_name,
            Ref(plan_iri, names(plan_iri)),
            Ref(target, names.get(target) or target.rsplit("/", 1)[-1]),
            row.get("example") is not None or (old.example if old else False),
        )
    listed = sorted(
        items.values(), key=lambda e: (e.plan.name.casefold(), e.element.name.casefold())
    )
    return (goals[0] if goals else None), listed


# ---------------------------------------------------------------------------------------------
# Counts for the front page
# ---------------------------------------------------------------------------------------------

_COUNTS: Final = """
VALUES (?what ?class) {
  ("goals" pg:Goal) ("goals" pg:CommunityGoal) ("goals" pg:OrganisationGoal) ("goals" pg:SubGoal)
  ("strategies" pg:Strategy) ("measures" pg:Measure) ("focus areas" pg:FocusArea)
  ("visions" pg:Vision) ("decisions" pg:CouncilCase) ("decisions" pg:CityGovernmentCase)
  ("municipalities" pg:Municipality)
}
?x a ?class .
"""


def counts(select: Select, today: date) -> dict[str, int]:
    """How many plans (all, under way, with an unconfirmed status), elements, events and
    decisions the dataset holds."""
    params = {
        "today": _date_literal(today),
        "cutoff": _date_literal(months_before(today, UNCONFIRMED_MONTHS)),
    }
    found = _split(
        select(
            _bundle(
                {
                    "plan": _PLANS % params,
                    "thing": _COUNTS,
                    "event": "?x pg:eventOf ?plan . ?plan pg:planKind ?k .",
                }
            )
        )
    )
    plans: dict[str, tuple[str | None, str | None]] = {}
    for row in found["plan"]:
        iri = _iri(row, "plan")
        if iri and iri not in plans:
            plans[iri] = (_text(row, "statusCode"), _text(row, "unconfirmed"))
    things: dict[str, set[str]] = defaultdict(set)
    for row in found["thing"]:
        what, x = _text(row, "what"), row.get("x")
        if what and x is not None:
            things[what].add(str(x))
    return {
        "plans": len(plans),
        "under way": sum(1 for s, _ in plans.values() if s in UNDER_WAY),
        "unconfirmed": sum(1 for _, u in plans.values() if u),
        "events": len({str(r.get("x")) for r in found["event"]}),
        **{what: len(xs) for what, xs in sorted(things.items())},
    }


# ---------------------------------------------------------------------------------------------
# One plan: its profile, its timeline and its red thread
# ---------------------------------------------------------------------------------------------

_LINK_PROPERTIES: Final = (
    "implementsPlan",
    "supportsPlan",
    "actionPartOf",
    "partOfMasterPlan",
    "partOfPlanDocument",
)
"""The stated links from a plan to the plans above it (``pg:planTracesTo`` is derived, and
may be derived from examples: it is not read)."""


@dataclass(frozen=True)
class PlanLink:
    """A link between two plans: ``source`` carries out, supports or is part of ``target``."""

    source: Ref
    link: str
    """The property's local name (``supportsPlan``)."""
    link_name: str
    target: Ref


@dataclass(frozen=True)
class Decision:
    """A political case that concerns the plan."""

    case: Ref
    number: str | None
    date: PartialDate | None
    body: Ref | None


@dataclass
class PlanProfile:
    """Everything a plan's page shows, besides its red thread."""

    plan: PlanSummary
    legal_basis: list[Ref]
    up: list[PlanLink]
    """The links from the plan up to the plans it traces to, to the master plan, each once."""
    down: list[PlanLink]
    """The plans that link to this one (carry it out, support it, are part of it)."""
    replaces: list[Ref]
    events: list[PlanEvent]
    decisions: list[Decision]
    sources: list[tuple[Ref, str | None]]
    pages: list[str]
    backlinks: list[tuple[Ref, list[str]]]
    """Other resources that point at the plan, each once, with the names of their links."""


def _link_values() -> str:
    return " ".join(f"pg:{name}" for name in _LINK_PROPERTIES)


def plan_profile(select: Select, lang: Lang, plan: str, today: date) -> PlanProfile | None:
    """The profile of ``plan``, or None if it is not a plan document of the dataset."""
    node = str(ox.NamedNode(plan))
    values = f"VALUES ?plan {{ {node} }}\n"
    links = _link_values()
    link_path = "|".join(f"pg:{name}" for name in _LINK_PROPERTIES)
    parts = {
        **_register_parts(today, [plan]),
        "legal": values + "?plan pg:planKind ?kind . ?kind pg:governedBy ?x .",
        "up": values
        + f"?plan ({link_path})* ?a . VALUES ?p {{ {links} }} ?a ?p ?b . ?b pg:planKind ?bk .",
        "down": values + f"VALUES ?p {{ {links} }} ?a ?p ?plan . ?a pg:planKind ?ak .",
        "replaces": values + "{ ?plan pg:replacesPlan ?x } UNION { ?x pg:replacedBy ?plan }",
        "case": values + "?x pg:concerns ?plan . OPTIONAL { ?x pg:caseNumber ?number } "
        "OPTIONAL { ?x pg:date ?date } OPTIONAL { ?x pg:decidedBy ?body }",
        "event": _EVENTS % {"plans": values},
        "source": values + "?plan dct:source ?x . OPTIONAL { ?x foaf:page ?page }",
        "page": values + "?plan foaf:page ?x .",
        "incoming": values + "?x ?p ?plan . FILTER(isIRI(?x))",
    }
    found = _split(select(_bundle(parts)))
    summaries = _summaries(found, lang)
    if not summaries:
        return None
    names = Names(lang)
    summary = summaries[0]
    # The names of everything found, in one more query (faster than naming them in the first).
    iris = {
        t.value
        for part in ("legal", "up", "down", "replaces", "case", "event", "source", "incoming")
        for row in found[part]
        for t in row.values()
        if isinstance(t, ox.NamedNode)
    }
    names.fetch(select, iris)
    legal = sorted(
        {Ref(i, names(i)) for r in found["legal"] if (i := _iri(r, "x"))},
        key=lambda r: r.name,
    )
    up: dict[tuple[str, str, str], PlanLink] = {}
    for row in found["up"]:
        a, p, b = _iri(row, "a"), _iri(row, "p"), _iri(row, "b")
        if a and p and b and a != b:
            up[(a, p, b)] = PlanLink(
                Ref(a, names(a)), p.rsplit("#", 1)[-1], names(p), Ref(b, names(b))
            )
    down: dict[tuple[str, str], PlanLink] = {}
    for row in found["down"]:
        a, p = _iri(row, "a"), _iri(row, "p")
        if a and p and a != plan:
            down[(a, p)] = PlanLink(
                Ref(a, names(a)), p.rsplit("#", 1)[-1], names(p), Ref(plan, summary.name)
            )
    replaces = sorted(
        {Ref(i, names(i)) for r in found["replaces"] if (i := _iri(r, "x")) and i != plan},
        key=lambda r: r.name,
    )
    decisions: dict[str, Decision] = {}
    for row in found["case"]:
        case = _iri(row, "x")
        if case is None or case in decisions:
            continue
        body = _iri(row, "body")
        decisions[case] = Decision(
            Ref(case, names(case)),
            _text(row, "number"),
            PartialDate.of(row.get("date")),
            Ref(body, names(body)) if body else None,
        )
    sources: dict[str, tuple[Ref, str | None]] = {}
    for row in found["source"]:
        source = _iri(row, "x")
        if source and source not in sources:
            sources[source] = (Ref(source, names(source)), _iri(row, "page"))
    events = _events(found["event"], names)
    shown = (
        {e.iri for e in events}
        | set(decisions)
        | {link.source.iri for link in down.values()}
        | {r.iri for r in replaces}
        | {r.iri for r in summary.successors}
        | {plan}
    )
    incoming: dict[str, set[str]] = defaultdict(set)
    for row in found["incoming"]:
        x, p = _iri(row, "x"), _iri(row, "p")
        if x and p and x not in shown:
            incoming[x].add(names(p))
    backlinks = sorted(
        ((Ref(x, names(x)), sorted(ps)) for x, ps in incoming.items()),
        key=lambda item: (item[0].name.casefold(), item[0].iri),
    )
    return PlanProfile(
        plan=summary,
        legal_basis=legal,
        up=sorted(up.values(), key=lambda link: (link.source.name, link.link, link.target.name)),
        down=sorted(down.values(), key=lambda link: (link.link, link.source.name)),
        replaces=replaces,
        events=events,
        decisions=sorted(
            decisions.values(),
            key=lambda d: (d.date.first() if d.date else date.max, d.case.name),
        ),
        sources=sorted(sources.values(), key=lambda s: s[0].name.casefold()),
        pages=sorted({p for r in found["page"] if (p := _iri(r, "x"))}),
        backlinks=backlinks,
    )


def _event_names_part_subjects(values: str) -> str:
    kinds = " ".join(f"pg:{k}" for k in _KIND_ORDER)
    return (
        f"{{ {values} {{ ?x pg:eventOf ?plan }} UNION {{ ?plan pg:hasEvent ?x }} }} UNION "
        f"{{ {values} ?e pg:eventOf ?plan . ?e pg:body|pg:decision ?x }} UNION "
        f"{{ VALUES ?x {{ {kinds} }} }}"
    )


@dataclass
class ThreadNode:
    """An element of the red thread: a vision, focus area, goal, strategy or measure."""

    iri: str
    name: str
    kind: str
    """The element's class by local name (``FocusArea``)."""
    kind_name: str
    plan: Ref | None
    plan_kind: str | None
    """The code of its plan's kind (``social-part``)."""
    owner: Ref | None = None
    status: Ref | None = None
    status_code: str | None = None
    example: bool = False
    parents: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    breaks: list[str] = field(default_factory=list)
    """``no-measure`` (a goal no measure serves), ``serves-nothing`` (a measure that serves
    nothing), ``no-social-part`` (an element of the plan with no way to a social part)."""


@dataclass
class RedThread:
    """A plan's red thread: its elements, what they trace to and what traces to them."""

    plan: str
    nodes: dict[str, ThreadNode]
    roots: list[str]


KINDS_ORDER: Final = {  # the red thread top down; pages draw it in this order
    "Vision": 0,
    "FocusArea": 1,
    "CommunityGoal": 2,
    "OrganisationGoal": 2,
    "Goal": 2,
    "SubGoal": 3,
    "Strategy": 4,
    "Measure": 5,
}
_EDGES: Final = (
    "implementsStrategy",
    "servesGoal",
    "refinesGoal",
    "contributesTo",
    "underFocusArea",
    "realisesVision",
)
"""The stated links of the red thread (``pg:tracesTo`` itself is their derived closure)."""
_GOALS: Final = ("Goal", "CommunityGoal", "OrganisationGoal", "SubGoal")


def red_thread(select: Select, lang: Lang, plan: str) -> RedThread:
    """The red thread through ``plan``: its elements, everything they trace to (up to the
    social part's focus areas and vision) and everything that traces to them (down to the
    measures), with the breaks: a goal of the plan no measure serves, a measure of the plan
    that serves nothing, an element of the plan with no way to a social part."""
    node = str(ox.NamedNode(plan))
    path = "|".join(f"pg:{name}" for name in _EDGES)
    members = select(
        sparql_prologue() + f"SELECT DISTINCT ?n WHERE {{ VALUES ?plan {{ {node} }} "
        "{ ?n pg:partOfPlan ?plan } UNION "
        f"{{ ?e pg:partOfPlan ?plan . ?e ({path})+ ?n }} UNION "
        f"{{ ?e pg:partOfPlan ?plan . ?n ({path})+ ?e }} }}"
    )
    iris = sorted({i for row in members if (i := _iri(row, "n"))})
    names = Names(lang)
    if not iris:
        return RedThread(plan, {}, [])
    nodes_values = f"VALUES ?n {{ {_values(iris)} }}"
    # A vision's halves are part of it (Bergen 2030: AKTIV and ATTRAKTIV): drawn as its children.
    edges = " ".join([*(f"pg:{name}" for name in _EDGES), "dct:isPartOf"])
    kinds = " ".join(f"pg:{name}" for name in KINDS_ORDER)
    parts = {
        "node": nodes_values + f" VALUES ?class {{ {kinds} }} ?n a ?class ."
        ' BIND(STRAFTER(STR(?class), "#") AS ?kind)'
        " OPTIONAL { ?n pg:partOfPlan ?np . OPTIONAL { ?np pg:planKind ?npk "
        ' BIND(STRAFTER(STR(?npk), "/concept/plan-kind/") AS ?npkCode) } }'
        " OPTIONAL { ?n pg:owner ?owner }"
        " OPTIONAL { ?n pg:measureStatus ?status "
        ' BIND(STRAFTER(STR(?status), "/concept/measure-status/") AS ?statusCode) }'
        " OPTIONAL { ?n dct:source ?s . ?s a pg:IllustrativeSource . BIND(true AS ?example) }",
        "edge": nodes_values + f" VALUES ?p {{ {edges} }} ?n ?p ?to .",
        "name": _names_part(
            f"{{ {nodes_values} ?n pg:partOfPlan|pg:owner|pg:measureStatus ?x }} UNION "
            f"{{ VALUES ?x {{ {_values(iris)} {kinds} }} }}"
        ),
    }
    found = _split(select(_bundle(parts)))
    names.learn_rows(found["name"])
    nodes: dict[str, ThreadNode] = {}
    for row in found["node"]:
        iri, kind = _iri(row, "n"), _text(row, "kind")
        if iri is None or kind is None:
            continue
        old = nodes.get(iri)
        # Keep the more specific of two classes (a community goal is also a goal).
        if old is not None and not (old.kind == "Goal" and kind in _GOALS and kind != "Goal"):
            continue
        np_iri, owner, status = _iri(row, "np"), _iri(row, "owner"), _iri(row, "status")
        class_iri = _iri(row, "class") or ""
        nodes[iri] = ThreadNode(
            iri=iri,
            name=names(iri),
            kind=kind,
            kind_name=names.get(class_iri) or kind,
            plan=Ref(np_iri, names(np_iri)) if np_iri else None,
            plan_kind=_text(row, "npkCode"),
            owner=Ref(owner, names(owner)) if owner else (old.owner if old else None),
            status=Ref(status, names(status)) if status else (old.status if old else None),
            status_code=_text(row, "statusCode") or (old.status_code if old else None),
            example=row.get("example") is not None or (old.example if old else False),
        )
    for row in found["edge"]:
        source, target = _iri(row, "n"), _iri(row, "to")
        if (
            source in nodes
            and target in nodes
            and source != target
            and target not in nodes[source].parents
        ):
            nodes[source].parents.append(target)
            nodes[target].children.append(source)
    _drop_shortcuts(nodes)
    order = {iri: (KINDS_ORDER.get(n.kind, 9), n.name.casefold(), iri) for iri, n in nodes.items()}
    for n in nodes.values():
        n.parents.sort(key=order.__getitem__)
        n.children.sort(key=order.__getitem__)
    _mark_breaks(plan, nodes)
    roots = sorted((i for i, n in nodes.items() if not n.parents), key=order.__getitem__)
    return RedThread(plan, nodes, roots)


def _drop_shortcuts(nodes: dict[str, ThreadNode]) -> None:
    """Leave out a link that another path already makes: a focus area that realises both a
    vision and one of the vision's halves is drawn once, under the half."""

    def above(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for parent in nodes[todo.pop()].parents:
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    for n in nodes.values():
        if len(n.parents) < 2:
            continue
        implied = {p for q in n.parents for p in above(q)}
        for parent in [p for p in n.parents if p in implied]:
            n.parents.remove(parent)
            nodes[parent].children.remove(n.iri)


def _mark_breaks(plan: str, nodes: dict[str, ThreadNode]) -> None:
    def reaches(
        start: str, step: Callable[[ThreadNode], list[str]], test: Callable[[ThreadNode], bool]
    ) -> bool:
        seen = {start}
        todo = [start]
        while todo:
            current = nodes[todo.pop()]
            for other in step(current):
                if other in seen:
                    continue
                seen.add(other)
                if test(nodes[other]):
                    return True
                todo.append(other)
        return False

    for n in nodes.values():
        if n.plan is None or n.plan.iri != plan:
            continue
        if n.kind in _GOALS and not reaches(
            n.iri, lambda x: x.children, lambda x: x.kind == "Measure"
        ):
            n.breaks.append("no-measure")
        if n.kind == "Measure" and not n.parents:
            n.breaks.append("serves-nothing")
        if n.plan_kind != "social-part" and not reaches(
            n.iri, lambda x: x.parents, lambda x: x.plan_kind == "social-part"
        ):
            n.breaks.append("no-social-part")
