"""The KLASS importer: municipality numbers with validity, and municipalities' organisation
numbers, read from real saved answers where there are any, into a real store on disk."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph.importers import base, klass
from plangraph.importers.errors import UnexpectedResponse
from plangraph.store import PlanStore
from tests.support.paths import ROOT

SAVED = ROOT / "data" / "saved" / "klass"
TABLE_1236 = SAVED / "correspondencetables-1236.csv"

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PG = "https://w3id.org/plangraph/ontology#"
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
BERGEN_ORG = klass.organisation_iri("964338531")


def _entry(code: str, name: str, start: str | None, end: str | None) -> dict[str, object]:
    return {
        "code": code,
        "parentCode": None,
        "level": "1",
        "name": name,
        "shortName": "",
        "presentationName": "",
        "validFrom": None,
        "validTo": None,
        "validFromInRequestedRange": start,
        "validToInRequestedRange": end,
        "notes": "",
    }


# MADE UP for these tests, not a saved answer: no saved codes.json/changes.json of
# classification 131 was found (see data/saved/klass/SOURCES.md). The fields are those of
# KLASS's codes.json and changes.json as SSB's own notebook (klass_kommune2020.ipynb) shows
# them; the facts are those the issue names: Bergen was 1201 until 2019 and is 4601 from 2020.
MADE_UP_CODES = {
    "codes": [
        _entry("0301", "Oslo", "2017-01-01", None),
        _entry("1201", "Bergen", "2017-01-01", "2020-01-01"),
        _entry("4601", "Bergen", "2020-01-01", None),
        _entry("5006", "Steinkjer", "2020-01-01", "2026-01-01"),
        _entry("5006", "Steinkjer - Stïentje", "2026-01-01", None),
    ]
}
MADE_UP_CHANGES = {
    "codeChanges": [
        {
            "oldCode": "1201",
            "oldName": "Bergen",
            "oldShortName": "",
            "newCode": "4601",
            "newName": "Bergen",
            "newShortName": "",
            "changeOccurred": "2020-01-01",
        },
        {
            "oldCode": "1103",
            "oldName": "Stavanger",
            "oldShortName": "",
            "newCode": "1103",
            "newName": "Stavanger",
            "newShortName": "",
            "changeOccurred": "2020-01-01",
        },
    ]
}
START = date(2017, 1, 1)


def _bytes(data: object) -> bytes:
    return json.dumps(data).encode()


def _objects(triples: list[ox.Triple], subject: ox.NamedNode, predicate: str) -> set[str]:
    return {
        t.object.value for t in triples if t.subject == subject and t.predicate.value == predicate
    }


@pytest.fixture
def municipalities() -> list[ox.Triple]:
    return klass.parse_municipalities([_bytes(MADE_UP_CODES), _bytes(MADE_UP_CHANGES)], START)


# -- the codes and their validity -------------------------------------------------------------


def test_bergen_4601_is_valid_from_2020_and_1201_ends_2019(
    municipalities: list[ox.Triple],
) -> None:
    b4601, b1201 = klass.municipality_iri("4601"), klass.municipality_iri("1201")
    assert b4601.value == "https://w3id.org/plangraph/id/municipality/4601"
    start = ox.Triple(
        b4601, ox.NamedNode(PG + "startDate"), ox.Literal("2020-01-01", datatype=XSD_DATE)
    )
    end = ox.Triple(
        b1201, ox.NamedNode(PG + "endDate"), ox.Literal("2019-12-31", datatype=XSD_DATE)
    )
    assert start in municipalities
    assert end in municipalities
    # 4601 is still valid: no end; 1201 began before the period asked for: no start recorded.
    assert _objects(municipalities, b4601, PG + "endDate") == set()
    assert _objects(municipalities, b1201, PG + "startDate") == set()
    assert _objects(municipalities, b4601, SKOS + "notation") == {"4601"}
    assert _objects(municipalities, b4601, SKOS + "prefLabel") == {"Bergen"}
    assert _objects(municipalities, b4601, SKOS + "inScheme") == {klass.SCHEME}


def test_the_change_1201_to_4601_links_both_ways_and_a_kept_number_links_nothing(
    municipalities: list[ox.Triple],
) -> None:
    b4601, b1201 = klass.municipality_iri("4601"), klass.municipality_iri("1201")
    assert _objects(municipalities, b1201, DCT + "isReplacedBy") == {b4601.value}
    assert _objects(municipalities, b4601, DCT + "replaces") == {b1201.value}
    stavanger = klass.municipality_iri("1103")
    assert not [t for t in municipalities if stavanger in (t.subject, t.object)]


def test_links_to_geonorge_and_wikidata_only_where_a_source_gives_them(
    municipalities: list[ox.Triple],
) -> None:
    b4601 = klass.municipality_iri("4601")
    assert _objects(municipalities, b4601, SKOS + "exactMatch") == {
        "https://data.geonorge.no/administrativeEnheter/kommune/id/172778"
    }
    assert _objects(municipalities, b4601, SKOS + "closeMatch") == {
        "http://www.wikidata.org/entity/Q26793"
    }
    matches = [t for t in municipalities if t.predicate.value.endswith("Match")]
    assert {t.subject for t in matches} == {b4601}


def test_a_renamed_code_keeps_one_name_per_language_and_the_old_one_as_alt_label(
    municipalities: list[ox.Triple],
) -> None:
    steinkjer = klass.municipality_iri("5006")
    assert _objects(municipalities, steinkjer, SKOS + "prefLabel") == {"Steinkjer - Stïentje"}
    assert _objects(municipalities, steinkjer, SKOS + "altLabel") == {"Steinkjer"}
    assert _objects(municipalities, steinkjer, PG + "startDate") == {"2020-01-01"}


def test_an_end_at_the_end_of_the_period_asked_for_is_not_an_end() -> None:
    codes = {"codes": [_entry("4601", "Bergen", "2020-01-01", "2021-01-01")]}
    triples = klass.parse_municipalities(
        [_bytes(codes), _bytes({"codeChanges": []})], START, date(2021, 1, 1)
    )
    assert _objects(triples, klass.municipality_iri("4601"), PG + "endDate") == set()


def test_the_requests_ask_klass_for_131_over_the_period() -> None:
    job = klass.municipalities_job(date(2019, 1, 1), date(2021, 1, 1))
    assert [r.url for r in job.requests] == [
        "https://data.ssb.no/api/klass/v1/classifications/131/codes.json"
        "?from=2019-01-01&to=2021-01-01&language=nb",
        "https://data.ssb.no/api/klass/v1/classifications/131/changes.json"
        "?from=2019-01-01&to=2021-01-01&language=nb",
    ]
    assert job.graph == "https://w3id.org/plangraph/graph/import/klass/131"
    with pytest.raises(ValueError, match="empty"):
        klass.municipalities_job(date(2021, 1, 1), date(2020, 1, 1))


# -- bad answers ------------------------------------------------------------------------------
# Each body below is MADE UP to stand for a kind of bad answer.


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>", "HTML page"),
        (b"", "empty"),
        (b"   \n", "empty"),
        (b'{"codes": [', "not valid JSON"),
        (b'{"classificationItems": []}', "no 'codes' (its keys: classificationItems)"),
        (b'{"codes": []}', "lists no codes"),
        (b'{"codes": {"code": "4601"}}', "'codes' is not a list"),
        (b"[]", "JSON list, not an object"),
        (
            _bytes({"codes": [{"name": "Bergen"}]}),
            "code number 1 of the codes answer has no 'code'",
        ),
        (_bytes({"codes": [_entry("46", "Bergen", None, None)]}), "not a four-digit"),
        (_bytes({"codes": [_entry("4601", "Bergen", "1.1.2020", None)]}), "not a date"),
    ],
)
def test_a_bad_codes_answer_says_what_is_wrong(codes: bytes, message: str) -> None:
    with pytest.raises(UnexpectedResponse, match="Statistics Norway") as caught:
        klass.parse_municipalities([codes, _bytes(MADE_UP_CHANGES)], START)
    assert message in str(caught.value)


def test_a_bad_changes_answer_says_what_is_wrong() -> None:
    changes = {"codeChanges": [{"oldCode": "1201", "newCode": "4601"}]}
    with pytest.raises(UnexpectedResponse, match=r"change number 1 .* no date"):
        klass.parse_municipalities([_bytes(MADE_UP_CODES), _bytes(changes)], START)
    with pytest.raises(UnexpectedResponse, match="no 'codeChanges'"):
        klass.parse_municipalities([_bytes(MADE_UP_CODES), b'{"changes": []}'], START)


# -- the municipalities' organisation numbers (a real saved answer) ----------------------------


def test_table_1236_makes_bergen_kommune_the_organisation_964338531_with_number_4601() -> None:
    triples = klass.parse_organisations(TABLE_1236.read_bytes())
    assert _objects(triples, BERGEN_ORG, PG + "organisationNumber") == {"964338531"}
    assert _objects(triples, BERGEN_ORG, PG + "municipalityNumber") == {"4601"}
    assert _objects(triples, BERGEN_ORG, "http://xmlns.com/foaf/0.1/name") == {"BERGEN KOMMUNE"}
    assert _objects(triples, BERGEN_ORG, DCT + "spatial") == {klass.municipality_iri("4601").value}
    assert _objects(triples, BERGEN_ORG, "http://www.w3.org/2002/07/owl#sameAs") == {
        "https://data.brreg.no/enhetsregisteret/api/enheter/964338531"
    }
    assert BERGEN_ORG.value == (
        "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/964338531"
    )


def test_table_1236_has_one_number_for_each_of_its_356_municipalities() -> None:
    rows = klass.read_correspondence(TABLE_1236.read_bytes())
    assert len(rows) == 356
    assert len({r.orgnr for r in rows}) == 356
    assert len({r.code for r in rows}) == 356
    # ISO-8859-1 read right: the letters survive.
    assert ("964338442", "ASKØY KOMMUNE", "4627", "Askøy") in {
        (r.orgnr, r.organisation, r.code, r.municipality) for r in rows
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><title>Not found</title></html>", "HTML page, not CSV"),
        (b"", "is empty"),
        (b'"code";"name"\n"4601";"Bergen"\n', "lacks the column(s) sourceCode"),
        (b'"sourceCode";"sourceName";"targetCode";"targetName"\n', "no rows"),
        (
            b'"sourceCode";"sourceName";"targetCode";"targetName"\n"9643385";"X";"4601";"Bergen"\n',
            "line 2: '9643385' is not an organisation number",
        ),
    ],
)
def test_a_bad_correspondence_answer_says_what_is_wrong(body: bytes, message: str) -> None:
    # The bodies are MADE UP to stand for kinds of bad answers.
    with pytest.raises(UnexpectedResponse, match="correspondence table 1236") as caught:
        klass.parse_organisations(body)
    assert message in str(caught.value)


# -- end to end: a real store on disk ---------------------------------------------------------


def test_importing_table_1236_is_idempotent_and_a_bad_answer_leaves_the_store_as_it_was(
    tmp_path: Path,
) -> None:
    job = klass.organisations_job()
    store = PlanStore.open(tmp_path / "store")
    try:
        first = base.run(job, store, saved=[TABLE_1236])
        assert not first.unchanged
        assert first.graph == "https://w3id.org/plangraph/graph/import/klass/correspondence-1236"
        assert first.triples > 2136  # the table's triples and the provenance
        ask = f"ASK {{ GRAPH <{first.graph}> {{ <{BERGEN_ORG.value}> <{PG}municipalityNumber> '4601' }} }}"
        assert store.raw.query(ask)
        sha = store.recorded_sha256(job.graph)

        again = base.run(job, store, saved=[TABLE_1236])
        assert again.unchanged
        assert again.triples == first.triples

        broken = tmp_path / "error-page.csv"
        broken.write_bytes(b"<html><title>503 Service Unavailable</title></html>")  # MADE UP
        with pytest.raises(UnexpectedResponse, match="HTML page"):
            base.run(job, store, saved=[broken])
        assert store.triple_count(job.graph) == first.triples
        assert store.recorded_sha256(job.graph) == sha
        assert store.raw.query(ask)
    finally:
        store.close()


def test_importing_the_codes_writes_their_graph_with_provenance(tmp_path: Path) -> None:
    codes, changes = tmp_path / "codes.json", tmp_path / "changes.json"
    codes.write_bytes(_bytes(MADE_UP_CODES))
    changes.write_bytes(_bytes(MADE_UP_CHANGES))
    job = klass.municipalities_job(START)
    store = PlanStore.open(tmp_path / "store")
    try:
        result = base.run(job, store, saved=[codes, changes])
        rows = list(
            store.raw.query(
                f"""SELECT ?end ?licence WHERE {{ GRAPH <{job.graph}> {{
                    <{klass.MUNICIPALITY}1201> <{PG}endDate> ?end .
                    <{job.graph}> <{DCT}license> ?licence }} }}"""
            )
        )
        assert [(r["end"].value, r["licence"].value) for r in rows] == [
            ("2019-12-31", "https://creativecommons.org/licenses/by/4.0/")
        ]
        assert base.run(job, store, saved=[codes, changes]).unchanged
        assert result.urls == tuple(r.url for r in job.requests)
    finally:
        store.close()


# -- the live service (opt-in) ----------------------------------------------------------------


@pytest.mark.live
@pytest.mark.skipif(os.environ.get("PLANGRAPH_LIVE") != "1", reason="set PLANGRAPH_LIVE=1")
def test_live_klass_knows_bergen_as_1201_and_4601(tmp_path: Path) -> None:
    store = PlanStore.open(tmp_path / "store")
    try:
        job = klass.municipalities_job(START)
        base.run(job, store)
        query = f"""SELECT ?end ?start WHERE {{ GRAPH <{job.graph}> {{
            <{klass.MUNICIPALITY}1201> <{PG}endDate> ?end ;
                <{DCT}isReplacedBy> <{klass.MUNICIPALITY}4601> .
            <{klass.MUNICIPALITY}4601> <{PG}startDate> ?start }} }}"""
        rows = [(r["end"].value, r["start"].value) for r in store.raw.query(query)]
        assert rows == [("2019-12-31", "2020-01-01")]
        organisations = klass.organisations_job()
        base.run(organisations, store)
        ask = f"ASK {{ <{BERGEN_ORG.value}> <{PG}municipalityNumber> '4601' }}"
        assert store.raw.query(ask)
    finally:
        store.close()


# -- the command line -------------------------------------------------------------------------


def test_the_command_imports_the_saved_table_once_and_refuses_a_bad_answer(
    tmp_path: Path,
) -> None:
    from tests.support.paths import run_cli

    store = str(tmp_path / "store")
    first = run_cli("import", "klass-orgnr", "--saved", str(TABLE_1236), "--store", store)
    assert first.returncode == 0, first.stderr
    assert "triples into import/klass/correspondence-1236" in first.stdout
    again = run_cli("import", "klass-orgnr", "--saved", str(TABLE_1236), "--store", store)
    assert again.returncode == 0, again.stderr
    assert "unchanged since the last import" in again.stdout

    broken = tmp_path / "1236.csv"
    broken.write_bytes(b'"code";"name"\n"4601";"Bergen"\n')  # MADE UP
    bad = run_cli("import", "klass-orgnr", "--saved", str(broken), "--store", store)
    assert bad.returncode == 2
    assert "lacks the column(s) sourceCode" in bad.stderr
    assert "nothing was imported" in bad.stderr


def test_the_command_refuses_a_date_that_is_no_date(tmp_path: Path) -> None:
    from tests.support.paths import run_cli

    result = run_cli("import", "klass", "--from", "2020-13-01", "--store", str(tmp_path / "s"))
    assert result.returncode == 2
    assert "--from '2020-13-01': give a date as YYYY-MM-DD" in result.stderr


def test_the_two_imports_join_bergen_kommune_to_its_number_and_its_predecessor(
    tmp_path: Path,
) -> None:
    codes, changes = tmp_path / "codes.json", tmp_path / "changes.json"
    codes.write_bytes(_bytes(MADE_UP_CODES))
    changes.write_bytes(_bytes(MADE_UP_CHANGES))
    store = PlanStore.open(tmp_path / "store")
    try:
        base.run(klass.municipalities_job(START), store, saved=[codes, changes])
        base.run(klass.organisations_job(), store, saved=[TABLE_1236])
        rows = store.raw.query(
            f"""SELECT ?name ?start ?before WHERE {{ GRAPH ?g1 {{
                    <{BERGEN_ORG.value}> <{DCT}spatial> ?code }}
                GRAPH ?g2 {{ ?code <{SKOS}prefLabel> ?name ; <{PG}startDate> ?start ;
                    <{DCT}replaces> ?old . ?old <{SKOS}notation> ?before }} }}"""
        )
        assert [(r["name"].value, r["start"].value, r["before"].value) for r in rows] == [
            ("Bergen", "2020-01-01", "1201")
        ]
    finally:
        store.close()
