"""Errors of the JSON API are RFC 9457 problem details (``application/problem+json``), through a
real server: the Graph Store, the named queries, validation and submissions, unknown paths. A
client that asks for HTML gets no problem document; ``/sparql`` keeps its protocol's errors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.server import Server

PROBLEM = "application/problem+json"


def check_problem(response: Any, status: int, instance: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == PROBLEM
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["instance"] == instance
    assert problem["type"]
    assert problem["title"]
    assert problem["detail"]
    return problem


@pytest.mark.parametrize(
    ("method", "path", "params", "status"),
    [
        ("GET", "/store", {"graph": "not an iri"}, 400),
        ("GET", "/store", {"graph": "https://example.org/no-such-graph"}, 404),
        ("GET", "/store", {}, 400),
        ("PUT", "/store", {"graph": "https://example.org/g"}, 401),
        ("GET", "/queries/no-such-query.json", {}, 404),
        ("GET", "/queries/plan-structure.json", {"plan": "not an iri"}, 400),
        ("GET", "/no/such/path", {}, 404),
        ("POST", "/submissions", {}, 401),
    ],
)
def test_api_errors_are_problem_details(
    bergen: Server, method: str, path: str, params: dict[str, str], status: int
) -> None:
    with bergen.client() as client:
        r = client.request(method, path, params=params, headers={"Accept": "application/json"})
    problem = check_problem(r, status, path)
    if status == 401:
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
        assert "token" in problem["detail"]


def test_a_problem_is_the_answer_without_accept_too(bergen: Server) -> None:
    with bergen.client() as client:
        r = client.get("/store", params={"graph": "https://example.org/no-such-graph"})
    problem = check_problem(r, 404, "/store")
    assert problem["type"] == "about:blank"
    assert problem["title"] == "Not Found"
    assert "no-such-graph" in problem["detail"]


def test_validate_answers_an_unreadable_plan_with_a_problem_that_keeps_the_details(
    bergen: Server,
) -> None:
    with bergen.client() as client:
        r = client.post(
            "/validate", content=b"<a> <b> .\n", headers={"Content-Type": "text/turtle"}
        )
    assert r.status_code == 400
    assert r.headers["Content-Type"] == PROBLEM
    problem = r.json()
    assert problem["type"].endswith("/unreadable")
    assert problem["error"]["line"] == 1


def test_a_browser_gets_no_problem_document(bergen: Server) -> None:
    with bergen.client() as client:
        store = client.get(
            "/store", params={"graph": "not an iri"}, headers={"Accept": "text/html"}
        )
        missing = client.get("/no/such/path", headers={"Accept": "text/html,*/*;q=0.8"})
    for r in (store, missing):
        assert r.headers["Content-Type"] != PROBLEM
        assert r.status_code in (400, 404)


def test_sparql_keeps_the_protocols_errors(bergen: Server) -> None:
    with bergen.client() as client:
        r = client.get("/sparql", params={"query": "SELEKT nothing"})
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("text/plain")
    assert r.text.startswith("Feil 400")  # bokmål unless the client asks for English
