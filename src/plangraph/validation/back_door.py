"""Checks of a submission against the register that SHACL cannot state: a submission may not
change the rules or the register by the back door.

SHACL sees one data graph; it cannot tell a submission's triples from the register's. These
checks can: the submission is in a graph of its own in the run's store
(:class:`~plangraph.validation.register.Workspace`). A submission may link *to* register
resources, and describe its own; it may not

* SUB1: state schema (``rdfs:subClassOf``, ``rdfs:domain`` … , anything in ``owl:`` but
  ``owl:sameAs``, anything in ``sh:``, or declare a class or property);
* SUB2: type an element only with classes the register does not declare;
* SUB3: make something ``owl:sameAs`` a register resource;
* SUB4: claim a register plan's status (``pg:lifecycleStatus``, ``pg:statusAsOf``) other than the
  register's;
* SUB5: add a goal (or focus area) to a register plan and trace its own red thread to it
  (``pg:contributesTo``): a red thread to a goal the submission made up.

Each finding names the triple (focus node, property, value) and carries its rule (SUB1 … SUB5).
The rules' shapes in ``shapes/submission.ttl`` carry the messages, severity and basis; they have
no target, so no SHACL engine runs them. Both engines run these checks alike.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator

import pyoxigraph as ox

from plangraph.validation import literals
from plangraph.validation.engines.oxigraph import RawResult
from plangraph.validation.register import REGISTER_GRAPH, Register, Workspace
from plangraph.validation.shapes import PGSH, PredicatePath, ShapesModel

COMPONENT = str(PGSH.SubmissionConstraintComponent)
ENGINE = "plangraph"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_SH = "http://www.w3.org/ns/shacl#"
_PG = "https://w3id.org/plangraph/ontology#"

# (shape, query): each query returns ?this, ?path and ?value: the submitted triple (or, for
# SUB2, the element and its class). <S> is the submission's graph, <R> the register's.
CHECKS: tuple[tuple[str, str], ...] = (
    (
        "Submission-schemaTriple",
        f"""SELECT DISTINCT ?this ?path ?value WHERE {{
            GRAPH <S> {{ ?this ?path ?value }}
            FILTER (
                ?path IN (<{_RDFS}subClassOf>, <{_RDFS}subPropertyOf>, <{_RDFS}domain>,
                          <{_RDFS}range>)
                || (STRSTARTS(STR(?path), "{_OWL}") && ?path != <{_OWL}sameAs>)
                || STRSTARTS(STR(?path), "{_SH}")
                || (?path = <{_RDF}type> && isIRI(?value) && (
                        STRSTARTS(STR(?value), "{_OWL}") || STRSTARTS(STR(?value), "{_SH}")
                        || ?value IN (<{_RDFS}Class>, <{_RDF}Property>, <{_RDFS}Datatype>)))
            )
        }}""",
    ),
    (
        "Submission-sameAsRegister",
        f"""SELECT DISTINCT ?this ?path ?value WHERE {{
            GRAPH <S> {{ ?this <{_OWL}sameAs> ?value }}
            BIND (<{_OWL}sameAs> AS ?path)
            FILTER EXISTS {{ GRAPH <R> {{ {{ ?value ?p ?o }} UNION {{ ?this ?p ?o }} }} }}
        }}""",
    ),
    (
        "Submission-registerPlanStatus",
        f"""SELECT DISTINCT ?this ?path ?value WHERE {{
            GRAPH <S> {{ ?this ?path ?value
                        FILTER (?path IN (<{_PG}lifecycleStatus>, <{_PG}statusAsOf>)) }}
            GRAPH <R> {{ ?this <{_RDF}type> ?type }}
            ?type <{_RDFS}subClassOf>* <{_PG}Plan> .
            FILTER NOT EXISTS {{ GRAPH <R> {{ ?this ?path ?value }} }}
        }}""",
    ),
    (
        "Submission-elementOfRegisterPlan",
        f"""SELECT DISTINCT ?this ?path ?value WHERE {{
            GRAPH <S> {{
                {{ ?this <{_PG}partOfPlan> ?value }} UNION {{ ?value <{_PG}hasElement> ?this }}
                ?other <{_PG}contributesTo> ?this .
            }}
            BIND (<{_PG}partOfPlan> AS ?path)
            GRAPH <R> {{ ?value <{_RDF}type> ?type }}
            ?type <{_RDFS}subClassOf>* <{_PG}Plan> .
            FILTER NOT EXISTS {{ GRAPH <R> {{ ?this ?p ?o }} }}
        }}""",
    ),
)


def check(work: Workspace, model: ShapesModel, register: Register) -> list[RawResult]:
    """The back-door findings of the workspace's submission (the shapes of the checks must be
    in the model: they are in the shipped shapes)."""
    found: list[RawResult] = []
    for name, query in CHECKS:
        shape = str(PGSH[name])
        if shape not in model.by_id:
            continue  # the shipped shapes were left out: so are these checks
        found.extend(_run(work, shape, query))
    undeclared = str(PGSH["Submission-undeclaredClass"])
    if undeclared in model.by_id:
        found.extend(_undeclared(work, undeclared, _declared(register)))
    return found


_SCHEMA = (_OWL, _SH, _RDFS, _RDF)
_declared_classes: weakref.WeakKeyDictionary[Register, frozenset[str]] = weakref.WeakKeyDictionary()
_declared_lock = threading.Lock()


def _declared(register: Register) -> frozenset[str]:
    """The classes the register knows: declared (``owl:Class``, ``rdfs:Class``), placed in
    the class hierarchy, or used as a type. Read once per register."""
    with _declared_lock:
        found = _declared_classes.get(register)
        if found is None:
            rows = register.store.query(
                f"""SELECT DISTINCT ?c WHERE {{ GRAPH <{REGISTER_GRAPH.value}> {{
                    {{ ?x <{_RDF}type> ?c }} UNION {{ ?c <{_RDFS}subClassOf> ?s }}
                UNION {{ ?c <{_RDF}type> ?meta
                         FILTER (?meta IN (<{_OWL}Class>, <{_RDFS}Class>)) }} }} }}"""
            )
            assert isinstance(rows, ox.QuerySolutions)
            found = frozenset(r["c"].value for r in rows if isinstance(r["c"], ox.NamedNode))
            _declared_classes[register] = found
    return found


def _undeclared(work: Workspace, shape: str, declared: frozenset[str]) -> Iterator[RawResult]:
    """SUB2: elements of the submission none of whose types the register knows."""
    rows = work.store.query(
        f"SELECT ?this ?value WHERE {{ GRAPH <{work.graph.value}> {{ ?this <{_RDF}type> ?value }} }}"
    )
    assert isinstance(rows, ox.QuerySolutions)
    submitted: dict[ox.NamedNode | ox.BlankNode, list[ox.NamedNode]] = {}
    for row in rows:
        this, cls = row["this"], row["value"]
        if isinstance(this, ox.NamedNode | ox.BlankNode) and isinstance(cls, ox.NamedNode):
            submitted.setdefault(this, []).append(cls)
    path = PredicatePath(_RDF + "type")
    for this, classes in submitted.items():
        if any(c.value in declared or c.value.startswith(_SCHEMA) for c in classes):
            continue
        registered = work.store.quads_for_pattern(
            this, ox.NamedNode(_RDF + "type"), None, REGISTER_GRAPH
        )
        if any(
            isinstance(q.object, ox.NamedNode) and q.object.value in declared for q in registered
        ):
            continue
        for cls in sorted(classes, key=lambda c: c.value):
            yield RawResult(
                focus=this, shape=shape, component=COMPONENT, value=cls, path=path, engine=ENGINE
            )


def _run(work: Workspace, shape: str, query: str) -> Iterator[RawResult]:
    text = query.replace("<S>", f"<{work.graph.value}>").replace("<R>", f"<{REGISTER_GRAPH.value}>")
    rows = work.store.query(text, **work.dataset)
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        this, path, value = row["this"], row["path"], row["value"]
        if not isinstance(this, ox.NamedNode | ox.BlankNode | ox.Literal):
            continue
        if not isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal):
            continue
        yield RawResult(
            focus=literals.decode(this),
            shape=shape,
            component=COMPONENT,
            value=literals.decode(value),
            path=PredicatePath(path.value) if isinstance(path, ox.NamedNode) else None,
            engine=ENGINE,
        )
