"""The pages keep the answers of their queries in the app's answer cache, per store generation:
a page asked again reads nothing from the store, and an update shows on the next request."""

from __future__ import annotations

from pathlib import Path

from tests.support.server import Server, copy_of, in_process

HEADER = "X-Plangraph-Cache"
GRAPH = "https://w3id.org/plangraph/graph/test/cache-pages"
PLAN = "https://w3id.org/plangraph/id/test/plan-cache-pages"
INSERT = f"""
PREFIX pg: <https://w3id.org/plangraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT DATA {{ GRAPH <{GRAPH}> {{
  <{PLAN}> a pg:ThemePlan ;
    pg:planKind <https://w3id.org/plangraph/concept/plan-kind/theme-plan> ;
    pg:lifecycleStatus <https://w3id.org/plangraph/concept/lifecycle-status/under-work> ;
    rdfs:label "Hurtigbufferplanen"@nb .
}} }}
"""


def test_a_page_asked_again_comes_from_the_cache_until_the_register_changes(
    bergen_app: Server,
) -> None:
    with bergen_app.client() as client:
        first = client.get("/plans.json")
        assert first.status_code == 200, first.text
        again = client.get("/plans.json")
        assert again.headers[HEADER] == "hit"
        assert again.json() == first.json()
        assert client.get("/plans").headers[HEADER] == "hit"  # the same queries as its twin
        r = client.post("/sparql", data={"update": INSERT}, headers=bergen_app.auth())
        assert r.status_code == 204, r.text
        try:
            after = client.get("/plans.json", params={"q": "hurtigbufferplanen"})
            assert after.headers[HEADER] == "miss"
            assert [p["iri"] for p in after.json()["plans"]] == [PLAN]
            under_way = client.get("/plans/under-way.json")
            assert PLAN in [w["plan"]["iri"] for w in under_way.json()["plans"]]
            assert client.get("/plans.json").json()["register"] == first.json()["register"] + 1
        finally:
            r = client.post(
                "/sparql", data={"update": f"DROP GRAPH <{GRAPH}>"}, headers=bergen_app.auth()
            )
            assert r.status_code == 204, r.text
        back = client.get("/plans.json")
        assert back.headers[HEADER] == "miss"
        assert back.json() == first.json()


def test_with_the_cache_off_every_page_reads_the_store(
    loaded_store_path: Path, tmp_path: Path
) -> None:
    store = copy_of(loaded_store_path, tmp_path)
    with in_process(store, answer_cache_bytes=0) as server, server.client() as client:
        answers = [client.get("/plans.json") for _ in range(2)]
        assert [r.status_code for r in answers] == [200, 200]
        assert [HEADER in r.headers for r in answers] == [False, False]
        assert answers[0].json() == answers[1].json()
        assert answers[0].json()["register"] > 0
