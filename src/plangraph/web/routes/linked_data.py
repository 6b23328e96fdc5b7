"""Linked Data: the data's IRIs dereference, for people and for programs.

``GET`` (or ``HEAD``) of ``/id/…``, ``/concept/…``, ``/eli/…`` or ``/ontology`` answers for the
resource ``{PLANGRAPH_BASE_IRI}{path}``; a named graph's IRI, ``/graph/…``, is a 303 See Other
to the graph in the Graph Store: a browser gets an HTML page, an RDF client the
resource's description in the format it asks for (``Accept``, or ``format=`` for links), with
``Vary: Accept``; 404 when the store knows nothing about the IRI.

The description (:class:`plangraph.web.engine.jobs.Describe`) is the resource's own
triples with the closure of its blank nodes (a Concise Bounded Description) and the labels of
everything it points to; for the ontology, the whole ontology document, whose ``#`` terms the
HTML page shows as sections a fragment scrolls to. The page also lists the links that point at
the resource. Links to resources this server answers for lead to their local paths, so a
server anywhere can be browsed.

The path reaches the store only as an RDF term (a pyoxigraph ``NamedNode``, looked up by
pattern): it is never written into query text. Every text on the page is HTML-escaped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from html import escape
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from plangraph.namespaces import LABELS
from plangraph.settings import Settings
from plangraph.web import layout
from plangraph.web.context import (
    ProtocolError,
    client_of,
    context_of,
    error_response,
    failure_message,
    job_rebase,
    negotiated,
    output_prefixes,
    rebase,
    too_many,
)
from plangraph.web.engine import jobs
from plangraph.web.engine.jobs import Failed
from plangraph.web.engine.worker import used_prefixes_only
from plangraph.web.querylog import QueryLog
from plangraph.web.routes import plan_page

SERVED = ("id/", "concept/", "eli/", "ontology")
"""The paths below the base that the server describes (``ontology`` is one resource)."""
LINKED = layout.LINKED
"""The paths below the base that local links go to (a graph's IRI leads to the graph)."""

INCOMING_LIMIT = 500
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_TWINS = (
    ("ttl", "Turtle", "text/turtle"),
    ("jsonld", "JSON-LD", "application/ld+json"),
    ("nt", "N-Triples", "application/n-triples"),
    ("rdfxml", "RDF/XML", "application/rdf+xml"),
)
"""The RDF twins a page links to: ``format=`` value, name, media type."""


def resource(request: Request) -> Response:
    """The description of a resource of the data: an HTML page, or RDF (see the module)."""
    context = context_of(request)
    settings = context.settings
    log = QueryLog(op="resource", client=client_of(request))
    path = request.scope["path"][len(request.scope.get("root_path", "")) :].lstrip("/")
    iri = settings.base_iri + path
    log.set(iri=iri)
    try:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ProtocolError(404, f"{iri!r} is not an IRI this server answers for") from None
        fmt = negotiated(request, "graph", html=True)
        if fmt is None and (plan := plan_page.for_browser(request, iri)) is not None:
            return plan  # a plan document's page, for people (plangraph.web.routes.plan_page)
        job = jobs.Describe(
            iri,
            max_rows=settings.max_rows,
            incoming_limit=INCOMING_LIMIT,
            rebase=job_rebase(settings),
        )
        with context.limiter.slot(log.client) as allowed:
            if not allowed:
                raise too_many(context)
            answer = context.engine.read(job, settings.query_timeout)
        if isinstance(answer, Failed):
            if answer.status == 404:
                raise ProtocolError(404, f"nothing is known about <{iri}>")
            raise ProtocolError(answer.status, failure_message(answer))
    except ProtocolError as error:
        log.write(error.status)
        return error_response(error.status, error.message, log, error.headers)
    found = answer.value
    description = _parse(found.description)
    labels = _parse(found.labels)
    headers = {
        "Vary": "Accept",
        "X-Request-Id": log.id,
        "Link": ", ".join(
            f'<{quote(request.url.path)}?format={name}>; rel="alternate"; type="{media_type}"'
            for name, _, media_type in _TWINS
        ),
    }
    if fmt is None:
        page = _Page(iri, settings, request.scope.get("root_path", ""))
        body = page.render(
            description,
            labels | _parse(found.incoming_labels),
            _parse(found.incoming),
            found.incoming_total,
        )
        log.write(200, rows=len(description))
        return HTMLResponse(body, headers=headers)
    items: list[ox.Triple] | list[ox.Quad] = sorted(description | labels, key=str)
    rdf_format = ox.RdfFormat.from_media_type(fmt.media_type)
    assert rdf_format is not None
    if rdf_format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        items = [ox.Quad(t.subject, t.predicate, t.object) for t in items]
    prefixes = rebase(settings).prefixes(output_prefixes())
    data = ox.serialize(items, format=rdf_format, prefixes=prefixes) or b""
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        data = used_prefixes_only(data)
    log.write(200, rows=len(items), size=len(data))
    return Response(data, media_type=fmt.content_type, headers=headers)


def _parse(text: str) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(text.encode("utf-8"), ox.RdfFormat.N_TRIPLES)}


