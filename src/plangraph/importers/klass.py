"""Municipalities from Statistics Norway's classification 131 (KLASS), with validity periods.

Two imports, each into a named graph of its own (see :mod:`plangraph.importers.base`):

``municipalities_job``
    the codes of classification 131 (standard for kommuneinndeling) over a period, with the
    changes between them, from the KLASS API::

        https://data.ssb.no/api/klass/v1/classifications/131/codes.json?from=…&to=…&language=nb
        https://data.ssb.no/api/klass/v1/classifications/131/changes.json?from=…&to=…&language=nb

``organisations_job``
    the KLASS correspondence table 1236, which pairs each municipality's organisation number
    in the business register (Enhetsregisteret) with its municipality number in 131::

        https://data.ssb.no/api/klass/v1/correspondencetables/1236.csv

How the answers become RDF
--------------------------
* One resource per **code**: ``https://w3id.org/plangraph/id/municipality/{code}``, a
  ``skos:Concept`` in the scheme ``https://w3id.org/plangraph/id/municipality`` (plangraph's
  copy of classification 131; KLASS publishes no RDF IRIs of its own). RDF_TYPE code is a municipality
  as an area during the years the number was in use: Bergen was ``…/municipality/1201`` until
  2019 and is ``…/municipality/4601`` from 2020. ``skos:notation`` is the number,
  ``skos:prefLabel`` the name (``@nb``; an earlier name within the period is a
  ``skos:altLabel``).
* Validity: ``pg:startDate`` and ``pg:endDate`` (the first and the last day, both inclusive).
  KLASS gives ``validFromInRequestedRange`` (inclusive) and ``validToInRequestedRange``
  (exclusive: a code that ends on 2020-01-01 was last valid on 2019-12-31), cut to the
  requested period; a start equal to the start of the period is therefore *not* recorded (the
  code may be older), and neither is an end at or after the end of the period.
* Changes: ``dct:isReplacedBy`` from the old code to the new and ``dct:replaces`` back (KLASS
  ``changes.json``; a change that keeps the number, a boundary change, adds no link).
* Links to other identifiers only where a named source gives them (:data:`KNOWN_LINKS`):
  ``skos:exactMatch`` to Kartverket's administrative unit (the same kind of thing: an area with
  a validity), ``skos:closeMatch`` to Wikidata (whose item describes Bergen as city and
  municipality across the number change, so it is close, not exact).
* The municipality as an organisation (a legal person) is a different resource: the national
  data catalogue's organisation IRI
  ``https://organization-catalog.fellesdatakatalog.digdir.no/organizations/{orgnr}``, the same
  IRI that :mod:`plangraph.publish.catalog` uses for the publisher. The correspondence table makes it a
  ``pg:Municipality`` with ``pg:organisationNumber``, ``pg:municipalityNumber`` and
  ``dct:spatial`` to the code's resource, and ``owl:sameAs`` to the register's own IRI
  ``https://data.brreg.no/enhetsregisteret/api/enheter/{orgnr}`` (both are used for the same
  agent in Digdir's published data).

KLASS data: Statistics Norway, licence CC BY 4.0.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from plangraph.importers.base import (
    ImportJob,
    Request,
    Source,
    digits,
    graph_iri,
    read_json,
    text_at,
)
from plangraph.importers.errors import UnexpectedResponse
from plangraph.importers.vocab import (
    DCT_IS_REPLACED_BY,
    DCT_REPLACES,
    DCT_SPATIAL,
    FOAF_NAME,
    OWL_SAME_AS,
    PG_ORGANISATION_NUMBER,
    RDF_TYPE,
    RDFS_SEE_ALSO,
    SKOS_ALT_LABEL,
    SKOS_CLOSE_MATCH,
    SKOS_CONCEPT,
    SKOS_EXACT_MATCH,
    SKOS_IN_SCHEME,
    SKOS_NOTATION,
    SKOS_PREF_LABEL,
    SKOS_SCHEME,
    XSD_DATE,
    bilingual,
)
from plangraph.namespaces import BASE, PG

SOURCE = Source(
    key="klass",
    name={
        "nb": "Statistisk sentralbyrå, KLASS (klassifikasjoner og kodelister)",
        "en": "Statistics Norway, KLASS (classifications and code lists)",
    },
    license="https://creativecommons.org/licenses/by/4.0/",
    home="https://www.ssb.no/klass/",
    # SSB publishes no limit for KLASS; stay well below anything that could hurt it.
    calls=5,
    per_seconds=1.0,
)

API = "https://data.ssb.no/api/klass/v1/"
CLASSIFICATION = "131"
CLASSIFICATION_PAGE = "https://www.ssb.no/klass/klassifikasjoner/131"
#: The correspondence table between municipalities' organisation numbers and their numbers.
ORGANISATION_TABLE = "1236"

MUNICIPALITY = BASE + "id/municipality/"
SCHEME = BASE + "id/municipality"
FDK_ORGANISATION = "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/"
BRREG_UNIT = "https://data.brreg.no/enhetsregisteret/api/enheter/"

#: The first day of the default period: the start of the 2017 version of classification 131.
DEFAULT_START = date(2017, 1, 1)


PG_START = ox.NamedNode(PG + "startDate")
PG_END = ox.NamedNode(PG + "endDate")
PG_MUNICIPALITY = ox.NamedNode(PG + "Municipality")
PG_MUNICIPALITY_NUMBER = ox.NamedNode(PG + "municipalityNumber")


@dataclass(frozen=True)
class KnownLink:
    """A link from a municipality code to another identifier, with the source that gives it."""

    predicate: ox.NamedNode
    target: str
    source: str


#: Links that a named source gives; only these are made (no matching on names).
KNOWN_LINKS: dict[str, tuple[KnownLink, ...]] = {
    "4601": (
        KnownLink(
            SKOS_EXACT_MATCH,
            "https://data.geonorge.no/administrativeEnheter/kommune/id/172778",
            "Digdir's reference data, Informasjonsforvaltning/fdk-reference-data, "
            "src/main/resources/rdf/administrative-enheter.ttl (commit 61c9190): "
            "kommune id 172778, title Bergen",
        ),
        KnownLink(
            SKOS_CLOSE_MATCH,
            "http://www.wikidata.org/entity/Q26793",
            "plangraph issue 6 (Bergen = Q26793); Wikidata's item for Bergen, city and "
            "municipality",
        ),
    ),
}


def municipality_iri(code: str) -> ox.NamedNode:
    """The resource of a municipality number (a code of classification 131)."""
    return ox.NamedNode(MUNICIPALITY + code)


def organisation_iri(orgnr: str) -> ox.NamedNode:
    """The national data catalogue's IRI of the organisation with this organisation number."""
    return ox.NamedNode(FDK_ORGANISATION + orgnr)


