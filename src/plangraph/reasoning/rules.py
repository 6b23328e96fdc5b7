"""The OWL 2 RL rules applied to the facts: column operations over frames of triples.

:mod:`plangraph.reasoning.program` compiles the ontology into a :class:`Program` of templates;
this module reads the facts and applies the program to them, as joins over frames (polars)
rather than Python loops over sets of tuples: compiled, on every core, and without the GIL, so
that other work (counting the graphs, writing the conclusions) runs beside it
(``benchmarks/README.md`` has the figures). Every term is its N-Triples form (``<iri>``,
``"text"@nb``, ``_:label``), as ``str()`` of a pyoxigraph term gives it, so a term read from a
file and the same term read from the store are equal.

A frame of triples (:data:`Facts`) has three columns ``s``, ``p``, ``o``; a frame of pairs, the
triples of one predicate, has ``s`` and ``o``. The columns are strings as read, and categories
(:func:`encoded`: each distinct term a number) for the rules, which then compare numbers.

:func:`prepare` turns a program into :class:`Rules` (its templates as tables, built once);
:func:`run` applies them: the single-premise rules (:func:`conclude`), then the multi-premise
ones, ``prp-trp`` (transitive properties) and ``prp-spo2`` (property chains), to a fixpoint,
semi-naively (each round joins only what the last one added). :func:`check` runs the
consistency checks.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeAlias

import polars as pl
import pyoxigraph as ox

from plangraph.reasoning.program import TYPE, Program, Schema, Template
from plangraph.store import LoadError, PlanStore, rdf_format

__all__ = [
    "Facts",
    "Finding",
    "Rules",
    "check",
    "conclude",
    "encoded",
    "facts_of",
    "lines",
    "new_conclusions",
    "prepare",
    "read_file",
    "read_store",
    "run",
    "transitive_closure",
]

Facts: TypeAlias = pl.DataFrame
"""Triples: columns ``s``, ``p``, ``o`` of terms in N-Triples form (strings or categories)."""

_SCHEMA: Final = {"s": pl.String, "p": pl.String, "o": pl.String}
_NOTHING: Final = "<http://www.w3.org/2002/07/owl#Nothing>"
_XSD_STRING: Final = "^^<http://www.w3.org/2001/XMLSchema#string>"
_S, _P, _O = pl.col("s"), pl.col("p"), pl.col("o")


@dataclass(frozen=True)
class Finding:
    """What a check found about one resource.

    ``rule`` is the OWL 2 RL rule (``cax-dw``, ``prp-fp`` …); ``inconsistent`` whether it makes
    the data inconsistent (``prp-fp`` and ``prp-ifp`` conclude ``owl:sameAs`` instead, which
    plangraph reports as a data error); ``resource`` is in N-Triples form; ``terms`` are the
    classes or properties involved, as IRIs.
    """

    rule: str
    inconsistent: bool
    resource: str
    terms: tuple[str, ...]
    message: str


def facts_of(rows: Iterable[tuple[str, str, str]]) -> Facts:
    """A frame of triples from (subject, predicate, object) strings."""
    return pl.DataFrame(list(rows), schema=_SCHEMA, orient="row")


def encoded(facts: Facts) -> Facts:
    """``facts`` with its terms as categories: each distinct term a number, in a dictionary of
    this frame's own (frames derived from it share it). Joins and de-duplication then compare
    numbers, not strings, which is faster. A term is still read, compared with a string and
    written as its N-Triples form."""
    return facts.cast(pl.Categorical(pl.Categories.random()))


def _no_facts(terms: pl.DataType) -> Facts:
    return pl.DataFrame(schema={"s": terms, "p": terms, "o": terms})


def _no_pairs(terms: pl.DataType) -> pl.DataFrame:
    return pl.DataFrame(schema={"s": terms, "o": terms})


def _starts_with(frame: pl.DataFrame, column: str, prefix: str) -> pl.Expr:
    """Whether the terms of ``column`` start with ``prefix`` (as strings or as categories)."""
    if isinstance(frame.schema[column], pl.Categorical):
        return pl.col(column).cat.starts_with(prefix)
    return pl.col(column).str.starts_with(prefix)


def _not_about_a_literal(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(~_starts_with(frame, "s", '"'))


# ---------------------------------------------------------------------------------------------
# Reading the facts
# ---------------------------------------------------------------------------------------------


def read_store(store: PlanStore, graph: ox.NamedNode | ox.DefaultGraph, keep: set[str]) -> Facts:
    """The triples of ``graph`` whose predicate is in ``keep``, from the store."""
    rows: list[tuple[str, str, str]] = []
    for predicate in sorted(keep):
        node = ox.NamedNode(predicate[1:-1])
        rows += [
            (str(q.subject), predicate, str(q.object))
            for q in store.raw.quads_for_pattern(None, node, None, graph)
        ]
    return facts_of(rows)


def read_file(path: Path, keep: set[str]) -> tuple[Facts, int] | None:
    """The triples of a file whose predicate is in ``keep``, and how many triples the file
    holds in all; None if the file cannot stand for its graph: blank nodes (whose labels the
    store does not keep), or a file that does not read. The caller compares the count with
    the graph's: a graph changed since it was loaded has another."""
    try:
        if rdf_format(path) == ox.RdfFormat.N_TRIPLES:
            return _read_ntriples(path, keep)
        rows: list[tuple[str, str, str]] = []
        count = 0
        for triple in ox.parse(path=path, format=rdf_format(path)):
            count += 1
            subject, predicate, obj = triple.subject, str(triple.predicate), triple.object
            if predicate not in keep:
                continue
            if isinstance(subject, ox.BlankNode) or isinstance(obj, ox.BlankNode):
                return None
            rows.append((str(subject), predicate, str(obj)))
    except (SyntaxError, OSError, ValueError, LoadError, pl.exceptions.PolarsError):
        return None
    return facts_of(rows), count


