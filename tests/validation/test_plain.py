"""The plain plan format: strict (no key lost), a planner's words, and the same meaning as the
Turtle form.

* every key of every plain example and of every malformed file either states triples or is
  named by a problem (keys in = statements out, or an error);
* each silent drop issue 15 found is now an error with its line, column and the nearest key;
* statuses, kinds and outcomes in bokmål or English, any case; dates ISO or dd.mm.yyyy;
* each plain example is the same graph as its Turtle twin, and the plain twins of the typical
  mistakes get the same findings as the Turtle mistakes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
import yaml
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from plangraph.terms import to_rdflib
from plangraph.validation import Register, SubmissionError, parse, read_file, validate
from plangraph.validation.plain import PlainError, Result, read
from plangraph.validation.plain import vocabulary as words
from plangraph.validation.plain.vocabulary import EXTRA_WORDS, parse_date
from tests.support.validation_cases import EXAMPLES

HERE = Path(__file__).resolve().parent / "plain"
MALFORMED = sorted((HERE / "malformed").iterdir())
TWINS = sorted((HERE / "twins").iterdir())
PG = "https://w3id.org/plangraph/ontology#"
BK = "https://w3id.org/plangraph/id/4601/"
CONCEPT = "https://w3id.org/plangraph/concept/"


def plain_examples() -> list[Path]:
    """Every example in the plain format (JSON with an ``@context`` is JSON-LD, not plain)."""
    found = []
    for file in sorted(EXAMPLES.rglob("*")):
        if file.suffix in (".yaml", ".yml") or (
            file.suffix == ".json" and "@context" not in json.loads(file.read_text("utf-8"))
        ):
            found.append(file)
    return found


PLAIN = plain_examples()


def key_paths(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every key of a document, by its path (list items by index), read independently of the
    reader: json.loads and yaml.safe_load."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*path, key)
            yield from key_paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from key_paths(child, (*path, index))


def loaded(file: Path) -> Any:
    text = file.read_text("utf-8")
    return json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)


def dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else ("." if out else "") + part
    return out


def read_plain(file: Path, register: Register) -> Result:
    syntax = "json" if file.suffix == ".json" else "yaml"
    return read(file.read_text("utf-8"), source=file.name, syntax=syntax, register=register)


# -- strict: no key is ever lost --------------------------------------------------------------


@pytest.mark.parametrize("file", PLAIN + TWINS, ids=lambda p: p.name)
def test_every_key_of_a_plain_plan_states_triples(file: Path, register: Register) -> None:
    result = read_plain(file, register)
    paths = list(key_paths(loaded(file)))
    assert paths
    lost = [dotted(p) for p in paths if result.trace.get(p, 0) < 1]
    assert not lost, f"keys that stated nothing: {lost}"


@pytest.mark.parametrize("file", MALFORMED, ids=lambda p: p.name)
def test_every_key_of_a_malformed_plan_states_triples_or_is_an_error(
    file: Path, register: Register
) -> None:
    with pytest.raises(PlainError) as caught:
        read_plain(file, register)
    error = caught.value
    named = {p.key for p in error.problems if p.key}
    for problem in error.problems:
        assert problem.where.line is not None and problem.where.column is not None, problem
        assert problem.message["nb"] and problem.message["en"]

    def covered(path: tuple[str | int, ...]) -> bool:
        return any(dotted(path[:n]) in named for n in range(1, len(path) + 1))

    paths = list(key_paths(loaded(file)))
    lost = [dotted(p) for p in paths if error.trace.get(p, 0) < 1 and not covered(p)]
    assert not lost, f"keys that neither stated anything nor were reported: {lost}"


def problems(file: str, register: Register) -> list[tuple[int, int, str, str]]:
    with pytest.raises(PlainError) as caught:
        read_plain(HERE / "malformed" / file, register)
    return [
        (p.where.line or 0, p.where.column or 0, p.key or "", p.message["en"])
        for p in caught.value.problems
    ]


def test_what_issue_15_found_dropped_is_now_an_error_with_its_place(register: Register) -> None:
    found = problems("the-issue.yaml", register)
    expected = [
        (6, 9, "status", "'under arbeide' is not a plan status (did you mean 'under arbeid'?)"),
        (7, 13, "statusAsOf", "'15.13.2026' is not a date; write 2025-06-18 or 18.06.2025"),
        (8, 1, "adoptedBy", "`adoptedBy`: unknown key; did you mean `adopted.by`?"),
        (9, 1, "proposalPublic", "`proposalPublic`: unknown key; did you mean `public.from`?"),
        (11, 9, "adopted.date", "'3. mars 2025' is not a date"),
    ]
    assert len(found) == len(expected)
    for (line, column, key, message), (e_line, e_column, e_key, words_) in zip(
        found, expected, strict=True
    ):
        assert (line, column, key) == (e_line, e_column, e_key)
        assert words_ in message
    # The allowed words are listed, in nb and in en.
    nb = problems("the-issue.yaml", register)
    assert "under arbeid / in preparation" in nb[0][3]


def test_the_same_plan_written_right_is_read(register: Register) -> None:
    text = (HERE / "malformed" / "the-issue.yaml").read_text("utf-8")
    fixed = (
        text.replace("under arbeide", "under arbeid")
        .replace("15.13.2026", "15.01.2026")
        .replace("adoptedBy: byrådet\n", "")
        .replace("proposalPublic: 01.02.2025", "public: 01.02.2025")
        .replace("3. mars 2025", "03.03.2025")
    )
    result = read(fixed, source="fixed.yaml", syntax="yaml", register=register)
    objects = {(t.predicate.value, str(t.object)) for t in result.triples}
    assert (PG + "statusAsOf", '"2026-01-15"^^<http://www.w3.org/2001/XMLSchema#date>') in objects
    assert (PG + "lifecycleStatus", f"<{CONCEPT}lifecycle-status/under-work>") in objects
    assert (PG + "owner", f"<{BK}org-bbs>") in objects
    assert (PG + "municipality", f"<{BK}kommune>") in objects
    assert (PG + "implementsPlan", f"<{BK}plan-spor-oss-strategi>") in objects
    assert (PG + "body", f"<{BK}org-bystyret>") in objects
    assert (PG + "date", '"2025-02-01"^^<http://www.w3.org/2001/XMLSchema#date>') in objects


def test_every_malformed_value_is_named_with_its_place(register: Register) -> None:
    found = {(line, key): message for line, _, key, message in problems("shapes.yaml", register)}
    assert "did you mean `kind`?" in found[(2, "type")]
    assert "expected a text" in found[(3, "title")]
    assert "'de' is not a language code" in found[(4, "label.de")]
    assert "has no value" in found[(5, "status")]
    assert "empty list" in found[(6, "goals")]
    assert "takes a list" in found[(7, "strategies")]
    assert "expected years as 2026–2029" in found[(8, "period")]
    assert "expected a web address" in found[(9, "page")]
    assert "unknown key for a plan" in found[(10, "ordinal")]
    assert "whole number" in found[(11, "revisionIntervalYears")]
    assert "did you mean `status`?" in found[(14, "measures[1].measureStatus")]
    assert "takes one value" in found[(15, "measures[1].status")]
    assert "`kind` is missing" in found[(18, "events[1].kind")]
    assert "did you mean `date`?" in found[(19, "adopted.dato")]
    assert "expected an object" in found[(20, "consultation")]
    assert "'kanskje' is not a planning-strategy decision" in found[(23, "assessments[1].outcome")]
    assert "unknown key for a plan assessment" in found[(24, "assessments[1].owner")]


def test_json_keys_given_twice_nulls_and_empty_texts_are_errors(register: Register) -> None:
    found = {
        (line, key): message for line, _, key, message in problems("duplicates.json", register)
    }
    assert "given twice (first at line 3)" in found[(4, "title")]
    assert "given twice" in found[(5, "label.nb")]
    assert "'2025-1-1' is not a date" in found[(6, "statusAsOf")]
    assert "has no value" in found[(7, "status")]
    assert "expected a name, a number or an IRI" in found[(8, "owner")]
    assert "is not an id" in found[(10, "id")]
    assert "expected a text" in found[(11, "note")]


def test_yaml_keys_given_twice_and_aliases_are_errors(register: Register) -> None:
    with pytest.raises(PlainError, match=r"`kind` is given twice \(first at line 1\)"):
        read("kind: melding\nkind: strategi\n", source="x.yaml", syntax="yaml", register=register)
    with pytest.raises(PlainError, match="anchors and aliases"):
        read("kind: &k melding\ntitle: *k\n", source="x.yaml", syntax="yaml", register=register)


def test_short_ids_need_the_municipality_and_unknown_prefixes_are_errors(
    register: Register,
) -> None:
    found = problems("ids.yaml", register)
    assert [(line, key) for line, _, key, _ in found] == [
        (1, "id"),
        (5, "goals[1].id"),
        (7, "goals[2].id"),
    ]
    assert "needs the plan's municipality" in found[0][3]
    assert "unknown prefix 'foo'" in found[1][3]


def test_a_short_id_is_minted_in_the_municipality_and_objects_are_numbered(
    register: Register,
) -> None:
    result = read(
        "id: x-plan\nkind: temaplan\nmunicipality: 4601\ngoals: [A, B]\n"
        "strategies: [{label: C, id: x-own}]\nadopted: 01.02.2025\n",
        source="x.yaml",
        syntax="yaml",
        register=register,
    )
    subjects = {t.subject.value for t in result.triples if isinstance(t.subject, ox.NamedNode)}
    assert subjects == {
        f"{BK}x-plan",
        f"{BK}x-plan-goal-1",
        f"{BK}x-plan-goal-2",
        f"{BK}x-own",
        f"{BK}x-plan-adoption-1",
    }
    with pytest.raises(PlainError, match="both named"):
        read(
            "id: x-plan\nkind: temaplan\nmunicipality: 4601\ngoals: [{label: A, id: x-plan}]\n",
            source="x.yaml",
            syntax="yaml",
            register=register,
        )


def test_yaml_no_stays_text_and_numbers_keep_how_they_were_written(register: Register) -> None:
    result = read(
        "kind: temaplan\ntitle: no\ngoals: [{label: Mål, sdgs: [17.10, 11.2]}]\n",
        source="x.yaml",
        syntax="yaml",
        register=register,
    )
    objects = {str(t.object) for t in result.triples}
    assert '"no"@nb' in objects
    assert "<http://metadata.un.org/sdg/17.10>" in objects
    assert "<http://metadata.un.org/sdg/17.1>" not in objects


def test_a_document_with_a_context_is_still_json_ld() -> None:
    submission = read_file(EXAMPLES / "mistakes" / "dates-written-as-text.json")
    dates = {t.object.value for t in submission.triples if t.predicate.value == PG + "date"}
    assert dates == {"18.06.2025"}  # JSON-LD states what it says; the shapes judge it (STR)


def test_a_plain_plans_problems_come_out_as_one_submission_error(register: Register) -> None:
    data = (HERE / "malformed" / "the-issue.yaml").read_bytes()
    with pytest.raises(SubmissionError) as caught:
        parse(data, name="plan.yaml", register=register)
    error = caught.value
    assert error.status == 400
    assert (error.line, error.column) == (6, 9)
    assert len(error.problems) == 5
    assert "(and 4 more problems)" in error.message
    lines = str(error).splitlines()
    assert lines[2] == "plan.yaml:8:1: `adoptedBy`: unknown key; did you mean `adopted.by`?"


# -- a planner's words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "word", "code"),
    [
        ("lifecycle-status", "under arbeid", "under-work"),
        ("lifecycle-status", "Under Arbeid", "under-work"),
        ("lifecycle-status", "på høring", "consultation"),
        ("lifecycle-status", "PÅ HØRING", "consultation"),
        ("lifecycle-status", "vedtatt", "current"),
        ("lifecycle-status", "gjeldende", "current"),
        ("lifecycle-status", "in preparation", "under-work"),
        ("lifecycle-status", "under-work", "under-work"),
        ("measure-status", "pågår", "in-progress"),
        ("measure-status", "planlagt", "not-started"),
        ("measure-status", "fullført", "completed"),
        ("measure-status", "utsatt", "delayed"),
        ("measure-status", "ikke startet", "not-started"),
        ("measure-status", "In progress", "in-progress"),
        ("assessment-outcome", "videreført", "continued"),
        ("assessment-outcome", "rulleres", "revised"),
        ("assessment-outcome", "utgår", "discontinued"),
        ("goal-scope", "byen", "community"),
        ("goal-scope", "kommunen", "organisation"),
        ("plan-kind", "temaplan", "theme-plan"),
        ("plan-kind", "Handlings- og økonomiplan", "action-and-economic-plan"),
        ("plan-kind", "HØP", "action-and-economic-plan"),
        ("plan-kind", "KPS", "social-part"),
        ("plan-kind", "planstrategi", "planning-strategy"),
        ("plan-kind", "action plan", "action-plan"),
    ],
)
def test_planners_words_name_the_code_lists_concepts(choice: str, word: str, code: str) -> None:
    iri = words.choices()[choice].lookup(word)
    assert iri is not None and iri.endswith("/" + code)


def test_every_extra_word_names_a_concept_of_its_scheme() -> None:
    for scheme, extra in EXTRA_WORDS.items():
        choice = words.choices()[scheme]
        codes = {choice.code(iri) for iri, _, _ in choice.entries}
        assert set(extra) <= codes, f"{scheme}: {set(extra) - codes}"
        for code, (nb, en) in extra.items():
            for word in (*nb, *en):
                assert choice.code(choice.lookup(word) or "") == code, word


def test_every_plan_kind_word_gives_its_class_and_kind(register: Register) -> None:
    classes = words.plan_classes()
    for iri, nb, en in words.choices()["plan-kind"].entries:
        for word in (*nb, *en):
            result = read(f"kind: {word}\n", source="x.yaml", syntax="yaml", register=register)
            stated = {(t.predicate.value, t.object.value) for t in result.triples}
            assert stated == {
                (PG + "planKind", iri),
                ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", classes[iri]),
            }, word
    with pytest.raises(PlainError, match="is not a plan kind"):
        read("kind: tematisk plan\n", source="x.yaml", syntax="yaml", register=register)


@pytest.mark.parametrize(
    ("text", "partial", "expected"),
    [
        ("2025-06-18", False, ("2025-06-18", "date")),
        ("18.06.2025", False, ("2025-06-18", "date")),
        ("1.2.2025", False, ("2025-02-01", "date")),
        ("29.02.2024", False, ("2024-02-29", "date")),
        ("29.02.2025", False, None),
        ("2025-13-01", False, None),
        ("3. mars 2025", False, None),
        ("18/06/2025", False, None),
        ("2025-03", False, None),
        ("2025-03", True, ("2025-03", "gYearMonth")),
        ("03.2025", True, ("2025-03", "gYearMonth")),
        ("13.2025", True, None),
        ("2025", True, ("2025", "gYear")),
        ("mars 2025", True, None),
    ],
)
def test_dates_are_iso_or_norwegian_and_nothing_else(
    text: str, partial: bool, expected: tuple[str, str] | None
) -> None:
    found = parse_date(text, partial=partial)
    if expected is None:
        assert found is None
    else:
        assert found == (expected[0], "http://www.w3.org/2001/XMLSchema#" + expected[1])


# -- the same meaning as the Turtle form ------------------------------------------------------


def _graph(triples: tuple[ox.Triple, ...], unnamed: tuple[str, ...]) -> rdflib.Graph:
    """The triples with the example's own nodes (and blank nodes) unnamed, to compare shapes."""
    graph = rdflib.Graph()

    def term(node: Any) -> Any:
        if isinstance(node, ox.NamedNode) and node.value.startswith(unnamed):
            return rdflib.BNode(node.value.replace(":", "_").replace("/", "_"))
        return to_rdflib(node)

    for t in triples:
        graph.add((term(t.subject), to_rdflib(t.predicate), term(t.object)))
    return graph


