"""The analysts' question library: named SPARQL queries in ``queries/``, run with typed parameters.

A named query is a ``.rq`` file whose header is its API. The file name is the query's name, its
CLI name (``plangraph query NAME``) and its URL slug (``/queries/NAME``). The header is the run
of comment lines at the top of the file::

    # title@nb: Den røde tråden: fra tiltak til samfunnsmål
    # title@en: The red thread: from measures to community goals
    # description@nb: Hvert tiltak med …
    # description@en: Every measure with …
    #   (a line of "#" and two or more spaces continues the value above)
    # param: plan (iri, example bk:plan-skyfritt): The plan whose trail to show.
    # param: on (date, optional, example 2024-05-13): The date to count from; today if not given.
    # tags: red thread, measures

``title`` and ``description`` are required in ``nb`` and ``en``; the description is the
plain-language answer the query gives. A parameter has a name (a variable of the query), a type
(``iri``, ``date``, ``integer`` or ``string``), an example (used by the cookbook and by the
expected-results test), and may be ``optional``. Parameters are bound as RDF terms: a
``VALUES ?name { term }`` block is put first in the query's first ``WHERE { … }`` group, built
from a validated pyoxigraph term (whose ``str()`` is its N-Triples form), never from the user's
text. That group is the outermost one, unless the query writes its outer group without the
``WHERE`` keyword to have its parameters bound inside a sub-query (pyoxigraph evaluates a
sub-query, a ``UNION`` branch or a ``MINUS`` without the bindings from outside it).
An optional parameter that is not given is left unbound, so every query also runs as it stands
(in YASGUI, for instance): the decision trail of every plan, plans due as of today.

Answers come in a set order, so that one run can be compared with the next: the query's own
``ORDER BY``, or, for a query without one, plangraph's: rows sorted column by column, left to
right (unbound first, then blank nodes, IRIs, numbers, other literals). A query leaves out
``ORDER BY`` where the store would pay dearly for it: pyoxigraph compares terms by looking up
their text in the store at each comparison, which on the national register made ordering
100,000 rows cost more than finding them (``benchmarks/queries.py``); sorting the decoded rows
in Python costs a fraction of a second.

Queries run on the union of all graphs, the inferred graph included (see
:mod:`plangraph.reasoning`), so they use class and property hierarchies, inverses and transitive
properties without property paths. They return resources; labels (in ``nb`` or ``en``, with a
fallback to the other language) are looked up afterwards, in one query, for the table, HTML and
CSV views.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias

import pyoxigraph as ox

from plangraph import resources
from plangraph.namespaces import PREFIXES
from plangraph.store import PlanStore

__all__ = [
    "LANGUAGES",
    "Answer",
    "NamedQuery",
    "Parameter",
    "ParameterError",
    "QueryFormatError",
    "Result",
    "UnknownQuery",
    "catalogue",
    "compact",
    "cookbook",
    "execute",
    "get",
    "local_runner",
    "sorted_result",
]

LANGUAGES: Final = ("nb", "en")
ParamType: TypeAlias = Literal["iri", "date", "integer", "string"]
PARAM_TYPES: Final[tuple[ParamType, ...]] = ("iri", "date", "integer", "string")
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
Runner: TypeAlias = Callable[[str], "Result"]
"""Runs a SELECT query on the union of the store's graphs."""

_XSD = "http://www.w3.org/2001/XMLSchema#"
_HEADER = re.compile(r"#\s?([A-Za-z]+)(?:@([a-z]{2}))?:\s*(.*)")
_CONTINUATION = re.compile(r"#\s{2,}(\S.*)")
_PARAM = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\):\s*(.+)")
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# What may hide a "WHERE" or a "{" from a scanner: comments, strings, IRIs.
_SKIP = re.compile(
    r"""\#[^\n]*
    |'''(?:[^'\\]|\\.|'(?!''))*'''
    |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
    |'(?:[^'\\\n]|\\.)*'
    |"(?:[^"\\\n]|\\.)*"
    |<[^<>"{}|^`\\\x00-\x20]*>""",
    re.VERBOSE | re.DOTALL,
)
_WHERE = re.compile(r"(?<![\w:?$])WHERE\s*\{", re.IGNORECASE)
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


