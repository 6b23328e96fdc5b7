"""``POST /submissions`` through a real server on a real port, over a real store on disk with
inferences: a conforming plan is stored as its own graph with its provenance, a new version
replaces the old one and keeps it as history, a plan with violations changes nothing, and the
named queries see an accepted plan once the inferences are refreshed."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from plangraph.namespaces import META_GRAPH
from plangraph.reasoning import INFERRED_GRAPH
from plangraph.validation.intake import PROVENANCE_GRAPH, version_graph
from plangraph.validation.submission import BLANK_PREFIX
from tests.support.server import Server, copy_of, serve
from tests.support.validation_cases import EXAMPLES

PLAN = "https://w3id.org/plangraph/id/4601/example-sub-theme-plan"
MEASURE = PLAN + "-measure-1"
THEME_PLAN = EXAMPLES / "theme-plan.ttl"
UNDER_WORK = "https://w3id.org/plangraph/concept/lifecycle-status/under-work"
CONSULTATION = "https://w3id.org/plangraph/concept/lifecycle-status/consultation"
WHO = "Etat for plan og bygg"
PREFIXES = (
    "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
    "PREFIX dcat: <http://www.w3.org/ns/dcat#>\n"
    "PREFIX dqv: <http://www.w3.org/ns/dqv#>\n"
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX pg: <https://w3id.org/plangraph/ontology#>\n"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, reasoned_store_path: Path) -> Iterator[Server]:
    """A server over its own copy of Bergen's register with inferences."""
    store = copy_of(reasoned_store_path, tmp_path_factory.mktemp("submissions"))
    with serve(store, update_token_name=WHO) as running:
        yield running


def submit(server: Server, data: bytes, content_type: str, **params: str) -> httpx.Response:
    with server.client() as client:
        return client.post(
            "/submissions",
            content=data,
            params=params,
            headers={"Content-Type": content_type, **server.auth()},
        )


def select(server: Server, query: str) -> list[dict[str, str]]:
    with server.client() as client:
        r = client.get(
            "/sparql",
            params={"query": PREFIXES + query},
            headers={"Accept": "application/sparql-results+json"},
        )
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in row.items()} for row in r.json()["results"]["bindings"]]


def state(server: Server) -> list[dict[str, str]]:
    """Every graph but the inferences and the load records (which a refresh after an earlier
    write may still be bringing up to date) with its triple count and a digest of its
    triples."""
    return select(
        server,
        f"""SELECT ?g (COUNT(*) AS ?n) (MIN(?h) AS ?low) (MAX(?h) AS ?high) WHERE {{
          GRAPH ?g {{ ?s ?p ?o }} FILTER (?g NOT IN (<{INFERRED_GRAPH}>, <{META_GRAPH}>))
          BIND (MD5(CONCAT(STR(?s), " ", STR(?p), " ", STR(?o), " ", LANG(?o))) AS ?h)
        }} GROUP BY ?g ORDER BY ?g""",
    )


def red_thread_measures(server: Server) -> set[str]:
    with server.client() as client:
        r = client.get("/queries/red-thread.json")
    assert r.status_code == 200, r.text
    return {row["measure"]["value"] for row in r.json()["rows"] if row.get("measure")}


