"""Reading submissions: every format, plangraph's JSON-LD context, and every kind of bad input.

Bad input always ends in a SubmissionError that names the problem and where, with the HTTP
status that fits; never a crash, a hang or an outbound request.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph.namespaces import PREFIXES
from plangraph.validation import CONTEXT_IRI, Format, SubmissionError, parse, read_file
from plangraph.validation.submission import BLANK_PREFIX, MAX_DEPTH, context
from tests.support.validation_cases import EXAMPLES

PG = "https://w3id.org/plangraph/ontology#"
BK = "https://w3id.org/plangraph/id/4601/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def triples(data: str, **kwargs: object) -> set[tuple[str, str, str]]:
    submission = parse(data.encode(), **kwargs)  # type: ignore[arg-type]
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in submission.triples}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any attempt to open a connection fails the test: reading never goes out."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"an outbound connection was attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


def test_the_shipped_context_declares_every_prefix_of_the_project() -> None:
    shipped = context()
    for prefix, namespace in PREFIXES.items():
        assert shipped[prefix] == namespace


def test_json_with_a_context_is_read_as_json_ld_through_the_project_context() -> None:
    found = triples(
        json.dumps(
            {
                "@context": CONTEXT_IRI,
                "id": "bk:plan-x",
                "type": "ThemePlan",
                "kind": "theme-plan",
                "status": "under-work",
                "title": "Tittel",
                "elements": [{"id": "bk:goal-x", "type": "Goal", "scope": "community"}],
            }
        ),
        name="plan.json",
    )
    assert (
        f"<{BK}plan-x>",
        f"<{PG}planKind>",
        "<https://w3id.org/plangraph/concept/plan-kind/theme-plan>",
    ) in found
    assert (f"<{BK}goal-x>", f"<{PG}partOfPlan>", f"<{BK}plan-x>") in found
    assert (f"<{BK}plan-x>", "<http://purl.org/dc/terms/title>", '"Tittel"@nb') in found


def test_plain_yaml_is_read_in_a_planners_words_with_dates_as_dates() -> None:
    found = triples(
        "id: bk:plan-x\nkind: temaplan\nstatus: Under arbeid\nstatusAsOf: 01.10.2025\n",
        name="plan.yaml",
    )
    assert (
        f"<{BK}plan-x>",
        f"<{PG}statusAsOf>",
        '"2025-10-01"^^<http://www.w3.org/2001/XMLSchema#date>',
    ) in found
    assert (f"<{BK}plan-x>", RDF_TYPE, f"<{PG}ThemePlan>") in found
    assert (
        f"<{BK}plan-x>",
        f"<{PG}lifecycleStatus>",
        "<https://w3id.org/plangraph/concept/lifecycle-status/under-work>",
    ) in found


def test_json_ld_may_name_the_project_context_which_is_never_fetched() -> None:
    found = triples(
        json.dumps({"@context": CONTEXT_IRI, "id": "bk:plan-x", "type": "Plan"}),
        name="plan.jsonld",
    )
    assert (
        f"<{BK}plan-x>",
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
        f"<{PG}Plan>",
    ) in found


@pytest.mark.parametrize(
    "file",
    sorted(p for p in EXAMPLES.rglob("*") if p.is_file() and p.suffix != ".md"),
    ids=lambda p: p.name,
)
def test_every_worked_example_is_readable(file: Path) -> None:
    assert read_file(file).triples


def test_the_json_and_yaml_examples_give_the_same_kind_of_data_as_turtle() -> None:
    submission = read_file(EXAMPLES / "theme-plan.json")
    assert submission.format is Format.JSON
    assert read_file(EXAMPLES / "theme-plan.yaml").format is Format.YAML
    types = {str(t.object) for t in submission.triples if t.predicate.value.endswith("#type")}
    assert {f"<{PG}ThemePlan>", f"<{PG}Goal>", f"<{PG}Strategy>", f"<{PG}Measure>"} <= types


def test_blank_nodes_are_named_so_both_engines_can_report_them() -> None:
    submission = parse(b"[] a <https://w3id.org/plangraph/ontology#Goal> .", name="x.ttl")
    (triple,) = submission.triples
    assert isinstance(triple.subject, ox.NamedNode)
    assert triple.subject.value.startswith(BLANK_PREFIX)


@pytest.mark.parametrize(
    ("data", "name", "status", "words", "line"),
    [
        (b"@prefix pg: <http://x/> .\npg:a pg:b .\n", "bad.ttl", 400, "", 2),
        (b"", "empty.ttl", 400, "empty", None),
        (b"   \n\t", "blank.ttl", 400, "empty", None),
        (
            b"@prefix pg: <https://w3id.org/plangraph/ontology#> .\n",
            "prefixes.ttl",
            400,
            "no triples",
            None,
        ),
        (b'{"id": "bk:x", "type": }', "bad.json", 400, "", 1),
        (b"id: [unclosed\n", "bad.yaml", 400, "", 2),
        (b"\xff\xfe<a> <b> <c> .", "latin.ttl", 400, "UTF-8", 1),
        (b"<a> <b> <c> .", "plan.docx", 415, "unknown format", None),
        (
            b'{"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "http://x/a"}',
            "r.jsonld",
            400,
            "remote @context",
            None,
        ),
        (
            b'{"@context": [{"@import": "http://127.0.0.1:9/c"}], "@id": "http://x/a"}',
            "i.jsonld",
            400,
            "@import",
            None,
        ),
        (
            b'{"@id": "http://x/a", "http://x/p": {"@context": "http://127.0.0.1:9/c", "@id": "http://x/b"}}',
            "e.jsonld",
            400,
            "remote @context",
            None,
        ),
        (b"a: &x [1, 2]\nb: *x\n", "alias.yaml", 400, "anchors", 1),
        (b"<a> <b> <c> <g> .", "x.nt", 400, "", 1),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(
    data: bytes, name: str, status: int, words: str, line: int | None
) -> None:
    with pytest.raises(SubmissionError) as caught:
        parse(data, name=name)
    error = caught.value
    assert error.status == status
    assert words in error.message
    assert error.where.startswith(name)
    if line is not None:
        assert error.line == line


def test_deeply_nested_json_is_refused() -> None:
    deep = '{"@id": "http://x/a", "http://x/p": ' + '{"http://x/p": ' * 200 + "1" + "}" * 201
    with pytest.raises(SubmissionError, match="nested"):
        parse(deep.encode(), name="deep.json")
    very_deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(SubmissionError, match="nested"):
        parse(very_deep.encode(), name="deeper.json")
    with pytest.raises(SubmissionError, match="nested"):
        parse(
            ("a:\n" + "".join("  " * i + "- \n" for i in range(1, MAX_DEPTH + 5))).encode(),
            name="deep.yaml",
        )


def test_deeply_nested_turtle_does_not_crash() -> None:
    n = 50_000
    data = "<http://x/a> <http://x/p> " + "[ <http://x/p> " * n + "1" + " ]" * n + " ."
    assert len(parse(data.encode(), name="deep.ttl").triples) == n + 1


def test_rdf_xml_with_entity_declarations_is_refused_before_parsing() -> None:
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:x="http://x/">
<rdf:Description rdf:about="http://x/a"><x:p>&i;</x:p></rdf:Description>
</rdf:RDF>"""
    with pytest.raises(SubmissionError, match="DOCTYPE") as caught:
        parse(bomb, name="bomb.rdf")
    assert caught.value.line == 2