class QueryFormatError(ValueError):
    """A named query's file does not follow the header format."""


class UnknownQuery(LookupError):
    """No named query has that name."""


class ParameterError(ValueError):
    """A parameter is unknown, missing or not of its type."""


# ---------------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """A typed parameter of a named query."""

    name: str
    type: ParamType
    example: str
    description: str
    optional: bool = False

    def term(self, value: str) -> Term:
        """``value`` as the RDF term of this parameter's type; ParameterError if it is not."""
        text = value.strip()
        if self.type == "iri":
            return _iri(self.name, text)
        if self.type == "date":
            try:
                date.fromisoformat(text)
            except ValueError:
                raise ParameterError(
                    f"{self.name}={value!r} is not a date: give it as YYYY-MM-DD"
                ) from None
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ParameterError(f"{self.name}={value!r} is not a date: give it as YYYY-MM-DD")
            return ox.Literal(text, datatype=ox.NamedNode(_XSD + "date"))
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d+", text):
                raise ParameterError(f"{self.name}={value!r} is not an integer")
            return ox.Literal(str(int(text)), datatype=ox.NamedNode(_XSD + "integer"))
        return ox.Literal(value)


def _iri(name: str, text: str) -> ox.NamedNode:
    """An IRI given in full, in angle brackets, or as a prefixed name with a known prefix."""
    candidate = text[1:-1] if text.startswith("<") and text.endswith(">") else text
    prefix, colon, local = candidate.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        candidate = PREFIXES[prefix] + local
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", candidate):
        known = ", ".join(sorted(PREFIXES))
        raise ParameterError(
            f"{name}={text!r} is not an IRI: give a full IRI or a prefixed name ({known})"
        )
    try:
        return ox.NamedNode(candidate)
    except ValueError as error:
        raise ParameterError(f"{name}={text!r} is not a valid IRI ({error})") from None


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library: its header, parsed, and its text."""

    name: str
    path: Path
    title: Mapping[str, str]
    description: Mapping[str, str]
    parameters: tuple[Parameter, ...]
    tags: tuple[str, ...]
    text: str

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title["en"]

    def description_in(self, lang: str) -> str:
        return self.description.get(lang) or self.description["en"]

    @property
    def sparql(self) -> str:
        """The query without its header."""
        lines = self.text.splitlines(keepends=True)
        start = 0
        while start < len(lines) and lines[start].startswith("#"):
            start += 1
        return "".join(lines[start:]).lstrip("\n")

    @property
    def ordered(self) -> bool:
        """Whether the query orders its rows itself (an ``ORDER BY`` after its last group)."""
        tail = _SKIP.sub(" ", self.sparql)
        return _ORDER_BY.search(tail[tail.rfind("}") + 1 :]) is not None

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise ParameterError(f"{self.name} has no parameter {name!r} (its parameters: {known})")

    def terms(self, values: Mapping[str, str]) -> dict[str, Term]:
        """The parameters' values as RDF terms; ParameterError for an unknown, missing or
        ill-typed one."""
        bound = {name: self.parameter(name).term(value) for name, value in values.items()}
        missing = [p.name for p in self.parameters if not p.optional and p.name not in bound]
        if missing:
            example = " ".join(f"--param {m}={self.parameter(m).example}" for m in missing)
            raise ParameterError(f"{self.name} needs {', '.join(missing)} (for example: {example})")
        return bound

    def examples(self) -> dict[str, str]:
        """Every parameter set to its example."""
        return {p.name: p.example for p in self.parameters}

    def bind(self, values: Mapping[str, str]) -> str:
        """The query text with the parameters bound by a VALUES block."""
        return bind_terms(self.text, self.terms(values))


def bind_terms(text: str, terms: Mapping[str, Term]) -> str:
    """``text`` with ``VALUES ?name { term }`` first in its first ``WHERE { … }`` group."""
    if not terms:
        return text
    at = _where_brace(text)
    if at is None:
        raise QueryFormatError("the query has no WHERE { … } to bind parameters in")
    block = "".join(f"\n  VALUES ?{name} {{ {term} }}" for name, term in sorted(terms.items()))
    return text[: at + 1] + block + text[at + 1 :]


def _where_brace(text: str) -> int | None:
    """The position of the "{" that opens the first WHERE group of the text."""
    position = 0
    while position < len(text):
        skipped = _SKIP.match(text, position)
        if skipped:
            position = skipped.end()
            continue
        found = _WHERE.match(text, position)
        if found:
            return found.end() - 1
        position += 1
    return None


def parse(path: Path) -> NamedQuery:
    """Read one named query; QueryFormatError if its header does not follow the format."""
    name = path.stem
    if not _NAME.fullmatch(name):
        raise QueryFormatError(f"{path.name}: a query's name is lower-case words joined by '-'")
    text = path.read_text(encoding="utf-8")
    fields: dict[tuple[str, str | None], str] = {}
    params: list[str] = []
    last: tuple[str, str | None] | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if line.strip() == "#":
            continue
        continuation = _CONTINUATION.fullmatch(line)
        if continuation and last is not None:
            if last[0] == "param":
                params[-1] += " " + continuation.group(1)
            else:
                fields[last] += " " + continuation.group(1)
            continue
        header = _HEADER.fullmatch(line)
        if not header:
            raise QueryFormatError(f"{path.name}: not a header line: {line!r}")
        key, lang, value = header.group(1), header.group(2), header.group(3).strip()
        if key == "param" and lang is None:
            params.append(value)
        elif key in ("title", "description") and lang in LANGUAGES:
            fields[(key, lang)] = value
        elif key == "tags" and lang is None:
            fields[(key, None)] = value
        else:
            raise QueryFormatError(f"{path.name}: unknown header {key}{'@' + lang if lang else ''}")
        last = (key, lang)
    for key in ("title", "description"):
        for lang in LANGUAGES:
            if not fields.get((key, lang)):
                raise QueryFormatError(f"{path.name}: the header has no {key}@{lang}")
    query = NamedQuery(
        name=name,
        path=path,
        title={lang: fields[("title", lang)] for lang in LANGUAGES},
        description={lang: fields[("description", lang)] for lang in LANGUAGES},
        parameters=tuple(_parameter(path, spec) for spec in params),
        tags=tuple(t.strip() for t in fields.get(("tags", None), "").split(",") if t.strip()),
        text=text,
    )
    for p in query.parameters:
        if not re.search(rf"\?{p.name}\b", query.sparql):
            raise QueryFormatError(
                f"{path.name}: parameter {p.name} is not a variable of the query"
            )
        try:
            p.term(p.example)
        except ParameterError as error:
            raise QueryFormatError(f"{path.name}: the example of {p.name}: {error}") from None
    if query.parameters and _where_brace(text) is None:
        raise QueryFormatError(f"{path.name}: a query with parameters needs WHERE {{ … }}")
    return query


def _parameter(path: Path, spec: str) -> Parameter:
    found = _PARAM.fullmatch(spec.strip())
    if not found:
        raise QueryFormatError(
            f"{path.name}: a parameter is 'name (type, example VALUE[, optional]): what it is', "
            f"not {spec!r}"
        )
    name, options, description = found.groups()
    kind: str | None = None
    example: str | None = None
    optional = False
    for option in (o.strip() for o in options.split(",")):
        if option in PARAM_TYPES:
            kind = option
        elif option == "optional":
            optional = True
        elif option.startswith("example "):
            example = option.removeprefix("example ").strip()
        else:
            raise QueryFormatError(f"{path.name}: parameter {name}: unknown option {option!r}")
    if kind is None or example is None:
        raise QueryFormatError(
            f"{path.name}: parameter {name} needs a type ({', '.join(PARAM_TYPES)}) and an example"
        )
    return Parameter(name, kind, example, description.strip(), optional)  # type: ignore[arg-type]


def folder() -> Path:
    """The folder of the named queries."""
    return resources.root() / "queries"


@cache
def _catalogue(where: Path) -> tuple[NamedQuery, ...]:
    return tuple(parse(path) for path in sorted(where.glob("*.rq"), key=lambda p: p.stem))


def catalogue(where: Path | None = None) -> list[NamedQuery]:
    """Every named query, by name. Each has ``name``, ``title`` (nb and en) and ``text`` (the
    whole file, ready for YASGUI) among its fields."""
    return list(_catalogue(where or folder()))


def get(name: str, where: Path | None = None) -> NamedQuery:
    """The named query ``name``; UnknownQuery if there is none."""
    for query in catalogue(where):
        if query.name == name:
            return query
    raise UnknownQuery(f"there is no named query {name!r}; `plangraph query --list` lists them")


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """The solutions of a SELECT query: its variables and its rows of terms (None: unbound)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]

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


