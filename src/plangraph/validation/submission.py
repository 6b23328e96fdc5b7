"""Reading a submission: Turtle, N-Triples, RDF/XML, JSON-LD, or plain JSON / YAML.

Plain JSON and YAML are plans in a planner's words, read strictly by :mod:`.plain`: every key
and value becomes data or is an error naming the key, its line and column; names (``owner:
BBS``) are resolved against the register the plan is read for. A JSON or YAML document with an
``@context`` is JSON-LD instead, read through the context it names: plangraph's own
(``context.jsonld`` in this package, also named by its IRI :data:`CONTEXT_IRI`) or an inline
one. Nothing is ever fetched: any other remote context is refused, and plangraph's own context
IRI is replaced by the shipped copy.

Every way a submission can be unreadable ends in a :class:`SubmissionError` that names the problem
and where it is (file, line, column) and carries the HTTP status that fits it (400 malformed or
refused, 413 too large, 415 unknown format). The guards:

* size: at most ``max_bytes`` bytes and :data:`MAX_TRIPLES` triples;
* empty input, or input that holds no triples;
* text that is not UTF-8;
* JSON and YAML nested deeper than :data:`MAX_DEPTH` levels, and JSON or YAML keys given twice;
* YAML anchors and aliases (a few lines of them can expand to gigabytes);
* RDF/XML with a DOCTYPE: entity declarations can expand to gigabytes ("billion laughs") or
  name outside files, so none are read.

Blank nodes are given IRIs under :data:`BLANK_PREFIX` (one per node and submission), so that
both engines can name them as focus nodes; the report shows them as unnamed nodes again.
"""

from __future__ import annotations

import enum
import json
import re
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from plangraph.validation import plain
from plangraph.validation.plain.problems import PlainError, Problem
from plangraph.validation.plain.reader import Resolution
from plangraph.validation.plain.sheets import MeasureFile
from plangraph.validation.plain.spec import CONTEXT_IRI
from plangraph.validation.plain.tree import MAX_DEPTH, Node, to_python
from plangraph.validation.register import Register

__all__ = ["CONTEXT_IRI", "MAX_DEPTH", "MeasureFile", "Problem", "Resolution"]

BLANK_PREFIX = "urn:plangraph:blank:"
"""Blank nodes of a submission are renamed to IRIs that start with this."""

MAX_BYTES = 32 * 1024 * 1024
"""The largest submission read by default (bytes)."""

MAX_TRIPLES = 1_000_000
"""The most triples a submission may hold."""


class Format(enum.StrEnum):
    """The formats a submission can be written in."""

    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    RDFXML = "rdfxml"
    JSONLD = "jsonld"
    JSON = "json"
    YAML = "yaml"


_EXTENSIONS = {
    ".ttl": Format.TURTLE,
    ".turtle": Format.TURTLE,
    ".nt": Format.NTRIPLES,
    ".rdf": Format.RDFXML,
    ".owl": Format.RDFXML,
    ".xml": Format.RDFXML,
    ".jsonld": Format.JSONLD,
    ".json": Format.JSON,
    ".yaml": Format.YAML,
    ".yml": Format.YAML,
}
_MEDIA_TYPES = {
    "text/turtle": Format.TURTLE,
    "application/x-turtle": Format.TURTLE,
    "application/n-triples": Format.NTRIPLES,
    "application/rdf+xml": Format.RDFXML,
    "application/xml": Format.RDFXML,
    "text/xml": Format.RDFXML,
    "application/ld+json": Format.JSONLD,
    "application/json": Format.JSON,
    "application/yaml": Format.YAML,
    "application/x-yaml": Format.YAML,
    "text/yaml": Format.YAML,
    "text/x-yaml": Format.YAML,
}
_SNIFFED_MEDIA_TYPES = {"", "text/plain", "application/octet-stream"}
_RDF_FORMATS = {
    Format.TURTLE: ox.RdfFormat.TURTLE,
    Format.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    Format.RDFXML: ox.RdfFormat.RDF_XML,
}
_YAML_KEY = re.compile(r"^(---\s*$|[A-Za-z_@\"'][\w@\"' .-]*:(\s|$))")
_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)

