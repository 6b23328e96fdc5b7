"""Content negotiation: Accept with q-values and wildcards, format=, 406."""

from __future__ import annotations

import pytest

from plangraph.web.negotiation import NotAcceptable, input_format, negotiate


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        ("text/*", "text/csv"),
        (
            "application/sparql-results+xml;q=0.9, text/tab-separated-values",
            "text/tab-separated-values",
        ),
        ("application/json", "application/sparql-results+json"),
        ("application/xml, */*;q=0.1", "application/sparql-results+xml"),
        ("text/csv;q=0, */*;q=0.5", "application/sparql-results+json"),
        (
            "application/sparql-results+json,application/json,text/javascript,application/javascript",
            "application/sparql-results+json",
        ),
    ],
)
def test_results_by_accept(accept: str | None, expected: str) -> None:
    fmt = negotiate("results", accept)
    assert fmt is not None and fmt.media_type == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json;q=1, text/turtle;q=0.5", "application/ld+json"),
        ("application/turtle,text/turtle,text/rdf+n3,application/n-triples", "text/turtle"),
        ("application/xml", "application/rdf+xml"),
    ],
)
def test_graphs_by_accept(accept: str | None, expected: str) -> None:
    fmt = negotiate("graph", accept)
    assert fmt is not None and fmt.media_type == expected


def test_format_wins_over_accept_and_takes_the_first_it_knows() -> None:
    fmt = negotiate("results", "text/csv", ["json"])
    assert fmt is not None and fmt.media_type == "application/sparql-results+json"
    # SPARQLWrapper sends format=tsv&format=text/tab-separated-values
    fmt = negotiate("results", None, ["tsv", "text/tab-separated-values"])
    assert fmt is not None and fmt.short_names[0] == "tsv"
    fmt = negotiate("graph", None, ["xml"])
    assert fmt is not None and fmt.media_type == "application/rdf+xml"
    fmt = negotiate("graph", None, ["json"])
    assert fmt is not None and fmt.media_type == "application/ld+json"
    with pytest.raises(NotAcceptable, match="'pdf'"):
        negotiate("results", None, ["pdf"])


def test_html_only_for_who_asks_for_it() -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert negotiate("graph", browser, html=True) is None
    curl = negotiate("graph", "*/*", html=True)
    assert curl is not None and curl.media_type == "text/turtle"


def test_not_acceptable_lists_what_is_offered() -> None:
    with pytest.raises(NotAcceptable, match="text/csv"):
        negotiate("results", "image/png")
    with pytest.raises(NotAcceptable):
        negotiate("graph", "text/csv")


def test_input_formats() -> None:
    assert input_format("text/turtle; charset=utf-8") == "TURTLE"
    assert input_format("application/n-triples") == "N_TRIPLES"
    assert input_format("application/n-quads") is None
    assert input_format(None) is None


def test_form_decoding_is_the_standard_librarys() -> None:
    """The fast percent-decoding of forms gives what ``urllib.parse`` gives, on random text
    made of the pieces that matter (escapes good and bad, '+', '=', '&', raw bytes)."""
    import random
    from urllib.parse import parse_qsl

    from plangraph.web.routes.sparql import form_pairs

    pieces = [
        "a",
        " ",
        "\t",
        "\n",
        "=",
        "+",
        "%",
        "%20",
        "%0A",
        "%3D",
        "%25",
        "%26",
        "%C3%A6",
        "æ",
        "_",
        "%2B",
        "%zz",
        "%a",
        "&",
        "%E2%82%AC",
        "query",
    ]
    rng = random.Random(4)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        try:
            expected = parse_qsl(text, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            with pytest.raises(UnicodeDecodeError):  # the endpoint answers 400
                form_pairs(text.encode())
            continue
        assert form_pairs(text.encode()) == expected, text
