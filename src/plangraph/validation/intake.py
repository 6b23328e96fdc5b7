"""Taking a validated plan into the register: its graph, its versions and their provenance.

A plan that conforms (warnings and info allowed) is stored as a named graph of its own, one per
version, under :data:`SUBMISSION_GRAPH_BASE`: ``{base}{key}/v{n}``, where ``key`` is the plan's
IRI after ``https://w3id.org/plangraph/id/`` (``4601/plan-x``), or ``iri/`` and a SHA-256 of
any other IRI. Each version is a ``prov:Entity`` described in :data:`PROVENANCE_GRAPH`: the plan
it is a version of (``prov:specializationOf``), its number (``dcat:version``), when
(``prov:generatedAtTime``) and by whom (``prov:wasAttributedTo``, the agent named by the update
token's name), the activity that generated it (``prov:wasGeneratedBy``: the submission, which
``prov:used`` the file, with its name and ``pg:sha256``), the validation report's counts per
severity (DQV quality measurements), and the version it revises (``prov:wasRevisionOf``).

A new version replaces the current one in one transaction: the new graph holds the plan's
triples; the old graph keeps its content as *history*, as RDF reification (``rdf:Statement``
with ``rdf:subject``, ``rdf:predicate``, ``rdf:object``), so that the union of the graphs,
which every query sees, holds each plan once, as it now is, while every version stays in the
store to compare (``prov:invalidatedAtTime`` marks the versions that were replaced).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeGuard
from urllib.parse import quote

import pyoxigraph as ox

from plangraph.namespaces import BASE, GRAPH_BASE, META_GRAPH, PG
from plangraph.validation import literals
from plangraph.validation.register import (
    REGISTER_GRAPH,
    Register,
    add,
    canonical_graph,
    written_graph,
)
from plangraph.validation.report import Report
from plangraph.validation.submission import BLANK_PREFIX, Submission

SUBMISSION_GRAPH_BASE = GRAPH_BASE + "submission/"
"""The graphs of submitted plans: ``{base}{key}/v{n}``, one per version."""
PROVENANCE_GRAPH = GRAPH_BASE + "submissions"
"""The graph of the submissions' provenance."""
AGENT_BASE = BASE + "id/agent/"
"""The agents who submit, by the name of their token: ``{base}{name}``."""
METRIC_BASE = BASE + "concept/validation-count/"
"""The DQV metrics of a version's report: ``{base}Violation``, ``…Warning``, ``…Info``."""

_ID_BASE = BASE + "id/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_PROV = "http://www.w3.org/ns/prov#"
_DCAT = "http://www.w3.org/ns/dcat#"
_DCT = "http://purl.org/dc/terms/"
_DQV = "http://www.w3.org/ns/dqv#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_PLAN_DOCUMENT = PG + "PlanDocument"
_INFERRED = ox.NamedNode(GRAPH_BASE + "inferred")
"""The graph of the inferences (:data:`plangraph.reasoning.INFERRED_GRAPH`)."""
_SAFE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~/-]*")


class IntakeError(Exception):
    """A submission that conforms but cannot be taken in as it is (no plan, several plans, a
    plan without an IRI of its own); nothing was stored."""


@dataclass(frozen=True)
class Provenance:
    """Who submitted what, when: the token's name, the file's name and SHA-256, the report's
    counts per severity."""

    who: str
    file_name: str
    sha256: str
    counts: tuple[tuple[str, int], ...]
    at: datetime


@dataclass(frozen=True)
class Stored:
    """What a submission stored: the plan, its new version's graph and number, the version
    it replaced (None for a first version)."""

    plan: str
    graph: str
    version: int
    revision_of: str | None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def provenance(who: str, file_name: str, data: bytes, report: Report) -> Provenance:
    """The provenance of a submission of ``data`` (its report's counts, now)."""
    return Provenance(
        who, file_name, sha256(data), tuple(report.counts().items()), datetime.now(UTC)
    )