FORMAT_HELP = (
    "Turtle (.ttl), N-Triples (.nt), RDF/XML (.rdf, .owl, .xml), JSON-LD (.jsonld), "
    "JSON (.json) and YAML (.yaml, .yml)"
)


class SubmissionError(Exception):
    """A submission could not be read; nothing was validated or stored."""

    def __init__(
        self,
        source: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        status: int = 400,
        problems: Sequence[Problem] = (),
    ) -> None:
        self.source = source
        self.message = message
        self.line = line
        self.column = column
        self.status = status
        self.problems = tuple(problems)
        """Every problem found in a plain plan (or its sheets), each with its place, key and
        message in nb and en; empty for other errors."""
        super().__init__(f"{self.where}: {message}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled whole (a worker process answers with it), not by its message alone.
        return (_submission_error, (self.source, self.message, self.line, self.column,
                                    self.status, self.problems))  # fmt: skip

    @classmethod
    def of(cls, name: str, error: PlainError) -> SubmissionError:
        """The problems of a plain plan as one error (placed at the first)."""
        first = error.problems[0]
        count = len(error.problems)
        message = first.message["en"]
        if count > 1:
            message += f" (and {count - 1} more problem{'s' if count > 2 else ''})"
        return cls(
            str(first.where) if first.where.cell else first.where.source,
            message,
            line=first.where.line,
            column=first.where.column,
            status=error.status,
            problems=error.problems,
        )

    def __str__(self) -> str:
        if self.problems:
            return "\n".join(str(p) for p in self.problems)
        return f"{self.where}: {self.message}"

    @property
    def where(self) -> str:
        if self.line is None:
            return self.source
        if self.column is None:
            return f"{self.source}:{self.line}"
        return f"{self.source}:{self.line}:{self.column}"


def _submission_error(
    source: str,
    message: str,
    line: int | None,
    column: int | None,
    status: int,
    problems: tuple[Problem, ...],
) -> SubmissionError:
    return SubmissionError(
        source, message, line=line, column=column, status=status, problems=problems
    )


@dataclass(frozen=True)
class Submission:
    """A parsed submission: its name, its format and its triples (blank nodes renamed)."""

    name: str
    format: Format
    triples: tuple[ox.Triple, ...]
    size: int
    resolutions: tuple[Resolution, ...] = ()
    """What each name of a plain plan was taken to mean (key, place, text, IRI, label, how)."""


@cache
def context() -> dict[str, Any]:
    """plangraph's JSON-LD context (the value of ``@context``), as shipped in the package."""
    text = (
        importlib_resources.files("plangraph.validation")
        .joinpath("context.jsonld")
        .read_text(encoding="utf-8")
    )
    document = json.loads(text)
    value = document["@context"]
    assert isinstance(value, dict)
    return value


# -- format detection ---------------------------------------------------------------------------


def detect_format(
    data: bytes, *, name: str, media_type: str | None = None, declared: str | None = None
) -> Format:
    """The submission's format: as declared, else by media type, else by extension, else sniffed.

    Raises:
        SubmissionError: with status 415 for a format plangraph does not read.
    """
    if declared:
        try:
            return Format(declared.lower())
        except ValueError:
            known = ", ".join(f.value for f in Format)
            raise SubmissionError(
                name, f"unknown format '{declared}' (plangraph reads {known})", status=415
            ) from None
    base = (media_type or "").split(";", 1)[0].strip().lower()
    if base in _MEDIA_TYPES:
        return _MEDIA_TYPES[base]
    if base not in _SNIFFED_MEDIA_TYPES and not base.startswith("multipart/"):
        raise SubmissionError(
            name, f"unsupported media type '{base}' (plangraph reads {FORMAT_HELP})", status=415
        )
    suffix = Path(name).suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if suffix and suffix not in (".txt",):
        raise SubmissionError(
            name, f"unknown format '{suffix}' (plangraph reads {FORMAT_HELP})", status=415
        )
    return _sniff(data, name)


def _sniff(data: bytes, name: str) -> Format:
    text = data[:4096].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith(("{", "[")):
        return Format.JSON
    if text.startswith("<?xml") or text.startswith("<rdf:RDF") or text.startswith("<!DOCTYPE"):
        return Format.RDFXML
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _YAML_KEY.match(stripped) and not stripped.lower().startswith(("@prefix", "prefix")):
            return Format.YAML
        break
    return Format.TURTLE


# -- reading -------------------------------------------------------------------------------------


def read_file(
    path: Path,
    *,
    max_bytes: int = MAX_BYTES,
    register: Register | None = None,
    measures: Sequence[Path] = (),
) -> Submission:
    """Read and parse a submission file; its format follows its extension (or its content).

    ``register`` is what the names of a plain plan are looked up in (default: plangraph's
    shipped datasets); ``measures`` are spreadsheets (XLSX, CSV) of measures to add to it.
    """
    name = str(path)
    sheets = []
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SubmissionError(
                name, f"the file is {size:,} bytes; the limit is {max_bytes:,}", status=413
            )
        data = path.read_bytes()
        for sheet in measures:
            if sheet.stat().st_size > max_bytes:
                raise SubmissionError(
                    str(sheet),
                    f"the file is larger than the limit of {max_bytes:,} bytes",
                    status=413,
                )
            sheets.append(MeasureFile.read(sheet))
    except OSError as error:
        raise SubmissionError(error.filename or name, error.strerror or str(error)) from None
    return parse(data, name=name, max_bytes=max_bytes, register=register, measures=sheets)


def parse(
    data: bytes,
    *,
    name: str = "submission",
    media_type: str | None = None,
    declared: str | None = None,
    max_bytes: int = MAX_BYTES,
    register: Register | None = None,
    measures: Sequence[MeasureFile] = (),
) -> Submission:
    """Parse a submission held in memory.

    Args:
        register: what the names of a plain plan are looked up in (default: plangraph's shipped
            datasets, loaded on first need); pass the register the plan is validated against.
        measures: spreadsheets (XLSX, CSV) of measures to add to a plain plan.

    Raises:
        SubmissionError: if it is too large, empty, of an unknown format, or malformed; for a
            plain plan, with every problem in :attr:`SubmissionError.problems`.
    """
    if len(data) > max_bytes:
        raise SubmissionError(
            name, f"the submission is {len(data):,} bytes; the limit is {max_bytes:,}", status=413
        )
    if not data.strip():
        raise SubmissionError(name, "the submission is empty")
    fmt = detect_format(data, name=name, media_type=media_type, declared=declared)
    text = _decode(data, name)
    resolutions: tuple[Resolution, ...] = ()
    if fmt in _RDF_FORMATS:
        if fmt is Format.RDFXML and _DOCTYPE.search(data):
            line = data[: _DOCTYPE.search(data).start()].count(b"\n") + 1  # type: ignore[union-attr]
            raise SubmissionError(
                name,
                "RDF/XML with a DOCTYPE or entity declarations is refused "
                "(entities can expand without limit or read other files)",
                line=line,
            )
        triples = _rdf(text, fmt, name)
    elif fmt is Format.JSONLD:
        document = _json(text, name)
        _check_depth(document, name)
        triples = _jsonld(document, name)
    else:
        try:
            root = plain.tree_of(text, source=name, syntax="yaml" if fmt is Format.YAML else "json")
        except PlainError as error:
            raise SubmissionError.of(name, error) from None
        if _is_jsonld(root):
            triples = _jsonld(to_python(root), name)
        else:
            try:
                result = plain.read_tree(
                    root, register=register or _default_register, sheets=measures
                )
            except PlainError as error:
                raise SubmissionError.of(name, error) from None
            triples = list(result.triples)
            resolutions = result.resolutions
            if len(triples) > MAX_TRIPLES:
                raise SubmissionError(
                    name, f"the submission holds more than {MAX_TRIPLES:,} triples", status=413
                )
            measures = ()
    if measures:
        raise SubmissionError(
            name,
            "measures from a spreadsheet are added to a plan in plain YAML or JSON, "
            f"not to {fmt.value}",
        )
    if not triples:
        raise SubmissionError(name, "the submission holds no triples")
    return Submission(
        name=name,
        format=fmt,
        triples=tuple(_skolemized(triples)),
        size=len(data),
        resolutions=resolutions,
    )


def _is_jsonld(root: Node) -> bool:
    """A JSON or YAML document is JSON-LD when it has an ``@context`` at its top (or is a list
    of objects that have)."""
    if root.kind == "map":
        return any(k.value == "@context" for k, _ in root.value)
    if root.kind == "list":
        return any(item.kind == "map" and _is_jsonld(item) for item in root.value)
    return False


def _jsonld(document: Any, name: str) -> list[ox.Triple]:
    document = _with_context(document, name)
    return _rdf(json.dumps(document, ensure_ascii=False), Format.JSONLD, name)


_default: Register | None = None
_default_lock = threading.Lock()


def _default_register() -> Register:
    """plangraph's shipped datasets, for the names of a plan read with no register given."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Register.shipped()
        return _default


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise SubmissionError(name, "the text is not UTF-8", line=line, column=column) from None


def _rdf(text: str, fmt: Format, name: str) -> list[ox.Triple]:
    rdf_format = ox.RdfFormat.JSON_LD if fmt in (Format.JSONLD, Format.JSON) else _RDF_FORMATS[fmt]
    found: list[ox.Triple] = []
    try:
        for quad in ox.parse(text, format=rdf_format):
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                raise SubmissionError(name, "named graphs are not accepted in a submission")
            found.append(quad.triple)
            if len(found) > MAX_TRIPLES:
                raise SubmissionError(
                    name, f"the submission holds more than {MAX_TRIPLES:,} triples", status=413
                )
    except SyntaxError as error:
        message = str(error.msg if isinstance(error.msg, str) else error)
        if message.startswith("Parser error") and ": " in message:
            message = message.split(": ", 1)[1]
        line = error.lineno if fmt not in (Format.JSON, Format.YAML) else None
        column = error.offset if fmt not in (Format.JSON, Format.YAML) else None
        raise SubmissionError(name, message, line=line, column=column) from None
    except ValueError as error:
        raise SubmissionError(name, str(error)) from None
    return found


def _json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SubmissionError(name, error.msg, line=error.lineno, column=error.colno) from None
    except RecursionError:
        raise SubmissionError(
            name, f"the JSON is nested more than {MAX_DEPTH} levels deep"
        ) from None


def _check_depth(document: Any, name: str) -> None:
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SubmissionError(name, f"the document is nested more than {MAX_DEPTH} levels deep")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def _with_context(document: Any, name: str) -> Any:
    """The document with plangraph's context put in; refuse any remote context."""
    if not isinstance(document, dict | list):
        raise SubmissionError(name, "a JSON or YAML submission must be an object or a list")
    for value in _contexts(document):
        _check_context(value, name)
    if isinstance(document, list):
        return {"@context": context(), "@graph": document}
    if "@context" not in document:
        return {"@context": context(), **document}
    return {**document, "@context": _resolve_context(document["@context"])}


def _contexts(document: Any) -> Iterator[Any]:
    """Every ``@context`` value anywhere in the document (embedded and scoped ones too)."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if key == "@context":
                    yield child
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)


def _check_context(value: Any, name: str) -> None:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str) and item != CONTEXT_IRI:
            raise SubmissionError(
                name,
                f"the remote @context '{item}' is not fetched: use plangraph's context "
                f"({CONTEXT_IRI}, or leave @context out) or write the context inline",
            )
        if isinstance(item, dict):
            for key, child in item.items():
                if key == "@import":
                    raise SubmissionError(
                        name, f"@import of '{child}' in a @context is not fetched"
                    )
                if isinstance(child, dict) and "@context" in child:
                    _check_context(child["@context"], name)


def _resolve_context(value: Any) -> Any:
    if value == CONTEXT_IRI:
        return context()
    if isinstance(value, list):
        return [context() if item == CONTEXT_IRI else item for item in value]
    return value


def _skolemized(triples: list[ox.Triple]) -> Iterator[ox.Triple]:
    run = uuid.uuid4().hex[:12]
    names: dict[str, ox.NamedNode] = {}

    def named(term: Any) -> Any:
        if isinstance(term, ox.BlankNode):
            found = names.get(term.value)
            if found is None:
                found = names[term.value] = ox.NamedNode(f"{BLANK_PREFIX}{run}-{term.value}")
            return found
        return term

    for t in triples:
        yield ox.Triple(named(t.subject), t.predicate, named(t.object))
