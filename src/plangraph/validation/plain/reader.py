"""The plain plan format read strictly: every key and value becomes data, or is an error.

A document (a tree from :mod:`.tree`) is walked with the object types of :mod:`.spec`. Each key
states triples about the object it stands in; a key the type does not have, a word that is not
in its list, a date that is not a date, a name that the register does not know (or knows
twice) is a :class:`~.problems.Problem` naming the key, its line and column, and what would be
right. If there is any problem, nothing of the document is used.

The objects of a plan get IRIs when the plan has one (``id``): ``{plan}-{role}-{n}``, numbered
per role in the order they are written, unless they give their own ``id``. A short id (no
colon) is made into an IRI in the namespace of the plan's municipality,
``https://w3id.org/plangraph/id/{municipality number}/``. Without an ``id`` the plan and its
objects are unnamed (blank) nodes.

:attr:`Result.trace` counts the triples each key stated (by its path in the document), so that a
test can check that no key is ever lost.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import pyoxigraph as ox

from plangraph.namespaces import PREFIXES
from plangraph.validation.plain import vocabulary
from plangraph.validation.plain.names import Names, Outcome
from plangraph.validation.plain.problems import PlainError, Problem, Where, problem
from plangraph.validation.plain.spec import (
    EVENT_TYPES,
    HINTS,
    LANGUAGES,
    MEMBER_LINK,
    PLAN,
    TARGETS,
    TERM,
    TYPES,
    Key,
    ObjectType,
    Target,
    sub_keys,
)
from plangraph.validation.plain.tree import Node

Path = tuple[str | int, ...]
Term = ox.NamedNode | ox.BlankNode | ox.Literal

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = PREFIXES["xsd"]
TIME = PREFIXES["time"]
ID_BASE = "https://w3id.org/plangraph/id/"

_FULL_IRI = re.compile(r"^(https?|urn|ftp|file|mailto):\S+$", re.IGNORECASE)
_PREFIXED = re.compile(r"^([A-Za-z][\w.-]*):(\S*)$")
_SHORT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_YEARS = re.compile(r"^\s*(\d{4})\s*[-–—]\s*(\d{4})\s*$")

# The role in minted IRIs of an object whose class a ``kind`` chose.
_ROLES = {
    "Vision": "vision", "FocusArea": "focus", "Goal": "goal", "CommunityGoal": "goal",
    "OrganisationGoal": "goal", "SubGoal": "goal", "Strategy": "strategy", "Measure": "measure",
    "PlanStart": "start", "PublicConsultation": "consultation", "ProposalPublished": "proposal",
    "Treatment": "treatment", "Adoption": "adoption", "Rolling": "rolling",
    "StatusReport": "status-report", "PlanAssessment": "assessment",
}  # fmt: skip


@dataclass(frozen=True)
class Resolution:
    """What a name in the plan was taken to mean."""

    where: Where
    key: str
    text: str
    iri: str
    label: str
    via: str
    """How it matched: label, title, alternative label, code, organisation number, …, or
    ``name in this plan``."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "where": self.where.to_dict(),
            "key": self.key,
            "text": self.text,
            "iri": self.iri,
            "label": self.label,
            "via": self.via,
        }


@dataclass(frozen=True)
class Result:
    """A plain plan read: its triples (unnamed nodes as blank nodes), the names resolved, and
    how many triples each key stated."""

    triples: tuple[ox.Triple, ...]
    resolutions: tuple[Resolution, ...]
    counts: dict[Path, int]
    """The triples each key stated itself (not counting the keys under it)."""

    @cached_property
    def trace(self) -> dict[Path, int]:
        """How many triples each key stated: its own and those of the keys under it."""
        return _traced(self.counts)


@dataclass(eq=False)
class _Thing:
    """An object the document describes."""

    term: ox.BlankNode
    otype: ObjectType
    where: Where
    path: Path
    cls: str | None = None
    id_text: str | None = None
    id_where: Where | None = None
    id_path: Path | None = None
    names: set[str] = field(default_factory=set)
    shown: str = ""
    """Its label (or title) as written, for a resolution to show."""
    has_source: bool = False


@dataclass(eq=False)
class _Pending:
    """A link by name, resolved once the whole document is read."""

    subject: ox.BlankNode
    key: Key
    target: Target
    text: str
    where: Where
    path: Path


_PREDICATES: dict[str, ox.NamedNode] = {}


