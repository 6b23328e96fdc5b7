"""The jobs the engine gives its worker processes, and what each one answers.

A job is a small frozen dataclass that crosses the process boundary pickled. A
``ReadJob[A]`` runs on a reader, over a store generation; a ``WriteJob[A]`` runs on the writer.
``A`` is the type of the job's answer: :meth:`Engine.read` of a :class:`Query` gives a
``Done[Serialized]``, and the worker's handler of a :class:`Query` must return a
:class:`Serialized`, so that mypy checks each job from the route to the worker and back.

Every answer is :class:`Done` (the value, and the generation it was read from) or
:class:`Failed` (an HTTP status and a message).

A job crosses as :func:`message`: its type's name and its fields' values, which pickle as plain
values (pickling the instance itself would look its class up by import on both sides, on every
query); the worker rebuilds it with :func:`job_of`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from plangraph.rebase import Rebase

if TYPE_CHECKING:
    # Named in the quoted answer types of the jobs' base classes (ruff reads no quotes there);
    # not imported at run time, so that a worker process starts without them.
    from plangraph.publish.catalog import Imported  # noqa: F401
    from plangraph.store import GraphInfo  # noqa: F401
    from plangraph.validation import Report, SubmissionError  # noqa: F401
    from plangraph.validation.intake import Provenance, Stored  # noqa: F401

A = TypeVar("A")

INLINE_BYTES = 1 << 20
"""Answers up to this size travel in one message with their status; larger ones follow it as
raw bytes (which the engine reads off the event loop)."""


class Job(Generic[A]):
    """A job whose answer is an ``A``."""

    __slots__ = ()

    @property
    def large(self) -> bool:
        """Too large to send from the event loop (a thread sends it)."""
        return False


class ReadJob(Job[A]):
    """A job for a reader: it reads the generation it is given, and changes nothing."""

    __slots__ = ()


class WriteJob(Job[A]):
    """A job for the writer: it changes the store, one at a time."""

    __slots__ = ()


# -- answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Serialized:
    """An answer serialised by the worker: its bytes, and how many rows or triples they hold."""

    body: bytes
    rows: int


@dataclass(frozen=True)
class TripleCounts:
    """Triples per graph: the store's default graph, the union of all, each named graph."""

    default: int
    union: int
    named: Mapping[str, int]


@dataclass(frozen=True)
class Description:
    """What the store knows about one IRI, each part as N-Triples text (see :class:`Describe`)."""

    description: str
    labels: str
    incoming: str
    incoming_labels: str
    incoming_total: int


@dataclass(frozen=True)
class Written:
    """What a write did: ``created`` a graph that was not there, or found it ``missing``."""

    created: bool = False
    missing: bool = False


@dataclass(frozen=True)
class Reasoned:
    """What a refresh of the inferences did (``unchanged``: they were up to date)."""

    unchanged: bool
    triples: int


@dataclass(frozen=True)
class Done(Generic[A]):
    """A job's answer."""

    value: A
    generation: str = ""
    """The generation a read was answered from (empty for writes)."""


@dataclass(frozen=True)
class Failed:
    """A job that gave no answer: the status to answer the request with, and why."""

    status: int
    message: str
    cap: bool = False
    """The answer grew past a cap (rows, triples or bytes) and was not sent."""
    timeout: bool = False
    """The job was stopped at its deadline."""
    crashed: bool = False
    """The worker died under the job (killed, out of memory)."""


@dataclass(frozen=True)
class Checked:
    """A submission read and validated for the register (see :class:`CheckSubmission`): its
    report, its triples as N-Triples and its plan's IRI; or why it cannot be taken in
    (``refused``: the HTTP status, the message and, for a plain plan, every problem)."""

    report: Report | None = None
    triples: bytes = b""
    plan: str | None = None
    refused: Mapping[str, Any] | None = None


Answer = Done[A] | Failed


# -- read jobs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Open(ReadJob[None]):
    """Open the newest generation and do nothing else (an idle reader moves on to it)."""


@dataclass(frozen=True)
class Query(ReadJob[Serialized]):
    """A SPARQL query, its answer serialised as ``media_type`` within the caps.

    The dataset: ``default_graph`` and ``named_graphs`` if the protocol gives them (either one
    replaces the query's own dataset wholly), else the union of all graphs as the default graph
    if ``union``, else the store's own default graph.
    """

    query: str
    media_type: str
    max_rows: int
    max_bytes: int
    base_iri: str | None = None
    union: bool = False
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    prefixes: Mapping[str, str] | None = None
    rebase: Rebase | None = None

    @property
    def large(self) -> bool:
        return len(self.query) > INLINE_BYTES // 4


@dataclass(frozen=True)
class GetGraph(ReadJob[Serialized]):
    """The triples of one graph (``None``: the store's default graph); a 404 if it does not
    exist; ``head``: only whether it does."""

    graph: str | None
    media_type: str
    max_rows: int
    max_bytes: int
    head: bool = False
    prefixes: Mapping[str, str] | None = None
    rebase: Rebase | None = None