# -- the requests -----------------------------------------------------------------------------


def codes_url(start: date, end: date | None = None) -> str:
    """The KLASS API URL of the codes of classification 131 valid in ``[start, end)``."""
    return _url(f"classifications/{CLASSIFICATION}/codes.json", start, end)


def changes_url(start: date, end: date | None = None) -> str:
    """The KLASS API URL of the changes to classification 131 in ``[start, end)``."""
    return _url(f"classifications/{CLASSIFICATION}/changes.json", start, end)


def correspondence_url(table: str = ORGANISATION_TABLE) -> str:
    """The KLASS API URL of a correspondence table, as CSV."""
    return f"{API}correspondencetables/{table}.csv"


def _url(path: str, start: date, end: date | None) -> str:
    query = {"from": start.isoformat()}
    if end is not None:
        query["to"] = end.isoformat()
    query["language"] = "nb"
    return f"{API}{path}?{urlencode(query)}"


def municipalities_job(start: date = DEFAULT_START, end: date | None = None) -> ImportJob:
    """Import the municipality numbers valid from ``start`` (to ``end``, exclusive)."""
    if end is not None and end <= start:
        raise ValueError(f"the period is empty: {end.isoformat()} is not after {start.isoformat()}")
    return ImportJob(
        source=SOURCE,
        graph=graph_iri(SOURCE, CLASSIFICATION),
        title={
            "nb": "Kommunenummer (SSBs klassifikasjon 131) med gyldighet",
            "en": "Municipality numbers (Statistics Norway's classification 131) with validity",
        },
        requests=(Request(codes_url(start, end)), Request(changes_url(start, end))),
        parse=lambda payloads: parse_municipalities(payloads, start, end),
    )


def organisations_job(table: str = ORGANISATION_TABLE) -> ImportJob:
    """Import the municipalities' organisation numbers (KLASS correspondence table 1236)."""
    return ImportJob(
        source=SOURCE,
        graph=graph_iri(SOURCE, f"correspondence-{table}"),
        title={
            "nb": "Kommunenes organisasjonsnummer (SSBs korrespondansetabell 1236)",
            "en": "Municipalities' organisation numbers (Statistics Norway's table 1236)",
        },
        requests=(Request(correspondence_url(table), accept="text/csv"),),
        parse=lambda payloads: parse_organisations(payloads[0], table),
    )


# -- reading the codes ------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeItem:
    """One entry of a ``codes.json`` answer: a code, its name and its (cut) validity."""

    code: str
    name: str
    valid_from: date | None
    valid_to: date | None  # exclusive, as KLASS gives it


