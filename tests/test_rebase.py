"""Publishing the data under another base: IRIs are rewritten, literals are not."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from plangraph.namespaces import BASE
from plangraph.rebase import Rebase, check_base
from plangraph.settings import Settings

PUBLIC = "http://127.0.0.1:8000/"
PLAN = BASE + "id/4601/plan-x"


@pytest.fixture
def store() -> ox.Store:
    store = ox.Store()
    plan = ox.NamedNode(PLAN)
    store.add(ox.Quad(plan, ox.NamedNode(BASE + "ontology#planKind"), ox.NamedNode(BASE + "k")))
    # A literal that holds the canonical IRI's text is text: it is never rewritten.
    store.add(ox.Quad(plan, ox.NamedNode("http://purl.org/dc/terms/identifier"), ox.Literal(PLAN)))
    store.add(ox.Quad(plan, ox.NamedNode("http://x/other"), ox.NamedNode("http://x/y")))
    return store


@pytest.mark.parametrize(
    "fmt",
    [
        ox.QueryResultsFormat.JSON,
        ox.QueryResultsFormat.XML,
        ox.QueryResultsFormat.TSV,
        ox.QueryResultsFormat.CSV,
    ],
)
def test_select_results_name_the_public_iris(store: ox.Store, fmt: ox.QueryResultsFormat) -> None:
    rebase = Rebase(BASE, PUBLIC)
    query = rebase.query(
        f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o . FILTER(?s = <{PUBLIC}id/4601/plan-x>) }}"
    )
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    body = rebase.results(result.serialize(format=fmt) or b"", fmt.media_type)
    if fmt == ox.QueryResultsFormat.CSV:  # pyoxigraph does not read CSV; CSV marks no IRI
        rows = set(body.decode().splitlines()[1:])
        assert f"{PUBLIC}id/4601/plan-x,{PUBLIC}ontology#planKind,{PUBLIC}k" in rows
        assert f"{PUBLIC}id/4601/plan-x,http://x/other,http://x/y" in rows
        return
    parsed = ox.parse_query_results(body, fmt)
    assert isinstance(parsed, ox.QuerySolutions)
    values = {(str(row["s"]), str(row["p"]), str(row["o"])) for row in parsed}
    public_plan = f"<{PUBLIC}id/4601/plan-x>"
    assert (public_plan, f"<{PUBLIC}ontology#planKind>", f"<{PUBLIC}k>") in values
    assert (public_plan, "<http://x/other>", "<http://x/y>") in values
    assert (public_plan, "<http://purl.org/dc/terms/identifier>", f'"{PLAN}"') in values


def test_terms_map_both_ways() -> None:
    rebase = Rebase(BASE, PUBLIC)
    triple = ox.Triple(ox.NamedNode(PLAN), ox.NamedNode("http://x/p"), ox.Literal(PLAN))
    (public,) = rebase.triples([triple])
    assert public.subject == ox.NamedNode(PUBLIC + "id/4601/plan-x")
    assert public.object == ox.Literal(PLAN)
    assert next(rebase.triples([public], public=False)) == triple
    assert rebase.prefixes({"bk": BASE + "id/4601/"}) == {"bk": PUBLIC + "id/4601/"}
    assert Rebase().identity and Rebase().query("<" + PLAN + ">") == "<" + PLAN + ">"


@pytest.mark.parametrize(
    "bad", ["http://127.0.0.1:8000", "ftp://x/", "https://x/a#b/", "not an iri/", "https://x/a b/"]
)
def test_a_base_must_be_an_http_iri_ending_in_a_slash(bad: str) -> None:
    with pytest.raises(ValueError, match="must be an absolute http"):
        check_base(bad)
    with pytest.raises(ValueError, match="base IRI"):
        Settings(base_iri=bad)


def test_the_public_url_gets_its_slash() -> None:
    assert Settings(public_url="https://plangraph.example.org").public_url == (
        "https://plangraph.example.org/"
    )