@dataclass(frozen=True)
class Describe(ReadJob[Description]):
    """What the store knows about ``iri``: its Concise Bounded Description over all graphs (for
    an ``owl:Ontology``, the whole graph that declares it), the labels of what it points to,
    and up to ``incoming_limit`` triples that point at it; a 404 if nothing."""

    iri: str
    max_rows: int
    incoming_limit: int = 500
    rebase: Rebase | None = None


@dataclass(frozen=True)
class Dump(ReadJob[int]):
    """The named ``graphs``, streamed in chunks as Turtle or N-Quads; answers the number of
    quads written (see :meth:`Engine.stream`)."""

    graphs: tuple[str, ...]
    media_type: str
    prefixes: Mapping[str, str] | None = None
    rebase: Rebase | None = None


@dataclass(frozen=True)
class Statistics(ReadJob[TripleCounts]):
    """How many triples each graph holds."""


@dataclass(frozen=True)
class Graphs(ReadJob["tuple[GraphInfo, ...]"]):
    """Every named graph with its triple count and load record."""


@dataclass(frozen=True)
class Imports(ReadJob["tuple[Imported, ...]"]):
    """The imported graphs with their PROV-O records."""


@dataclass(frozen=True)
class Validate(ReadJob["Report | SubmissionError"]):
    """Read a submission (as sent: ``data``, its ``name``, ``media_type`` and the ``declared``
    format) and validate it against the register that the generation holds, in which the names
    of a plain plan are looked up too; ``register`` is how the report names it. Answers the
    report, or the :class:`SubmissionError` if the submission cannot be read; 400 if a shapes
    part cannot be parsed, 422 if the shapes are not valid SHACL or need pyshacl (which never
    runs for a request).
    """

    data: bytes
    name: str
    media_type: str | None
    declared: str | None
    register: str
    shapes: tuple[tuple[str, bytes], ...] = ()
    """Shapes of the user's own, as uploaded: (file name, bytes) each."""
    shipped_shapes: bool = True
    """Whether plangraph's own shapes count too (always, when no shapes are given)."""

    @property
    def large(self) -> bool:
        return len(self.data) + sum(len(d) for _, d in self.shapes) > INLINE_BYTES // 4


@dataclass(frozen=True)
class CheckSubmission(ReadJob[Checked]):
    """Read a submission's bytes (names of a plain plan resolved against the register that the
    generation holds), validate it against that register and find its plan: the first half of
    a submission (:class:`StoreSubmission` is the second)."""

    data: bytes
    name: str
    media_type: str | None
    declared: str | None
    register: str
    rebase: Rebase | None = None

    @property
    def large(self) -> bool:
        return len(self.data) > INLINE_BYTES // 4


# -- write jobs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Update(WriteJob[Written]):
    """A SPARQL update, with the mark that the loaded files no longer stand for their graphs."""

    update: str
    base_iri: str | None = None
    rebase: Rebase | None = None


@dataclass(frozen=True)
class WriteGraph(WriteJob[Written]):
    """Graph Store ``PUT`` (``replace``) or ``POST``: RDF documents, each ``(format, bytes)``
    with the name of its pyoxigraph ``RdfFormat``, into one graph (``None``: the default)."""

    graph: str | None
    parts: tuple[tuple[str, bytes], ...]
    replace: bool
    base_iri: str | None = None
    rebase: Rebase | None = None


@dataclass(frozen=True)
class DeleteGraph(WriteJob[Written]):
    """Graph Store ``DELETE`` of one graph (``None``: empty the default graph)."""

    graph: str | None
    rebase: Rebase | None = None


@dataclass(frozen=True)
class StoreSubmission(WriteJob["Stored"]):
    """Store a checked plan as the new version of ``plan``, with its provenance
    (:func:`plangraph.validation.intake.store_plan`), unless the store changed since the
    generation ``checked_in`` it was validated against: then a 409, and the caller checks it
    again."""

    plan: str
    triples: bytes
    record: Provenance
    checked_in: str


@dataclass(frozen=True)
class Reason(WriteJob[Reasoned]):
    """Bring the inferences up to date with the data."""


_TYPES: dict[str, type[Job[Any]]] = {
    cls.__name__: cls
    for cls in (
        Open,
        Query,
        GetGraph,
        Describe,
        Dump,
        Statistics,
        Graphs,
        Imports,
        Validate,
        CheckSubmission,
        Update,
        WriteGraph,
        DeleteGraph,
        StoreSubmission,
        Reason,
    )
}


def message(path: str, job: Job[Any]) -> tuple[str, str, tuple[Any, ...]]:
    """What goes to a worker: ``(path, type name, field values)`` (the fields in their order)."""
    return path, type(job).__name__, tuple(job.__dict__.values())


def job_of(name: str, values: tuple[Any, ...]) -> Job[Any]:
    """The job a :func:`message` carries."""
    return _TYPES[name](*values)
