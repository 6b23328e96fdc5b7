"""Validation as a service: a submission against the register, or a whole register.

Two engines give the same findings: ``oxigraph`` (the fast path, :mod:`.sparql`) and ``pyshacl``
(the reference, :mod:`.reference`). Both see the same data graph: the register and the
submission together, with no inference; a submission's report holds the findings whose focus node
is one of the submission's own subjects, so the register's own gaps are not blamed on it.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import pyoxigraph as ox

from plangraph.validation import report as report_module
from plangraph.validation import shapes as shapes_module
from plangraph.validation.engines import oxigraph as sparql
from plangraph.validation.engines.oxigraph import RawResult
from plangraph.validation.register import REGISTER_GRAPH, Register, Workspace
from plangraph.validation.report import Report
from plangraph.validation.shapes import ShapesModel
from plangraph.validation.submission import Submission

Engine = Literal["oxigraph", "pyshacl"]

_LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
)
_PAGE = "http://xmlns.com/foaf/0.1/page"

_shipped: Register | None = None


def shipped_register() -> Register:
    """The register made of plangraph's shipped datasets, loaded once per process."""
    global _shipped
    if _shipped is None:
        _shipped = Register.shipped()
    return _shipped


def validate(
    submissions: Sequence[Submission],
    *,
    register: Register | None = None,
    engine: Engine = "oxigraph",
    shapes: ShapesModel | None = None,
) -> Report:
    """Validate one or more submissions (as one data set) together with the register.

    Args:
        submissions: the parsed submissions (see :func:`plangraph.validation.submission.parse`).
        register: what to validate them against; by default plangraph's shipped datasets.
        engine: ``"oxigraph"`` (fast) or ``"pyshacl"`` (the reference).
        shapes: the shapes model; by default the shipped shapes.
    """
    started = time.perf_counter()
    register = register or shipped_register()
    model = shapes or shapes_module.load()
    triples = [t for s in submissions for t in s.triples]
    with register.workspace(triples) as work:
        dataset: dict[str, Any] = work.dataset
        if engine == "pyshacl":
            results = _reference_results(register, work, model)
        else:
            classes = sparql.ClassIndex.of(work.store, **dataset)
            queries = sparql.compile_shapes(model.shapes, classes, work.subjects)
            results = sparql.run(work.store, queries, **dataset)
        labels = labels_of(work.store, report_module.label_keys(results, model), **dataset)
    return report_module.build(
        results,
        model,
        labels,
        checked="submission",
        sources=tuple(s.name for s in submissions),
        register=register.description,
        engine=engine,
        triples=len(triples),
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


_reference_graphs: weakref.WeakKeyDictionary[Register, Any] = weakref.WeakKeyDictionary()
_reference_lock = threading.Lock()


def _reference_results(register: Register, work: Workspace, model: ShapesModel) -> list[RawResult]:
    """pyshacl's results for the workspace's submission.

    The register's rdflib graph is built once per register and reused: the submission's triples
    are added for the run and taken out again. pyshacl is not thread-safe, so runs take turns.
    pyshacl's own ``focus_nodes`` option also filters the nested shapes of ``sh:or``,
    ``sh:not`` and ``sh:qualifiedValueShape`` (it then skips them), so pyshacl validates
    everything and the results are narrowed to the submission's subjects afterwards.
    """
    from plangraph.validation.engines import pyshacl as reference

    with _reference_lock:
        data = _reference_graphs.get(register)
        if data is None:
            data = reference.graph_of(
                register.store.quads_for_pattern(None, None, None, REGISTER_GRAPH)
            )
            _reference_graphs[register] = data
        added = [
            reference.triple_of(q)
            for q in work.store.quads_for_pattern(None, None, None, work.graph)
        ]
        fresh = [t for t in added if t not in data]
        for t in fresh:
            data.add(t)
        try:
            results = reference.validate(data, model.graph)
        finally:
            for t in fresh:
                data.remove(t)
    scope = set(work.subjects)
    return [r for r in results if r.focus in scope]


def validate_store(
    store: ox.Store,
    *,
    description: str,
    engine: Engine = "oxigraph",
    shapes: ShapesModel | None = None,
    workers: int = 2,
) -> Report:
    """Validate everything in a store (every graph as one): the whole register."""
    started = time.perf_counter()
    model = shapes or shapes_module.load()
    dataset: dict[str, Any] = {"use_default_graph_as_union": True}
    if engine == "pyshacl":
        from plangraph.validation.engines import pyshacl as reference

        data = reference.graph_of(store.quads_for_pattern(None, None, None, None))
        results = reference.validate(data, model.graph)
    else:
        classes = sparql.ClassIndex.of(store, **dataset)
        queries = sparql.compile_shapes(model.shapes, classes, None)
        results = sparql.run(store, queries, workers=workers, **dataset)
    labels = labels_of(store, report_module.label_keys(results, model), **dataset)
    return report_module.build(
        results,
        model,
        labels,
        checked="register",
        sources=(),
        register=description,
        engine=engine,
        triples=len(store),
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


def labels_of(store: ox.Store, keys: Iterable[str], **dataset: Any) -> dict[str, Mapping[str, str]]:
    """Labels (rdfs:label, skos:prefLabel, dct:title) of the IRIs, by language ("" if none).

    A web page (a rule's basis) is named by the label of what has it as ``foaf:page``.
    """
    iris = sorted(k for k in keys if not k.startswith("_:") and _usable(k))
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(iris), 500):
        chunk = iris[start : start + 500]
        values = " ".join(f"<{iri}>" for iri in chunk)
        props = ", ".join(f"<{p}>" for p in _LABELS)
        query = (
            f"SELECT ?s ?p ?l WHERE {{ VALUES ?s {{ {values} }} "
            f"{{ ?s ?p ?l FILTER (?p IN ({props})) }} UNION "
            f"{{ ?thing <{_PAGE}> ?s ; ?p ?l FILTER (?p IN ({props})) }} }}"
        )
        rows = store.query(query, **dataset)
        assert isinstance(rows, ox.QuerySolutions)
        ranked: dict[tuple[str, str], tuple[int, str]] = {}
        for row in rows:
            s, p, label = row["s"], row["p"], row["l"]
            if not isinstance(s, ox.NamedNode) or not isinstance(label, ox.Literal):
                continue
            rank = _LABELS.index(p.value) if isinstance(p, ox.NamedNode) else 9
            lang = label.language or ""
            key = (s.value, lang)
            if key not in ranked or (rank, label.value) < ranked[key]:
                ranked[key] = (rank, label.value)
        for (iri, lang), (_, text) in ranked.items():
            found.setdefault(iri, {})[lang] = text
    return dict(found)


def _usable(iri: str) -> bool:
    return not any(c in iri for c in '<>"{}|^`\\ ')