class _Draft:
    def __init__(self) -> None:
        self.triples: list[tuple[ox.BlankNode | ox.NamedNode, ox.NamedNode, Term]] = []
        self.trace: dict[Path, int] = {}
        self.problems: list[Problem] = []
        self.things: list[_Thing] = []
        self.pending: list[_Pending] = []
        self.plan: _Thing | None = None
        self.source_path: Path | None = None
        self.source_terms: list[Term] = []
        self.own_names: dict[str, list[_Thing]] | None = None
        self.outcomes: dict[tuple[str, str, str | None], Outcome] = {}

    def emit(self, path: Path, s: ox.BlankNode | ox.NamedNode, p: str, o: Term) -> None:
        predicate = _PREDICATES.get(p)
        if predicate is None:
            predicate = _PREDICATES[p] = ox.NamedNode(p)
        self.triples.append((s, predicate, o))
        self.trace[path] = self.trace.get(path, 0) + 1

    def traced(self) -> dict[Path, int]:
        return _traced(self.trace)

    def seen(self, path: Path) -> None:
        self.trace.setdefault(path, 0)

    def fail(self, where: Where, en: str, nb: str, key: str | None = None) -> None:
        self.problems.append(problem(where, en, nb, key))


def _traced(counts: dict[Path, int]) -> dict[Path, int]:
    """How many triples each key stated: its own and those of the keys under it."""
    total: dict[Path, int] = {}
    for path, count in counts.items():
        total.setdefault(path, 0)
        for end in range(len(path), 0, -1):
            if isinstance(path[end - 1], str):
                at = path[:end]
                total[at] = total.get(at, 0) + count
    return total