def graph_redirect(request: Request) -> Response:
    """A named graph's IRI: 303 See Other to the graph in the Graph Store (``/store?graph=``)."""
    settings = context_of(request).settings
    path = request.scope["path"][len(request.scope.get("root_path", "")) :].lstrip("/")
    target = request.url_for("graph-store").include_query_params(graph=settings.base_iri + path)
    return Response(status_code=303, headers={"Location": str(target), "Vary": "Accept"})


def served_paths() -> list[tuple[str, str]]:
    """``(path, name)`` of the routes of :func:`resource`: one per prefix of :data:`SERVED`."""
    return [
        ("/ontology" if prefix == "ontology" else f"/{prefix}{{rest:path}}", f"ld-{prefix}")
        for prefix in SERVED
    ]


class _Page:
    """The HTML page of one resource."""

    def __init__(self, iri: str, settings: Settings, root_path: str) -> None:
        self.iri = iri
        self.base = settings.base_iri
        self.root_path = root_path
        self.names: dict[str, dict[str, str]] = defaultdict(dict)
        prefixes = rebase(settings).prefixes(output_prefixes()) or {}
        # Longest namespace first, so that ``bk:`` wins over a shorter one that also matches.
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def compact(self, iri: str) -> str:
        """``iri`` as a prefixed name if a prefix fits (``dct:title``), else whole."""
        for name, namespace in self.prefixes:
            rest = iri[len(namespace) :]
            if iri.startswith(namespace) and rest and "/" not in rest and "#" not in rest:
                return f"{name}:{rest}"
        return iri

    # -- names and links -------------------------------------------------------------------

    def _learn(self, triples: Iterable[ox.Triple]) -> None:
        """Remember every label, the best-ranked predicate first."""
        rank = {p: i for i, p in enumerate(LABELS)}
        ranked = sorted(
            (t for t in triples if t.predicate.value in rank and isinstance(t.object, ox.Literal)),
            key=lambda t: rank[t.predicate.value],
        )
        for t in ranked:
            assert isinstance(t.object, ox.Literal)
            self.names[str(t.subject)].setdefault(t.object.language or "", t.object.value)

    def name(self, term: ox.NamedNode | ox.BlankNode) -> str | None:
        known = self.names.get(str(term))
        if not known:
            return None
        return known.get("nb") or known.get("en") or next(iter(known.values()))

    def href(self, iri: str) -> str | None:
        return layout.data_href(iri, self.base, self.root_path)

    def link(self, term: ox.NamedNode) -> str:
        label = self.name(term)
        target = self.href(term.value)
        shown = escape(label) if label else f"<code>{escape(self.compact(term.value))}</code>"
        if target is None:
            return shown
        return f'<a href="{escape(target)}" title="{escape(term.value)}">{shown}</a>'

    def value(self, term: object, by_subject: dict[str, list[ox.Triple]], depth: int = 0) -> str:
        if isinstance(term, ox.NamedNode):
            return self.link(term)
        if isinstance(term, ox.Literal):
            text = escape(term.value)
            if term.language:
                return f"{text} <small>@{escape(term.language)}</small>"
            datatype = term.datatype.value
            if datatype.endswith("#string"):
                return text
            return f"{text} <small>({escape(datatype.rsplit('#', 1)[-1])})</small>"
        if isinstance(term, ox.BlankNode) and depth < 8:
            return self.table(by_subject.get(str(term), []), by_subject, depth + 1)
        return escape(str(term))

    # -- the page ----------------------------------------------------------------------------

    def table(
        self, triples: list[ox.Triple], by_subject: dict[str, list[ox.Triple]], depth: int = 0
    ) -> str:
        by_predicate: dict[str, list[ox.Triple]] = defaultdict(list)
        for t in triples:
            by_predicate[t.predicate.value].append(t)
        rows = []
        for predicate in sorted(by_predicate, key=lambda p: (p != _RDF_TYPE, p)):
            group = by_predicate[predicate]
            values = "<br>".join(
                self.value(t.object, by_subject, depth)
                for t in sorted(group, key=lambda t: str(t.object))
            )
            rows.append(f"<tr><th>{self.link(group[0].predicate)}</th><td>{values}</td></tr>")
        return f"<table>{''.join(rows)}</table>"

    def render(
        self,
        description: set[ox.Triple],
        labels: set[ox.Triple],
        incoming: set[ox.Triple],
        incoming_total: int,
    ) -> str:
        self._learn([*description, *labels, *incoming])
        by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
        for t in description:
            by_subject[str(t.subject)].append(t)
        me = ox.NamedNode(self.iri)
        title = self.name(me) or self.iri
        types = sorted(
            (t.object for t in by_subject.get(str(me), []) if t.predicate.value == _RDF_TYPE),
            key=str,
        )
        type_links = ", ".join(self.link(t) for t in types if isinstance(t, ox.NamedNode))
        twins = " · ".join(f'<a href="?format={n}">{label}</a>' for n, label, _ in _TWINS)
        parts = [
            '<!DOCTYPE html>\n<html lang="nb"><head><meta charset="utf-8">',
            f"<title>{escape(title)}</title>{_STYLE}</head><body>",
            f"<h1>{escape(title)}</h1>",
            f'<p class="iri"><code>{escape(self.iri)}</code>'
            + (f" · {type_links}" if type_links else "")
            + "</p>",
            f"<p>RDF: {twins}</p>",
            "<h2>Egenskaper / Properties</h2>",
            self.table(by_subject.get(str(me), []), by_subject),
        ]
        # Other resources the description holds (the ontology's terms), each with an anchor.
        others = sorted(s for s in by_subject if s != str(me) and s.startswith("<"))
        for subject in others:
            iri = subject[1:-1]
            page, _, fragment = iri.partition("#")
            anchor = f' id="{escape(fragment)}"' if page == self.iri and fragment else ""
            heading = self.name(ox.NamedNode(iri)) or self.compact(iri)
            parts.append(
                f"<section{anchor}><h3>{escape(heading)}</h3>"
                f'<p class="iri"><code>{escape(iri)}</code></p>'
                f"{self.table(by_subject[subject], by_subject)}</section>"
            )
        if incoming:
            rows = [
                f"<li>{self.link(t.subject)} — {self.link(t.predicate)}</li>"
                if isinstance(t.subject, ox.NamedNode)
                else f"<li>{escape(str(t.subject))} — {self.link(t.predicate)}</li>"
                for t in sorted(incoming, key=lambda t: (self.name(t.subject) or "", str(t)))  # type: ignore[arg-type]
            ]
            shown = (
                f" ({len(incoming)} av {incoming_total} / of {incoming_total})"
                if incoming_total > len(incoming)
                else ""
            )
            parts.append(f"<h2>Lenker hit / Links here{shown}</h2><ul>{''.join(rows)}</ul>")
        parts.append("</body></html>\n")
        return "".join(parts)


_STYLE = (
    "<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:1rem auto;"
    "padding:0 1rem;line-height:1.4}table{border-collapse:collapse;width:100%}"
    "th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;"
    "vertical-align:top}th{width:16rem;font-weight:normal;color:#444}"
    "td table{margin:0;background:#f6f6f6}.iri{color:#555;word-break:break-all}</style>"
)