def _read_ntriples(path: Path, keep: set[str]) -> tuple[Facts, int] | None:
    """N-Triples, split into terms by polars: a line in the plain form pyoxigraph writes
    (``<s> <p> o .``, one space apart, no escape sequence, and a literal with no control
    character, no upper-case language tag and no explicit ``xsd:string``) is split as it is;
    any other line goes through pyoxigraph's parser, so that every term comes out in the
    store's canonical form. A plain line is one triple (the file is the one the graph was
    loaded from: its checksum was checked), so only the other lines are parsed to count."""
    lines = pl.read_csv(
        path,
        has_header=False,
        separator="\x00",  # no separator: one column, the line (a NUL in a line fails the read)
        quote_char=None,
        schema={"line": pl.String},
    ).filter(pl.col("line").is_not_null())
    line = pl.col("line")
    plain = (
        line.str.starts_with("<")
        & line.str.ends_with(" .")
        & ~line.str.contains("\\", literal=True)
    )
    terms = (
        lines.filter(plain)
        .select("line", line.str.splitn(" ", 3).struct.rename_fields(["s", "p", "rest"]).alias("t"))
        .unnest("t")
        .with_columns(o=pl.col("rest").str.head(-2))
    )
    shaped = _S.str.ends_with(">") & _P.str.starts_with("<") & _P.str.ends_with(">")
    literal = _O.str.starts_with('"')
    literals = terms.filter(shaped & literal)
    odd_literal = (
        _O.str.contains(r"[\x00-\x1f\x7f]")
        | _O.str.ends_with(_XSD_STRING)
        | _O.str.contains(r'"@[^"]*[A-Z][^"]*$')  # a plain line's literal has no inner quote
    )
    canonical = pl.concat([terms.filter(shaped & ~literal), literals.filter(~odd_literal)])
    kept = canonical.filter(_P.is_in(list(keep))).select("s", "p", "o")
    if kept.select(_O.str.starts_with("_:").any()).item():
        return None
    count = canonical.height
    rows: list[tuple[str, str, str]] = []
    others = [terms.filter(~shaped), literals.filter(odd_literal), lines.filter(~plain)]
    for text in pl.concat([frame.select("line") for frame in others])["line"]:
        for triple in ox.parse(text, ox.RdfFormat.N_TRIPLES):
            count += 1
            if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
                return None
            name = str(triple.predicate)
            if name in keep:
                rows.append((str(triple.subject), name, str(triple.object)))
    return (pl.concat([kept, facts_of(rows)]) if rows else kept), count


