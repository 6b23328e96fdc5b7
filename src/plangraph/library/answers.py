"""Running a named query: its parameters bound, its rows in a set order, its IRIs labelled.

Queries run on the union of all graphs, the inferred graph included (see
:mod:`plangraph.reasoning`), so they use class and property hierarchies, inverses and
transitive properties without property paths. They return resources; labels (in the language
asked for, with a fallback to the other) are looked up afterwards, in one query, for the table,
HTML and CSV views. :func:`execute` does all of it and gives an :class:`Answer`, which the CLI
and the web show as a table, JSON or CSV.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias

import pyoxigraph as ox

from plangraph.backend import Backend
from plangraph.data import datasets
from plangraph.lang import DEFAULT, LANGUAGES, Lang
from plangraph.library.named_query import (
    NamedQuery,
    ParameterError,
    QueryFormatError,
    Term,
    bind_terms,
)
from plangraph.library.rows import Row, sorted_rows
from plangraph.namespaces import compact
from plangraph.store import PlanStore

__all__ = [
    "EXAMPLES_NOTE",
    "Answer",
    "Result",
    "Runner",
    "backend_runner",
    "examples_query",
    "execute",
    "holds_examples",
    "labels",
    "local_runner",
]

Runner: TypeAlias = Callable[[str], "Result"]
"""Runs a SELECT query on the union of the store's graphs."""

_XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Result:
    """The solutions of a SELECT query: its variables and its rows of terms (None: unbound)."""

    variables: tuple[str, ...]
    rows: tuple[Row, ...]

    @classmethod
    def of(cls, solutions: ox.QuerySolutions) -> Result:
        variables = tuple(v.value for v in solutions.variables)
        rows = []
        for solution in solutions:
            row: list[Term | None] = []
            for name in variables:
                value = solution[name]
                if value is not None and not isinstance(
                    value, (ox.NamedNode, ox.BlankNode, ox.Literal)
                ):
                    raise TypeError(f"unexpected term in a result: {value!r}")
                row.append(value)
            rows.append(tuple(row))
        return cls(variables, tuple(rows))

    def sorted(self) -> Result:
        """The same solutions, the rows in plangraph's order (:func:`sorted_rows`)."""
        return Result(self.variables, sorted_rows(self.rows))

    @classmethod
    def from_json(cls, body: bytes) -> Result:
        """Read SPARQL JSON results (as the endpoint's workers send them)."""
        parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if not isinstance(parsed, ox.QuerySolutions):
            raise TypeError("expected SELECT results")
        return cls.of(parsed)


def local_runner(store: PlanStore) -> Runner:
    """Run queries on ``store`` directly, on the union of its graphs."""

    def run(text: str) -> Result:
        solutions = store.raw.query(text, use_default_graph_as_union=True)
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryFormatError("a named query must be a SELECT query")
        return Result.of(solutions)

    return run


def backend_runner(backend: Backend) -> Runner:
    """Run queries on a backend (embedded or remote), on the union of its graphs."""

    def run(text: str) -> Result:
        solutions = backend.query(text, union=True)
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryFormatError("a named query must be a SELECT query")
        return Result.of(solutions)

    return run


_LABEL_PROPERTIES: Final = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2004/02/skos/core#notation",
    "http://data.europa.eu/eli/ontology#id_local",
)


