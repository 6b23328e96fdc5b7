"""Organisations from the business register (Enhetsregisteret), by organisation number.

One import per organisation number, into its own named graph
(``…/graph/import/brreg/enheter/{orgnr}``), from::

    https://data.brreg.no/enhetsregisteret/api/enheter/{orgnr}

How the answer becomes RDF
--------------------------
* The organisation is the national data catalogue's organisation IRI
  ``https://organization-catalog.fellesdatakatalog.digdir.no/organizations/{orgnr}``: the IRI
  DCAT-AP-NO publishers use for themselves, and the one :mod:`plangraph.publish.catalog` already gives
  Bergen kommune as the catalogue's publisher, so what is imported attaches to the same node.
  The register's own IRI (the API URL above, which Digdir's examples also use for agents) is
  linked with ``owl:sameAs``; choosing one subject and linking the other keeps queries on
  either IRI working with reasoning, and plain queries on the catalogue IRI working without.
* ``org:FormalOrganization`` with ``dct:identifier`` and ``pg:organisationNumber`` (the number),
  ``foaf:name`` and ``rdfs:label`` (the registered name, as the register writes it),
  ``org:classification`` (the organisation form, a ``skos:Concept`` at the register's IRI for
  the form, with its code and description), ``org:subOrganizationOf`` the parent unit where the
  register names one (``overordnetEnhet``).
* The business address (``forretningsadresse``) is an ``org:Site`` (the organisation's
  ``org:hasRegisteredSite``), ``dct:spatial`` the municipality number's resource from
  :mod:`plangraph.importers.klass` (``…/id/municipality/{kommunenummer}``). The street address
  itself is not imported.
* RDF_TYPE unit deleted from the register (``slettedato``) keeps its name and number and says when it
  was deleted, in ``rdfs:comment`` (nb and en).

Register data: Brønnøysundregistrene, licence NLOD 2.0.
"""

from __future__ import annotations

import re
from typing import Any

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
from plangraph.importers.klass import (
    BRREG_UNIT,
    municipality_iri,
    organisation_iri,
)
from plangraph.importers.vocab import (
    DCT_IDENTIFIER,
    DCT_SPATIAL,
    FOAF_NAME,
    OWL_SAME_AS,
    PG_ORGANISATION_NUMBER,
    RDF_TYPE,
    RDFS_COMMENT,
    RDFS_LABEL,
    SKOS_CONCEPT,
    SKOS_NOTATION,
    SKOS_PREF_LABEL,
    bilingual,
    term,
)
from plangraph.namespaces import BASE

SOURCE = Source(
    key="brreg",
    name={
        "nb": "Brønnøysundregistrene, Enhetsregisteret",
        "en": "The Brønnøysund Register Centre, the Central Coordinating Register for Legal Entities",
    },
    license="https://data.norge.no/nlod/no/2.0",
    home="https://data.brreg.no/enhetsregisteret/",
    # The open API publishes no limit; a handful of look-ups a second is polite.
    calls=5,
    per_seconds=1.0,
)

ORGANISATION_FORM = "https://data.brreg.no/enhetsregisteret/api/organisasjonsformer/"
SITE = BASE + "id/organisation/"


ORG_FORMAL = term("org:FormalOrganization")
ORG_CLASSIFICATION = term("org:classification")
ORG_SUB_OF = term("org:subOrganizationOf")
ORG_SITE = term("org:Site")
ORG_REGISTERED_SITE = term("org:hasRegisteredSite")

_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


class InvalidOrganisationNumber(ValueError):
    """Not an organisation number: the user's input, reported before anything is fetched."""


