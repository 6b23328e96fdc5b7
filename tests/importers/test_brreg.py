"""The business-register importer: a real saved answer of Enhetsregisteret, bad answers, and
the import into a real store on disk."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph.importers import base, brreg, klass
from plangraph.importers.errors import UnexpectedResponse
from plangraph.store import PlanStore
from tests.support.paths import ROOT

EQUINOR_FILE = ROOT / "data" / "saved" / "brreg" / "enheter-923609016.json"
EQUINOR = klass.organisation_iri("923609016")

ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PG = "https://w3id.org/plangraph/ontology#"


def _objects(triples: list[ox.Triple], subject: ox.NamedNode, predicate: str) -> set[str]:
    return {
        t.object.value for t in triples if t.subject == subject and t.predicate.value == predicate
    }


@pytest.fixture(scope="module")
def equinor() -> list[ox.Triple]:
    return brreg.parse_unit(EQUINOR_FILE.read_bytes(), "923609016")


def test_the_saved_answer_gives_the_organisation_its_number_and_name(
    equinor: list[ox.Triple],
) -> None:
    assert EQUINOR.value == (
        "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/923609016"
    )
    assert _objects(equinor, EQUINOR, DCT + "identifier") == {"923609016"}
    assert _objects(equinor, EQUINOR, PG + "organisationNumber") == {"923609016"}
    assert _objects(equinor, EQUINOR, "http://xmlns.com/foaf/0.1/name") == {"EQUINOR ASA"}
    assert _objects(equinor, EQUINOR, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == {
        ORG + "FormalOrganization"
    }
    assert _objects(equinor, EQUINOR, "http://www.w3.org/2002/07/owl#sameAs") == {
        "https://data.brreg.no/enhetsregisteret/api/enheter/923609016"
    }


def test_the_organisation_form_is_a_concept_at_the_registers_iri(
    equinor: list[ox.Triple],
) -> None:
    form = ox.NamedNode("https://data.brreg.no/enhetsregisteret/api/organisasjonsformer/ASA")
    assert _objects(equinor, EQUINOR, ORG + "classification") == {form.value}
    assert _objects(equinor, form, SKOS + "notation") == {"ASA"}
    assert _objects(equinor, form, SKOS + "prefLabel") == {"Allmennaksjeselskap"}


def test_the_business_address_is_a_site_in_the_klass_municipality(
    equinor: list[ox.Triple],
) -> None:
    (site,) = _objects(equinor, EQUINOR, ORG + "hasRegisteredSite")
    assert site == "https://w3id.org/plangraph/id/organisation/923609016/registered-site"
    assert _objects(equinor, ox.NamedNode(site), DCT + "spatial") == {
        klass.municipality_iri("1103").value
    }


@pytest.mark.parametrize("text", ["964338531", "964 338 531", "923609016", "971032146"])
def test_organisation_numbers_with_a_right_check_digit_are_accepted(text: str) -> None:
    assert brreg.check_orgnr(text) == text.replace(" ", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("96433853", "nine digits"),
        ("9643385310", "nine digits"),
        ("96433853x", "nine digits"),
        ("964338532", "check digit"),
        # The example number of the `brreg` package's test data: no organisation has it.
        ("112233445", "check digit"),
    ],
)
def test_other_numbers_are_refused_before_anything_is_fetched(text: str, message: str) -> None:
    with pytest.raises(brreg.InvalidOrganisationNumber, match=message):
        brreg.organisation_job(text)


def test_the_job_asks_the_register_for_the_number_and_writes_its_own_graph() -> None:
    job = brreg.organisation_job("964 338 531")
    assert [r.url for r in job.requests] == [
        "https://data.brreg.no/enhetsregisteret/api/enheter/964338531"
    ]
    assert job.graph == "https://w3id.org/plangraph/graph/import/brreg/enheter/964338531"


def _made_up(**changes: object) -> bytes:
    """The saved answer with some fields changed: a MADE-UP answer for the error tests."""
    data = json.loads(EQUINOR_FILE.read_bytes())
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><head><title>Feil</title></head></html>", "HTML page, not JSON"),
        (b"", "is empty"),
        # MADE UP: the shape of the register's error answers (status, feilmelding).
        (
            b'{"timestamp":"2025-01-01T00:00:00","status":400,"error":"Bad Request",'
            b'"feilmelding":"Ugyldig organisasjonsnummer"}',
            "an error answer: Ugyldig organisasjonsnummer",
        ),
        (_made_up(organisasjonsnummer=None), "no 'organisasjonsnummer'"),
        (_made_up(navn=None), "unit 923609016 has no 'navn'"),
        (_made_up(organisasjonsform={"beskrivelse": "?"}), "organisasjonsform has no 'kode'"),
        (
            _made_up(forretningsadresse={"kommune": "STAVANGER", "kommunenummer": "11"}),
            "kommunenummer '11' is not a municipality number",
        ),
        (_made_up(organisasjonsnummer="964338531"), "asked for unit 923609016"),
        (b"[]", "JSON list, not an object"),
    ],
)
def test_a_bad_answer_says_what_is_wrong(body: bytes, message: str) -> None:
    with pytest.raises(UnexpectedResponse, match="Brønnøysund") as caught:
        brreg.parse_unit(body, "923609016")
    assert message in str(caught.value)


def test_a_deleted_unit_says_when_it_was_deleted() -> None:
    body = _made_up(slettedato="2017-10-20")  # MADE UP: the field a deleted unit has
    comments = _objects(
        brreg.parse_unit(body, "923609016"),
        EQUINOR,
        "http://www.w3.org/2000/01/rdf-schema#comment",
    )
    assert comments == {
        "Slettet fra Enhetsregisteret 2017-10-20.",
        "Deleted from the register on 2017-10-20.",
    }


def test_a_unit_under_another_is_its_sub_organisation() -> None:
    body = _made_up(overordnetEnhet="964338531")  # MADE UP: the field a sub-unit has
    parents = _objects(brreg.parse_unit(body, "923609016"), EQUINOR, ORG + "subOrganizationOf")
    assert parents == {klass.organisation_iri("964338531").value}
    with pytest.raises(UnexpectedResponse, match="overordnetEnhet: '964338532'"):
        brreg.parse_unit(_made_up(overordnetEnhet="964338532"), "923609016")


def test_importing_is_idempotent_and_a_bad_answer_leaves_the_store_as_it_was(
    tmp_path: Path,
) -> None:
    job = brreg.organisation_job("923609016")
    store = PlanStore.open(tmp_path / "store")
    ask = f"ASK {{ GRAPH <{job.graph}> {{ <{EQUINOR.value}> <http://xmlns.com/foaf/0.1/name> 'EQUINOR ASA' }} }}"
    try:
        first = base.run(job, store, saved=[EQUINOR_FILE])
        assert not first.unchanged
        assert store.raw.query(ask)
        assert base.run(job, store, saved=[EQUINOR_FILE]).unchanged

        other = tmp_path / "other-unit.json"
        other.write_bytes(_made_up(organisasjonsnummer="964338531"))  # MADE UP
        with pytest.raises(UnexpectedResponse, match="asked for unit 923609016"):
            base.run(job, store, saved=[other])
        assert store.triple_count(job.graph) == first.triples
        assert store.raw.query(ask)
    finally:
        store.close()


@pytest.mark.live
@pytest.mark.skipif(os.environ.get("PLANGRAPH_LIVE") != "1", reason="set PLANGRAPH_LIVE=1")
def test_live_the_register_knows_bergen_kommune(tmp_path: Path) -> None:
    store = PlanStore.open(tmp_path / "store")
    try:
        job = brreg.organisation_job("964338531")
        base.run(job, store)
        bergen = klass.organisation_iri("964338531").value
        rows = store.raw.query(
            f"""SELECT ?name ?form ?place WHERE {{ GRAPH <{job.graph}> {{
                <{bergen}> <http://xmlns.com/foaf/0.1/name> ?name ;
                    <{ORG}classification> ?form ;
                    <{ORG}hasRegisteredSite>/<{DCT}spatial> ?place }} }}"""
        )
        assert [(r["name"].value, r["form"].value, r["place"].value) for r in rows] == [
            (
                "BERGEN KOMMUNE",
                "https://data.brreg.no/enhetsregisteret/api/organisasjonsformer/KOMM",
                klass.municipality_iri("4601").value,
            )
        ]
    finally:
        store.close()


def test_the_command_imports_a_saved_answer_and_refuses_a_wrong_number(tmp_path: Path) -> None:
    from tests.support.paths import run_cli

    store = str(tmp_path / "store")
    done = run_cli("import", "brreg", "923609016", "--saved", str(EQUINOR_FILE), "--store", store)
    assert done.returncode == 0, done.stderr
    assert "into import/brreg/enheter/923609016" in done.stdout
    wrong = run_cli("import", "brreg", "964338532", "--store", store)
    assert wrong.returncode == 2
    assert "'964338532' is not an organisation number: its check digit is wrong" in wrong.stderr