# ---------------------------------------------------------------------------------------------
# Single-premise rules: the templates, joined to the facts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """A program ready to apply: its templates as tables (:func:`prepare`), made once for all
    the rounds of :func:`run`."""

    program: Program
    tables: Mapping[str, pl.DataFrame]


def prepare(program: Program) -> Rules:
    """The program's templates as tables to join the facts with, one row a template.

    ``ss``/``os`` say where a conclusion's subject and object come from: 0 the fact's subject,
    1 its object, null the constant ``sc``/``oc``; ``q`` is the conclusion's predicate. The
    templates of ``?x P ?y`` (key ``p``) are split by what they take from the fact, so that
    each joins only what it needs, de-duplicated first: a domain's ``?x a C`` needs only the
    distinct subjects of ``P``, a range's only its distinct objects (which, for a property
    such as ``dct:source``, are a handful among half a million facts). The templates of
    ``?x a C`` and of an ``owl:hasValue`` value are keyed by ``p`` and ``o``; those of a value
    in the subject by ``p`` and ``s``."""

    def row(key: tuple[str, ...], template: Template) -> tuple[str | int | None, ...]:
        s_slot, q, o_slot = template
        return (
            *key,
            s_slot if isinstance(s_slot, int) else None,
            s_slot if isinstance(s_slot, str) else None,
            q,
            o_slot if isinstance(o_slot, int) else None,
            o_slot if isinstance(o_slot, str) else None,
        )

    slots = {"ss": pl.Int8, "sc": pl.String, "q": pl.String, "os": pl.Int8, "oc": pl.String}
    by_p = pl.DataFrame(
        [row((p,), t) for p, ts in program.by_property.items() if p != TYPE for t in ts],
        schema={"p": pl.String, **slots},
        orient="row",
    )

    def by_value_rows(
        table: dict[str, dict[str, list[Template]]],
    ) -> list[tuple[str | int | None, ...]]:
        return [
            row((p, v), t)
            for p, values in table.items()
            if p != TYPE
            for v, ts in values.items()
            for t in ts
        ]

    by_po = [row((TYPE, c), t) for c, ts in program.by_class.items() for t in ts]
    by_po += by_value_rows(program.by_object)
    by_ps = by_value_rows(program.by_subject)
    ss, os = pl.col("ss"), pl.col("os")
    by_value = pl.DataFrame(by_po, schema={"p": pl.String, "o": pl.String, **slots}, orient="row")
    by_subject = pl.DataFrame(by_ps, schema={"p": pl.String, "s": pl.String, **slots}, orient="row")
    variable = ss.is_not_null() | os.is_not_null()
    tables = {
        "pairs": by_p.filter(ss.is_not_null() & os.is_not_null()),
        "subject from subject": by_p.filter((ss == 0) & os.is_null()).select("p", "q", "oc"),
        "subject from object": by_p.filter((ss == 1) & os.is_null()).select("p", "q", "oc"),
        "object from subject": by_p.filter(ss.is_null() & (os == 0)).select("p", "sc", "q"),
        "object from object": by_p.filter(ss.is_null() & (os == 1)).select("p", "sc", "q"),
        "constant": by_p.filter(ss.is_null() & os.is_null()).select("p", "sc", "q", "oc"),
        "value": by_value.filter(variable),
        "value, constant": by_value.filter(~variable).select("p", "o", "sc", "q", "oc"),
        "subject value": by_subject.filter(variable),
        "subject value, constant": by_subject.filter(~variable).select("p", "s", "sc", "q", "oc"),
    }
    return Rules(program, tables)


def _slot(index: str, constant: str) -> pl.Expr:
    column = pl.col(index)
    return pl.when(column == 0).then(_S).when(column == 1).then(_O).otherwise(pl.col(constant))


def conclude(rules: Rules, facts: Facts) -> Facts:
    """The single-premise conclusions of ``facts``, each once (facts not excluded)."""
    terms = facts.schema["s"]
    t = {
        name: table.with_columns(pl.col(pl.String).cast(terms)).lazy()
        for name, table in rules.tables.items()
    }
    every = facts.lazy()
    subjects = every.select("p", "s").unique()
    objects = every.select("p", "o").unique()
    predicates = every.select("p").unique()
    general = {"s": _slot("ss", "sc"), "p": pl.col("q"), "o": _slot("os", "oc")}
    constant = {"s": pl.col("sc"), "p": pl.col("q"), "o": pl.col("oc")}
    found = [
        every.join(t["pairs"], on="p").select(**general),
        subjects.join(t["subject from subject"], on="p").select("s", p="q", o="oc"),
        objects.join(t["subject from object"], on="p").select(s="o", p="q", o="oc"),
        subjects.join(t["object from subject"], on="p").select(s="sc", p="q", o="s"),
        objects.join(t["object from object"], on="p").select(s="sc", p="q", o="o"),
        predicates.join(t["constant"], on="p").select(**constant),
        every.join(t["value"], on=["p", "o"]).select(**general),
        objects.join(t["value, constant"], on=["p", "o"]).select(**constant),
        every.join(t["subject value"], on=["p", "s"]).select(**general),
        subjects.join(t["subject value, constant"], on=["p", "s"]).select(**constant),
    ]
    return pl.concat(found).unique().collect()


# ---------------------------------------------------------------------------------------------
# Multi-premise rules: transitive properties and property chains, to a fixpoint
# ---------------------------------------------------------------------------------------------


def transitive_closure(edges: pl.DataFrame) -> pl.DataFrame:
    """Every (a, c) with a path from a to c over ``edges`` (pairs ``s``, ``o``): semi-naive,
    each round extending only the paths the last one found by one edge, until none is new.
    There are as many rounds as the longest path has edges; joining the new paths to all paths
    instead, to double their length each round, was slower (``benchmarks/README.md``)."""
    edges = edges.select("s", "o").unique()
    closure = delta = edges
    while delta.height:
        longer = delta.join(edges, left_on="o", right_on="s").select("s", o="o_right").unique()
        delta = longer.join(closure, on=["s", "o"], how="anti")
        closure = pl.concat([closure, delta])
    return closure


def _by_predicate(facts: Facts, wanted: Iterable[str]) -> dict[str, pl.DataFrame]:
    """The pairs of each predicate in ``wanted`` that ``facts`` has."""
    chosen = facts.filter(_P.is_in(list(wanted)))
    return {
        str(key[0]): frame.select("s", "o")
        for key, frame in chosen.partition_by("p", as_dict=True).items()
    }


def _chain(
    head: str,
    body: Sequence[str],
    delta: dict[str, pl.DataFrame],
    known: dict[str, pl.DataFrame],
    old: dict[str, pl.DataFrame],
    terms: pl.DataType,
) -> list[pl.DataFrame]:
    """This round's pairs of ``head`` by the chain ``body``. Semi-naive: link i from this
    round's delta, the links before it from what was known before the round, the links after
    it from everything. Each combination is then found once; in the first round only link 0
    contributes."""
    found = []
    for i, link in enumerate(body):
        start = delta.get(link)
        if start is None or not start.height:
            continue
        before = [old.get(b, _no_pairs(terms)) for b in reversed(body[:i])]
        if any(not frame.height for frame in before):
            continue  # a link before has nothing older than this round
        path = start.select(a="s", b="o")
        for after in body[i + 1 :]:
            path = path.join(known.get(after, _no_pairs(terms)), left_on="b", right_on="s").select(
                "a", b="o"
            )
        for frame in before:
            path = path.join(frame, left_on="a", right_on="o").select(a="s", b="b")
        found.append(path.select(s="a", p=pl.lit(head, dtype=terms), o="b"))
    return found


def _unseen(facts: Facts, seen: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Per predicate, the distinct pairs of ``facts`` that ``seen`` does not have."""
    return {
        p: pairs.unique().join(seen[p], on=["s", "o"], how="anti") if p in seen else pairs.unique()
        for p, pairs in _by_predicate(facts, facts["p"].unique()).items()
    }