def register_of(store: ox.Store, description: str) -> Register:
    """The register ``store`` holds, copied into memory as :meth:`Register.from_store` does,
    without the history of submitted plans (their replaced versions say nothing of the
    register as it is, and would make every copy larger)."""
    skipped = {ox.NamedNode(META_GRAPH)}
    for quad in store.quads_for_pattern(
        None, ox.NamedNode(_PROV + "invalidatedAtTime"), None, ox.NamedNode(PROVENANCE_GRAPH)
    ):
        if isinstance(quad.subject, ox.NamedNode):
            skipped.add(quad.subject)
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.DefaultGraph()]
    graphs += [g for g in store.named_graphs() if g not in skipped]
    copy = ox.Store()
    add(
        copy,
        (q.triple for g in graphs for q in store.quads_for_pattern(None, None, None, g)),
        REGISTER_GRAPH,
    )
    return Register(copy, description)


def plan_of(submission: Submission, register: Register) -> str:
    """The IRI of the one plan the submission holds (a subject of a class that is a
    ``pg:PlanDocument`` in the register or the submission).

    Raises:
        IntakeError: if it holds no plan, several, or one without an IRI of its own.
    """
    types: dict[str, set[str]] = {}
    subclass: list[tuple[str, str]] = []
    for t in submission.triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        if t.predicate.value == _RDF + "type" and isinstance(t.object, ox.NamedNode):
            types.setdefault(t.subject.value, set()).add(t.object.value)
        elif t.predicate.value == _RDFS + "subClassOf" and isinstance(t.object, ox.NamedNode):
            subclass.append((t.subject.value, t.object.value))
    classes = {c for found in types.values() for c in found}
    plan_classes = {c for c in classes if _is_plan_class(c, register, subclass)}
    plans = sorted(s for s, found in types.items() if found & plan_classes)
    if not plans:
        raise IntakeError(
            "the submission holds no plan (nothing of a plan kind): submit one plan per file"
        )
    if len(plans) > 1:
        raise IntakeError(
            f"the submission holds {len(plans)} plans ({', '.join(plans[:5])}): "
            "submit one plan per file"
        )
    plan = plans[0]
    if plan.startswith(BLANK_PREFIX):
        raise IntakeError(
            "the plan has no IRI of its own, so a later version could not replace it: give it "
            "one (`id: …` in plain YAML or JSON, an IRI in Turtle or JSON-LD)"
        )
    return plan


def _is_plan_class(cls: str, register: Register, extra: Sequence[tuple[str, str]]) -> bool:
    if cls == _PLAN_DOCUMENT:
        return True
    found = register.store.query(
        f"ASK {{ <{cls}> <{_RDFS}subClassOf>* <{_PLAN_DOCUMENT}> }}",
        default_graph=[REGISTER_GRAPH],
    )
    if bool(found):
        return True
    return any(s == cls and _is_plan_class(o, register, ()) for s, o in extra)


@contextlib.contextmanager
def without_current(register: Register, store: ox.Store, plan: str) -> Iterator[None]:
    """The register without what only the current version of ``plan`` (in ``store``, the
    store the register was copied from) says, for the time of the block: a new version is
    validated as what replaces it, not beside it."""
    current = next((v for v in reversed(versions(store, plan)) if v.current), None)
    if current is None:
        yield
        return
    graph = ox.NamedNode(current.graph)
    subjects = {q.subject for q in store.quads_for_pattern(None, None, None, graph)}
    # What the version says, and what was inferred about its nodes, unless another graph says it.
    own = (graph, _INFERRED)
    only = [
        q.triple
        for subject in subjects
        for q in store.quads_for_pattern(subject, None, None, None)
        if q.graph_name in own
        and all(
            other.graph_name in own
            for other in store.quads_for_pattern(q.subject, q.predicate, q.object, None)
        )
    ]
    plain, written, canonical = literals.encode(only)
    quads = [ox.Quad(t.subject, t.predicate, t.object, REGISTER_GRAPH) for t in plain]
    for triples, companion in (
        (written, written_graph(REGISTER_GRAPH)),
        (canonical, canonical_graph(REGISTER_GRAPH)),
    ):
        quads += [ox.Quad(t.subject, t.predicate, t.object, companion) for t in triples]
    present = [q for q in quads if q in register.store]
    for quad in present:
        register.store.remove(quad)
    try:
        yield
    finally:
        register.store.extend(present)