def labels(iris: Iterable[str], lang: Lang, run: Runner) -> dict[str, str]:
    """A label for each IRI: in ``lang`` first, then in the other language, then one without a
    language, by property (``skos:prefLabel``, ``rdfs:label``, ``dct:title``, ``skos:notation``);
    IRIs without one are left out."""
    wanted = sorted(set(iris))
    if not wanted:
        return {}
    found: dict[str, tuple[tuple[int, int], str]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        values = " ".join(str(ox.NamedNode(iri)) for iri in chunk)
        properties = ", ".join(f"<{p}>" for p in _LABEL_PROPERTIES)
        # One VALUES and a FILTER: pyoxigraph looks up each IRI's triples (a second VALUES for
        # the properties made it scan every label of the store).
        result = run(
            f"SELECT ?x ?p ?label WHERE {{ VALUES ?x {{ {values} }} ?x ?p ?label "
            f"FILTER(?p IN ({properties}) && isLiteral(?label)) }}"
        )
        for x, p, label in result.rows:
            if not isinstance(x, ox.NamedNode) or not isinstance(label, ox.Literal):
                continue
            assert isinstance(p, ox.NamedNode)
            language = label.language or ""
            if language == lang:
                preference = 0
            elif language == lang.other:
                preference = 1
            elif not language:
                preference = 5
            else:
                preference = 9
            rank = (preference, _LABEL_PROPERTIES.index(p.value))
            if x.value not in found or rank < found[x.value][0]:
                found[x.value] = (rank, label.value)
    return {iri: label for iri, (_, label) in found.items()}


# ---------------------------------------------------------------------------------------------
# Running a named query, and its answer in the forms the CLI and the web serve
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A named query's answer: the query, the parameters it ran with, its result, labels."""

    query: NamedQuery
    parameters: Mapping[str, str]
    lang: Lang
    result: Result
    labels: Mapping[str, str] = field(default_factory=dict)
    sparql: str = ""
    includes_examples: bool = False
    """Whether the store it was read from holds the illustrative examples (made-up data loaded
    with ``--with-examples``), so that the answer may count or show them."""

    @property
    def examples_note(self) -> str | None:
        """What to tell a reader of an answer from a store with the illustrative examples."""
        if not self.includes_examples:
            return None
        return EXAMPLES_NOTE[self.lang]

    def cell(self, term: Term | None) -> dict[str, str] | None:
        """One value as the JSON answer gives it."""
        if term is None:
            return None
        if isinstance(term, ox.NamedNode):
            shown = {"type": "iri", "value": term.value}
            label = self.labels.get(term.value)
            shown["label"] = label if label is not None else compact(term.value)
            return shown
        if isinstance(term, ox.BlankNode):
            return {"type": "bnode", "value": term.value, "label": "_:" + term.value}
        shown = {"type": "literal", "value": term.value}
        if term.language:
            shown["lang"] = term.language
        elif term.datatype.value != _XSD + "string":
            shown["datatype"] = term.datatype.value
        return shown

    def shown(self, term: Term | None) -> str:
        """One value as a person reads it: a label, or the literal's value."""
        if term is None:
            return ""
        if isinstance(term, ox.NamedNode):
            return self.labels.get(term.value) or compact(term.value)
        if isinstance(term, ox.BlankNode):
            return "_:" + term.value
        return term.value

    def to_json(self) -> dict[str, Any]:
        """The answer as plain JSON data: what the HTML page renders, and the ``.json`` twin."""
        return {
            "query": self.query.name,
            "title": self.query.title_in(self.lang),
            "description": self.query.description_in(self.lang),
            "lang": self.lang,
            "parameters": dict(self.parameters),
            "columns": list(self.result.variables),
            "rows": [
                {
                    name: self.cell(term)
                    for name, term in zip(self.result.variables, row, strict=True)
                }
                for row in self.result.rows
            ],
            "sparql": self.sparql,
            "includesExamples": self.includes_examples,
            "note": self.examples_note,
        }

    def to_csv(self) -> str:
        """The answer as CSV: one column per variable (IRIs in full, literals by value) and,
        after each column that holds IRIs, its labels (``name_label``). Every cell goes through
        :func:`spreadsheet_safe`: this CSV is for people who open it in a spreadsheet."""
        columns = self.result.variables
        with_labels = [
            any(isinstance(row[i], ox.NamedNode) for row in self.result.rows)
            for i in range(len(columns))
        ]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        header: list[str] = []
        for name, labelled in zip(columns, with_labels, strict=True):
            header.append(name)
            if labelled:
                header.append(name + "_label")
        writer.writerow(header)
        for row in self.result.rows:
            cells: list[str] = []
            for term, labelled in zip(row, with_labels, strict=True):
                cells.append(_value(term))
                if labelled:
                    cells.append(self.shown(term) if isinstance(term, ox.NamedNode) else "")
            writer.writerow([spreadsheet_safe(cell) for cell in cells])
        return out.getvalue()

    def table(self) -> list[list[str]]:
        """The rows as a person reads them."""
        return [[self.shown(term) for term in row] for row in self.result.rows]


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula (CSV injection, as
    OWASP describes it): a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a ``'`` in front. A number (``-12.5``) is left as it is: it runs nothing."""
    if cell.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


EXAMPLES_NOTE: Final = {
    Lang.nb: "Dette lageret har også de illustrerende eksemplene (lastet med --with-examples): "
    "oppdiktede tiltak, statusrapporter og indikatorer. Svaret kan telle eller vise dem; de er "
    "ikke fakta om Bergen.",
    Lang.en: "This store also holds the illustrative examples (loaded with --with-examples): "
    "made-up measures, status reports and indicators. The answer may count or show them; they "
    "are not facts about Bergen.",
}


def examples_query() -> str:
    """A SELECT with a row if the store holds any graph of the illustrative examples."""
    graphs = " ".join(str(ox.NamedNode(g)) for g, _ in datasets.examples_dataset().graphs())
    return f"SELECT ?g WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 1"


def holds_examples(run: Runner) -> bool:
    """Whether the store ``run`` reads holds any graph of the illustrative examples."""
    return bool(run(examples_query()).rows)


def execute(
    query: NamedQuery,
    values: Mapping[str, str],
    run: Runner,
    lang: Lang = DEFAULT,
    examples: Callable[[], bool] | None = None,
) -> Answer:
    """Run ``query`` with ``values`` for its parameters (ParameterError if they do not fit),
    sort its rows if it does not order them itself, then look up the labels, in ``lang``, of
    the IRIs in its result, and whether the store holds the illustrative examples (asked with
    ``run``, unless ``examples`` knows: a server keeps the answer per store generation)."""
    if lang not in LANGUAGES:  # a face may hand on what a user typed
        raise ParameterError(f"lang={lang!r}: labels are in {' or '.join(LANGUAGES)}")
    lang = Lang(lang)
    terms = query.terms(values)
    text = bind_terms(query.text, terms)
    result = run(text)
    if not query.ordered:
        result = result.sorted()
    iris = {t.value for row in result.rows for t in row if isinstance(t, ox.NamedNode)}
    return Answer(
        query,
        {name: _value(term) for name, term in terms.items()},
        lang,
        result,
        labels(iris, lang, run),
        text,
        examples() if examples is not None else holds_examples(run),
    )
