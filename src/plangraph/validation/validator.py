"""Validation as a service: a submission against the register, or a whole store.

Two engines give the same findings: ``oxigraph`` (the fast path, :mod:`.engines.oxigraph`) and
``pyshacl`` (the reference, :mod:`.engines.pyshacl`). Both see the same data graph: the register
and the submission together, with no inference; a submission's report holds the findings whose
focus node is one of the submission's own subjects, so the register's own gaps are not blamed on
it. With the fast engine, a root shape the fast path cannot compile is judged by pyshacl in the
same run, and each finding says which engine judged it.

Shapes: the shipped shapes by default; ``shapes=[...]`` adds shapes files or graphs (or replaces
the shipped ones with ``shipped_shapes=False``); a :class:`ShapesModel` is used as it is.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import pyoxigraph as ox

from plangraph.validation import back_door, literals
from plangraph.validation import report as report_module
from plangraph.validation import shapes as shapes_module
from plangraph.validation.engines import oxigraph as sparql
from plangraph.validation.engines.oxigraph import RawResult
from plangraph.validation.register import (
    REGISTER_GRAPH,
    Register,
    Views,
    Workspace,
    written_quads,
)
from plangraph.validation.report import Report
from plangraph.validation.shapes import (
    DatatypeConstraint,
    PredicatePath,
    ShapeId,
    ShapesError,
    ShapesModel,
    ShapesSource,
)
from plangraph.validation.submission import Submission

ValidationEngine = Literal["oxigraph", "pyshacl"]
"""The engine that validates: the fast path (with pyshacl for what it cannot compile), or
pyshacl alone."""


class NeedsPyshacl(ShapesError):
    """Shapes the fast engine cannot compile, where pyshacl may not judge them
    (``allow_pyshacl=False``); the message names each shape, its source and the reason."""

    def __init__(self, model: ShapesModel, unsupported: Mapping[ShapeId, str]) -> None:
        self.shapes = tuple(sorted(unsupported))
        parts = []
        for root in self.shapes:
            origin = model.origins.get(root)
            where = f" in {origin}" if origin else ""
            reason = unsupported[root].removeprefix(f"{root}: ")
            parts.append(f"shape {root}{where}: {reason}")
        super().__init__(
            "the fast engine cannot compile these shapes, and pyshacl may not judge them here: "
            + "; ".join(parts)
        )


ShapesInput = ShapesModel | Sequence[ShapesSource] | None
"""Shapes for a run: a model, shapes files or graphs (see :func:`shapes_model`), or None."""

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


def shapes_model(shapes: ShapesInput = None, *, shipped_shapes: bool = True) -> ShapesModel:
    """The shapes of a run: the shipped shapes, plus (or instead of) the given files or graphs.

    Raises:
        ShapesError: if a shapes file cannot be read or is not valid SHACL.
    """
    if isinstance(shapes, ShapesModel):
        return shapes
    return shapes_module.compose(list(shapes or []), shipped=shipped_shapes)


def validate(
    submissions: Sequence[Submission],
    *,
    register: Register | None = None,
    engine: ValidationEngine = "oxigraph",
    shapes: ShapesInput = None,
    shipped_shapes: bool = True,
    allow_pyshacl: bool = True,
) -> Report:
    """Validate one or more submissions (as one data set) together with the register.

    Args:
        submissions: the parsed submissions (see :func:`plangraph.validation.submission.parse`).
        register: what to validate them against; by default plangraph's shipped datasets.
        engine: ``"oxigraph"`` (fast) or ``"pyshacl"`` (the reference).
        shapes: extra shapes (files or graphs), or a shapes model; see :func:`shapes_model`.
        shipped_shapes: with ``shapes`` files or graphs, whether the shipped shapes count too.
        allow_pyshacl: with the fast engine, whether pyshacl may judge the shapes the fast path
            cannot compile (else they are a :class:`ShapesError`: a web server may not want
            pyshacl's time and memory spent on a request).

    Raises:
        ShapesError: if the shapes are not valid SHACL (nothing is validated), or with
            ``allow_pyshacl=False``, if a shape needs pyshacl.
    """
    started = time.perf_counter()
    register = register or shipped_register()
    model = shapes_model(shapes, shipped_shapes=shipped_shapes)
    triples = [t for s in submissions for t in s.triples]
    with register.workspace(triples) as work:
        views = work.views
        scope = set(work.subjects)
        if engine == "pyshacl":
            results = _reference_results(register, work, model, model.roots)
            unsupported: dict[ShapeId, str] = {}
        else:
            results, unsupported = _fast(
                work.store,
                model,
                views,
                work.subjects,
                register=register,
                work=work,
                allow_pyshacl=allow_pyshacl,
            )
        results += back_door.check(work, model, register)  # when the model has their shapes
        results = [r for r in results if r.focus in scope]
        labels = labels_of(work.store, report_module.label_keys(results, model), **views.core)
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
        unsupported=unsupported,
        resolved=tuple(r.to_dict() for s in submissions for r in s.resolutions),
    )


def validate_store(
    store: ox.Store,
    *,
    description: str,
    engine: ValidationEngine = "oxigraph",
    shapes: ShapesInput = None,
    shipped_shapes: bool = True,
    workers: int = 2,
    allow_pyshacl: bool = True,
) -> Report:
    """Validate everything in a store (every graph as one): the whole register.

    Raises:
        ShapesError: as :func:`validate`.
    """
    started = time.perf_counter()
    model = shapes_model(shapes, shipped_shapes=shipped_shapes)
    views = Views.of_store(store, exclusive=model.uses_shapes_graph)
    if engine == "pyshacl":
        results = _pyshacl(_graphs(views), store, model, model.roots)
        unsupported: dict[ShapeId, str] = {}
    else:
        results, unsupported = _fast(
            store, model, views, None, workers=workers, allow_pyshacl=allow_pyshacl
        )
    labels = labels_of(store, report_module.label_keys(results, model), **views.core)
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
        unsupported=unsupported,
    )


def _graphs(views: Views) -> list[ox.NamedNode | ox.DefaultGraph] | None:
    return views.graphs()


def _fast(
    store: ox.Store,
    model: ShapesModel,
    views: Views,
    scope: Sequence[ox.NamedNode] | None,
    *,
    workers: int = 1,
    register: Register | None = None,
    work: Workspace | None = None,
    allow_pyshacl: bool = True,
) -> tuple[list[RawResult], dict[ShapeId, str]]:
    """The fast path's results, and pyshacl's for the root shapes it cannot compile."""
    classes = sparql.ClassIndex.of(store, **views.core)
    ill_formed = _ill_formed(store, model, views) if work is None else frozenset()
    shapes_graph = model.uses_shapes_graph and _put_shapes_graph(store, model)
    try:
        queries, unsupported = sparql.compile_model(
            model, classes, scope, ill_formed=ill_formed, shapes_graph=shapes_graph
        )
        if unsupported and not allow_pyshacl:
            raise NeedsPyshacl(model, unsupported)
        datasets = sparql.Datasets(core=views.core, sparql=views.sparql)
        results = sparql.run(store, queries, datasets, workers=workers)
    finally:
        if shapes_graph:
            store.remove_graph(sparql.SHAPES_GRAPH)
    if unsupported:
        if work is not None and register is not None:
            results += _reference_results(register, work, model, sorted(unsupported))
        else:
            results += _pyshacl(_graphs(views), store, model, sorted(unsupported))
    return results, unsupported


def _put_shapes_graph(store: ox.Store, model: ShapesModel) -> bool:
    """Put the shapes graph into the store for ``$shapesGraph``; False if the store is
    read-only (the shapes that need it are then left to pyshacl)."""
    quads = []
    for s, p, o in model.graph:
        subject, predicate = sparql.ox_term(s), sparql.ox_term(p)
        if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode):
            continue
        quads.append(ox.Quad(subject, predicate, sparql.ox_term(o), sparql.SHAPES_GRAPH))
    try:
        store.extend(quads)
    except OSError:
        return False
    return True


def _ill_formed(store: ox.Store, model: ShapesModel, views: Views) -> frozenset[ox.Literal]:
    """Literals of the datatypes the shapes check that the store holds but are ill-formed
    (a store loaded without :mod:`plangraph.validation.literals` keeps them as written).

    Only the values of the properties whose shapes check a datatype are read, when those are
    plain predicates (the shipped shapes'); else every literal of those datatypes.
    """
    datatypes: set[str] = set()
    predicates: set[str] = set()
    everywhere = False
    for unit in model.units:
        shape = model.by_id[unit.shape]
        found = _checked_datatypes(model, shape.iri, set())
        if not found:
            continue
        datatypes |= found
        if isinstance(shape.path, PredicatePath) and not unit.chain:
            predicates.add(shape.path.iri)
        else:
            everywhere = True
    if not datatypes:
        return frozenset()
    listed = ", ".join(f"<{d}>" for d in sorted(datatypes))
    where = "?s ?p ?o"
    if not everywhere:
        where = "VALUES ?p { " + " ".join(f"<{p}>" for p in sorted(predicates)) + " } ?s ?p ?o"
    rows = store.query(
        f"SELECT DISTINCT ?o WHERE {{ {where} FILTER (isLiteral(?o) && datatype(?o) IN ({listed})) }}",
        **views.core,
    )
    assert isinstance(rows, ox.QuerySolutions)
    bad = set()
    for row in rows:
        lit = row["o"]
        if isinstance(lit, ox.Literal) and not literals.well_formed(lit.value, lit.datatype.value):
            bad.add(lit)
    return frozenset(bad)


def _checked_datatypes(model: ShapesModel, iri: ShapeId, seen: set[ShapeId]) -> set[str]:
    """The checked XSD datatypes of sh:datatype constraints of a shape and the shapes it uses
    (but not its property shapes: those are units of their own)."""
    if iri in seen:
        return set()
    seen.add(iri)
    found: set[str] = set()
    shape = model.by_id[iri]
    for c in shape.constraints:
        if isinstance(c, DatatypeConstraint) and c.datatype in literals.CHECKED:
            found.add(c.datatype)
    for ref in shapes_module.referenced(shape):
        if ref not in shape.properties:
            found |= _checked_datatypes(model, ref, seen)
    return found


_reference_graphs: weakref.WeakKeyDictionary[Register, Any] = weakref.WeakKeyDictionary()
_reference_lock = threading.Lock()


def _reference_results(
    register: Register, work: Workspace, model: ShapesModel, roots: Sequence[ShapeId]
) -> list[RawResult]:
    """pyshacl's results for the workspace's submission, for the given root shapes.

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
            data = reference.graph_of(written_quads(register.store, [REGISTER_GRAPH]))
            _reference_graphs[register] = data
        added = [reference.triple_of(t) for t in written_quads(work.store, [work.graph])]
        fresh = [t for t in added if t not in data]
        for t in fresh:
            data.add(t)
        try:
            results = reference.validate(data, model, roots)
        finally:
            for t in fresh:
                data.remove(t)
    return results


def _pyshacl(
    graphs: Sequence[ox.NamedNode | ox.DefaultGraph] | None,
    store: ox.Store,
    model: ShapesModel,
    roots: Sequence[ShapeId],
) -> list[RawResult]:
    from plangraph.validation.engines import pyshacl as reference

    data = reference.graph_of(written_quads(store, graphs))
    with _reference_lock:
        return reference.validate(data, model, roots)


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
