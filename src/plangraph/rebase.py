"""The data's public base IRI: where the stored IRIs appear to be when the server serves them.

The store always holds the canonical IRIs, under ``https://w3id.org/plangraph/``
(:data:`plangraph.namespaces.BASE`): the named queries, the shapes, the reasoner and the
catalogue are written against them. A server may publish the data under another base
(``PLANGRAPH_BASE_IRI``, for example its own address): then every IRI under the canonical base
is written under the public base in what it serves (resource descriptions, dumps, query
results, graphs), and IRIs under the public base in what it is sent (queries, updates, graph
names, graph contents) are read as the canonical ones. This is the rewriting that Linked Data
front ends such as Zazuko's Trifid do between a dataset's base and the server's.

Rewriting is by IRI, term by term, wherever the server holds terms. Tabular query results are
serialised by the store, so there the IRIs are rewritten in the bytes, in the places where each
format writes an IRI (see :meth:`Rebase.results`). Literals are never rewritten: ``STR(?x)``
gives the canonical text.

This module runs in the worker processes too: it imports nothing but pyoxigraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from plangraph.namespaces import BASE


@dataclass(frozen=True)
class Rebase:
    """Between the ``stored`` base (canonical) and the ``public`` one."""

    stored: str = BASE
    public: str = BASE

    @property
    def identity(self) -> bool:
        return self.stored == self.public

    # -- single IRIs -------------------------------------------------------------------------

    def to_public(self, iri: str) -> str:
        if not self.identity and iri.startswith(self.stored):
            return self.public + iri[len(self.stored) :]
        return iri

    def to_stored(self, iri: str) -> str:
        if not self.identity and iri.startswith(self.public):
            return self.stored + iri[len(self.public) :]
        return iri

    # -- terms -----------------------------------------------------------------------------

    def term(self, term: Any, *, public: bool = True) -> Any:
        """``term`` with its IRI under the other base (literals and blank nodes as they are)."""
        if isinstance(term, ox.NamedNode):
            value = self.to_public(term.value) if public else self.to_stored(term.value)
            return ox.NamedNode(value) if value != term.value else term
        if isinstance(term, ox.Triple):
            return ox.Triple(
                self.term(term.subject, public=public),
                self.term(term.predicate, public=public),
                self.term(term.object, public=public),
            )
        return term

    def triples(self, triples: Iterable[ox.Triple], *, public: bool = True) -> Iterator[ox.Triple]:
        if self.identity:
            yield from triples
            return
        for t in triples:
            yield ox.Triple(
                self.term(t.subject, public=public),
                self.term(t.predicate, public=public),
                self.term(t.object, public=public),
            )

    def quads(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        """Quads with their IRIs (the graph name too) under the public base."""
        if self.identity:
            yield from quads
            return
        for q in quads:
            graph = q.graph_name
            yield ox.Quad(
                self.term(q.subject),
                self.term(q.predicate),
                self.term(q.object),
                self.term(graph) if isinstance(graph, ox.NamedNode) else graph,
            )

    def prefixes(self, prefixes: dict[str, str] | None) -> dict[str, str] | None:
        """Prefix declarations for an answer written with public IRIs."""
        if prefixes is None or self.identity:
            return prefixes
        return {name: self.to_public(iri) for name, iri in prefixes.items()}

    # -- text ------------------------------------------------------------------------------

    def query(self, text: str) -> str:
        """A query or update with its IRI references under the public base read as stored ones.

        SPARQL writes an IRI only as ``<…>`` (prefixed names expand through ``PREFIX``
        declarations, which are ``<…>`` too), so rewriting those references suffices.
        """
        if self.identity:
            return text
        return text.replace("<" + self.public, "<" + self.stored)

    def results(self, body: bytes, media_type: str) -> bytes:
        """Serialised ``SELECT`` results with their IRIs under the public base.

        Each format marks an IRI its own way: SPARQL JSON as ``"type":"uri","value":"…"``,
        SPARQL XML as ``<uri>…``, TSV as ``<…>``. CSV does not mark IRIs at all: there a field
        that starts with the stored base is taken to be one.
        """
        if self.identity:
            return body
        stored, public = self.stored.encode(), self.public.encode()
        kind = media_type.split(";", 1)[0].strip().lower()
        if kind == "application/sparql-results+json":
            marker = b'"type":"uri","value":"'
            return body.replace(marker + stored, marker + public)
        if kind == "application/sparql-results+xml":
            return body.replace(b"<uri>" + stored, b"<uri>" + public)
        if kind == "text/tab-separated-values":
            # A field that starts with "<" is an IRI (literals start with a quote or a digit).
            pattern = re.compile(rb"(^|\t|\n)<" + re.escape(stored))
            return pattern.sub(lambda m: m.group(1) + b"<" + public, body)
        if kind == "text/csv":
            pattern = re.compile(rb"(^|,|\n)" + re.escape(stored))
            return pattern.sub(lambda m: m.group(1) + public, body)
        return body


def check_base(value: str) -> str:
    """``value`` if it can be a base IRI (absolute http(s), ending in ``/``), else ValueError."""
    if not re.match(r"^https?://[^/\s<>\"{}|\\^`]+/([^\s<>\"{}|\\^`#?]*/)?$", value):
        raise ValueError(
            f"the base IRI {value!r} must be an absolute http(s) IRI ending in '/', "
            "without query or fragment, for example https://w3id.org/plangraph/"
        )
    return value