def _name(path: Path) -> str:
    """A key path as written: ``goals[1].strategies[2].label``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + part
    return out


def _text_of(node: Node) -> str | None:
    """A scalar as text (numbers as written), or None for a bool, a null or a collection."""
    if node.kind != "scalar" or node.value is None or isinstance(node.value, bool):
        return None
    if isinstance(node.value, str):
        return node.value
    return node.text or str(node.value)


class Reader:
    """Walks one plan document (and measures from sheets) into a draft."""

    def __init__(self) -> None:
        self.draft = _Draft()
        self.words = vocabulary.choices()

    # -- objects -----------------------------------------------------------------------------

    def plan(self, root: Node, extra_measures: Sequence[tuple[Path, Node]] = ()) -> None:
        if root.kind != "map":
            self.draft.fail(
                root.where,
                "a plan must be an object with keys (kind, title, status, …)",
                "en plan må være et objekt med nøkler (kind, title, status, …)",
            )
            return
        thing = self._thing(PLAN, root, ())
        self.draft.plan = thing
        self.object(root, PLAN, thing, ())
        for path, node in extra_measures:
            self.member(node, TYPES["measure"], path, path[:-1], None)

    def _thing(self, otype: ObjectType, node: Node, path: Path) -> _Thing:
        thing = _Thing(ox.BlankNode(), otype, node.where, path, cls=otype.cls)
        self.draft.things.append(thing)
        return thing

    def object(self, node: Node, otype: ObjectType, thing: _Thing, path: Path) -> None:
        keys = otype.key
        first: dict[str, Where] = {}
        for key_node, value in node.pairs():
            name = key_node.value
            if not isinstance(name, str):
                self.draft.fail(
                    key_node.where,
                    f"a key must be text, not {key_node.text or name!r}",
                    f"en nøkkel må være tekst, ikke {key_node.text or name!r}",
                )
                continue
            key_path = (*path, name)
            if name in first:
                self.draft.fail(
                    key_node.where,
                    f"`{name}` is given twice (first at line {first[name].line})",
                    f"`{name}` står to ganger (første gang på linje {first[name].line})",
                    _name(key_path),
                )
                continue
            first[name] = key_node.where
            key = keys.get(name)
            if key is None:
                self._unknown(key_node, name, otype, key_path)
                continue
            if value.kind == "scalar" and value.value is None:
                self.draft.fail(
                    value.where,
                    f"`{name}` has no value: give one or leave the key out",
                    f"`{name}` har ingen verdi: gi en verdi eller ta bort nøkkelen",
                    _name(key_path),
                )
                continue
            self.value(key, value, thing, key_path)
        for key in otype.keys:
            if key.required and key.name not in first:
                self.draft.fail(
                    node.where,
                    f"`{key.name}` is missing ({key.doc.split(' — ')[1]})",
                    f"`{key.name}` mangler ({key.doc.split(' — ')[0]})",
                    _name((*path, key.name)),
                )
        if thing.cls is not None and not any(k == "kind" for k in first):
            self.draft.emit(thing.path, thing.term, RDF_TYPE.value, ox.NamedNode(thing.cls))

    def _unknown(self, key_node: Node, name: str, otype: ObjectType, path: Path) -> None:
        known = sub_keys(otype)
        guess = _nearest(name, known)
        if (
            guess is None
            and name in HINTS
            and (HINTS[name] in known or HINTS[name].split(".")[0] in known)
        ):
            guess = HINTS[name]
        what = otype.what
        listed = ", ".join(k.name for k in otype.keys)
        if guess:
            en = f"`{name}`: unknown key; did you mean `{guess}`?"
            nb = f"`{name}`: ukjent nøkkel; mente du `{guess}`?"
        else:
            en = f"`{name}`: unknown key for a {what['en']} (known keys: {listed})"
            nb = f"`{name}`: ukjent nøkkel for {what['nb']} (kjente nøkler: {listed})"
        self.draft.fail(key_node.where, en, nb, _name(path))

    def member(
        self,
        node: Node,
        otype: ObjectType,
        path: Path,
        list_path: Path,
        parent: _Thing | None,
        link: str | None = None,
    ) -> _Thing | None:
        """One object of a list (or an event): a thing linked to the plan (and its parent)."""
        plan = self.draft.plan
        assert plan is not None
        if node.kind == "scalar" and otype.scalar and _text_of(node) is not None:
            thing = self._thing(otype, node, list_path)
            self.value(otype.key[otype.scalar], node, thing, path)
            if thing.cls is not None:
                self.draft.emit(list_path, thing.term, RDF_TYPE.value, ox.NamedNode(thing.cls))
        elif node.kind == "map":
            thing = self._thing(otype, node, list_path)
            self.object(node, otype, thing, path)
        else:
            shown = f"a text ({otype.key[otype.scalar].name}) or " if otype.scalar else ""
            self.draft.fail(
                node.where,
                f"`{_name(path)}`: expected {shown}an object with keys",
                f"`{_name(path)}`: ventet {'en tekst eller ' if otype.scalar else ''}et objekt med nøkler",
                _name(path),
            )
            return None
        up = MEMBER_LINK.get("event" if otype.name in EVENT_TYPES else otype.name, "partOfPlan")
        self.draft.emit(list_path, thing.term, TERM[up].iri, plan.term)
        if parent is not None and link is not None:
            self.draft.emit(list_path, thing.term, TERM[link].iri, parent.term)
        return thing

    # -- values --------------------------------------------------------------------------------

    def value(self, key: Key, node: Node, thing: _Thing, path: Path) -> None:
        kind = key.kind
        if kind == "group":
            self._group(key, node, thing, path)
            return
        if kind == "event":
            assert key.target
            self.member(node, TYPES[key.target], path, path, None)
            return
        if kind == "text":
            self._text(key, node, thing, path)
            return
        if kind == "period":
            self._period(node, thing, path)
            return
        items = [node]
        if node.kind == "list":
            if not key.many:
                self.draft.fail(
                    node.where,
                    f"`{key.name}` takes one value, not a list",
                    f"`{key.name}` tar én verdi, ikke en liste",
                    _name(path),
                )
                return
            items = node.items()
            if not items:
                self._empty(node, key, path)
                return
        for item in items:
            text = _text_of(item)
            if text is None or not text.strip():
                self.draft.fail(
                    item.where,
                    f"`{key.name}`: expected {_expected(key)}",
                    f"`{key.name}`: ventet {_expected(key, 'nb')}",
                    _name(path),
                )
                continue
            getattr(self, "_" + kind)(key, item, text.strip(), thing, path)

    def _empty(self, node: Node, key: Key, path: Path) -> None:
        self.draft.fail(
            node.where,
            f"`{key.name}` is an empty list: give a value or leave the key out",
            f"`{key.name}` er en tom liste: gi en verdi eller ta bort nøkkelen",
            _name(path),
        )

    def _group(self, key: Key, node: Node, thing: _Thing, path: Path) -> None:
        assert key.target
        otype = TYPES[key.target]
        if key.name == "vision":
            self.member(node, otype, path, path, thing, key.link)
            return
        if node.kind != "list":
            self.draft.fail(
                node.where,
                f"`{key.name}` takes a list (each item on a line starting with '- ')",
                f"`{key.name}` tar en liste (hvert element på en linje som begynner med '- ')",
                _name(path),
            )
            return
        if not node.value:
            self._empty(node, key, path)
            return
        parent = thing if thing.otype is not PLAN else None
        for index, item in enumerate(node.items()):
            self.member(item, otype, (*path, index), path, parent, key.link)

    def _text(self, key: Key, node: Node, thing: _Thing, path: Path) -> None:
        assert key.term
        predicate = TERM[key.term].iri
        if node.kind == "map":
            if not node.value:
                self._empty(node, key, path)
                return
            given: set[str] = set()
            for lang_node, text_node in node.pairs():
                lang = lang_node.value
                if lang in given:
                    self.draft.fail(
                        lang_node.where,
                        f"`{key.name}.{lang}` is given twice",
                        f"`{key.name}.{lang}` står to ganger",
                        _name((*path, str(lang))),
                    )
                    continue
                given.add(str(lang))
                if lang not in LANGUAGES:
                    self.draft.fail(
                        lang_node.where,
                        f"`{key.name}`: '{lang}' is not a language code ({', '.join(LANGUAGES)})",
                        f"`{key.name}`: «{lang}» er ikke en språkkode ({', '.join(LANGUAGES)})",
                        _name((*path, str(lang))),
                    )
                    continue
                self._one_text(predicate, text_node, lang, thing, (*path, lang), key)
            return
        self._one_text(predicate, node, "nb", thing, path, key)

    def _one_text(
        self, predicate: str, node: Node, lang: str, thing: _Thing, path: Path, key: Key
    ) -> None:
        text = _text_of(node)
        if text is None or not text.strip():
            self.draft.fail(
                node.where,
                f"`{key.name}`: expected a text",
                f"`{key.name}`: ventet en tekst",
                _name(path),
            )
            return
        self.draft.emit(path, thing.term, predicate, ox.Literal(text.strip(), language=lang))
        if key.name in ("label", "title"):
            thing.names.add(vocabulary.normalize(text))
            if lang == "nb" or not thing.shown:
                thing.shown = text.strip()

    def _period(self, node: Node, thing: _Thing, path: Path) -> None:
        years: list[tuple[str, str, Node, Path]] = []  # (end, year, node, path)
        text = _text_of(node)
        if text is not None:
            match = _YEARS.match(text)
            if match:
                years = [("hasBeginning", match[1], node, path), ("hasEnd", match[2], node, path)]
        elif node.kind == "map":
            for end_node, year_node in node.pairs():
                end = {"from": "hasBeginning", "to": "hasEnd"}.get(str(end_node.value))
                year = _text_of(year_node)
                sub = (*path, str(end_node.value))
                if end is None:
                    self.draft.fail(
                        end_node.where,
                        f"`period.{end_node.value}`: unknown key; a period has `from` and `to`",
                        f"`period.{end_node.value}`: ukjent nøkkel; en periode har `from` og `to`",
                        _name(sub),
                    )
                elif year is None or not re.fullmatch(r"\d{4}", year.strip()):
                    self.draft.fail(
                        year_node.where,
                        f"`period.{end_node.value}`: expected a year (2026)",
                        f"`period.{end_node.value}`: ventet et årstall (2026)",
                        _name(sub),
                    )
                else:
                    years.append((end, year.strip(), year_node, sub))
        if not years:
            if not self.draft.problems or self.draft.problems[-1].where != node.where:
                self.draft.fail(
                    node.where,
                    "`period`: expected years as 2026–2029 or {from: 2026, to: 2029}",
                    "`period`: ventet årstall som 2026–2029 eller {from: 2026, to: 2029}",
                    _name(path),
                )
            return
        interval = ox.BlankNode()
        self.draft.emit(path, thing.term, TERM["period"].iri, interval)
        self.draft.emit(path, interval, RDF_TYPE.value, ox.NamedNode(TIME + "ProperInterval"))
        for end, year, _, sub in years:
            instant = ox.BlankNode()
            self.draft.emit(sub, interval, TIME + end, instant)
            self.draft.emit(sub, instant, RDF_TYPE.value, ox.NamedNode(TIME + "Instant"))
            self.draft.emit(
                sub,
                instant,
                TIME + "inXSDgYear",
                ox.Literal(year, datatype=ox.NamedNode(XSD + "gYear")),
            )

    # Scalars (each called with the text already stripped).

    def _id(self, key: Key, node: Node, text: str, thing: _Thing, path: Path) -> None:
        thing.id_text, thing.id_where, thing.id_path = text, node.where, path
        self.draft.seen(path)

    def _kind(self, key: Key, node: Node, text: str, thing: _Thing, path: Path) -> None:
        assert key.choice
        choice = self.words[key.choice]
        iri = choice.lookup(text)
        if iri is None:
            self._not_a_word(key, node, text, path, choice)
            return
        if key.choice == "plan-kind":
            cls = vocabulary.plan_classes()[iri]
            self.draft.emit(path, thing.term, TERM["kind"].iri, ox.NamedNode(iri))
        else:
            cls = iri
        thing.cls = cls
        self.draft.emit(path, thing.term, RDF_TYPE.value, ox.NamedNode(cls))

    def _word(self, key: Key, node: Node, text: str, thing: _Thing, path: Path) -> None:
        assert key.choice and key.term
        choice = self.words[key.choice]
        iri = choice.lookup(text)
        if iri is None:
            self._not_a_word(key, node, text, path, choice)
            return
        self.draft.emit(path, thing.term, TERM[key.term].iri, ox.NamedNode(iri))

    def _not_a_word(
        self, key: Key, node: Node, text: str, path: Path, choice: vocabulary.Choice
    ) -> None:
        guess = _nearest(text, [w for _, nb, en in choice.entries for w in (*nb, *en)])
        hint = (
            {"en": f" (did you mean '{guess}'?)", "nb": f" (mente du «{guess}»?)"}
            if guess
            else {"en": "", "nb": ""}
        )
        self.draft.fail(
            node.where,
            f"`{key.name}`: '{text}' is not a {choice.what['en']}{hint['en']}; write one of: "
            + _listing(choice, "en"),
            f"`{key.name}`: «{text}» er ikke en {choice.what['nb']}{hint['nb']}; skriv en av: "
            + _listing(choice, "nb"),
            _name(path),
        )

    def _date(self, key: Key, node: Node, text: str, thing: _Thing, path: Path) -> None:
        self._dated(key, node, text, thing, path, partial=False)

    def _when(self, key: Key, node: Node, text: str, thing: _Thing, path: Path) -> None:
        self._dated(key, node, text, thing, path, partial=True)

    def _dated(
        self, key: Key, node: Node, text: str, thing: _Thing, path: Path, *, partial: bool
    ) -> None:
        assert key.term
        found = vocabulary.parse_date(text, partial=partial)
        if found is None:
            also = " (or a month 2025-03, 03.2025, or a year 2025)" if partial else ""
            also_nb = " (eller en måned 2025-03, 03.2025, eller et år 2025)" if partial else ""
            self.draft.fail(
                node.where,
                f"`{key.name}`: '{text}' is not a date; write 2025-06-18 or 18.06.2025{also}",
                f"`{key.name}`: «{text}» er ikke en dato; skriv 2025-06-18 eller 18.06.2025{also_nb}",
                _name(path),
            )
            return
        lexical, datatype = found
        self.draft.emit(
            path,
            thing.term,
            TERM[key.term].iri,
            ox.Literal(lexical, datatype=ox.NamedNode(datatype)),
        )

    def _integer(self, key: Key, node: Node, text: str, thing: _Thing, path: Path) -> None:
        assert key.term
        if isinstance(node.value, float) or not re.fullmatch(r"\d+", text):
            self.draft.fail(
                node.where,
                f"`{key.name}`: expected a whole number, not '{text}'",
                f"`{key.name}`: ventet et heltall, ikke «{text}»",
                _name(path),
            )
            return
        self.draft.emit(
            path,
            thing.term,
            TERM[key.term].iri,
            ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer")),
        )

    def _url(self, key: Key, node: Node, text: str, thing: _Thing, path: Path) -> None:
        assert key.term
        iri = _as_iri(text) if re.match(r"^https?://", text, re.IGNORECASE) else None
        if iri is None:
            self.draft.fail(
                node.where,
                f"`{key.name}`: expected a web address (https://…), not '{text}'",
                f"`{key.name}`: ventet en nettadresse (https://…), ikke «{text}»",
                _name(path),
            )
            return
        self.draft.emit(path, thing.term, TERM[key.term].iri, iri)

    def _link(self, key: Key, node: Node, text: str, thing: _Thing, path: Path) -> None:
        assert key.target
        if key.name == "source":
            thing.has_source = True
        target = TARGETS[key.target]
        iri, message = _reference(text)
        if message is not None:
            self.draft.fail(
                node.where,
                f"`{key.name}`: {message['en']}",
                f"`{key.name}`: {message['nb']}",
                _name(path),
            )
            return
        if iri is not None:
            if target.by_class:
                self.draft.pending.append(_Pending(thing.term, key, target, text, node.where, path))
                return
            assert key.term
            self.draft.emit(path, thing.term, TERM[key.term].iri, iri)
            if key.inherited:
                self.draft.source_path = path
                self.draft.source_terms.append(iri)
            return
        self.draft.pending.append(_Pending(thing.term, key, target, text, node.where, path))


def _reference(text: str) -> tuple[ox.NamedNode | None, dict[str, str] | None]:
    """A link written as an IRI or a prefixed name (the IRI), or as a name (None, None)."""
    if _FULL_IRI.match(text):
        iri = _as_iri(text)
        if iri is None:
            return None, {
                "en": f"'{text}' is not a valid IRI",
                "nb": f"«{text}» er ikke en gyldig IRI",
            }
        return iri, None
    match = _PREFIXED.match(text)
    if match and match[1] in PREFIXES:
        iri = _as_iri(PREFIXES[match[1]] + match[2])
        if iri is None:
            return None, {
                "en": f"'{text}' is not a valid IRI",
                "nb": f"«{text}» er ikke en gyldig IRI",
            }
        return iri, None
    return None, None


def _as_iri(text: str) -> ox.NamedNode | None:
    try:
        return ox.NamedNode(text)
    except ValueError:
        return None


def _fold(key: str) -> str:
    return re.sub(r"[^0-9a-zæøå]", "", key.casefold())


def _nearest(text: str, candidates: Sequence[str]) -> str | None:
    """The candidate ``text`` was most likely meant as (same letters, or close)."""
    folded = _fold(text)
    by_fold: dict[str, str] = {}
    for candidate in candidates:
        by_fold.setdefault(_fold(candidate), candidate)
    if folded in by_fold:
        return by_fold[folded]
    close = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.75)
    return by_fold[close[0]] if close else None


def _listing(choice: vocabulary.Choice, lang: str) -> str:
    """The allowed words: in nb every word of each entry; in en the nb and the en word."""
    parts = []
    for _, nb, en in choice.entries:
        if lang == "nb":
            parts.append(nb[0] + (f" ({', '.join(nb[1:])})" if len(nb) > 1 else ""))
        else:
            parts.append(" / ".join(w for w in (nb[:1] + en[:1]) if w))
    return "; ".join(parts)


def _expected(key: Key, lang: str = "en") -> str:
    nb = lang == "nb"
    return {
        "id": "en id" if nb else "an id",
        "kind": "et ord fra listen" if nb else "a word from the list",
        "word": "et ord fra listen" if nb else "a word from the list",
        "date": "en dato" if nb else "a date",
        "when": "en dato" if nb else "a date",
        "integer": "et heltall" if nb else "a whole number",
        "link": "et navn, et nummer eller en IRI" if nb else "a name, a number or an IRI",
        "url": "en nettadresse" if nb else "a web address",
    }.get(key.kind, "en verdi" if nb else "a value")


# -- finishing: names resolved, IRIs minted ------------------------------------------------------


def finish(reader: Reader, names: Names | None) -> Result:
    """Resolve the draft's names and mint its IRIs.

    Raises:
        PlainError: with every problem found, if there is any.
    """
    draft = reader.draft
    plan = draft.plan
    resolutions: list[Resolution] = []
    resolved: dict[int, Term] = {}  # id(pending) → the term it resolved to
    municipality: str | None = None
    # The municipality first: names of units and plans are looked for in it.
    for pending in draft.pending:
        if plan is not None and pending.subject == plan.term and pending.key.name == "municipality":
            term = _resolve(draft, pending, names, None, resolutions)
            if isinstance(term, ox.NamedNode):
                resolved[id(pending)] = term
    if plan is not None:
        for s, p, o in draft.triples:
            if (
                s == plan.term
                and p.value == TERM["municipality"].iri
                and isinstance(o, ox.NamedNode)
            ):
                municipality = o.value
        if municipality is None:
            municipality = next(
                (t.value for t in resolved.values() if isinstance(t, ox.NamedNode)), None
            )
    for pending in draft.pending:
        if id(pending) in resolved or (
            plan is not None and pending.subject == plan.term and pending.key.name == "municipality"
        ):
            continue
        term = _resolve(draft, pending, names, municipality, resolutions)
        if term is not None:
            resolved[id(pending)] = term
    for pending in draft.pending:
        term = resolved.get(id(pending))
        if term is None:
            continue
        predicate = _predicate(pending, term, draft, names)
        if predicate is None:
            continue
        draft.emit(pending.path, pending.subject, predicate, term)
        if pending.key.inherited:
            draft.source_path = pending.path
            draft.source_terms.append(term)
    named = _mint(draft, names, municipality)
    if draft.problems:
        raise PlainError(draft.problems, trace=draft.traced())
    # A name of the plan's own object resolves to its IRI, or to nothing shown if it has none.
    placeholders = {t.term.value: named.get(t.term) for t in draft.things}
    resolutions = [
        replace(r, iri=_minted(placeholders[r.iri])) if r.iri in placeholders else r
        for r in resolutions
    ]
    # The plan's source holds for everything in it that gives none of its own.
    if draft.source_path is not None:
        for thing in draft.things:
            if thing is not plan and not thing.has_source:
                for term in draft.source_terms:
                    draft.emit(draft.source_path, thing.term, TERM["source"].iri, term)

    def final(term: Term) -> Any:
        return named.get(term, term) if isinstance(term, ox.BlankNode) else term

    triples = tuple(dict.fromkeys(ox.Triple(final(s), p, final(o)) for s, p, o in draft.triples))
    mentions = Counter(t.subject for t in triples) + Counter(t.object for t in triples)
    for thing in draft.things:
        if thing.id_path is not None:
            draft.trace[thing.id_path] = mentions[final(thing.term)]
    return Result(triples, tuple(resolutions), dict(draft.trace))


def _minted(iri: ox.NamedNode | None) -> str:
    return iri.value if iri is not None else ""


def _predicate(pending: _Pending, term: Term, draft: _Draft, names: Names | None) -> str | None:
    if not pending.target.by_class:
        assert pending.key.term
        iri: str = TERM[pending.key.term].iri
        return iri
    cls = None
    own = next((t for t in draft.things if t.term == term), None)
    classes = [c for c, _ in pending.target.by_class]
    if own is not None and own.cls is not None:
        ups = vocabulary.superclasses().get(own.cls, frozenset({own.cls}))
        cls = next((c for c in classes if c in ups), None)
    elif names is not None and isinstance(term, ox.NamedNode):
        cls = names.class_of(term.value, classes)
    if cls is None:
        draft.fail(
            pending.where,
            f"`{pending.key.name}`: '{pending.text}' is neither a strategy nor a goal",
            f"`{pending.key.name}`: «{pending.text}» er verken en strategi eller et mål",
            _name(pending.path),
        )
        return None
    term_name: str = dict(pending.target.by_class)[cls]
    return TERM[term_name].iri


def _own(draft: _Draft, pending: _Pending) -> list[_Thing]:
    """The document's own objects that ``pending`` names (by label, title or id)."""
    if draft.own_names is None:
        draft.own_names = {}
        for thing in draft.things:
            keys = set(thing.names)
            if thing.id_text is not None:
                keys.add(vocabulary.normalize(thing.id_text))
            for key in keys:
                draft.own_names.setdefault(key, []).append(thing)
    supers = vocabulary.superclasses()
    found = []
    for thing in draft.own_names.get(vocabulary.normalize(pending.text), ()):
        if thing.term == pending.subject or thing.cls is None:
            continue
        ups = supers.get(thing.cls, frozenset({thing.cls}))
        if any(c in ups for c in pending.target.classes):
            found.append(thing)
    return found


