"""The SSB importer: real JSON-stat 2.0 answers of the statistics bank (data/saved/ssb) become
Data Cube observations; region codes across the 2020 reform name one municipality; answers
that are not what the importer reads are refused with a message naming what is wrong."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from plangraph.importers import base, ssb
from plangraph.importers.errors import UnexpectedResponse
from plangraph.store import PlanStore
from tests.support.paths import ROOT

SAVED = ROOT / "data" / "saved" / "ssb"
POPULATION = SAVED / "07459-municipalities-2022.json"
CULTURE = SAVED / "05300-culture-distance-1991-2021.json"

QB = "http://purl.org/linked-data/cube#"
BERGEN = "https://w3id.org/plangraph/id/municipality/4601"


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_bytes())
    return data


def _graph(triples: list[ox.Triple]) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def _select(store: ox.Store, query: str) -> list[dict[str, str]]:
    prologue = (
        "PREFIX qb: <http://purl.org/linked-data/cube#>\n"
        "PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>\n"
        "PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>\n"
        "PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    )
    result = store.query(prologue + query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [
        {n: row[n].value for n in names if row[n] is not None}
        for row in result  # type: ignore[index]
    ]


# -- real answers -----------------------------------------------------------------------------


def test_the_population_of_every_municipality_becomes_observations() -> None:
    store = _graph(ssb.to_triples(_load(POPULATION), table="07459"))
    rows = _select(
        store,
        "SELECT (COUNT(?o) AS ?n) (SUM(?v) AS ?total) WHERE { ?o a qb:Observation ; sdmx-measure:obsValue ?v }",
    )
    # 359 regions; the sum is Norway's population on 1 January 2022.
    assert rows == [{"n": "359", "total": "5425270"}]
    [bergen] = _select(
        store,
        f"""SELECT ?v ?period ?unit ?contents WHERE {{
              ?o sdmx-dimension:refArea <{BERGEN}> ; sdmx-measure:obsValue ?v ;
                 sdmx-dimension:refPeriod ?period ; sdmx-attribute:unitMeasure ?unit ;
                 <{ssb.dimension_iri("07459", "ContentsCode")}> ?contents }}""",
    )
    assert bergen == {
        "v": "286930",
        "period": "2022",
        "unit": "https://w3id.org/plangraph/id/ssb/unit/personer",
        "contents": ssb.code_iri("07459", "ContentsCode", "Personer1"),
    }


def test_the_table_is_a_data_set_with_its_structure_title_and_licence() -> None:
    store = _graph(ssb.to_triples(_load(POPULATION), table="07459"))
    [row] = _select(
        store,
        """SELECT ?ds ?label ?modified ?licence (COUNT(?c) AS ?components) WHERE {
             ?ds a qb:DataSet ; rdfs:label ?label ; <http://purl.org/dc/terms/modified> ?modified ;
                 <http://purl.org/dc/terms/license> ?licence ;
                 qb:structure ?dsd . ?dsd a qb:DataStructureDefinition ; qb:component ?c }
           GROUP BY ?ds ?label ?modified ?licence""",
    )
    assert row["ds"] == ssb.table_iri("07459")
    assert row["label"] == "07459: Befolkning, etter region, statistikkvariabel og år"
    assert row["modified"] == "2022-02-24T07:00:00Z"
    assert row["licence"] == "https://creativecommons.org/licenses/by/4.0/"
    # Region, contents, time; the value; unit, decimals, status.
    assert row["components"] == "7"


def test_regions_that_are_not_municipalities_keep_ssb_s_code_and_label() -> None:
    store = _graph(ssb.to_triples(_load(POPULATION), table="07459"))
    rows = _select(
        store,
        """SELECT ?area ?label WHERE { ?o sdmx-dimension:refArea ?area .
             ?area rdfs:label ?label ; skos:notation ?code }""",
    )
    assert {r["label"] for r in rows} == {
        "Svalbard og Jan Mayen",
        "Kontinentalsokkelen",
        "Delte kommuner og uoppgitt",
    }
    assert "https://w3id.org/plangraph/id/ssb/region/K-23" in {r["area"] for r in rows}


def test_one_municipality_is_picked_out_of_an_answer_for_all() -> None:
    triples = ssb.to_triples(_load(POPULATION), table="07459", municipality="4601")
    store = _graph(triples)
    rows = _select(
        store,
        "SELECT ?area ?v WHERE { ?o sdmx-dimension:refArea ?area ; sdmx-measure:obsValue ?v }",
    )
    assert rows == [{"area": BERGEN, "v": "286930"}]


def test_missing_cells_keep_their_status_and_have_no_value() -> None:
    store = _graph(ssb.to_triples(_load(CULTURE)))
    counts = _select(
        store,
        """SELECT ?status (COUNT(?o) AS ?n) WHERE { ?o a qb:Observation .
             OPTIONAL { ?o sdmx-attribute:obsStatus ?s } BIND(COALESCE(?s, "") AS ?status)
             FILTER NOT EXISTS { ?o sdmx-measure:obsValue ?v } } GROUP BY ?status""",
    )
    # 28 cells without a value: 8 not available (..), 20 not applicable (.).
    assert {r["status"]: r["n"] for r in counts} == {"..": "8", ".": "20"}
    [row] = _select(store, "SELECT (COUNT(?o) AS ?n) WHERE { ?o a qb:Observation }")
    assert row["n"] == str(6 * 8 * 9)


def test_a_series_over_the_years_is_read_in_the_right_order() -> None:
    """Under 1 km to a sports ground or hall (Avstand1 01, Kulturtilbud 06), 1991–2021."""
    store = _graph(ssb.to_triples(_load(CULTURE)))
    rows = _select(
        store,
        f"""SELECT ?period ?v WHERE {{ ?o sdmx-dimension:refPeriod ?period ; sdmx-measure:obsValue ?v ;
              <{ssb.dimension_iri("05300", "Avstand1")}> <{ssb.code_iri("05300", "Avstand1", "01")}> ;
              <{ssb.dimension_iri("05300", "Kulturtilbud")}> <{ssb.code_iri("05300", "Kulturtilbud", "06")}> }}
            ORDER BY ?period""",
    )
    assert [(r["period"], r["v"]) for r in rows] == [
        ("1991", "38"), ("1994", "36"), ("1997", "33"), ("2000", "32"), ("2004", "33"),
        ("2008", "38"), ("2012", "34"), ("2016", "34"), ("2021", "27"),
    ]  # fmt: skip


def test_codes_are_concepts_with_ssb_s_labels() -> None:
    store = _graph(ssb.to_triples(_load(CULTURE)))
    [row] = _select(
        store,
        f"""SELECT ?label ?scheme WHERE {{ <{ssb.code_iri("05300", "Kulturtilbud", "07")}>
              a skos:Concept ; skos:prefLabel ?label ; skos:notation "07" ; skos:inScheme ?scheme }}""",
    )
    assert row["label"] == "Folkebibliotek"


# -- regions across the 2020 reform -----------------------------------------------------------


@pytest.mark.parametrize("code", ["K-4601", "4601", "1201", " 4601 "])
def test_bergen_s_codes_name_one_municipality(code: str) -> None:
    assert ssb.region_iri(code) == BERGEN
    assert ssb.check_region(code) == "4601"


def test_the_municipality_iris_are_those_of_the_klass_importer() -> None:
    from plangraph.importers import klass

    assert ssb.municipality_iri("4601") == klass.municipality_iri("4601").value


@pytest.mark.parametrize("code", ["0", "46", "K-23", "K-21-22", "K-Rest", "EAK"])
def test_other_regions_are_no_municipality(code: str) -> None:
    assert ssb.municipality_number(code) is None
    assert ssb.region_iri(code).startswith("https://w3id.org/plangraph/id/ssb/region/")


def test_periods_become_typed_literals() -> None:
    assert ssb.period("2022").datatype.value.endswith("#gYear")
    assert ssb.period("2025M07").value == "2025-07"
    assert ssb.period("2019K4").value == "2019K4"


# -- the request ------------------------------------------------------------------------------


def test_the_request_asks_for_k_codes_summed_to_today_s_borders() -> None:
    url = ssb.data_url("07459", "1201")
    assert url.startswith("https://data.ssb.no/api/pxwebapi/v2/tables/07459/data?")
    assert "valueCodes%5BRegion%5D=K-4601" in url
    assert "codelist%5BRegion%5D=agg_KommSummer" in url
    assert "outputFormat=json-stat2" in url
    assert "Region" not in ssb.data_url("05300", "none")


@pytest.mark.parametrize(
    ("table", "region", "message"),
    [("7459", "4601", "five digits"), ("07459", "Bergen", "municipality number")],
)
def test_bad_options_are_refused(table: str, region: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ssb.job(table, region)


def test_the_import_names_its_graph_after_table_and_region() -> None:
    assert ssb.job("07459", "K-4601").graph == (
        "https://w3id.org/plangraph/graph/import/ssb/07459/4601"
    )


def test_an_import_into_a_store_on_disk(tmp_path: Path) -> None:
    store = PlanStore.open(tmp_path / "store")
    try:
        result = base.run(ssb.job("07459", "4601"), store, saved=[POPULATION])
        assert result.triples > 50
        assert not result.unchanged
    finally:
        store.close()


# -- answers that are not what the importer reads (made up from the real one) ----------------


def _broken(change: str) -> object:
    """The real 07459 answer with one thing made wrong, for the error tests (made up)."""
    data = _load(POPULATION)
    if change == "no ids":
        del data["id"]
    elif change == "sizes":
        data["size"] = [359, 1]
    elif change == "cells":
        data["value"] = data["value"][:-1]
    elif change == "text value":
        data["value"][0] = "31444"
    elif change == "undescribed dimension":
        del data["dimension"]["ContentsCode"]
    elif change == "empty":
        data["size"] = [0, 1, 1]
        data["dimension"]["Region"]["category"] = {"index": {}, "label": {}}
        data["value"] = []
    elif change == "all missing":
        data["value"] = [None] * 359
    elif change == "json-stat 1":
        return {"dataset": copy.deepcopy(data)}
    elif change == "error":
        return {"error": "Too many values selected"}
    elif change == "list":
        return [data]
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no ids", "no list of dimension ids"),
        ("sizes", "one size per dimension"),
        ("cells", "'value' has 358 cells, but the dimensions make 359"),
        ("text value", "holds '31444', not a number"),
        ("undescribed dimension", "'ContentsCode' is listed in 'id' but not described"),
        ("empty", "came back empty"),
        ("all missing", "came back with no values"),
        ("json-stat 1", "JSON-stat 1.x"),
        ("error", "reports an error: Too many values selected"),
        ("list", "not a JSON object"),
    ],
)
def test_an_unexpected_answer_is_refused_with_what_is_wrong(change: str, message: str) -> None:
    with pytest.raises(UnexpectedResponse, match=message) as caught:
        ssb.to_triples(_broken(change), table="07459")
    assert str(caught.value).startswith("Statistics Norway (SSB)")


def test_an_answer_from_another_table_is_refused() -> None:
    with pytest.raises(UnexpectedResponse, match="table 07459, but table 05300 was asked for"):
        ssb.to_triples(_load(POPULATION), table="05300")


def test_a_municipality_the_answer_does_not_have_is_refused() -> None:
    with pytest.raises(UnexpectedResponse, match="no observations for municipality 9999"):
        ssb.to_triples(_load(POPULATION), table="07459", municipality="9999")


def test_bergen_s_old_and_new_numbers_in_one_answer_make_one_series() -> None:
    """SSB lists a renumbered municipality under both numbers, each with "." where the number
    was not in use. Made up in the shape of such an answer (the numbers are not SSB's)."""
    answer = {
        "class": "dataset",
        "label": "99999: Made-up table, etter region, statistikkvariabel og år",
        "id": ["Region", "ContentsCode", "Tid"],
        "size": [2, 1, 2],
        "dimension": {
            "Region": {
                "label": "region",
                "category": {
                    "index": {"1201": 0, "4601": 1},
                    "label": {"1201": "Bergen (-2019)", "4601": "Bergen"},
                },
            },
            "ContentsCode": {"label": "statistikkvariabel", "category": {"index": {"X": 0}}},
            "Tid": {"label": "år", "category": {"index": {"2019": 0, "2020": 1}}},
        },
        "value": [100, None, None, 101],
        "status": {"1": ".", "2": "."},
        "role": {"time": ["Tid"], "geo": ["Region"], "metric": ["ContentsCode"]},
        "version": "2.0",
    }
    store = _graph(ssb.to_triples(answer, table="99999"))
    rows = _select(
        store,
        """SELECT ?area ?period ?v ?status WHERE { ?o a qb:Observation ;
             sdmx-dimension:refArea ?area ; sdmx-dimension:refPeriod ?period .
             OPTIONAL { ?o sdmx-measure:obsValue ?v } OPTIONAL { ?o sdmx-attribute:obsStatus ?status } }
           ORDER BY ?period""",
    )
    assert rows == [
        {"area": BERGEN, "period": "2019", "v": "100"},
        {"area": BERGEN, "period": "2020", "v": "101"},
    ]