def plan_key(plan: str) -> str:
    """The part of a plan's graphs' IRIs that names the plan."""
    if plan.startswith(_ID_BASE):
        rest = plan[len(_ID_BASE) :]
        if _SAFE_KEY.fullmatch(rest) and ".." not in rest and not rest.endswith("/"):
            return rest
    return "iri/" + sha256(plan.encode("utf-8"))[:32]


def version_graph(plan: str, version: int) -> str:
    """The graph of version ``version`` of ``plan``."""
    return f"{SUBMISSION_GRAPH_BASE}{quote(plan_key(plan), safe='/')}/v{version}"


@dataclass(frozen=True)
class _Version:
    graph: str
    number: int
    current: bool


def versions(store: ox.Store, plan: str) -> list[_Version]:
    """The stored versions of ``plan``, oldest first."""
    rows = store.query(
        f"SELECT ?v ?n ?gone WHERE {{ GRAPH <{PROVENANCE_GRAPH}> {{ "
        f"?v <{_PROV}specializationOf> <{plan}> ; <{_DCAT}version> ?n . "
        f"OPTIONAL {{ ?v <{_PROV}invalidatedAtTime> ?gone }} }} }}"
    )
    assert isinstance(rows, ox.QuerySolutions)
    found = []
    for row in rows:
        v, n = row["v"], row["n"]
        if isinstance(v, ox.NamedNode) and isinstance(n, ox.Literal) and n.value.isdigit():
            found.append(_Version(v.value, int(n.value), row["gone"] is None))
    return sorted(found, key=lambda v: v.number)


def store_plan(
    store: ox.Store, plan: str, triples: Sequence[ox.Triple], record: Provenance
) -> Stored:
    """Store ``triples`` as the new version of ``plan``, with its provenance, and turn the
    current version (if any) into history: one transaction (one SPARQL update)."""
    triples = stable_names(plan, triples)
    known = versions(store, plan)
    number = (known[-1].number if known else 0) + 1
    graph = version_graph(plan, number)
    current = next((v for v in reversed(known) if v.current), None)
    at = _literal_time(record.at)
    operations: list[str] = []
    if current is not None:
        old = ox.NamedNode(current.graph)
        held = [q.triple for q in store.quads_for_pattern(None, None, None, old)]
        operations.append(f"DROP SILENT GRAPH <{current.graph}>")
        operations.append(_insert(current.graph, reified(current.graph, held)))
        operations.append(
            _insert(
                PROVENANCE_GRAPH,
                [ox.Triple(old, ox.NamedNode(_PROV + "invalidatedAtTime"), at)],
            )
        )
    operations.append(f"DROP SILENT GRAPH <{graph}>")
    operations.append(_insert(graph, triples))
    operations.append(_insert(PROVENANCE_GRAPH, _record(plan, graph, number, current, record, at)))
    store.update(" ;\n".join(op for op in operations if op))
    return Stored(plan, graph, number, current.graph if current is not None else None)


def stable_names(plan: str, triples: Sequence[ox.Triple]) -> list[ox.Triple]:
    """The triples with the submission's unnamed nodes (blank nodes, named under
    :data:`BLANK_PREFIX` anew at every reading) named ``{plan}#n{digest}`` by what they say and
    what points at them, so that the same plan submitted again names them alike (two unnamed
    nodes that say the same and are pointed at alike become one)."""
    outgoing: dict[str, list[ox.Triple]] = {}
    incoming: dict[str, list[ox.Triple]] = {}
    for t in triples:
        if _unnamed(t.subject):
            outgoing.setdefault(t.subject.value, []).append(t)
        if _unnamed(t.object):
            incoming.setdefault(t.object.value, []).append(t)
    digests: dict[str, str] = {}

    def content(node: str, seen: frozenset[str]) -> str:
        lines = []
        for t in outgoing.get(node, ()):
            obj = t.object
            if _unnamed(obj) and obj.value not in seen:
                shown = "[" + content(obj.value, seen | {obj.value}) + "]"
            else:
                shown = "_" if _unnamed(obj) else str(obj)
            lines.append(f"{t.predicate} {shown}")
        return "; ".join(sorted(lines))

    def digest(node: str) -> str:
        found = digests.get(node)
        if found is None:
            pointing = sorted(
                f"{'_' if _unnamed(t.subject) else t.subject} {t.predicate}"
                for t in incoming.get(node, ())
            )
            text = content(node, frozenset({node})) + " | " + "; ".join(pointing)
            found = digests[node] = sha256(text.encode("utf-8"))[:20]
        return found

    def named(term: Any) -> Any:
        return ox.NamedNode(f"{plan}#n{digest(term.value)}") if _unnamed(term) else term

    return list(
        dict.fromkeys(ox.Triple(named(t.subject), t.predicate, named(t.object)) for t in triples)
    )