def check_orgnr(text: str) -> str:
    """The organisation number in ``text`` (spaces allowed), or InvalidOrganisationNumber.

    A Norwegian organisation number has nine digits, the last a modulus-11 check digit.
    """
    orgnr = re.sub(r"\s", "", text)
    if not digits(orgnr, 9):
        raise InvalidOrganisationNumber(f"{text!r} is not an organisation number (nine digits)")
    remainder = sum(int(d) * w for d, w in zip(orgnr, _WEIGHTS, strict=False)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    if check == 10 or check != int(orgnr[8]):
        raise InvalidOrganisationNumber(
            f"{text!r} is not an organisation number: its check digit is wrong"
        )
    return orgnr


def unit_url(orgnr: str) -> str:
    """The register's API URL (and IRI) of the unit with this organisation number."""
    return BRREG_UNIT + orgnr


def organisation_job(orgnr: str) -> ImportJob:
    """Import one organisation from the register (InvalidOrganisationNumber if it is none)."""
    number = check_orgnr(orgnr)
    return ImportJob(
        source=SOURCE,
        graph=graph_iri(SOURCE, "enheter", number),
        title={
            "nb": f"Enhet {number} i Enhetsregisteret",
            "en": f"Unit {number} in the business register",
        },
        requests=(Request(unit_url(number)),),
        parse=lambda payloads: parse_unit(payloads[0], number),
    )


def parse_unit(body: bytes, orgnr: str | None = None) -> list[ox.Triple]:
    """RDF for one ``enheter/{orgnr}`` answer; ``orgnr`` is the number that was asked for."""
    name = SOURCE.english_name
    data = read_json(SOURCE, body, "the unit answer")
    if not isinstance(data, dict):
        raise UnexpectedResponse(
            f"{name}: the unit answer is a JSON {type(data).__name__}, not an object"
        )
    if "organisasjonsnummer" not in data:
        keys = ", ".join(sorted(data)) or "none"
        hint = ""
        if "feilmelding" in data or "status" in data:
            hint = f" (an error answer: {data.get('feilmelding') or data.get('status')})"
        raise UnexpectedResponse(
            f"{name}: the unit answer has no 'organisasjonsnummer'{hint} (its keys: {keys})"
        )
    number = str(data["organisasjonsnummer"]).strip()
    if orgnr is not None and number != orgnr:
        raise UnexpectedResponse(
            f"{name}: asked for unit {orgnr}, but the answer describes unit {number}"
        )
    try:
        check_orgnr(number)
    except InvalidOrganisationNumber as error:
        raise UnexpectedResponse(f"{name}: the unit answer's {error}") from None
    title = text_at(SOURCE, data, "navn", f"unit {number}")

    org = organisation_iri(number)
    triples = [
        ox.Triple(org, RDF_TYPE, ORG_FORMAL),
        ox.Triple(org, DCT_IDENTIFIER, ox.Literal(number)),
        ox.Triple(org, PG_ORGANISATION_NUMBER, ox.Literal(number)),
        ox.Triple(org, FOAF_NAME, ox.Literal(title)),
        ox.Triple(org, RDFS_LABEL, ox.Literal(title)),
        ox.Triple(org, OWL_SAME_AS, ox.NamedNode(unit_url(number))),
    ]
    form = data.get("organisasjonsform")
    if form is not None:
        code = text_at(SOURCE, form, "kode", f"unit {number}'s organisasjonsform")
        concept = ox.NamedNode(ORGANISATION_FORM + code)
        triples += [
            ox.Triple(org, ORG_CLASSIFICATION, concept),
            ox.Triple(concept, RDF_TYPE, SKOS_CONCEPT),
            ox.Triple(concept, SKOS_NOTATION, ox.Literal(code)),
        ]
        label = form.get("beskrivelse") if isinstance(form, dict) else None
        if isinstance(label, str) and label.strip():
            triples.append(ox.Triple(concept, SKOS_PREF_LABEL, ox.Literal(label, language="nb")))
    parent = data.get("overordnetEnhet")
    if parent is not None:
        try:
            triples.append(ox.Triple(org, ORG_SUB_OF, organisation_iri(check_orgnr(str(parent)))))
        except InvalidOrganisationNumber as error:
            raise UnexpectedResponse(f"{name}: unit {number}'s overordnetEnhet: {error}") from None
    address = data.get("forretningsadresse")
    if address is not None:
        kommune = _municipality_number(address, f"{name}: unit {number}'s forretningsadresse")
        if kommune is not None:
            site = ox.NamedNode(f"{SITE}{number}/registered-site")
            triples += [
                ox.Triple(org, ORG_REGISTERED_SITE, site),
                ox.Triple(site, RDF_TYPE, ORG_SITE),
                ox.Triple(site, DCT_SPATIAL, municipality_iri(kommune)),
                *bilingual(
                    site,
                    RDFS_LABEL,
                    f"Forretningsadresse for {title}",
                    f"Business address of {title}",
                ),
            ]
    deleted = data.get("slettedato")
    if isinstance(deleted, str) and deleted.strip():
        triples += bilingual(
            org,
            RDFS_COMMENT,
            f"Slettet fra Enhetsregisteret {deleted}.",
            f"Deleted from the register on {deleted}.",
        )
    return triples


def _municipality_number(address: Any, where: str) -> str | None:
    if not isinstance(address, dict):
        raise UnexpectedResponse(f"{where} is not an object")
    code = address.get("kommunenummer")
    if code is None or code == "":
        return None  # an address abroad has none
    code = str(code).strip()
    if not digits(code, 4):
        raise UnexpectedResponse(f"{where}: kommunenummer {code!r} is not a municipality number")
    return code