PAIRS = [p for p in PLAIN if p.with_suffix(".ttl").exists()]


def test_every_plan_kind_has_a_plain_example() -> None:
    kinds = {
        "planning-strategy", "master-plan", "social-part", "land-use-part", "sub-plan",
        "action-and-economic-plan", "briefing", "strategy", "theme-plan", "action-plan",
    }  # fmt: skip
    assert kinds <= {p.stem for p in PAIRS}


@pytest.mark.parametrize("file", PAIRS, ids=lambda p: p.name)
def test_a_plain_example_is_the_same_plan_as_its_turtle_form(
    file: Path, register: Register
) -> None:
    plain = read_file(file, register=register)
    turtle = read_file(file.with_suffix(".ttl"), register=register)
    unnamed = (BK + "example-sub-", "urn:plangraph:blank:")
    a, b = _graph(plain.triples, unnamed), _graph(turtle.triples, unnamed)
    if not isomorphic(a, b):
        _, only_plain, only_turtle = graph_diff(to_isomorphic(a), to_isomorphic(b))
        pytest.fail(f"plain only: {sorted(only_plain)}\nturtle only: {sorted(only_turtle)}")
    assert rows(validate([plain], register=register), plain) == rows(
        validate([turtle], register=register), turtle
    )
    # No IRI and no English code in the plain form.
    text = file.read_text("utf-8")
    assert "http" not in text.replace("https://w3id.org/plangraph/schema/plan.json", "")
    assert not any(f"{p}:" in text for p in ("bk", "src", "pgms", "pgstatus", "sdg"))


def rows(report: Any, submission: Any) -> list[tuple[str, str, str, str | None]]:
    """Findings as (rule, shape, focus, value), the focus shown as "plan" or as its class (its
    name may differ between the two forms)."""
    types = {
        t.subject.value: t.object.value
        for t in submission.triples
        if t.predicate.value.endswith("#type") and isinstance(t.subject, ox.NamedNode)
    }
    plans = {t.subject.value for t in submission.triples if t.predicate.value == PG + "planKind"}
    found = []
    for f in report.findings:
        focus = "plan" if f.focus.value in plans else types.get(f.focus.value, "?")
        value = f.value.value if f.value is not None else None
        found.append((f.rule, f.shape.rsplit("#", 1)[1], focus, value))
    return sorted(found, key=str)


@pytest.mark.parametrize("file", TWINS, ids=lambda p: p.stem)
def test_a_plain_mistake_gets_the_findings_of_its_turtle_form(
    file: Path, register: Register
) -> None:
    twin = EXAMPLES / "mistakes" / (file.stem + ".ttl")
    plain = read_file(file, register=register)
    turtle = read_file(twin, register=register)
    found = rows(validate([plain], register=register), plain)
    assert found == rows(validate([turtle], register=register), turtle)
    assert found