def _triples(by_predicate: dict[str, pl.DataFrame], terms: pl.DataType) -> Facts:
    frames = [
        pairs.select("s", p=pl.lit(p, dtype=terms), o="o") for p, pairs in by_predicate.items()
    ]
    return pl.concat(frames) if frames else _no_facts(terms)


def run(rules: Rules, asserted: Facts) -> Facts:
    """Every conclusion of the rules from ``asserted``, each once (some may be asserted too):
    the single-premise conclusions of the asserted facts, then each round's new ones. Each
    round's new triples go through the single-premise rules again, since a chain's conclusion
    has super-properties, domains and ranges, and those can feed another chain."""
    program = rules.program
    terms = asserted.schema["s"]
    first = conclude(rules, asserted)
    rounds = [first]
    multi = program.multi_premise
    # What each round's conclusions are new against, per predicate: for the properties of the
    # multi-premise rules, everything known (asserted or concluded), which the rules join; for
    # the others, what was concluded (the writer leaves out what the inputs state).
    seen = _by_predicate(first, set(first["p"].unique()) - multi)
    known = {
        p: pairs.unique() for p, pairs in _by_predicate(pl.concat([asserted, first]), multi).items()
    }
    seen.update(known)
    delta = dict(known)  # everything is new to the first round
    old: dict[str, pl.DataFrame] = {}  # what was known before the round: known minus delta
    transitive = program.transitive
    from_chain = {head for head, _ in program.chains}
    reclose = set(transitive)
    while any(frame.height for frame in delta.values()) or reclose:
        candidates: list[pl.DataFrame] = [
            # new edges from elsewhere: close again (cheaper than joining round by round)
            transitive_closure(seen.get(p, _no_pairs(terms))).select(
                "s", p=pl.lit(p, dtype=terms), o="o"
            )
            for p in sorted(reclose)
        ]
        for head, body in program.chains:
            candidates += _chain(head, body, delta, seen, old, terms)
        new = _unseen(pl.concat(candidates), seen) if candidates else {}
        concluded = {
            p: pairs.join(new[p], on=["s", "o"], how="anti") if p in new else pairs
            for p, pairs in _unseen(conclude(rules, _triples(new, terms)), seen).items()
        }
        closed, reclose = reclose, set()
        old = {p: seen[p] for p in multi if p in seen}
        delta = {}
        for p in new.keys() | concluded.keys():
            fresh = [f for f in (new.get(p), concluded.get(p)) if f is not None and f.height]
            if not fresh:
                continue
            seen[p] = pl.concat([seen.get(p, _no_pairs(terms)), *fresh])
            if p not in multi:
                continue
            delta[p] = pl.concat(fresh)
            if p in transitive and (
                (p in concluded and concluded[p].height) or p not in closed or p in from_chain
            ):
                reclose.add(p)
        found = pl.concat([_triples(new, terms), _triples(concluded, terms)])
        rounds.append(found)
    return pl.concat(rounds)


