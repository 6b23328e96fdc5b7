"""``/queries`` over a store with the illustrative examples: every answer says so, in a header,
on the page and in the JSON; over the register alone, none does."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from plangraph.web.routes.queries import EXAMPLES_HEADER
from tests.support.server import Server, in_process


@pytest.fixture(scope="module")
def with_examples(
    examples_store_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    target = tmp_path_factory.mktemp("queries-examples") / "store"
    shutil.copytree(examples_store_path, target)
    with in_process(target, refresh_inferences=False) as running:
        yield running


def test_every_twin_says_the_answer_may_hold_made_up_data(with_examples: Server) -> None:
    with with_examples.client() as client:
        page = client.get("/queries/sdg-coverage")
        data = client.get("/queries/sdg-coverage.json", params={"lang": "en"})
        table = client.get("/queries/sdg-coverage.csv")
    for r in (page, data, table):
        assert r.status_code == 200 and r.headers[EXAMPLES_HEADER] == "true"
    assert '<p class="examples"><strong>Dette lageret har også de illustrerende' in page.text
    assert data.json()["includesExamples"] is True
    assert data.json()["note"].startswith("This store also holds the illustrative examples")


def test_the_register_alone_says_nothing(bergen_app: Server) -> None:
    with bergen_app.client() as client:
        page = client.get("/queries/sdg-coverage")
        data = client.get("/queries/sdg-coverage.json").json()
    assert EXAMPLES_HEADER not in page.headers and 'class="examples"' not in page.text
    assert data["includesExamples"] is False and data["note"] is None


def test_sparql_answers_carry_the_header_too(with_examples: Server, bergen_app: Server) -> None:
    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a pg:Measure }"}
    with with_examples.client() as client:
        first = client.get("/sparql", params=query, headers={"Accept": "text/csv"})
        again = client.get("/sparql", params=query, headers={"Accept": "text/csv"})
    with bergen_app.client() as client:
        register = client.get("/sparql", params=query, headers={"Accept": "text/csv"})
    assert first.status_code == again.status_code == register.status_code == 200
    assert first.headers[EXAMPLES_HEADER] == again.headers[EXAMPLES_HEADER] == "true"
    assert EXAMPLES_HEADER not in register.headers
