"""Literals as written: XSD lexical checks, and stand-ins that keep the written form in the store.

pyoxigraph stores literals of the XSD datatypes it knows in canonical form: ``"05"^^xsd:int``
becomes ``"5"^^xsd:integer`` and ``"1"^^xsd:boolean`` becomes ``"true"``. SHACL judges the
literal as written (``sh:datatype xsd:int`` must see ``xsd:int``; ``sh:pattern`` the text
``05``; ``sh:in`` the term itself), so before the store sees a literal it is checked here:

* a well-formed literal the store keeps unchanged is stored as it is;
* a well-formed literal the store would change is stored as a *stand-in*: the same text with the
  datatype ``urn:plangraph:literal:written:<datatype>``, which the store keeps verbatim;
* an ill-formed literal (``"2024-06-31"^^xsd:date``, ``"300"^^xsd:byte``) is stored as a stand-in
  with the datatype ``urn:plangraph:literal:ill-formed:<datatype>``, so ``sh:datatype`` fails.

The compiled Core queries compare stand-ins by their decoded value where SHACL compares values
(``sh:minInclusive``, ``sh:lessThan``); :func:`decode` turns a stand-in back into the literal as
written for reports and for pyshacl. Dates get a real calendar check (``2023-02-29`` is
ill-formed); every XSD datatype of the W3C SHACL test suite, and the other common ones, is
checked.
"""

from __future__ import annotations

import calendar
import functools
import re
import threading
from collections.abc import Iterable

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
WRITTEN = "urn:plangraph:literal:written:"
"""The datatype prefix of a stand-in for a well-formed literal the store would rewrite."""
ILL_FORMED = "urn:plangraph:literal:ill-formed:"
"""The datatype prefix of a stand-in for an ill-formed literal."""

_TZ = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_YEAR = r"-?(?:[1-9][0-9]{4,}|[0-9]{4})"
_TIME = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
_DECIMAL = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_NAME_START = r"A-Za-z_:\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD"
_NAME_CHAR = _NAME_START + r"\-.0-9\u00B7\u0300-\u036F\u203F-\u2040"
_B64 = r"[A-Za-z0-9+/]"

_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "boolean": r"true|false|1|0",
        "decimal": _DECIMAL,
        "integer": r"[+-]?[0-9]+",
        "float": rf"(?:{_DECIMAL}(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN)",
        "double": rf"(?:{_DECIMAL}(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN)",
        "date": rf"({_YEAR})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]){_TZ}?",
        "dateTime": rf"({_YEAR})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T{_TIME}{_TZ}?",
        "dateTimeStamp": rf"({_YEAR})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T{_TIME}{_TZ}",
        "time": rf"{_TIME}{_TZ}?",
        "gYear": rf"{_YEAR}{_TZ}?",
        "gYearMonth": rf"{_YEAR}-(?:0[1-9]|1[0-2]){_TZ}?",
        "gMonth": rf"--(?:0[1-9]|1[0-2]){_TZ}?",
        "gDay": rf"---(?:0[1-9]|[12][0-9]|3[01]){_TZ}?",
        "gMonthDay": rf"--(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]){_TZ}?",
        "duration": r"-?P(?=[0-9T])(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+D)?"
        r"(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?",
        "yearMonthDuration": r"-?P(?=[0-9])(?:[0-9]+Y)?(?:[0-9]+M)?",
        "dayTimeDuration": r"-?P(?=[0-9T])(?:[0-9]+D)?"
        r"(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?",
        "hexBinary": r"(?:[0-9a-fA-F]{2})*",
        "base64Binary": rf"(?:(?:{_B64} ?){{4}})*(?:(?:{_B64} ?){{3}}{_B64}|(?:{_B64} ?){{2}}"
        rf"[AEIMQUYcgkosw048] ?=|{_B64} ?[AQgw] ?= ?=)?",
        "language": r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*",
        "normalizedString": r"[^\r\n\t]*",
        "token": r"(?:[^\s]+(?: [^\s]+)*)?",
        "NMTOKEN": rf"[{_NAME_CHAR}]+",
        "Name": rf"[{_NAME_START}][{_NAME_CHAR}]*",
        "NCName": rf"[{_NAME_START.replace(':', '')}][{_NAME_CHAR.replace(':', '')}]*",
    }.items()
}
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-(2**7), 2**7 - 1),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 2**8 - 1),
}
_FREE = {"string", "anyURI"}  # every string is in the lexical space (XSD 1.1 anyURI)
_CALENDAR = {"date", "dateTime", "dateTimeStamp"}

CHECKED = frozenset(XSD + name for name in (*_PATTERNS, *_INTEGER_RANGES, *_FREE))
"""The datatypes whose lexical forms are checked."""