# ---------------------------------------------------------------------------------------------
# The conclusions as N-Triples
# ---------------------------------------------------------------------------------------------


def lines(facts: Facts) -> bytes:
    """``facts`` as N-Triples."""
    if not facts.height:
        return b""
    buffer = io.BytesIO()  # the terms and a full stop, a space apart, as they are
    facts.select("s", "p", "o", dot=pl.lit(".")).write_csv(
        buffer, include_header=False, separator=" ", quote_style="never"
    )
    return buffer.getvalue()


def new_conclusions(found: Facts, asserted: Facts) -> tuple[Facts, Facts]:
    """The conclusions in ``found`` that ``asserted`` does not state and that are not about a
    literal (RDF has no such triple): those without blank nodes, and those with."""
    fresh = _not_about_a_literal(found).join(asserted, on=["s", "p", "o"], how="anti")
    blank = _starts_with(fresh, "s", "_:") | _starts_with(fresh, "o", "_:")
    return fresh.filter(~blank), fresh.filter(blank)


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------


def check(schema: Schema, asserted: Facts, out: Facts) -> list[Finding]:
    """The consistency checks over the asserted and concluded facts: ``cax-dw`` (disjoint
    classes), ``cls-nothing2``, ``prp-irp``, ``prp-asyp`` and ``prp-pdw`` make the data
    inconsistent; ``prp-fp`` and ``prp-ifp`` (a functional property with two values) conclude
    ``owl:sameAs``. All are reported, none raised."""
    nothing = _NOTHING
    wanted = {str(c) for pair in schema.disjoint for c in pair} | {nothing}
    checked = _P.is_in([str(p) for p in schema.checked_properties]) | (
        (_P == TYPE) & _O.is_in(list(wanted))
    )
    relevant = pl.concat([asserted.filter(checked), out.filter(checked)]).unique()
    types = relevant.filter(_P == TYPE).select("s", "o")
    # Of the properties' pairs few are checked: as strings, to sort and to show.
    terms = pl.String()
    facts = _not_about_a_literal(relevant.filter(_P != TYPE).cast(terms))
    pairs = _by_predicate(facts, facts["p"].unique())

    def rows(p: object) -> list[tuple[str, str]]:
        frame = pairs.get(str(p), _no_pairs(terms))
        return list(zip(frame["s"], frame["o"], strict=True))

    # Members of two disjoint classes: the types joined to the pairs of classes, then to the
    # types again (numbers compared, not strings), and only the few found become strings.
    disjoint = pl.DataFrame(
        [(str(a), str(b)) for a, b in schema.disjoint],
        schema={"a": terms, "b": terms},
        orient="row",
    ).cast(types.schema["o"])
    both = _not_about_a_literal(
        types.join(disjoint, left_on="o", right_on="a")
        .join(types, left_on=["s", "b"], right_on=["s", "o"], how="semi")
        .select("s", a="o", b="b")
        .cast(terms)
    )
    members: dict[tuple[str, str], list[str]] = {}
    for resource, a, b in both.sort("s").iter_rows():
        members.setdefault((a, b), []).append(resource)
    nothing_members = _not_about_a_literal(types.filter(_O.eq(nothing)).cast(terms)).sort("s")

    findings: list[Finding] = []
    for a, b in sorted(schema.disjoint, key=str):
        for resource in members.get((str(a), str(b)), []):
            findings.append(
                Finding(
                    "cax-dw",
                    True,
                    resource,
                    (_iri(a), _iri(b)),
                    f"{resource} is both a {a} and a {b}, which are disjoint classes",
                )
            )
    for resource in nothing_members["s"]:
        findings.append(
            Finding("cls-nothing2", True, resource, (nothing[1:-1],), f"{resource} is a {nothing}")
        )
    for prop in sorted(schema.irreflexive, key=str):
        for s, o in sorted(rows(prop)):
            if s == o:
                findings.append(
                    Finding(
                        "prp-irp",
                        True,
                        s,
                        (prop.value,),
                        f"{s} is {prop} of itself, which the property does not allow",
                    )
                )
    for prop in sorted(schema.asymmetric, key=str):
        found = set(rows(prop))
        for s, o in sorted(found):
            if (o, s) in found and s < o:
                findings.append(
                    Finding(
                        "prp-asyp",
                        True,
                        s,
                        (prop.value,),
                        f"{s} and {o} are {prop} of each other, which the property does not allow",
                    )
                )
    for a, b in sorted(schema.disjoint_properties, key=str):
        for s, o in sorted(set(rows(a)) & set(rows(b))):
            findings.append(
                Finding(
                    "prp-pdw",
                    True,
                    s,
                    (a.value, b.value),
                    f"{s} links to {o} by both {a} and {b}, which are disjoint properties",
                )
            )
    for rule, props, key, value in (
        ("prp-fp", schema.functional, "s", "o"),
        ("prp-ifp", schema.inverse_functional, "o", "s"),
    ):
        for prop in sorted(props, key=str):
            # Distinct pairs (``relevant`` is de-duplicated): a count is a count of values.
            prop_pairs = pairs.get(str(prop), _no_pairs(terms))
            several = prop_pairs.group_by(key).len().filter(pl.col("len") > 1).select(key)
            values = (
                prop_pairs.join(several, on=key).group_by(key).agg(pl.col(value).sort()).sort(key)
            )
            for resource, all_values in values.iter_rows():
                shown = ", ".join(all_values)
                kind = "functional" if key == "s" else "inverse functional"
                findings.append(
                    Finding(
                        rule,
                        False,
                        resource,
                        (prop.value,),
                        f"{resource} has {len(all_values)} values for {prop}, which is "
                        f"{kind} ({shown}); OWL 2 RL would make them one resource "
                        "(owl:sameAs), which plangraph does not do",
                    )
                )
    return findings


def _iri(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)
