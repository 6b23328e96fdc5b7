"""``/queries``: the app in this process, with the engine's worker processes."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from plangraph import library
from plangraph.store import PlanStore
from tests.support.server import Server, in_process

BK = "https://w3id.org/plangraph/id/4601/"


@pytest.fixture(scope="module")
def server(reasoned_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    target = tmp_path_factory.mktemp("queries-web") / "store"
    shutil.copytree(reasoned_store_path, target)
    # The inferences are tested elsewhere (test_inference_refresh); here a write needs none.
    with in_process(target, refresh_inferences=False) as running:
        yield running


def test_the_catalogue_is_html_and_json(server: Server) -> None:
    with server.client() as client:
        page = client.get("/queries")
        data = client.get("/queries.json").json()
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert (
        '<link rel="alternate" type="application/json" href="/queries.json?lang=nb">' in page.text
    )
    names = [q["name"] for q in data["queries"]]
    assert names == [q.name for q in library.named_queries()]
    trail = next(q for q in data["queries"] if q["name"] == "decision-trail")
    assert trail["parameters"][0]["name"] == "plan"
    assert trail["links"]["json"] == "/queries/decision-trail.json?plan=bk%3Aplan-skyfritt&lang=nb"
    for q in data["queries"]:
        assert f'href="{q["links"]["html"].replace("&", "&amp;")}"' in page.text


def test_an_answer_is_an_html_table_with_its_json_and_csv_twins(
    server: Server, reasoned_store_path: Path
) -> None:
    params = {"plan": "bk:plan-skyfritt", "lang": "nb"}
    with server.client() as client:
        page = client.get("/queries/decision-trail", params=params)
        data = client.get("/queries/decision-trail.json", params=params).json()
        table = client.get("/queries/decision-trail.csv", params=params)
    assert page.status_code == 200
    assert "<h1>Vedtaksløypa for en plan</h1>" in page.text
    for twin in (data["links"]["json"], data["links"]["csv"]):
        assert f'href="{twin.replace("&", "&amp;")}"' in page.text
    assert data["parameters"] == {"plan": BK + "plan-skyfritt"}
    for row in data["rows"]:
        assert row["step"]["label"] in page.text
    # The same answer as the library gives on the store.
    store = PlanStore.open(reasoned_store_path)
    try:
        local = library.execute(
            library.get("decision-trail"),
            {"plan": "bk:plan-skyfritt"},
            library.local_runner(store),
            "nb",
        )
    finally:
        store.close()
    assert data["rows"] == local.to_json()["rows"]
    assert table.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(table.text))) == list(
        csv.reader(io.StringIO(local.to_csv()))
    )


def test_a_query_without_parameters_and_with_an_optional_one(server: Server) -> None:
    with server.client() as client:
        portfolio = client.get("/queries/planning-strategy-portfolio.json").json()
        due = client.get("/queries/plans-due.json", params={"on": "2024-05-13"}).json()
    assert len(portfolio["rows"]) == 16
    assert {r["plan"]["value"] for r in due["rows"]} == {
        BK + "plan-planstrategi-2019-2023",
        BK + "plan-sammen-for-kvalitet-lek-og-laring-2018-2021",
        BK + "plan-smart-oppvekst-2019-2022",
    }


@pytest.mark.parametrize("suffix", ["", ".json", ".csv"])
def test_a_bad_parameter_is_a_400_and_an_unknown_query_a_404(server: Server, suffix: str) -> None:
    with server.client() as client:
        bad = client.get(f"/queries/decision-trail{suffix}", params={"plan": "} DROP ALL"})
        missing = client.get(f"/queries/decision-trail{suffix}")
        unknown = client.get(f"/queries/no-such-question{suffix}")
        twice = client.get(f"/queries/plans-due{suffix}?on=2024-01-01&on=2024-02-01")
        language = client.get(f"/queries/plans-due{suffix}", params={"lang": "de"})
        english = client.get(f"/queries/decision-trail{suffix}", params={"lang": "en"})
    assert bad.status_code == 400 and "er ikke en IRI" in bad.text
    assert missing.status_code == 400 and "trenger plan" in missing.text
    assert english.status_code == 400 and "needs plan" in english.text
    assert "trenger" not in english.text and "needs" not in missing.text
    assert unknown.status_code == 404
    assert twice.status_code == 400
    assert language.status_code == 400


def test_only_http_iris_become_links_and_the_data_s_own_lead_to_their_pages(
    server: Server,
) -> None:
    """A ``javascript:`` IRI in the data is shown as text, never as a link (XSS); an IRI of
    the register links to its page on this server; another web IRI links to itself."""
    graph = "https://w3id.org/plangraph/graph/test-hostile-iris"
    update = (
        f"INSERT DATA {{ GRAPH <{graph}> {{ "
        "<javascript:alert(1)> a <https://w3id.org/plangraph/ontology#PlanDocument> ; "
        "<https://w3id.org/plangraph/ontology#planKind> "
        "<https://w3id.org/plangraph/concept/plan-kind/kommuneplan> ; "
        "<https://w3id.org/plangraph/ontology#owner> <JavaScript:alert(2)> , "
        "<data:text/html,alert(3)> , <https://example.org/owner> } }"
    )
    with server.client() as client:
        r = client.post("/sparql", data={"update": update}, headers=server.auth())
        assert r.status_code in (200, 204), r.text
        try:
            page = client.get("/queries/plan-register")
        finally:
            client.delete("/store", params={"graph": graph}, headers=server.auth())
    assert page.status_code == 200
    hrefs = [part.split('"', 1)[0] for part in page.text.split('href="')[1:]]
    assert hrefs
    assert not [h for h in hrefs if not h.startswith(("/", "http://", "https://"))]
    assert 'title="javascript:alert(1)"' in page.text  # still shown, as text
    assert "<script>" not in page.text
    assert 'href="https://example.org/owner"' in page.text
    assert 'href="/id/4601/plan-kommuneplan"' in page.text
    assert f'href="{BK}plan-kommuneplan"' not in page.text


def test_the_pages_speak_bokmal_unless_asked(server: Server) -> None:
    with server.client() as client:
        catalogue = client.get("/queries").text
        english = client.get("/queries", params={"lang": "en"}).text
        answer = client.get("/queries/plan-register").text
        data = client.get("/queries/plan-register.json").json()
    assert '<html lang="nb">' in catalogue and "<h1>Navngitte spørringer</h1>" in catalogue
    assert "Analytikernes navngitte spørsmål" in catalogue and "named questions" not in catalogue
    assert "<th>spørsmål</th>" in catalogue and "optional" not in catalogue
    assert '<html lang="en">' in english and "<h1>Named queries</h1>" in english
    assert "spørsmål" not in english
    assert data["lang"] == "nb" and '<html lang="nb">' in answer
    assert "rad(er)" in answer and "row(s)" not in answer