@dataclass(frozen=True)
class CodeChange:
    """One entry of a ``changes.json`` answer."""

    old_code: str
    new_code: str
    occurred: date


def read_codes(body: bytes) -> list[CodeItem]:
    """The entries of a KLASS ``codes.json`` (or ``codesAt.json``) answer."""
    data = read_json(SOURCE, body, "the codes answer")
    entries = _list_under(data, "codes", "the codes answer")
    if not entries:
        raise UnexpectedResponse(f"{SOURCE.english_name}: the codes answer lists no codes")
    items = []
    for number, entry in enumerate(entries, start=1):
        where = f"code number {number} of the codes answer"
        code = text_at(SOURCE, entry, "code", where)
        if not digits(code, 4):
            raise UnexpectedResponse(
                f"{SOURCE.english_name}: {where} is {code!r}, not a four-digit municipality number"
            )
        items.append(
            CodeItem(
                code=code,
                name=text_at(SOURCE, entry, "name", f"{where} ({code})"),
                valid_from=_date(entry, "validFromInRequestedRange", f"{where} ({code})"),
                valid_to=_date(entry, "validToInRequestedRange", f"{where} ({code})"),
            )
        )
    return items


def read_changes(body: bytes) -> list[CodeChange]:
    """The entries of a KLASS ``changes.json`` answer (an empty list is a valid answer)."""
    data = read_json(SOURCE, body, "the changes answer")
    entries = _list_under(data, "codeChanges", "the changes answer")
    changes = []
    for number, entry in enumerate(entries, start=1):
        where = f"change number {number} of the changes answer"
        occurred = _date(entry, "changeOccurred", where)
        if occurred is None:
            raise UnexpectedResponse(f"{SOURCE.english_name}: {where} has no date (changeOccurred)")
        changes.append(
            CodeChange(
                text_at(SOURCE, entry, "oldCode", where),
                text_at(SOURCE, entry, "newCode", where),
                occurred,
            )
        )
    return changes


def parse_municipalities(
    payloads: Sequence[bytes], start: date, end: date | None = None
) -> list[ox.Triple]:
    """The triples of the codes and the changes answers, for the period ``[start, end)``."""
    if len(payloads) != 2:
        raise UnexpectedResponse(
            f"{SOURCE.english_name}: expected the codes and the changes answers, got {len(payloads)}"
        )
    return municipality_triples(read_codes(payloads[0]), read_changes(payloads[1]), start, end)


def municipality_triples(
    items: Iterable[CodeItem], changes: Iterable[CodeChange], start: date, end: date | None
) -> list[ox.Triple]:
    """RDF for the codes (grouped by number) and the changes between them."""
    by_code: dict[str, list[CodeItem]] = {}
    for item in items:
        by_code.setdefault(item.code, []).append(item)
    scheme = ox.NamedNode(SCHEME)
    triples = [
        ox.Triple(scheme, RDF_TYPE, SKOS_SCHEME),
        *bilingual(
            scheme,
            SKOS_PREF_LABEL,
            "Kommunenummer (SSBs klassifikasjon 131)",
            "Municipality numbers (Statistics Norway's classification 131)",
        ),
        ox.Triple(scheme, RDFS_SEE_ALSO, ox.NamedNode(CLASSIFICATION_PAGE)),
    ]
    for code, entries in sorted(by_code.items()):
        triples += _code_triples(code, entries, start, end)
    for change in changes:
        if change.old_code == change.new_code:
            continue  # the same number, new boundaries: no succession to record
        old, new = municipality_iri(change.old_code), municipality_iri(change.new_code)
        triples.append(ox.Triple(old, DCT_IS_REPLACED_BY, new))
        triples.append(ox.Triple(new, DCT_REPLACES, old))
    return _unique(triples)


def _code_triples(
    code: str, entries: list[CodeItem], start: date, end: date | None
) -> list[ox.Triple]:
    node = municipality_iri(code)
    latest = max(entries, key=lambda e: e.valid_from or date.min)
    triples = [
        ox.Triple(node, RDF_TYPE, SKOS_CONCEPT),
        ox.Triple(node, SKOS_IN_SCHEME, ox.NamedNode(SCHEME)),
        ox.Triple(node, SKOS_NOTATION, ox.Literal(code)),
        ox.Triple(node, SKOS_PREF_LABEL, ox.Literal(latest.name, language="nb")),
    ]
    for entry in entries:
        if entry.name != latest.name:
            triples.append(ox.Triple(node, SKOS_ALT_LABEL, ox.Literal(entry.name, language="nb")))
    starts = [e.valid_from for e in entries]
    first = min((s for s in starts if s is not None), default=None)
    if first is not None and first > start:
        triples.append(ox.Triple(node, PG_START, _xsd_date(first)))
    ends = [e.valid_to for e in entries]
    if ends and all(e is not None for e in ends):
        last = max(e for e in ends if e is not None)
        if end is None or last < end:
            triples.append(ox.Triple(node, PG_END, _xsd_date(last - timedelta(days=1))))
    for link in KNOWN_LINKS.get(code, ()):
        triples.append(ox.Triple(node, link.predicate, ox.NamedNode(link.target)))
    return triples