@functools.lru_cache(maxsize=65536)
def well_formed(lexical: str, datatype: str) -> bool:
    """Whether ``lexical`` is in the lexical space of ``datatype``.

    Datatypes that are not checked (not in :data:`CHECKED`, ``rdf:HTML`` …) count as well formed.
    """
    if not datatype.startswith(XSD):
        return True
    name = datatype[len(XSD) :]
    if name in _FREE:
        return True
    if name in _INTEGER_RANGES:
        if not _PATTERNS["integer"].fullmatch(lexical):
            return False
        low, high = _INTEGER_RANGES[name]
        value = int(lexical)
        return (low is None or value >= low) and (high is None or value <= high)
    pattern = _PATTERNS.get(name)
    if pattern is None:
        return True
    match = pattern.fullmatch(lexical)
    if match is None:
        return False
    if name in _CALENDAR or name == "gMonthDay":
        return _real_day(match, with_year=name != "gMonthDay")
    return True


def _real_day(match: re.Match[str], *, with_year: bool) -> bool:
    if with_year:
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
        # XSD 1.1: year 0 is 1 BCE, a leap year; calendar.isleap follows the proleptic rule.
        leap = calendar.isleap(year if year > 0 else year + 1 if year < 0 else 0)
    else:
        month, day = int(match.group(1)), int(match.group(2))
        leap = True  # --02-29 is a valid gMonthDay
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return day <= days


# -- stand-ins ---------------------------------------------------------------------------------

_lock = threading.Lock()
_known: dict[ox.Literal, ox.Literal | None] = {}  # literal -> its stand-in (None: none needed)
_KNOWN_MAX = 200_000


def _needs_check(literal: ox.Literal) -> bool:
    return literal.language is None and literal.datatype.value.startswith(XSD)


def stand_ins(literals: Iterable[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """The stand-in of each literal that needs one (the others are stored as they are)."""
    todo = {lit for lit in literals if _needs_check(lit)}
    found: dict[ox.Literal, ox.Literal] = {}
    unknown = []
    for lit in todo:
        cached = _known.get(lit, False)
        if cached is False:
            unknown.append(lit)
        elif cached is not None:
            assert isinstance(cached, ox.Literal)
            found[lit] = cached
    if unknown:
        kept = _kept_by_store(lit for lit in unknown if well_formed(lit.value, lit.datatype.value))
        fresh: dict[ox.Literal, ox.Literal | None] = {}
        for lit in unknown:
            dt = lit.datatype.value
            if not well_formed(lit.value, dt):
                fresh[lit] = ox.Literal(lit.value, datatype=ox.NamedNode(ILL_FORMED + dt))
            elif lit in kept:
                fresh[lit] = None
            else:
                fresh[lit] = ox.Literal(lit.value, datatype=ox.NamedNode(WRITTEN + dt))
        with _lock:
            if len(_known) + len(fresh) > _KNOWN_MAX:
                _known.clear()
            _known.update(fresh)
        found.update((k, v) for k, v in fresh.items() if v is not None)
    return found


def _kept_by_store(literals: Iterable[ox.Literal]) -> set[ox.Literal]:
    """The literals a pyoxigraph store keeps exactly as written."""
    batch = list(literals)
    if not batch:
        return set()
    store = ox.Store()
    predicate = ox.NamedNode("urn:plangraph:literal")
    store.extend(
        ox.Quad(ox.NamedNode(f"urn:plangraph:literal:{i}"), predicate, lit)
        for i, lit in enumerate(batch)
    )
    kept = set()
    for quad in store:
        i = int(quad.subject.value.rsplit(":", 1)[1])
        stored = quad.object
        if isinstance(stored, ox.Literal) and stored == batch[i]:
            kept.add(batch[i])
    return kept


def stand_in(literal: ox.Literal) -> ox.Literal:
    """The term the store holds for ``literal``: the literal itself or its stand-in."""
    return stand_ins([literal]).get(literal, literal)


def is_stand_in(term: object) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value.startswith((WRITTEN, ILL_FORMED))


def decode(
    term: ox.NamedNode | ox.BlankNode | ox.Literal,
) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A stand-in as the literal that was written; any other term as it is."""
    if isinstance(term, ox.Literal) and term.language is None:
        dt = term.datatype.value
        for prefix in (WRITTEN, ILL_FORMED):
            if dt.startswith(prefix):
                return ox.Literal(term.value, datatype=ox.NamedNode(dt[len(prefix) :]))
    return term


def encode(
    triples: Iterable[ox.Triple],
) -> tuple[list[ox.Triple], list[ox.Triple], list[ox.Triple]]:
    """The triples split for the store: ``(plain, written, canonical)``.

    ``plain`` are the triples whose literal the store keeps as written; ``written`` the others,
    with stand-ins; ``canonical`` the same others as written (the store canonicalises them): the
    view a SPARQL query of the user's sees, as it would in any SPARQL store.
    """
    batch = list(triples)
    subs = stand_ins(t.object for t in batch if isinstance(t.object, ox.Literal))
    if not subs:
        return batch, [], []
    plain, written, canonical = [], [], []
    for t in batch:
        sub = subs.get(t.object) if isinstance(t.object, ox.Literal) else None
        if sub is None:
            plain.append(t)
        else:
            written.append(ox.Triple(t.subject, t.predicate, sub))
            canonical.append(t)
    return plain, written, canonical


def datatype_of(literal: ox.Literal) -> str:
    """The datatype the literal was written with (a stand-in's too)."""
    decoded = decode(literal)
    assert isinstance(decoded, ox.Literal)
    if decoded.language is not None:
        return RDF + "langString"
    return decoded.datatype.value
