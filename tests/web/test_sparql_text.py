"""``/sparql`` as analysts type: the project's prefixes added when left out (and said so), and
errors about the text in one line, with line and column, in the user's language."""

from __future__ import annotations

from plangraph.web.routes.sparql import ADDED_PREFIXES_HEADER, accepted_lang
from tests.support.server import Server

PLANS = "SELECT (COUNT(?p) AS ?n) WHERE { ?p pg:planKind ?k ; skos:prefLabel|dct:title ?t }"


def test_known_prefixes_are_added_and_the_header_says_which(bergen_app: Server) -> None:
    with bergen_app.client() as client:
        added = client.get("/sparql", params={"query": PLANS}, headers={"Accept": "text/csv"})
        declared = client.get(
            "/sparql",
            params={
                "query": "PREFIX pg: <https://w3id.org/plangraph/ontology#>\n"
                "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                "PREFIX dct: <http://purl.org/dc/terms/>\n" + PLANS
            },
            headers={"Accept": "text/csv"},
        )
    assert added.status_code == 200, added.text
    assert added.headers[ADDED_PREFIXES_HEADER] == "pg, skos, dct"
    assert ADDED_PREFIXES_HEADER not in declared.headers
    assert added.text == declared.text and int(added.text.split()[1]) > 10


def test_an_own_declaration_wins_over_the_known_one(bergen_app: Server) -> None:
    query = "PREFIX pg: <http://example.org/other#> ASK { ?p pg:planKind ?k }"
    with bergen_app.client() as client:
        r = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and ADDED_PREFIXES_HEADER not in r.headers
    assert r.text.strip().splitlines()[-1] == "false"


def test_an_unknown_prefix_is_a_400_naming_it(bergen_app: Server) -> None:
    query = "SELECT * WHERE {\n  ?p a pg:PlanDocument ;\n     foo:bar ?x }"
    with bergen_app.client() as client:
        nb = client.get("/sparql", params={"query": query})
        en = client.get("/sparql", params={"query": query, "lang": "en"})
    assert nb.status_code == en.status_code == 400
    assert nb.text.startswith("Feil 400: prefikset foo: er ikke deklarert")
    assert "linje 3, kolonne 6" in nb.text and nb.headers["content-language"] == "nb"
    assert en.text.startswith("Error 400: the prefix foo: is not declared")
    assert "line 3, column 6" in en.text
    for r in (nb, en):
        assert len(r.text.strip().splitlines()) == 1 and "\\u{" not in r.text


def test_a_syntax_error_is_one_line_with_where_and_what(bergen_app: Server) -> None:
    query = "SELECT ?p WHERE {\n  ?p a pg:PlanDocument\n} LIMIT ten"
    with bergen_app.client() as client:
        nb = client.get("/sparql", params={"query": query})
        en = client.get(
            "/sparql", params={"query": query}, headers={"Accept-Language": "en-GB,nb;q=0.5"}
        )
        typo = client.post(
            "/sparql",
            content="SELEC * WHERE { ?s ?p ?o }",
            headers={"Content-Type": "application/sparql-query", "Accept-Language": "en"},
        )
    # The added pg: prefix does not move the columns of the first line.
    assert nb.status_code == 400 and nb.headers[ADDED_PREFIXES_HEADER] == "pg"
    assert nb.text.startswith("Feil 400: syntaksfeil på linje 3, kolonne 9, ved «ten»: forventet")
    assert nb.text.endswith(", et tall\n")
    assert en.text.startswith("Error 400: syntax error at line 3, column 9, at 'ten': expected")
    assert en.text.endswith(", a number\n")
    assert typo.status_code == 400
    assert typo.text == (
        "Error 400: syntax error at line 1, column 1, at 'SELEC': "
        "a query begins with SELECT, CONSTRUCT, ASK or DESCRIBE\n"
    )


def test_errors_about_the_text_never_show_the_engine_or_the_server(
    bergen_app: Server,
) -> None:
    bad = [
        "SELECT * WHERE { ?s ?p ?o ",
        "SELECT * WHERE { ?s <http://a b> ?o }",
        'SELECT * WHERE { ?s ?p "open }',
        "SELECT * WHERE { ?s ?p ?o FILTER(?o = ) }",
        "SELECT * WHERE { ?s ?p ?o } LIMIT x",
    ]
    store = str(bergen_app.settings.store)
    with bergen_app.client() as client:
        for lang in ("nb", "en"):
            for query in bad:
                r = client.get("/sparql", params={"query": query, "lang": lang})
                assert r.status_code == 400, query
                text = r.text.strip()
                assert len(text.splitlines()) == 1, text
                assert "\\u{" not in text and "[_]" not in text and store not in text, text
                word = "syntaksfeil på linje 1" if lang == "nb" else "syntax error at line 1"
                assert word in text, text


def test_the_language_of_accept_language() -> None:
    assert accepted_lang(None) == "nb"
    assert accepted_lang("en") == "en"
    assert accepted_lang("de, en;q=0.8, nb;q=0.9") == "nb"
    assert accepted_lang("nn-NO") == "nb"
    assert accepted_lang("en;q=0, fr") == "nb"