def compact(iri: str) -> str:
    """An IRI as ``prefix:local`` with the project's prefixes (the longest match), else itself."""
    best = ""
    for name, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            local = iri[len(namespace) :]
            if re.fullmatch(r"[A-Za-z0-9_.\-]*", local) and not local.endswith("."):
                best = name
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri


def expected_cell(term: Term | None) -> str:
    """A term as the expected-results files write it: IRIs compact, literals by their value,
    blank nodes as ``_:``, unbound as the empty string."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return "_:"
    return term.value


# ---------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------

_LABEL_PROPERTIES: Final = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2004/02/skos/core#notation",
    "http://data.europa.eu/eli/ontology#id_local",
)


def labels(iris: Iterable[str], lang: str, run: Runner) -> dict[str, str]:
    """A label for each IRI: in ``lang`` first, then in the other language, then one without a
    language, by property (``skos:prefLabel``, ``rdfs:label``, ``dct:title``, ``skos:notation``);
    IRIs without one are left out."""
    wanted = sorted(set(iris))
    if not wanted:
        return {}
    other = [code for code in LANGUAGES if code != lang]
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
            elif language in other:
                preference = 1 + other.index(language)
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
    lang: str
    result: Result
    labels: Mapping[str, str] = field(default_factory=dict)
    sparql: str = ""

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
        }

    def to_csv(self) -> str:
        """The answer as CSV: one column per variable (IRIs in full, literals by value) and,
        after each column that holds IRIs, its labels (``name_label``)."""
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
            writer.writerow(cells)
        return out.getvalue()

    def table(self) -> list[list[str]]:
        """The rows as a person reads them."""
        return [[self.shown(term) for term in row] for row in self.result.rows]


def _value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


_NUMERIC: Final = frozenset(
    _XSD + name
    for name in [
        "integer",
        "decimal",
        "double",
        "float",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
)


def _term_key(term: Term | None) -> tuple[int, float, str, str]:
    """A term's place in plangraph's order: unbound, blank nodes, IRIs, numbers, literals."""
    if term is None:
        return (0, 0.0, "", "")
    if isinstance(term, ox.BlankNode):
        return (1, 0.0, term.value, "")
    if isinstance(term, ox.NamedNode):
        return (2, 0.0, term.value, "")
    if term.datatype.value in _NUMERIC:
        try:
            return (3, float(term.value), term.value, "")
        except ValueError:
            pass
    return (4, 0.0, term.value, term.language or term.datatype.value)


def _row_key(row: tuple[Term | None, ...]) -> tuple[tuple[int, float, str, str], ...]:
    return tuple(_term_key(term) for term in row)


def sorted_result(result: Result) -> Result:
    """The rows sorted column by column, left to right, in plangraph's order (the order of a
    named query that has no ORDER BY of its own)."""
    return Result(result.variables, tuple(sorted(result.rows, key=_row_key)))


def execute(query: NamedQuery, values: Mapping[str, str], run: Runner, lang: str = "en") -> Answer:
    """Run ``query`` with ``values`` for its parameters (ParameterError if they do not fit),
    sort its rows if it does not order them itself, then look up the labels of the IRIs in its
    result."""
    if lang not in LANGUAGES:
        raise ParameterError(f"lang={lang!r}: labels are in {' or '.join(LANGUAGES)}")
    terms = query.terms(values)
    text = bind_terms(query.text, terms)
    result = run(text)
    if not query.ordered:
        result = sorted_result(result)
    iris = {t.value for row in result.rows for t in row if isinstance(t, ox.NamedNode)}
    return Answer(
        query,
        {name: _value(term) for name, term in terms.items()},
        lang,
        result,
        labels(iris, lang, run),
        text,
    )


# ---------------------------------------------------------------------------------------------
# The cookbook: the data model explained through the questions
# ---------------------------------------------------------------------------------------------

_TERM = re.compile(r"(?<![\w:])(pg|sdgo|org|skos|dct|time|eli|prov):([A-Za-z][A-Za-z0-9_]*)")


def terms_used(query: NamedQuery) -> list[str]:
    """The ontology terms (prefixed names) the query's SPARQL uses, in order of appearance."""
    body = _SKIP.sub(lambda m: m.group(0) if m.group(0).startswith("<") else " ", query.sparql)
    seen: dict[str, None] = {}
    for prefix, local in _TERM.findall(body):
        seen.setdefault(f"{prefix}:{local}", None)
    return list(seen)