def _resolve(
    draft: _Draft,
    pending: _Pending,
    names: Names | None,
    municipality: str | None,
    resolutions: list[Resolution],
) -> Term | None:
    text, key = pending.text, pending.key.name
    iri, _ = _reference(text)
    if iri is not None:  # an IRI for a link whose property depends on its class
        return iri
    own = _own(draft, pending)
    if len(own) == 1:
        resolutions.append(
            Resolution(
                pending.where,
                _name(pending.path),
                text,
                own[0].term.value,  # a placeholder, made the object's IRI once it is minted
                _label(own[0]),
                "name in this plan",
            )
        )
        return own[0].term
    if len(own) > 1:
        lines = ", ".join(f"{t.where.line}:{t.where.column}" for t in own)
        draft.fail(
            pending.where,
            f"`{key}`: '{text}' names {len(own)} things in this plan (at {lines}); give them different names or ids",
            f"`{key}`: «{text}» er navnet på {len(own)} ting i denne planen (på {lines}); gi dem ulike navn eller id-er",
            _name(pending.path),
        )
        return None
    if names is None:
        draft.fail(
            pending.where,
            f"`{key}`: '{text}' is a name, and there is no register to look it up in",
            f"`{key}`: «{text}» er et navn, og det er ikke noe register å slå det opp i",
            _name(pending.path),
        )
        return None
    memo = (vocabulary.normalize(text), pending.target.name, municipality)
    outcome = draft.outcomes.get(memo)
    if outcome is None:  # a plan names the same units and goals many times
        outcome = draft.outcomes[memo] = names.resolve(text, pending.target, municipality)
    what = pending.target.what
    if outcome.found is not None:
        iri_text = outcome.found.iri
        resolutions.append(
            Resolution(
                pending.where,
                _name(pending.path),
                text,
                iri_text,
                names.label(iri_text),
                outcome.found.via,
            )
        )
        return ox.NamedNode(iri_text)
    if outcome.candidates:
        listed = "; ".join(_candidate(names, c.iri) for c in outcome.candidates[:8])
        more = len(outcome.candidates) - 8
        tail = f" and {more} more" if more > 0 else ""
        tail_nb = f" og {more} til" if more > 0 else ""
        draft.fail(
            pending.where,
            f"`{key}`: '{text}' is ambiguous: it names {len(outcome.candidates)} of the register's {what['en']}s: {listed}{tail}. Write the full name or the IRI",
            f"`{key}`: «{text}» er tvetydig: det er navnet på {len(outcome.candidates)} i registeret: {listed}{tail_nb}. Skriv hele navnet eller IRI-en",
            _name(pending.path),
        )
        return None
    if outcome.other_kinds:
        listed = "; ".join(_candidate(names, c.iri) for c in outcome.other_kinds[:5])
        draft.fail(
            pending.where,
            f"`{key}`: '{text}' names no {what['en']} in the register, only: {listed}",
            f"`{key}`: «{text}» er ikke navnet på noen {what['nb']} i registeret, bare på: {listed}",
            _name(pending.path),
        )
        return None
    near = " or ".join(f"'{n}'" for n in outcome.nearest)
    near_nb = " eller ".join(f"«{n}»" for n in outcome.nearest)
    draft.fail(
        pending.where,
        f"`{key}`: no {what['en']} in the register is named '{text}'"
        + (f"; did you mean {near}?" if near else ""),
        f"`{key}`: registeret har ingen {what['nb']} som heter «{text}»"
        + (f"; mente du {near_nb}?" if near_nb else ""),
        _name(pending.path),
    )
    return None


