"""Names in a plan resolved against the register: labels, alternative labels, titles, codes
(notations), organisation and municipality numbers, case numbers and election periods' years.

The register's names are indexed once per register (:func:`names_of`), so that a name is a
dictionary look-up. A name must point at one resource of the classes the link allows; in the
plan's own municipality first when several match. Unknown and ambiguous names are reported
with the candidates.
"""

from __future__ import annotations

import difflib
import threading
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from plangraph.namespaces import PG, PREFIXES
from plangraph.validation.plain.spec import Target
from plangraph.validation.plain.vocabulary import normalize
from plangraph.validation.register import REGISTER_GRAPH, Register

Term = ox.NamedNode | ox.BlankNode | ox.Literal
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
DCT = PREFIXES["dct"]
ORG = PREFIXES["org"]
TIME = PREFIXES["time"]
SDG_BASE = "http://metadata.un.org/sdg/"

NAMING: dict[str, str] = {
    RDFS + "label": "label",
    SKOS + "prefLabel": "label",
    DCT + "title": "title",
    SKOS + "altLabel": "alternative label",
    SKOS + "notation": "code",
    PG + "organisationNumber": "organisation number",
    PG + "municipalityNumber": "municipality number",
    PG + "formerMunicipalityNumber": "former municipality number",
    PG + "caseNumber": "case number",
}
"""The properties whose values name a resource, and what each is called in a resolution."""

_SHOWN = (SKOS + "prefLabel", RDFS + "label", DCT + "title")


@dataclass(frozen=True)
class Found:
    """A resource a name matched, and by what."""

    iri: str
    via: str


@dataclass(frozen=True)
class Outcome:
    """What a name resolved to: one resource, or the candidates that make it ambiguous, or
    (none) the nearest names and the resources of other kinds it names."""

    found: Found | None
    candidates: tuple[Found, ...] = ()
    nearest: tuple[str, ...] = ()
    other_kinds: tuple[Found, ...] = ()


