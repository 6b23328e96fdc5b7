"""Reading SHACL-SPARQL queries: prefixes, the spec's refusals, and pre-binding."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from plangraph.validation.sparql_text import Query, QueryError, inject_focus, read, substitute

PRE_BOUND = frozenset({"this", "shapesGraph", "currentShape"})
EX = "http://example.org/"


def query(text: str, **prefixes: str) -> Query:
    return read(text, prefixes, pre_bound=PRE_BOUND, form="select", where="q")


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("SELECT $this WHERE { $this ex:p ?o FILTER (?o != $this) }", True),
        (
            "SELECT $this WHERE { $this ex:p ?o FILTER NOT EXISTS { { FILTER ($this = ?o) } } }",
            True,
        ),
        ("SELECT $this WHERE { { $this ex:p ?o } UNION { ?o ex:q $this } }", True),
        ("SELECT $this WHERE { { FILTER (false) } UNION { FILTER ($this = ex:a) } }", False),
        ("SELECT $this WHERE { { { FILTER ($this = ex:a) } } }", False),
        ("SELECT $this WHERE { { SELECT $this WHERE { $this ex:p ?o } } }", False),
    ],
)
def test_this_is_joined_at_the_top_only_where_that_is_the_same_as_pre_binding(
    text: str, safe: bool
) -> None:
    assert query(text, ex=EX).join_safe is safe


def test_prefixed_names_are_expanded_and_the_query_stands_alone() -> None:
    read_query = query(
        "PREFIX q: <http://q/> SELECT $this WHERE { $this ex:p q:x ; a ex:C }", ex=EX
    )
    text = read_query.text
    assert "<http://example.org/p>" in text and "<http://q/x>" in text
    assert "PREFIX" not in text and "ex:" not in text


def test_substitution_writes_the_value_everywhere_even_in_projections_and_bound() -> None:
    read_query = query(
        "SELECT $this ?o WHERE { { FILTER bound($this) } $this ex:p ?o } GROUP BY $this ?o", ex=EX
    )
    text = substitute(read_query, {"this": f"<{EX}a>"})
    assert text.count(f"<{EX}a>") == 3
    assert f"(<{EX}a> AS ?__this_1)" in text and f"GROUP BY (<{EX}a>)" in text
    assert "(true)" in text
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(f"{EX}a"), ox.NamedNode(f"{EX}p"), ox.Literal("v")))
    rows = store.query(text)
    assert isinstance(rows, ox.QuerySolutions)
    rows = list(rows)
    assert len(rows) == 1


def test_the_join_form_projects_this_and_makes_solutions_distinct() -> None:
    read_query = query("SELECT ?value WHERE { $this ex:p ?value }", ex=EX)
    text = inject_focus(read_query, "{ VALUES ?this { <http://example.org/a> } }")
    assert text.split("WHERE")[0].split() == ["SELECT", "DISTINCT", "?this", "?value"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("SELECT $this WHERE { $this ?p ?o . MINUS { $this ?p 1 } }", "MINUS"),
        ("SELECT $this WHERE { VALUES ?x { 1 } }", "VALUES"),
        ("SELECT $this WHERE { SERVICE <http://x/> { ?a ?b ?c } }", "SERVICE"),
        ("SELECT $this WHERE { { SELECT ?o WHERE { ?s ?p ?o } } }", "must return"),
        ("SELECT $this WHERE { { SELECT * WHERE { ?s ?p ?o } } }", "SELECT \\*"),
        ("SELECT $this WHERE { BIND (1 AS $this) }", "assigns the pre-bound"),
        ("SELECT $this WHERE { $this nope:p ?o }", "prefix 'nope:' is not declared"),
        ("ASK { ?s ?p ?o }", "expected a SELECT"),
    ],
)
def test_the_specs_refusals(text: str, problem: str) -> None:
    with pytest.raises(QueryError, match=problem):
        query(text)