def _definitions(lang: str) -> dict[str, tuple[str, str]]:
    """Label and definition of every term the ontology defines or declares, by prefixed name;
    for a reused term with no definition of its own, where it is defined."""
    store = ox.Store()
    store.load(path=resources.ontology_file(), format=ox.RdfFormat.TURTLE)
    result = store.query(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?t ?label ?definition ?home WHERE { ?t a ?kind . FILTER(isIRI(?t)) "
        f'OPTIONAL {{ ?t rdfs:label ?label FILTER(LANG(?label) = "{lang}") }} '
        f'OPTIONAL {{ ?t skos:definition ?definition FILTER(LANG(?definition) = "{lang}") }} '
        "OPTIONAL { ?t rdfs:isDefinedBy ?home } }"
    )
    assert isinstance(result, ox.QuerySolutions)
    found: dict[str, tuple[str, str]] = {}
    for row in result:
        term, label, definition, home = row["t"], row["label"], row["definition"], row["home"]
        assert isinstance(term, ox.NamedNode)
        name = compact(term.value)
        old = found.get(name, ("", ""))
        if isinstance(definition, ox.Literal):
            meaning = definition.value
        elif isinstance(home, ox.NamedNode):
            meaning = f"reused from <{home.value}>"
        else:
            meaning = old[1]
        found[name] = (label.value if isinstance(label, ox.Literal) else old[0], meaning)
    return found


def cookbook(queries: Sequence[NamedQuery] | None = None) -> str:
    """The analysts' cookbook (Markdown), generated from the queries' headers and the ontology.

    ``docs/cookbook.md`` is this text; a test checks that they agree.
    """
    queries = list(queries if queries is not None else catalogue())
    definitions = _definitions("en")
    used: dict[str, list[str]] = {}
    for query in queries:
        for term in terms_used(query):
            used.setdefault(term, []).append(query.name)
    out: list[str] = [
        "# The analysts' cookbook",
        "",
        "<!-- Generated by `plangraph query --cookbook` from the headers in queries/ and the",
        "     ontology; do not edit by hand. A test checks that this file is up to date. -->",
        "",
        "plangraph answers the questions no single plan document answers. Each question below is",
        "a named query in `queries/`: run it with `plangraph query NAME`, open",
        "`/queries/NAME` on a running server (`plangraph serve`), or find it as a tab in the",
        "SPARQL editor at `/sparql`. Each section says what the answer means, which parameters",
        "the query takes, and which terms of the data model it uses; the last section explains",
        "every term with the questions that use it.",
        "",
        "The queries read the union of all graphs, including the inferences of",
        "`plangraph reason` (the graph `https://w3id.org/plangraph/graph/inferred`): a theme",
        "plan is also a `pg:ThematicPlan`, a `pg:Plan` and a `pg:PlanDocument`; `pg:hasElement`",
        "is there wherever `pg:partOfPlan` is; `pg:tracesTo` links a measure to everything it",
        "serves, however many steps away; `pg:planTracesTo`, `pg:planAddressesSdg`,",
        "`pg:addressesSdgGoal` and `pg:legalBasis` are derived by property chains. Run",
        "`plangraph reason` after loading data.",
        "",
        "## How to run a question",
        "",
        "```sh",
        "plangraph query --list",
        "plangraph query decision-trail --param plan=bk:plan-skyfritt --lang nb",
        "plangraph query plans-due --param on=2024-05-13 --format csv",
        "curl 'http://127.0.0.1:8000/queries/decision-trail.json?plan=bk:plan-skyfritt'",
        "```",
        "",
        "Parameters are typed: an `iri` is a full IRI or a prefixed name (`bk:plan-skyfritt`),",
        "a `date` is `YYYY-MM-DD`. A parameter that does not fit is refused (exit code 2, HTTP",
        "400). Labels are shown in Norwegian (`--lang nb`, `?lang=nb`) or English (`en`).",
        "",
        "## The header of a named query",
        "",
        "A named query is a `.rq` file; its name is the CLI name and the URL slug. Its header is",
        "the comment lines at the top: `title@nb`, `title@en`, `description@nb`,",
        "`description@en` (the plain-language answer), one `param` line per parameter",
        "(`# param: NAME (TYPE, example VALUE[, optional]): what it is`, TYPE one of",
        "`iri`, `date`, `integer`, `string`) and `tags`. A line of `#` and two or more spaces",
        "continues the value above. Parameters are bound as RDF terms, in a `VALUES` block put",
        "first in the query's first `WHERE { … }` group.",
        "Every query has two expected answers, checked by the test suite: on Bergen's register",
        "as `plangraph load` loads it, with the inferences, in `queries/expected/NAME.csv`, and",
        "with the illustrative examples loaded too in `queries/expected/with-examples/NAME.csv`.",
        "",
        "## The questions",
        "",
    ]
    for query in queries:
        out.append(f"- [{query.title['en']}](#{query.name}) (`{query.name}`)")
    out.append("")
    for query in queries:
        out += [f"### {query.name}", ""]
        out += [f"**{query.title['en']}** — *{query.title['nb']}*", ""]
        out += [query.description["en"], "", f"*{query.description['nb']}*", ""]
        if query.parameters:
            out += ["Parameters:", ""]
            for p in query.parameters:
                optional = ", optional" if p.optional else ""
                out.append(
                    f"- `{p.name}` ({p.type}{optional}, for example `{p.example}`): {p.description}"
                )
            out.append("")
        if query.tags:
            out += ["Tags: " + ", ".join(query.tags), ""]
        terms = terms_used(query)
        if terms:
            out += ["Uses: " + ", ".join(f"`{t}`" for t in terms), ""]
        example = " ".join(f"--param {p.name}={p.example}" for p in query.parameters)
        out += [
            "```sh",
            f"plangraph query {query.name}{' ' + example if example else ''}",
            "```",
            "",
        ]
        out += ["```sparql", query.sparql.rstrip("\n"), "```", ""]
    out += [
        "## The data model, through the questions",
        "",
        "Every term of the ontology (or reused vocabulary) the queries use, with its definition",
        "and the questions that use it.",
        "",
        "| term | meaning | used by |",
        "|---|---|---|",
    ]
    for term in sorted(used):
        label, definition = definitions.get(term, ("", ""))
        meaning = f"**{label}**: {definition}" if label else definition or "(reused vocabulary)"
        links = ", ".join(f"[{name}](#{name})" for name in used[term])
        out.append(f"| `{term}` | {meaning.replace('|', '/')} | {links} |")
    out.append("")
    return "\n".join(out)