class Names:
    """The register's names, indexed."""

    def __init__(self, register: Register) -> None:
        self.store = register.store
        self.graph = REGISTER_GRAPH
        self.index: dict[str, dict[str, str]] = {}  # name → {IRI: how it names it}
        keys: dict[str, str] = {}  # the same labels recur (a register's plans share goals' words)
        for predicate, via in NAMING.items():
            for quad in self.store.quads_for_pattern(
                None, ox.NamedNode(predicate), None, REGISTER_GRAPH
            ):
                subject, value = quad.subject, quad.object
                if isinstance(subject, ox.NamedNode) and isinstance(value, ox.Literal):
                    text = value.value
                    key = keys.get(text)
                    if key is None:
                        key = keys[text] = normalize(text)
                    if key:
                        self.index.setdefault(key, {}).setdefault(subject.value, via)
        self._periods()
        self._municipalities()
        self._sdg_codes()
        self._subclasses: dict[str, frozenset[str]] = {}
        self._places: dict[str, set[str]] | None = None
        self._labels: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def _add(self, name: str, iri: str, via: str) -> None:
        key = normalize(name)
        if key:
            self.index.setdefault(key, {}).setdefault(iri, via)

    def _periods(self) -> None:
        """An election period is also named by its years: ``2023–2027``."""
        rows = self.store.query(
            f"""SELECT ?p ?b ?e WHERE {{ GRAPH <{REGISTER_GRAPH.value}> {{
                ?p a <{PG}ElectionPeriod> ;
                   <{TIME}hasBeginning>/<{TIME}inXSDgYear> ?b ;
                   <{TIME}hasEnd>/<{TIME}inXSDgYear> ?e }} }}"""
        )
        assert isinstance(rows, ox.QuerySolutions)
        for row in rows:
            period, begin, end = row["p"], row["b"], row["e"]
            if isinstance(period, ox.NamedNode) and begin is not None and end is not None:
                self._add(f"{begin.value}-{end.value}", period.value, "years")

    def _municipalities(self) -> None:
        """A municipality is also named without the word: ``Bergen`` for ``Bergen kommune``."""
        for quad in self.store.quads_for_pattern(
            None, ox.NamedNode(RDF_TYPE), ox.NamedNode(PG + "Municipality"), REGISTER_GRAPH
        ):
            if not isinstance(quad.subject, ox.NamedNode):
                continue
            for predicate in (RDFS + "label", SKOS + "prefLabel"):
                for value in self._objects(quad.subject.value, predicate):
                    if isinstance(value, ox.Literal):
                        for word in (" kommune", " municipality", " herad"):
                            if value.value.lower().endswith(word):
                                self._add(value.value[: -len(word)], quad.subject.value, "label")

    def _sdg_codes(self) -> None:
        """An SDG goal or target is also named by its code as people write it: ``4``, ``16.6``
        (the register keeps the UN's padded code, ``04``, ``16.06``, as its one notation)."""
        for quad in self.store.quads_for_pattern(
            None, ox.NamedNode(SKOS + "notation"), None, REGISTER_GRAPH
        ):
            subject, value = quad.subject, quad.object
            if (
                isinstance(subject, ox.NamedNode)
                and subject.value.startswith(SDG_BASE)
                and isinstance(value, ox.Literal)
                and all(part.isdigit() for part in value.value.split("."))
            ):
                compact = ".".join(str(int(part)) for part in value.value.split("."))
                self._add(compact, subject.value, "code")

    # -- what the register says about a resource ----------------------------------------------

    def _objects(self, iri: str, predicate: str) -> list[Term]:
        return [
            q.object  # type: ignore[misc]  # a quoted triple never stands here
            for q in self.store.quads_for_pattern(
                ox.NamedNode(iri), ox.NamedNode(predicate), None, self.graph
            )
        ]

    def types(self, iri: str) -> set[str]:
        return {t.value for t in self._objects(iri, RDF_TYPE) if isinstance(t, ox.NamedNode)}

    def subclasses(self, cls: str) -> frozenset[str]:
        """``cls`` and every class under it in the register's ontology."""
        with self._lock:
            found = self._subclasses.get(cls)
            if found is None:
                seen = {cls}
                todo = [cls]
                while todo:
                    for q in self.store.quads_for_pattern(
                        None,
                        ox.NamedNode(RDFS + "subClassOf"),
                        ox.NamedNode(todo.pop()),
                        self.graph,
                    ):
                        if isinstance(q.subject, ox.NamedNode) and q.subject.value not in seen:
                            seen.add(q.subject.value)
                            todo.append(q.subject.value)
                found = self._subclasses[cls] = frozenset(seen)
        return found

    def is_a(self, iri: str, classes: Iterable[str]) -> bool:
        types = self.types(iri)
        return any(types & self.subclasses(cls) for cls in classes)

    def class_of(self, iri: str, classes: Iterable[str]) -> str | None:
        """The first of ``classes`` the resource belongs to."""
        types = self.types(iri)
        for cls in classes:
            if types & self.subclasses(cls):
                return cls
        return None

    def label(self, iri: str, lang: str = "nb") -> str:
        """The resource's label, in ``lang`` if it has one, else in nb, en or any language."""
        key = (iri, lang)
        found = self._labels.get(key)
        if found is None:
            found = self._labels[key] = self._label(iri, lang)
        return found

    def _label(self, iri: str, lang: str) -> str:
        ranked: list[tuple[int, int, str]] = []
        order = (lang, "nb", "nn", "en", "")
        for rank, predicate in enumerate(_SHOWN):
            for value in self._objects(iri, predicate):
                if isinstance(value, ox.Literal):
                    language = value.language or ""
                    at = order.index(language) if language in order else len(order)
                    ranked.append((at, rank, value.value))
        return min(ranked)[2] if ranked else ""

    def municipality_number(self, iri: str) -> str | None:
        for value in self._objects(iri, PG + "municipalityNumber"):
            if isinstance(value, ox.Literal):
                return value.value
        return None

    def municipalities_of(self, iri: str) -> set[str]:
        """The municipalities a resource belongs to: itself if it is one, its ``pg:municipality``,
        its plan's, or that of an organisation it is a unit of."""
        return self.places().get(iri, set())

    def places(self) -> dict[str, set[str]]:
        """Every resource of the register that belongs to a municipality → its municipalities
        (read once, on the first name that several resources have)."""
        with self._lock:
            if self._places is None:
                self._places = self._read_places()
            return self._places

    def _read_places(self) -> dict[str, set[str]]:
        graph = self.graph
        found: dict[str, set[str]] = {}

        def pairs(predicate: str) -> Iterator[tuple[str, str]]:
            for q in self.store.quads_for_pattern(None, ox.NamedNode(predicate), None, graph):
                if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                    yield q.subject.value, q.object.value

        for q in self.store.quads_for_pattern(
            None, ox.NamedNode(RDF_TYPE), ox.NamedNode(PG + "Municipality"), graph
        ):
            if isinstance(q.subject, ox.NamedNode):
                found.setdefault(q.subject.value, set()).add(q.subject.value)
        for subject, town in pairs(PG + "municipality"):
            found.setdefault(subject, set()).add(town)
        # Units: up their parents (a unit of a unit of the municipality).
        parents: dict[str, set[str]] = {}
        for predicate in (ORG + "unitOf", ORG + "subOrganizationOf"):
            for subject, parent in pairs(predicate):
                parents.setdefault(subject, set()).add(parent)
        for unit in parents:
            seen = {unit}
            todo = list(parents[unit])
            while todo:
                parent = todo.pop()
                if parent in seen:
                    continue
                seen.add(parent)
                if parent in found:
                    found.setdefault(unit, set()).update(found[parent])
                todo.extend(parents.get(parent, ()))
        # Plan elements: their plan's municipality.
        for subject, plan in pairs(PG + "partOfPlan"):
            towns = found.get(plan)
            if towns:
                found.setdefault(subject, set()).update(towns)
        return found

    # -- resolving a name ----------------------------------------------------------------------

    def resolve(self, text: str, target: Target, municipality: str | None) -> Outcome:
        key = normalize(text)
        named = self.index.get(key)
        if named is None and target.name == "sdg":
            for prefix in ("sdg", "fn", "bærekraftsmål", "delmål", "mål"):
                rest = key[len(prefix) :].strip()
                if key.startswith(prefix) and rest[:1].isdigit():
                    named = self.index.get(rest)
                    break
        matches = [Found(iri, via) for iri, via in (named or {}).items()]
        fitting: list[Found] = []
        if len(matches) > 1 and municipality and target.local:
            # In the plan's own municipality first: a dictionary look-up per candidate, before
            # the classes are checked, so that a name thousands of resources share stays fast.
            places = self.places()
            fitting = [
                m
                for m in matches
                if municipality in places.get(m.iri, ()) and self.is_a(m.iri, target.classes)
            ]
        if not fitting:
            fitting = [m for m in matches if self.is_a(m.iri, target.classes)]
        if len(fitting) == 1:
            return Outcome(fitting[0])
        if fitting:
            return Outcome(None, candidates=tuple(sorted(fitting, key=lambda f: f.iri)))
        return Outcome(
            None,
            nearest=tuple(self.nearest(key, target, municipality)),
            other_kinds=tuple(matches),
        )

    def nearest(self, key: str, target: Target, municipality: str | None) -> list[str]:
        """Up to three names of resources of the target's classes that are close to ``key``."""
        names = self._names_of(target, municipality if target.local else None)
        keys = list(names)
        if len(keys) > 20_000:
            keys = [n for n in keys if n[:1] == key[:1]]
        close = difflib.get_close_matches(key, keys, n=3, cutoff=0.6)
        return [names[c] for c in close]

    def _names_of(self, target: Target, municipality: str | None) -> dict[str, str]:
        """The shown names of the resources a target allows (normalized → as written)."""
        values = " ".join(f"<{c}>" for c in target.classes)
        scope = ""
        if municipality:
            scope = (
                f"FILTER EXISTS {{ ?s (<{PG}partOfPlan>|<{ORG}unitOf>|<{ORG}subOrganizationOf>)*"
                f"/<{PG}municipality>? <{municipality}> }}"
            )
        props = " ".join(
            f"<{p}>" for p in NAMING if NAMING[p] in ("label", "title", "alternative label")
        )
        rows = self.store.query(
            f"""SELECT DISTINCT ?name WHERE {{ GRAPH <{REGISTER_GRAPH.value}> {{
                VALUES ?class {{ {values} }}
                VALUES ?p {{ {props} }}
                ?sub <{RDFS}subClassOf>* ?class . ?s a ?sub ; ?p ?name . {scope} }} }}"""
        )
        assert isinstance(rows, ox.QuerySolutions)
        found: dict[str, str] = {}
        for row in rows:
            name = row["name"]
            if isinstance(name, ox.Literal):
                found.setdefault(normalize(name.value), name.value)
        return found


_cache: weakref.WeakKeyDictionary[Register, Names] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def names_of(register: Register) -> Names:
    """The register's name index, built on first use and kept as long as the register."""
    with _cache_lock:
        found = _cache.get(register)
        if found is None:
            found = _cache[register] = Names(register)
    return found