def _unnamed(term: object) -> TypeGuard[ox.NamedNode]:
    return isinstance(term, ox.NamedNode) and term.value.startswith(BLANK_PREFIX)


def reified(graph: str, triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples as statements (RDF reification) named ``{graph}#s{n}``, in a stable order."""
    rdf_type, statement = ox.NamedNode(_RDF + "type"), ox.NamedNode(_RDF + "Statement")
    subject_, predicate_ = ox.NamedNode(_RDF + "subject"), ox.NamedNode(_RDF + "predicate")
    object_ = ox.NamedNode(_RDF + "object")
    out: list[ox.Triple] = []
    for n, t in enumerate(sorted(triples, key=str), start=1):
        node = ox.NamedNode(f"{graph}#s{n}")
        out += [
            ox.Triple(node, rdf_type, statement),
            ox.Triple(node, subject_, t.subject),
            ox.Triple(node, predicate_, t.predicate),
            ox.Triple(node, object_, t.object),
        ]
    return out


def _record(
    plan: str,
    graph: str,
    number: int,
    current: _Version | None,
    record: Provenance,
    at: ox.Literal,
) -> list[ox.Triple]:
    v = ox.NamedNode(graph)
    activity = ox.NamedNode(graph + "#submission")
    file = ox.NamedNode(graph + "#file")
    agent = ox.NamedNode(AGENT_BASE + quote(record.who, safe=""))

    def n(local: str) -> ox.NamedNode:
        return ox.NamedNode(local)

    rdf_type = n(_RDF + "type")
    label = n(_RDFS + "label")
    triples = [
        ox.Triple(v, rdf_type, n(_PROV + "Entity")),
        ox.Triple(v, n(_PROV + "specializationOf"), n(plan)),
        ox.Triple(v, n(_DCAT + "version"), ox.Literal(str(number))),
        ox.Triple(v, n(_PROV + "generatedAtTime"), at),
        ox.Triple(v, n(_PROV + "wasAttributedTo"), agent),
        ox.Triple(v, n(_PROV + "wasGeneratedBy"), activity),
        ox.Triple(activity, rdf_type, n(_PROV + "Activity")),
        ox.Triple(activity, n(_PROV + "wasAssociatedWith"), agent),
        ox.Triple(activity, n(_PROV + "endedAtTime"), at),
        ox.Triple(activity, n(_PROV + "used"), file),
        ox.Triple(file, rdf_type, n(_PROV + "Entity")),
        ox.Triple(file, n(_DCT + "title"), ox.Literal(record.file_name)),
        ox.Triple(file, n(PG + "sha256"), ox.Literal(record.sha256)),
        ox.Triple(agent, rdf_type, n(_PROV + "Agent")),
        ox.Triple(agent, label, ox.Literal(record.who)),
    ]
    for severity, count in record.counts:
        measurement = n(f"{graph}#{severity.lower()}s")
        triples += [
            ox.Triple(v, n(_DQV + "hasQualityMeasurement"), measurement),
            ox.Triple(measurement, rdf_type, n(_DQV + "QualityMeasurement")),
            ox.Triple(measurement, n(_DQV + "isMeasurementOf"), n(METRIC_BASE + severity)),
            ox.Triple(
                measurement, n(_DQV + "value"), ox.Literal(str(count), datatype=n(_XSD + "integer"))
            ),
        ]
    if current is not None:
        triples.append(ox.Triple(v, n(_PROV + "wasRevisionOf"), n(current.graph)))
    return triples


def _literal_time(at: datetime) -> ox.Literal:
    text = at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return ox.Literal(text, datatype=ox.NamedNode(_XSD + "dateTime"))


def _insert(graph: str, triples: Iterable[ox.Triple]) -> str:
    data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    if not data.strip():
        return ""
    return f"INSERT DATA {{ GRAPH <{graph}> {{ {data.decode('utf-8')} }} }}"