# The first test: no write before it, so no refresh of the inferences runs meanwhile.
def test_a_plan_with_violations_is_refused_and_the_store_is_as_it_was(server: Server) -> None:
    with server.client() as client:
        generation = client.get("/health").json()["generation"]
    before = state(server)
    broken = EXAMPLES / "mistakes" / "theme-plan-broken-links.ttl"
    r = submit(server, broken.read_bytes(), "text/turtle")
    assert r.status_code == 422, r.text
    assert r.headers["Content-Type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == 422
    assert problem["type"].endswith("/invalid-plan")
    assert problem["report"]["conforms"] is False
    assert problem["report"]["counts"]["violation"] > 0
    assert "/validate/reports/" in r.headers["Link"]
    assert state(server) == before
    with server.client() as client:
        assert client.get("/health").json()["generation"] == generation, "something was written"


def test_a_conforming_plan_is_stored_with_its_provenance_and_the_red_thread_sees_it(
    server: Server,
) -> None:
    assert MEASURE not in red_thread_measures(server)
    data = THEME_PLAN.read_bytes()
    r = submit(server, data, "text/turtle")
    assert r.status_code == 201, r.text
    body = r.json()
    graph = version_graph(PLAN, 1)
    assert body["plan"] == PLAN
    assert body["graph"] == graph
    assert body["version"] == 1
    assert body["revision_of"] is None
    assert body["report"]["conforms"] is True
    assert r.headers["Location"] == f"{server.url}/store?graph={quote(graph, safe='')}"
    assert "/validate/reports/" in r.headers["Link"]
    with server.client() as client:
        stored = client.get(r.headers["Location"], headers={"Accept": "application/n-triples"})
    assert stored.status_code == 200
    assert f"<{PLAN}> <https://w3id.org/plangraph/ontology#lifecycleStatus> <{UNDER_WORK}>" in (
        stored.text
    )
    record = select(
        server,
        f"""SELECT ?plan ?n ?who ?sha ?at ?violations ?warnings WHERE {{ GRAPH <{PROVENANCE_GRAPH}> {{
          <{graph}> prov:specializationOf ?plan ; dcat:version ?n ; prov:generatedAtTime ?at ;
            prov:wasAttributedTo [ rdfs:label ?who ] ;
            prov:wasGeneratedBy [ prov:used [ pg:sha256 ?sha ] ] ;
            dqv:hasQualityMeasurement [ dqv:isMeasurementOf ?m1 ; dqv:value ?violations ] ,
                                      [ dqv:isMeasurementOf ?m2 ; dqv:value ?warnings ] .
          FILTER (STRENDS(STR(?m1), "/violation") && STRENDS(STR(?m2), "/warning"))
        }} }}""",
    )
    assert len(record) == 1
    assert record[0]["plan"] == PLAN
    assert record[0]["n"] == "1"
    assert record[0]["who"] == WHO
    assert record[0]["sha"] == hashlib.sha256(data).hexdigest()
    assert record[0]["violations"] == "0"
    assert record[0]["warnings"] == str(body["report"]["counts"]["warning"])
    # The inferences are refreshed after the write, as after a Graph Store write: the red
    # thread then runs from the new plan's measures to Bergen 2030's focus area.
    started = time.monotonic()
    while MEASURE not in red_thread_measures(server):
        assert time.monotonic() - started < 120, "the red thread never saw the new plan"
        time.sleep(0.25)


def test_a_new_version_replaces_the_current_one_and_keeps_it_as_history(server: Server) -> None:
    first = submit(server, THEME_PLAN.read_bytes(), "text/turtle")
    assert first.status_code == 201, first.text
    old_graph = first.json()["graph"]
    changed = THEME_PLAN.read_text(encoding="utf-8").replace(
        "pgstatus:under-work", "pgstatus:consultation"
    )
    r = submit(server, changed.encode(), "text/turtle")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["version"] == first.json()["version"] + 1
    assert body["revision_of"] == old_graph
    # Every query sees the plan once, as it is now.
    statuses = select(server, f"SELECT ?s WHERE {{ <{PLAN}> pg:lifecycleStatus ?s }}")
    assert statuses == [{"s": CONSULTATION}]
    # The old version stays, as history, linked from the new one.
    history = select(
        server,
        f"""SELECT ?status ?gone WHERE {{
          GRAPH <{PROVENANCE_GRAPH}> {{ <{body["graph"]}> prov:wasRevisionOf ?old .
                                     ?old prov:invalidatedAtTime ?gone }}
          GRAPH ?old {{ [] rdf:subject <{PLAN}> ; rdf:predicate pg:lifecycleStatus ;
                           rdf:object ?status }} }}""",
    )
    assert [row["status"] for row in history] == [UNDER_WORK]
    # What changed between the two versions, by the named query.
    with server.client() as client:
        diff = client.get("/queries/plan-version-changes.json", params={"version": body["graph"]})
    assert diff.status_code == 200, diff.text
    rows = [{k: v["value"] for k, v in row.items() if v} for row in diff.json()["rows"]]
    status = "https://w3id.org/plangraph/ontology#lifecycleStatus"
    changes = {(r["change"], r["subject"], r["predicate"], r["object"]) for r in rows}
    # Only the status changed: the plan's unnamed nodes (its period) are named alike each time.
    assert changes == {
        ("added", PLAN, status, CONSULTATION),
        ("removed", PLAN, status, UNDER_WORK),
    }
    with server.client() as client:
        stored = client.get(r.headers["Location"], headers={"Accept": "application/n-triples"})
    assert BLANK_PREFIX not in stored.text
    assert f"<{PLAN}#n" in stored.text


def test_a_plain_yaml_plan_is_taken_in_with_its_names_resolved(server: Server) -> None:
    plain = (EXAMPLES / "action-plan.yaml").read_text(encoding="utf-8")
    r = submit(server, plain.encode(), "application/yaml")
    assert r.status_code == 400, "a plan without an id could never be replaced by a new version"
    assert "id" in r.json()["detail"]
    with_id = plain.replace("kind: handlingsplan\n", "kind: handlingsplan\nid: example-yaml-plan\n")
    before = state(server)
    r = submit(server, with_id.encode(), "application/yaml")
    assert r.status_code == 201, r.text
    assert state(server) != before
    owner = select(
        server,
        "SELECT ?o WHERE { <https://w3id.org/plangraph/id/4601/example-yaml-plan> pg:owner ?o }",
    )
    assert owner == [{"o": "https://w3id.org/plangraph/id/4601/org-bbs"}]


def test_a_plan_may_come_as_a_form_upload(server: Server) -> None:
    with server.client() as client:
        r = client.post(
            "/submissions",
            files={"file": ("theme-plan.ttl", THEME_PLAN.read_bytes(), "text/turtle")},
            headers=server.auth(),
        )
    assert r.status_code == 201, r.text
    assert r.json()["plan"] == PLAN


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer wrong"}, 401), ({"Authorization": "Basic x"}, 401)],
)
def test_submitting_needs_the_update_token(
    server: Server, headers: dict[str, str], status: int
) -> None:
    before = state(server)
    with server.client() as client:
        r = client.post(
            "/submissions",
            content=THEME_PLAN.read_bytes(),
            headers={"Content-Type": "text/turtle", **headers},
        )
    assert r.status_code == status
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert state(server) == before


def test_an_unreadable_submission_is_a_problem_that_names_the_place(server: Server) -> None:
    r = submit(server, b"<a> <b> .\n", "text/turtle")
    assert r.status_code == 400
    problem: dict[str, Any] = r.json()
    assert problem["type"].endswith("/unreadable")
    assert problem["error"]["line"] == 1


def test_the_token_is_checked_before_the_body_is_read(server: Server) -> None:
    with server.client() as client:
        r = client.post(
            "/submissions", content=b"not a plan at all {", headers={"Content-Type": "text/turtle"}
        )
    assert r.status_code == 401, "an unreadable body from a client without the token"
    assert r.headers["Content-Type"] == "application/problem+json"