def _candidate(names: Names, iri: str) -> str:
    label = names.label(iri)
    short = iri
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            short = f"{prefix}:{iri[len(namespace) :]}"
            break
    places = [names.label(m) for m in sorted(names.municipalities_of(iri)) if m != iri]
    where = f", {places[0]}" if places else ""
    return f"{label} ({short}{where})" if label else short


def _label(thing: _Thing) -> str:
    return thing.shown


def _mint(
    draft: _Draft, names: Names | None, municipality: str | None
) -> dict[ox.BlankNode, ox.NamedNode]:
    """IRIs for the plan's objects: given ones, short ids in the municipality's namespace, and
    ``{plan}-{role}-{n}`` for the rest when the plan has an IRI."""
    namespace = None
    if municipality is not None and names is not None:
        number = names.municipality_number(municipality)
        if number:
            namespace = f"{ID_BASE}{number}/"
    named: dict[ox.BlankNode, ox.NamedNode] = {}
    for thing in draft.things:
        if thing.id_text is None:
            continue
        text = thing.id_text
        assert thing.id_where is not None and thing.id_path is not None
        key = _name(thing.id_path)
        iri, message = _reference(text)
        if message is not None:
            draft.fail(thing.id_where, f"`id`: {message['en']}", f"`id`: {message['nb']}", key)
        elif iri is not None:
            named[thing.term] = iri
        elif _PREFIXED.match(text) and ":" in text:
            prefix = text.split(":", 1)[0]
            draft.fail(
                thing.id_where,
                f"`id`: unknown prefix '{prefix}' (known: {', '.join(PREFIXES)})",
                f"`id`: ukjent prefiks «{prefix}» (kjente: {', '.join(PREFIXES)})",
                key,
            )
        elif not _SHORT_ID.match(text):
            draft.fail(
                thing.id_where,
                f"`id`: '{text}' is not an id: use letters, digits and '-' (no spaces)",
                f"`id`: «{text}» er ikke en id: bruk bokstaver, tall og «-» (ingen mellomrom)",
                key,
            )
        elif namespace is None:
            draft.fail(
                thing.id_where,
                f"`id`: a short id ('{text}') needs the plan's municipality, with its number in the register; give `municipality`, or a full IRI",
                f"`id`: en kort id («{text}») krever planens kommune, med kommunenummer i registeret; oppgi `municipality` eller en full IRI",
                key,
            )
        else:
            named[thing.term] = ox.NamedNode(namespace + text)
    plan = draft.plan
    base = named.get(plan.term) if plan is not None else None
    if base is not None:
        counters: dict[str, int] = {}
        for thing in draft.things:
            if thing is plan or thing.term in named:
                continue
            local = (thing.cls or "").rsplit("#", 1)[-1]
            role = _ROLES.get(local, thing.otype.role or "element")
            counters[role] = counters.get(role, 0) + 1
            named[thing.term] = ox.NamedNode(f"{base.value}-{role}-{counters[role]}")
    first: dict[str, _Thing] = {}
    for thing in draft.things:
        iri = named.get(thing.term)
        if iri is None:
            continue
        if iri.value in first:
            other = first[iri.value]
            draft.fail(
                thing.id_where or thing.where,
                f"two objects of the plan are both named {iri.value} (the other at line {other.where.line})",
                f"to objekter i planen har begge navnet {iri.value} (det andre på linje {other.where.line})",
                key,
            )
        first[iri.value] = thing
    return named
