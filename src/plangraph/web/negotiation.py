"""Result formats and content negotiation: which bytes answer which request.

Two families of formats. Tabular results (``SELECT``, ``ASK``) come as SPARQL JSON, XML, CSV or
TSV; graphs (``CONSTRUCT``, ``DESCRIBE``, a Graph Store ``GET``, the service description) as
Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML. A client picks one with ``Accept`` (with
q-values and wildcards) or, for download links, with ``format=`` (a short name such as ``csv``
or a media type), which wins over ``Accept``. What cannot be served is a 406 that lists what can.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Family = Literal["results", "graph"]


@dataclass(frozen=True)
class Format:
    """One serialisation the endpoint can answer with."""

    name: str
    """The engine's name for it (a ``pyoxigraph.QueryResultsFormat`` or ``RdfFormat`` member)."""
    media_type: str
    family: Family
    extension: str
    short_names: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    """Other media types that ask for this format."""

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` of an answer in this format."""
        if self.media_type.startswith("text/"):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


RESULT_FORMATS: tuple[Format, ...] = (
    Format(
        "JSON",
        "application/sparql-results+json",
        "results",
        "srj",
        ("json", "srj"),
        ("application/json",),
    ),
    Format(
        "XML",
        "application/sparql-results+xml",
        "results",
        "srx",
        ("xml", "srx"),
        ("application/xml", "text/xml"),
    ),
    Format("CSV", "text/csv", "results", "csv", ("csv",)),
    Format("TSV", "text/tab-separated-values", "results", "tsv", ("tsv",)),
)

GRAPH_FORMATS: tuple[Format, ...] = (
    Format(
        "TURTLE",
        "text/turtle",
        "graph",
        "ttl",
        ("turtle", "ttl", "n3"),  # Turtle is N3 too: an N3 reader reads it
        ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3"),
    ),
    Format(
        "N_TRIPLES", "application/n-triples", "graph", "nt", ("ntriples", "nt"), ("text/plain",)
    ),
    Format("N_QUADS", "application/n-quads", "graph", "nq", ("nquads", "nq")),
    Format("TRIG", "application/trig", "graph", "trig", ("trig",)),
    Format(
        "JSON_LD",
        "application/ld+json",
        "graph",
        "jsonld",
        ("jsonld", "json-ld", "json"),
        ("application/json",),
    ),
    Format(
        "RDF_XML",
        "application/rdf+xml",
        "graph",
        "rdf",
        ("rdfxml", "rdf+xml", "rdf", "xml", "owl"),
        ("application/xml", "text/xml"),
    ),
)

HTML = "text/html"

# The RDF formats a Graph Store request body may be in (triples only: one body, one graph).
_INPUT_FORMATS: dict[str, str] = {
    "text/turtle": "TURTLE",
    "application/x-turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "text/plain": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD",
    "text/n3": "N3",
}


class NotAcceptable(ValueError):
    """No format both sides accept; the message lists what the endpoint offers."""


def formats(family: Family) -> tuple[Format, ...]:
    return RESULT_FORMATS if family == "results" else GRAPH_FORMATS


def media_type(header: str | None) -> str:
    """The bare media type of a ``Content-Type`` header, lower case, without parameters."""
    return (header or "").split(";", 1)[0].strip().lower()


def charset(header: str | None) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` header, lower case, if there is one."""
    for part in (header or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def input_format(content_type: str | None) -> str | None:
    """The engine's name of the RDF format of a request body, or None if it is not taken."""
    return _INPUT_FORMATS.get(media_type(content_type))


def input_types() -> str:
    return ", ".join(sorted(_INPUT_FORMATS))


def media_ranges(accept: str) -> list[tuple[str, float, int]]:
    """``(range, q, order)`` for each media range of an ``Accept`` header."""
    out: list[tuple[str, float, int]] = []
    for order, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        if not parts[0]:
            continue
        q = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        out.append((parts[0].lower(), q, order))
    return out


def _quality(offer: str, ranges: list[tuple[str, float, int]]) -> float:
    """The q-value ``Accept`` gives ``offer``: from the most specific range that matches it."""
    best: tuple[int, float] | None = None
    kind = offer.split("/", 1)[0]
    for media_range, q, _ in ranges:
        if media_range == offer:
            specificity = 2
        elif media_range == f"{kind}/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        if best is None or specificity > best[0]:
            best = (specificity, q)
    return 0.0 if best is None else best[1]


def negotiate(
    family: Family, accept: str | None, format_param: list[str] | None = None, *, html: bool = False
) -> Format | None:
    """The format to answer in; None means HTML (only when ``html`` is offered and preferred).

    ``format_param`` (the values of ``format=``: short names or media types; some clients, such
    as SPARQLWrapper, send two) wins over ``accept``: the first value that names a format
    offered. Raises :class:`NotAcceptable` if nothing offered is acceptable.
    """
    offered = formats(family)
    values = [v.strip().lower() for v in format_param or [] if v.strip()]
    for wanted in values:
        for fmt in offered:
            if wanted in fmt.short_names or wanted == fmt.media_type or wanted in fmt.aliases:
                return fmt
        if html and wanted in ("html", HTML):
            return None
    if values:
        raise NotAcceptable(
            f"format={values[0]!r} is not one this endpoint serves for "
            f"{'query results' if family == 'results' else 'graphs'}; use one of: "
            + ", ".join(f.short_names[0] for f in offered)
        )
    if accept is not None and len(accept) > 1024:  # keep the memo small
        return _by_accept.__wrapped__(family, accept, html)
    return _by_accept(family, accept, html)


@lru_cache(maxsize=512)
def _by_accept(family: Family, accept: str | None, html: bool) -> Format | None:
    """The format ``Accept`` asks for (remembered: clients send the same few headers)."""
    offered = formats(family)
    if not accept or not accept.strip():
        return offered[0]
    ranges = media_ranges(accept)
    best: tuple[float, int, Format | None] | None = None
    candidates: list[tuple[str, Format | None]] = []
    # Each format's own media type first, then the aliases: "text/*" means CSV, not text/xml.
    candidates.extend((fmt.media_type, fmt) for fmt in offered)
    candidates.extend((alias, fmt) for fmt in offered for alias in fmt.aliases)
    if html:
        # Last: a browser asks for HTML by name; "*/*" (curl, scripts) gets RDF.
        candidates.append((HTML, None))
    for rank, (offer, candidate) in enumerate(candidates):
        q = _quality(offer, ranges)
        if q <= 0:
            continue
        # Highest q wins; between equals, the endpoint's order of preference.
        if best is None or q > best[0]:
            best = (q, rank, candidate)
    if best is None:
        raise NotAcceptable(
            f"none of the types in Accept: {accept} can be served here; this answer can be had as "
            + ", ".join(f.media_type for f in offered)
            + (f" or {HTML}" if html else "")
        )
    return best[2]
