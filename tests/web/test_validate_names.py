"""``POST /validate`` looks the names of a plain plan up in the register of the store it
validates against (in the engine's reader), not in plangraph's shipped datasets; through a real
server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from plangraph.store import PlanStore
from tests.support.server import Server, copy_of, serve
from tests.support.validation_cases import EXAMPLES

NEW_UNIT = "Etat for prøvetjenester"
UNIT_TTL = """@prefix bk: <https://w3id.org/plangraph/id/4601/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix pg: <https://w3id.org/plangraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
bk:org-etat-provetjenester a pg:Agency ;
    skos:prefLabel "Etat for prøvetjenester"@nb ;
    rdfs:label "Etat for prøvetjenester"@nb, "Agency for Trial Services"@en ;
    org:unitOf bk:kommune .
"""
PLAN = (
    (EXAMPLES / "action-plan.yaml")
    .read_text(encoding="utf-8")
    .replace("owner: Etat for skole", f"owner: {NEW_UNIT}")
    .encode("utf-8")
)


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory, loaded_store_path: Path) -> Iterator[Server]:
    """A server over Bergen's register with one agency more than the shipped datasets have."""
    where = tmp_path_factory.mktemp("names")
    store_path = copy_of(loaded_store_path, where)
    unit = where / "unit.ttl"
    unit.write_text(UNIT_TTL, encoding="utf-8")
    store = PlanStore.open(store_path)
    store.load([("https://w3id.org/plangraph/graph/test-unit", unit)])
    store.close()
    with serve(store_path) as server:
        yield server


def _post(server: Server) -> httpx.Response:
    with server.client() as client:
        return client.post(
            "/validate?lang=en",
            content=PLAN,
            headers={"Content-Type": "application/yaml", "Accept": "application/json"},
        )


def test_a_name_is_found_in_the_store_validated_against(grown: Server) -> None:
    assert f"owner: {NEW_UNIT}".encode() in PLAN
    response = _post(grown)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["conforms"] is True and report["findings"] == []


def test_the_same_name_is_unknown_to_a_store_without_it(bergen: Server) -> None:
    response = _post(bergen)
    assert response.status_code == 400
    error = response.json()["error"]
    assert NEW_UNIT in error["message"]
    assert error["source"].endswith("request body") and error["line"] is not None
