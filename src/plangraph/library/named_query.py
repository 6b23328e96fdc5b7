"""A named query: a ``.rq`` file whose header is its API, parsed into a :class:`NamedQuery`.

The file name is the query's name, its CLI name (``plangraph query NAME``) and its URL slug
(``/queries/NAME``). The header is the run of comment lines at the top of the file::

    # title@nb: Den røde tråden: fra tiltak til samfunnsmål
    # title@en: The red thread: from measures to community goals
    # description@nb: Hvert tiltak med …
    # description@en: Every measure with …
    #   (a line of "#" and two or more spaces continues the value above)
    # param: plan (iri, example bk:plan-skyfritt): The plan whose trail to show.
    # param: on (date, optional, example 2024-05-13): The date to count from; today if not given.
    # tags: red thread, measures

``title`` and ``description`` are required in every language plangraph speaks
(:data:`plangraph.lang.LANGUAGES`); the description is the plain-language answer the query
gives. A parameter has a name (a variable of the query), a type (``iri``, ``date``,
``integer`` or ``string``), an example (used by the cookbook and by the expected-results test),
and may be ``optional``. Parameters are bound as RDF terms: a ``VALUES ?name { term }`` block is
put first in the query's first ``WHERE { … }`` group, built from a validated pyoxigraph term
(whose ``str()`` is its N-Triples form), never from the user's text. That group is the
outermost one, unless the query writes its outer group without the ``WHERE`` keyword to have
its parameters bound inside a sub-query (pyoxigraph evaluates a sub-query, a ``UNION`` branch
or a ``MINUS`` without the bindings from outside it). An optional parameter that is not given
is left unbound, so every query also runs as it stands (in YASGUI, for instance): the decision
trail of every plan, plans due as of today.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final, Literal, TypeAlias

import pyoxigraph as ox

from plangraph.lang import LANGUAGES, Lang
from plangraph.namespaces import PREFIXES

__all__ = [
    "PARAM_TYPES",
    "NamedQuery",
    "Parameter",
    "ParameterError",
    "QueryFormatError",
    "Term",
    "bind_terms",
    "code_only",
    "parse",
]

ParamType: TypeAlias = Literal["iri", "date", "integer", "string"]
PARAM_TYPES: Final[tuple[ParamType, ...]] = ("iri", "date", "integer", "string")
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal

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


class ParameterError(ValueError):
    """A parameter is unknown, missing or not of its type: the message in English (``str()``)
    and in bokmål (:meth:`message`)."""

    def __init__(self, en: str, nb: str | None = None) -> None:
        super().__init__(en)
        self.texts = {"en": en, "nb": nb if nb is not None else en}

    def message(self, lang: str) -> str:
        """The message in ``lang`` (``nb`` or ``en``), wholly in that language."""
        return self.texts.get(lang, self.texts["en"])


def code_only(text: str, *, keep_iris: bool = False) -> str:
    """``text`` with its comments and strings blanked out, and its IRIs unless ``keep_iris``:
    what a scan for keywords or prefixed names may read."""
    if keep_iris:
        return _SKIP.sub(lambda m: m.group(0) if m.group(0).startswith("<") else " ", text)
    return _SKIP.sub(" ", text)


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
                    f"{self.name}={value!r} is not a date: give it as YYYY-MM-DD",
                    f"{self.name}={value!r} er ikke en dato: skriv den som ÅÅÅÅ-MM-DD",
                ) from None
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ParameterError(
                    f"{self.name}={value!r} is not a date: give it as YYYY-MM-DD",
                    f"{self.name}={value!r} er ikke en dato: skriv den som ÅÅÅÅ-MM-DD",
                )
            return ox.Literal(text, datatype=ox.NamedNode(_XSD + "date"))
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d+", text):
                raise ParameterError(
                    f"{self.name}={value!r} is not an integer",
                    f"{self.name}={value!r} er ikke et heltall",
                )
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
            f"{name}={text!r} is not an IRI: give a full IRI or a prefixed name ({known})",
            f"{name}={text!r} er ikke en IRI: oppgi en full IRI eller et navn med prefiks ({known})",
        )
    try:
        return ox.NamedNode(candidate)
    except ValueError as error:
        raise ParameterError(
            f"{name}={text!r} is not a valid IRI ({error})",
            f"{name}={text!r} er ikke en gyldig IRI",
        ) from None


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library: its header, parsed, and its text."""

    name: str
    path: Path
    title: Mapping[Lang, str]
    description: Mapping[Lang, str]
    parameters: tuple[Parameter, ...]
    tags: tuple[str, ...]
    text: str

    def title_in(self, lang: Lang) -> str:
        return self.title[lang]

    def description_in(self, lang: Lang) -> str:
        return self.description[lang]

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
        tail = code_only(self.sparql)
        return _ORDER_BY.search(tail[tail.rfind("}") + 1 :]) is not None

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        listed = ", ".join(p.name for p in self.parameters)
        raise ParameterError(
            f"{self.name} has no parameter {name!r} (its parameters: {listed or 'none'})",
            f"{self.name} har ingen parameter {name!r} (parametrene: {listed or 'ingen'})",
        )

    def terms(self, values: Mapping[str, str]) -> dict[str, Term]:
        """The parameters' values as RDF terms; ParameterError for an unknown, missing or
        ill-typed one."""
        bound = {name: self.parameter(name).term(value) for name, value in values.items()}
        missing = [p.name for p in self.parameters if not p.optional and p.name not in bound]
        if missing:
            example = " ".join(f"--param {m}={self.parameter(m).example}" for m in missing)
            raise ParameterError(
                f"{self.name} needs {', '.join(missing)} (for example: {example})",
                f"{self.name} trenger {', '.join(missing)} (for eksempel: {example})",
            )
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