def test_plain_rdf_xml_is_read() -> None:
    data = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:pg="https://w3id.org/plangraph/ontology#">
<pg:Goal rdf:about="https://w3id.org/plangraph/id/4601/goal-x"/>
</rdf:RDF>"""
    assert len(parse(data, name="plan.rdf").triples) == 1


def test_a_submission_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.ttl"
    with big.open("wb") as handle:
        handle.truncate(2 * 1024 * 1024)
    with pytest.raises(SubmissionError) as caught:
        read_file(big, max_bytes=1024 * 1024)
    assert caught.value.status == 413


def test_the_format_is_sniffed_when_nothing_names_it() -> None:
    assert parse(b'{"id": "bk:x", "kind": "melding"}', name="pasted text").format is Format.JSON
    assert parse(b"id: bk:x\nkind: melding\n", name="pasted text").format is Format.YAML
    assert (
        parse(
            b"@prefix bk: <https://w3id.org/plangraph/id/4601/> .\nbk:x a bk:y .",
            name="pasted text",
        ).format
        is Format.TURTLE
    )
    assert (
        parse(b"<a:x> <a:y> <a:z> .", name="body", media_type="application/n-triples").format
        is Format.NTRIPLES
    )


def test_a_plain_plan_over_the_triple_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import plangraph.validation.submission as submission

    monkeypatch.setattr(submission, "MAX_TRIPLES", 5)
    data = b"kind: temaplan\ntitle: T\nstrategies: [A, B, C]\n"
    with pytest.raises(SubmissionError) as caught:
        parse(data, name="plan.yaml")
    assert caught.value.status == 413