# -- reading the correspondence table ---------------------------------------------------------


@dataclass(frozen=True)
class Correspondence:
    """One row of the organisation-number table: an organisation and a municipality number."""

    orgnr: str
    organisation: str
    code: str
    municipality: str


_COLUMNS = ("sourceCode", "sourceName", "targetCode", "targetName")


def read_correspondence(body: bytes, table: str = ORGANISATION_TABLE) -> list[Correspondence]:
    """The rows of a KLASS correspondence table served as CSV (``;``-separated)."""
    what = f"correspondence table {table}"
    text = _decode(body).lstrip("\ufeff")
    if not text.strip():
        raise UnexpectedResponse(f"{SOURCE.english_name}: {what} is empty")
    if text.lstrip().startswith("<"):
        raise UnexpectedResponse(
            f"{SOURCE.english_name}: {what} is an HTML page, not CSV (an error page?)"
        )
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise UnexpectedResponse(
            f"{SOURCE.english_name}: {what} lacks the column(s) {', '.join(missing)} "
            f"(its header is {', '.join(reader.fieldnames or []) or 'empty'})"
        )
    rows = []
    for row in reader:
        line = reader.line_num
        orgnr, code = (row["sourceCode"] or "").strip(), (row["targetCode"] or "").strip()
        if not digits(orgnr, 9):
            raise UnexpectedResponse(
                f"{SOURCE.english_name}: {what}, line {line}: {orgnr!r} is not an organisation number"
            )
        if not digits(code, 4):
            raise UnexpectedResponse(
                f"{SOURCE.english_name}: {what}, line {line}: {code!r} is not a municipality number"
            )
        rows.append(
            Correspondence(
                orgnr, (row["sourceName"] or "").strip(), code, (row["targetName"] or "").strip()
            )
        )
    if not rows:
        raise UnexpectedResponse(f"{SOURCE.english_name}: {what} has a header but no rows")
    return rows


def parse_organisations(body: bytes, table: str = ORGANISATION_TABLE) -> list[ox.Triple]:
    """RDF for the municipalities as organisations, linked to their municipality numbers."""
    triples: list[ox.Triple] = []
    for row in read_correspondence(body, table):
        org = organisation_iri(row.orgnr)
        triples += [
            ox.Triple(org, RDF_TYPE, PG_MUNICIPALITY),
            ox.Triple(org, PG_ORGANISATION_NUMBER, ox.Literal(row.orgnr)),
            ox.Triple(org, PG_MUNICIPALITY_NUMBER, ox.Literal(row.code)),
            ox.Triple(org, DCT_SPATIAL, municipality_iri(row.code)),
            ox.Triple(org, OWL_SAME_AS, ox.NamedNode(BRREG_UNIT + row.orgnr)),
        ]
        if row.organisation:
            triples.append(ox.Triple(org, FOAF_NAME, ox.Literal(row.organisation)))
    return _unique(triples)


def _decode(body: bytes) -> str:
    """KLASS serves its CSV in ISO-8859-1 (SSB's own examples read it so); accept UTF-8 too."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("iso-8859-1")


# -- small helpers ----------------------------------------------------------------------------


def _list_under(data: Any, key: str, what: str) -> list[Any]:
    if not isinstance(data, dict):
        raise UnexpectedResponse(
            f"{SOURCE.english_name}: {what} is a JSON {type(data).__name__}, not an object with {key!r}"
        )
    if key not in data:
        keys = ", ".join(sorted(data)) or "none"
        raise UnexpectedResponse(f"{SOURCE.english_name}: {what} has no {key!r} (its keys: {keys})")
    value = data[key]
    if not isinstance(value, list):
        raise UnexpectedResponse(f"{SOURCE.english_name}: {what}: {key!r} is not a list")
    return value


def _date(entry: Any, key: str, where: str) -> date | None:
    value = entry.get(key) if isinstance(entry, dict) else None
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UnexpectedResponse(
            f"{SOURCE.english_name}: {where}: {key} is {value!r}, not a date (YYYY-MM-DD)"
        ) from None


def _xsd_date(day: date) -> ox.Literal:
    return ox.Literal(day.isoformat(), datatype=XSD_DATE)


def _unique(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    return list(dict.fromkeys(triples))
